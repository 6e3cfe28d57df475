package rapport

import (
	"context"
	"time"
)

// CustomerFeatures is what the clustering of proposed segments knows of one customer
// with purchases: their value and how they behave.
type CustomerFeatures struct {
	CustomerID   ID
	Currency     string // of their purchases (their most used)
	LastPurchase time.Time
	Purchases    int
	Revenue      Amount // in their main currency
	PAlive       float64
	CLV          float64
	Contacts     int // calls, e-mails, chats, tickets, meetings and visits in the last year
}

// ContactTypes are the interactions that count as contacts in CustomerFeatures, and
// the proposed rules that test them.
var ContactTypes = []InteractionType{"call", "email", "chat", "ticket", "meeting", "visit"}

// SegmentProposals are the segments proposed by the latest clustering of the customers.
// The clustering is of every customer with purchases, whatever the walls; it shows
// only aggregates (shares and means), and each proposal's rule counts, when run, only
// the customers the reader may see.
type SegmentProposals struct {
	ComputedAt time.Time         `json:"computed_at"`
	Currency   string            `json:"currency"`  // of the customers clustered: the one most of them buy in
	Customers  int               `json:"customers"` // how many were clustered
	Elsewhere  int               `json:"elsewhere"` // customers with purchases in other currencies, not clustered
	Features   []ProposalFeature `json:"features"`
	K          int               `json:"k"`
	Silhouette float64           `json:"silhouette"` // mean silhouette of the chosen clustering
	Scores     []ProposalScore   `json:"scores"`     // every k tried
	Segments   []ProposedSegment `json:"segments"`   // largest first
}

// ProposalFeature is one of the features clustered on, with everyone's mean.
type ProposalFeature struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Mean  float64 `json:"mean"`
}

// ProposalScore is how well k clusters separate the customers: the mean silhouette,
// from -1 to 1; the k with the highest was chosen.
type ProposalScore struct {
	K          int     `json:"k"`
	Silhouette float64 `json:"silhouette"`
}

// ProposedSegment is one cluster, described in words and approximated by a rule.
type ProposedSegment struct {
	Description string    `json:"description"`
	Share       float64   `json:"share"` // of the customers clustered, 0 to 1
	Means       []float64 `json:"means"` // per feature, in Features' order
	Rule        string    `json:"rule"`  // a segment rule that approximates the cluster
	// Recall is the share of the cluster's customers the rule finds, Precision the
	// share of the customers the rule finds that are in the cluster (both among the
	// customers clustered, at the time of the clustering).
	Recall    float64 `json:"recall"`
	Precision float64 `json:"precision"`
}

// JobProposals is the kind of job that clusters the customers into proposed segments;
// it follows every run of the value job.
const JobProposals = "proposals"

// ProposalService keeps the proposed segments.
type ProposalService interface {
	// EachCustomerFeatures calls fn with the features of every customer who has a
	// value, counting contacts since the given time.
	EachCustomerFeatures(ctx context.Context, s Scope, contactsSince time.Time, fn func(CustomerFeatures) error) error
	// ReplaceSegmentProposals keeps these proposals instead of the last ones.
	ReplaceSegmentProposals(ctx context.Context, s Scope, p *SegmentProposals) error
	// FindSegmentProposals returns the latest proposals, or nil if there are none yet.
	FindSegmentProposals(ctx context.Context, s Scope) (*SegmentProposals, error)
}
