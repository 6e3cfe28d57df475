package sqldbtest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/theme"
)

// Three things customers say, in a few words each way.
var (
	deliveryTexts = []string{
		"The parcel delivery was late and the courier left the box damaged",
		"Late delivery again, the courier damaged the parcel box",
		"My parcel arrived late, the courier box was damaged",
		"Courier delivery late and parcel damaged on arrival",
		"The courier was late with the delivery and the parcel box was damaged",
		"Damaged parcel box, late courier delivery",
	}
	passwordTexts = []string{
		"I cannot log in because the password reset email never arrives",
		"The password reset email never arrives so I cannot log in",
		"Password reset email missing, cannot log in to my account",
		"Cannot log in: password reset email not arriving",
		"The reset password email never arrives and log in fails",
		"Log in impossible, password reset email never comes",
	}
	darkModeTexts = []string{
		"Please add a dark mode to the mobile app",
		"A dark mode in the mobile app would be great",
		"Suggest a dark mode for the mobile app at night",
		"The mobile app needs a dark mode",
		"Dark mode for the mobile app please",
		"Would love a dark mode option in the mobile app",
	}
)

// logAll logs feedback of a kind with each text, for the customer (or none), as scope.
func logAll(t *testing.T, db *sqldb.DB, s rapport.Scope, customer rapport.ID, kind rapport.FeedbackKind, texts []string) []*rapport.Feedback {
	t.Helper()
	var out []*rapport.Feedback
	for _, text := range texts {
		fb := &rapport.Feedback{CustomerID: customer, Kind: kind, Text: text, HeardAt: time.Now().Add(-time.Hour)}
		if _, err := db.CreateFeedback(ctx, s, fb); err != nil {
			t.Fatalf("log %q: %v", text, err)
		}
		out = append(out, fb)
	}
	return out
}

// themeOf reads an item's theme as the system sees it.
func themeOf(t *testing.T, db *sqldb.DB, id rapport.ID) rapport.ID {
	t.Helper()
	fb, err := db.FindFeedbackByID(ctx, system, id)
	must(t, err)
	return fb.ThemeID
}

// sameTheme fails unless all items share one theme, and returns it.
func sameTheme(t *testing.T, db *sqldb.DB, what string, items []*rapport.Feedback) rapport.ID {
	t.Helper()
	first := themeOf(t, db, items[0].ID)
	if first.IsZero() {
		t.Fatalf("%s: the first item has no theme", what)
	}
	for _, fb := range items[1:] {
		if got := themeOf(t, db, fb.ID); got != first {
			t.Fatalf("%s: %q is in theme %s, want %s with %q", what, fb.Text, got, first, items[0].Text)
		}
	}
	return first
}

