package sqldbtest

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
)

// testAlmostCustomers: the facts the almost job reads (complaints, searches that found
// nothing, bursts of contacts, features at each stage), and the list it keeps: seen
// only within walls, counted only within walls, filtered by kind, paged, and a merged
// customer never twice.
func testAlmostCustomers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	now := time.Now().UTC().Truncate(time.Second)
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")        // complains, searches in vain
	bo := mustPerson(t, db, "Bo", "Berg", "bo@example.com")            // valuable, slipping
	cy := mustPerson(t, db, "Cy", "Chen", "cy@example.com")            // a burst of contacts
	secret := mustPerson(t, db, "Sam", "Secret", "sam@falcon.example") // complains, behind a wall
	quiet := mustPerson(t, db, "Quinn", "Quiet", "")                   // nothing to say
	dee := mustPerson(t, db, "Dee", "Varies", "dee@example.com")       // contacts that vary, months ago
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	amount := func(s string) *rapport.Amount { a, err := rapport.ParseAmount(s); must(t, err); return &a }
	add := func(c *rapport.Customer, typ rapport.InteractionType, channel rapport.Channel, at time.Time, attrs string, amt *rapport.Amount) {
		t.Helper()
		in := rapport.Interaction{CustomerID: c.ID, Type: typ, Channel: channel, OccurredAt: at, Summary: string(typ), ActorKind: rapport.ActorCustomer}
		if attrs != "" {
			in.Attributes = json.RawMessage(attrs)
		}
		if amt != nil {
			in.Amount, in.Currency = amt, "EUR"
		}
		must(t, db.CreateInteraction(ctx, system, &in))
	}
	days := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	for _, c := range []*rapport.Customer{ana, secret} {
		add(c, "ticket", "email", days(5), `{"category":"complaint","priority":"high"}`, nil)
		add(c, "ticket", "portal", days(40), `{"category":"complaint"}`, nil)
		add(c, "ticket", "portal", days(200), `{"category":"complaint"}`, nil) // too long ago
		add(c, "ticket", "portal", days(6), `{"category":"question"}`, nil)
	}
	// Ana's feedback: one item open for 20 days counts; one of 3 days and one done do not.
	for _, it := range []rapport.Item{{Title: "Chairs squeak", OpenedAt: days(20)}, {Title: "Late again", OpenedAt: days(3)},
		{Title: "Desk wobbles", OpenedAt: days(30), Status: rapport.ItemDone}} {
		it.CustomerID, it.Kind = ana.ID, "feedback"
		must(t, db.CreateItem(ctx, system, &it))
	}
	// And feedback logged 20 days ago: still new, it counts; resolved, it does not.
	for i, text := range []string{"The assembly guide is missing a page", "Two screws were missing"} {
		fb := &rapport.Feedback{CustomerID: ana.ID, Kind: "complaint", Text: text, HeardAt: days(20)}
		_, err := db.CreateFeedback(ctx, system, fb)
		must(t, err)
		if i == 1 {
			_, err := db.ChangeFeedbackStatus(ctx, system, fb.ID, rapport.FeedbackChange{Status: "resolved", Resolution: "Screws sent"})
			must(t, err)
		}
	}
	add(ana, "web_event", "portal", days(3), `{"event":"search","query":"assembly instructions","results":0}`, nil)
	add(ana, "web_event", "portal", days(4), `{"event":"search","query":"warranty","results":0}`, nil)
	add(ana, "web_event", "portal", days(4), `{"event":"search","query":"returns","results":7}`, nil)
	for _, d := range []int{30, 29, 28, 25, 19, 60} { // five within 14 days (30 to 19 is 11 days)
		add(cy, "call", "phone", days(d), "", nil)
	}
	// Dee's contacts before the last 90 days, from 159 days ago: four whole fortnights
	// ending 90 days ago hold 3, 0, 2 and 4 of them (the one 159 days ago is in none).
	for _, d := range []int{159, 145, 140, 135, 117, 110, 103, 100, 95, 91} {
		add(dee, "call", "phone", days(d), "", nil)
	}
	// Bo's first purchase was 400 days ago: his features at each stage.
	first := days(400)
	add(bo, "order", "web", first, `{"product":"Sit-stand desks"}`, amount("100"))
	add(bo, "order", "phone", first.AddDate(0, 0, 20), `{"product":"Coffee service"}`, amount("50"))
	add(bo, "ticket", "email", first.AddDate(0, 0, 25), `{"category":"question"}`, nil)
	add(bo, "order", "web", first.AddDate(0, 0, 60), `{"product":"Sit-stand desks"}`, amount("30"))
	add(bo, "order", "web", first.AddDate(0, 0, 60), `{"product":"Acoustics"}`, amount("20"))
	add(bo, "order", "web", first.AddDate(0, 0, 60), `{"product":"Acoustics"}`, amount("-20")) // a refund is no purchase
	add(bo, "web_event", "web", first.AddDate(0, 0, 200), "", nil)
	add(bo, "order", "web", first.AddDate(0, 0, 370), `{"product":"Workplace IT"}`, amount("999")) // after the first year
	value := func(c *rapport.Customer, monetary int, pAlive float64) rapport.CustomerValue {
		return rapport.CustomerValue{CustomerID: c.ID, Currency: "EUR", Purchases: 5, Revenue: *amount("1199"), FirstAt: first, LastAt: first.AddDate(0, 0, 370),
			Recency: 2, Frequency: 4, Monetary: monetary, PAlive: pAlive, ExpectedPurchases: 0.5, ExpectedSpend: 200, LifetimeValue: 120, ComputedAt: now}
	}
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{value(bo, 5, 0.2), value(quiet, 1, 0.95)}))

	_, err := db.AlmostFacts(ctx, f.sales, now)
	wantCode(t, err, rapport.EFORBIDDEN)
	facts, err := db.AlmostFacts(ctx, system, now)
	must(t, err)
	byID := map[rapport.ID]rapport.AlmostFacts{}
	for _, x := range facts {
		if _, twice := byID[x.CustomerID]; twice {
			t.Errorf("the facts of %v twice", x.CustomerID)
		}
		byID[x.CustomerID] = x
	}
	if a := byID[ana.ID]; a.Complaints != 2 || !a.LastComplaintAt.Equal(days(5)) || a.EmptySearches != 2 || a.OpenItems != 2 ||
		(a.EmptySearch != "warranty" && a.EmptySearch != "assembly instructions") || a.Value != nil || a.Stages != nil {
		t.Errorf("Ana's facts: %+v, want 2 complaints (the latest 5 days ago), 2 searches that found nothing, 1 feedback item and 1 feedback open, no value", a)
	}
	if c := byID[cy.ID]; c.ContactBurst != 5 || !c.BurstAt.Equal(days(19)) || c.ContactsYear != 6 || c.ContactSpanDays != 60 {
		t.Errorf("Cy's facts: burst %d ending %v, %d contacts a year from %d days ago; want 5 ending %v, 6 from 60", c.ContactBurst, c.BurstAt, c.ContactsYear, c.ContactSpanDays, days(19))
	}
	if c := byID[cy.ID]; c.ContactVariance != 0 {
		t.Errorf("Cy's contacts vary by %v, want 0: none are older than the last 90 days", c.ContactVariance)
	}
	if d := byID[dee.ID]; d.ContactBurst != 0 || d.ContactsYear != 10 || math.Abs(d.ContactVariance-35.0/12) > 1e-9 {
		t.Errorf("Dee's facts: burst %d, %d contacts a year varying by %v; want none, 10 and 35/12 (3, 0, 2 and 4 a fortnight)",
			d.ContactBurst, d.ContactsYear, d.ContactVariance)
	}
	b := byID[bo.ID]
	if b.Value == nil || b.Value.Monetary != 5 || b.HasBaseline || len(b.Stages) != len(rapport.AlmostStages) {
		t.Fatalf("Bo's facts: %+v, want his value, no baseline yet and features at every stage", b)
	}
	want := []rapport.StageFeatures{
		{Purchases: 2, Spend: 150, Lines: 2, Channels: 3, Contacts: 1},               // 30 days
		{Purchases: 4, Spend: 200, Lines: 3, Channels: 3, Contacts: 1},               // 90
		{Purchases: 4, Spend: 200, Lines: 3, Channels: 3, Contacts: 1},               // 180
		{Purchases: 4, Spend: 200, Lines: 3, Channels: 3, Contacts: 1, WebEvents: 1}, // 365
	}
	for k, w := range want {
		if b.Stages[k] != w {
			t.Errorf("Bo's first %d days: got %+v, want %+v", rapport.AlmostStages[k], b.Stages[k], w)
		}
	}

	// The job's list, as each reader sees it.
	sum, err := almost.Run(ctx, db, system, now)
	must(t, err)
	if sum.Listed != 4 || sum.Slipping != 1 || sum.Frustrated != 3 {
		t.Fatalf("got %+v, want Ana, Bo, Cy and Sam listed: Bo slipping, the others frustrated", sum)
	}
	list := func(s rapport.Scope, fl rapport.AlmostFilter) *rapport.AlmostList {
		t.Helper()
		l, err := db.FindAlmostCustomers(ctx, s, fl)
		must(t, err)
		return l
	}
	ids := func(l *rapport.AlmostList) map[rapport.ID]bool {
		out := map[rapport.ID]bool{}
		for _, a := range l.Customers {
			out[a.ID] = true
		}
		return out
	}
	names := func(l *rapport.AlmostList) []string {
		var out []string
		for _, a := range l.Customers {
			out = append(out, a.Name)
		}
		return out
	}
	outsider := list(f.sales, rapport.AlmostFilter{})
	if got := names(outsider); len(got) != 3 || contains(got, "Sam Secret") || outsider.Counts[""] != 3 || outsider.Counts[rapport.AlmostFrustrated] != 2 {
		t.Errorf("an outsider got %v with counts %v, want the three outside the wall, counted without Sam", got, outsider.Counts)
	}
	if outsider.ComputedAt == nil || outsider.ComputedAt.Before(now.Add(-time.Minute)) {
		t.Errorf("got computed at %v, want the run's time", outsider.ComputedAt)
	}
	inside := list(f.deals, rapport.AlmostFilter{})
	if got := names(inside); len(got) != 4 || inside.Counts[rapport.AlmostFrustrated] != 3 {
		t.Errorf("the wall's team got %v with counts %v, want all four", got, inside.Counts)
	}
	for i := 1; i < len(inside.Customers); i++ {
		if inside.Customers[i-1].Score < inside.Customers[i].Score {
			t.Errorf("not by score: %v", names(inside))
		}
	}
	slip := list(f.sales, rapport.AlmostFilter{Kind: rapport.AlmostSlipping})
	if got := names(slip); !eq(got, []string{"Bo Berg"}) || slip.Customers[0].PAlive == nil || *slip.Customers[0].PAlive != 0.2 ||
		slip.Customers[0].Revenue.String() != "1199.00" || slip.Customers[0].Reasons[0].Signal != rapport.SignalSlipping || slip.Customers[0].NextStep == "" {
		t.Errorf("the slipping filter: got %+v", slip.Customers)
	}
	if got := names(list(f.sales, rapport.AlmostFilter{Kind: rapport.AlmostLookalike})); len(got) != 0 {
		t.Errorf("look-alikes: got %v, want none", got)
	}
	_, err = db.FindAlmostCustomers(ctx, f.sales, rapport.AlmostFilter{Kind: "grumpy"})
	wantField(t, err, "kind")
	_, err = db.FindAlmostCustomers(ctx, f.sales, rapport.AlmostFilter{Cursor: "bm9wZQ"})
	wantField(t, err, "cursor")

	// Paging: one at a time, the same order, each once.
	var paged []string
	cursor := ""
	for range 10 {
		page := list(f.deals, rapport.AlmostFilter{Limit: 1, Cursor: cursor})
		paged = append(paged, names(page)...)
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if !eq(paged, names(inside)) {
		t.Errorf("paged: %v, want %v", paged, names(inside))
	}

	// A merge: Cy merged into Ana is listed once, as Ana's profile, until the next run;
	// unmerge brings Cy back. (The profile's name may be Cy's: survivorship decides.)
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, cy.ID, rapport.MergeManual, 0)
	must(t, err)
	if got := ids(list(f.sales, rapport.AlmostFilter{})); len(got) != 2 || got[cy.ID] || !got[ana.ID] {
		t.Errorf("after the merge: %v, want Ana and Bo", got)
	}
	if _, err := almost.Run(ctx, db, system, now); err != nil {
		t.Fatal(err)
	}
	merged := list(f.sales, rapport.AlmostFilter{})
	if got := ids(merged); len(got) != 2 || got[cy.ID] || !got[ana.ID] || merged.Counts[""] != 2 {
		t.Errorf("after the merge and a run: %v (counts %v), want Ana once and Bo", got, merged.Counts)
	}
	for _, a := range merged.Customers {
		if a.ID == ana.ID && len(a.Reasons) != 4 {
			t.Errorf("Ana after the merge: %+v, want her complaints, searches and open feedback, and Cy's calls", a.Reasons)
		}
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, cy.ID)
	must(t, err)
	if _, err := almost.Run(ctx, db, system, now); err != nil {
		t.Fatal(err)
	}
	if got := ids(list(f.sales, rapport.AlmostFilter{})); len(got) != 3 || !got[cy.ID] || !got[ana.ID] {
		t.Errorf("after unmerge: %v, want Cy back", got)
	}

	// The baselines kept: Bo's P(alive) when his last purchase was first seen.
	facts, err = db.AlmostFacts(ctx, system, now)
	must(t, err)
	for _, x := range facts {
		if x.CustomerID == bo.ID && (!x.HasBaseline || x.BaselinePAlive != 0.2 || !x.BaselineAt.Equal(first.AddDate(0, 0, 370))) {
			t.Errorf("Bo's baseline: %+v", x)
		}
	}
	must(t, db.ReplaceAlmostCustomers(ctx, f.admin, nil, nil))
	wantCode(t, db.ReplaceAlmostCustomers(ctx, f.sales, nil, nil), rapport.EFORBIDDEN)
	if l := list(f.sales, rapport.AlmostFilter{}); len(l.Customers) != 0 || l.Counts[""] != 0 || l.ComputedAt == nil {
		t.Errorf("an empty run: got %+v, want no one and the time of the run", l)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
