package rapport

import (
	"context"
	"math"
	"time"
)

// Quality says how complete and how current a customer's profile is: the share of the
// key fields it has, which are missing, and when it last changed. A profile unchanged
// for StaleAfter is stale.
type Quality struct {
	CustomerID ID        `json:"customer_id"`
	Complete   int       `json:"complete"` // per cent of the key fields present
	Missing    []string  `json:"missing"`
	UpdatedAt  time.Time `json:"updated_at"`
	Stale      bool      `json:"stale"`
}

// StaleAfter is how long a profile may go unchanged before it counts as stale.
const StaleAfter = 365 * 24 * time.Hour

// OwnerQuality sums up the quality of the profiles one account manager owns, so that
// managers see who keeps customer data current.
type OwnerQuality struct {
	OwnerID   ID     `json:"owner_id,omitzero"` // zero for customers without an owner
	OwnerName string `json:"owner_name,omitempty"`
	Customers int    `json:"customers"`
	Complete  int    `json:"complete"`       // mean per cent of key fields present
	Full      int    `json:"fully_complete"` // customers with every key field
	Stale     int    `json:"stale"`          // customers unchanged for StaleAfter
}

// Current is the per cent of the customers changed within StaleAfter, rounded: the
// figure to compare owners by, as they own different numbers of customers.
func (q OwnerQuality) Current() int {
	if q.Customers == 0 {
		return 0
	}
	return int(math.Round(100 * float64(q.Customers-q.Stale) / float64(q.Customers)))
}

// ProfileFacts are what the profile page shows beside the customer's own fields: where
// each golden value came from, the customer's value (nil before the value job saw a
// purchase), the quality of the profile, the customer's consents and the segments they
// belong to, and the workbench around them. FindProfile reads them with the rest.
type ProfileFacts struct {
	Sources   []FieldSource
	Value     *CustomerValue
	Quality   Quality
	Consents  []Consent
	Segments  []SegmentRef
	Questions []SuggestedQuestion // to ask next, from the playbook's rules
	Work      *Workbench          // open items, last contact by team, contact habit
	Tips      []*Tip              // the playbook's tips for the open items' kinds of request
	Feedback  *CustomerFeedback   // the latest few, and how many in all
	Systems   []*Source           // every source system, for the timeline's filter
	Portal    []PortalAccount     // the customer's help centre accounts
}

// QualityService measures the completeness and freshness of customer data.
type QualityService interface {
	// CustomerQuality measures one visible customer's profile.
	CustomerQuality(ctx context.Context, s Scope, customerID ID) (*Quality, error)
	// OwnerQualities measures the visible profiles by owner, the least complete first.
	OwnerQualities(ctx context.Context, s Scope) ([]OwnerQuality, error)
}
