package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// itemKinds are the items of business the demo makes: what each is called, the kind
// of request and how long the firm takes to finish it.
var itemKinds = []struct {
	kind        rapport.ItemKind
	title       string
	requestType string
	channel     rapport.Channel
	days        int // to the due date
}{
	{"ticket", "Delivery arrived damaged", "damaged delivery", "phone", 5},
	{"ticket", "Invoice shows the wrong VAT number", "invoice correction", "email", 10},
	{"ticket", "Chair mechanism squeaks after a month", "repair", "chat", 14},
	{"request", "Change of delivery address", "address change", "portal", 3},
	{"request", "Refund for a returned order", "refund", "email", 10},
	{"request", "Copy of last year's invoices", "invoice copy", "email", 5},
	{"request", "Quote for a second floor", "quote", "phone", 14},
	{"task", "Call back about the renewal", "", "phone", 7},
	{"task", "Send the new catalogue", "", "email", 7},
	{"feedback", "Waited too long on the phone", "complaint", "phone", 14},
	{"feedback", "Would like a lighter chair model", "suggestion", "web", 30},
}

// writeItems gives a quarter of the customers a few items of business: those opened
// in the last four months are still open or waiting half of the time (some past their
// due date), older ones are done or, a few, cancelled. A service agent, or the account
// manager, opens and works each, so that the profile's open items and the last contact
// by each team have something to show. Its random stream is its own, so that the rest
// of the data set is what it was before items were added.
func (f *filler) writeItems(ctx context.Context) error {
	r := f.rand(streamItems)
	service := staffIn(teamService)
	began, next := time.Now(), 1000
	recent := f.end.AddDate(0, -4, 0)
	for _, c := range f.pop.customers {
		if !chance(r, 0.25) {
			continue
		}
		for range 1 + r.IntN(3) {
			k := pick(r, itemKinds)
			staff := pick(r, service)
			if c.owner >= 0 && chance(r, 0.5) {
				staff = c.owner
			}
			scope := rapport.StaffScope(f.users[staff], "demo", "demo")
			opened := between(r, c.since, c.until)
			it := &rapport.Item{CustomerID: c.id, Kind: k.kind, Title: k.title, RequestType: k.requestType, Channel: k.channel,
				Product: pick(r, productLines), OwnerID: f.users[staff].ID, OpenedAt: opened,
				Due: opened.AddDate(0, 0, k.days).Format(rapport.DateLayout)}
			if k.kind == "task" {
				it.Product = ""
			}
			switch {
			case opened.After(recent) && chance(r, 0.5):
				if chance(r, 0.2) {
					it.Status = rapport.ItemWaiting
				}
			case chance(r, 0.9):
				it.Status = rapport.ItemDone
			default:
				it.Status = rapport.ItemCancelled
			}
			if it.Status.Closed() {
				until := opened.AddDate(0, 0, 2*k.days)
				if until.After(f.end) {
					until = f.end
				}
				closed := between(r, opened, until)
				it.ClosedAt = &closed
			}
			err := f.store.CreateItem(ctx, scope, it)
			if rapport.ErrorCode(err) == rapport.ENOTFOUND {
				// Behind the wall, where the agent is not: the firm's system opens it.
				it.OwnerID = rapport.ID{}
				err = f.store.CreateItem(ctx, f.system, it)
			}
			if err != nil {
				return fmt.Errorf("item of %s: %w", c.name, err)
			}
			f.sum.Items++
		}
		if f.sum.Items >= next {
			f.log("items: %s%s", thousands.Int(f.sum.Items), rate(f.sum.Items, began))
			next += 1000
		}
	}
	f.log("items: %s", thousands.Int(f.sum.Items))
	return nil
}
