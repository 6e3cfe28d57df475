package sqldbtest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testSegments: rules count what they say on both databases, and segments, their
// sizes, history, members and exports respect walls and consents.
func testSegments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	now := time.Now().UTC()
	sam := f.sales.UserID

	ana := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva", Language: "pt", PreferredChannel: "email",
		Emails: []rapport.ContactPoint{{Value: "ana@acme.com"}}, Addresses: []rapport.Address{{City: "Porto", Country: "PT"}},
		Relationships: []rapport.Relationship{"client"}, Tags: []string{"VIP"}, OwnerID: sam, Attributes: json.RawMessage(`{"industry":"Retail","seats":12}`)}
	bo := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bo", FamilyName: "Ek", Emails: []rapport.ContactPoint{{Value: "bo@example.se"}},
		Addresses: []rapport.Address{{City: "Malmö", Country: "SE"}}, Relationships: []rapport.Relationship{"prospect"}}
	acme := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Acme Lda", Relationships: []rapport.Relationship{"client", "partner"}}
	secret := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Sam", FamilyName: "Secret", Relationships: []rapport.Relationship{"client"}}
	for _, c := range []*rapport.Customer{ana, bo, acme, secret} {
		must(t, db.CreateCustomer(ctx, system, c))
	}
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	at := func(daysAgo int) time.Time { return now.AddDate(0, 0, -daysAgo) }
	amount := func(s string) *rapport.Amount { a, _ := rapport.ParseAmount(s); return &a }
	log := func(c *rapport.Customer, typ rapport.InteractionType, daysAgo int, attrs string, amt *rapport.Amount) {
		t.Helper()
		in := &rapport.Interaction{CustomerID: c.ID, Type: typ, Channel: "email", OccurredAt: at(daysAgo), Summary: string(typ), Amount: amt,
			Attributes: json.RawMessage(attrs)}
		if amt != nil {
			in.Currency = "EUR"
		}
		must(t, db.CreateInteraction(ctx, system, in))
	}
	log(ana, "ticket", 10, `{"category":"complaint"}`, nil)
	log(ana, "ticket", 40, `{"category":"complaint"}`, nil)
	log(ana, "ticket", 200, `{"category":"complaint"}`, nil)
	log(bo, "ticket", 5, `{"category":"question"}`, nil)
	log(ana, "order", 20, `{"product":"Desks"}`, amount("800"))
	log(ana, "order", 300, `{"product":"Desks"}`, amount("450.50"))
	log(bo, "order", 400, `{"product":"Chairs"}`, amount("2000"))
	log(secret, "order", 3, `{"product":"Desks"}`, amount("5000"))
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{
		{CustomerID: ana.ID, Currency: "EUR", Purchases: 2, Revenue: *amount("1250.50"), FirstAt: at(300), LastAt: at(20), Recency: 5, Frequency: 4, Monetary: 3, PAlive: 0.9, LifetimeValue: 640, ComputedAt: now},
		{CustomerID: bo.ID, Currency: "SEK", Purchases: 1, Revenue: *amount("2000"), FirstAt: at(400), LastAt: at(400), Recency: 1, Frequency: 2, Monetary: 5, PAlive: 0.3, LifetimeValue: 90, ComputedAt: now},
		{CustomerID: secret.ID, Currency: "EUR", Purchases: 1, Revenue: *amount("5000"), FirstAt: at(3), LastAt: at(3), Recency: 5, Frequency: 2, Monetary: 5, PAlive: 0.95, LifetimeValue: 3000, ComputedAt: now},
	}))
	consent := func(c *rapport.Customer, p rapport.Purpose, granted bool, daysAgo int) {
		_, err := db.RecordConsent(ctx, system, c.ID, rapport.Consent{Purpose: p, Granted: granted, DecidedAt: at(daysAgo)})
		must(t, err)
	}
	consent(ana, "marketing", true, 100)
	consent(bo, "marketing", true, 100)
	consent(bo, "marketing", false, 50) // withdrew
	consent(secret, "marketing", true, 100)

	for _, tt := range []struct {
		rule   string
		want   []*rapport.Customer // as the sales agent sees them; the admin also sees secret where it matches
		walled bool                // secret matches too
	}{
		{`relationship = client`, []*rapport.Customer{ana, acme}, true},
		{`relationship != client`, []*rapport.Customer{bo}, false},
		{`relationship in (partner, prospect)`, []*rapport.Customer{bo, acme}, false},
		{`relationship = empty`, nil, false},
		{`kind = organisation OR tag = vip`, []*rapport.Customer{ana, acme}, false},
		{`NOT kind = person`, []*rapport.Customer{acme}, false},
		{`name = "ana silva"`, []*rapport.Customer{ana}, false},
		{`name contains "LDA"`, []*rapport.Customer{acme}, false},
		{`name contains "%"`, nil, false},
		{`email contains "@acme.com"`, []*rapport.Customer{ana}, false},
		{`email = empty`, []*rapport.Customer{acme}, true},
		{`phone = empty AND kind = person`, []*rapport.Customer{ana, bo}, true},
		{`country = pt OR city = "malmö"`, []*rapport.Customer{ana, bo}, false},
		{`language = PT AND channel = email`, []*rapport.Customer{ana}, false},
		{`language = empty`, []*rapport.Customer{bo, acme}, true},
		{`owner = "SAM@example.com"`, []*rapport.Customer{ana}, false},
		{`owner = empty`, []*rapport.Customer{bo, acme}, true},
		{`attr.industry = retail`, []*rapport.Customer{ana}, false},
		{`attr.industry != retail`, []*rapport.Customer{bo, acme}, true},
		{`attr.seats = 12`, []*rapport.Customer{ana}, false},
		{`created >= 1d ago AND created <= today`, []*rapport.Customer{ana, bo, acme}, true},
		{`created < 2000-01-01`, nil, false},
		{`clv > 500`, []*rapport.Customer{ana}, true},
		{`NOT clv > 500`, []*rapport.Customer{bo, acme}, false}, // no value: not over 500
		{`currency = eur`, []*rapport.Customer{ana}, true},
		{`currency != EUR`, []*rapport.Customer{bo, acme}, false}, // no value: no currency
		{`currency = empty`, []*rapport.Customer{acme}, false},
		{`currency in (SEK, DKK)`, []*rapport.Customer{bo}, false},
		{`monetary >= 4 AND p_alive < 0.5`, []*rapport.Customer{bo}, false},
		{`revenue > 1250 AND revenue < 1251`, []*rapport.Customer{ana}, false},
		{`last_purchase >= 30d ago`, []*rapport.Customer{ana}, true},
		{`last_purchase < 30d ago`, []*rapport.Customer{bo}, false},
		{`NOT last_purchase >= 30d ago`, []*rapport.Customer{bo, acme}, false}, // no purchase: not within 30 days
		{`first_purchase <= 300d ago AND first_purchase > 400d ago`, []*rapport.Customer{ana}, false},
		{`count(type = ticket, attr.category = complaint, since 90d ago) >= 2`, []*rapport.Customer{ana}, false},
		{`count(type = ticket, attr.category = complaint) = 3`, []*rapport.Customer{ana}, false},
		{`count(type = ticket, attr.category != complaint) > 0`, []*rapport.Customer{bo}, false},
		{`count(type = order, since 180d ago) = 0`, []*rapport.Customer{bo, acme}, false},
		{`last(type = order) < 90d ago`, []*rapport.Customer{bo}, false},
		{`first(type in (order, transaction)) > 1y ago`, []*rapport.Customer{ana}, true},
		{`sum(type = order, attr.product = desks, currency = eur) > 1000`, []*rapport.Customer{ana}, true},
		{`sum(type = order, before 100d ago) >= 2000`, []*rapport.Customer{bo}, false},
		{`count(source = shop) > 0`, nil, false},
		{`consent = marketing`, []*rapport.Customer{ana}, true},
		{`consent != marketing AND kind = person`, []*rapport.Customer{bo}, false},
	} {
		want := len(tt.want)
		got, err := db.CountSegment(ctx, f.sales, tt.rule)
		if err != nil || got != want {
			t.Errorf("%s: got %d (%v), want %d", tt.rule, got, err, want)
		}
		if tt.walled {
			want++
		}
		if got, err := db.CountSegment(ctx, f.admin, tt.rule); err != nil || got != want {
			t.Errorf("%s, as the admin: got %d (%v), want %d", tt.rule, got, err, want)
		}
	}

	_, err := db.CountSegment(ctx, f.sales, `relationship = client AND clv > lots`)
	wantCode(t, err, rapport.EINVALID)
	if e, ok := err.(*rapport.Error); !ok || e.Field != "rule" || !strings.Contains(e.Message, "column 33") {
		t.Errorf("got %v, want an error on rule that says where", err)
	}
	_, err = db.CountSegment(ctx, f.sales, `owner = nobody@example.com`)
	if err == nil || !strings.Contains(err.Error(), `no staff user has the e-mail address "nobody@example.com" (at column 9)`) {
		t.Errorf("unknown owner: got %v", err)
	}

	// A saved segment: members, size, history and membership as each reader may see them.
	g := &rapport.Segment{Name: "  Clients ", Rule: `relationship = client`}
	must(t, db.CreateSegment(ctx, f.sales, g))
	if g.Name != "Clients" || g.Size != 2 || g.RefreshedAt == nil || g.OwnerID != sam {
		t.Errorf("created segment: %+v, want 2 members seen by its owner", g)
	}
	wantCode(t, db.CreateSegment(ctx, f.sales, &rapport.Segment{Name: "Clients", Rule: `kind = person`}), rapport.ECONFLICT)
	wantCode(t, db.CreateSegment(ctx, f.sales, &rapport.Segment{Name: "Broken", Rule: `kind = `}), rapport.EINVALID)
	if seen, err := db.FindSegmentByID(ctx, f.deals, g.ID); err != nil || seen.Size != 3 {
		t.Errorf("the wall's team sees %+v (%v), want 3 members", seen, err)
	}
	members, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{SegmentID: g.ID})
	must(t, err)
	if len(members) != 2 || members[0].ID != acme.ID || members[1].ID != ana.ID {
		t.Errorf("members: %v", members)
	}
	refs, err := db.CustomerSegments(ctx, f.sales, ana.ID)
	must(t, err)
	if len(refs) != 1 || refs[0].Name != "Clients" {
		t.Errorf("Ana's segments: %v", refs)
	}
	history, err := db.SegmentHistory(ctx, f.sales, g.ID)
	must(t, err)
	if len(history) != 1 || history[0].Size != 2 || history[0].Day != now.Format(time.DateOnly) {
		t.Errorf("history for an outsider: %v, want today's 2", history)
	}
	history, err = db.SegmentHistory(ctx, f.deals, g.ID)
	must(t, err)
	if len(history) != 1 || history[0].Size != 3 {
		t.Errorf("history for the wall's team: %v, want today's 3", history)
	}

	// Changing the rule refreshes the members; only the owner, managers and admins may.
	_, err = db.UpdateSegment(ctx, f.deals, g.ID, rapport.SegmentUpdate{Rule: ptr(`kind = person`)})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.UpdateSegment(ctx, f.sales, g.ID, rapport.SegmentUpdate{Rule: ptr(`kind = `)})
	wantCode(t, err, rapport.EINVALID)
	g, err = db.UpdateSegment(ctx, f.sales, g.ID, rapport.SegmentUpdate{Rule: ptr(`relationship in (client, prospect)`)})
	must(t, err)
	if g.Size != 3 {
		t.Errorf("after the change: %d members, want Ana, Acme and Bo", g.Size)
	}

	// The export leaves out who did not agree to the purpose, and walled customers.
	export := func(s rapport.Scope, p rapport.Purpose) ([]rapport.ExportedCustomer, error) {
		var rows []rapport.ExportedCustomer
		_, err := db.ExportSegment(ctx, s, g.ID, p, func(e rapport.ExportedCustomer) error { rows = append(rows, e); return nil })
		return rows, err
	}
	rows, err := export(f.loner, "marketing")
	must(t, err)
	if len(rows) != 1 || rows[0].ID != ana.ID || rows[0].Email != "ana@acme.com" || rows[0].City != "Porto" || rows[0].Country != "PT" {
		t.Errorf("marketing export: %+v, want Ana only (Bo withdrew, Acme never agreed)", rows)
	}
	if rows, err := export(f.admin, "marketing"); err != nil || len(rows) != 2 {
		t.Errorf("the admin's marketing export: %+v (%v), want Ana and Sam Secret", rows, err)
	}
	if rows, err := export(f.admin, "surveys"); err != nil || len(rows) != 0 {
		t.Errorf("surveys export: %+v (%v), want no one", rows, err)
	}
	_, err = export(f.sales, "marketing")
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = export(f.admin, "spam")
	wantCode(t, err, rapport.EINVALID)

	n, failed, err := db.RefreshSegments(ctx, system)
	if err != nil || n != 1 || len(failed) != 0 {
		t.Errorf("refresh all: %d, %v, %v", n, failed, err)
	}
	must(t, db.DeleteSegment(ctx, f.admin, g.ID))
	_, err = db.FindSegmentByID(ctx, f.sales, g.ID)
	wantCode(t, err, rapport.ENOTFOUND)
}

