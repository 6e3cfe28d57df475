package sqldb

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.ActionService = (*DB)(nil)

const actionColumns = `a.id, a.feedback_id, fb.customer_id, COALESCE(c.name, ''), fb.kind, a.team_id, t.name, a.owner_id,
	COALESCE(o.name, ''), a.title, a.rule_id, a.rule_name, a.fallback, a.service_hours, a.due_at, a.status, a.done_at, a.done_by,
	COALESCE(d.name, ''), a.note, a.escalated_at, a.escalated_to, COALESCE(e.name, ''), a.created_by, a.created_at, a.updated_at`

const actionFrom = `action_items a JOIN feedback fb ON fb.id = a.feedback_id LEFT JOIN customers c ON c.id = fb.customer_id
	JOIN teams t ON t.id = a.team_id LEFT JOIN users o ON o.id = a.owner_id LEFT JOIN users d ON d.id = a.done_by
	LEFT JOIN users e ON e.id = a.escalated_to`

func scanAction(rows Scanner) (*rapport.ActionItem, error) {
	a := &rapport.ActionItem{}
	var done, escalated sql.NullTime
	err := rows.Scan(&a.ID, &a.FeedbackID, &a.CustomerID, &a.CustomerName, &a.FeedbackKind, &a.TeamID, &a.TeamName, &a.OwnerID,
		&a.OwnerName, &a.Title, &a.RuleID, &a.RuleName, &a.Fallback, &a.ServiceLevel, &a.DueAt, &a.Status, &done, &a.DoneBy,
		&a.DoneByName, &a.Note, &escalated, &a.EscalatedTo, &a.EscalatedToName, &a.CreatedBy, &a.CreatedAt, &a.UpdatedAt)
	a.DueAt, a.CreatedAt, a.UpdatedAt = a.DueAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	a.DoneAt, a.EscalatedAt = utcPtr(done), utcPtr(escalated)
	return a, err
}

func (tx *Tx) findAction(id rapport.ID) (*rapport.ActionItem, error) {
	q := &Query{}
	rows, err := queryAll(tx, `SELECT `+actionColumns+` FROM `+actionFrom+` WHERE a.id = `+q.Arg(id)+` AND `+
		visibleFeedback(q, tx.scope), q.Args(), scanAction)
	if err != nil {
		return nil, err
	} else if len(rows) == 0 {
		return nil, rapport.NotFound("action item")
	}
	return rows[0], nil
}

// actionOrder puts first what the reader must act on: open items escalated to them,
// then open items, overdue (earliest due) first, then done ones, latest done first.
func actionOrder(q *Query, s rapport.Scope) string {
	me := "0"
	if s.Kind == rapport.ActorStaff {
		me = `CASE WHEN a.status = 'open' AND a.escalated_to = ` + q.Arg(s.UserID) + ` THEN 0 ELSE 1 END`
	}
	return me + `, CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, CASE WHEN a.status = 'open' THEN a.due_at END,
		a.done_at DESC, a.id`
}

// FindActions lists the action items the scope may see, most urgent first. Pages
// are counted by offset: the order changes as items fall due.
func (db *DB) FindActions(ctx context.Context, s rapport.Scope, f rapport.ActionFilter) ([]*rapport.ActionItem, string, error) {
	if err := requireStaff(s, "action item"); err != nil {
		return nil, "", err
	}
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	offset := 0
	if f.Cursor != "" {
		parts, err := decodeCursor(f.Cursor, 1)
		if err == nil {
			offset, err = strconv.Atoi(parts[0])
		}
		if err != nil || offset < 0 {
			return nil, "", badCursor()
		}
	}
	n := limit(f.Limit, 50, 500)
	var out []*rapport.ActionItem
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = tx.findActions(f, n+1, offset)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out, next = out[:n], encodeCursor(strconv.Itoa(offset+n))
	}
	if out == nil {
		out = []*rapport.ActionItem{}
	}
	if !f.FeedbackID.IsZero() && len(out) > 0 && !out[0].CustomerID.IsZero() {
		return out, next, db.auditRead(ctx, s, "feedback", f.FeedbackID, out[0].CustomerID, "action items")
	}
	return out, next, nil
}

