package rapport

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// An Idea is something the firm might build or change because of what customers said:
// a product change, a new service, a fix to how it works. Staff propose ideas, most often
// from a feedback theme (a suggestion or need that keeps coming back), and move them
// through their status, so that a theme's page shows what is being done about it.
type Idea struct {
	ID          ID         `json:"id"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Status      IdeaStatus `json:"status"`
	ThemeID     ID         `json:"theme_id,omitzero"`
	CreatedBy   ID         `json:"created_by,omitzero"`
	CreatorName string     `json:"created_by_name,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// IdeaStatus is where an idea stands.
type IdeaStatus string

const (
	IdeaProposed IdeaStatus = "proposed"
	IdeaPlanned  IdeaStatus = "planned"
	IdeaBuilding IdeaStatus = "building"
	IdeaShipped  IdeaStatus = "shipped"
	IdeaDeclined IdeaStatus = "declined"
)

// IdeaStatuses are the statuses in their order.
var IdeaStatuses = []IdeaStatus{IdeaProposed, IdeaPlanned, IdeaBuilding, IdeaShipped, IdeaDeclined}

func (st IdeaStatus) Valid() bool { return oneOf(st, IdeaStatuses) }

func (st IdeaStatus) mistake() string {
	return fmt.Sprintf("status must be one of %s; got %q", list(IdeaStatuses), st)
}

// Limits on an idea's text.
const (
	MaxIdeaTitle       = 200
	MaxIdeaDescription = 5000
)

// IdeaInput is a new idea, or the new state of one.
type IdeaInput struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Status      IdeaStatus `json:"status"`
	ThemeID     ID         `json:"theme_id,omitzero"`
}

// Normalize trims the text; a missing status is proposed.
func (in *IdeaInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	if in.Status == "" {
		in.Status = IdeaProposed
	}
}

// Validate checks a normalized input.
func (in IdeaInput) Validate() error {
	p := Problems{}
	if in.Title == "" {
		p.Add("title", "title is required: say in a few words what the idea is")
	}
	checkText(p, "title", in.Title, MaxIdeaTitle)
	checkText(p, "description", in.Description, MaxIdeaDescription)
	if !in.Status.Valid() {
		p.Add("status", "%s", in.Status.mistake())
	}
	return p.Err()
}

// IdeaFilter narrows a list of ideas.
type IdeaFilter struct {
	ThemeID ID
	Status  IdeaStatus
	Limit   int // 1 to 500; 0 means 100
}

// Validate reports a status that is not one.
func (f IdeaFilter) Validate() error {
	if f.Status != "" && !f.Status.Valid() {
		return FieldError("status", "%s", f.Status.mistake())
	}
	return nil
}

// IdeaService keeps ideas. Every staff member reads them; agents, managers and admins
// propose and change them.
type IdeaService interface {
	CreateIdea(ctx context.Context, s Scope, in IdeaInput) (*Idea, error)
	// UpdateIdea replaces an idea's title, description, status and theme.
	UpdateIdea(ctx context.Context, s Scope, id ID, in IdeaInput) (*Idea, error)
	FindIdea(ctx context.Context, s Scope, id ID) (*Idea, error)
	// FindIdeas lists ideas, the most recently changed first.
	FindIdeas(ctx context.Context, s Scope, f IdeaFilter) ([]*Idea, error)
}
