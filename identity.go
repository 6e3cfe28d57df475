package rapport

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"
)

// MergeReason says why two customers were merged.
type MergeReason string

const (
	MergeManual    MergeReason = "manual"    // a staff member merged them by hand
	MergeReviewed  MergeReason = "reviewed"  // a reviewer accepted a proposed match
	MergeAutomatic MergeReason = "automatic" // identity resolution found them certain to match
)

func (r MergeReason) Valid() bool {
	return r == MergeManual || r == MergeReviewed || r == MergeAutomatic
}

// Merge records that one customer was merged into another. A merge in effect can be
// undone: the merged customer comes back with its source records, interactions, notes
// and links, and the target loses what the merge gave it.
type Merge struct {
	ID          ID          `json:"id"`
	TargetID    ID          `json:"target_id"`
	TargetName  string      `json:"target_name"`
	MergedID    ID          `json:"merged_id"`
	MergedName  string      `json:"merged_name"`
	MergedEmail string      `json:"merged_email,omitempty"` // its first e-mail address, to tell namesakes apart
	Reason      MergeReason `json:"reason"`
	Probability float64     `json:"probability,omitempty"` // of the match, when resolution proposed it
	UserID      ID          `json:"user_id,omitzero"`
	UserName    string      `json:"user_name,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UndoneAt    *time.Time  `json:"undone_at,omitempty"`
}

// MatchStatus is where a proposed match stands.
type MatchStatus string

const (
	MatchPending  MatchStatus = "pending"
	MatchAccepted MatchStatus = "accepted"
	MatchRejected MatchStatus = "rejected"
)

func (s MatchStatus) Valid() bool {
	return s == MatchPending || s == MatchAccepted || s == MatchRejected
}

// MatchCandidate is a pair of customers that identity resolution found likely, but not
// certain, to be the same; a reviewer accepts (merges) or rejects it.
type MatchCandidate struct {
	ID          ID           `json:"id"`
	Left        *Customer    `json:"left"`
	Right       *Customer    `json:"right"`
	Probability float64      `json:"probability"`
	Weight      float64      `json:"weight"` // log₂ of the odds that they match
	Explanation []MatchField `json:"explanation"`
	Status      MatchStatus  `json:"status"`
	DecidedBy   ID           `json:"decided_by,omitzero"`
	DecidedAt   *time.Time   `json:"decided_at,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
}

// MatchField is one term of a match weight: how a field compared and what it added.
// The prior (the odds of a match before looking at any field) is the field "prior".
type MatchField struct {
	Field  string  `json:"field"`
	Left   string  `json:"left"`
	Right  string  `json:"right"`
	Level  string  `json:"level"`  // exact, close, phonetic, different, missing …
	Weight float64 `json:"weight"` // bits added to the match weight
	Rarity bool    `json:"rarity,omitempty"`
	// Conflict is true when the two differ outright on this field (a name, a date of
	// birth, an identifier): resolution then leaves the decision to a person, however
	// likely the match.
	Conflict bool `json:"conflict,omitempty"`
}

// ScoredPair is a pair identity resolution scored, by customer id.
type ScoredPair struct {
	LeftID, RightID ID
	Probability     float64
	Weight          float64
	Explanation     []MatchField
}

// Conflicts returns the fields on which the two differ outright, which kept them from
// being merged without a person deciding.
func (m *MatchCandidate) Conflicts() []string {
	var out []string
	for _, f := range m.Explanation {
		if f.Conflict {
			out = append(out, f.Field)
		}
	}
	return out
}

// MergeFilter selects merges across customers.
type MergeFilter struct {
	Reason MergeReason // automatic, reviewed or manual; every merge when empty
	Cursor string
	Limit  int
}

// MatchFilter selects proposed matches.
type MatchFilter struct {
	Status MatchStatus // pending (the default), accepted or rejected
	Cursor string
	Limit  int
}

// IdentityRecord is what identity resolution compares of a customer, active or merged.
type IdentityRecord struct {
	ID          ID
	ProfileID   ID // the active customer it is or was merged into
	CreatedAt   time.Time
	GivenName   string
	FamilyName  string
	Name        string
	Email       string
	Phone       string
	DateOfBirth string // the attribute date_of_birth
	NationalID  string // the attribute national_id
	Street      string
	Postcode    string
	City        string
	// Walls are the ids of the walls that cover the customer, in order; customers
	// that walls cover differently are never merged automatically.
	Walls string
}

