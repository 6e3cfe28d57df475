package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
	"github.com/rapportckm/rapport/sentiment"
)

const invitationColumns = `i.id, i.survey_id, i.customer_id, c.name, i.cause, i.cause_ref, i.team_id, i.product, i.language, i.mail_id,
	i.created_at, i.expires_at, EXISTS (SELECT 1 FROM survey_responses r WHERE r.invitation_id = i.id)`

func scanInvitation(rows Scanner) (*rapport.SurveyInvitation, error) {
	v := &rapport.SurveyInvitation{}
	err := rows.Scan(&v.ID, &v.SurveyID, &v.CustomerID, &v.CustomerName, &v.Cause, &v.CauseRef, &v.TeamID, &v.Product, &v.Language,
		&v.MailID, &v.CreatedAt, &v.ExpiresAt, &v.Answered)
	v.CreatedAt, v.ExpiresAt = v.CreatedAt.UTC(), v.ExpiresAt.UTC()
	return v, err
}

const responseColumns = `r.invitation_id, r.survey_id, r.customer_id, c.name, r.score, r.category, r.comment, r.answers,
	r.feedback_id, r.interaction_id, r.answered_at, r.updated_at`

func scanResponse(rows Scanner) (*rapport.SurveyResponse, error) {
	v := &rapport.SurveyResponse{}
	var answers string
	if err := rows.Scan(&v.InvitationID, &v.SurveyID, &v.CustomerID, &v.CustomerName, &v.Score, &v.Category, &v.Comment, &answers,
		&v.FeedbackID, &v.InteractionID, &v.AnsweredAt, &v.UpdatedAt); err != nil {
		return nil, err
	}
	v.AnsweredAt, v.UpdatedAt = v.AnsweredAt.UTC(), v.UpdatedAt.UTC()
	return v, json.Unmarshal([]byte(answers), &v.Answers)
}

// FindInvitations lists a survey's invitations of visible customers, newest first.
func (db *DB) FindInvitations(ctx context.Context, s rapport.Scope, surveyID rapport.ID, n int, cursor string) ([]*rapport.SurveyInvitation, string, error) {
	var out []*rapport.SurveyInvitation
	var next string
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if _, err := tx.findSurvey(surveyID); err != nil {
			return err
		}
		q := &Query{}
		conds, err := pastCursor(q, []string{`i.survey_id = ` + q.Arg(surveyID), visibleCustomer(q, s, "i.customer_id")}, cursor, "i.created_at", "i.id")
		if err != nil {
			return err
		}
		n = limit(n, 100, 500)
		out, err = queryAll(tx, `SELECT `+invitationColumns+` FROM survey_invitations i JOIN customers c ON c.id = i.customer_id
			WHERE `+strings.Join(conds, " AND ")+` ORDER BY i.created_at DESC, i.id DESC LIMIT `+q.Arg(n+1), q.Args(), scanInvitation)
		out, next = pageOf(out, n, func(i *rapport.SurveyInvitation) (time.Time, rapport.ID) { return i.CreatedAt, i.ID })
		return err
	})
	return out, next, err
}

// FindResponses lists a survey's answers of visible customers, newest first.
func (db *DB) FindResponses(ctx context.Context, s rapport.Scope, surveyID rapport.ID, n int, cursor string) ([]*rapport.SurveyResponse, string, error) {
	var out []*rapport.SurveyResponse
	var next string
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if _, err := tx.findSurvey(surveyID); err != nil {
			return err
		}
		q := &Query{}
		conds, err := pastCursor(q, []string{`r.survey_id = ` + q.Arg(surveyID), visibleCustomer(q, s, "r.customer_id")}, cursor, "r.answered_at", "r.invitation_id")
		if err != nil {
			return err
		}
		n = limit(n, 100, 500)
		out, err = queryAll(tx, `SELECT `+responseColumns+` FROM survey_responses r JOIN customers c ON c.id = r.customer_id
			WHERE `+strings.Join(conds, " AND ")+` ORDER BY r.answered_at DESC, r.invitation_id DESC LIMIT `+q.Arg(n+1), q.Args(), scanResponse)
		out, next = pageOf(out, n, func(r *rapport.SurveyResponse) (time.Time, rapport.ID) { return r.AnsweredAt, r.InvitationID })
		return err
	})
	return out, next, err
}

