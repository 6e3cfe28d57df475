package rapport

import (
	"context"
	"strings"
	"time"
)

// Expert is a staff member's profile as a subject-matter expert: who to ask about
// what. Listed experts appear in the portal's directory; readers there see only the
// name, headline, bio and areas, never the e-mail address.
type Expert struct {
	UserID    ID         `json:"user_id"`
	Name      string     `json:"name"`
	Email     string     `json:"email,omitempty"` // staff only
	Headline  string     `json:"headline"`
	Bio       string     `json:"bio"` // Markdown
	Areas     []string   `json:"areas"`
	Listed    bool       `json:"listed"`
	Articles  int        `json:"articles"` // articles they own that the reader may read
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// ExpertInput is what a staff member writes about their expertise.
type ExpertInput struct {
	Headline string   `json:"headline"`
	Bio      string   `json:"bio"`
	Areas    []string `json:"areas"`
	Listed   bool     `json:"listed"`
}

// Limits of an expert profile.
const (
	MaxExpertHeadline = 120
	MaxExpertBio      = 4000
	MaxExpertAreas    = 20
)

// Normalize trims the text and cleans the areas (lower case, de-duplicated, sorted).
func (in *ExpertInput) Normalize() {
	in.Headline = strings.TrimSpace(in.Headline)
	in.Bio = strings.TrimSpace(in.Bio)
	in.Areas = cleanLabels(in.Areas, true)
}

// Validate checks a normalized input.
func (in *ExpertInput) Validate() error {
	p := Problems{}
	checkText(p, "headline", in.Headline, MaxExpertHeadline)
	checkText(p, "bio", in.Bio, MaxExpertBio)
	if len(in.Areas) > MaxExpertAreas {
		p.Add("areas", "areas has %d entries; at most %d are allowed", len(in.Areas), MaxExpertAreas)
	}
	for _, a := range in.Areas {
		checkText(p, "areas", a, 60)
	}
	if in.Listed && in.Headline == "" {
		p.Add("headline", "a listed expert needs a headline that says what to ask them about")
	}
	return p.Err()
}

// ExpertService keeps the expert profiles of staff.
type ExpertService interface {
	// ListExperts returns the experts the reader may see, by name, in one area when
	// area is not empty: staff see every profile, other readers only listed experts.
	ListExperts(ctx context.Context, s Scope, area string) ([]Expert, error)
	// FindExpert returns one expert the reader may see.
	FindExpert(ctx context.Context, s Scope, userID ID) (*Expert, error)
	// SaveExpert writes a staff user's expert profile: their own, or anyone's for admins.
	SaveExpert(ctx context.Context, s Scope, userID ID, in ExpertInput) (*Expert, error)
}
