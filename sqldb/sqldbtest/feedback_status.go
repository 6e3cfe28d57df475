package sqldbtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// reach moves new feedback to status along the shortest way, as the sales agent.
func reach(t *testing.T, f *fixture, id rapport.ID, status rapport.FeedbackStatus) {
	t.Helper()
	if status == rapport.FeedbackNew {
		return
	}
	c := rapport.FeedbackChange{Status: status}
	if status == rapport.FeedbackResolved || status == rapport.FeedbackInformed {
		c.Resolution = "Sent a new desk"
	}
	if status == rapport.FeedbackInformed {
		c.InformedVia = "phone"
	}
	_, err := f.db.ChangeFeedbackStatus(ctx, f.sales, id, c)
	must(t, err)
}

// feedbackEvents lists the feedback_event attributes of a customer's timeline entries
// about one piece of feedback, oldest first.
func feedbackEvents(t *testing.T, f *fixture, customerID, feedbackID rapport.ID) []string {
	t.Helper()
	page, _, err := f.db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: customerID, Limit: 100})
	must(t, err)
	var out []string
	for i := len(page) - 1; i >= 0; i-- {
		var attrs map[string]any
		must(t, json.Unmarshal(page[i].Attributes, &attrs))
		if attrs["feedback_id"] == feedbackID.String() && attrs["feedback_event"] != nil {
			out = append(out, fmt.Sprint(attrs["feedback_event"]))
		}
	}
	return out
}