// invitationByToken finds the invitation of a link's token, whoever may see the customer:
// the token is the customer's own key.
func (tx *Tx) invitationByToken(token string) (*rapport.SurveyInvitation, error) {
	if token == "" || len(token) > 100 {
		return nil, rapport.NotFound("survey")
	}
	out, err := queryAll(tx, `SELECT `+invitationColumns+` FROM survey_invitations i JOIN customers c ON c.id = i.customer_id
		WHERE i.token_hash = $1`, []any{hashSecret(token)}, scanInvitation)
	if err != nil {
		return nil, err
	} else if len(out) == 0 {
		return nil, rapport.NotFound("survey")
	}
	return out[0], nil
}

func (tx *Tx) responseOf(invitationID rapport.ID) (*rapport.SurveyResponse, error) {
	out, err := queryAll(tx, `SELECT `+responseColumns+` FROM survey_responses r JOIN customers c ON c.id = r.customer_id
		WHERE r.invitation_id = $1`, []any{invitationID}, scanResponse)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// OpenInvitation finds the invitation of a token with its survey and earlier answer.
func (db *DB) OpenInvitation(ctx context.Context, s rapport.Scope, token string) (*rapport.SurveyInvitationView, error) {
	out := &rapport.SurveyInvitationView{}
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if out.Invitation, err = tx.invitationByToken(token); err != nil {
			return err
		}
		if out.Survey, err = tx.findSurvey(out.Invitation.SurveyID); err != nil {
			return err
		}
		out.Text = out.Survey.Text(out.Invitation.Language)
		out.Expired = !tx.now.Before(out.Invitation.ExpiresAt)
		out.Response, err = tx.responseOf(out.Invitation.ID)
		return err
	})
	return out, err
}

