package sqldbtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// teamsOf lists the teams of feedback's action items, sorted.
func teamsOf(f *rapport.Feedback) []string {
	var out []string
	for _, a := range f.ActionItems {
		out = append(out, a.TeamName)
	}
	sort.Strings(out)
	return out
}

// testRouting: routing rules send new feedback to teams by kind, product, area, words,
// customer value and severity; every matching rule makes one item per team; no match
// goes to the fallback team or is not routed; route again adds only what is missing.
func testRouting(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	billing := mustTeam(t, db, "Billing", "finance")
	logistics := mustTeam(t, db, "Logistics", "operations")
	vip := mustTeam(t, db, "Key accounts", "sales")
	triage := mustTeam(t, db, "Triage", "service")
	boss := mustUser(t, db, "boss@example.com", rapport.RoleManager, logistics.ID)
	carrier := mustUser(t, db, "carl@example.com", rapport.RoleAgent, logistics.ID)
	rich := mustPerson(t, db, "Rich", "Client", "rich@example.com")
	poor := mustPerson(t, db, "Poor", "Client", "poor@example.com")
	now := time.Now().UTC()
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{
		{CustomerID: rich.ID, Currency: "EUR", Purchases: 5, Revenue: 50000, FirstAt: now.Add(-400 * 24 * time.Hour), LastAt: now,
			Recency: 5, Frequency: 5, Monetary: 5, PAlive: 0.9, ExpectedPurchases: 3, ExpectedSpend: 100, LifetimeValue: 5000, ComputedAt: now},
		{CustomerID: poor.ID, Currency: "EUR", Purchases: 1, Revenue: 500, FirstAt: now, LastAt: now,
			Recency: 1, Frequency: 1, Monetary: 1, PAlive: 0.2, ExpectedPurchases: 0.1, ExpectedSpend: 5, LifetimeValue: 20, ComputedAt: now},
	}))

	// Only managers and admins change rules; everyone reads them.
	bad := &rapport.RoutingRule{Name: "Mine", TeamID: billing.ID, ServiceLevel: 24}
	wantCode(t, db.CreateRoutingRule(ctx, f.sales, bad), rapport.EFORBIDDEN)
	manager := scopeOf(boss)
	rules := []*rapport.RoutingRule{
		{Name: "Billing complaints", Kinds: []rapport.FeedbackKind{"complaint"}, Area: "Facturación", TeamID: billing.ID, ServiceLevel: 48},
		{Name: "Late deliveries", Words: []string{"late", "never arrived", "late"}, TeamID: logistics.ID, OwnerID: carrier.ID,
			ServiceLevel: 24, Title: "Chase the carrier"},
		{Name: "Desk issues", Product: "DESK pro", TeamID: logistics.ID, ServiceLevel: 72},
		{Name: "Valuable customers", MinValue: ptr(1000.0), TeamID: vip.ID, ServiceLevel: 4},
		{Name: "Serious", MinSeverity: "high", TeamID: vip.ID, ServiceLevel: 2},
	}
	for _, r := range rules {
		must(t, db.CreateRoutingRule(ctx, manager, r))
	}
	if got := rules[1].Words; !eq(got, []string{"late", "never arrived"}) {
		t.Errorf("words kept: got %q, want the repeated one dropped", got)
	}
	stored, err := db.FindRoutingRules(ctx, f.loner)
	must(t, err)
	var order []string
	for _, r := range stored {
		order = append(order, r.Name)
	}
	if !eq(order, []string{"Billing complaints", "Late deliveries", "Desk issues", "Valuable customers", "Serious"}) || stored[1].OwnerName != "carl" {
		t.Fatalf("got rules %q (owner %q), want the five in order, Late deliveries owned by carl", order, stored[1].OwnerName)
	}

	log := func(t *testing.T, fb *rapport.Feedback) *rapport.Feedback {
		t.Helper()
		_, err := db.CreateFeedback(ctx, f.sales, fb)
		must(t, err)
		return fb
	}
	cases := []struct {
		name string
		fb   rapport.Feedback
		want []string
	}{
		{"Kind and area folded", rapport.Feedback{Kind: "complaint", Area: "facturacion", Text: "Charged twice"}, []string{"Billing"}},
		{"Kind does not match", rapport.Feedback{Kind: "question", Area: "Facturación", Text: "How do I pay?"}, nil},
		{"Words whole and folded", rapport.Feedback{Kind: "observation", Text: "The parcel was LATE, again."}, []string{"Logistics"}},
		{"Word inside another is no match", rapport.Feedback{Kind: "observation", Text: "Chocolate is good"}, nil},
		{"Phrase", rapport.Feedback{Kind: "complaint", Text: "My order never   arrived!"}, []string{"Logistics"}},
		{"Product folded", rapport.Feedback{Kind: "suggestion", Product: "Desk Pro", Text: "Add a drawer"}, []string{"Logistics"}},
		{"Value", rapport.Feedback{CustomerID: rich.ID, Kind: "need", Text: "Wants a second account"}, []string{"Key accounts"}},
		{"Value too low", rapport.Feedback{CustomerID: poor.ID, Kind: "need", Text: "Wants a second account"}, nil},
		{"No customer, no value", rapport.Feedback{Kind: "need", Text: "Wants a second account"}, nil},
		{"Severity", rapport.Feedback{Kind: "question", Severity: "critical", Text: "Is my data safe?"}, []string{"Key accounts"}},
		{"Several rules, several teams", rapport.Feedback{CustomerID: rich.ID, Kind: "complaint", Area: "Facturación",
			Product: "Desk Pro", Text: "Late invoice"}, []string{"Billing", "Key accounts", "Logistics"}},
	}
	logged := map[string]*rapport.Feedback{}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", ""), func(t *testing.T) {
			fb := c.fb
			log(t, &fb)
			logged[c.name] = &fb
			if got := teamsOf(&fb); !eq(got, c.want) {
				t.Errorf("routed to %q, want %q", got, c.want)
			}
			stored, err := db.FindFeedbackByID(ctx, f.admin, fb.ID)
			must(t, err)
			if got := teamsOf(stored); !eq(got, c.want) {
				t.Errorf("stored feedback routed to %q, want %q", got, c.want)
			}
		})
	}

	t.Run("FirstRuleOfATeamSetsTheTerms", func(t *testing.T) {
		fb := logged["Several rules, several teams"]
		items, _, err := db.FindActions(ctx, f.admin, rapport.ActionFilter{FeedbackID: fb.ID})
		must(t, err)
		var lg *rapport.ActionItem
		for _, a := range items {
			if a.TeamID == logistics.ID {
				lg = a
			}
		}
		if lg == nil || lg.RuleName != "Late deliveries" || lg.OwnerID != carrier.ID || lg.Title != "Chase the carrier" ||
			lg.ServiceLevel != 24 || lg.DueAt.Sub(lg.CreatedAt) != 24*time.Hour || lg.Status != rapport.ActionOpen {
			t.Fatalf("got logistics item %+v, want one by Late deliveries (not Desk issues): carl, Chase the carrier, due in 24h", lg)
		}
		for _, a := range items {
			if a.TeamID == billing.ID && (a.Title != rapport.ActionTitle(fb) || a.OwnerID != (rapport.ID{})) {
				t.Errorf("billing item: got title %q, owner %s; want the feedback's first words and no owner", a.Title, a.OwnerID)
			}
		}
		// The customer's timeline has the feedback and an entry per item.
		page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: rich.ID, Limit: 50})
		must(t, err)
		n := 0
		for _, in := range page {
			var attrs map[string]string
			_ = json.Unmarshal(in.Attributes, &attrs)
			if attrs["action_event"] == "created" && attrs["feedback_id"] == fb.ID.String() {
				n++
			}
		}
		if n != 3 {
			t.Errorf("got %d timeline entries of created action items, want 3", n)
		}
		c, err := db.CountSegment(ctx, f.admin, "count(attr.action_event = created, since 30d ago) >= 3")
		must(t, err)
		if c != 1 {
			t.Errorf("segment of customers with 3 action items: got %d, want 1", c)
		}
	})

	t.Run("NotRoutedThenFallback", func(t *testing.T) {
		unrouted, n, err := db.FindUnrouted(ctx, f.sales, 50)
		must(t, err)
		if n != 4 || len(unrouted) != 4 {
			t.Fatalf("got %d not routed (%d listed), want 4", n, len(unrouted))
		}
		wantCode(t, db.SetRoutingSettings(ctx, f.sales, &rapport.RoutingSettings{FallbackTeamID: triage.ID}), rapport.EFORBIDDEN)
		err = db.SetRoutingSettings(ctx, manager, &rapport.RoutingSettings{FallbackTeamID: rapport.NewID()})
		wantField(t, err, "fallback_team_id")
		must(t, db.SetRoutingSettings(ctx, manager, &rapport.RoutingSettings{FallbackTeamID: triage.ID, FallbackServiceLevel: 12}))
		fb := log(t, &rapport.Feedback{Kind: "compliment", Text: "Lovely staff"})
		if got := teamsOf(fb); !eq(got, []string{"Triage"}) {
			t.Fatalf("routed to %q, want the fallback Triage", got)
		}
		items, _, err := db.FindActions(ctx, f.admin, rapport.ActionFilter{FeedbackID: fb.ID})
		must(t, err)
		if len(items) != 1 || !items[0].Fallback || items[0].ServiceLevel != 12 {
			t.Errorf("got %+v, want one fallback item of 12h", items)
		}
		// Route again: feedback that had no match now gets the fallback; the rest
		// nothing new.
		made, err := db.RouteFeedback(ctx, f.sales, logged["Kind does not match"].ID)
		must(t, err)
		if len(made) != 1 || made[0].TeamID != triage.ID {
			t.Errorf("route again made %v, want one Triage item", made)
		}
		made, err = db.RouteFeedback(ctx, f.sales, logged["Kind does not match"].ID)
		must(t, err)
		if len(made) != 0 {
			t.Errorf("route again twice made %d items, want none", len(made))
		}
		must(t, db.SetRoutingSettings(ctx, manager, &rapport.RoutingSettings{}))
	})

	t.Run("RouteAgainAddsMissingTeams", func(t *testing.T) {
		fb := logged["Words whole and folded"] // Logistics only
		r := &rapport.RoutingRule{Name: "Every observation", Kinds: []rapport.FeedbackKind{"observation"}, TeamID: billing.ID,
			ServiceLevel: 24, Position: 1}
		must(t, db.CreateRoutingRule(ctx, manager, r))
		if r.Position != 1 {
			t.Errorf("new rule at position %d, want 1", r.Position)
		}
		made, err := db.RouteFeedback(ctx, f.sales, fb.ID)
		must(t, err)
		if len(made) != 1 || made[0].TeamID != billing.ID {
			t.Fatalf("route again made %v, want only a Billing item", made)
		}
		stored, err := db.FindFeedbackByID(ctx, f.sales, fb.ID)
		must(t, err)
		if got := teamsOf(stored); !eq(got, []string{"Billing", "Logistics"}) {
			t.Errorf("after route again routed to %q, want Billing and Logistics", got)
		}
		// Move it to the end, then delete it: positions stay 1…n.
		r.Position = 99
		must(t, db.UpdateRoutingRule(ctx, manager, r.ID, r))
		rs, _ := db.FindRoutingRules(ctx, f.admin)
		if rs[len(rs)-1].ID != r.ID || rs[len(rs)-1].Position != len(rs) {
			t.Errorf("moved rule at %d of %d, want last", rs[len(rs)-1].Position, len(rs))
		}
		must(t, db.DeleteRoutingRule(ctx, manager, r.ID))
		rs, _ = db.FindRoutingRules(ctx, f.admin)
		for i, x := range rs {
			if x.Position != i+1 {
				t.Errorf("rule %s at position %d, want %d", x.Name, x.Position, i+1)
			}
		}
		a, err := db.FindActionByID(ctx, f.sales, made[0].ID)
		must(t, err)
		if a.RuleName != "Every observation" || !a.RuleID.IsZero() {
			t.Errorf("item of a deleted rule: got rule %q %s, want the name kept and no id", a.RuleName, a.RuleID)
		}
	})

	t.Run("BadRules", func(t *testing.T) {
		words := make([]string, rapport.MaxRoutingWords+1)
		for i := range words {
			words[i] = "w" + strings.Repeat("x", i+1)
		}
		cases := []struct {
			field string
			r     rapport.RoutingRule
		}{
			{"team_id", rapport.RoutingRule{Name: "x", TeamID: rapport.NewID(), ServiceLevel: 1}},
			{"owner_id", rapport.RoutingRule{Name: "x", TeamID: billing.ID, OwnerID: carrier.ID, ServiceLevel: 1}},
			{"service_level", rapport.RoutingRule{Name: "x", TeamID: billing.ID}},
			{"service_level", rapport.RoutingRule{Name: "x", TeamID: billing.ID, ServiceLevel: rapport.MaxServiceLevel + 1}},
			{"words", rapport.RoutingRule{Name: "x", TeamID: billing.ID, ServiceLevel: 1, Words: words}},
			{"words", rapport.RoutingRule{Name: "x", TeamID: billing.ID, ServiceLevel: 1, Words: []string{"…!"}}},
			{"kinds", rapport.RoutingRule{Name: "x", TeamID: billing.ID, ServiceLevel: 1, Kinds: []rapport.FeedbackKind{"rant"}}},
			{"name", rapport.RoutingRule{Name: "bad\xff", TeamID: billing.ID, ServiceLevel: 1}},
		}
		for _, c := range cases {
			r := c.r
			wantField(t, db.CreateRoutingRule(ctx, manager, &r), c.field)
		}
	})

	t.Run("Preview", func(t *testing.T) {
		rs, err := db.FindRoutingRules(ctx, f.sales)
		must(t, err)
		p, err := db.PreviewRouting(ctx, f.sales, rs, 2)
		must(t, err)
		if p.Considered != len(cases)+1 || len(p.Rules) != len(rs) {
			t.Fatalf("preview considered %d with %d rules, want %d and %d", p.Considered, len(p.Rules), len(cases)+1, len(rs))
		}
		// Late deliveries: three texts with late or never arrived.
		if p.Rules[1].Matches != 3 || len(p.Rules[1].Sample) != 2 {
			t.Errorf("Late deliveries previews %d matches, %d shown; want 3, 2", p.Rules[1].Matches, len(p.Rules[1].Sample))
		}
	})

	// A team that feedback is routed to, or that owes action items, is not deleted with
	// them: the admin is told what holds it.
	t.Run("TeamInUseNotDeleted", func(t *testing.T) {
		before, err := db.FindRoutingRules(ctx, f.admin)
		must(t, err)
		for _, c := range []struct {
			team *rapport.Team
			want []string
		}{
			{vip, []string{"team Key accounts cannot be deleted", "2 routing rules send feedback to it", "action items", "point the rules at another team"}},
			{billing, []string{"routing rule", "action items (", "keep the team for the record of its action items"}},
		} {
			err := db.DeleteTeam(ctx, f.admin, c.team.ID)
			wantCode(t, err, rapport.ECONFLICT)
			for _, w := range c.want {
				if !strings.Contains(rapport.ErrorMessage(err), w) {
					t.Errorf("deleting %s: %q does not say %q", c.team.Name, rapport.ErrorMessage(err), w)
				}
			}
		}
		after, err := db.FindRoutingRules(ctx, f.admin)
		must(t, err)
		if len(after) != len(before) {
			t.Errorf("%d routing rules after refused deletions, want the %d there were", len(after), len(before))
		}
		spare := mustTeam(t, db, "Spare", "other")
		must(t, db.SetRoutingSettings(ctx, manager, &rapport.RoutingSettings{FallbackTeamID: spare.ID}))
		err = db.DeleteTeam(ctx, f.admin, spare.ID)
		wantCode(t, err, rapport.ECONFLICT)
		if !strings.Contains(rapport.ErrorMessage(err), "feedback no rule matches goes to it") {
			t.Errorf("deleting the fallback team: %q, want it named as the fallback", rapport.ErrorMessage(err))
		}
		must(t, db.SetRoutingSettings(ctx, manager, &rapport.RoutingSettings{}))
		must(t, db.DeleteTeam(ctx, f.admin, spare.ID))
	})
}

