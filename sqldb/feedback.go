package sqldb

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
	"github.com/rapportckm/rapport/sentiment"
)

var _ rapport.FeedbackService = (*DB)(nil)

const feedbackColumns = `fb.id, fb.customer_id, COALESCE(c.name, ''), fb.kind, fb.text, fb.channel, fb.product, fb.area, fb.severity,
	fb.sentiment, fb.status, fb.heard_by, COALESCE(hb.name, ''), fb.heard_at, COALESCE(src.name, ''), COALESCE(fb.source_key, ''),
	fb.created_by, fb.created_at, fb.updated_at, fb.triaged_at, fb.started_at, fb.resolved_at, fb.resolved_by, fb.resolution,
	fb.informed_at, fb.informed_by, fb.informed_via, fb.confirmed, fb.rating, fb.customer_comment, fb.answered_at, fb.note_id, fb.theme_id, COALESCE(th.name, ''), COALESCE(th.label, '')`

const feedbackFrom = `feedback fb LEFT JOIN customers c ON c.id = fb.customer_id LEFT JOIN users hb ON hb.id = fb.heard_by
	LEFT JOIN sources src ON src.id = fb.source_id LEFT JOIN themes th ON th.id = fb.theme_id`

func scanFeedback(rows Scanner) (*rapport.Feedback, error) { return scanFeedbackWith(rows) }

// scanFeedbackWith scans feedbackColumns and then the extra columns selected after
// them into extra.
func scanFeedbackWith(rows Scanner, extra ...any) (*rapport.Feedback, error) {
	f := &rapport.Feedback{}
	var triaged, started, resolved, informed, answered sql.NullTime
	var confirmed sql.NullBool
	var themeName, themeLabel string
	err := rows.Scan(append([]any{&f.ID, &f.CustomerID, &f.CustomerName, &f.Kind, &f.Text, &f.Channel, &f.Product, &f.Area, &f.Severity,
		&f.Sentiment, &f.Status, &f.HeardBy, &f.HeardByName, &f.HeardAt, &f.Source, &f.SourceKey,
		&f.CreatedBy, &f.CreatedAt, &f.UpdatedAt, &triaged, &started, &resolved, &f.ResolvedBy, &f.Resolution,
		&informed, &f.InformedBy, &f.InformedVia, &confirmed, &f.Rating, &f.CustomerComment, &answered, &f.NoteID, &f.ThemeID, &themeName, &themeLabel}, extra...)...)
	if !f.ThemeID.IsZero() {
		f.ThemeTitle = (&rapport.Theme{Name: themeName, Label: themeLabel}).Title()
	}
	f.HeardAt, f.CreatedAt, f.UpdatedAt = f.HeardAt.UTC(), f.CreatedAt.UTC(), f.UpdatedAt.UTC()
	f.TriagedAt, f.StartedAt, f.ResolvedAt, f.InformedAt = utcPtr(triaged), utcPtr(started), utcPtr(resolved), utcPtr(informed)
	f.AnsweredAt = utcPtr(answered)
	if confirmed.Valid {
		f.Confirmed = &confirmed.Bool
	}
	return f, err
}

// visibleFeedback is the condition that the scope may see feedback: feedback without
// a customer is for all staff; with one, only if the customer is visible.
func visibleFeedback(q *Query, s rapport.Scope) string {
	return `(fb.customer_id IS NULL OR ` + visibleCustomer(q, s, "fb.customer_id") + `)`
}

// fromCustomer is the condition that the customer gave feedback fb themselves, as
// rapport.Feedback.FromCustomer says: no staff heard it, no note, no observation but
// the intake's e-mail. (Staff users are deactivated, never deleted, so heard_by is not
// emptied behind its back.)
const fromCustomer = `(fb.heard_by IS NULL AND fb.note_id IS NULL AND (fb.kind <> 'observation' OR
	(fb.channel = 'email' AND fb.source_id IN (SELECT id FROM sources WHERE name = 'email'))))`