// AnswerSurvey records the answer to the token's invitation, or changes it while the
// link is valid. The answer's timeline entry is written with the first answer and
// follows changes; a low score logs a complaint, once.
func (db *DB) AnswerSurvey(ctx context.Context, s rapport.Scope, token string, a rapport.SurveyAnswer) (*rapport.SurveyResponse, error) {
	var r *rapport.SurveyResponse
	err := db.update(ctx, s, func(tx *Tx) error {
		inv, err := tx.invitationByToken(token)
		if err != nil {
			return err
		}
		// Answers to one invitation take turns, so that a second sent at the same moment
		// (a double click) changes the first instead of clashing with its insert; and
		// sees its complaint, so that there is one.
		if err := tx.lockRows("survey_invitations", inv.ID); err != nil {
			return err
		}
		if !tx.now.Before(inv.ExpiresAt) {
			return rapport.Errorf(rapport.ECONFLICT, "this survey's link has expired")
		}
		v, err := tx.findSurvey(inv.SurveyID)
		if err != nil {
			return err
		}
		if err := a.Validate(v); err != nil {
			return err
		}
		if a.Answers == nil {
			a.Answers = map[string]string{}
		}
		answers, err := json.Marshal(a.Answers)
		if err != nil {
			return err
		}
		if r, err = tx.responseOf(inv.ID); err != nil {
			return err
		}
		first := r == nil
		if first {
			r = &rapport.SurveyResponse{InvitationID: inv.ID, SurveyID: v.ID, CustomerID: inv.CustomerID, CustomerName: inv.CustomerName,
				AnsweredAt: tx.now, InteractionID: rapport.NewID()}
		}
		r.Score, r.Category, r.Comment, r.Answers, r.UpdatedAt = a.Score, v.Kind.Category(a.Score), a.Comment, a.Answers, tx.now
		lo, hi := v.Kind.Scale()
		score := fmt.Sprintf("%d of %d", r.Score, hi)
		if lo == 0 {
			score = fmt.Sprintf("%d of 0–%d", r.Score, hi)
		}
		if r.Category != "" {
			score += " (" + r.Category + ")"
		}
		summary := "Survey " + v.Name + ": " + score
		attrs := map[string]any{"survey": v.Name, "survey_id": v.ID.String(), "survey_kind": string(v.Kind),
			"score": r.Score, "category": r.Category, "invitation_id": inv.ID.String()}
		if len(r.Answers) > 0 {
			attrs["answers"] = r.Answers // the follow-up questions' answers: the timeline, and so the export, holds all the customer said
		}
		if first {
			if err := tx.writeEntry(entry{id: r.InteractionID, customer: inv.CustomerID, channel: "web", actorKind: rapport.ActorCustomer,
				summary: summary, body: r.Comment, attrs: attrs}); err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO survey_responses (invitation_id, survey_id, customer_id, recorded_customer_id, score, category,
				comment, answers, interaction_id, answered_at, updated_at) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $9)`,
				inv.ID, v.ID, inv.CustomerID, r.Score, r.Category, r.Comment, string(answers), r.InteractionID, tx.now); err != nil {
				return err
			}
		} else {
			raw, err := json.Marshal(attrs)
			if err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE interactions SET summary = $1, body = $2, attributes = $3 WHERE id = $4`,
				summary, r.Comment, string(raw), r.InteractionID); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE survey_responses SET score = $1, category = $2, comment = $3, answers = $4, updated_at = $5
				WHERE invitation_id = $6`, r.Score, r.Category, r.Comment, string(answers), tx.now, inv.ID); err != nil {
				return err
			}
		}
		switch needs := v.Kind.NeedsFollowUp(r.Score); {
		case needs && r.FeedbackID.IsZero():
			if r.FeedbackID, err = tx.surveyComplaint(v, inv, r); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE survey_responses SET feedback_id = $1 WHERE invitation_id = $2`, r.FeedbackID, inv.ID); err != nil {
				return err
			}
		case !needs && !r.FeedbackID.IsZero():
			// Changed to an answer that needs no follow-up: the complaint is withdrawn
			// unless someone has worked on it, and no longer linked from the answer, so
			// that a low answer again logs a new one.
			withdrawn, err := tx.withdrawComplaint(r.FeedbackID, score)
			if err != nil {
				return err
			}
			if withdrawn {
				r.FeedbackID = rapport.ID{}
				if _, err := tx.exec(`UPDATE survey_responses SET feedback_id = NULL WHERE invitation_id = $1`, inv.ID); err != nil {
					return err
				}
			}
		}
		verb := "answer"
		if !first {
			verb = "change answer"
		}
		return tx.audit(verb, "survey_response", inv.ID, inv.CustomerID, false, summary)
	})
	return r, err
}

// withdrawComplaint resolves the complaint of a low score the customer has changed to
// one that needs no follow-up (answer, such as "5 of 5 (satisfied)"), if no one has
// worked on it: it is still new and none of its action items is done. The change is
// the event withdrawn, by the customer, in its history, on the timeline and in the
// audit; its open action items are closed. It reports whether it withdrew it; staff's
// work is left as it is.
func (tx *Tx) withdrawComplaint(id rapport.ID, answer string) (bool, error) {
	f, err := tx.findFeedbackAnyone(id)
	if err != nil {
		return false, err
	}
	var done int
	if err := tx.queryRow(`SELECT COUNT(*) FROM action_items WHERE feedback_id = $1 AND status = 'done'`, id).Scan(&done); err != nil {
		return false, err
	}
	if f.Status != rapport.FeedbackNew || done > 0 {
		return false, nil
	}
	change := rapport.FeedbackChange{Status: rapport.FeedbackResolved,
		Resolution: "Withdrawn: the customer changed their survey answer to " + answer + ", which needs no follow-up."}
	if err := tx.changeFeedbackStatusAs(f, change, "", rapport.FeedbackWithdrawn); rapport.ErrorCode(err) == rapport.ECONFLICT {
		return false, nil // staff moved it on meanwhile (PostgreSQL): their work stays, and the answer is saved
	} else if err != nil {
		return false, err
	}
	return true, tx.closeActions(id, "Not needed: the customer withdrew the complaint by changing their survey answer.")
}

