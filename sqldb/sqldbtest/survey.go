package sqldbtest

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

var surveyLink = regexp.MustCompile(`https://crm\.test/portal/survey/([A-Za-z0-9_-]+)`)

// surveyTokens reads the survey links out of the queued mail, by address.
func surveyTokens(t *testing.T, db *sqldb.DB) map[string][]string {
	t.Helper()
	ms, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{Limit: 500})
	must(t, err)
	out := map[string][]string{}
	for _, m := range ms {
		if m.Purpose != "survey" {
			continue
		}
		sub := surveyLink.FindStringSubmatch(m.Text)
		if sub == nil {
			t.Fatalf("no link in the survey mail %q", m.Text)
		}
		out[m.ToAddress] = append(out[m.ToAddress], sub[1])
	}
	return out
}

func grant(t *testing.T, db *sqldb.DB, cs ...*rapport.Customer) {
	t.Helper()
	for _, c := range cs {
		_, err := db.RecordConsent(ctx, system, c.ID, rapport.Consent{Purpose: "surveys", Granted: true, Source: "test"})
		must(t, err)
	}
}

// testSurveys: sending to a segment asks only members with an e-mail address and the
// surveys consent who were not asked within the limits, and says why the others are
// not; one answer per link, changed while valid, not after it expires; a detractor
// logs one complaint; results count only visible customers; answers follow merges.
func testSurveys(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	manager := scopeOf(mustUser(t, db, "meg@example.com", rapport.RoleManager, f.salesTeam.ID))
	ana := mustPerson(t, db, "Ana", "Asked", "ana@example.com")
	mustPerson(t, db, "Bob", "Noconsent", "bob@example.com") // no consent
	cid := mustPerson(t, db, "Cid", "Nomail", "")
	dan := mustPerson(t, db, "Dan", "Walled", "dan@example.com")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, dan)
	grant(t, db, ana, cid, dan)
	everyone := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, everyone))

	nps := &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS, SurveyText: rapport.SurveyText{Intro: "Thank you for being with us."}}
	wantCode(t, db.CreateSurvey(ctx, f.sales, nps), rapport.EFORBIDDEN)
	wantCode(t, db.CreateSurvey(ctx, manager, &rapport.Survey{Name: "Bad", Kind: "mood"}), rapport.EINVALID)
	must(t, db.CreateSurvey(ctx, manager, nps))
	if nps.Question == "" || nps.AskEveryDays != 90 {
		t.Errorf("defaults not filled: %+v", nps)
	}

	_, err := db.PlanSurveySend(ctx, f.sales, nps.ID, everyone.ID)
	wantCode(t, err, rapport.EFORBIDDEN)
	plan, err := db.PlanSurveySend(ctx, manager, nps.ID, everyone.ID)
	must(t, err)
	// The manager does not see Dan behind the wall: he is not counted, nor asked.
	if *plan != (rapport.SendPlan{Members: 3, Asked: 1, NoEmail: 1, NoConsent: 1}) {
		t.Errorf("the manager's plan: %+v", *plan)
	}
	sent, err := db.SendSurvey(ctx, f.admin, nps.ID, everyone.ID, "https://crm.test")
	must(t, err)
	if *sent != (rapport.SendPlan{Members: 4, Asked: 2, NoEmail: 1, NoConsent: 1}) {
		t.Errorf("sent: %+v", *sent)
	}
	tokens := surveyTokens(t, db)
	if len(tokens["ana@example.com"]) != 1 || len(tokens["dan@example.com"]) != 1 || len(tokens) != 2 {
		t.Fatalf("survey mail went to %v", tokens)
	}
	// The invitations, a page of one at a time.
	first, next, err := db.FindInvitations(ctx, f.admin, nps.ID, 1, "")
	must(t, err)
	second, last, err := db.FindInvitations(ctx, f.admin, nps.ID, 1, next)
	must(t, err)
	if len(first) != 1 || next == "" || len(second) != 1 || last != "" || first[0].ID == second[0].ID {
		t.Errorf("pages of invitations: %+v (next %q), then %+v (next %q); want Ana's and Dan's, one each", first, next, second, last)
	}
	_, _, err = db.FindResponses(ctx, f.admin, nps.ID, 1, "not-a-cursor")
	wantCode(t, err, rapport.EINVALID)
	// Answering: a detractor with a comment logs one complaint with the comment, routed
	// like any complaint.
	must(t, db.CreateRoutingRule(ctx, manager, &rapport.RoutingRule{Name: "Complaints", Kinds: []rapport.FeedbackKind{"complaint"},
		TeamID: f.salesTeam.ID, ServiceLevel: 24}))
	portal := rapport.PortalScope("203.0.113.9")
	anaToken := tokens["ana@example.com"][0]
	view, err := db.OpenInvitation(ctx, portal, anaToken)
	must(t, err)
	if view.Survey.ID != nps.ID || view.Response != nil || view.Expired || view.Text.Question != nps.Question {
		t.Errorf("the invitation's view: %+v", view)
	}
	_, err = db.OpenInvitation(ctx, portal, "not-a-token")
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.AnswerSurvey(ctx, portal, anaToken, rapport.SurveyAnswer{Score: 11})
	wantCode(t, err, rapport.EINVALID)
	r, err := db.AnswerSurvey(ctx, portal, anaToken, rapport.SurveyAnswer{Score: 3, Comment: "Delivery took <b>three</b> weeks"})
	must(t, err)
	if r.Category != "detractor" || r.FeedbackID.IsZero() {
		t.Fatalf("a detractor's answer: %+v", r)
	}
	fb, err := db.FindFeedbackByID(ctx, f.sales, r.FeedbackID)
	must(t, err)
	if fb.Kind != "complaint" || fb.Text != "Delivery took <b>three</b> weeks" || fb.CustomerID != ana.ID {
		t.Errorf("the detractor's complaint: %+v", fb)
	}
	if len(fb.ActionItems) != 1 || fb.ActionItems[0].TeamID != f.salesTeam.ID {
		t.Errorf("the detractor's complaint was not routed to Sales: %+v", fb.ActionItems)
	}
	// A second visit changes the one answer; no second complaint.
	r2, err := db.AnswerSurvey(ctx, portal, anaToken, rapport.SurveyAnswer{Score: 2})
	must(t, err)
	if r2.InvitationID != r.InvitationID || r2.FeedbackID != r.FeedbackID || r2.Score != 2 {
		t.Errorf("the changed answer: %+v", r2)
	}
	rs, _, err := db.FindResponses(ctx, f.admin, nps.ID, 0, "")
	must(t, err)
	if len(rs) != 1 || rs[0].Score != 2 {
		t.Errorf("responses: %+v", rs)
	}
	fbs, err := feedbackOf(db, f.admin, ana.ID)
	must(t, err)
	if fbs.Count != 1 {
		t.Errorf("Ana has %d feedback items, want the one complaint", fbs.Count)
	}
	tl, _, err := db.FindTimeline(ctx, f.admin, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	found := false
	for _, e := range tl {
		if e.Interaction != nil && string(e.Interaction.Attributes) != "" && regexp.MustCompile(`"category": ?"detractor"`).Match(e.Interaction.Attributes) {
			found = true
		}
	}
	if !found {
		t.Errorf("no survey answer with its category on Ana's timeline")
	}

	// A passive answer from Dan, behind the wall: admins count it, the manager does not.
	_, err = db.AnswerSurvey(ctx, portal, tokens["dan@example.com"][0], rapport.SurveyAnswer{Score: 10})
	must(t, err)
	res, err := db.SurveyResults(ctx, f.admin, nps.ID, rapport.ResultsFilter{By: "team"})
	must(t, err)
	if res.Overall.N != 2 || res.Overall.Value != 0 || res.Invited != 2 || res.ResponseRate != 100 {
		t.Errorf("the admin's results: %+v", res.Overall)
	}
	if len(res.Groups) != 1 || res.Groups[0].Group != "No team" || res.Groups[0].N != 2 {
		t.Errorf("the admin's results by team: %+v, want both answers under No team", res.Groups)
	}
	res, err = db.SurveyResults(ctx, f.admin, nps.ID, rapport.ResultsFilter{By: "product"})
	must(t, err)
	if len(res.Groups) != 1 || res.Groups[0].Group != "No product" || res.Groups[0].N != 2 || res.Overall.N != 2 {
		t.Errorf("the admin's results by product: %+v, want both answers under No product", res.Groups)
	}
	res, err = db.SurveyResults(ctx, f.admin, nps.ID, rapport.ResultsFilter{Period: "week"})
	must(t, err)
	for _, p := range res.Periods {
		start, err := time.Parse(time.DateOnly, p.Start)
		if y, w := start.ISOWeek(); err != nil || start.Weekday() != time.Monday || p.Period != fmt.Sprintf("%d-W%02d", y, w) || p.N != 2 || p.Invited != 2 {
			t.Errorf("the week's results: %+v", p)
		}
	}
	if len(res.Periods) != 1 {
		t.Errorf("answers of one day fall in %d weeks", len(res.Periods))
	}
	res, err = db.SurveyResults(ctx, manager, nps.ID, rapport.ResultsFilter{By: "segment", SegmentID: everyone.ID})
	must(t, err)
	if res.Overall.N != 1 || res.Overall.Value != -100 || res.Invited != 1 || len(res.Groups) != 1 || res.Groups[0].Group != "In People" {
		t.Errorf("the manager's results: %+v %+v", res.Overall, res.Groups)
	}
	if rs, _, _ := db.FindResponses(ctx, manager, nps.ID, 0, ""); len(rs) != 1 {
		t.Errorf("the manager sees %d responses, want Ana's only", len(rs))
	}

	// Answers follow merges, and go back on unmerge.
	twin := mustPerson(t, db, "Ana", "Asked", "ana.asked@example.com")
	_, err = db.MergeCustomers(ctx, f.admin, twin.ID, ana.ID, rapport.MergeManual, 0)
	must(t, err)
	if rs, _, _ := db.FindResponses(ctx, f.admin, nps.ID, 0, ""); len(rs) != 2 || !hasResponseOf(rs, twin.ID) || hasResponseOf(rs, ana.ID) {
		t.Errorf("after the merge the answer is the profile's: %+v", rs)
	}
	_, err = db.UnmergeCustomer(ctx, f.admin, ana.ID)
	must(t, err)
	if rs, _, _ := db.FindResponses(ctx, f.admin, nps.ID, 0, ""); !hasResponseOf(rs, ana.ID) || hasResponseOf(rs, twin.ID) {
		t.Errorf("after the unmerge the answer is Ana's again: %+v", rs)
	}

	// Within the limits nobody is asked again, by this survey or another.
	csat := &rapport.Survey{Name: "Satisfaction", Kind: rapport.SurveyCSAT, AskEveryDays: 10}
	must(t, db.CreateSurvey(ctx, f.admin, csat))
	if plan, _ := db.PlanSurveySend(ctx, f.admin, csat.ID, everyone.ID); plan.AskedRecently != 2 || plan.Asked != 0 {
		t.Errorf("right after a send: %+v", *plan)
	}
	clock = clock.AddDate(0, 0, 20) // past the survey's 10 days, within the global 30
	if plan, _ := db.PlanSurveySend(ctx, f.admin, csat.ID, everyone.ID); plan.AskedRecently != 2 {
		t.Errorf("the global minimum of 30 days is not kept: %+v", *plan)
	}
	clock = clock.AddDate(0, 0, 11)
	if plan, _ := db.PlanSurveySend(ctx, f.admin, csat.ID, everyone.ID); plan.Asked != 2 {
		t.Errorf("after 31 days: %+v", *plan)
	}
	wantCode(t, db.UpdateSurveySettings(ctx, manager, rapport.SurveySettings{MinDaysBetween: 60}), rapport.EFORBIDDEN)
	must(t, db.UpdateSurveySettings(ctx, f.admin, rapport.SurveySettings{MinDaysBetween: 60}))
	if plan, _ := db.PlanSurveySend(ctx, f.admin, csat.ID, everyone.ID); plan.AskedRecently != 2 {
		t.Errorf("a global minimum of 60 days: %+v", *plan)
	}

	// After 30 days the link has expired.
	_, err = db.AnswerSurvey(ctx, portal, anaToken, rapport.SurveyAnswer{Score: 9})
	wantCode(t, err, rapport.ECONFLICT)
	if view, err := db.OpenInvitation(ctx, portal, anaToken); err != nil || !view.Expired || view.Response.Score != 2 {
		t.Errorf("the expired invitation: %+v, %v", view, err)
	}

	// Ana answers again three months on: the quiet months between are listed, each
	// with nothing in it, one after another.
	clock = clock.AddDate(0, 0, 62) // Wednesday 3 June
	_, err = db.SendSurvey(ctx, f.admin, nps.ID, everyone.ID, "https://crm.test")
	must(t, err)
	answered := false
	for _, token := range surveyTokens(t, db)["ana@example.com"] {
		if view, err := db.OpenInvitation(ctx, portal, token); err == nil && !view.Expired {
			_, err = db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 9})
			must(t, err)
			answered = true
		}
	}
	if !answered {
		t.Fatal("Ana was not asked again after three months")
	}
	res, err = db.SurveyResults(ctx, f.admin, nps.ID, rapport.ResultsFilter{})
	must(t, err)
	quiet := 0
	for i, p := range res.Periods {
		if p.N == 0 && p.Invited == 0 {
			quiet++
		}
		if i > 0 {
			prev, _ := time.Parse("2006-01", res.Periods[i-1].Period)
			if p.Period != prev.AddDate(0, 1, 0).Format("2006-01") {
				t.Errorf("month %s follows %s", p.Period, res.Periods[i-1].Period)
			}
		}
	}
	if len(res.Periods) < 3 || quiet == 0 || res.Periods[0].N != 2 || res.Periods[len(res.Periods)-1].N != 1 {
		t.Errorf("the months: %+v, want the first and the last answered and the quiet ones between", res.Periods)
	}
	res, err = db.SurveyResults(ctx, f.admin, nps.ID, rapport.ResultsFilter{Period: "week", Since: clock.AddDate(0, 0, -1)})
	must(t, err)
	if len(res.Periods) != 1 || res.Periods[0].Period != "2026-W23" || res.Periods[0].Start != "2026-06-01" || res.Periods[0].N != 1 {
		t.Errorf("the week of Wednesday 3 June: %+v, want 2026-W23 from Monday 1 June", res.Periods)
	}
}

