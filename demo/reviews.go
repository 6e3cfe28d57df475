package demo

import (
	"context"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// reviewRecords has the account managers keep their customers' records current, some
// more than others, so that Data quality has owners to tell apart: each reviews a share
// of their customers (from a tenth to three quarters) on a day within the last year,
// and records when the customer likes to be reached. Without a clock to turn, every
// record is new anyway and nothing is reviewed.
func (f *filler) reviewRecords(ctx context.Context) error {
	if f.opts.SetNow == nil {
		return nil
	}
	r := f.rand(streamReviews)
	diligence := make([]float64, len(f.users))
	for i := range diligence {
		diligence[i] = 0.1 + 0.65*r.Float64()
	}
	type review struct {
		c  *entry
		at time.Time
	}
	var reviews []review
	for _, c := range f.pop.customers {
		if c.owner < 0 || c.id.IsZero() || r.Float64() >= diligence[c.owner] {
			continue
		}
		at := f.end.Add(-time.Duration(1 + r.Int64N(int64(330*24*time.Hour))))
		if at.After(c.since) {
			reviews = append(reviews, review{c, at})
		}
	}
	slices.SortFunc(reviews, func(a, b review) int { return a.at.Compare(b.at) })
	defer f.setClock(time.Time{})
	done := 0
	for _, rv := range reviews {
		f.setClock(rv.at)
		when := rapport.ContactTime{Days: pick(r, rapport.ContactDayChoices[:2]), Part: pick(r, rapport.DayParts[:3])}
		_, err := f.store.UpdateCustomer(ctx, rapport.StaffScope(f.users[rv.c.owner], "cli", "demo"), rv.c.id,
			rapport.CustomerUpdate{PreferredTime: &when})
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			continue // behind a wall whose team its owner is not in
		} else if err != nil {
			return err
		}
		done++
	}
	f.log("records reviewed by their owners: %s", thousands.Int(done))
	return nil
}