func findTheme(list []*rapport.Theme, id rapport.ID) *rapport.Theme {
	for _, t := range list {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// testThemes: new feedback is put in themes as it arrives; staff rename, fix, merge,
// split themes and move items, and a full re-grouping keeps those decisions; a fixed
// theme that gets a new item raises a recurrence alert; walls hide items and themes.
func testThemes(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Theme", "ana@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	jobs := rapport.JobScope("test")
	assigner := &grouping.Assigner{Store: db, Scope: jobs}

	delivery := logAll(t, db, f.sales, ana.ID, "complaint", deliveryTexts)
	password := logAll(t, db, f.sales, rapport.ID{}, "complaint", passwordTexts)
	dark := logAll(t, db, f.sales, ana.ID, "suggestion", darkModeTexts[:4])
	hiddenDelivery := logAll(t, db, f.deals, secret.ID, "complaint", deliveryTexts[:1])[0]
	invoice := logAll(t, db, f.deals, secret.ID, "complaint", []string{"The invoice shows the wrong VAT number", "Wrong VAT number on the invoice again",
		"Invoice VAT number is wrong"})

	t.Run("Queued", func(t *testing.T) {
		jobs, err := db.FindJobs(ctx, system, rapport.JobThemeAssign, 10)
		must(t, err)
		if len(jobs) != 1 || jobs[0].State != rapport.JobQueued {
			t.Fatalf("got %d theme-assign jobs, want one queued by the new feedback", len(jobs))
		}
	})

	// As they arrive, one at a time, every item with words to compare gets a theme.
	sum, err := assigner.AssignAll(ctx)
	must(t, err)
	if sum.Assigned != 20 {
		t.Fatalf("got %s; want all 20 items in themes", sum)
	}
	// The first full re-grouping (daily, or on demand) puts the themes in order: the
	// one-pass assignment depends on the order items came in.
	_, err = grouping.Regroup(ctx, db, jobs, theme.Options{Seed: 1})
	must(t, err)
	deliveryTheme := sameTheme(t, db, "delivery", append(delivery, hiddenDelivery))
	passwordTheme := sameTheme(t, db, "password", password)
	darkTheme := sameTheme(t, db, "dark mode", dark)
	invoiceTheme := sameTheme(t, db, "invoice", invoice)
	if deliveryTheme == passwordTheme || passwordTheme == darkTheme || deliveryTheme == darkTheme || invoiceTheme == deliveryTheme {
		t.Fatalf("themes delivery %s, password %s, dark mode %s, invoice %s; want four apart", deliveryTheme, passwordTheme, darkTheme, invoiceTheme)
	}

	t.Run("ActionItems", func(t *testing.T) {
		// A theme lists the action items of its feedback, within walls.
		a, err := db.CreateAction(ctx, f.sales, delivery[0].ID, rapport.NewAction{TeamID: f.salesTeam.ID, ServiceLevel: 24, Title: "Talk to the courier"})
		must(t, err)
		hiddenAction, err := db.CreateAction(ctx, f.deals, hiddenDelivery.ID, rapport.NewAction{TeamID: f.dealsTeam.ID, ServiceLevel: 24})
		must(t, err)
		ids := func(s rapport.Scope, theme rapport.ID) []rapport.ID {
			items, _, err := db.FindActions(ctx, s, rapport.ActionFilter{ThemeID: theme, Limit: 20})
			must(t, err)
			var out []rapport.ID
			for _, x := range items {
				out = append(out, x.ID)
			}
			return out
		}
		if got := ids(f.sales, deliveryTheme); len(got) != 1 || got[0] != a.ID {
			t.Errorf("the delivery theme's action items for sales: %v, want only %v", got, a.ID)
		}
		if got := ids(f.deals, deliveryTheme); len(got) != 2 {
			t.Errorf("the wall's team sees %d of the delivery theme's action items, want 2 (with %v)", len(got), hiddenAction.ID)
		}
		if got := ids(f.sales, passwordTheme); len(got) != 0 {
			t.Errorf("the password theme lists action items %v", got)
		}
	})

	t.Run("AsTheyArrive", func(t *testing.T) {
		more := logAll(t, db, f.sales, ana.ID, "suggestion", darkModeTexts[4:])
		_, err := assigner.AssignAll(ctx)
		must(t, err)
		for _, fb := range more {
			if got := themeOf(t, db, fb.ID); got != darkTheme {
				t.Errorf("%q: theme %s, want the dark mode theme %s", fb.Text, got, darkTheme)
			}
		}
		dark = append(dark, more...)
		// Another process, with a model of its own, catches up and agrees.
		other := &grouping.Assigner{Store: db, Scope: jobs}
		must(t, other.Warm(ctx))
		late := logAll(t, db, f.sales, rapport.ID{}, "complaint", []string{"Parcel late and courier damaged the box"})
		_, err = other.AssignAll(ctx)
		must(t, err)
		if got := themeOf(t, db, late[0].ID); got != deliveryTheme {
			t.Errorf("the other process put a delivery complaint in %s, want %s", got, deliveryTheme)
		}
		delivery = append(delivery, late...)
	})

	t.Run("ListAndReport", func(t *testing.T) {
		list, _, err := db.FindThemes(ctx, f.admin, rapport.ThemeFilter{})
		must(t, err)
		d := findTheme(list, deliveryTheme)
		if d == nil || d.Items != len(delivery)+1 || d.Kinds["complaint"] != d.Items || d.Recent != d.Items || d.Label == "" {
			t.Fatalf("delivery theme for the admin: %+v; want %d complaints, all recent, with a label", d, len(delivery)+1)
		}
		opp, _, err := db.FindThemes(ctx, f.admin, rapport.ThemeFilter{Opportunities: true})
		must(t, err)
		if len(opp) != 1 || opp[0].ID != darkTheme {
			t.Errorf("got %d opportunities, want only the dark mode theme", len(opp))
		}
		// Pages of one theme each give the whole list, in its order, and then stop.
		if len(list) < 3 {
			t.Fatalf("got %d themes, want at least 3 to page through", len(list))
		}
		var paged []*rapport.Theme
		for cursor, pages := "", 0; ; pages++ {
			page, next, err := db.FindThemes(ctx, f.admin, rapport.ThemeFilter{Limit: 1, Cursor: cursor})
			must(t, err)
			paged = append(paged, page...)
			if next == "" || pages > len(list) {
				break
			}
			cursor = next
		}
		if got, want := themeIDs(paged), themeIDs(list); !slices.Equal(got, want) {
			t.Errorf("paged one by one: got themes %v, want %v", got, want)
		}
		_, _, err = db.FindThemes(ctx, f.admin, rapport.ThemeFilter{Cursor: "bm90IGEgY3Vyc29y"})
		wantField(t, err, "cursor")
		r, err := db.FindThemeReport(ctx, f.sales, deliveryTheme)
		must(t, err)
		if r.Items != len(delivery) || r.Customers != 1 || len(r.Samples) != min(10, len(delivery)) || len(r.Weeks) == 0 || len(r.Terms) == 0 {
			t.Errorf("report for sales: %d items, %d customers, %d samples, %d weeks, terms %v; want %d items of Ana only",
				r.Items, r.Customers, len(r.Samples), len(r.Weeks), r.Terms, len(delivery))
		}
		if n := r.Weeks[len(r.Weeks)-1].Items; n != len(delivery) {
			t.Errorf("this week's volume: got %d, want %d", n, len(delivery))
		}
	})

	t.Run("Walls", func(t *testing.T) {
		list, _, err := db.FindThemes(ctx, f.sales, rapport.ThemeFilter{})
		must(t, err)
		if findTheme(list, invoiceTheme) != nil {
			t.Errorf("sales sees the invoice theme, made only of feedback behind a wall")
		}
		if d := findTheme(list, deliveryTheme); d == nil || d.Items != len(delivery) {
			t.Errorf("sales sees the delivery theme as %+v, want %d items (not the walled one)", d, len(delivery))
		}
		_, err = db.FindThemeReport(ctx, f.sales, invoiceTheme)
		wantCode(t, err, rapport.ENOTFOUND)
		r, err := db.FindThemeReport(ctx, f.deals, invoiceTheme)
		must(t, err)
		if r.Items != 3 || r.Customers != 1 || r.TopCustomers[0].ID != secret.ID {
			t.Errorf("deals sees the invoice theme with %d items, %d customers; want 3 of Sam", r.Items, r.Customers)
		}
		_, err = db.MoveFeedbackToTheme(ctx, f.sales, invoice[0].ID, deliveryTheme)
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.MoveFeedbackToTheme(ctx, f.sales, delivery[0].ID, invoiceTheme)
		wantField(t, err, "theme_id")
		_, err = db.ChangeTheme(ctx, f.sales, invoiceTheme, rapport.ThemeChange{Name: new("Peek")})
		wantCode(t, err, rapport.ENOTFOUND)
	})

	t.Run("BadInput", func(t *testing.T) {
		_, err := db.MergeThemes(ctx, f.sales, darkTheme, darkTheme)
		wantField(t, err, "into")
		_, err = db.MergeThemes(ctx, f.sales, darkTheme, rapport.NewID())
		wantField(t, err, "into")
		_, err = db.ChangeTheme(ctx, f.sales, rapport.NewID(), rapport.ThemeChange{Name: new("x")})
		wantCode(t, err, rapport.ENOTFOUND)
		bad := rapport.ThemeStatus("solved")
		_, err = db.ChangeTheme(ctx, f.sales, darkTheme, rapport.ThemeChange{Status: &bad})
		wantField(t, err, "status")
		_, err = db.ChangeTheme(ctx, f.sales, darkTheme, rapport.ThemeChange{Name: new("bad\x00name")})
		wantField(t, err, "name")
		_, err = db.SplitTheme(ctx, f.sales, darkTheme, rapport.ThemeSplit{FeedbackIDs: []rapport.ID{delivery[0].ID}})
		wantField(t, err, "feedback_ids")
		if want := "the item chosen is not in this theme"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("splitting off an item of another theme: %v, want it to say %q", err, want)
		}
		_, err = db.ChangeTheme(ctx, f.loner, darkTheme, rapport.ThemeChange{Name: new("x")})
		wantCode(t, err, rapport.EFORBIDDEN)
		err = db.RequestRegrouping(ctx, f.sales)
		wantCode(t, err, rapport.EFORBIDDEN)
	})

	// An idea answers the dark mode theme; it follows the theme into a merge below.
	darkIdea := testIdeas(t, db, f, darkTheme)

	// Staff decisions.
	_, err = db.ChangeTheme(ctx, f.sales, deliveryTheme, rapport.ThemeChange{Name: new("Late, damaged deliveries")})
	must(t, err)
	merged, err := db.MergeThemes(ctx, f.sales, darkTheme, passwordTheme)
	must(t, err)
	if merged.Items != len(password)+len(dark) {
		t.Fatalf("after the merge: %d items, want %d", merged.Items, len(password)+len(dark))
	}
	if _, err := db.FindThemeReport(ctx, f.sales, darkTheme); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Fatalf("the merged theme: %v, want not found", err)
	}
	if idea, err := db.FindIdea(ctx, f.sales, darkIdea.ID); err != nil || idea.ThemeID != passwordTheme {
		t.Errorf("the idea of the merged theme: %+v, %v; want it on the theme merged into", idea, err)
	}
	split, err := db.SplitTheme(ctx, f.sales, deliveryTheme, rapport.ThemeSplit{FeedbackIDs: []rapport.ID{delivery[0].ID, delivery[1].ID}, Name: "Courier damage"})
	must(t, err)
	if split.Items != 2 || split.Name != "Courier damage" {
		t.Fatalf("split: %d items named %q, want 2 named Courier damage", split.Items, split.Name)
	}
	moved, err := db.MoveFeedbackToTheme(ctx, f.sales, password[0].ID, deliveryTheme)
	must(t, err)
	if moved.ThemeID != deliveryTheme || moved.ThemeTitle != "Late, damaged deliveries" {
		t.Fatalf("moved item: theme %s %q, want the delivery theme by its name", moved.ThemeID, moved.ThemeTitle)
	}

	checkDecisions := func(t *testing.T, when string) {
		t.Helper()
		if got := themeOf(t, db, password[0].ID); got != deliveryTheme {
			t.Errorf("%s: the moved item is in %s, want where staff put it, %s", when, got, deliveryTheme)
		}
		for _, fb := range delivery[:2] {
			if got := themeOf(t, db, fb.ID); got != split.ID {
				t.Errorf("%s: a split-off item is in %s, want the split's theme %s", when, got, split.ID)
			}
		}
		for _, fb := range append(password[1:], dark...) {
			if got := themeOf(t, db, fb.ID); got != passwordTheme {
				t.Errorf("%s: %q is in %s, want the merged theme %s", when, fb.Text, got, passwordTheme)
			}
		}
		r, err := db.FindThemeReport(ctx, f.admin, deliveryTheme)
		must(t, err)
		if r.Name != "Late, damaged deliveries" {
			t.Errorf("%s: the renamed theme is called %q", when, r.Name)
		}
		for _, fb := range delivery[2:] {
			if got := themeOf(t, db, fb.ID); got != deliveryTheme {
				t.Errorf("%s: %q is in %s, want %s", when, fb.Text, got, deliveryTheme)
			}
		}
	}
	checkDecisions(t, "after the decisions")

	t.Run("RegroupKeepsDecisions", func(t *testing.T) {
		result, err := grouping.Regroup(ctx, db, jobs, theme.Options{Seed: 1})
		must(t, err)
		t.Log(result)
		checkDecisions(t, "after a full re-grouping")
		// And again: a second re-grouping changes nothing.
		_, err = grouping.Regroup(ctx, db, jobs, theme.Options{Seed: 2})
		must(t, err)
		checkDecisions(t, "after a second re-grouping")
	})

	t.Run("Recurrence", func(t *testing.T) {
		// The delivery theme and the part split off it are both fixed: a new
		// complaint may land in either.
		for _, id := range []rapport.ID{deliveryTheme, split.ID} {
			fixed, err := db.ChangeTheme(ctx, f.sales, id, rapport.ThemeChange{Status: new(rapport.ThemeFixed)})
			must(t, err)
			if fixed.FixedAt == nil || fixed.FixedBy != f.sales.UserID || fixed.Status != rapport.ThemeFixed {
				t.Fatalf("fixed theme: %s at %v by %s, want fixed now by the agent", fixed.Status, fixed.FixedAt, fixed.FixedBy)
			}
		}
		again := &rapport.Feedback{CustomerID: ana.ID, Kind: "complaint", Text: "Late parcel delivery and the courier damaged the box again"}
		_, err = db.CreateFeedback(ctx, f.sales, again)
		must(t, err)
		hidden := &rapport.Feedback{CustomerID: secret.ID, Kind: "complaint", Text: "Courier late, parcel box damaged"}
		_, err = db.CreateFeedback(ctx, f.deals, hidden)
		must(t, err)
		_, err = assigner.AssignAll(ctx)
		must(t, err)
		got := themeOf(t, db, again.ID)
		if got != deliveryTheme && got != split.ID {
			t.Fatalf("the new complaint is in %s, want a fixed theme, %s or %s", got, deliveryTheme, split.ID)
		}
		alerts, err := db.FindThemeAlerts(ctx, f.sales)
		must(t, err)
		if len(alerts) != 1 || alerts[0].FeedbackID != again.ID || alerts[0].ThemeID != got {
			t.Fatalf("sales sees %d alerts, want one, for the new complaint (not the walled one): %+v", len(alerts), alerts)
		}
		all, err := db.FindThemeAlerts(ctx, f.admin)
		must(t, err)
		if len(all) != 2 {
			t.Errorf("the admin sees %d alerts, want 2", len(all))
		}
		// The dashboard's recurrence counts the alerts of visible feedback.
		for _, c := range []struct {
			who         rapport.Scope
			recurrences int
		}{{f.sales, 1}, {f.admin, 2}} {
			m, err := db.MeasureFeedbackLoop(ctx, c.who, time.Now())
			must(t, err)
			last := m.Months[len(m.Months)-1]
			if m.FixedThemes < 1 || m.RecurredThemes < 1 || m.Recurrence != float64(m.RecurredThemes)/float64(m.FixedThemes) || last.Recurrences != c.recurrences {
				t.Errorf("recurrence measured: %d of %d fixed themes came back, %d recurrences this month; want %d", m.RecurredThemes, m.FixedThemes, last.Recurrences, c.recurrences)
			}
		}
		wantCode(t, db.AcknowledgeThemeAlert(ctx, f.sales, all[0].ID), rapport.ENOTFOUND) // the walled one, newest
		must(t, db.AcknowledgeThemeAlert(ctx, f.sales, alerts[0].ID))
		if left, _ := db.FindThemeAlerts(ctx, f.sales); len(left) != 0 {
			t.Errorf("after acknowledging: %d alerts left for sales, want 0", len(left))
		}
		events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Entities: []string{"theme_alert"}, Limit: 10})
		must(t, err)
		actions := map[string]int{}
		for _, e := range events {
			actions[e.Action]++
		}
		if actions["raise"] != 2 || actions["acknowledge"] != 1 {
			t.Errorf("audit of alerts: %v, want 2 raised and 1 acknowledged", actions)
		}
		// Reopened, new items raise nothing.
		for _, id := range []rapport.ID{deliveryTheme, split.ID} {
			_, err = db.ChangeTheme(ctx, f.sales, id, rapport.ThemeChange{Status: new(rapport.ThemeOpen)})
			must(t, err)
		}
		logAll(t, db, f.sales, ana.ID, "complaint", []string{"Courier damaged my parcel and was late"})
		_, err = assigner.AssignAll(ctx)
		must(t, err)
		if left, _ := db.FindThemeAlerts(ctx, f.sales); len(left) != 0 {
			t.Errorf("after reopening: %d alerts, want 0", len(left))
		}
	})

	t.Run("AutoSplit", func(t *testing.T) {
		// The merged theme holds two topics; the automatic split parts them.
		part, err := db.SplitTheme(ctx, f.sales, passwordTheme, rapport.ThemeSplit{Auto: true})
		must(t, err)
		rest, err := db.FindThemeReport(ctx, f.sales, passwordTheme)
		must(t, err)
		if part.Items+rest.Items != len(password)-1+len(dark) || part.Items == 0 || rest.Items == 0 {
			t.Fatalf("split %d + %d items, want %d in all", part.Items, rest.Items, len(password)-1+len(dark))
		}
		first := themeOf(t, db, dark[0].ID)
		for _, fb := range dark {
			if got := themeOf(t, db, fb.ID); got != first {
				t.Errorf("dark mode items split apart: %s and %s", got, first)
			}
		}
		if themeOf(t, db, password[1].ID) == first {
			t.Errorf("the automatic split left password and dark mode items together")
		}
	})

	t.Run("FollowsMerges", func(t *testing.T) {
		// A customer merge moves the feedback; its theme goes with it.
		dup := mustPerson(t, db, "Ana", "Theme", "ana.theme@example.com")
		items := logAll(t, db, f.sales, dup.ID, "complaint", []string{"Parcel delivery late, courier damaged the box"})
		_, err := assigner.AssignAll(ctx)
		must(t, err)
		before := themeOf(t, db, items[0].ID)
		_, err = db.MergeCustomers(ctx, f.admin, ana.ID, dup.ID, rapport.MergeManual, 1)
		must(t, err)
		fb, err := db.FindFeedbackByID(ctx, system, items[0].ID)
		must(t, err)
		if fb.CustomerID != ana.ID || fb.ThemeID != before || before.IsZero() {
			t.Errorf("after the merge: customer %s theme %s, want Ana's, theme %s kept", fb.CustomerID, fb.ThemeID, before)
		}
	})
}