// testActions: action items are added by hand, given owners, done and reopened,
// escalated when overdue to the team's manager, hidden behind walls and follow merges.
func testActions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	support := mustTeam(t, db, "Support", "service")
	orphans := mustTeam(t, db, "Orphans", "other")
	mgr := mustUser(t, db, "mia@example.com", rapport.RoleManager, support.ID)
	agent := mustUser(t, db, "abe@example.com", rapport.RoleAgent, support.ID)
	ana := mustPerson(t, db, "Ana", "Action", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Action", "ana.dup@example.com")
	secret := mustPerson(t, db, "Sid", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	must(t, db.CreateRoutingRule(ctx, f.admin, &rapport.RoutingRule{Name: "All", TeamID: support.ID, ServiceLevel: 24}))
	must(t, db.CreateRoutingRule(ctx, f.admin, &rapport.RoutingRule{Name: "Orphan complaints", Kinds: []rapport.FeedbackKind{"complaint"},
		TeamID: orphans.ID, ServiceLevel: 2}))

	onDup := &rapport.Feedback{CustomerID: dup.ID, Kind: "complaint", Text: "Refund still missing"}
	_, err := db.CreateFeedback(ctx, f.sales, onDup)
	must(t, err)
	hidden := &rapport.Feedback{CustomerID: secret.ID, Kind: "need", Text: "Needs a merger team"}
	_, err = db.CreateFeedback(ctx, f.deals, hidden)
	must(t, err)
	if len(onDup.ActionItems) != 2 || len(hidden.ActionItems) != 1 {
		t.Fatalf("got %d and %d action items, want 2 and 1", len(onDup.ActionItems), len(hidden.ActionItems))
	}
	agentScope := scopeOf(agent)

	t.Run("ByHand", func(t *testing.T) {
		_, err := db.CreateAction(ctx, f.loner, onDup.ID, rapport.NewAction{TeamID: support.ID, ServiceLevel: 4})
		wantCode(t, err, rapport.EFORBIDDEN)
		_, err = db.CreateAction(ctx, agentScope, onDup.ID, rapport.NewAction{TeamID: rapport.NewID(), ServiceLevel: 4})
		wantField(t, err, "team_id")
		_, err = db.CreateAction(ctx, agentScope, onDup.ID, rapport.NewAction{TeamID: support.ID, OwnerID: f.sales.UserID, ServiceLevel: 4})
		wantField(t, err, "owner_id")
		_, err = db.CreateAction(ctx, agentScope, onDup.ID, rapport.NewAction{TeamID: support.ID})
		wantField(t, err, "due_at")
		_, err = db.CreateAction(ctx, f.sales, hidden.ID, rapport.NewAction{TeamID: support.ID, ServiceLevel: 4})
		wantCode(t, err, rapport.ENOTFOUND)
		due := time.Now().UTC().Add(50 * time.Hour).Truncate(time.Second)
		a, err := db.CreateAction(ctx, agentScope, onDup.ID, rapport.NewAction{TeamID: support.ID, OwnerID: agent.ID,
			Title: "Call the bank", DueAt: due})
		must(t, err)
		if !a.DueAt.Equal(due) || a.OwnerName != "abe" || a.Title != "Call the bank" || a.ServiceLevel != 50 {
			t.Errorf("got due %v, owner %q, title %q, level %s; want %v, abe, Call the bank, 50h", a.DueAt, a.OwnerName, a.Title, a.ServiceLevel, due)
		}
	})

	t.Run("AssignFinishReopen", func(t *testing.T) {
		items, _, err := db.FindActions(ctx, agentScope, rapport.ActionFilter{FeedbackID: onDup.ID})
		must(t, err)
		a := items[0]
		_, err = db.UpdateAction(ctx, agentScope, a.ID, rapport.ActionUpdate{OwnerID: &f.sales.UserID})
		wantField(t, err, "owner_id")
		got, err := db.UpdateAction(ctx, agentScope, a.ID, rapport.ActionUpdate{OwnerID: &mgr.ID})
		must(t, err)
		if got.OwnerName != "mia" {
			t.Errorf("owner %q, want mia", got.OwnerName)
		}
		done, note := rapport.ActionDone, "Refunded"
		got, err = db.UpdateAction(ctx, agentScope, a.ID, rapport.ActionUpdate{Status: &done, Note: &note})
		must(t, err)
		if got.Status != done || got.DoneAt == nil || got.DoneBy != agent.ID || got.Note != "Refunded" || got.DoneByName != "abe" {
			t.Errorf("got %+v, want done by abe with the note", got)
		}
		reopen := rapport.ActionOpen
		got, err = db.UpdateAction(ctx, agentScope, a.ID, rapport.ActionUpdate{Status: &reopen})
		must(t, err)
		if got.Status != reopen || got.DoneAt != nil || got.Note != "" {
			t.Errorf("reopened: got %+v, want open without done time or note", got)
		}
		bad := rapport.ActionStatus("maybe")
		_, err = db.UpdateAction(ctx, agentScope, a.ID, rapport.ActionUpdate{Status: &bad})
		wantField(t, err, "status")
		// Done and reopened are on the timeline (of the customer it was logged for).
		page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: dup.ID, Limit: 50})
		must(t, err)
		var events []string
		for _, in := range page {
			var attrs map[string]string
			_ = json.Unmarshal(in.Attributes, &attrs)
			if attrs["action_id"] == a.ID.String() {
				events = append(events, attrs["action_event"])
			}
		}
		slices.Sort(events)
		if !eq(events, []string{"created", "done", "reopened"}) {
			t.Errorf("timeline events of the item: got %q, want created, done, reopened", events)
		}
	})

	t.Run("Walls", func(t *testing.T) {
		all, _, err := db.FindActions(ctx, f.sales, rapport.ActionFilter{Whose: rapport.ActionsAll})
		must(t, err)
		for _, a := range all {
			if a.FeedbackID == hidden.ID {
				t.Fatalf("an outsider sees the action item of walled feedback")
			}
		}
		_, err = db.FindActionByID(ctx, f.sales, hidden.ActionItems[0].ID)
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.UpdateAction(ctx, f.sales, hidden.ActionItems[0].ID, rapport.ActionUpdate{OwnerID: &rapport.ID{}})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.RouteFeedback(ctx, f.sales, hidden.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.FindActionByID(ctx, f.deals, hidden.ActionItems[0].ID)
		must(t, err)
		rules, _ := db.FindRoutingRules(ctx, f.sales)
		p, err := db.PreviewRouting(ctx, f.sales, rules, 10)
		must(t, err)
		if p.Considered != 1 || p.Rules[0].Matches != 1 {
			t.Errorf("outsider's preview: considered %d, matched %d; want only the visible feedback (1, 1)", p.Considered, p.Rules[0].Matches)
		}
		p, _ = db.PreviewRouting(ctx, f.deals, rules, 10)
		if p.Considered != 2 {
			t.Errorf("insider's preview considered %d, want 2", p.Considered)
		}
	})

	t.Run("Escalation", func(t *testing.T) {
		_, err := db.EscalateOverdue(ctx, f.admin, time.Now())
		wantCode(t, err, rapport.EFORBIDDEN)
		// Nothing is overdue yet.
		esc, err := db.EscalateOverdue(ctx, system, time.Now())
		must(t, err)
		if len(esc) != 0 {
			t.Fatalf("escalated %d items before any was due", len(esc))
		}
		// Three hours on: the Orphans item (2h) is overdue, and Orphans has no
		// manager: it goes to the admin.
		esc, err = db.EscalateOverdue(ctx, system, time.Now().Add(3*time.Hour))
		must(t, err)
		if len(esc) != 1 || esc[0].Action.TeamID != orphans.ID || esc[0].To.ID != f.admin.UserID {
			t.Fatalf("got %d escalations %+v, want the Orphans item to the admin", len(esc), esc)
		}
		// Two days on: the support items (24h, and the one reassigned), the walled
		// one too, go to Support's manager; the Orphans item is not escalated again;
		// the hand-made one due in 50h is not due yet.
		// One transaction at a time: each is escalated all the same.
		db.EscalateChunk = 1
		esc, err = db.EscalateOverdue(ctx, system, time.Now().Add(48*time.Hour))
		db.EscalateChunk = 0
		must(t, err)
		if len(esc) != 2 {
			t.Fatalf("got %d escalations, want 2", len(esc))
		}
		for _, e := range esc {
			if e.To.ID != mgr.ID || e.Action.EscalatedTo != mgr.ID || e.Action.EscalatedAt == nil {
				t.Errorf("escalated to %s, want the manager mia", e.To.Name)
			}
		}
		// The manager sees them at the top of their list.
		list, _, err := db.FindActions(ctx, scopeOf(mgr), rapport.ActionFilter{Whose: rapport.ActionsMine})
		must(t, err)
		if len(list) < 1 || list[0].EscalatedTo != mgr.ID {
			t.Fatalf("the manager's list starts with %+v, want an item escalated to them", list)
		}
		// Escalated items of walled feedback stay out of an outsider's list.
		mine, _, err := db.FindActions(ctx, scopeOf(mgr), rapport.ActionFilter{Whose: rapport.ActionsMine, Status: rapport.ActionOpen})
		must(t, err)
		for _, a := range mine {
			if a.FeedbackID == hidden.ID {
				t.Errorf("the manager outside the wall sees the walled item escalated to them")
			}
		}
	})

	t.Run("MergeUnmerge", func(t *testing.T) {
		_, err := db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
		must(t, err)
		items, _, err := db.FindActions(ctx, f.sales, rapport.ActionFilter{FeedbackID: onDup.ID})
		must(t, err)
		for _, a := range items {
			if a.CustomerID != ana.ID {
				t.Errorf("after merge the item's customer is %s, want Ana %s", a.CustomerID, ana.ID)
			}
		}
		facts, err := profileFacts(db, f.sales, ana.ID)
		must(t, err)
		if facts.Feedback.OpenCount != 1 || len(facts.Feedback.Open) != 1 || len(facts.Feedback.Open[0].ActionItems) != 3 {
			t.Errorf("merged profile: %d open feedback, want 1 with its 3 action items", facts.Feedback.OpenCount)
		}
		_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
		must(t, err)
		items, _, err = db.FindActions(ctx, f.sales, rapport.ActionFilter{FeedbackID: onDup.ID})
		must(t, err)
		for _, a := range items {
			if a.CustomerID != dup.ID {
				t.Errorf("after unmerge the item's customer is %s, want the duplicate %s", a.CustomerID, dup.ID)
			}
		}
		page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 50})
		must(t, err)
		if len(page) != 0 {
			t.Errorf("after unmerge Ana has %d timeline entries, want none: the items' entries go back", len(page))
		}
	})

	t.Run("EscalationByTwoServersAtOnce", func(t *testing.T) {
		var due []rapport.ID
		for i := range 12 {
			fb := &rapport.Feedback{CustomerID: ana.ID, Kind: "need", Text: fmt.Sprintf("Need number %d", i)}
			_, err := db.CreateFeedback(ctx, f.sales, fb)
			must(t, err)
			for _, a := range fb.ActionItems {
				due = append(due, a.ID)
			}
		}
		db.EscalateChunk = 5
		defer func() { db.EscalateChunk = 0 }()
		later := time.Now().Add(48 * time.Hour)
		runs := make([][]rapport.Escalation, 2)
		for _, err := range atOnce(len(runs), func(i int) (err error) {
			runs[i], err = db.EscalateOverdue(ctx, system, later)
			return err
		}) {
			must(t, err)
		}
		// Between them every item is escalated, and none twice.
		times := map[rapport.ID]int{}
		for _, run := range runs {
			for _, e := range run {
				times[e.Action.ID]++
			}
		}
		for id, n := range times {
			if n != 1 {
				t.Errorf("item %s escalated %d times by two runs at once, want once", id, n)
			}
		}
		for _, id := range due {
			if times[id] == 0 {
				t.Errorf("item %s was due and not escalated", id)
			}
		}
		if len(due) != 12 {
			t.Errorf("twelve needs made %d action items, want 12", len(due))
		}
	})
}
