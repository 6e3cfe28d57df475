package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rapportckm/rapport"
)

// EscalationStore is what the escalation job needs of the database.
type EscalationStore interface {
	EnqueueJob(ctx context.Context, s rapport.Scope, kind, arg string, delay time.Duration) error
	EscalateOverdue(ctx context.Context, s rapport.Scope, now time.Time) ([]rapport.Escalation, error)
}

// Escalator runs the escalate job: every rapport.EscalateInterval it escalates the
// open action items past their due time to their team's manager.
type Escalator struct {
	Store EscalationStore
	Scope rapport.Scope
	Now   func() time.Time // time.Now when nil
	// Notify, when set, is called for each escalation after it is recorded, to tell
	// the person (by e-mail, say); its failure is reported in the job's result but
	// does not undo the escalation, which the person sees on their action list.
	Notify func(ctx context.Context, e rapport.Escalation) error
}

// Run escalates what is overdue and queues the next run, whatever happens.
func (e *Escalator) Run(ctx context.Context, _ *rapport.Job) (string, error) {
	if err := e.Store.EnqueueJob(ctx, e.Scope, rapport.JobEscalate, "", rapport.EscalateInterval); err != nil {
		return "", err
	}
	now := time.Now
	if e.Now != nil {
		now = e.Now
	}
	escalated, err := e.Store.EscalateOverdue(ctx, e.Scope, now())
	if err != nil {
		return "", err
	}
	var failed []error
	if e.Notify != nil {
		for _, x := range escalated {
			if err := e.Notify(ctx, x); err != nil {
				failed = append(failed, fmt.Errorf("action item %s: %w", x.Action.ID, err))
			}
		}
	}
	result := fmt.Sprintf("action items escalated: %d", len(escalated))
	if len(failed) > 0 {
		result += fmt.Sprintf("; notifications failed: %d (%v)", len(failed), errors.Join(failed...))
	}
	return result, nil
}

// MailEscalation returns a Notify that queues an e-mail in the outbox to the person an
// item was escalated to, with links to the feedback and their action list under base
// (the address users open).
func MailEscalation(outbox rapport.MailService, scope rapport.Scope, base string) func(context.Context, rapport.Escalation) error {
	return func(ctx context.Context, x rapport.Escalation) error {
		a := x.Action
		if x.To.Email == "" {
			return fmt.Errorf("%s has no e-mail address", x.To.Name)
		}
		about := "feedback without a customer"
		if a.CustomerName != "" {
			about = "feedback from " + a.CustomerName
		}
		owner := "nobody yet"
		if a.OwnerName != "" {
			owner = a.OwnerName
		}
		text := fmt.Sprintf("Hello %s,\n\nan action item of team %s is overdue and was escalated to you as the team's manager.\n\n"+
			"  %s\n  about %s (%s)\n  due %s, owner: %s\n\nThe feedback: %s/feedback/%s\nYour action items: %s/actions\n\n— Rapport\n",
			x.To.Name, a.TeamName, a.Title, about, a.FeedbackKind, a.DueAt.UTC().Format("2 Jan 2006 15:04 MST"), owner,
			base, a.FeedbackID, base)
		return outbox.QueueMail(ctx, scope, &rapport.Mail{Purpose: "escalation", Ref: a.ID.String(), ToAddress: x.To.Email,
			ToName: x.To.Name, Subject: "Overdue: " + a.Title, Text: text})
	}
}
