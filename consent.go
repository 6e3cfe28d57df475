package rapport

import (
	"context"
	"time"
)

// Purpose is something the firm may use a customer's data for only with their consent.
type Purpose string

// Purposes are the purposes consent is asked for: marketing campaigns, surveys, and
// research with customers (betas, interviews, co-creation).
var Purposes = []Purpose{"marketing", "surveys", "research"}

func (p Purpose) Valid() bool { return oneOf(p, Purposes) }

// Consent is a customer's decision about one purpose. Decisions are kept per record a
// profile was merged from; the profile's consent is the most recent of them, so that a
// withdrawal given to any system holds for the whole customer.
type Consent struct {
	Purpose   Purpose   `json:"purpose"`
	Granted   bool      `json:"granted"`
	DecidedAt time.Time `json:"decided_at"` // when the customer decided
	Source    string    `json:"source"`     // where they said so: "webshop sign-up", "phone call", …
	// RecordedBy is the staff user who recorded the decision, zero for systems.
	RecordedBy ID        `json:"recorded_by,omitzero"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate checks a decision before it is recorded.
func (c *Consent) Validate(now time.Time) error {
	p := Problems{}
	if !c.Purpose.Valid() {
		p.Add("purpose", "purpose must be one of %s", list(Purposes))
	}
	if c.DecidedAt.IsZero() {
		c.DecidedAt = now
	} else if c.DecidedAt.After(now.Add(time.Minute)) {
		p.Add("decided_at", "the day of the decision is in the future: give the day the customer decided, today or before")
	}
	checkText(p, "source", c.Source, 200)
	return p.Err()
}

// ConsentService keeps customers' consents.
type ConsentService interface {
	// FindConsents returns a visible customer's current decision for each purpose
	// they decided on, in the order of Purposes.
	FindConsents(ctx context.Context, s Scope, customerID ID) ([]Consent, error)
	// RecordConsent records a decision for a visible customer; it replaces an earlier
	// decision about the same purpose on the same profile.
	RecordConsent(ctx context.Context, s Scope, customerID ID, c Consent) (*Consent, error)
}