// surveyComplaint logs a complaint for a low score: the customer's comment, or what they
// scored on the question they were asked; linked to the response by its feedback_id.
// The customer sees its text among their feedback, so it names no internal survey name
// (the area does, for staff).
func (tx *Tx) surveyComplaint(v *rapport.Survey, inv *rapport.SurveyInvitation, r *rapport.SurveyResponse) (rapport.ID, error) {
	_, hi := v.Kind.Scale()
	text, tone := r.Comment, v.Kind.Sentiment(r.Score)
	if text == "" {
		text = fmt.Sprintf("Scored %d of %d on “%s” in our survey.", r.Score, hi, v.Text(inv.Language).Question)
	} else {
		tone = sentiment.Text(text).Compound
	}
	f := &rapport.Feedback{CustomerID: inv.CustomerID, CustomerName: inv.CustomerName, Kind: "complaint", Text: text,
		Channel: "web", Product: inv.Product, Area: "survey: " + markdown.Shorten(v.Name, 90), Sentiment: tone}
	f.Normalize()
	if r.Category == "detractor" && r.Score <= 3 || r.Category == "dissatisfied" && r.Score == 1 || r.Category == "hard" && r.Score == 7 {
		f.Severity = "high"
	}
	if err := f.Validate(tx.now); err != nil {
		return rapport.ID{}, err
	}
	f.ID, f.HeardAt, f.CreatedAt, f.UpdatedAt = rapport.NewID(), tx.now, tx.now, tx.now
	// Like any feedback: on the timeline, in a theme, routed to the team that owns the fix.
	return f.ID, tx.insertFeedback(f, rapport.ID{}, "complaint from survey "+v.Name+": "+markdown.Shorten(f.Text, 60))
}

