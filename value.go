package rapport

import (
	"context"
	"time"
)

// CustomerValue is what a customer's purchases say about them: the RFM scores, and
// what the BG/NBD and Gamma–Gamma models expect of them over the next year. The value
// job works it out for every customer with purchases (orders and transactions of a
// positive amount); amounts are in the customer's most used currency.
type CustomerValue struct {
	CustomerID ID        `json:"customer_id"`
	Currency   string    `json:"currency"`
	Purchases  int       `json:"purchases"` // days with a purchase
	Revenue    Amount    `json:"revenue"`
	FirstAt    time.Time `json:"first_purchase_at"`
	LastAt     time.Time `json:"last_purchase_at"`
	// Recency, frequency and monetary scores: quintiles from 1 to 5, 5 the best (the
	// most recent, most frequent, highest spending fifth). Monetary is ranked among the
	// customers of the same currency.
	Recency   int `json:"recency_score"`
	Frequency int `json:"frequency_score"`
	Monetary  int `json:"monetary_score"`
	// PAlive is the probability that the customer still buys; ExpectedPurchases and
	// ExpectedSpend (per purchase) are over the next ValueHorizon; LifetimeValue is the
	// expected spend of those purchases, discounted at ValueDiscount a year.
	PAlive            float64   `json:"p_alive"`
	ExpectedPurchases float64   `json:"expected_purchases"`
	ExpectedSpend     float64   `json:"expected_spend"`
	LifetimeValue     float64   `json:"lifetime_value"`
	ComputedAt        time.Time `json:"computed_at"`
}

// ValueHorizon and ValueDiscount are how far ahead the value job looks and the yearly
// rate at which it discounts future spend.
const (
	ValueHorizon  = 365 * 24 * time.Hour
	ValueDiscount = 0.10
)

// JobValue is the kind of job that works out every customer's value. It runs once a
// day, ValueInterval after the last run.
const (
	JobValue      = "value"
	ValueInterval = 24 * time.Hour
)

// Purchase is a purchase as the value job reads it.
type Purchase struct {
	CustomerID ID
	Buyer      Buyer // whom the customer buys for
	At         time.Time
	Amount     Amount
	Currency   string
}

// Buyer is whom a customer buys for, which sets the scale of what they spend: the
// spend model is fitted to each apart. An organisation spends on another scale than a
// person buying for themselves, and so does a person buying for an organisation they
// work at, own or advise. Its value names the buyers in the plural.
type Buyer string

const (
	BuyerOrganisation   Buyer = "organisations"
	BuyerAtOrganisation Buyer = "people at organisations"
	BuyerPerson         Buyer = "people"
)

// ValueService reads purchases and keeps the customers' values.
type ValueService interface {
	// EachPurchase calls fn with every purchase, customer by customer, oldest first.
	EachPurchase(ctx context.Context, s Scope, fn func(Purchase) error) error
	// ReplaceCustomerValues replaces every customer's value with these.
	ReplaceCustomerValues(ctx context.Context, s Scope, values []CustomerValue) error
	// FindCustomerValue returns a visible customer's value, or nil if it has none.
	FindCustomerValue(ctx context.Context, s Scope, customerID ID) (*CustomerValue, error)
}