// IdentityService merges and unmerges customers and keeps the queue of proposed matches.
type IdentityService interface {
	// MergeCustomers merges the customer mergedID into targetID: the target keeps its
	// values and takes the other's where it has none; contacts, addresses, tags,
	// relationships, interactions, notes, links and source records are gathered on the
	// target. Both must be visible to the scope, active and of the same kind.
	MergeCustomers(ctx context.Context, s Scope, targetID, mergedID ID, reason MergeReason, probability float64) (*Merge, error)
	// UnmergeCustomer undoes the merge in effect of mergedID into another customer.
	UnmergeCustomer(ctx context.Context, s Scope, mergedID ID) (*Merge, error)
	// FindMerges lists the merges into a customer, newest first, undone ones included.
	FindMerges(ctx context.Context, s Scope, customerID ID) ([]*Merge, error)
	// FindRecentMerges lists the merges between customers visible to the scope, newest
	// first, undone ones included, a page at a time.
	FindRecentMerges(ctx context.Context, s Scope, f MergeFilter) ([]*Merge, string, error)
	// FindMatchCandidates lists proposed matches whose two customers are both active and
	// visible to the scope, most likely first.
	FindMatchCandidates(ctx context.Context, s Scope, f MatchFilter) ([]*MatchCandidate, string, error)
	FindMatchCandidate(ctx context.Context, s Scope, id ID) (*MatchCandidate, error)
	// DecideMatch accepts (merging the pair, the older customer surviving) or rejects a
	// pending match.
	DecideMatch(ctx context.Context, s Scope, id ID, accept bool) (*MatchCandidate, error)
	// IdentityRecords returns every person, merged ones too: the records already merged
	// show resolution what records of one person look like.
	IdentityRecords(ctx context.Context, s Scope) ([]IdentityRecord, error)
	// DecidedPairs returns the pairs reviewers decided, each as OrderedPair gives it:
	// true for one customer (accepted), false for two (rejected).
	DecidedPairs(ctx context.Context, s Scope) (map[[2]ID]bool, error)
	// ProposeMatches stores pairs for review and withdraws the pending proposals not
	// among them. A pair already decided keeps its decision.
	ProposeMatches(ctx context.Context, s Scope, pairs []ScoredPair) (int, error)
	// AddMatches stores pairs for review, leaving the other proposals be.
	AddMatches(ctx context.Context, s Scope, pairs []ScoredPair) (int, error)

	// Incremental resolution: the customers waiting, the records they may match, the
	// model to score them with.

	// IdentityRecordsOf returns the records of the customers' profiles: the active
	// customer each is or was merged into, and every record merged into that.
	IdentityRecordsOf(ctx context.Context, s Scope, ids []ID) ([]IdentityRecord, error)
	// QueuedIdentities returns up to limit customers created or changed since they were
	// last resolved, in no particular order, and how many wait in all.
	QueuedIdentities(ctx context.Context, s Scope, limit int) ([]QueuedIdentity, int, error)
	// IdentityCandidates returns the stored keys equal to any of keys (rule and hash),
	// each with its customer.
	IdentityCandidates(ctx context.Context, s Scope, keys []IdentityKey) ([]IdentityKey, error)
	// IdentityModel returns the model the last full resolution stored, nil if none.
	IdentityModel(ctx context.Context, s Scope) ([]byte, error)
	// SaveResolution stores in one transaction what a resolution run leaves for the
	// next one.
	SaveResolution(ctx context.Context, s Scope, r *Resolved) error
}

// IdentityKey is a person record's key under one blocking rule of identity resolution:
// records with equal keys are compared.
type IdentityKey struct {
	Rule       int
	Key        int64
	CustomerID ID
}

// QueuedIdentity is a customer waiting for resolution. The ticket changes each time the
// customer is queued, so that finishing with one ticket leaves a later change queued.
type QueuedIdentity struct {
	CustomerID ID
	Ticket     ID
}

// Resolved is what a resolution run leaves for the next one.
type Resolved struct {
	// Model, when not nil, replaces the stored model (a full run learnt it).
	Model []byte
	// Keys replace the stored keys of the customers in Of.
	Keys []IdentityKey
	Of   []ID
	// Done are the queued customers the run resolved.
	Done []QueuedIdentity
}

// OrderedPair returns the two ids with the smaller first, the form pairs are stored in.
func OrderedPair(a, b ID) [2]ID {
	if bytes.Compare(a[:], b[:]) > 0 {
		a, b = b, a
	}
	return [2]ID{a, b}
}

