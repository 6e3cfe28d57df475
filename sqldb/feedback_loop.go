package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

var _ rapport.FeedbackLoopService = (*DB)(nil)

// FindFeedbackTemplates lists the built-in templates with the stored ones in place.
func (db *DB) FindFeedbackTemplates(ctx context.Context, s rapport.Scope) ([]rapport.FeedbackTemplate, error) {
	if err := rapport.Require(s.Kind == rapport.ActorStaff || s.Kind == rapport.ActorSystem, "read the feedback templates"); err != nil {
		return nil, err
	}
	var stored []rapport.FeedbackTemplate
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		stored, err = tx.storedFeedbackTemplates()
		return err
	})
	if err != nil {
		return nil, err
	}
	return rapport.MergeFeedbackTemplates(stored), nil
}

func (tx *Tx) storedFeedbackTemplates() ([]rapport.FeedbackTemplate, error) {
	return queryAll(tx, `SELECT language, subject, body, updated_at FROM feedback_templates ORDER BY language`, nil,
		func(rows Scanner) (rapport.FeedbackTemplate, error) {
			var t rapport.FeedbackTemplate
			err := rows.Scan(&t.Language, &t.Subject, &t.Body, &t.UpdatedAt)
			t.UpdatedAt = t.UpdatedAt.UTC()
			return t, err
		})
}

func canEditTemplates(s rapport.Scope) bool {
	return s.IsAdmin() || (s.Kind == rapport.ActorStaff && s.Role == rapport.RoleManager)
}

// SaveFeedbackTemplate stores a template for its language, replacing any stored one.
func (db *DB) SaveFeedbackTemplate(ctx context.Context, s rapport.Scope, t *rapport.FeedbackTemplate) error {
	if err := rapport.Require(canEditTemplates(s), "change the feedback templates"); err != nil {
		return err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var by rapport.ID
		if tx.scope.Kind == rapport.ActorStaff {
			by = tx.scope.UserID
		}
		t.UpdatedAt, t.BuiltIn = tx.now, false
		if _, err := tx.exec(`INSERT INTO feedback_templates (language, subject, body, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (language) DO UPDATE SET subject = excluded.subject, body = excluded.body,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`, t.Language, t.Subject, t.Body, by, tx.now); err != nil {
			return err
		}
		return tx.audit("update", "feedback_template", rapport.ID{}, rapport.ID{}, false, t.Language+": "+t.Subject)
	})
}

// DeleteFeedbackTemplate removes the stored template of a language.
func (db *DB) DeleteFeedbackTemplate(ctx context.Context, s rapport.Scope, language string) error {
	if err := rapport.Require(canEditTemplates(s), "change the feedback templates"); err != nil {
		return err
	}
	language = strings.ToLower(strings.TrimSpace(language))
	return db.update(ctx, s, func(tx *Tx) error {
		res, err := tx.exec(`DELETE FROM feedback_templates WHERE language = $1`, language)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rapport.NotFound("feedback template")
		}
		return tx.audit("delete", "feedback_template", rapport.ID{}, rapport.ID{}, false, language)
	})
}

// feedbackMailValues are the template's values for feedback f and its customer c. The
// feedback's text is quoted only when it is the customer's own.
func feedbackMailValues(f *rapport.Feedback, c *rapport.Customer, firm string) rapport.FeedbackMailValues {
	v := rapport.FeedbackMailValues{Customer: c.Name, Resolution: f.Resolution, Firm: firm}
	if f.FromCustomer() {
		v.Feedback = markdown.Shorten(f.Text, 200)
	}
	if v.Resolution == "" {
		v.Resolution = "{resolution}" // filled with the resolution given when sending
	}
	return v
}