// testSurveyAnswerChanged: a low score changed to one that needs no follow-up
// withdraws its complaint while no one has worked on it (resolved as the event
// withdrawn, by the customer, its action items closed, no longer linked, so that a low
// score again logs a new one); a complaint staff have worked on stays, linked.
func testSurveyAnswerChanged(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Changed", "ana@example.com")
	grant(t, db, ana)
	people := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, people))
	must(t, db.CreateRoutingRule(ctx, f.admin, &rapport.RoutingRule{Name: "Complaints", Kinds: []rapport.FeedbackKind{"complaint"},
		TeamID: f.salesTeam.ID, ServiceLevel: 24}))
	csat := &rapport.Survey{Name: "Satisfaction", Kind: rapport.SurveyCSAT}
	must(t, db.CreateSurvey(ctx, f.admin, csat))
	_, err := db.SendSurvey(ctx, f.admin, csat.ID, people.ID, "https://crm.test")
	must(t, err)
	portal := rapport.PortalScope("203.0.113.9")
	token := surveyTokens(t, db)["ana@example.com"][0]

	r, err := db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 2, Comment: "The desk wobbles"})
	must(t, err)
	first := r.FeedbackID
	if first.IsZero() {
		t.Fatal("a CSAT of 2 logged no complaint")
	}
	r, err = db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 5})
	must(t, err)
	if !r.FeedbackID.IsZero() {
		t.Errorf("the answer of 5 still links the complaint %s", r.FeedbackID)
	}
	fb, steps, err := db.FindFeedbackHistory(ctx, f.admin, first)
	must(t, err)
	if fb.Status != rapport.FeedbackResolved || !strings.Contains(fb.Resolution, "changed their survey answer to 5 of 5 (satisfied)") {
		t.Errorf("the withdrawn complaint: status %s, resolution %q", fb.Status, fb.Resolution)
	}
	if last := steps[len(steps)-1]; len(steps) != 2 || last.Event != rapport.FeedbackWithdrawn || last.ActorName != "the customer" {
		t.Errorf("the complaint's history: %+v, want logged, then withdrawn by the customer", steps)
	}
	if len(fb.ActionItems) != 1 || fb.ActionItems[0].Status != rapport.ActionDone {
		t.Errorf("the withdrawn complaint's action items: %+v, want its one item done", fb.ActionItems)
	}
	tl, _, err := db.FindTimeline(ctx, f.admin, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	withdrawn := false
	for _, e := range tl {
		if e.Interaction != nil && regexp.MustCompile(`"feedback_event": ?"withdrawn"`).Match(e.Interaction.Attributes) {
			withdrawn = strings.HasPrefix(e.Interaction.Summary, "Complaint withdrawn: ")
		}
	}
	if !withdrawn {
		t.Error("no entry of the withdrawn complaint on Ana's timeline")
	}
	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID, Entities: []string{"feedback"}, Action: "update"})
	must(t, err)
	if len(events) != 1 || events[0].EntityID != first || events[0].Detail != "complaint: new → resolved (withdrawn)" {
		t.Errorf("audited: %+v, want the withdrawal", events)
	}

	// Low again: a new complaint. Staff triage it; a good score then leaves it be.
	r, err = db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 1})
	must(t, err)
	second := r.FeedbackID
	if second.IsZero() || second == first {
		t.Fatalf("a low score after the withdrawal: complaint %s, want a new one", second)
	}
	_, err = db.ChangeFeedbackStatus(ctx, f.sales, second, rapport.FeedbackChange{Status: rapport.FeedbackTriaged})
	must(t, err)
	r, err = db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 4})
	must(t, err)
	if r.FeedbackID != second {
		t.Errorf("the answer of 4 links %s, want the complaint staff work on", r.FeedbackID)
	}
	if fb, err := db.FindFeedbackByID(ctx, f.admin, second); err != nil || fb.Status != rapport.FeedbackTriaged {
		t.Errorf("the complaint staff triaged: %+v, %v; want it left triaged", fb, err)
	}
}

