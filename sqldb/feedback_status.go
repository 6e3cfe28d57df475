package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

func utcPtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// ChangeFeedbackStatus moves visible feedback to another status, records the step in
// its history, audits it and, with a customer, writes its timeline entry, all in one
// transaction.
func (db *DB) ChangeFeedbackStatus(ctx context.Context, s rapport.Scope, id rapport.ID, c rapport.FeedbackChange) (*rapport.Feedback, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change the status of feedback"); err != nil {
		return nil, err
	}
	c.Normalize()
	var f *rapport.Feedback
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		// The wall is checked by findFeedback: hidden feedback is not found.
		if f, err = tx.findFeedback(id); err != nil {
			return err
		}
		return tx.changeFeedbackStatus(f, c, "")
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// changeFeedbackStatus moves f by c, with its history step (noted as note when it is
// not empty), its timeline entry and its audit. The caller has checked that the scope
// may see f.
func (tx *Tx) changeFeedbackStatus(f *rapport.Feedback, c rapport.FeedbackChange, note string) error {
	return tx.changeFeedbackStatusAs(f, c, note, "")
}

// changeFeedbackStatusAs is changeFeedbackStatus recorded as the event ev in the
// history, on the timeline and in the audit; "" is the usual event of the change.
func (tx *Tx) changeFeedbackStatusAs(f *rapport.Feedback, c rapport.FeedbackChange, note string, ev rapport.FeedbackEvent) error {
	if err := c.Validate(f); err != nil {
		return err
	}
	from := f.Status
	if ev == "" {
		ev = from.EventTo(c.Status)
	}
	now := tx.now
	var actor rapport.ID
	if tx.scope.Kind == rapport.ActorStaff {
		actor = tx.scope.UserID
	}
	given := note
	switch c.Status {
	case rapport.FeedbackTriaged:
		f.TriagedAt = &now
	case rapport.FeedbackInProgress:
		f.StartedAt = &now
		if ev == rapport.FeedbackReopened {
			f.ResolvedAt, f.ResolvedBy, f.Resolution = nil, rapport.ID{}, ""
			f.InformedAt, f.InformedBy, f.InformedVia = nil, rapport.ID{}, ""
		}
	case rapport.FeedbackResolved, rapport.FeedbackInformed:
		if f.ResolvedAt == nil {
			f.ResolvedAt, f.ResolvedBy = &now, actor
		}
		if c.Resolution != "" {
			f.Resolution = c.Resolution
			note = c.Resolution
		}
		if c.Status == rapport.FeedbackInformed {
			f.InformedAt, f.InformedBy, f.InformedVia = &now, actor, c.InformedVia
			note = "via " + string(c.InformedVia)
		}
	}
	if given != "" {
		note = given
	}
	f.Status, f.UpdatedAt = c.Status, now
	// On condition that it is still where it was read: of two changes made at once, the
	// second waits for the first and then finds the feedback moved.
	res, err := tx.exec(`UPDATE feedback SET status = $1, updated_at = $2, triaged_at = $3, started_at = $4, resolved_at = $5,
		resolved_by = $6, resolution = $7, informed_at = $8, informed_by = $9, informed_via = $10 WHERE id = $11 AND status = $12`,
		string(f.Status), now, f.TriagedAt, f.StartedAt, f.ResolvedAt, f.ResolvedBy, f.Resolution, f.InformedAt,
		f.InformedBy, string(f.InformedVia), f.ID, string(from))
	if err != nil {
		return err
	} else if n, _ := res.RowsAffected(); n == 0 {
		return rapport.Errorf(rapport.ECONFLICT, "the feedback was moved on by someone else meanwhile: reload it and decide again")
	}
	if err := tx.feedbackEvent(f, ev, note); err != nil {
		return err
	}
	if !f.CustomerID.IsZero() {
		if err := tx.feedbackStatusEntry(f, ev); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("%s: %s → %s", f.Kind, from, f.Status)
	if ev == rapport.FeedbackWithdrawn {
		detail += " (withdrawn)"
	}
	return tx.audit("update", "feedback", f.ID, f.CustomerID, false, detail)
}

// feedbackEvent records a step of the history of f, by the scope's actor.
func (tx *Tx) feedbackEvent(f *rapport.Feedback, ev rapport.FeedbackEvent, note string) error {
	var actor rapport.ID
	if tx.scope.Kind == rapport.ActorStaff {
		actor = tx.scope.UserID
	}
	_, err := tx.exec(`INSERT INTO feedback_events (id, feedback_id, event, status, note, actor_id, actor_kind, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, rapport.NewID(), f.ID, string(ev), string(f.Status), note, actor,
		string(tx.scope.Kind), tx.now)
	return err
}

// feedbackStatusEntry writes the timeline entry of a change of status of feedback: an
// interaction by the scope's actor whose attributes name the feedback, the event and
// the kind, so that rules can react (resolved: ask the customer for a rating).
func (tx *Tx) feedbackStatusEntry(f *rapport.Feedback, ev rapport.FeedbackEvent) error {
	recorded, err := tx.feedbackRecordedFor(f.ID)
	if err != nil {
		return err
	}
	kind := string(f.Kind)
	what := map[rapport.FeedbackEvent]string{"triaged": "triaged", "in_progress": "in progress", "resolved": "resolved",
		"informed": "customer informed", "reopened": "reopened", "withdrawn": "withdrawn"}[ev]
	summary := strings.ToUpper(kind[:1]) + kind[1:] + " " + what + ": " + markdown.Shorten(f.Text, 100)
	if ev == rapport.FeedbackEvent(rapport.FeedbackResolved) {
		summary = strings.ToUpper(kind[:1]) + kind[1:] + " resolved: " + markdown.Shorten(f.Resolution, 100)
	}
	e := entry{customer: f.CustomerID, recorded: recorded, summary: summary,
		attrs: map[string]any{"feedback_id": f.ID.String(), "feedback_event": string(ev), "feedback_kind": kind}}
	if ev == rapport.FeedbackEvent(rapport.FeedbackInformed) {
		e.attrs["informed_via"] = string(f.InformedVia)
		e.channel = f.InformedVia
	}
	if f.Status == rapport.FeedbackResolved || f.Status == rapport.FeedbackInformed { // withdrawn is resolved too
		e.body = f.Resolution
	}
	return tx.writeEntry(e)
}

// FindFeedbackHistory returns visible feedback with its history, oldest first: its
// logging, then each change of status; it records the read.
func (db *DB) FindFeedbackHistory(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Feedback, []rapport.FeedbackStep, error) {
	var f *rapport.Feedback
	var steps []rapport.FeedbackStep
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if f, err = tx.findFeedback(id); err != nil {
			return err
		}
		var by string
		if !f.CreatedBy.IsZero() {
			if err := tx.queryRow(`SELECT name FROM users WHERE id = $1`, f.CreatedBy).Scan(&by); err != nil && err != sql.ErrNoRows {
				return err
			}
		} else {
			by = f.Source
		}
		steps = []rapport.FeedbackStep{{Event: rapport.FeedbackCreated, Status: rapport.FeedbackNew, ActorID: f.CreatedBy,
			ActorName: by, At: f.CreatedAt}}
		more, err := queryAll(tx, `SELECT e.event, e.status, e.note, e.actor_id, COALESCE(u.name, ''), e.actor_kind, e.at
			FROM feedback_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.feedback_id = $1 ORDER BY e.at, e.id`,
			[]any{f.ID}, func(rows Scanner) (rapport.FeedbackStep, error) {
				var st rapport.FeedbackStep
				var kind string
				err := rows.Scan(&st.Event, &st.Status, &st.Note, &st.ActorID, &st.ActorName, &kind, &st.At)
				if kind == string(rapport.ActorCustomer) {
					st.ActorName = "the customer"
				}
				st.At = st.At.UTC()
				return st, err
			})
		steps = append(steps, more...)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return f, steps, db.auditRead(ctx, s, "feedback", f.ID, f.CustomerID, "")
}
