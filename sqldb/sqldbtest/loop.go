package sqldbtest

import (
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testFeedbackMeasures: the dashboard's measures follow feedback through its steps by
// the month it was logged and the team its action items went to, and count only the
// feedback the reader may see.
func testFeedbackMeasures(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	ana := mustPerson(t, db, "Ana", "Measure", "ana@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	boss := scopeOf(mustUser(t, db, "boss@example.com", rapport.RoleManager, f.salesTeam.ID))
	must(t, db.CreateRoutingRule(ctx, boss, &rapport.RoutingRule{Name: "Complaints", Kinds: []rapport.FeedbackKind{"complaint"},
		TeamID: f.salesTeam.ID, ServiceLevel: 24}))

	log := func(s rapport.Scope, customer rapport.ID, kind rapport.FeedbackKind) *rapport.Feedback {
		t.Helper()
		fb := &rapport.Feedback{CustomerID: customer, Kind: kind, Text: "The desk wobbles"}
		_, err := db.CreateFeedback(ctx, s, fb)
		must(t, err)
		return fb
	}
	step := func(s rapport.Scope, fb *rapport.Feedback, after time.Duration, status rapport.FeedbackStatus) {
		t.Helper()
		clock = fb.CreatedAt.Add(after)
		c := rapport.FeedbackChange{Status: status}
		switch status {
		case rapport.FeedbackResolved:
			c.Resolution = "Sent a new one"
		case rapport.FeedbackInformed:
			c.InformedVia = "phone"
		}
		_, err := db.ChangeFeedbackStatus(ctx, s, fb.ID, c)
		must(t, err)
	}
	// October: a complaint triaged in 2 h, resolved in 30 h (its action item, due in
	// 24 h, is late and overdue), told in 50 h; a suggestion triaged in 6 h.
	complaint := log(f.sales, ana.ID, "complaint")
	step(f.sales, complaint, 2*time.Hour, "triaged")
	step(f.sales, complaint, 30*time.Hour, "resolved")
	step(f.sales, complaint, 50*time.Hour, "informed")
	clock = time.Date(2026, 10, 6, 9, 0, 0, 0, time.UTC)
	idea := log(f.sales, ana.ID, "suggestion")
	step(f.sales, idea, 6*time.Hour, "triaged")
	// The suggestion's action item goes to Deals, due in two days and never done.
	_, err := db.CreateAction(ctx, boss, idea.ID, rapport.NewAction{TeamID: f.dealsTeam.ID, Title: "Consider it", DueAt: idea.CreatedAt.Add(48 * time.Hour)})
	must(t, err)
	// November: a walled complaint, triaged at once, seen only by its wall's team.
	clock = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	hidden := log(f.deals, secret.ID, "complaint")
	step(f.deals, hidden, time.Minute, "triaged")

	clock = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	m, err := db.MeasureFeedbackLoop(ctx, f.sales, time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC))
	must(t, err)
	if len(m.Months) != 2 || m.Months[0].Month != "2026-10" || m.Months[1].Month != "2026-11" {
		t.Fatalf("months %+v, want October (the month of the date given) and November", m.Months)
	}
	oct := m.Months[0]
	if oct.Logged != 2 || oct.Triage.N != 2 || oct.Triage.Median != 4*time.Hour || oct.Resolve.Median != 30*time.Hour ||
		oct.Inform.Median != 50*time.Hour || oct.Informed != 0.5 {
		t.Errorf("October: %+v", oct.LoopStats)
	}
	if oct.Actions != 2 || oct.Overdue != 2 || oct.OnTime != 0 {
		t.Errorf("October's action items: %d, overdue %d, on time %v; want 2 overdue", oct.Actions, oct.Overdue, oct.OnTime)
	}
	if m.Months[1].Logged != 0 || m.All.Logged != 2 {
		t.Errorf("the walled complaint is counted for sales: November %d, all %d", m.Months[1].Logged, m.All.Logged)
	}
	// Each team's row counts the feedback it has action items for, and only its own items.
	if len(m.Teams) != 2 || m.Teams[0].Team.ID != f.dealsTeam.ID || m.Teams[1].Team.ID != f.salesTeam.ID ||
		m.Teams[0].Logged != 1 || m.Teams[0].Actions != 1 || m.Teams[1].Logged != 1 || m.Teams[1].Actions != 1 || m.Teams[1].Overdue != 1 {
		t.Errorf("teams %+v, want Deals with the suggestion's item and Sales with the complaint's, one each", m.Teams)
	}
	seen, err := db.MeasureFeedbackLoop(ctx, f.deals, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	if seen.All.Logged != 3 || seen.Months[1].Logged != 1 || seen.Months[1].Triage.Median != time.Minute {
		t.Errorf("the wall's team: all %d, November %+v", seen.All.Logged, seen.Months[1].LoopStats)
	}
}
