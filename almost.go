package rapport

import (
	"context"
	"time"
)

// The almost-customers list ranks the customers worth a call now: valuable ones who are
// slipping away, frustrated ones, and young, low-value ones who behave like those who
// became the best customers. The almost job (package almost) works it out for every
// customer after each run of the value job; readers see only the customers they may.

// AlmostKind is a kind of reason for being on the list.
type AlmostKind string

const (
	// AlmostSlipping: once valuable, and the chance that they still buy is low or falling.
	AlmostSlipping AlmostKind = "slipping"
	// AlmostFrustrated: repeated complaints, many contacts in a short time, portal
	// searches that found nothing, or feedback left open.
	AlmostFrustrated AlmostKind = "frustrated"
	// AlmostLookalike: new and low-value, but behaving as the customers who became the
	// best fifth did at the same stage.
	AlmostLookalike AlmostKind = "lookalike"
)

// AlmostKinds are the kinds of reason, in the order the list's filters show them.
var AlmostKinds = []AlmostKind{AlmostSlipping, AlmostFrustrated, AlmostLookalike}

func (k AlmostKind) Valid() bool { return oneOf(k, AlmostKinds) }

// Signals name what a reason rests on; a kind has one or more.
const (
	SignalSlipping   = "slipping"   // kind slipping
	SignalComplaints = "complaints" // kind frustrated
	SignalContacts   = "contacts"   // kind frustrated
	SignalSearches   = "searches"   // kind frustrated
	SignalOpenItems  = "open_items" // kind frustrated
	SignalLookalike  = "lookalike"  // kind lookalike
)

// AlmostReason is one reason a customer is on the list, in plain words with the figures
// behind it. It never names another customer.
type AlmostReason struct {
	Kind     AlmostKind `json:"kind"`
	Signal   string     `json:"signal"`
	Text     string     `json:"text"`
	Strength float64    `json:"strength"` // from 0 to 1: how urgent the reason alone is
}

// AlmostCustomer is an entry of the list: the customer, why, and what to do next.
type AlmostCustomer struct {
	ID       ID             `json:"id"`
	Name     string         `json:"name"`
	Kind     CustomerKind   `json:"kind"`
	Score    float64        `json:"score"` // from 0 to 100; see docs/almost-customers.md
	Reasons  []AlmostReason `json:"reasons"`
	NextStep string         `json:"next_step"`
	// The customer's value when the list was worked out; zero without purchases.
	Currency      string    `json:"currency,omitempty"`
	Revenue       Amount    `json:"revenue"`
	LifetimeValue float64   `json:"lifetime_value"`
	PAlive        *float64  `json:"p_alive"`
	ComputedAt    time.Time `json:"computed_at"`
}

// Has reports whether the entry has a reason of the kind.
func (a *AlmostCustomer) Has(k AlmostKind) bool {
	for _, r := range a.Reasons {
		if r.Kind == k {
			return true
		}
	}
	return false
}

// AlmostFilter selects entries of the list, highest score first.
type AlmostFilter struct {
	Kind   AlmostKind // "" for all
	Cursor string
	Limit  int
}

// AlmostList is a page of the list, with what the reader may see of the whole.
type AlmostList struct {
	Customers []AlmostCustomer
	Next      string
	// Counts are the entries the reader may see, by kind, and "" for all.
	Counts     map[AlmostKind]int
	ComputedAt *time.Time // of the last run; nil before the first
}

// AlmostStages are the ages, in days since a customer's first purchase, at which the
// look-alike signal compares young customers with mature ones.
var AlmostStages = []int{30, 90, 180, 365}

// StageFeatures are what a customer did in their first days, from their first purchase.
type StageFeatures struct {
	Purchases int     // orders and transactions of a positive amount
	Spend     float64 // their amounts, in the customer's main currency
	Lines     int     // distinct product lines ordered (the order attribute "product")
	Channels  int     // distinct channels of their interactions
	Contacts  int     // tickets, calls, chats and e-mails not sent by a system
	WebEvents int     // web and portal events
}

// AlmostFacts is what the almost job knows of one customer.
type AlmostFacts struct {
	CustomerID ID
	Value      *CustomerValue // nil without purchases
	// Baseline is the customer's P(alive) when the job first saw their last purchase
	// (BaselineAt is that purchase); the drop since is how much it has fallen.
	BaselineAt     time.Time
	BaselinePAlive float64
	HasBaseline    bool
	// Over the last AlmostWindow:
	Complaints      int // tickets with the attribute category = complaint
	LastComplaintAt time.Time
	EmptySearches   int    // portal searches that found nothing (see docs/almost-customers.md)
	EmptySearch     string // one of their queries
	// ContactBurst is the most contacts within AlmostBurstDays in the last AlmostWindow,
	// ending at BurstAt; ContactsYear counts contacts over the last 365 days, the first
	// of them ContactSpanDays ago. ContactVariance is the variance of their counts in
	// the whole AlmostBurstDays windows of that year before the last AlmostWindow (0
	// with fewer than AlmostVarianceWindows of them): how much their volume varies.
	ContactBurst    int
	BurstAt         time.Time
	ContactsYear    int
	ContactSpanDays int
	ContactVariance float64
	// OpenItems counts feedback items open (or waiting) for more than AlmostOpenItemAge.
	OpenItems int
	// Stages holds, for customers with a value, their features over the first
	// AlmostStages[i] days from their first purchase.
	Stages []StageFeatures
}

// The windows of the frustration signals.
const (
	AlmostWindow      = 90 * 24 * time.Hour
	AlmostBurstDays   = 14
	AlmostOpenItemAge = 14 * 24 * time.Hour
	// AlmostVarianceWindows is how many windows of AlmostBurstDays it takes to measure
	// how much a customer's contacts vary.
	AlmostVarianceWindows = 4
)

// AlmostBaseline is a customer's P(alive) when the job first saw their last purchase.
type AlmostBaseline struct {
	CustomerID ID
	LastAt     time.Time
	PAlive     float64
}

// JobAlmost is the kind of job that works out the almost-customers list; it follows
// every run of the value job, and admins and managers may queue it.
const JobAlmost = "almost"

// AlmostService keeps the almost-customers list.
type AlmostService interface {
	// AlmostFacts reads, for the almost job, every customer with a value or a recent
	// frustration signal; the system and admins only.
	AlmostFacts(ctx context.Context, s Scope, now time.Time) ([]AlmostFacts, error)
	// ReplaceAlmostCustomers replaces the list (entries need only their id, score,
	// reasons, next step and value figures) and records the changed baselines.
	ReplaceAlmostCustomers(ctx context.Context, s Scope, list []AlmostCustomer, baselines []AlmostBaseline) error
	// FindAlmostCustomers returns a page of the entries the reader may see.
	FindAlmostCustomers(ctx context.Context, s Scope, f AlmostFilter) (*AlmostList, error)
}
