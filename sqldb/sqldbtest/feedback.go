package sqldbtest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testFeedback: feedback is logged with or without a customer, scored for sentiment,
// written on the customer's timeline, kept behind walls, follows merges and is
// idempotent on its source key.
func testFeedback(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Feedback", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Feedback", "ana.fb@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	complaint := &rapport.Feedback{CustomerID: ana.ID, Kind: "complaint", Channel: "phone", Product: "Desk",
		Text: "The delivery was three weeks late and the desk arrived damaged. Very disappointed."}
	created, err := db.CreateFeedback(ctx, f.sales, complaint)
	must(t, err)
	if !created || complaint.ID.IsZero() {
		t.Fatalf("got created %v, id %s; want a new feedback", created, complaint.ID)
	}
	if complaint.Sentiment >= -0.05 || rapport.Tone(complaint.Sentiment) != "negative" {
		t.Errorf("got sentiment %.3f, want negative", complaint.Sentiment)
	}
	if complaint.Severity != "medium" || complaint.Status != rapport.FeedbackNew || complaint.HeardBy != f.sales.UserID ||
		complaint.CreatedBy != f.sales.UserID || complaint.HeardAt.IsZero() {
		t.Errorf("got severity %q, status %q, heard by %s, created by %s at %v; want the defaults: medium, new, the agent, now",
			complaint.Severity, complaint.Status, complaint.HeardBy, complaint.CreatedBy, complaint.HeardAt)
	}
	event := &rapport.Feedback{Kind: "compliment", Text: "A visitor at the fair said the new app is wonderful and easy to use",
		HeardAt: time.Now().Add(-48 * time.Hour)}
	_, err = db.CreateFeedback(ctx, f.loner, event) // an analyst may log feedback too
	must(t, err)
	if event.Severity != "low" || event.Sentiment <= 0.05 || !event.CustomerID.IsZero() {
		t.Errorf("got severity %q, sentiment %.3f, customer %s; want low, positive, none", event.Severity, event.Sentiment, event.CustomerID)
	}
	hidden := &rapport.Feedback{CustomerID: secret.ID, Kind: "need", Text: "Needs a second account for the merger"}
	_, err = db.CreateFeedback(ctx, f.deals, hidden)
	must(t, err)

	t.Run("Timeline", func(t *testing.T) {
		page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 50})
		must(t, err)
		if len(page) != 1 {
			t.Fatalf("got %d timeline entries, want the feedback's one", len(page))
		}
		in := page[0]
		var attrs map[string]any
		must(t, json.Unmarshal(in.Attributes, &attrs))
		if in.Type != "call" || in.Channel != "phone" || !strings.HasPrefix(in.Summary, "Complaint: The delivery was") ||
			in.ActorKind != rapport.ActorStaff || in.ActorID != f.sales.UserID.String() {
			t.Errorf("got %s by %s %s on %s: %q; want a call by the agent, summary Complaint: …", in.Type, in.ActorKind, in.ActorID, in.Channel, in.Summary)
		}
		if attrs["feedback_id"] != complaint.ID.String() || attrs["feedback_kind"] != "complaint" || attrs["sentiment"] != complaint.Sentiment {
			t.Errorf("got attributes %v, want the feedback's id, kind and sentiment %.3f", attrs, complaint.Sentiment)
		}
	})

	t.Run("SegmentRules", func(t *testing.T) {
		// The timeline entry's attributes are what segment rules see.
		n, err := db.CountSegment(ctx, f.admin, "count(attr.feedback_kind = complaint, since 30d ago) >= 1")
		must(t, err)
		if n != 1 {
			t.Errorf("customers with a complaint in 30 days: got %d, want 1", n)
		}
	})

	t.Run("Walls", func(t *testing.T) {
		_, err := db.FindFeedbackByID(ctx, f.sales, hidden.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		got, err := db.FindFeedbackByID(ctx, f.deals, hidden.ID)
		must(t, err)
		if got.Text != hidden.Text || got.CustomerName != "Sam Secret" {
			t.Errorf("got %q of %q, want the walled feedback for its team", got.Text, got.CustomerName)
		}
		list, _, err := db.FindFeedback(ctx, f.sales, rapport.FeedbackFilter{})
		must(t, err)
		var ids []rapport.ID
		for _, fb := range list {
			ids = append(ids, fb.ID)
		}
		if want := []rapport.ID{complaint.ID, event.ID}; !eq(ids, want) {
			t.Errorf("an outsider lists %v, want %v: the complaint, then the older feedback without a customer", ids, want)
		}
		if list, _, _ := db.FindFeedback(ctx, f.deals, rapport.FeedbackFilter{}); len(list) != 3 {
			t.Errorf("the wall's team lists %d, want 3", len(list))
		}
		_, _, err = db.FindFeedback(ctx, f.sales, rapport.FeedbackFilter{CustomerID: secret.ID})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = feedbackOf(db, f.sales, secret.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.CreateFeedback(ctx, f.sales, &rapport.Feedback{CustomerID: secret.ID, Kind: "need", Text: "x"})
		wantCode(t, err, rapport.ENOTFOUND)
		got, err = db.FindFeedbackByID(ctx, f.sales, event.ID)
		must(t, err)
		if got.HeardByName != "lou" {
			t.Errorf("got heard by %q, want lou", got.HeardByName)
		}
	})

	t.Run("Filters", func(t *testing.T) {
		list, _, err := db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{Kind: "compliment"})
		must(t, err)
		if len(list) != 1 || list[0].ID != event.ID {
			t.Errorf("kind compliment: got %d, want the compliment", len(list))
		}
		list, _, err = db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{CustomerID: ana.ID, Status: "new"})
		must(t, err)
		if len(list) != 1 || list[0].ID != complaint.ID {
			t.Errorf("ana's new feedback: got %d, want the complaint", len(list))
		}
		if list, _, _ := db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{Status: "resolved"}); len(list) != 0 {
			t.Errorf("resolved: got %d, want none", len(list))
		}
		_, _, err = db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{Kind: "rant"})
		wantField(t, err, "kind")
		// Paging: one at a time, in order, to the end.
		var ids []rapport.ID
		cursor := ""
		for range 5 {
			page, next, err := db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{Limit: 1, Cursor: cursor})
			must(t, err)
			for _, fb := range page {
				ids = append(ids, fb.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(ids) != 3 || ids[2] != event.ID {
			t.Errorf("paging one by one: got %v, want three with the oldest last", ids)
		}
		_, _, err = db.FindFeedback(ctx, f.admin, rapport.FeedbackFilter{Cursor: "nonsense"})
		wantField(t, err, "cursor")
	})

	t.Run("Validation", func(t *testing.T) {
		for _, tt := range []struct {
			fb    rapport.Feedback
			field string
		}{
			{rapport.Feedback{Text: "x"}, "kind"},
			{rapport.Feedback{Kind: "rant", Text: "x"}, "kind"},
			{rapport.Feedback{Kind: "question", Text: "  "}, "text"},
			{rapport.Feedback{Kind: "question", Text: "x\xff"}, "text"},
			{rapport.Feedback{Kind: "question", Text: strings.Repeat("a", rapport.MaxFeedbackText+1)}, "text"},
			{rapport.Feedback{Kind: "question", Text: "x", Channel: "pigeon"}, "channel"},
			{rapport.Feedback{Kind: "question", Text: "x", Severity: "urgent"}, "severity"},
			{rapport.Feedback{Kind: "question", Text: "x", Status: "resolved"}, "status"},
			{rapport.Feedback{Kind: "question", Text: "x", Status: "shelved"}, "status"},
			{rapport.Feedback{Kind: "question", Text: "x", HeardAt: time.Now().Add(48 * time.Hour)}, "heard_at"},
			{rapport.Feedback{Kind: "question", Text: "x", Source: "shop"}, "source_id"},
			{rapport.Feedback{Kind: "question", Text: "x", Product: strings.Repeat("p", 101)}, "product"},
			{rapport.Feedback{Kind: "question", Text: "x", HeardBy: rapport.NewID()}, "heard_by"},
		} {
			fb := tt.fb
			_, err := db.CreateFeedback(ctx, f.sales, &fb)
			wantField(t, err, tt.field)
		}
		_, err := db.CreateFeedback(ctx, f.sales, &rapport.Feedback{CustomerID: rapport.NewID(), Kind: "question", Text: "x"})
		wantCode(t, err, rapport.ENOTFOUND)
	})

	t.Run("SourceKey", func(t *testing.T) {
		in := rapport.Feedback{CustomerID: ana.ID, Kind: "suggestion", Text: "Please add a dark mode", Source: "survey", SourceKey: "r-17"}
		first := in
		created, err := db.CreateFeedback(ctx, system, &first)
		must(t, err)
		again := in
		again.Text = "Sent twice"
		created2, err := db.CreateFeedback(ctx, system, &again)
		must(t, err)
		if !created || created2 || again.ID != first.ID || again.Text != in.Text {
			t.Errorf("got created %v then %v, ids %s and %s, text %q; want the second to return the first", created, created2, first.ID, again.ID, again.Text)
		}
		list, _, err := db.FindFeedback(ctx, system, rapport.FeedbackFilter{CustomerID: ana.ID})
		must(t, err)
		if len(list) != 2 {
			t.Errorf("got %d feedback for ana, want 2 (the complaint and the suggestion once)", len(list))
		}
		if first.HeardBy != (rapport.ID{}) || first.Source != "survey" {
			t.Errorf("from a system: got heard by %s, source %q; want nobody, survey", first.HeardBy, first.Source)
		}
	})

	t.Run("MergeUnmerge", func(t *testing.T) {
		onDup := &rapport.Feedback{CustomerID: dup.ID, Kind: "question", Text: "When is the shop open on Sundays?"}
		_, err := db.CreateFeedback(ctx, f.sales, onDup)
		must(t, err)
		_, err = db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
		must(t, err)
		cf, err := feedbackOf(db, f.sales, ana.ID)
		must(t, err)
		if cf.Count != 3 || len(cf.Recent) != 3 {
			t.Errorf("after the merge: got %d (%d shown), want 3 on the profile merged into", cf.Count, len(cf.Recent))
		}
		got, err := db.FindFeedbackByID(ctx, f.sales, onDup.ID)
		must(t, err)
		if got.CustomerID != ana.ID {
			t.Errorf("after the merge the feedback belongs to %s, want %s", got.CustomerID, ana.ID)
		}
		_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
		must(t, err)
		cf, err = feedbackOf(db, f.sales, dup.ID)
		must(t, err)
		if cf.Count != 1 || cf.Recent[0].ID != onDup.ID {
			t.Errorf("after the unmerge: got %d on the unmerged customer, want its own 1", cf.Count)
		}
		if cf, _ := feedbackOf(db, f.sales, ana.ID); cf == nil || cf.Count != 2 {
			t.Errorf("after the unmerge: ana keeps %v, want 2", cf)
		}
	})

	t.Run("Audit", func(t *testing.T) {
		events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: secret.ID})
		must(t, err)
		found := false
		for _, e := range events {
			if e.Action == "create" && e.Entity == "feedback" && e.EntityID == hidden.ID {
				found = true
			}
		}
		if !found {
			t.Errorf("no audit event of creating the feedback among %d", len(events))
		}
	})
}