func hasResponseOf(rs []*rapport.SurveyResponse, id rapport.ID) bool {
	for _, r := range rs {
		if r.CustomerID == id {
			return true
		}
	}
	return false
}

// testSurveyTriggers: a trigger invites the customer of each new event once, its delay
// after the event, and starts from the time it first looks.
func testSurveyTriggers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	old := mustPerson(t, db, "Olga", "Old", "olga@example.com")
	fay := mustPerson(t, db, "Fay", "Ticket", "fay@example.com")
	gus := mustPerson(t, db, "Gus", "Noconsent", "gus@example.com")
	grant(t, db, old, fay)
	ticket := func(c *rapport.Customer, typ rapport.InteractionType) {
		t.Helper()
		must(t, db.CreateInteraction(ctx, f.sales, &rapport.Interaction{CustomerID: c.ID, Type: typ, Channel: "phone",
			OccurredAt: clock, Summary: "Printer jammed"}))
	}
	ticket(old, "ticket") // before the survey exists
	ces := &rapport.Survey{Name: "Effort", Kind: rapport.SurveyCES, Active: true,
		Triggers: []rapport.SurveyTrigger{{Event: rapport.EventSupport, Delay: 24}}}
	must(t, db.CreateSurvey(ctx, f.admin, ces))
	run := func() rapport.TriggerSummary {
		t.Helper()
		sum, err := db.RunSurveyTriggers(ctx, system, "https://crm.test")
		must(t, err)
		return sum
	}
	_, err := db.RunSurveyTriggers(ctx, f.admin, "https://crm.test")
	wantCode(t, err, rapport.EFORBIDDEN)
	clock = clock.Add(time.Hour)
	if sum := run(); sum.Invited != 0 {
		t.Errorf("the first run starts from now: %+v", sum)
	}
	clock = clock.Add(time.Hour)
	ticket(fay, "ticket")
	ticket(gus, "call")
	ticket(fay, "order") // not a support contact
	clock = clock.Add(2 * time.Hour)
	if sum := run(); sum.Invited != 0 || sum.Events != 0 {
		t.Errorf("before the delay: %+v", sum)
	}
	clock = clock.Add(23 * time.Hour)
	// Two servers run the triggers at once: Fay is invited once.
	sums := make([]rapport.TriggerSummary, 2)
	must(t, errors.Join(atOnce(2, func(i int) (err error) {
		sums[i], err = db.RunSurveyTriggers(ctx, system, "https://crm.test")
		return err
	})...))
	if sums[0].Invited+sums[1].Invited != 1 || sums[0].Skipped+sums[1].Skipped != 1 {
		t.Errorf("after the delay, two runs at once: %+v, want Fay invited and Gus skipped, once", sums)
	}
	clock = clock.Add(time.Hour)
	if sum := run(); sum.Invited != 0 || sum.Events != 0 {
		t.Errorf("the watermark keeps events from inviting twice: %+v", sum)
	}
	invs, _, err := db.FindInvitations(ctx, f.admin, ces.ID, 0, "")
	must(t, err)
	if len(invs) != 1 || invs[0].CustomerID != fay.ID || invs[0].Cause != "support" || invs[0].TeamID != f.salesTeam.ID {
		t.Errorf("invitations: %+v", invs)
	}
	if tokens := surveyTokens(t, db); len(tokens["fay@example.com"]) != 1 || len(tokens) != 1 {
		t.Errorf("survey mail: %v", tokens)
	}
}

