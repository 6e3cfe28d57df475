package rapport

import (
	"context"
	"time"
)

// LinkKind is how one customer relates to another. A link always points at an
// organisation: from a person who works at, owns or advises it, or from an
// organisation that is its subsidiary.
type LinkKind string

const (
	LinkWorksAt      LinkKind = "works_at"
	LinkOwns         LinkKind = "owns"
	LinkAdvises      LinkKind = "advises"
	LinkSubsidiaryOf LinkKind = "subsidiary_of"
)

var LinkKinds = []LinkKind{LinkWorksAt, LinkOwns, LinkAdvises, LinkSubsidiaryOf}

// Link connects a person to an organisation, or an organisation to its parent.
type Link struct {
	ID        ID        `json:"id"`
	FromID    ID        `json:"from_id"`
	FromName  string    `json:"from_name,omitempty"`
	FromKind  string    `json:"from_kind,omitempty"`
	ToID      ID        `json:"to_id"`
	ToName    string    `json:"to_name,omitempty"`
	Kind      LinkKind  `json:"kind"`
	Role      string    `json:"role,omitempty"` // job title or role, such as "CFO"
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the link on its own; the store checks the kinds of both ends.
func (l *Link) Validate() error {
	p := Problems{}
	if l.FromID.IsZero() {
		p.Add("from_id", "from_id is required: the person or organisation the link starts at")
	}
	if l.ToID.IsZero() {
		p.Add("to_id", "to_id is required: the organisation the link points at")
	}
	if !l.FromID.IsZero() && l.FromID == l.ToID {
		p.Add("to_id", "a customer cannot be linked to itself")
	}
	if !oneOf(l.Kind, LinkKinds) {
		p.Add("kind", "link kind %q is unknown; use one of %s", l.Kind, list(LinkKinds))
	}
	checkText(p, "role", l.Role, 100)
	return p.Err()
}

// ValidateEnds checks that the kinds of the two customers fit the link.
func (l *Link) ValidateEnds(from, to CustomerKind) error {
	if to != KindOrganisation {
		return FieldError("to_id", "links point at an organisation; the customer at to_id is a person")
	}
	if l.Kind == LinkSubsidiaryOf && from != KindOrganisation {
		return FieldError("kind", "only an organisation can be a subsidiary of another; use works_at, owns or advises for a person")
	}
	if l.Kind != LinkSubsidiaryOf && from != KindPerson {
		return FieldError("kind", "%s links a person to an organisation; link two organisations with subsidiary_of", l.Kind)
	}
	return nil
}

// LinkService reads and writes links between customers. Links to or from a customer the
// scope may not see are invisible.
type LinkService interface {
	// FindLinks returns the links from and to the customer.
	FindLinks(ctx context.Context, s Scope, customerID ID) ([]*Link, error)
	CreateLink(ctx context.Context, s Scope, l *Link) error
	DeleteLink(ctx context.Context, s Scope, id ID) error
}
