package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

var _ rapport.SurveyService = (*DB)(nil)

const surveyColumns = `id, name, kind, question, intro, subject, translations, follow_ups, ask_every_days, triggers, active,
	created_by, created_at, updated_at`

func scanSurvey(rows Scanner) (*rapport.Survey, error) {
	v := &rapport.Survey{}
	var tr, fu, trig string
	if err := rows.Scan(&v.ID, &v.Name, &v.Kind, &v.Question, &v.Intro, &v.Subject, &tr, &fu, &v.AskEveryDays, &trig,
		&v.Active, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt); err != nil {
		return nil, err
	}
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	for _, p := range []struct {
		raw string
		dst any
	}{{tr, &v.Translations}, {fu, &v.FollowUps}, {trig, &v.Triggers}} {
		if err := json.Unmarshal([]byte(p.raw), p.dst); err != nil {
			return nil, fmt.Errorf("survey %s: %w", v.ID, err)
		}
	}
	return v, nil
}

func (tx *Tx) findSurvey(id rapport.ID) (*rapport.Survey, error) {
	vs, err := queryAll(tx, `SELECT `+surveyColumns+` FROM surveys WHERE id = $1`, []any{id}, scanSurvey)
	if err != nil {
		return nil, err
	} else if len(vs) == 0 {
		return nil, rapport.NotFound("survey")
	}
	return vs[0], nil
}

// FindSurveys lists the surveys by name.
func (db *DB) FindSurveys(ctx context.Context, s rapport.Scope) ([]*rapport.Survey, error) {
	var out []*rapport.Survey
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = queryAll(tx, `SELECT `+surveyColumns+` FROM surveys ORDER BY name, id`, nil, scanSurvey)
		return err
	})
	return out, err
}

// FindSurveyByID returns a survey.
func (db *DB) FindSurveyByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Survey, error) {
	var v *rapport.Survey
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		v, err = tx.findSurvey(id)
		return err
	})
	return v, err
}

func surveyJSON(v *rapport.Survey) (tr, fu, trig string, err error) {
	if v.Translations == nil {
		v.Translations = map[string]rapport.SurveyText{}
	}
	b1, err1 := json.Marshal(v.Translations)
	b2, err2 := json.Marshal(append([]rapport.FollowUp{}, v.FollowUps...))
	b3, err3 := json.Marshal(append([]rapport.SurveyTrigger{}, v.Triggers...))
	if err1 != nil || err2 != nil || err3 != nil {
		return "", "", "", fmt.Errorf("survey to JSON: %v %v %v", err1, err2, err3)
	}
	return string(b1), string(b2), string(b3), nil
}

// CreateSurvey saves a new survey.
func (db *DB) CreateSurvey(ctx context.Context, s rapport.Scope, v *rapport.Survey) error {
	if err := rapport.Require(s.CanManageSurveys(), "create surveys"); err != nil {
		return err
	}
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		tr, fu, trig, err := surveyJSON(v)
		if err != nil {
			return err
		}
		v.ID, v.CreatedAt, v.UpdatedAt, v.CreatedBy = rapport.NewID(), tx.now, tx.now, rapport.ID{}
		if s.Kind == rapport.ActorStaff {
			v.CreatedBy = s.UserID
		}
		if _, err := tx.exec(`INSERT INTO surveys (`+surveyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			v.ID, v.Name, string(v.Kind), v.Question, v.Intro, v.Subject, tr, fu, v.AskEveryDays, trig, v.Active, v.CreatedBy, tx.now, tx.now); err != nil {
			return tx.nameTaken(err, "survey", v.Name)
		}
		return tx.audit("create", "survey", v.ID, rapport.ID{}, false, string(v.Kind)+": "+v.Name)
	})
}

// ReplaceSurvey saves new settings for a survey.
func (db *DB) ReplaceSurvey(ctx context.Context, s rapport.Scope, id rapport.ID, v *rapport.Survey) error {
	if err := rapport.Require(s.CanManageSurveys(), "change surveys"); err != nil {
		return err
	}
	v.Normalize()
	if err := v.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		old, err := tx.findSurvey(id)
		if err != nil {
			return err
		}
		if old.Kind != v.Kind {
			return rapport.FieldError("kind", "a survey's kind cannot change once it exists: its answers are on the %s scale", old.Kind)
		}
		tr, fu, trig, err := surveyJSON(v)
		if err != nil {
			return err
		}
		v.ID, v.CreatedAt, v.CreatedBy, v.UpdatedAt = id, old.CreatedAt, old.CreatedBy, tx.now
		if _, err := tx.exec(`UPDATE surveys SET name = $1, question = $2, intro = $3, subject = $4, translations = $5, follow_ups = $6,
			ask_every_days = $7, triggers = $8, active = $9, updated_at = $10 WHERE id = $11`,
			v.Name, v.Question, v.Intro, v.Subject, tr, fu, v.AskEveryDays, trig, v.Active, tx.now, id); err != nil {
			return tx.nameTaken(err, "survey", v.Name)
		}
		return tx.audit("update", "survey", id, rapport.ID{}, false, v.Name)
	})
}

