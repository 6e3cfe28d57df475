package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// consentRates are, per purpose, the share of people with an e-mail address who were
// asked and the share of those who agreed. A tenth of the people who agreed to
// marketing withdrew later.
var consentRates = []struct {
	purpose        rapport.Purpose
	asked, granted float64
	source         string
}{
	{"marketing", 0.7, 0.75, "newsletter sign-up"},
	{"surveys", 0.5, 0.6, "after a service call"},
	{"research", 0.15, 0.7, "customer panel invitation"},
}

// writeConsents records the decisions of people with an e-mail address, each at a
// random time in their dealings with the firm.
func (f *filler) writeConsents(ctx context.Context) error {
	r := f.rand(streamConsents)
	began, next := time.Now(), 1000
	for _, c := range f.pop.customers {
		if c.kind != rapport.KindPerson || len(c.emails) == 0 {
			continue
		}
		for _, rate := range consentRates {
			if !chance(r, rate.asked) {
				continue
			}
			consent := rapport.Consent{Purpose: rate.purpose, Granted: chance(r, rate.granted), Source: rate.source,
				DecidedAt: between(r, c.since, f.end)}
			decisions := []rapport.Consent{consent}
			if consent.Granted && rate.purpose == "marketing" && chance(r, 0.1) {
				decisions = append(decisions, rapport.Consent{Purpose: rate.purpose, Source: "unsubscribe link",
					DecidedAt: between(r, consent.DecidedAt, f.end)})
			}
			for _, d := range decisions {
				if _, err := f.store.RecordConsent(ctx, f.system, c.id, d); err != nil {
					return fmt.Errorf("consent of %s: %w", c.name, err)
				}
				f.sum.Consents++
			}
		}
		if f.sum.Consents >= next {
			f.log("consents: %s%s", thousands.Int(f.sum.Consents), rate(f.sum.Consents, began))
			next += 1000
		}
	}
	f.log("consents: %s", thousands.Int(f.sum.Consents))
	return nil
}

// between is a random time in [from, to).
func between(r *rand.Rand, from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(to.Sub(from)))))
}
