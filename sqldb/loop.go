package sqldb

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.FeedbackMeasureService = (*DB)(nil)

// MeasureFeedbackLoop reads when each visible piece of feedback logged since reached
// each step, and its action items, and works out the measures.
func (db *DB) MeasureFeedbackLoop(ctx context.Context, s rapport.Scope, since time.Time) (*rapport.LoopMeasures, error) {
	since = time.Date(since.Year(), since.Month(), 1, 0, 0, 0, 0, time.UTC)
	var m *rapport.LoopMeasures
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		visible := `fb.created_at >= ` + q.Arg(since) + ` AND ` + visibleFeedback(q, s)
		byID := map[rapport.ID]*rapport.FeedbackTimes{}
		var order []rapport.ID
		if err := tx.each(`SELECT fb.id, fb.kind, fb.created_at, fb.triaged_at, fb.started_at,
			fb.resolved_at, fb.informed_at FROM feedback fb WHERE `+visible, q.Args(), func(row Scanner) error {
			var id rapport.ID
			var triaged, started, resolved, informed sql.NullTime
			r := &rapport.FeedbackTimes{}
			if err := row.Scan(&id, &r.Kind, &r.CreatedAt, &triaged, &started, &resolved, &informed); err != nil {
				return err
			}
			// Looked at: triaged, or the first later step when triage was skipped.
			for _, t := range []sql.NullTime{triaged, started, resolved, informed} {
				if t.Valid {
					r.TriagedAt = utcPtr(t)
					break
				}
			}
			r.ResolvedAt, r.InformedAt = utcPtr(resolved), utcPtr(informed)
			byID[id] = r
			order = append(order, id)
			return nil
		}); err != nil {
			return err
		}
		// The action items of that feedback, with their teams.
		q = &Query{}
		visible = `fb.created_at >= ` + q.Arg(since) + ` AND ` + visibleFeedback(q, s)
		if err := tx.each(`SELECT ai.feedback_id, ai.team_id, t.name, ai.status, ai.due_at, ai.done_at, ai.escalated_at
			FROM action_items ai JOIN feedback fb ON fb.id = ai.feedback_id JOIN teams t ON t.id = ai.team_id WHERE `+visible, q.Args(), func(row Scanner) error {
			var id rapport.ID
			var team rapport.TeamRef
			var status string
			var due time.Time
			var done, escalated sql.NullTime
			if err := row.Scan(&id, &team.ID, &team.Name, &status, &due, &done, &escalated); err != nil {
				return err
			}
			r := byID[id]
			if r == nil {
				return nil
			}
			i := slices.IndexFunc(r.Teams, func(t rapport.TeamActions) bool { return t.Team.ID == team.ID })
			if i < 0 {
				r.Teams, i = append(r.Teams, rapport.TeamActions{Team: team}), len(r.Teams)
			}
			t := &r.Teams[i]
			t.Actions++
			switch {
			case done.Valid && !done.Time.After(due):
				t.OnTime++
			case done.Valid:
				t.Late++
			case tx.now.After(due):
				t.Overdue++
			}
			if escalated.Valid {
				t.Escalated++
			}
			return nil
		}); err != nil {
			return err
		}
		all := make([]rapport.FeedbackTimes, len(order))
		for i, id := range order {
			all[i] = *byID[id]
		}
		m = rapport.MeasureLoop(all, since, tx.now)
		return tx.measureRecurrence(m, since)
	})
	return m, err
}

// measureRecurrence counts the themes marked fixed that the scope sees feedback of, the
// recurrence alerts of visible feedback since, and which themes they fell in.
func (tx *Tx) measureRecurrence(m *rapport.LoopMeasures, since time.Time) error {
	q := &Query{}
	err := tx.queryRow(`SELECT COUNT(*) FROM themes th WHERE (th.fixed_at IS NOT NULL OR EXISTS (SELECT 1 FROM theme_alerts a WHERE a.theme_id = th.id))
		AND EXISTS (SELECT 1 FROM feedback fb WHERE fb.theme_id = th.id AND `+visibleFeedback(q, tx.scope)+`)`, q.Args()...).Scan(&m.FixedThemes)
	if err != nil {
		return err
	}
	q = &Query{}
	alerts, err := queryAll(tx, `SELECT a.theme_id, a.raised_at FROM theme_alerts a JOIN feedback fb ON fb.id = a.feedback_id
		WHERE a.raised_at >= `+q.Arg(since)+` AND `+visibleFeedback(q, tx.scope), q.Args(), func(rows Scanner) (struct {
		theme rapport.ID
		at    time.Time
	}, error) {
		var a struct {
			theme rapport.ID
			at    time.Time
		}
		return a, rows.Scan(&a.theme, &a.at)
	})
	if err != nil {
		return err
	}
	recurred := map[rapport.ID]bool{}
	for _, a := range alerts {
		recurred[a.theme] = true
		month := a.at.UTC().Format("2006-01")
		for i := range m.Months {
			if m.Months[i].Month == month {
				m.Months[i].Recurrences++
			}
		}
	}
	m.RecurredThemes = len(recurred)
	if m.FixedThemes > 0 {
		m.Recurrence = float64(m.RecurredThemes) / float64(m.FixedThemes)
	}
	return nil
}