// CreateFeedback logs feedback, scores its sentiment and writes its timeline entry.
func (db *DB) CreateFeedback(ctx context.Context, s rapport.Scope, f *rapport.Feedback) (bool, error) {
	// Every member of staff may log what they heard, as every one may write notes.
	if err := rapport.Require(s.CanWriteNotes(), "log feedback"); err != nil {
		return false, err
	}
	f.Normalize()
	if err := f.Validate(db.Now()); err != nil {
		return false, err
	}
	created := false
	err := db.update(ctx, s, func(tx *Tx) error {
		var source rapport.ID
		if f.Source != "" {
			ids, err := tx.sourceIDs([]string{f.Source}, true)
			if err != nil {
				return err
			}
			source = ids[f.Source]
			var id rapport.ID
			err = tx.queryRow(`SELECT id FROM feedback WHERE source_id = $1 AND source_key = $2`, source, f.SourceKey).Scan(&id)
			switch {
			case err == nil:
				stored, err := tx.findFeedback(id)
				if rapport.ErrorCode(err) == rapport.ENOTFOUND {
					return rapport.FieldError("source_id", "feedback %q of source %q is logged already, for a customer not found", f.SourceKey, f.Source)
				} else if err != nil {
					return err
				}
				*f = *stored
				return nil
			case err != sql.ErrNoRows:
				return err
			}
		}
		if !f.CustomerID.IsZero() {
			if _, err := tx.findCustomerKind(f.CustomerID); err != nil {
				return err
			}
		}
		if !f.NoteID.IsZero() {
			// The note must be one the scope may read, about the same customer.
			n, err := tx.findNote(f.NoteID)
			if rapport.ErrorCode(err) == rapport.ENOTFOUND || (err == nil && n.CustomerID != f.CustomerID) {
				return rapport.FieldError("note_id", "no note %s of this customer that you may read", f.NoteID)
			} else if err != nil {
				return err
			}
		}
		if f.HeardBy.IsZero() && tx.scope.Kind == rapport.ActorStaff {
			f.HeardBy = tx.scope.UserID
		}
		if !f.HeardBy.IsZero() {
			var active bool
			err := tx.queryRow(`SELECT name, active FROM users WHERE id = $1`, f.HeardBy).Scan(&f.HeardByName, &active)
			if err == sql.ErrNoRows || (err == nil && !active) {
				return rapport.FieldError("heard_by", "heard_by must be an active staff user; no such user %s", f.HeardBy)
			} else if err != nil {
				return err
			}
		}
		if f.CustomerID.IsZero() {
			f.CustomerName = ""
		} else if err := tx.queryRow(`SELECT name FROM customers WHERE id = $1`, f.CustomerID).Scan(&f.CustomerName); err != nil {
			return err
		}
		f.ID, f.CreatedAt, f.UpdatedAt = rapport.NewID(), tx.now, tx.now
		if f.HeardAt.IsZero() {
			f.HeardAt = tx.now
		}
		f.CreatedBy = rapport.ID{}
		if tx.scope.Kind == rapport.ActorStaff {
			f.CreatedBy = tx.scope.UserID
		}
		created = true
		f.Sentiment = sentiment.Text(f.Text).Compound
		return tx.insertFeedback(f, source, string(f.Kind)+": "+markdown.Shorten(f.Text, 80))
	})
	if err != nil {
		return false, err
	}
	return created, nil
}