func (tx *Tx) findActions(f rapport.ActionFilter, n, offset int) ([]*rapport.ActionItem, error) {
	q := &Query{}
	conds := []string{visibleFeedback(q, tx.scope)}
	if tx.scope.Kind == rapport.ActorStaff && (f.Whose == rapport.ActionsMine || f.Whose == rapport.ActionsTeams) {
		me := q.Arg(tx.scope.UserID)
		switch f.Whose {
		case rapport.ActionsMine:
			conds = append(conds, `(a.owner_id = `+me+` OR a.escalated_to = `+me+`)`)
		case rapport.ActionsTeams:
			conds = append(conds, `(a.owner_id = `+me+` OR a.escalated_to = `+me+
				` OR a.team_id IN (SELECT team_id FROM team_members WHERE user_id = `+me+`))`)
		}
	}
	if f.Status != "" {
		conds = append(conds, "a.status = "+q.Arg(string(f.Status)))
	}
	if !f.FeedbackID.IsZero() {
		conds = append(conds, "a.feedback_id = "+q.Arg(f.FeedbackID))
	}
	if !f.ThemeID.IsZero() {
		conds = append(conds, "fb.theme_id = "+q.Arg(f.ThemeID))
	}
	if !f.TeamID.IsZero() {
		conds = append(conds, "a.team_id = "+q.Arg(f.TeamID))
	}
	if f.Overdue {
		conds = append(conds, "a.status = 'open' AND a.due_at < "+q.Arg(tx.now))
	}
	order := "a.created_at, a.id" // a feedback's items in the order they were made
	if f.FeedbackID.IsZero() {
		order = actionOrder(q, tx.scope)
	}
	return queryAll(tx, `SELECT `+actionColumns+` FROM `+actionFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY `+order+` LIMIT `+strconv.Itoa(n)+` OFFSET `+strconv.Itoa(offset), q.Args(), scanAction)
}

// FindActionByID returns an action item of visible feedback and records the read.
func (db *DB) FindActionByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.ActionItem, error) {
	if err := requireStaff(s, "action item"); err != nil {
		return nil, err
	}
	var a *rapport.ActionItem
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		a, err = tx.findAction(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, db.auditRead(ctx, s, "action_item", a.ID, a.CustomerID, "")
}

// attachActions fills in the action items of each feedback of a list, in one query.
func (tx *Tx) attachActions(list []*rapport.Feedback) error {
	return tx.reads(func(b *batch) { b.attachActions(list) })
}

// attachActions reads the action items of each feedback in list into it.
func (b *batch) attachActions(list []*rapport.Feedback) {
	if len(list) == 0 {
		return
	}
	q := &Query{}
	ids := make([]any, len(list))
	byID := make(map[rapport.ID][]*rapport.Feedback, len(list))
	for i, f := range list {
		ids[i], byID[f.ID] = f.ID, append(byID[f.ID], f)
		f.ActionItems = nil
	}
	b.query(`SELECT a.feedback_id, a.id, a.team_id, t.name, COALESCE(o.name, ''), a.status, a.due_at, a.escalated_at
		FROM action_items a JOIN teams t ON t.id = a.team_id LEFT JOIN users o ON o.id = a.owner_id
		WHERE a.feedback_id IN `+q.In(ids...)+` ORDER BY a.created_at, a.id`, q.Args(), func(rows Scanner) error {
		var fid rapport.ID
		var r rapport.ActionRef
		var escalated sql.NullTime
		if err := rows.Scan(&fid, &r.ID, &r.TeamID, &r.TeamName, &r.OwnerName, &r.Status, &r.DueAt, &escalated); err != nil {
			return err
		}
		r.DueAt, r.EscalatedAt = r.DueAt.UTC(), utcPtr(escalated)
		for _, f := range byID[fid] {
			f.ActionItems = append(f.ActionItems, r)
		}
		return nil
	})
}

// insertAction writes a new action item and its audit event and, for feedback with a
// customer, its timeline entry.
func (tx *Tx) insertAction(f *rapport.Feedback, a *rapport.ActionItem) error {
	a.ID, a.FeedbackID, a.CustomerID, a.CustomerName, a.FeedbackKind = rapport.NewID(), f.ID, f.CustomerID, f.CustomerName, f.Kind
	a.Status, a.CreatedAt, a.UpdatedAt = rapport.ActionOpen, tx.now, tx.now
	if a.Title == "" {
		a.Title = rapport.ActionTitle(f)
	}
	if tx.scope.Kind == rapport.ActorStaff {
		a.CreatedBy = tx.scope.UserID
	}
	if _, err := tx.exec(`INSERT INTO action_items (id, feedback_id, team_id, owner_id, title, rule_id, rule_name, fallback,
		service_hours, due_at, status, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		a.ID, a.FeedbackID, a.TeamID, a.OwnerID, a.Title, a.RuleID, a.RuleName, a.Fallback, int(a.ServiceLevel), a.DueAt,
		string(a.Status), a.CreatedBy, tx.now, tx.now); err != nil {
		return err
	}
	if err := tx.actionEntry(a, rapport.ActionCreated, ""); err != nil {
		return err
	}
	how := "by hand"
	switch {
	case a.RuleName != "":
		how = "by rule " + a.RuleName
	case a.Fallback:
		how = "to the fallback team"
	}
	return tx.audit("create", "action_item", a.ID, f.CustomerID, false, fmt.Sprintf("%s for %s, %s: %s", a.TeamName, f.Kind, how, a.Title))
}

// actionEntry writes the timeline entry of an event of an action item of feedback
// with a customer: an interaction whose attributes name the item, the event, the
// feedback and the team, so that segment rules can see them. It lands on the
// customer the feedback was recorded for, and so follows merges and unmerges as the
// feedback does.
func (tx *Tx) actionEntry(a *rapport.ActionItem, ev rapport.ActionEvent, detail string) error {
	if a.CustomerID.IsZero() {
		return nil
	}
	recorded, err := tx.feedbackRecordedFor(a.FeedbackID)
	if err != nil {
		return err
	}
	what := map[rapport.ActionEvent]string{rapport.ActionCreated: "for", rapport.ActionFinished: "done by",
		rapport.ActionReopened: "reopened for", rapport.ActionEscalated: "escalated in"}[ev]
	return tx.writeEntry(entry{customer: a.CustomerID, recorded: recorded, summary: "Action item " + what + " " + a.TeamName + ": " + a.Title,
		body: detail, attrs: map[string]any{"action_id": a.ID.String(), "action_event": string(ev), "feedback_id": a.FeedbackID.String(),
			"feedback_kind": string(a.FeedbackKind), "team": a.TeamName}})
}

// route applies the rules to feedback: every matching rule makes an item for its team,
// unless the team has one on this feedback already (from an earlier rule, or before a
// route again); no match at all sends it to the fallback team, if one is set and has
// none. It returns the items made.
func (tx *Tx) route(f *rapport.Feedback) ([]*rapport.ActionItem, error) {
	rules, err := tx.routingRules()
	if err != nil {
		return nil, err
	}
	settings, err := tx.routingSettings()
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 && settings.FallbackTeamID.IsZero() {
		return nil, nil
	}
	var value *float64
	if !f.CustomerID.IsZero() {
		var v float64
		err := tx.queryRow(`SELECT lifetime_value FROM customer_values WHERE customer_id = $1`, f.CustomerID).Scan(&v)
		if err == nil {
			value = &v
		} else if err != sql.ErrNoRows {
			return nil, err
		}
	}
	has := map[rapport.ID]bool{}
	teams, err := queryAll(tx, `SELECT team_id FROM action_items WHERE feedback_id = $1`, []any{f.ID},
		func(rows Scanner) (id rapport.ID, err error) { return id, rows.Scan(&id) })
	if err != nil {
		return nil, err
	}
	for _, id := range teams {
		has[id] = true
	}
	var made []*rapport.ActionItem
	matched := false
	for _, r := range rules {
		if !r.Matches(f, value) {
			continue
		}
		matched = true
		if has[r.TeamID] {
			continue
		}
		has[r.TeamID] = true
		a := &rapport.ActionItem{TeamID: r.TeamID, TeamName: r.TeamName, OwnerID: r.OwnerID, OwnerName: r.OwnerName,
			Title: r.Title, RuleID: r.ID, RuleName: r.Name, ServiceLevel: r.ServiceLevel, DueAt: tx.now.Add(r.ServiceLevel.Duration())}
		if err := tx.insertAction(f, a); err != nil {
			return nil, err
		}
		made = append(made, a)
	}
	if !matched && !settings.FallbackTeamID.IsZero() && !has[settings.FallbackTeamID] {
		a := &rapport.ActionItem{TeamID: settings.FallbackTeamID, TeamName: settings.FallbackTeamName, Fallback: true,
			ServiceLevel: settings.FallbackServiceLevel, DueAt: tx.now.Add(settings.FallbackServiceLevel.Duration())}
		if err := tx.insertAction(f, a); err != nil {
			return nil, err
		}
		made = append(made, a)
	}
	return made, nil
}

// RouteFeedback applies the current rules to visible feedback again.
func (db *DB) RouteFeedback(ctx context.Context, s rapport.Scope, feedbackID rapport.ID) ([]*rapport.ActionItem, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "route feedback"); err != nil {
		return nil, err
	}
	var made []*rapport.ActionItem
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		f, err := tx.findFeedback(feedbackID)
		if err != nil {
			return err
		}
		made, err = tx.route(f)
		return err
	})
	if made == nil {
		made = []*rapport.ActionItem{}
	}
	return made, err
}