// testSegmentRefreshStale: a rule changed after the daily refresh listed the segments,
// and before it refreshed this one, is the rule it refreshes by. (On SQLite, whose one
// writer lets no change in between, there is nothing to see.)
func testSegmentRefreshStale(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	if db.Dialect() == "sqlite" {
		t.Skip("SQLite's single writer lets no change in between")
	}
	for _, c := range []*rapport.Customer{{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva"},
		{Kind: rapport.KindOrganisation, Name: "Acme Lda"}, {Kind: rapport.KindOrganisation, Name: "Bolt AB"}} {
		must(t, db.CreateCustomer(ctx, system, c))
	}
	g := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, g))
	// Each transaction reads the clock as it starts: the refresh's list is the first,
	// the refresh of this segment the second.
	calls, rule := 0, `kind = organisation`
	db.Now = func() time.Time {
		if calls++; calls == 2 {
			if _, err := db.UpdateSegment(ctx, f.admin, g.ID, rapport.SegmentUpdate{Rule: &rule}); err != nil {
				t.Errorf("changing the rule: %v", err)
			}
		}
		return time.Now()
	}
	_, _, err := db.RefreshSegments(ctx, system)
	db.Now = time.Now
	must(t, err)
	if got, err := db.FindSegmentByID(ctx, f.admin, g.ID); err != nil || got.Rule != rule || got.Size != 2 {
		t.Errorf("after the refresh: %+v (%v), want the new rule's 2 organisations", got, err)
	}
}