// DraftFeedbackMail fills in the template of the customer's language.
func (db *DB) DraftFeedbackMail(ctx context.Context, s rapport.Scope, id rapport.ID, firm string) (*rapport.FeedbackDraft, error) {
	d := &rapport.FeedbackDraft{}
	err := db.view(ctx, s, func(tx *Tx) error {
		f, err := tx.findFeedback(id)
		if err != nil {
			return err
		}
		d.Feedback = f
		if f.CustomerID.IsZero() {
			return nil
		}
		c, err := tx.findCustomer(f.CustomerID)
		if err != nil {
			return err
		}
		stored, err := tx.storedFeedbackTemplates()
		if err != nil {
			return err
		}
		t := rapport.PickFeedbackTemplate(c.Language, stored)
		v := feedbackMailValues(f, c, firm)
		d.ToAddress, d.ToName, d.Language = c.PrimaryEmail(), c.Name, t.Language
		d.Subject, d.Text = v.FillSubject(t.Subject), v.Fill(t.Body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, db.auditRead(ctx, s, "feedback", d.Feedback.ID, d.Feedback.CustomerID, "draft e-mail")
}

// InformFeedbackByEmail moves visible feedback to informed via email and queues the
// message with its link, in one transaction: if the change is refused, nothing is sent.
func (db *DB) InformFeedbackByEmail(ctx context.Context, s rapport.Scope, id rapport.ID, in rapport.FeedbackInform) (*rapport.Feedback, *rapport.Mail, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "tell customers what was done"); err != nil {
		return nil, nil, err
	}
	p := rapport.Problems{}
	if strings.TrimSpace(in.Subject) == "" {
		p.Add("subject", "the message needs a subject")
	}
	if strings.TrimSpace(in.Text) == "" {
		p.Add("text", "the message needs a text")
	}
	if len(in.Text) > 20_000 {
		p.Add("text", "the message is too long: write at most 20,000 characters")
	}
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	var f *rapport.Feedback
	var m *rapport.Mail
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if f, err = tx.findFeedback(id); err != nil {
			return err
		}
		if f.CustomerID.IsZero() {
			return rapport.FieldError("to", "this feedback has no customer to write to")
		}
		c, err := tx.findCustomer(f.CustomerID)
		if err != nil {
			return err
		}
		to := c.PrimaryEmail()
		if to == "" {
			return rapport.FieldError("to", "%s has no e-mail address: tell them another way (phone, post, in person) and mark the feedback informed", c.Name)
		}
		change := rapport.FeedbackChange{Status: rapport.FeedbackInformed, Resolution: in.Resolution, InformedVia: "email"}
		change.Normalize()
		if err := tx.changeFeedbackStatus(f, change, ""); err != nil {
			return err
		}
		token := base64.RawURLEncoding.EncodeToString(randomBytes(24))
		v := feedbackMailValues(f, c, in.Firm)
		v.Link = strings.TrimSuffix(in.BaseURL, "/") + "/portal/feedback/" + token
		text := v.Fill(strings.ReplaceAll(in.Text, "\r\n", "\n"))
		if !strings.Contains(in.Text, "{link}") {
			text += "\n\n" + v.Link
		}
		m = &rapport.Mail{CustomerID: c.ID, Purpose: rapport.MailFeedbackInformed, Ref: f.ID.String(), ToAddress: to,
			ToName: c.Name, Subject: v.FillSubject(in.Subject), Text: text}
		if m.Subject == "" {
			return rapport.FieldError("subject", "the subject is only {feedback}, which is left out of feedback that is not in the customer's own words: write a subject")
		}
		if err := tx.queueMail(m); err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO feedback_links (id, feedback_id, mail_id, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, rapport.NewID(), f.ID, m.ID, hashSecret(token), tx.now,
			tx.now.Add(rapport.FeedbackLinkValidity))
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return f, m, nil
}

// findFeedbackAnyone reads feedback whoever may see it: for the customer holding its
// link, or a reply to what was done.
func (tx *Tx) findFeedbackAnyone(id rapport.ID) (*rapport.Feedback, error) {
	rows, err := queryAll(tx, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+` WHERE fb.id = $1`, []any{id}, scanFeedback)
	if err != nil {
		return nil, err
	} else if len(rows) == 0 {
		return nil, rapport.NotFound("feedback")
	}
	return rows[0], nil
}

// findFeedbackLink reads a link that has not expired, with its id.
func (tx *Tx) findFeedbackLink(token string) (*rapport.FeedbackLink, rapport.ID, error) {
	var id rapport.ID
	l := &rapport.FeedbackLink{}
	var answered sql.NullTime
	var resolved sql.NullBool
	err := tx.queryRow(`SELECT id, feedback_id, expires_at, answered_at, confirmed, rating, comment FROM feedback_links
		WHERE token_hash = $1 AND expires_at > $2`, hashSecret(token), tx.now).
		Scan(&id, &l.FeedbackID, &l.ExpiresAt, &answered, &resolved, &l.Rating, &l.Comment)
	if err == sql.ErrNoRows {
		return nil, id, rapport.NotFound("link")
	} else if err != nil {
		return nil, id, err
	}
	l.ExpiresAt, l.AnsweredAt = l.ExpiresAt.UTC(), utcPtr(answered)
	if resolved.Valid {
		l.Resolved = &resolved.Bool
	}
	f, err := tx.findFeedbackAnyone(l.FeedbackID)
	if err != nil {
		return nil, id, err
	}
	l.CustomerName, l.Kind, l.Resolution, l.HeardAt = f.CustomerName, f.Kind, f.Resolution, f.HeardAt
	if f.FromCustomer() { // staff's words are not shown to the customer
		l.Text = f.Text
	}
	return l, id, nil
}

// validToken is whether a token can be one Rapport made: unknown shapes are not looked up.
func validToken(token string) bool {
	if len(token) != 32 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil
}

// FindFeedbackLink returns what a customer's link shows.
func (db *DB) FindFeedbackLink(ctx context.Context, token string) (*rapport.FeedbackLink, error) {
	if !validToken(token) {
		return nil, rapport.NotFound("link")
	}
	var l *rapport.FeedbackLink
	err := db.view(ctx, rapport.Scope{Kind: rapport.ActorCustomer, Via: "portal"}, func(tx *Tx) (err error) {
		l, _, err = tx.findFeedbackLink(token)
		return err
	})
	return l, err
}

// AnswerFeedbackLink records the customer's answer, once per link.
func (db *DB) AnswerFeedbackLink(ctx context.Context, token, addr string, a rapport.FeedbackAnswer) (*rapport.FeedbackLink, error) {
	if !validToken(token) {
		return nil, rapport.NotFound("link")
	}
	a.Normalize()
	if err := a.Validate(); err != nil {
		return nil, err
	}
	var l *rapport.FeedbackLink
	err := db.update(ctx, rapport.Scope{Kind: rapport.ActorCustomer, Via: "portal", Addr: addr}, func(tx *Tx) error {
		var id rapport.ID
		var err error
		if l, id, err = tx.findFeedbackLink(token); err != nil {
			return err
		}
		if l.AnsweredAt != nil {
			return rapport.Errorf(rapport.ECONFLICT, "this link was answered already")
		}
		res, err := tx.exec(`UPDATE feedback_links SET answered_at = $1, confirmed = $2, rating = $3, comment = $4
			WHERE id = $5 AND answered_at IS NULL`, tx.now, *a.Resolved, a.Rating, a.Comment, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rapport.Errorf(rapport.ECONFLICT, "this link was answered already")
		}
		now := tx.now
		l.AnsweredAt, l.Resolved, l.Rating, l.Comment = &now, a.Resolved, a.Rating, a.Comment
		f, err := tx.findFeedbackAnyone(l.FeedbackID)
		if err != nil {
			return err
		}
		return tx.recordAnswer(f, a, "portal")
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// answerNote says an answer in a few words, for the history.
func answerNote(a rapport.FeedbackAnswer) string {
	var parts []string
	if a.Resolved != nil {
		parts = append(parts, map[bool]string{true: "resolved", false: "not resolved"}[*a.Resolved])
	}
	if a.Rating > 0 {
		parts = append(parts, fmt.Sprintf("rated %d/5", a.Rating))
	}
	if a.Comment != "" {
		parts = append(parts, "“"+markdown.Shorten(a.Comment, 300)+"”")
	}
	return strings.Join(parts, ", ")
}

// recordAnswer keeps the customer's answer on feedback f: on the feedback, in its
// history (reopening it when they say it is not resolved) and on the timeline.
func (tx *Tx) recordAnswer(f *rapport.Feedback, a rapport.FeedbackAnswer, channel rapport.Channel) error {
	note := answerNote(a)
	ev := rapport.FeedbackAnswered
	switch {
	case a.Resolved != nil && !*a.Resolved && (f.Status == rapport.FeedbackResolved || f.Status == rapport.FeedbackInformed):
		ev = rapport.FeedbackReopened
		if err := tx.changeFeedbackStatus(f, rapport.FeedbackChange{Status: rapport.FeedbackInProgress}, "the customer answered: "+note); err != nil {
			return err
		}
	case a.Resolved != nil && *a.Resolved:
		ev = rapport.FeedbackConfirmed
		if err := tx.feedbackEvent(f, ev, note); err != nil {
			return err
		}
	default:
		if err := tx.feedbackEvent(f, ev, note); err != nil {
			return err
		}
	}
	var confirmed any
	if a.Resolved != nil {
		confirmed = *a.Resolved
		f.Confirmed = a.Resolved
	} else if f.Confirmed != nil {
		confirmed = *f.Confirmed
	}
	if a.Rating > 0 {
		f.Rating = a.Rating
	}
	if a.Comment != "" {
		f.CustomerComment = a.Comment
		if r := []rune(a.Comment); len(r) > rapport.MaxFeedbackComment {
			f.CustomerComment = string(r[:rapport.MaxFeedbackComment-1]) + "…"
		}
	}
	now := tx.now
	f.AnsweredAt, f.UpdatedAt = &now, now
	if _, err := tx.exec(`UPDATE feedback SET confirmed = $1, rating = $2, customer_comment = $3, answered_at = $4, updated_at = $4
		WHERE id = $5`, confirmed, f.Rating, f.CustomerComment, now, f.ID); err != nil {
		return err
	}
	if !f.CustomerID.IsZero() {
		recorded, err := tx.feedbackRecordedFor(f.ID)
		if err != nil {
			return err
		}
		attrs := map[string]any{"feedback_id": f.ID.String(), "feedback_event": string(rapport.FeedbackAnswered),
			"feedback_kind": string(f.Kind)}
		if a.Resolved != nil {
			attrs["confirmed"] = *a.Resolved
		}
		if a.Rating > 0 {
			attrs["rating"] = a.Rating
		}
		summary := "The customer answered about their " + string(f.Kind)
		if note != "" {
			summary += ": " + markdown.Shorten(note, 150)
		}
		e := entry{customer: f.CustomerID, recorded: recorded, channel: channel, at: now, actorKind: rapport.ActorCustomer,
			actorID: f.CustomerID.String(), summary: summary, body: a.Comment, attrs: attrs}
		if channel == "email" {
			e.typ = "email"
		}
		if err := tx.writeEntry(e); err != nil {
			return err
		}
	}
	return tx.audit("answer", "feedback", f.ID, f.CustomerID, false, string(ev)+": "+note)
}

// ReceiveFeedbackMail logs an e-mail as feedback, or as the answer to what was done.
// Only a message whose sender is verified is a customer's or an answer; any other is
// feedback of no customer, its sender named in the text as not verified.
func (db *DB) ReceiveFeedbackMail(ctx context.Context, s rapport.Scope, m *rapport.IncomingFeedback) (rapport.IntakeResult, error) {
	var res rapport.IntakeResult
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "receive feedback by e-mail"); err != nil {
		return res, err
	}
	if m.MessageID == "" {
		return res, rapport.FieldError("message_id", "an e-mail needs a Message-ID to be taken once")
	}
	if len(m.MessageID) > 200 {
		m.MessageID = "sha256:" + hashSecret(m.MessageID)
	}
	if m.InReplyTo != "" && m.SenderVerified {
		err := db.update(ctx, s, func(tx *Tx) error {
			var ref string
			err := tx.queryRow(`SELECT ref FROM outbox WHERE message_id = $1 AND purpose = $2`, m.InReplyTo,
				rapport.MailFeedbackInformed).Scan(&ref)
			if err == sql.ErrNoRows {
				return nil // not a reply to what was done: new feedback
			} else if err != nil {
				return err
			}
			id, err := rapport.ParseID(ref)
			if err != nil {
				return nil
			}
			f, err := tx.findFeedbackAnyone(id)
			if rapport.ErrorCode(err) == rapport.ENOTFOUND {
				return nil // deleted since: take it as new feedback
			} else if err != nil {
				return err
			}
			res.FeedbackID, res.CustomerID, res.Reply = f.ID, f.CustomerID, true
			var seen int
			if err := tx.queryRow(`SELECT COUNT(*) FROM feedback_replies WHERE message_id = $1`, m.MessageID).Scan(&seen); err != nil {
				return err
			} else if seen > 0 {
				res.Duplicate = true
				return nil
			}
			if _, err := tx.exec(`INSERT INTO feedback_replies (message_id, feedback_id, from_address, body, received_at)
				VALUES ($1, $2, $3, $4, $5)`, m.MessageID, f.ID, m.FromAddress, m.Text, tx.now); err != nil {
				return err
			}
			if err := tx.attachMail(f, m); err != nil {
				return err
			}
			return tx.recordAnswer(f, rapport.FeedbackAnswer{Comment: strings.TrimSpace(m.Text + attachmentNote(m))}, "email")
		})
		if err != nil || res.Reply {
			return res, err
		}
	}

	fb := &rapport.Feedback{Kind: m.Kind, Channel: "email", Source: "email", SourceKey: m.MessageID}
	if fb.Kind == "" {
		fb.Kind = "observation"
	}
	var found []*rapport.Customer
	if m.SenderVerified {
		var err error
		found, _, err = db.FindCustomers(ctx, s, rapport.CustomerFilter{Query: m.FromAddress, Limit: 2})
		if err != nil && rapport.ErrorCode(err) != rapport.EINVALID {
			return res, err
		}
	}
	var text strings.Builder
	if len(found) == 1 {
		fb.CustomerID = found[0].ID
	} else {
		from := m.FromAddress
		if m.FromName != "" {
			from = m.FromName + " <" + m.FromAddress + ">"
		}
		if !m.SenderVerified {
			from += " (sender not verified)"
		}
		text.WriteString("From: " + from + "\n\n")
	}
	if m.Subject != "" {
		text.WriteString(m.Subject + "\n\n")
	}
	text.WriteString(m.Text)
	text.WriteString(attachmentNote(m))
	fb.Text = strings.TrimSpace(text.String())
	if fb.Text == "" {
		fb.Text = "(an empty e-mail)"
	}
	if r := []rune(fb.Text); len(r) > rapport.MaxFeedbackText {
		fb.Text = string(r[:rapport.MaxFeedbackText-1]) + "…"
	}
	created, err := db.CreateFeedback(ctx, s, fb)
	if err != nil {
		return res, err
	}
	res.FeedbackID, res.CustomerID, res.Created, res.Duplicate = fb.ID, fb.CustomerID, created, !created
	// The files go with the feedback in a second step; a retry of the same message
	// (a duplicate) adds those a failure here left out.
	if len(m.Attachments) > 0 {
		err = db.update(ctx, s, func(tx *Tx) error { return tx.attachMail(fb, m) })
	}
	return res, err
}

// attachMail records the files of an e-mail as attachments of feedback f, but for
// those it holds already (by content).
func (tx *Tx) attachMail(f *rapport.Feedback, m *rapport.IncomingFeedback) error {
	for _, a := range m.Attachments {
		var held int
		if err := tx.queryRow(`SELECT COUNT(*) FROM attachments WHERE feedback_id = $1 AND sha256 = $2`, f.ID, a.SHA256).Scan(&held); err != nil {
			return err
		} else if held > 0 {
			continue
		}
		if err := a.Validate(); err != nil {
			return err
		}
		a.FeedbackID, a.CustomerID = f.ID, f.CustomerID
		if err := tx.insertAttachment(a); err != nil {
			return err
		}
	}
	return nil
}

// attachmentNote names the files sent with an e-mail that were not kept.
func attachmentNote(m *rapport.IncomingFeedback) string {
	if len(m.NotKept) == 0 {
		return ""
	}
	return "\n\n[Attached to the e-mail, not kept: " + strings.Join(m.NotKept, ", ") + "]"
}
