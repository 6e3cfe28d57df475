package sqldbtest

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/propose"
)

// testSegmentProposals: the features are read from the values and one pass over the
// contacts; the proposals are kept whole; and each proposed rule, run as a segment,
// finds exactly the customers of its cluster, within the reader's walls.
func testSegmentProposals(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	now := time.Now().UTC().Truncate(time.Microsecond) // as both databases keep times
	day := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }

	if p, err := db.FindSegmentProposals(ctx, f.sales); err != nil || p != nil {
		t.Fatalf("before any run: %+v, %v", p, err)
	}
	// Loyal customers bought recently, often and much, and call; lapsed ones bought
	// once, long ago. Five loyal ones are behind a wall the sales agent is not in.
	var values []rapport.CustomerValue
	var loyal, walled []*rapport.Customer
	for i := range 60 {
		c := mustPerson(t, db, "Customer", atf("N%02d", i), atf("c%02d@example.com", i))
		v := rapport.CustomerValue{CustomerID: c.ID, Currency: "EUR", Purchases: 1, Revenue: rapport.Amount(30_0000 + i*1_0000),
			FirstAt: day(400), LastAt: day(400 + i%5), PAlive: 0.1, LifetimeValue: 1, ComputedAt: now}
		if i%3 == 0 {
			v.Purchases, v.Revenue, v.LastAt, v.PAlive, v.LifetimeValue = 10+i%4, rapport.Amount(2500_0000+i*1_0000), day(5+i%7), 0.95, 900
			loyal = append(loyal, c)
			for k := range 3 {
				in := &rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: day(30 + k), Summary: "call"}
				must(t, db.CreateInteraction(ctx, system, in))
			}
			if len(walled) < 5 {
				walled = append(walled, c)
			}
		}
		values = append(values, v)
	}
	// Ten buy in pounds as the loyal ones do in euros: amounts in two currencies do not
	// compare, so they are left out of the clustering and out of its rules.
	for i := range 10 {
		c := mustPerson(t, db, "Pound", atf("P%02d", i), atf("p%02d@example.com", i))
		values = append(values, rapport.CustomerValue{CustomerID: c.ID, Currency: "GBP", Purchases: 11, Revenue: rapport.Amount(2500_0000),
			FirstAt: day(400), LastAt: day(6), PAlive: 0.95, LifetimeValue: 900, ComputedAt: now})
	}
	old := &rapport.Interaction{CustomerID: loyal[0].ID, Type: "ticket", Channel: "email", OccurredAt: day(500), Summary: "too old to count"}
	web := &rapport.Interaction{CustomerID: loyal[0].ID, Type: "web_event", Channel: "web", OccurredAt: day(3), Summary: "not a contact"}
	must(t, db.CreateInteraction(ctx, system, old))
	must(t, db.CreateInteraction(ctx, system, web))
	must(t, db.ReplaceCustomerValues(ctx, system, values))
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, walled...)

	wantCode(t, db.EachCustomerFeatures(ctx, f.sales, day(365), func(rapport.CustomerFeatures) error { return nil }), rapport.EFORBIDDEN)
	features := map[rapport.ID]rapport.CustomerFeatures{}
	must(t, db.EachCustomerFeatures(ctx, system, day(365), func(cf rapport.CustomerFeatures) error {
		features[cf.CustomerID] = cf
		return nil
	}))
	got, want := features[loyal[0].ID], values[0]
	if len(features) != 70 || got.Currency != "EUR" || got.Purchases != want.Purchases || got.Revenue != want.Revenue || got.PAlive != want.PAlive ||
		got.CLV != want.LifetimeValue || !got.LastPurchase.Equal(want.LastAt) || got.Contacts != 3 {
		t.Fatalf("got %d customers' features, the first %+v; want 70, the first in EUR with 3 contacts and %+v", len(features), got, want)
	}

	sum, err := propose.Run(ctx, db, system, now)
	must(t, err)
	if sum.Currency != "EUR" || sum.Customers != 60 || sum.Elsewhere != 10 || sum.Segments != 2 {
		t.Fatalf("run: %s", sum)
	}
	p, err := db.FindSegmentProposals(ctx, f.sales)
	must(t, err)
	if p == nil || p.K != 2 || len(p.Segments) != 2 || !p.ComputedAt.Equal(now) || p.Currency != "EUR" || p.Elsewhere != 10 {
		t.Fatalf("got %+v", p)
	}
	for i, seg := range p.Segments {
		wantAll := 40 // lapsed, largest first
		wantSales := 40
		if i == 1 {
			wantAll, wantSales = 20, 15
		}
		if !strings.HasPrefix(seg.Rule, "currency = EUR AND ") {
			t.Errorf("segment %d's rule %q does not begin with the currency", i, seg.Rule)
		}
		if math.Abs(seg.Share*60-float64(wantAll)) > 1e-9 || seg.Recall != 1 || seg.Precision != 1 {
			t.Errorf("segment %d %q: share %.3f, recall %.2f, precision %.2f", i, seg.Rule, seg.Share, seg.Recall, seg.Precision)
		}
		if n, err := db.CountSegment(ctx, f.admin, seg.Rule); err != nil || n != wantAll {
			t.Errorf("%q counts %d (%v) for the admin, want %d", seg.Rule, n, err, wantAll)
		}
		if n, err := db.CountSegment(ctx, f.sales, seg.Rule); err != nil || n != wantSales {
			t.Errorf("%q counts %d (%v) for the sales agent, want %d", seg.Rule, n, err, wantSales)
		}
	}
	wantCode(t, db.ReplaceSegmentProposals(ctx, f.sales, p), rapport.EFORBIDDEN)
}