// testSurveyAnswersAtOnce: first answers to one invitation sent at the same moment (a
// double click, two tabs) all succeed: one response, one timeline entry, one complaint.
func testSurveyAnswersAtOnce(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Twice", "ana@twice.test")
	grant(t, db, ana)
	people := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, people))
	nps := &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS}
	must(t, db.CreateSurvey(ctx, f.admin, nps))
	_, err := db.SendSurvey(ctx, f.admin, nps.ID, people.ID, "https://crm.test")
	must(t, err)
	token := surveyTokens(t, db)["ana@twice.test"][0]
	portal := rapport.PortalScope("203.0.113.9")
	// Open the connections first, so that the answers below meet in the database.
	atOnce(8, func(int) error {
		_, err := db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 99})
		return err
	})
	errs := atOnce(4, func(i int) error {
		_, err := db.AnswerSurvey(ctx, portal, token, rapport.SurveyAnswer{Score: 2 + i%2})
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("answer %d of 4 sent at once: %v", i+1, err)
		}
	}
	rs, _, err := db.FindResponses(ctx, f.admin, nps.ID, 10, "")
	must(t, err)
	if len(rs) != 1 || (rs[0].Score != 2 && rs[0].Score != 3) {
		t.Fatalf("responses %+v, want one", rs)
	}
	fb, _, err := db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{CustomerID: ana.ID})
	must(t, err)
	if len(fb) != 1 || fb[0].ID != rs[0].FeedbackID {
		t.Errorf("complaints %d, want one, the response's", len(fb))
	}
	page, _, err := db.FindInteractions(ctx, f.admin, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 50})
	must(t, err)
	answers := 0
	for _, in := range page {
		if in.ID == rs[0].InteractionID {
			answers++
		} else if strings.HasPrefix(in.Summary, "Survey ") {
			t.Errorf("a second timeline entry of the answer: %q", in.Summary)
		}
	}
	if answers != 1 {
		t.Errorf("the response's timeline entry found %d times, want once", answers)
	}
}