// Combine gathers the other customer's profile into c for a merge: c keeps its names,
// language, channel and owner and takes the other's where it has none; contacts,
// addresses, relationships and tags are joined; attributes c lacks are added.
func (c *Customer) Combine(o *Customer) {
	for _, f := range []struct{ dst, src *string }{
		{&c.GivenName, &o.GivenName}, {&c.FamilyName, &o.FamilyName}, {&c.Language, &o.Language}, {&c.Name, &o.Name},
	} {
		if *f.dst == "" {
			*f.dst = *f.src
		}
	}
	if c.PreferredChannel == "" {
		c.PreferredChannel = o.PreferredChannel
	}
	if c.PreferredTime.IsZero() {
		c.PreferredTime = o.PreferredTime
	}
	if c.OwnerID.IsZero() {
		c.OwnerID = o.OwnerID
	}
	c.Emails = append(c.Emails, o.Emails...)
	c.Phones = append(c.Phones, o.Phones...)
	c.Addresses = append(c.Addresses, o.Addresses...)
	c.Relationships = append(c.Relationships, o.Relationships...)
	c.Tags = append(c.Tags, o.Tags...)
	var attrs, more map[string]json.RawMessage
	if json.Unmarshal(c.Attributes, &attrs) == nil && json.Unmarshal(o.Attributes, &more) == nil {
		if attrs == nil {
			attrs = map[string]json.RawMessage{}
		}
		for k, v := range more {
			if _, ok := attrs[k]; !ok {
				attrs[k] = v
			}
		}
		c.Attributes, _ = json.Marshal(attrs)
	}
	c.Normalize()
}

// Revert takes back from c what a change from before to after brought, keeping
// whatever was changed since: a field still holding its after value returns to its
// before value, and list items the change added are removed if still present. Undoing
// a merge with it restores the target exactly when nobody edited it in between.
func (c *Customer) Revert(before, after *Customer) {
	for _, f := range []struct{ cur, was, then *string }{
		{&c.Name, &before.Name, &after.Name}, {&c.GivenName, &before.GivenName, &after.GivenName},
		{&c.FamilyName, &before.FamilyName, &after.FamilyName}, {&c.Language, &before.Language, &after.Language},
	} {
		if *f.cur == *f.then {
			*f.cur = *f.was
		}
	}
	if c.PreferredChannel == after.PreferredChannel {
		c.PreferredChannel = before.PreferredChannel
	}
	if c.PreferredTime == after.PreferredTime {
		c.PreferredTime = before.PreferredTime
	}
	if c.OwnerID == after.OwnerID {
		c.OwnerID = before.OwnerID
	}
	c.Emails = withoutAdded(c.Emails, before.Emails, after.Emails, func(cp ContactPoint) string { return NormalizeEmail(cp.Value) })
	c.Phones = withoutAdded(c.Phones, before.Phones, after.Phones, func(cp ContactPoint) string { return NormalizePhone(cp.Value) })
	c.Addresses = withoutAdded(c.Addresses, before.Addresses, after.Addresses, func(a Address) string { return strings.ToLower(a.String()) })
	c.Relationships = withoutAdded(c.Relationships, before.Relationships, after.Relationships, func(r Relationship) string { return string(r) })
	c.Tags = withoutAdded(c.Tags, before.Tags, after.Tags, func(t string) string { return t })
	var cur, was, then map[string]json.RawMessage
	if json.Unmarshal(c.Attributes, &cur) == nil && json.Unmarshal(before.Attributes, &was) == nil && json.Unmarshal(after.Attributes, &then) == nil && cur != nil {
		for k, v := range then {
			if now, ok := cur[k]; !ok || !SameJSON(now, v) {
				continue // changed since, or removed
			}
			if old, ok := was[k]; ok {
				cur[k] = old
			} else {
				delete(cur, k)
			}
		}
		c.Attributes, _ = json.Marshal(cur)
	}
	c.Normalize()
}

// SameJSON reports whether two JSON texts hold the same value, whatever their spacing
// and key order (PostgreSQL's jsonb changes both).
func SameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// withoutAdded returns cur without the items that after has and before had not.
func withoutAdded[T any](cur, before, after []T, key func(T) string) []T {
	had := map[string]bool{}
	for _, v := range before {
		had[key(v)] = true
	}
	added := map[string]bool{}
	for _, v := range after {
		if !had[key(v)] {
			added[key(v)] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(cur), func(v T) bool { return added[key(v)] })
}
