package rapport

import (
	"context"
	"strings"
	"time"
)

// Visibility says who may read a note.
type Visibility string

const (
	VisibilityPrivate Visibility = "private" // the author only
	VisibilityTeam    Visibility = "team"    // the members of one team
	VisibilityStaff   Visibility = "staff"   // every staff member who may see the customer
)

// Note is tacit knowledge a staff member holds about a customer: what they are aiming
// at, what matters to them, the personal details an account manager would otherwise
// keep in a private card file.
type Note struct {
	ID         ID         `json:"id"`
	CustomerID ID         `json:"customer_id"`
	AuthorID   ID         `json:"author_id"`
	AuthorName string     `json:"author_name,omitempty"`
	Visibility Visibility `json:"visibility"`
	TeamID     ID         `json:"team_id,omitzero"` // for VisibilityTeam
	TeamName   string     `json:"team_name,omitempty"`
	Body       string     `json:"body"`
	// Template names the shape of a structured note (see NoteTemplates), whose body
	// is written from its Sections; "" for a free note.
	Template  string        `json:"template,omitempty"`
	Sections  []NoteSection `json:"sections,omitempty"`
	Pinned    bool          `json:"pinned"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// Validate reports every problem with the note.
func (n *Note) Validate() error {
	p := Problems{}
	n.checkSections(p)
	n.Body = strings.TrimSpace(n.Body)
	if n.CustomerID.IsZero() {
		p.Add("customer_id", "customer_id is required")
	}
	if n.Body == "" {
		if n.Template != "" {
			p.Add("sections", "write at least one section")
		} else {
			p.Add("body", "a note needs some text")
		}
	}
	checkText(p, "body", n.Body, 20_000)
	switch n.Visibility {
	case VisibilityPrivate, VisibilityStaff:
		if !n.TeamID.IsZero() {
			p.Add("team_id", "team_id is only for notes shared with a team")
		}
	case VisibilityTeam:
		if n.TeamID.IsZero() {
			p.Add("team_id", "choose the team to share the note with")
		}
	case "":
		p.Add("visibility", "visibility is required: private, team or staff")
	default:
		p.Add("visibility", "visibility %q is unknown; use private, team or staff", n.Visibility)
	}
	return p.Err()
}

// CanChange reports whether the scope may edit or delete the note: its author, or an
// admin or manager for a note they can read that is not private.
func (n *Note) CanChange(s Scope) bool {
	if s.Kind == ActorSystem || n.AuthorID == s.UserID {
		return true
	}
	return n.Visibility != VisibilityPrivate && s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager)
}

// NoteUpdate changes the fields that are not nil.
type NoteUpdate struct {
	Body       *string        `json:"body"`
	Sections   *[]NoteSection `json:"sections"` // for a structured note, instead of body
	Visibility *Visibility    `json:"visibility"`
	TeamID     *ID            `json:"team_id"`
	Pinned     *bool          `json:"pinned"`
}

// Apply copies the set fields of u onto n.
func (u NoteUpdate) Apply(n *Note) {
	set(&n.Body, u.Body)
	set(&n.Sections, u.Sections)
	set(&n.Visibility, u.Visibility)
	set(&n.TeamID, u.TeamID)
	set(&n.Pinned, u.Pinned)
	if n.Visibility != VisibilityTeam && u.TeamID == nil {
		n.TeamID = ID{}
	}
}

// NoteFilter selects a customer's notes, newest first.
type NoteFilter struct {
	CustomerID ID
	PinnedOnly bool
	Cursor     string
	Limit      int
}

// NoteService reads and writes notes. A note the scope may not read is not found.
type NoteService interface {
	FindNoteByID(ctx context.Context, s Scope, id ID) (*Note, error)
	FindNotes(ctx context.Context, s Scope, f NoteFilter) ([]*Note, string, error)
	CreateNote(ctx context.Context, s Scope, n *Note) error
	// UpdateNote and DeleteNote are for the author (and admins for shared notes).
	UpdateNote(ctx context.Context, s Scope, id ID, u NoteUpdate) (*Note, error)
	DeleteNote(ctx context.Context, s Scope, id ID) error
}

// TypeNote selects notes in a timeline filter: notes are not interactions, but they
// take their place in a customer's history.
const TypeNote InteractionType = "note"

// TimelineEntry is one item of a customer's history: an interaction or a note.
type TimelineEntry struct {
	At          time.Time
	Interaction *Interaction
	Note        *Note
}

// TimelineService merges interactions and the notes the scope may read into one
// history, newest first. f.Types may hold TypeNote; channel and source filters leave
// notes out.
type TimelineService interface {
	FindTimeline(ctx context.Context, s Scope, f InteractionFilter) ([]TimelineEntry, string, error)
}
