package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

type fakeEscalations struct {
	queued []string
	at     time.Time
	out    []rapport.Escalation
	err    error // after out was escalated
}

func (f *fakeEscalations) EnqueueJob(_ context.Context, _ rapport.Scope, kind, _ string, delay time.Duration) error {
	f.queued = append(f.queued, kind+" in "+delay.String())
	return nil
}

func (f *fakeEscalations) EscalateOverdue(_ context.Context, _ rapport.Scope, now time.Time) ([]rapport.Escalation, error) {
	f.at = now
	return f.out, f.err
}

func TestEscalatorRequeuesAndNotifies(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	mia, max := rapport.UserRef{ID: rapport.NewID(), Name: "Mia"}, rapport.UserRef{ID: rapport.NewID(), Name: "Max"}
	store := &fakeEscalations{out: []rapport.Escalation{
		{Action: &rapport.ActionItem{Title: "a"}, To: mia},
		{Action: &rapport.ActionItem{Title: "b"}, To: max},
		{Action: &rapport.ActionItem{Title: "c"}, To: mia},
	}}
	var told []string
	e := &jobs.Escalator{Store: store, Scope: rapport.JobScope("test"), Now: func() time.Time { return at },
		Notify: func(_ context.Context, to rapport.UserRef, items []*rapport.ActionItem) error {
			var titles []string
			for _, a := range items {
				titles = append(titles, a.Title)
			}
			told = append(told, to.Name+" "+strings.Join(titles, "+"))
			if to.Name == "Max" {
				return errors.New("mailbox full")
			}
			return nil
		}}
	result, err := e.Run(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(store.queued) != 1 || store.queued[0] != "escalate in 5m0s" {
		t.Errorf("queued %q, want the next run in 5 minutes", store.queued)
	}
	if !store.at.Equal(at) {
		t.Errorf("escalated at %v, want %v", store.at, at)
	}
	// Each person is told once, of all their items.
	if strings.Join(told, ", ") != "Mia a+c, Max b" {
		t.Errorf("told %q, want Mia of a and c, then Max of b", told)
	}
	if !strings.Contains(result, "escalated: 3") || !strings.Contains(result, "notifications failed: 1") || !strings.Contains(result, "telling Max: mailbox full") {
		t.Errorf("result %q, want 3 escalated and telling Max failed", result)
	}
	// Without a notifier nobody is told, and the escalations still count.
	e.Notify = nil
	if result, _ := e.Run(context.Background(), nil); result != "action items escalated: 3" {
		t.Errorf("result %q without a notifier", result)
	}
	// When the store fails part of the way, those escalated before are told, and the
	// run fails saying how many were escalated.
	store.out, store.err = store.out[:1], errors.New("database gone")
	told = nil
	e.Notify = func(_ context.Context, to rapport.UserRef, _ []*rapport.ActionItem) error {
		told = append(told, to.Name)
		return nil
	}
	_, err = e.Run(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), "after escalating 1 action item: database gone") || strings.Join(told, ",") != "Mia" {
		t.Errorf("run failing after one escalation: error %v, told %q; want the error and Mia told", err, told)
	}
}

// TestMailEscalation: the escalated person gets one e-mail in the outbox naming each
// item, its team and due time, with links to the feedback and their action list.
func TestMailEscalation(t *testing.T) {
	db := sqldbtest.SQLite(t)
	scope := rapport.JobScope("test")
	notify := jobs.MailEscalation(db, scope, "https://rapport.example")
	item := func(title string) *rapport.ActionItem {
		return &rapport.ActionItem{ID: rapport.NewID(), FeedbackID: rapport.NewID(), CustomerName: "Zoë Martin", FeedbackKind: "complaint",
			TeamName: "Delivery", Title: title, DueAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	}
	mia := rapport.UserRef{Name: "Mia Manager", Email: "mia@firm.test"}
	desk := item("Replace the broken desk")
	if err := notify(ctx, mia, []*rapport.ActionItem{desk}); err != nil {
		t.Fatal(err)
	}
	if err := notify(ctx, rapport.UserRef{Name: "No Mail"}, []*rapport.ActionItem{desk}); err == nil {
		t.Error("an escalation to someone without an address was queued")
	}
	many := []*rapport.ActionItem{item("Call back about the chair")}
	for i := range 24 {
		many = append(many, item(fmt.Sprintf("Item %d", i+2)))
	}
	if err := notify(ctx, mia, many); err != nil {
		t.Fatal(err)
	}
	out, err := db.FindOutbox(ctx, scope, rapport.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 {
		t.Fatalf("%d messages queued, want 2: one for the item, one for the 25", len(out))
	}
	one, digest := out[0], out[1]
	if one.Subject != "Overdue: Replace the broken desk" {
		one, digest = digest, one
	}
	for _, want := range []string{"Replace the broken desk", "team Delivery", "Zoë Martin", "20 Nov 2026 09:00 UTC",
		"https://rapport.example/feedback/" + desk.FeedbackID.String(), "https://rapport.example/actions"} {
		if !strings.Contains(one.Text, want) {
			t.Errorf("the e-mail does not say %q:\n%s", want, one.Text)
		}
	}
	if one.ToAddress != "mia@firm.test" || one.Purpose != "escalation" || one.Ref != desk.ID.String() || one.Subject != "Overdue: Replace the broken desk" {
		t.Errorf("queued %+v", one)
	}
	// Twenty-five items make one message that lists twenty and counts the rest.
	if digest.Subject != "Overdue: 25 action items" || !strings.Contains(digest.Text, "25 action items are overdue") ||
		!strings.Contains(digest.Text, "Call back about the chair") || !strings.Contains(digest.Text, "Item 20\n") ||
		strings.Contains(digest.Text, "Item 21\n") || !strings.Contains(digest.Text, "… and 5 more.") ||
		!strings.Contains(digest.Text, "https://rapport.example/feedback/"+many[19].FeedbackID.String()) {
		t.Errorf("the list of 25 is %q:\n%s", digest.Subject, digest.Text)
	}
}