// DeleteSurvey deletes a survey with its invitations and answers; the timeline entries
// and feedback its answers made stay.
func (db *DB) DeleteSurvey(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanManageSurveys(), "delete surveys"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		v, err := tx.findSurvey(id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM surveys WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "survey", id, rapport.ID{}, false, v.Name)
	})
}

// FindSurveySettings returns the rules all surveys follow.
func (db *DB) FindSurveySettings(ctx context.Context, s rapport.Scope) (*rapport.SurveySettings, error) {
	set := &rapport.SurveySettings{}
	err := db.view(ctx, s, func(tx *Tx) error {
		return tx.queryRow(`SELECT min_days_between FROM survey_settings WHERE id = 1`).Scan(&set.MinDaysBetween)
	})
	return set, err
}

// UpdateSurveySettings changes the rules all surveys follow; admins only.
func (db *DB) UpdateSurveySettings(ctx context.Context, s rapport.Scope, set rapport.SurveySettings) error {
	if err := rapport.Require(s.IsAdmin(), "change the survey settings"); err != nil {
		return err
	}
	if set.MinDaysBetween < 0 || set.MinDaysBetween > 3650 {
		return rapport.FieldError("min_days_between", "min_days_between must be between 0 and 3650")
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`UPDATE survey_settings SET min_days_between = $1 WHERE id = 1`, set.MinDaysBetween); err != nil {
			return err
		}
		return tx.audit("update", "survey_settings", rapport.ID{}, rapport.ID{}, false, fmt.Sprintf("at most one invitation in %d days", set.MinDaysBetween))
	})
}

// askedSince is the time before which a customer's last invitation must lie for the
// survey to ask them: the survey's gap or the global minimum, whichever is longer.
func (tx *Tx) askedSince(v *rapport.Survey) (time.Time, error) {
	var min int
	if err := tx.queryRow(`SELECT min_days_between FROM survey_settings WHERE id = 1`).Scan(&min); err != nil {
		return time.Time{}, err
	}
	return tx.now.AddDate(0, 0, -max(min, v.AskEveryDays)), nil
}

// candidate is a customer a survey might ask, with what decides whether it does.
type candidate struct {
	id                    rapport.ID
	name, language, email string
	consent, recent       bool
	team                  rapport.ID // of the customer's owner
}

// candidateColumns reads a candidate from customers c.
func candidateColumns(q *Query, since time.Time) string {
	return `c.id, c.name, c.language,
		COALESCE((SELECT x.value FROM customer_contacts x WHERE x.customer_id = c.id AND x.kind = 'email' ORDER BY x.position LIMIT 1), ''),
		` + consentGranted(q, "c.id", "surveys") + `,
		EXISTS (SELECT 1 FROM survey_invitations si WHERE si.customer_id = c.id AND si.created_at > ` + q.Arg(since) + `),
		(SELECT tm.team_id FROM team_members tm WHERE tm.user_id = c.owner_id ORDER BY tm.team_id LIMIT 1)`
}

func scanCandidate(rows Scanner) (candidate, error) {
	var c candidate
	err := rows.Scan(&c.id, &c.name, &c.language, &c.email, &c.consent, &c.recent, &c.team)
	return c, err
}

// tally counts the candidate in the plan under the first reason not to ask them, and
// reports whether they are to be asked.
func tally(p *rapport.SendPlan, c candidate) bool {
	switch {
	case c.email == "":
		p.NoEmail++
	case !c.consent:
		p.NoConsent++
	case c.recent:
		p.AskedRecently++
	default:
		p.Asked++
		return true
	}
	return false
}

