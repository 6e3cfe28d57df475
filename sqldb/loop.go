package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.LoopService = (*DB)(nil)

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
		rows, err := tx.query(`SELECT fb.id, fb.kind, fb.created_at, COALESCE(fb.triaged_at, fb.started_at, fb.resolved_at, fb.informed_at),
			fb.resolved_at, fb.informed_at FROM feedback fb WHERE `+visible, q.Args()...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id rapport.ID
			var triaged, resolved, informed sql.NullTime
			r := &rapport.FeedbackTimes{}
			if err := rows.Scan(&id, &r.Kind, &r.CreatedAt, &triaged, &resolved, &informed); err != nil {
				return err
			}
			r.TriagedAt, r.ResolvedAt, r.InformedAt = utcPtr(triaged), utcPtr(resolved), utcPtr(informed)
			byID[id] = r
			order = append(order, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		// The action items of that feedback, with their teams.
		q = &Query{}
		visible = `fb.created_at >= ` + q.Arg(since) + ` AND ` + visibleFeedback(q, s)
		items, err := tx.query(`SELECT ai.feedback_id, ai.team_id, t.name, ai.status, ai.due_at, ai.done_at, ai.escalated_at
			FROM action_items ai JOIN feedback fb ON fb.id = ai.feedback_id JOIN teams t ON t.id = ai.team_id WHERE `+visible, q.Args()...)
		if err != nil {
			return err
		}
		defer items.Close()
		for items.Next() {
			var id rapport.ID
			var team rapport.TeamRef
			var status string
			var due time.Time
			var done, escalated sql.NullTime
			if err := items.Scan(&id, &team.ID, &team.Name, &status, &due, &done, &escalated); err != nil {
				return err
			}
			r := byID[id]
			if r == nil {
				continue
			}
			if !containsTeam(r.Teams, team.ID) {
				r.Teams = append(r.Teams, team)
			}
			r.Actions++
			switch {
			case done.Valid && !done.Time.After(due):
				r.OnTime++
			case done.Valid:
				r.Late++
			case tx.now.After(due):
				r.Overdue++
			}
			if escalated.Valid {
				r.Escalated++
			}
		}
		if err := items.Err(); err != nil {
			return err
		}
		all := make([]rapport.FeedbackTimes, len(order))
		for i, id := range order {
			all[i] = *byID[id]
		}
		m = rapport.MeasureLoop(all, since, tx.now)
		return nil
	})
	return m, err
}

func containsTeam(ts []rapport.TeamRef, id rapport.ID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}