// testThemeFixScores: a fixed theme's page compares the survey scores of its affected
// customers before the fix and since, leaving out customers the theme did not affect.
func testThemeFixScores(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	now := time.Now().UTC().Truncate(time.Second)
	clock := now.AddDate(0, 0, -40)
	db.Now = func() time.Time { return clock }
	jobs := rapport.JobScope("test")
	var affected []*rapport.Customer
	for _, name := range []string{"Ana", "Ben", "Cai", "Dee"} {
		affected = append(affected, mustPerson(t, db, name, "Late", strings.ToLower(name)+"@example.com"))
	}
	other := mustPerson(t, db, "Oz", "Content", "oz@example.com")
	grant(t, db, append(affected, other)...)
	people := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, people))
	nps := &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS, AskEveryDays: 30}
	must(t, db.CreateSurvey(ctx, f.admin, nps))
	used := map[string]bool{}
	answerAll := func(scores map[string]int) {
		t.Helper()
		_, err := db.RefreshSegment(ctx, f.admin, people.ID)
		must(t, err)
		_, err = db.SendSurvey(ctx, f.admin, nps.ID, people.ID, "https://crm.test")
		must(t, err)
		for addr, tokens := range surveyTokens(t, db) {
			for _, token := range tokens {
				if used[token] {
					continue
				}
				used[token] = true
				_, err := db.AnswerSurvey(ctx, rapport.PortalScope("203.0.113.9"), token, rapport.SurveyAnswer{Score: scores[addr]})
				must(t, err)
			}
		}
	}
	// Before the fix the affected customers are detractors, the other one a promoter.
	answerAll(map[string]int{"ana@example.com": 2, "ben@example.com": 3, "cai@example.com": 1, "dee@example.com": 2, "oz@example.com": 10})

	clock = now
	var late []*rapport.Feedback
	for _, c := range affected {
		late = append(late, logAll(t, db, f.sales, c.ID, "complaint", []string{"My parcel arrived two weeks late"})...)
	}
	_, err := (&grouping.Assigner{Store: db, Scope: jobs}).AssignAll(ctx)
	must(t, err)
	themeID := sameTheme(t, db, "late parcels", late)
	if rep, err := db.FindThemeReport(ctx, f.sales, themeID); err != nil || rep.AfterFix != nil {
		t.Fatalf("an open theme's report: %v, after fix %v; want no comparison", err, rep.AfterFix)
	}
	fixed := rapport.ThemeFixed
	_, err = db.ChangeTheme(ctx, f.sales, themeID, rapport.ThemeChange{Status: &fixed})
	must(t, err)

	// After the fix they are promoters and the other one a detractor.
	clock = now.AddDate(0, 0, 40)
	answerAll(map[string]int{"ana@example.com": 10, "ben@example.com": 9, "cai@example.com": 10, "dee@example.com": 10, "oz@example.com": 0})
	rep, err := db.FindThemeReport(ctx, f.sales, themeID)
	must(t, err)
	if len(rep.AfterFix) != 1 {
		t.Fatalf("after fix: %+v, want one survey", rep.AfterFix)
	}
	got := rep.AfterFix[0]
	if got.SurveyID != nps.ID || got.Before.N != 4 || got.Before.Value != -100 || got.After.N != 4 || got.After.Value != 100 || got.Change() != "better" {
		t.Errorf("before %+v, after %+v, change %s; want the four affected customers only, -100 then 100, better", got.Before, got.After, got.Change())
	}
}

func themeIDs(list []*rapport.Theme) []rapport.ID {
	ids := make([]rapport.ID, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	return ids
}