// SurveyResults scores a survey's answers from visible customers: overall, by period
// and by the chosen breakdown.
func (db *DB) SurveyResults(ctx context.Context, s rapport.Scope, surveyID rapport.ID, f rapport.ResultsFilter) (*rapport.SurveyResults, error) {
	if f.Period != "week" {
		f.Period = "month"
	}
	out := &rapport.SurveyResults{By: f.By, Periods: []rapport.PeriodScore{}}
	// The answers are counted in the database by day, score and group: a survey sent to
	// a large panel has tens of thousands, and a few hundred counts say the same.
	type count struct {
		day   string
		score int
		group string
		n     int
	}
	var answers, invited []count
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if out.Survey, err = tx.findSurvey(surveyID); err != nil {
			return err
		}
		q := &Query{}
		group, joins := "''", "" // the invitation and its team only where the breakdown needs them
		switch f.By {
		case "team":
			group = "COALESCE(t.name, " + q.Arg("No team") + ")"
			joins = "JOIN survey_invitations i ON i.id = r.invitation_id LEFT JOIN teams t ON t.id = i.team_id"
		case "product":
			group = "CASE WHEN i.product = '' THEN " + q.Arg("No product") + " ELSE i.product END"
			joins = "JOIN survey_invitations i ON i.id = r.invitation_id"
		case "segment":
			g, err := tx.findSegment(f.SegmentID)
			if err != nil {
				return err
			}
			group = `CASE WHEN EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = ` + q.Arg(f.SegmentID) +
				` AND sm.customer_id = r.customer_id) THEN ` + q.Arg("In "+g.Name) + ` ELSE ` + q.Arg("Not in "+g.Name) + ` END`
		}
		day := tx.db.dialect.Day("r.answered_at")
		answers, err = queryAll(tx, `SELECT `+day+`, r.score, `+group+`, COUNT(*) FROM survey_responses r `+joins+`
			WHERE r.survey_id = `+q.Arg(surveyID)+` AND r.answered_at >= `+q.Arg(f.Since)+` AND `+visibleCustomer(q, s, "r.customer_id")+
			` GROUP BY 1, 2, 3`, q.Args(), func(rs Scanner) (count, error) {
			var c count
			err := rs.Scan(&c.day, &c.score, &c.group, &c.n)
			return c, err
		})
		if err != nil {
			return err
		}
		q = &Query{}
		day = tx.db.dialect.Day("i.created_at")
		invited, err = queryAll(tx, `SELECT `+day+`, COUNT(*) FROM survey_invitations i WHERE i.survey_id = `+q.Arg(surveyID)+
			` AND i.created_at >= `+q.Arg(f.Since)+` AND `+visibleCustomer(q, s, "i.customer_id")+` GROUP BY 1`, q.Args(),
			func(rs Scanner) (count, error) {
				var c count
				err := rs.Scan(&c.day, &c.n)
				return c, err
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	kind := out.Survey.Kind
	// period is the period a day (2026-03-01) falls in, and the period's first day.
	period := func(day string) (string, string) {
		t, _ := time.Parse(time.DateOnly, day)
		if f.Period == "week" {
			y, w := t.ISOWeek()
			return fmt.Sprintf("%d-W%02d", y, w), t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)).Format(time.DateOnly)
		}
		return t.Format("2006-01"), t.Format("2006-01") + "-01"
	}
	var all []int
	byPeriod, starts, invitedBy := map[string][]int{}, map[string]string{}, map[string]int{}
	groups := map[string][]int{}
	for _, c := range answers {
		p, start := period(c.day)
		starts[p] = start
		for range c.n {
			all = append(all, c.score)
			byPeriod[p] = append(byPeriod[p], c.score)
			if f.By != "" {
				groups[c.group] = append(groups[c.group], c.score)
			}
		}
	}
	invitations := 0
	for _, c := range invited {
		p, start := period(c.day)
		invitedBy[p] += c.n
		invitations += c.n
		if _, ok := starts[p]; !ok {
			starts[p] = start
		}
	}
	out.Overall, out.Invited = rapport.ScoreOf(kind, all), invitations
	if invitations > 0 {
		out.ResponseRate = 100 * float64(min(len(all), invitations)) / float64(invitations)
	}
	// The periods between with no invitation and no answer are listed too: a quiet
	// month is a gap in the table, not a month that never was.
	if len(starts) > 0 {
		first, last := "9999", ""
		for _, start := range starts {
			first, last = min(first, start), max(last, start)
		}
		from, _ := time.Parse(time.DateOnly, first)
		to, _ := time.Parse(time.DateOnly, last)
		for t := from; !t.After(to); {
			p, start := period(t.Format(time.DateOnly))
			if _, ok := starts[p]; !ok {
				starts[p] = start
			}
			if f.Period == "week" {
				t = t.AddDate(0, 0, 7)
			} else {
				t = t.AddDate(0, 1, 0)
			}
		}
	}
	for p, start := range starts {
		out.Periods = append(out.Periods, rapport.PeriodScore{Period: p, Start: start, Invited: invitedBy[p], Score: rapport.ScoreOf(kind, byPeriod[p])})
	}
	sort.Slice(out.Periods, func(i, j int) bool { return out.Periods[i].Start < out.Periods[j].Start })
	for g, scores := range groups {
		out.Groups = append(out.Groups, rapport.GroupScore{Group: g, Score: rapport.ScoreOf(kind, scores)})
	}
	sort.Slice(out.Groups, func(i, j int) bool {
		if out.Groups[i].N != out.Groups[j].N {
			return out.Groups[i].N > out.Groups[j].N
		}
		return strings.Compare(out.Groups[i].Group, out.Groups[j].Group) < 0
	})
	return out, nil
}
