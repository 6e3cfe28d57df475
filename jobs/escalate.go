package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
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
	// Notify, when set, is called once for each person items were escalated to, after
	// they are recorded, with that person's items in the order they fell due, to tell
	// them (by e-mail, say): a manager with forty overdue items gets one message, not
	// forty. Its failure is reported in the job's result but does not undo the
	// escalations, which the person sees on their action list.
	Notify func(ctx context.Context, to rapport.UserRef, items []*rapport.ActionItem) error
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
	// Those escalated before an error are told all the same.
	escalated, err := e.Store.EscalateOverdue(ctx, e.Scope, now())
	var failed []error
	if e.Notify != nil {
		var people []rapport.UserRef
		items := map[rapport.ID][]*rapport.ActionItem{}
		for _, x := range escalated {
			if _, ok := items[x.To.ID]; !ok {
				people = append(people, x.To)
			}
			items[x.To.ID] = append(items[x.To.ID], x.Action)
		}
		for _, to := range people {
			if err := e.Notify(ctx, to, items[to.ID]); err != nil {
				failed = append(failed, fmt.Errorf("telling %s: %w", to.Name, err))
			}
		}
	}
	if err != nil {
		return "", fmt.Errorf("after escalating %s: %w", thousands.Count(len(escalated), "action item"), errors.Join(append([]error{err}, failed...)...))
	}
	result := fmt.Sprintf("action items escalated: %d", len(escalated))
	if len(failed) > 0 {
		result += fmt.Sprintf("; notifications failed: %d (%v)", len(failed), errors.Join(failed...))
	}
	return result, nil
}

// MailEscalation returns a Notify that queues one e-mail in the outbox to the person
// items were escalated to: the item itself when there is one, else a list of the first
// mailedItems; with links to the feedback and to their action list under base (the
// address users open).
func MailEscalation(outbox rapport.MailService, scope rapport.Scope, base string) func(context.Context, rapport.UserRef, []*rapport.ActionItem) error {
	return func(ctx context.Context, to rapport.UserRef, items []*rapport.ActionItem) error {
		if to.Email == "" {
			return fmt.Errorf("%s has no e-mail address", to.Name)
		}
		var b strings.Builder
		m := &rapport.Mail{Purpose: "escalation", ToAddress: to.Email, ToName: to.Name}
		if len(items) == 1 {
			a := items[0]
			m.Ref, m.Subject = a.ID.String(), "Overdue: "+a.Title
			fmt.Fprintf(&b, "Hello %s,\n\nan action item of team %s is overdue and was escalated to you as the team's manager.\n\n", to.Name, a.TeamName)
		} else {
			m.Subject = fmt.Sprintf("Overdue: %d action items", len(items))
			fmt.Fprintf(&b, "Hello %s,\n\n%d action items are overdue and were escalated to you as their team's manager.\n\n", to.Name, len(items))
		}
		for i, a := range items {
			if i == mailedItems {
				fmt.Fprintf(&b, "… and %d more.\n\n", len(items)-mailedItems)
				break
			}
			about := "feedback without a customer"
			if a.CustomerName != "" {
				about = "feedback from " + a.CustomerName
			}
			owner := "nobody yet"
			if a.OwnerName != "" {
				owner = a.OwnerName
			}
			fmt.Fprintf(&b, "  %s\n  team %s, about %s (%s)\n  due %s, owner: %s\n  %s/feedback/%s\n\n",
				a.Title, a.TeamName, about, a.FeedbackKind, a.DueAt.UTC().Format("2 Jan 2006 15:04 MST"), owner, base, a.FeedbackID)
		}
		fmt.Fprintf(&b, "Your action items: %s/actions\n\n— Rapport\n", base)
		m.Text = b.String()
		return outbox.QueueMail(ctx, scope, m)
	}
}

// mailedItems is how many items one escalation e-mail lists; the action list has them all.
const mailedItems = 20
