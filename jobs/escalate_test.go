package jobs_test

import (
	"context"
	"errors"
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
}

func (f *fakeEscalations) EnqueueJob(_ context.Context, _ rapport.Scope, kind, _ string, delay time.Duration) error {
	f.queued = append(f.queued, kind+" in "+delay.String())
	return nil
}

func (f *fakeEscalations) EscalateOverdue(_ context.Context, _ rapport.Scope, now time.Time) ([]rapport.Escalation, error) {
	f.at = now
	return f.out, nil
}

func TestEscalatorRequeuesAndNotifies(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	store := &fakeEscalations{out: []rapport.Escalation{
		{Action: &rapport.ActionItem{ID: rapport.NewID()}, To: rapport.UserRef{Name: "Mia"}},
		{Action: &rapport.ActionItem{ID: rapport.NewID()}, To: rapport.UserRef{Name: "Max"}},
	}}
	var told []string
	e := &jobs.Escalator{Store: store, Scope: rapport.JobScope("test"), Now: func() time.Time { return at },
		Notify: func(_ context.Context, x rapport.Escalation) error {
			told = append(told, x.To.Name)
			if x.To.Name == "Max" {
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
	if strings.Join(told, ",") != "Mia,Max" {
		t.Errorf("told %q, want Mia and Max", told)
	}
	if !strings.Contains(result, "escalated: 2") || !strings.Contains(result, "notifications failed: 1") {
		t.Errorf("result %q, want 2 escalated and 1 notification failed", result)
	}
	// Without a notifier nobody is told, and the escalations still count.
	e.Notify = nil
	if result, _ := e.Run(context.Background(), nil); result != "action items escalated: 2" {
		t.Errorf("result %q without a notifier", result)
	}
}

// TestMailEscalation: the escalated person gets an e-mail in the outbox naming the
// item, its team and due time, with links to the feedback and their action list.
func TestMailEscalation(t *testing.T) {
	db := sqldbtest.SQLite(t)
	scope := rapport.JobScope("test")
	notify := jobs.MailEscalation(db, scope, "https://rapport.example")
	a := &rapport.ActionItem{ID: rapport.NewID(), FeedbackID: rapport.NewID(), CustomerName: "Zoë Martin", FeedbackKind: "complaint",
		TeamName: "Delivery", Title: "Replace the broken desk", DueAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	if err := notify(ctx, rapport.Escalation{Action: a, To: rapport.UserRef{Name: "Mia Manager", Email: "mia@firm.test"}}); err != nil {
		t.Fatal(err)
	}
	if err := notify(ctx, rapport.Escalation{Action: a, To: rapport.UserRef{Name: "No Mail"}}); err == nil {
		t.Error("an escalation to someone without an address was queued")
	}
	out, err := db.FindOutbox(ctx, scope, rapport.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d messages queued, want 1", len(out))
	}
	m := out[0]
	for _, want := range []string{"Replace the broken desk", "team Delivery", "Zoë Martin", "20 Nov 2026 09:00 UTC",
		"https://rapport.example/feedback/" + a.FeedbackID.String(), "https://rapport.example/actions"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the e-mail does not say %q:\n%s", want, m.Text)
		}
	}
	if m.ToAddress != "mia@firm.test" || m.Purpose != "escalation" || m.Ref != a.ID.String() || m.Subject != "Overdue: Replace the broken desk" {
		t.Errorf("queued %+v", m)
	}
}
