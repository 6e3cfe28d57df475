package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// demoFeedback is what customers tell the firm, by kind.
var demoFeedback = []struct {
	kind    rapport.FeedbackKind
	text    string
	channel rapport.Channel
}{
	{"complaint", "The desk arrived with a scratched top and nobody called back about it. Very disappointing.", "phone"},
	{"complaint", "Waited 40 minutes on the phone to change a delivery date. That is far too long.", "phone"},
	{"complaint", "The invoice shows the wrong VAT number again, the third time this year.", "email"},
	{"compliment", "The fitter was quick, friendly and left everything spotless. Great service!", "in_person"},
	{"compliment", "Really happy with the new chairs, the whole team loves them.", "email"},
	{"suggestion", "It would help to see the delivery slot in the portal instead of getting a text.", "web"},
	{"suggestion", "A lighter chair model for home offices would sell well to our staff.", "in_person"},
	{"question", "Can the standing desk frame be reused with a larger top?", "chat"},
	{"need", "We are opening a second office in spring and need 40 workstations fitted by April.", "in_person"},
	{"observation", "At the trade fair they kept asking about cable management for the sit-stand desks.", "in_person"},
}

// writeFeedback has service agents and account managers log what a few customers told
// them, and work some of it through to the end, so that the feedback list, the
// profiles' cards and the almost-customers list have something to show. Its random
// stream is its own.
func (f *filler) writeFeedback(ctx context.Context) error {
	r := f.rand(streamFeedback)
	service := staffIn(teamService)
	recent := f.end.AddDate(0, -2, 0)
	for _, c := range f.pop.customers {
		if !chance(r, 0.06) {
			continue
		}
		d := pick(r, demoFeedback)
		staff := pick(r, service)
		if c.owner >= 0 && chance(r, 0.5) {
			staff = c.owner
		}
		scope := rapport.StaffScope(f.users[staff], "demo", "demo")
		if c.walled {
			scope = f.system // behind the wall, where the agent is not
		}
		fb := &rapport.Feedback{CustomerID: c.id, Kind: d.kind, Text: d.text, Channel: d.channel,
			Product: pick(r, productLines), HeardAt: between(r, c.knownFrom(recent.AddDate(0, -4, 0)), f.end)}
		// With the store's clock in hand, feedback is logged a few hours after it was
		// heard and each step takes time, so that the dashboard's times are lifelike.
		at := fb.HeardAt.Add(time.Duration(r.IntN(6*60)) * time.Minute)
		f.setClock(at)
		if _, err := f.store.CreateFeedback(ctx, scope, fb); err != nil {
			return fmt.Errorf("feedback of %s: %w", c.name, err)
		}
		// Older feedback was mostly worked through; recent feedback is often still open.
		resolved := false
		if fb.HeardAt.Before(recent) || chance(r, 0.3) {
			steps := []rapport.FeedbackChange{{Status: "triaged"}, {Status: "resolved", Resolution: "Sorted out with the customer and the team concerned."},
				{Status: "informed", InformedVia: "email"}}
			waits := []time.Duration{time.Duration(1+r.IntN(30)) * time.Hour, time.Duration(1+r.IntN(8*24)) * time.Hour, time.Duration(2+r.IntN(72)) * time.Hour}
			for i, step := range steps[:1+r.IntN(len(steps))] {
				if at = at.Add(waits[i]); at.After(time.Now()) {
					break
				}
				f.setClock(at)
				if _, err := f.store.ChangeFeedbackStatus(ctx, scope, fb.ID, step); err != nil {
					return fmt.Errorf("feedback of %s: %w", c.name, err)
				}
				resolved = step.Status != "triaged"
			}
		}
		if err := f.workActions(ctx, r, scope, fb, resolved, fb.HeardAt.Before(recent)); err != nil {
			return err
		}
		f.setClock(time.Time{})
		f.sum.Feedback++
	}
	// What is overdue now goes to the teams' managers, as the escalate job would.
	escalated, err := f.store.EscalateOverdue(ctx, f.system, time.Now())
	if err != nil {
		return err
	}
	f.sum.Escalated = len(escalated)
	f.log("feedback: %s, action items worked: %s, escalated: %s", thousands.Int(f.sum.Feedback), thousands.Int(f.sum.Actions), thousands.Int(f.sum.Escalated))
	return nil
}

// setClock sets the store's clock to at, or back to the real time for the zero time,
// when the demo may turn it (Options.SetNow).
func (f *filler) setClock(at time.Time) {
	if f.opts.SetNow == nil {
		return
	}
	if at.IsZero() {
		f.opts.SetNow(time.Now)
		return
	}
	f.opts.SetNow(func() time.Time { return at })
}
