package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/rapportckm/rapport"
)

// writeRouting sets the routing rules the demo's feedback is routed by, as a service
// manager would: deliveries to Operations, waiting to Customer Service, ideas to
// Product, valuable customers to Sales, and whatever no rule matches to Customer
// Service.
func (f *filler) writeRouting(ctx context.Context) error {
	ops, service, product, sales := f.team("Operations"), f.team(teamService), f.team("Product & R&D"), f.team(teamSales)
	rules := []*rapport.RoutingRule{
		{Name: "Damaged or late deliveries", Kinds: []rapport.FeedbackKind{"complaint"},
			Words: []string{"delivery", "arrived", "scratched", "damaged", "late"}, TeamID: ops.ID,
			OwnerID: f.users[staffIndex("piotr.nowak")].ID, ServiceLevel: 2 * 24, Title: "Find out what went wrong with the delivery"},
		{Name: "Waiting and call-backs", Words: []string{"waited", "too long", "nobody called", "called back"}, TeamID: service.ID,
			ServiceLevel: 24},
		{Name: "Invoices", Words: []string{"invoice", "VAT", "billing"}, TeamID: service.ID,
			OwnerID: f.users[staffIndex("aisha.khan")].ID, ServiceLevel: 3 * 24, Title: "Correct the invoice and tell the customer"},
		{Name: "Ideas and needs", Kinds: []rapport.FeedbackKind{"suggestion", "need", "observation"}, TeamID: product.ID,
			ServiceLevel: 14 * 24},
		{Name: "Valuable customers", MinValue: ptr(2000.0), TeamID: sales.ID, OwnerID: f.users[staffIndex("sofia.almeida")].ID,
			ServiceLevel: 24, Title: "Call the customer about their feedback"},
	}
	for _, r := range rules {
		if err := f.store.CreateRoutingRule(ctx, f.system, r); err != nil {
			return fmt.Errorf("routing rule %s: %w", r.Name, err)
		}
	}
	return f.store.SetRoutingSettings(ctx, f.system, &rapport.RoutingSettings{FallbackTeamID: service.ID, FallbackServiceLevel: 3 * 24})
}

func ptr[T any](v T) *T { return &v }

// workActions makes the demo's action items look lived in: those of feedback that was
// resolved are done, those of older open feedback were due long ago (and are escalated
// at the end), the rest are due as routed.
func (f *filler) workActions(ctx context.Context, r *rand.Rand, scope rapport.Scope, fb *rapport.Feedback, resolved, old bool) error {
	for _, a := range fb.ActionItems {
		var u rapport.ActionUpdate
		switch {
		case resolved:
			done, note := rapport.ActionDone, "Done and checked with the customer."
			u.Status, u.Note = &done, &note
		case old && chance(r, 0.7):
			// Overdue by one to twenty days when the demo's data end (today, for
			// rapport demo), or today when the store keeps its own clock: within a
			// year of the store's time either way.
			today := f.end
			if f.opts.SetNow == nil {
				today = time.Now().UTC()
			}
			due := today.Add(-time.Duration(1+r.IntN(20)) * 24 * time.Hour)
			u.DueAt = &due
		default:
			continue
		}
		if _, err := f.store.UpdateAction(ctx, scope, a.ID, u); err != nil {
			return fmt.Errorf("action item of feedback %s: %w", fb.ID, err)
		}
		f.sum.Actions++
	}
	return nil
}
