package sqldb

import (
	"context"
	"database/sql"
	"time"

	"github.com/rapportckm/rapport"
)

// triggerEvent is an event that may invite its customer to a survey.
type triggerEvent struct {
	ref      string
	customer rapport.ID
	staff    rapport.ID // the member of staff the event names, if any
	product  string
}

// purchaseMaxAge bounds how old an order or support contact may be when it arrives and
// still invite: a year of orders imported today asks no one about last spring.
const purchaseMaxAge = 30 * 24 * time.Hour

// triggerEvents reads the events of a kind that arrived in (from, to].
func (tx *Tx) triggerEvents(e rapport.SurveyEvent, from, to time.Time) ([]triggerEvent, error) {
	q := &Query{}
	var query string
	switch e {
	case rapport.EventFeedbackResolved, rapport.EventFeedbackInformed:
		event := "resolved"
		if e == rapport.EventFeedbackInformed {
			event = "informed"
		}
		query = `SELECT fe.id, fb.customer_id, fe.actor_id, fb.product FROM feedback_events fe JOIN feedback fb ON fb.id = fe.feedback_id
			WHERE fe.event = ` + q.Arg(event) + ` AND fb.customer_id IS NOT NULL AND fe.at > ` + q.Arg(from) + ` AND fe.at <= ` + q.Arg(to) +
			` ORDER BY fe.at, fe.id`
	default:
		types := []any{"order"}
		if e == rapport.EventSupport {
			types = []any{"ticket", "call"}
		}
		query = `SELECT i.id, i.customer_id, NULL, COALESCE(` + tx.db.dialect.Attribute(q, "i.attributes", "product") + `, '')
			FROM interactions i WHERE i.type IN ` + q.In(types...) + ` AND i.created_at > ` + q.Arg(from) + ` AND i.created_at <= ` + q.Arg(to) +
			` AND i.occurred_at > ` + q.Arg(to.Add(-purchaseMaxAge)) + ` ORDER BY i.created_at, i.id`
	}
	out, err := queryAll(tx, query, q.Args(), func(rows Scanner) (triggerEvent, error) {
		var ev triggerEvent
		var id rapport.ID
		err := rows.Scan(&id, &ev.customer, &ev.staff, &ev.product)
		ev.ref = id.String()
		return ev, err
	})
	if err != nil || e == rapport.EventFeedbackResolved || e == rapport.EventFeedbackInformed {
		return out, err
	}
	// The staff member an interaction names: its actor, when staff logged it.
	for i := range out {
		var kind, actor string
		if err := tx.queryRow(`SELECT actor_kind, actor_id FROM interactions WHERE id = $1`, mustID(out[i].ref)).Scan(&kind, &actor); err != nil {
			return nil, err
		}
		if id, err := rapport.ParseID(actor); kind == string(rapport.ActorStaff) && err == nil {
			out[i].staff = id
		}
	}
	return out, nil
}

func mustID(s string) rapport.ID {
	id, _ := rapport.ParseID(s)
	return id
}

// RunSurveyTriggers invites, for every active survey and each of its triggers, the
// customers of the events that arrived since the trigger last looked and are at least
// its delay old. The watermark moves in the same transaction as the invitations, so
// that no event invites twice. A trigger that has never looked starts from now: earlier events invite no one.
func (db *DB) RunSurveyTriggers(ctx context.Context, s rapport.Scope, baseURL string) (rapport.TriggerSummary, error) {
	var sum rapport.TriggerSummary
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "run the survey triggers"); err != nil {
		return sum, err
	}
	var surveys []*rapport.Survey
	if err := db.view(ctx, s, func(tx *Tx) (err error) {
		surveys, err = queryAll(tx, `SELECT `+surveyColumns+` FROM surveys WHERE active ORDER BY id`, nil, scanSurvey)
		return err
	}); err != nil {
		return sum, err
	}
	for _, v := range surveys {
		for _, t := range v.Triggers {
			err := db.update(ctx, s, func(tx *Tx) error {
				// Under a lock on the watermark: of two servers running the triggers at
				// once, the second waits and starts where the first stopped.
				if err := tx.lock("survey watermark " + v.ID.String() + " " + string(t.Event)); err != nil {
					return err
				}
				to := tx.now.Add(-t.Delay.Std())
				var from time.Time
				err := tx.queryRow(`SELECT done_to FROM survey_watermarks WHERE survey_id = $1 AND event = $2`, v.ID, string(t.Event)).Scan(&from)
				if err == sql.ErrNoRows {
					_, err = tx.exec(`INSERT INTO survey_watermarks (survey_id, event, done_to) VALUES ($1, $2, $3)`, v.ID, string(t.Event), tx.now)
					return err
				} else if err != nil {
					return err
				}
				if !to.After(from) {
					return nil
				}
				events, err := tx.triggerEvents(t.Event, from, to)
				if err != nil {
					return err
				}
				since, err := tx.askedSince(v)
				if err != nil {
					return err
				}
				for _, ev := range events {
					sum.Events++
					q := &Query{}
					cols := candidateColumns(q, since)
					cs, err := queryAll(tx, `SELECT `+cols+` FROM customers c WHERE c.id = `+q.Arg(ev.customer)+` AND c.merged_into IS NULL`,
						q.Args(), scanCandidate)
					if err != nil {
						return err
					}
					var p rapport.SendPlan
					if len(cs) == 0 || !tally(&p, cs[0]) {
						sum.Skipped++
						continue
					}
					team := cs[0].team
					if !ev.staff.IsZero() {
						var staffTeam rapport.ID
						err := tx.queryRow(`SELECT team_id FROM team_members WHERE user_id = $1 ORDER BY team_id LIMIT 1`, ev.staff).Scan(&staffTeam)
						if err == nil {
							team = staffTeam
						} else if err != sql.ErrNoRows {
							return err
						}
					}
					inv, err := tx.invite(v, cs[0], string(t.Event), ev.ref, team, ev.product, baseURL)
					if err != nil {
						return err
					} else if inv == nil {
						sum.Skipped++
						continue
					}
					sum.Invited++
				}
				_, err = tx.exec(`UPDATE survey_watermarks SET done_to = $1 WHERE survey_id = $2 AND event = $3`, to, v.ID, string(t.Event))
				return err
			})
			if err != nil {
				return sum, err
			}
		}
	}
	return sum, nil
}