// segmentCandidates reads the visible current members of a segment.
func (tx *Tx) segmentCandidates(segmentID rapport.ID, since time.Time) ([]candidate, error) {
	if _, err := tx.findSegment(segmentID); err != nil {
		return nil, err
	}
	q := &Query{}
	cols := candidateColumns(q, since)
	return queryAll(tx, `SELECT `+cols+` FROM segment_members m JOIN customers c ON c.id = m.customer_id
		WHERE m.segment_id = `+q.Arg(segmentID)+` AND c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id")+
		` ORDER BY c.id`, q.Args(), scanCandidate)
}

// PlanSurveySend counts whom sending to the segment would ask, and why not the others.
func (db *DB) PlanSurveySend(ctx context.Context, s rapport.Scope, surveyID, segmentID rapport.ID) (*rapport.SendPlan, error) {
	return db.sendSurvey(ctx, s, surveyID, segmentID, "", false)
}

// SendSurvey invites the segment's members who may be asked, in one transaction.
func (db *DB) SendSurvey(ctx context.Context, s rapport.Scope, surveyID, segmentID rapport.ID, baseURL string) (*rapport.SendPlan, error) {
	return db.sendSurvey(ctx, s, surveyID, segmentID, baseURL, true)
}

// sendSurvey counts whom sending to the segment asks and, when send is set, invites
// them.
func (db *DB) sendSurvey(ctx context.Context, s rapport.Scope, surveyID, segmentID rapport.ID, baseURL string, send bool) (*rapport.SendPlan, error) {
	if err := rapport.Require(s.CanManageSurveys(), "send surveys"); err != nil {
		return nil, err
	}
	p := &rapport.SendPlan{}
	run := db.view
	if send {
		run = db.update
	}
	err := run(ctx, s, func(tx *Tx) error {
		v, err := tx.findSurvey(surveyID)
		if err != nil {
			return err
		}
		since, err := tx.askedSince(v)
		if err != nil {
			return err
		}
		cs, err := tx.segmentCandidates(segmentID, since)
		if err != nil {
			return err
		}
		p.Members = len(cs)
		for _, c := range cs {
			if !tally(p, c) || !send {
				continue
			}
			inv, err := tx.invite(v, c, "segment", segmentID.String(), c.team, "", baseURL)
			if err != nil {
				return err
			} else if inv == nil {
				p.Asked, p.NoEmail = p.Asked-1, p.NoEmail+1
			}
		}
		if !send {
			return nil
		}
		return tx.audit("send", "survey", v.ID, rapport.ID{}, false,
			fmt.Sprintf("%s to segment %s: %d asked; not asked: %d without e-mail, %d without consent, %d asked recently",
				v.Name, segmentID, p.Asked, p.NoEmail, p.NoConsent, p.AskedRecently))
	})
	return p, err
}

// invite creates an invitation and queues its e-mail, in the customer's language where
// the survey has it.
func (tx *Tx) invite(v *rapport.Survey, c candidate, cause, ref string, team rapport.ID, product, baseURL string) (*rapport.SurveyInvitation, error) {
	token := randomSecret(24)
	inv := &rapport.SurveyInvitation{ID: rapport.NewID(), SurveyID: v.ID, CustomerID: c.id, CustomerName: c.name, Cause: cause,
		CauseRef: ref, TeamID: team, Product: markdown.Shorten(product, 100), Language: c.language, CreatedAt: tx.now,
		ExpiresAt: tx.now.Add(rapport.SurveyValidity)}
	text := v.Text(c.language)
	link := strings.TrimRight(baseURL, "/") + "/portal/survey/" + token
	var body strings.Builder
	if text.Intro != "" {
		body.WriteString(text.Intro + "\n\n")
	}
	fmt.Fprintf(&body, "%s\n\nPlease answer here:\n%s\n\nThe link is yours alone and works until %s.\n",
		text.Question, link, inv.ExpiresAt.Format("2 January 2006"))
	m := &rapport.Mail{CustomerID: c.id, Purpose: "survey", Ref: inv.ID.String(), ToAddress: c.email, ToName: c.name,
		Subject: text.Subject, Text: body.String()}
	if err := tx.queueMail(m); err != nil {
		if rapport.ErrorCode(err) == rapport.EINVALID {
			return nil, nil // an address the outbox refuses: not asked
		}
		return nil, err
	}
	inv.MailID = m.ID
	_, err := tx.exec(`INSERT INTO survey_invitations (id, survey_id, customer_id, recorded_customer_id, token_hash, cause, cause_ref,
		team_id, product, language, mail_id, created_at, expires_at) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		inv.ID, v.ID, c.id, hashSecret(token), cause, ref, team, inv.Product, c.language, m.ID, tx.now, inv.ExpiresAt)
	return inv, err
}