// insertFeedback stores new feedback, ready and scored for sentiment (from the
// customer's words, or from a survey's score when there are none), and does what logging
// feedback does on every channel: its timeline entry, the audit, a theme within
// seconds (the assigner's job) and its routing to action items, all in the
// transaction.
func (tx *Tx) insertFeedback(f *rapport.Feedback, source rapport.ID, detail string) error {
	var sourceKey any
	if f.SourceKey != "" {
		sourceKey = f.SourceKey
	}
	if _, err := tx.exec(`INSERT INTO feedback (id, customer_id, recorded_customer_id, kind, text, channel, product, area, severity,
		sentiment, status, heard_by, heard_at, source_id, source_key, created_by, created_at, updated_at, note_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		f.ID, f.CustomerID, f.CustomerID, string(f.Kind), f.Text, string(f.Channel), f.Product, f.Area, string(f.Severity),
		f.Sentiment, string(f.Status), f.HeardBy, f.HeardAt, source, sourceKey, f.CreatedBy, tx.now, tx.now, f.NoteID); err != nil {
		return err
	}
	if !f.CustomerID.IsZero() {
		if err := tx.feedbackEntry(f); err != nil {
			return err
		}
	}
	if err := tx.audit("create", "feedback", f.ID, f.CustomerID, false, detail); err != nil {
		return err
	}
	// The assigner puts it in a theme within seconds (see sqldb/theme.go).
	if err := tx.enqueueJob(rapport.JobThemeAssign, 0); err != nil {
		return err
	}
	// Routing is part of logging, for every channel: the action items are made
	// in the same transaction (routing.go).
	made, err := tx.route(f)
	f.ActionItems = nil
	for _, a := range made {
		f.ActionItems = append(f.ActionItems, rapport.ActionRef{ID: a.ID, TeamID: a.TeamID, TeamName: a.TeamName,
			OwnerName: a.OwnerName, Status: a.Status, DueAt: a.DueAt})
	}
	return err
}

// feedbackEntry writes feedback's entry on its customer's timeline: an interaction of
// the type of its channel, whose attributes name the feedback, its kind and sentiment,
// so that segment rules and the playbook's questions can see it.
func (tx *Tx) feedbackEntry(f *rapport.Feedback) error {
	typ := map[rapport.Channel]string{"phone": "call", "email": "email", "sms": "sms", "chat": "chat",
		"in_person": "meeting", "post": "letter"}[f.Channel]
	kind := string(f.Kind)
	summary := strings.ToUpper(kind[:1]) + kind[1:] + ": " + markdown.Shorten(f.Text, 120)
	attrs := map[string]any{"feedback_id": f.ID.String(), "feedback_kind": kind, "sentiment": f.Sentiment,
		"severity": string(f.Severity)}
	if f.Product != "" {
		attrs["product"] = f.Product
	}
	if f.Area != "" {
		attrs["area"] = f.Area
	}
	e := entry{customer: f.CustomerID, typ: typ, channel: f.Channel, at: f.HeardAt, summary: summary, body: f.Text, attrs: attrs}
	switch {
	case !f.HeardBy.IsZero():
		e.actorKind, e.actorID = rapport.ActorStaff, f.HeardBy.String()
	case f.Source != "":
		e.actorKind, e.actorID = tx.scope.Kind, f.Source
	}
	return tx.writeEntry(e)
}

// FindFeedbackByID returns feedback the scope may see and records the read.
func (db *DB) FindFeedbackByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Feedback, error) {
	var f *rapport.Feedback
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		f, err = tx.findFeedback(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, db.auditRead(ctx, s, "feedback", f.ID, f.CustomerID, "")
}

func (tx *Tx) findFeedback(id rapport.ID) (*rapport.Feedback, error) {
	q := &Query{}
	rows, err := queryAll(tx, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+` WHERE fb.id = `+q.Arg(id)+
		` AND `+visibleFeedback(q, tx.scope), q.Args(), scanFeedback)
	if err != nil {
		return nil, err
	} else if len(rows) == 0 {
		return nil, rapport.NotFound("feedback")
	}
	return rows[0], tx.attachActions(rows)
}

// FindFeedback lists the feedback the scope may see, newest heard first.
func (db *DB) FindFeedback(ctx context.Context, s rapport.Scope, f rapport.FeedbackFilter) ([]*rapport.Feedback, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	var out []*rapport.Feedback
	var next string
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if !f.CustomerID.IsZero() {
			if _, err := tx.findCustomerKind(f.CustomerID); err != nil {
				return err
			}
		}
		out, next, err = tx.findFeedbackPage(f)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if !f.CustomerID.IsZero() {
		return out, next, db.auditRead(ctx, s, "feedback", rapport.ID{}, f.CustomerID, "")
	}
	return out, next, nil
}

func (tx *Tx) findFeedbackPage(f rapport.FeedbackFilter) (out []*rapport.Feedback, next string, err error) {
	if err := tx.reads(func(b *batch) { b.feedbackPage(f, &out, &next) }); err != nil {
		return nil, "", err
	}
	return out, next, tx.attachActions(out)
}

// feedbackPage reads into out a page of the feedback f chooses, without its action
// items, and the cursor of the next into next.
func (b *batch) feedbackPage(f rapport.FeedbackFilter, out *[]*rapport.Feedback, next *string) {
	n := limit(f.Limit, 50, 500)
	q := &Query{}
	conds := []string{visibleFeedback(q, b.tx.scope)}
	if !f.CustomerID.IsZero() {
		conds = append(conds, "fb.customer_id = "+q.Arg(f.CustomerID))
	}
	if f.Kind != "" {
		conds = append(conds, "fb.kind = "+q.Arg(string(f.Kind)))
	}
	if f.Status != "" {
		conds = append(conds, "fb.status = "+q.Arg(string(f.Status)))
	}
	conds, err := pastCursor(q, conds, f.Cursor, "fb.heard_at", "fb.id")
	if err != nil {
		b.fail(err)
		return
	}
	var rows []*rapport.Feedback
	appendRows(b, &rows, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY fb.heard_at DESC, fb.id DESC LIMIT `+strconv.Itoa(n+1), q.Args(), scanFeedback)
	b.then(func() error {
		*out, *next = pageOf(rows, n, func(f *rapport.Feedback) (time.Time, rapport.ID) { return f.HeardAt, f.ID })
		if *out == nil {
			*out = []*rapport.Feedback{}
		}
		return nil
	})
}

// customerFeedback reads into cf a customer's latest feedback, what is open, and how
// much there is, without their action items. The caller has checked that the scope
// may see the customer.
func (b *batch) customerFeedback(customerID rapport.ID, n int, cf *rapport.CustomerFeedback) {
	// All of it and what is open (not yet resolved: an open item of business), in one read.
	const open = `fb.status IN ('new', 'triaged', 'in_progress')`
	b.queryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+open+` THEN 1 ELSE 0 END), 0) FROM feedback fb
		WHERE fb.customer_id = $1`, []any{customerID}, nil, &cf.Count, &cf.OpenCount)
	var next string
	b.feedbackPage(rapport.FeedbackFilter{CustomerID: customerID, Limit: n}, &cf.Recent, &next)
	// The open ones, oldest first.
	appendRows(b, &cf.Open, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+` WHERE fb.customer_id = $1 AND `+open+
		` ORDER BY fb.heard_at, fb.id LIMIT `+strconv.Itoa(n), []any{customerID}, scanFeedback)
}
