package rapport

import (
	"context"
	"time"
)

// AuditEvent records who read or changed what, when and from where.
type AuditEvent struct {
	ID          ID        `json:"id"`
	At          time.Time `json:"at"`
	ActorKind   ActorKind `json:"actor_kind"`
	UserID      ID        `json:"user_id,omitzero"`
	UserName    string    `json:"user_name,omitempty"`
	TokenID     ID        `json:"token_id,omitzero"`
	Via         string    `json:"via"`
	Addr        string    `json:"addr"`
	Action      string    `json:"action"` // read, list, create, update, delete, ingest, sign_in …
	Entity      string    `json:"entity"` // customer, note, user …
	EntityID    ID        `json:"entity_id,omitzero"`
	CustomerID  ID        `json:"customer_id,omitzero"`
	Customer    string    `json:"customer_name,omitempty"` // the customer's name now, if it still exists
	ThroughWall bool      `json:"through_wall"`            // an admin read a customer behind a wall
	Detail      string    `json:"detail,omitempty"`
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	UserID      ID
	CustomerID  ID
	Action      string
	Entities    []string // any of these
	ThroughWall bool
	Since       time.Time
	Until       time.Time
	Cursor      string
	Limit       int
}

// AuditService reads the audit trail (admins only). Events are written by the other
// services, in the same transaction as the change they record.
type AuditService interface {
	FindAuditEvents(ctx context.Context, s Scope, f AuditFilter) ([]*AuditEvent, string, error)
	// PruneReads deletes the records of reads made before the time given and returns
	// how many it deleted; the deletion is itself recorded. Records of changes are
	// kept.
	PruneReads(ctx context.Context, s Scope, before time.Time) (int, error)
}

// JobPruneReads is the kind of job that deletes the records of reads older than the
// server is set to keep them. It runs daily, PruneReadsInterval after the last run.
const (
	JobPruneReads      = "prune-reads"
	PruneReadsInterval = 24 * time.Hour
)
