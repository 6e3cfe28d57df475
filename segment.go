package rapport

import (
	"context"
	"strings"
	"time"
)

// Segment is a saved rule over customers (see package segment for the language) and
// the customers who met it when it was last refreshed.
type Segment struct {
	ID          ID         `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Rule        string     `json:"rule"`
	OwnerID     ID         `json:"owner_id,omitzero"`
	OwnerName   string     `json:"owner_name,omitempty"`
	Size        int        `json:"size"` // members the reader may see, at the last refresh
	RefreshedAt *time.Time `json:"refreshed_at"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Validate checks a segment's own fields; the store checks its rule.
func (s *Segment) Validate() error {
	p := Problems{}
	s.Name = strings.Join(strings.Fields(s.Name), " ")
	if s.Name == "" {
		p.Add("name", "a segment needs a name")
	}
	checkText(p, "name", s.Name, 100)
	checkText(p, "description", s.Description, 2000)
	return p.Err()
}

// CanChange reports whether the actor may change or delete the segment: its owner,
// managers and admins.
func (g *Segment) CanChange(s Scope) bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager)) ||
		(!g.OwnerID.IsZero() && g.OwnerID == s.UserID)
}

// SegmentUpdate changes the fields that are not nil.
type SegmentUpdate struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Rule        *string `json:"rule"`
}

// SegmentSize is a segment's size on a day, as its reader may see it.
type SegmentSize struct {
	Day  string `json:"day"` // 2006-01-02
	Size int    `json:"size"`
}

// SegmentRef names a segment a customer belongs to.
type SegmentRef struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
}

// ExportedCustomer is a row of a segment's export.
type ExportedCustomer struct {
	ID               ID
	Kind             CustomerKind
	Name             string
	Email, Phone     string // the primary ones
	Language         string
	PreferredChannel Channel
	City, Country    string // of the first address
}

// JobSegments is the kind of job that refreshes every segment; it follows every run of
// the value job, since rules may test value.
const JobSegments = "segments"

// SegmentService keeps segments. Every count, list and export is of the customers the
// reader may see.
type SegmentService interface {
	// CountSegment counts the visible customers that meet a rule now, without saving
	// it: the segment builder's live count. A rule with a mistake is EINVALID on
	// "rule", with where the mistake is.
	CountSegment(ctx context.Context, s Scope, rule string) (int, error)
	CreateSegment(ctx context.Context, s Scope, seg *Segment) error
	FindSegments(ctx context.Context, s Scope) ([]*Segment, error)
	FindSegmentByID(ctx context.Context, s Scope, id ID) (*Segment, error)
	// UpdateSegment and DeleteSegment are for the segment's owner, managers and admins.
	UpdateSegment(ctx context.Context, s Scope, id ID, u SegmentUpdate) (*Segment, error)
	DeleteSegment(ctx context.Context, s Scope, id ID) error
	// RefreshSegment works out a segment's members again and records its size today.
	RefreshSegment(ctx context.Context, s Scope, id ID) (*Segment, error)
	// RefreshSegments refreshes every segment (the segments job); a segment whose
	// rule no longer compiles, such as one naming a deleted owner, is skipped and
	// reported in the result.
	RefreshSegments(ctx context.Context, s Scope) (refreshed int, failed []string, err error)
	// SegmentHistory is the segment's size by day, oldest first.
	SegmentHistory(ctx context.Context, s Scope, id ID) ([]SegmentSize, error)
	// CustomerSegments are the segments a visible customer belongs to.
	CustomerSegments(ctx context.Context, s Scope, customerID ID) ([]SegmentRef, error)
	// ExportSegment passes each visible member who agreed to the purpose to fn, by
	// name, and records the export in the audit trail. Managers, analysts and admins.
	ExportSegment(ctx context.Context, s Scope, id ID, purpose Purpose, fn func(ExportedCustomer) error) (int, error)
}