// CreateAction adds an action item to visible feedback by hand.
func (db *DB) CreateAction(ctx context.Context, s rapport.Scope, feedbackID rapport.ID, n rapport.NewAction) (*rapport.ActionItem, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "add action items"); err != nil {
		return nil, err
	}
	if err := n.Validate(db.Now()); err != nil {
		return nil, err
	}
	var a *rapport.ActionItem
	err := db.update(ctx, s, func(tx *Tx) error {
		f, err := tx.findFeedback(feedbackID)
		if err != nil {
			return err
		}
		team, owner, err := tx.checkTeamOwner(n.TeamID, n.OwnerID)
		if err != nil {
			return err
		}
		a = &rapport.ActionItem{TeamID: n.TeamID, TeamName: team, OwnerID: n.OwnerID, OwnerName: owner, Title: n.Title,
			ServiceLevel: n.ServiceLevel, DueAt: n.DueAt.UTC().Truncate(time.Microsecond)}
		if n.DueAt.IsZero() {
			a.DueAt = tx.now.Add(n.ServiceLevel.Duration())
		} else {
			// The service level of an item with a due time is that time from now, in
			// whole hours, at least one.
			a.ServiceLevel = max(1, rapport.ServiceLevel(a.DueAt.Sub(tx.now).Round(time.Hour)/time.Hour))
		}
		return tx.insertAction(f, a)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateAction changes the owner, due time or status of an action item of visible
// feedback. Finishing and reopening write timeline entries.
func (db *DB) UpdateAction(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.ActionUpdate) (*rapport.ActionItem, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change action items"); err != nil {
		return nil, err
	}
	if err := u.Validate(db.Now()); err != nil {
		return nil, err
	}
	var a *rapport.ActionItem
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if a, err = tx.findAction(id); err != nil {
			return err
		}
		if err := tx.changeAction(a, u); err != nil {
			return err
		}
		a, err = tx.findAction(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// changeAction makes the change u to a: one statement, a timeline entry when it is
// finished or reopened, and the audit.
func (tx *Tx) changeAction(a *rapport.ActionItem, u rapport.ActionUpdate) (err error) {
	var changes []string
	if u.OwnerID != nil && *u.OwnerID != a.OwnerID {
		if _, a.OwnerName, err = tx.checkTeamOwner(a.TeamID, *u.OwnerID); err != nil {
			return err
		}
		a.OwnerID = *u.OwnerID
		changes = append(changes, "owner "+or(a.OwnerName, "none"))
	}
	if u.DueAt != nil {
		a.DueAt = u.DueAt.UTC().Truncate(time.Microsecond)
		changes = append(changes, "due "+a.DueAt.Format(time.RFC3339))
	}
	var ev rapport.ActionEvent
	if u.Status != nil && *u.Status != a.Status {
		now := tx.now
		a.Status = *u.Status
		if a.Status == rapport.ActionDone {
			a.DoneAt, a.DoneBy, ev = &now, rapport.ID{}, rapport.ActionFinished
			if tx.scope.Kind == rapport.ActorStaff {
				a.DoneBy = tx.scope.UserID
			}
		} else {
			a.DoneAt, a.DoneBy, a.Note, ev = nil, rapport.ID{}, "", rapport.ActionReopened
		}
		changes = append(changes, string(ev))
	}
	if u.Note != nil && (a.Status == rapport.ActionDone || *u.Note == "") {
		a.Note = *u.Note
	} else if u.Note != nil {
		return rapport.FieldError("note", "a note goes with finishing the item: send status done with it")
	}
	a.UpdatedAt = tx.now
	if _, err := tx.exec(`UPDATE action_items SET owner_id = $1, due_at = $2, status = $3, done_at = $4, done_by = $5, note = $6,
		updated_at = $7 WHERE id = $8`, a.OwnerID, a.DueAt, string(a.Status), a.DoneAt, a.DoneBy, a.Note, tx.now, a.ID); err != nil {
		return err
	}
	if ev != "" {
		if err := tx.actionEntry(a, ev, a.Note); err != nil {
			return err
		}
	}
	return tx.audit("update", "action_item", a.ID, a.CustomerID, false, a.TeamName+": "+strings.Join(changes, ", "))
}

// closeActions marks the open action items of feedback done with a note of why, each
// audited and on the timeline like any item finished: feedback that needs no more work
// leaves no item to fall overdue and be escalated.
func (tx *Tx) closeActions(feedbackID rapport.ID, note string) error {
	open, err := queryAll(tx, `SELECT `+actionColumns+` FROM `+actionFrom+` WHERE a.feedback_id = $1 AND a.status = 'open'
		ORDER BY a.created_at, a.id`, []any{feedbackID}, scanAction)
	if err != nil {
		return err
	}
	done := rapport.ActionDone
	for _, a := range open {
		if err := tx.changeAction(a, rapport.ActionUpdate{Status: &done, Note: &note}); err != nil {
			return err
		}
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// EscalateOverdue escalates every open action item due before now that was not
// escalated yet: to the team's manager (the first active member with the role
// manager, by name), else the first active admin. Each is audited and, with a
// customer, written on the timeline. The items go in transactions of
// EscalateChunk, the earliest due first; on an error it returns what the transactions
// before had escalated, with the error.
func (db *DB) EscalateOverdue(ctx context.Context, s rapport.Scope, now time.Time) ([]rapport.Escalation, error) {
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "escalate action items"); err != nil {
		return nil, err
	}
	chunk := cmp.Or(db.EscalateChunk, 1000)
	var out []rapport.Escalation
	var last *rapport.ActionItem // where the chunk before ended: items nobody could take stay behind it
	for {
		var due []*rapport.ActionItem
		var escalated []rapport.Escalation
		err := db.update(ctx, s, func(tx *Tx) error {
			q := &Query{}
			after := ""
			if last != nil {
				after = fmt.Sprintf(` AND (a.due_at, a.id) > (%s, %s)`, q.Arg(last.DueAt.UTC()), q.Arg(last.ID))
			}
			var err error
			due, err = queryAll(tx, `SELECT `+actionColumns+` FROM `+actionFrom+`
				WHERE a.status = 'open' AND a.due_at < `+q.Arg(now.UTC())+` AND a.escalated_at IS NULL`+after+`
				ORDER BY a.due_at, a.id LIMIT `+strconv.Itoa(chunk), q.Args(), scanAction)
			if err != nil {
				return err
			}
			escalated, err = tx.escalate(due)
			return err
		})
		if err != nil {
			return out, err
		}
		out = append(out, escalated...)
		if len(due) < chunk {
			return out, nil
		}
		last = due[len(due)-1]
	}
}

// escalate escalates the due items to their teams' managers (else an admin), skipping
// those nobody can take.
func (tx *Tx) escalate(due []*rapport.ActionItem) ([]rapport.Escalation, error) {
	var out []rapport.Escalation
	managers := map[rapport.ID]*rapport.UserRef{}
	for _, a := range due {
		to, ok := managers[a.TeamID]
		if !ok {
			var err error
			if to, err = tx.escalationTarget(a.TeamID); err != nil {
				return nil, err
			}
			managers[a.TeamID] = to
		}
		if to == nil {
			continue // nobody to escalate to: no manager and no admin
		}
		at := tx.now
		// Another server's run may have escalated it since it was read.
		res, err := tx.exec(`UPDATE action_items SET escalated_at = $1, escalated_to = $2, updated_at = $1
			WHERE id = $3 AND escalated_at IS NULL`, at, to.ID, a.ID)
		if err != nil {
			return nil, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		a.EscalatedAt, a.EscalatedTo, a.EscalatedToName = &at, to.ID, to.Name
		if err := tx.actionEntry(a, rapport.ActionEscalated, "escalated to "+to.Name); err != nil {
			return nil, err
		}
		if err := tx.audit("escalate", "action_item", a.ID, a.CustomerID, false,
			fmt.Sprintf("%s, due %s, escalated to %s", a.TeamName, a.DueAt.Format(time.RFC3339), to.Name)); err != nil {
			return nil, err
		}
		out = append(out, rapport.Escalation{Action: a, To: *to})
	}
	return out, nil
}

// scanUserRef reads id, name and e-mail of a user.
func scanUserRef(rows Scanner) (u rapport.UserRef, err error) {
	return u, rows.Scan(&u.ID, &u.Name, &u.Email)
}

// escalationTarget is whom a team's overdue items go to: its manager, else an admin.
func (tx *Tx) escalationTarget(teamID rapport.ID) (*rapport.UserRef, error) {
	users, err := queryAll(tx, `SELECT u.id, u.name, u.email FROM users u JOIN team_members tm ON tm.user_id = u.id
		WHERE tm.team_id = $1 AND u.role = 'manager' AND u.active = TRUE ORDER BY u.name, u.id LIMIT 1`, []any{teamID}, scanUserRef)
	if err != nil || len(users) > 0 {
		if len(users) > 0 {
			return &users[0], nil
		}
		return nil, err
	}
	users, err = queryAll(tx, `SELECT id, name, email FROM users WHERE role = 'admin' AND active = TRUE ORDER BY name, id LIMIT 1`, nil, scanUserRef)
	if err != nil || len(users) == 0 {
		return nil, err
	}
	return &users[0], nil
}