// testFeedbackStatus: feedback moves forward through its statuses (skipping allowed)
// and back to in progress from resolved or informed, and nowhere else; each change is
// on the timeline, in the history and in the audit trail; walls and roles hold.
func testFeedbackStatus(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Status", "ana@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	newFeedback := func(customer rapport.ID) *rapport.Feedback {
		fb := &rapport.Feedback{CustomerID: customer, Kind: "complaint", Text: "The desk arrived scratched"}
		_, err := db.CreateFeedback(ctx, f.sales, fb)
		must(t, err)
		return fb
	}

	t.Run("ChangesAtOnce", func(t *testing.T) {
		// Two people move the same feedback at once: one change is made, the other is
		// told the feedback moved, and nothing the first wrote is lost.
		for range 10 {
			fb := newFeedback(ana.ID)
			changes := []rapport.FeedbackChange{{Status: "resolved", Resolution: "Replaced the desk"}, {Status: "triaged"}}
			errs := atOnce(2, func(i int) error {
				_, err := db.ChangeFeedbackStatus(ctx, f.sales, fb.ID, changes[i])
				return err
			})
			got, err := db.FindFeedbackByID(ctx, f.sales, fb.ID)
			must(t, err)
			switch {
			case errs[0] == nil && errs[1] == nil:
				// One after the other: triaged then resolved is allowed; resolved then triaged is not.
				if got.Status != "resolved" || got.Resolution != "Replaced the desk" {
					t.Fatalf("both changes made, ending %s %q", got.Status, got.Resolution)
				}
			case errs[0] == nil:
				if got.Status != "resolved" || got.Resolution != "Replaced the desk" {
					t.Fatalf("the resolution was made but the feedback is %s %q", got.Status, got.Resolution)
				}
			case errs[1] == nil:
				if got.Status != "triaged" || got.Resolution != "" {
					t.Fatalf("the triage was made but the feedback is %s %q", got.Status, got.Resolution)
				}
			default:
				t.Fatalf("neither change was made: %v, %v", errs[0], errs[1])
			}
		}
	})

	t.Run("Transitions", func(t *testing.T) {
		allowed := map[rapport.FeedbackStatus][]rapport.FeedbackStatus{
			"new":         {"triaged", "in_progress", "resolved", "informed"},
			"triaged":     {"in_progress", "resolved", "informed"},
			"in_progress": {"resolved", "informed"},
			"resolved":    {"in_progress", "informed"},
			"informed":    {"in_progress"},
		}
		for _, from := range rapport.FeedbackStatuses {
			for _, to := range rapport.FeedbackStatuses {
				ok := false
				for _, a := range allowed[from] {
					ok = ok || a == to
				}
				fb := newFeedback(rapport.ID{})
				reach(t, f, fb.ID, from)
				c := rapport.FeedbackChange{Status: to, Resolution: "Replaced the desk", InformedVia: "email"}
				if to != rapport.FeedbackInformed {
					c.InformedVia = ""
				}
				got, err := db.ChangeFeedbackStatus(ctx, f.sales, fb.ID, c)
				if !ok {
					wantField(t, err, "status")
					if err != nil && !strings.Contains(err.Error(), strings.Join(stringsOf(allowed[from]), ", ")) {
						t.Errorf("%s → %s: got %q, want the allowed next statuses named", from, to, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s → %s: %v", from, to, err)
					continue
				}
				stored, err := db.FindFeedbackByID(ctx, f.sales, fb.ID)
				must(t, err)
				if stored.Status != to || got.Status != to {
					t.Errorf("%s → %s: stored status %s", from, to, stored.Status)
				}
				switch to {
				case "triaged":
					if stored.TriagedAt == nil {
						t.Errorf("%s → triaged: no triaged_at", from)
					}
				case "in_progress":
					if stored.StartedAt == nil || stored.ResolvedAt != nil || stored.InformedAt != nil || stored.Resolution != "" {
						t.Errorf("%s → in_progress: started %v, resolved %v, informed %v, resolution %q; want started only",
							from, stored.StartedAt, stored.ResolvedAt, stored.InformedAt, stored.Resolution)
					}
				case "resolved":
					if stored.ResolvedAt == nil || stored.ResolvedBy != f.sales.UserID || stored.Resolution != "Replaced the desk" {
						t.Errorf("%s → resolved: at %v by %s, %q", from, stored.ResolvedAt, stored.ResolvedBy, stored.Resolution)
					}
				case "informed":
					if stored.InformedAt == nil || stored.InformedBy != f.sales.UserID || stored.InformedVia != "email" || stored.ResolvedAt == nil {
						t.Errorf("%s → informed: at %v by %s via %q, resolved %v", from, stored.InformedAt, stored.InformedBy, stored.InformedVia, stored.ResolvedAt)
					}
				}
			}
		}
	})

	t.Run("Validation", func(t *testing.T) {
		fb := newFeedback(ana.ID)
		for _, tt := range []struct {
			c     rapport.FeedbackChange
			field string
		}{
			{rapport.FeedbackChange{}, "status"},
			{rapport.FeedbackChange{Status: "shelved"}, "status"},
			{rapport.FeedbackChange{Status: "new"}, "status"},
			{rapport.FeedbackChange{Status: "resolved"}, "resolution"},
			{rapport.FeedbackChange{Status: "resolved", Resolution: "   "}, "resolution"},
			{rapport.FeedbackChange{Status: "resolved", Resolution: "ok\xff"}, "resolution"},
			{rapport.FeedbackChange{Status: "resolved", Resolution: strings.Repeat("r", rapport.MaxFeedbackResolution+1)}, "resolution"},
			{rapport.FeedbackChange{Status: "informed", Resolution: "Replaced"}, "informed_via"},
			{rapport.FeedbackChange{Status: "informed", Resolution: "Replaced", InformedVia: "pigeon"}, "informed_via"},
			{rapport.FeedbackChange{Status: "informed", InformedVia: "phone"}, "resolution"},
			{rapport.FeedbackChange{Status: "triaged", InformedVia: "phone"}, "informed_via"},
		} {
			_, err := db.ChangeFeedbackStatus(ctx, f.sales, fb.ID, tt.c)
			wantField(t, err, tt.field)
		}
		_, err := db.ChangeFeedbackStatus(ctx, f.sales, rapport.NewID(), rapport.FeedbackChange{Status: "triaged"})
		wantCode(t, err, rapport.ENOTFOUND)
		if got := feedbackEvents(t, f, ana.ID, fb.ID); len(got) != 0 {
			t.Errorf("refused changes wrote timeline entries %v", got)
		}
	})

	t.Run("TimelineHistoryAudit", func(t *testing.T) {
		fb := newFeedback(ana.ID)
		reach(t, f, fb.ID, "triaged")
		reach(t, f, fb.ID, "resolved")
		_, err := db.ChangeFeedbackStatus(ctx, f.sales, fb.ID, rapport.FeedbackChange{Status: "in_progress"})
		must(t, err)
		_, err = db.ChangeFeedbackStatus(ctx, f.sales, fb.ID, rapport.FeedbackChange{Status: "informed", Resolution: "Refunded", InformedVia: "email"})
		must(t, err)
		want := []string{"triaged", "resolved", "reopened", "informed"}
		if got := feedbackEvents(t, f, ana.ID, fb.ID); !eq(got, want) {
			t.Errorf("timeline events: got %v, want %v", got, want)
		}
		page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 1})
		must(t, err)
		var attrs map[string]any
		must(t, json.Unmarshal(page[0].Attributes, &attrs))
		if in := page[0]; in.Channel != "email" || in.ActorID != f.sales.UserID.String() || attrs["feedback_kind"] != "complaint" ||
			attrs["informed_via"] != "email" || !strings.HasPrefix(in.Summary, "Complaint customer informed") {
			t.Errorf("the informed entry: %s by %s, %q, %v", in.Channel, in.ActorID, in.Summary, attrs)
		}
		// Rules see the events: resolved → ask for a rating.
		n, err := db.CountSegment(ctx, f.admin, "count(attr.feedback_event = resolved, since 1d ago) >= 1")
		must(t, err)
		if n != 1 {
			t.Errorf("customers with resolved feedback today: got %d, want 1", n)
		}
		got, steps, err := db.FindFeedbackHistory(ctx, f.sales, fb.ID)
		must(t, err)
		var evs []string
		for _, st := range steps {
			evs = append(evs, string(st.Event)+"/"+string(st.Status)+"/"+st.ActorName)
		}
		wantSteps := []string{"created/new/sam", "triaged/triaged/sam", "resolved/resolved/sam", "reopened/in_progress/sam", "informed/informed/sam"}
		if !eq(evs, wantSteps) {
			t.Errorf("history: got %v, want %v", evs, wantSteps)
		}
		if got.Resolution != "Refunded" || steps[2].Note != "Sent a new desk" || steps[4].Note != "via email" {
			t.Errorf("resolution %q, notes %q and %q", got.Resolution, steps[2].Note, steps[4].Note)
		}
		events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID, Entities: []string{"feedback"}, Action: "update"})
		must(t, err)
		changes := 0
		for _, e := range events {
			if e.EntityID == fb.ID && e.UserID == f.sales.UserID {
				changes++
			}
		}
		if changes != 4 {
			t.Errorf("audited changes: got %d, want 4", changes)
		}
		reads, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID, Entities: []string{"feedback"}, Action: "read"})
		must(t, err)
		if len(reads) == 0 || reads[0].EntityID != fb.ID {
			t.Errorf("reading the history is not audited (%d reads)", len(reads))
		}
	})

	t.Run("WallsAndRoles", func(t *testing.T) {
		hidden := &rapport.Feedback{CustomerID: secret.ID, Kind: "need", Text: "Needs a second account"}
		_, err := db.CreateFeedback(ctx, f.deals, hidden)
		must(t, err)
		_, err = db.ChangeFeedbackStatus(ctx, f.sales, hidden.ID, rapport.FeedbackChange{Status: "triaged"})
		wantCode(t, err, rapport.ENOTFOUND)
		_, _, err = db.FindFeedbackHistory(ctx, f.sales, hidden.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.ChangeFeedbackStatus(ctx, f.loner, hidden.ID, rapport.FeedbackChange{Status: "triaged"})
		wantCode(t, err, rapport.EFORBIDDEN)
		mine := newFeedback(ana.ID)
		_, err = db.ChangeFeedbackStatus(ctx, f.loner, mine.ID, rapport.FeedbackChange{Status: "triaged"})
		wantCode(t, err, rapport.EFORBIDDEN)
		if _, _, err := db.FindFeedbackHistory(ctx, f.loner, mine.ID); err != nil {
			t.Errorf("an analyst reads the history: %v", err)
		}
		if got, _ := db.FindFeedbackByID(ctx, f.deals, hidden.ID); got == nil || got.Status != "new" {
			t.Errorf("refused changes changed the walled feedback: %v", got)
		}
		_, err = db.ChangeFeedbackStatus(ctx, f.deals, hidden.ID, rapport.FeedbackChange{Status: "triaged"})
		must(t, err)
		if got := feedbackEvents(t, f, secret.ID, hidden.ID); !eq(got, []string{"triaged"}) {
			t.Errorf("the wall's team triaged: timeline %v", got)
		}
	})

	t.Run("MergeUnmerge", func(t *testing.T) {
		dup := mustPerson(t, db, "Ana", "Status", "ana.status@example.com")
		fb := newFeedback(dup.ID)
		reach(t, f, fb.ID, "triaged")
		_, err := db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
		must(t, err)
		reach(t, f, fb.ID, "resolved")
		if got := feedbackEvents(t, f, ana.ID, fb.ID); !eq(got, []string{"triaged", "resolved"}) {
			t.Errorf("after the merge: %v on the survivor", got)
		}
		_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
		must(t, err)
		if got := feedbackEvents(t, f, dup.ID, fb.ID); !eq(got, []string{"triaged", "resolved"}) {
			t.Errorf("after the unmerge: %v go back with the feedback", got)
		}
		if got := feedbackEvents(t, f, ana.ID, fb.ID); len(got) != 0 {
			t.Errorf("after the unmerge: %v stay behind", got)
		}
	})
}

func stringsOf(ss []rapport.FeedbackStatus) []string {
	var out []string
	for _, s := range ss {
		out = append(out, string(s))
	}
	return out
}
