package sqldb

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

var _ rapport.IdentityService = (*DB)(nil)

// mergeUndo is what undoing a merge needs.
type mergeUndo struct {
	Members   []rapport.ID      `json:"members"`    // customers merged into the merged one before, moved with it
	Notes     []rapport.ID      `json:"notes"`      // notes moved to the target
	LinksFrom []rapport.ID      `json:"links_from"` // links whose from_id moved to the target
	LinksTo   []rapport.ID      `json:"links_to"`   // links whose to_id moved to the target
	Before    *rapport.Customer `json:"before"`     // the target's profile before the merge
	After     *rapport.Customer `json:"after"`      // and after
}

// MergeCustomers merges mergedID into targetID.
func (db *DB) MergeCustomers(ctx context.Context, s rapport.Scope, targetID, mergedID rapport.ID, reason rapport.MergeReason, probability float64) (*rapport.Merge, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "merge customers"); err != nil {
		return nil, err
	}
	// Help centre views queued before are written first, so that they move too.
	if err := db.flushViews(ctx); err != nil {
		return nil, err
	}
	var m *rapport.Merge
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if m, err = tx.merge(targetID, mergedID, reason, probability); err != nil {
			return err
		}
		// Answered as the list of merges shows it, with the names and e-mail filled in.
		ms, err := tx.findMerges(`m.id = $1`, m.ID)
		if err == nil && len(ms) == 1 {
			m = ms[0]
		}
		return err
	})
	return m, err
}

func (tx *Tx) merge(targetID, mergedID rapport.ID, reason rapport.MergeReason, probability float64) (*rapport.Merge, error) {
	if targetID == mergedID {
		return nil, rapport.FieldError("merged_id", "a customer cannot be merged into itself")
	}
	// Both locked before they are checked: a merge of either made meanwhile is then seen.
	if err := tx.lockRows("customers", targetID, mergedID); err != nil {
		return nil, err
	}
	target, err := tx.findCustomer(targetID)
	if err != nil {
		return nil, err
	}
	merged, err := tx.findCustomer(mergedID)
	if err != nil {
		return nil, err
	}
	switch {
	case !target.MergedInto.IsZero():
		return nil, rapport.Errorf(rapport.ECONFLICT, "%s was merged into another customer: merge into that one", target.Name)
	case !merged.MergedInto.IsZero():
		return nil, rapport.Errorf(rapport.ECONFLICT, "%s is already merged into another customer", merged.Name)
	case target.Kind != merged.Kind:
		return nil, rapport.FieldError("merged_id", "%s is a %s and %s a %s: only customers of the same kind can be merged",
			target.Name, target.Kind, merged.Name, merged.Kind)
	}
	undo := mergeUndo{Before: cloneCustomer(target)}
	targetRecords, err := tx.contributionsOrSnapshot(target)
	if err != nil {
		return nil, err
	}
	mergedRecords, err := tx.contributionsOrSnapshot(merged)
	if err != nil {
		return nil, err
	}
	target.Combine(merged) // the fields outside the golden record
	if err := tx.chooseGolden(target, append(targetRecords, mergedRecords...)); err != nil {
		return nil, err
	}
	if err := target.Validate(); err != nil {
		return nil, err
	}
	if err := tx.saveCustomer(target); err != nil {
		return nil, err
	}
	undo.After = cloneCustomer(target)

	if undo.Members, err = tx.ids(`SELECT id FROM customers WHERE merged_into = $1`, mergedID); err != nil {
		return nil, err
	}
	if undo.Notes, err = tx.ids(`SELECT id FROM notes WHERE customer_id = $1`, mergedID); err != nil {
		return nil, err
	}
	// A link the target already has, or one between the two, stays with the merged
	// customer: moving it would duplicate it or make a customer its own organisation.
	if undo.LinksFrom, err = tx.ids(`SELECT l.id FROM customer_links l WHERE l.from_id = $1 AND l.to_id <> $2
		AND NOT EXISTS (SELECT 1 FROM customer_links x WHERE x.from_id = $2 AND x.to_id = l.to_id AND x.kind = l.kind)`, mergedID, targetID); err != nil {
		return nil, err
	}
	if undo.LinksTo, err = tx.ids(`SELECT l.id FROM customer_links l WHERE l.to_id = $1 AND l.from_id <> $2
		AND NOT EXISTS (SELECT 1 FROM customer_links x WHERE x.to_id = $2 AND x.from_id = l.from_id AND x.kind = l.kind)`, mergedID, targetID); err != nil {
		return nil, err
	}
	for _, step := range []struct {
		query string
		args  []any
	}{
		{`UPDATE customers SET merged_into = $1 WHERE merged_into = $2 OR id = $2`, []any{targetID, mergedID}},
		{`UPDATE interactions SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE interactions SET recorded_organisation_id = COALESCE(recorded_organisation_id, organisation_id), organisation_id = $1
			WHERE organisation_id = $2`, []any{targetID, mergedID}},
		{`UPDATE notes SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE consents SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE items SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE feedback SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE survey_invitations SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE survey_responses SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE kb_article_customers SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE kb_searches SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE portal_accounts SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE kb_views SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE kb_ratings SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
		{`UPDATE expert_questions SET customer_id = $1 WHERE customer_id = $2`, []any{targetID, mergedID}},
	} {
		if _, err := tx.exec(step.query, step.args...); err != nil {
			return nil, err
		}
	}
	if err := tx.execIDs(`UPDATE customer_links SET from_id = $1 WHERE id IN %s`, undo.LinksFrom, targetID); err != nil {
		return nil, err
	}
	if err := tx.execIDs(`UPDATE customer_links SET to_id = $1 WHERE id IN %s`, undo.LinksTo, targetID); err != nil {
		return nil, err
	}
	if err := tx.refreshWallCoverageOf(targetID, mergedID); err != nil {
		return nil, err
	}
	undoJSON, err := json.Marshal(undo)
	if err != nil {
		return nil, err
	}
	m := &rapport.Merge{ID: rapport.NewID(), TargetID: targetID, MergedID: mergedID, MergedName: merged.Name,
		Reason: reason, Probability: probability, UserID: tx.scope.UserID, CreatedAt: tx.now}
	var p any
	if probability > 0 {
		p = probability
	}
	if _, err := tx.exec(`INSERT INTO merges (id, target_id, merged_id, reason, probability, user_id, undo, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, m.ID, targetID, mergedID, string(reason), p, m.UserID, string(undoJSON), tx.now); err != nil {
		return nil, err
	}
	return m, tx.audit("merge", "customer", mergedID, targetID, false,
		fmt.Sprintf("%s (%s) merged into %s (%s), %s", merged.Name, mergedID, target.Name, targetID, reason))
}

// UnmergeCustomer undoes the merge in effect of mergedID.
func (db *DB) UnmergeCustomer(ctx context.Context, s rapport.Scope, mergedID rapport.ID) (*rapport.Merge, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "unmerge customers"); err != nil {
		return nil, err
	}
	// Help centre views queued before are written first, so that they move too.
	if err := db.flushViews(ctx); err != nil {
		return nil, err
	}
	var m *rapport.Merge
	err := db.update(ctx, s, func(tx *Tx) error {
		merged, err := tx.findCustomer(mergedID)
		if err != nil {
			return err
		}
		merges, err := tx.findMerges(`m.merged_id = $1 AND m.undone_at IS NULL`+newestMerges, mergedID)
		if err != nil {
			return err
		} else if len(merges) == 0 {
			return rapport.Errorf(rapport.ECONFLICT, "%s is not merged into another customer", merged.Name)
		}
		m = merges[0]
		target, err := tx.findCustomer(m.TargetID)
		if err != nil {
			return err
		}
		var raw []byte
		if err := tx.queryRow(`SELECT undo FROM merges WHERE id = $1`, m.ID).Scan(&raw); err != nil {
			return err
		}
		var undo mergeUndo
		if err := json.Unmarshal(raw, &undo); err != nil {
			return fmt.Errorf("merge %s: %w", m.ID, err)
		}
		recorded := append([]rapport.ID{mergedID}, undo.Members...)
		if _, err := tx.exec(`UPDATE customers SET merged_into = NULL WHERE id = $1`, mergedID); err != nil {
			return err
		}
		for _, step := range []struct {
			query string
			ids   []rapport.ID
		}{
			{`UPDATE customers SET merged_into = $1 WHERE merged_into = $2 AND id IN %s`, undo.Members},
			{`UPDATE interactions SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE interactions SET organisation_id = $1 WHERE organisation_id = $2 AND recorded_organisation_id IN %s`, recorded},
			{`UPDATE notes SET customer_id = $1 WHERE customer_id = $2 AND id IN %s`, undo.Notes},
			{`UPDATE consents SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE items SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE feedback SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE survey_invitations SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE survey_responses SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE kb_article_customers SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE kb_searches SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE portal_accounts SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE kb_views SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE kb_ratings SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE expert_questions SET customer_id = $1 WHERE customer_id = $2 AND recorded_customer_id IN %s`, recorded},
			{`UPDATE customer_links SET from_id = $1 WHERE from_id = $2 AND id IN %s`, undo.LinksFrom},
			{`UPDATE customer_links SET to_id = $1 WHERE to_id = $2 AND id IN %s`, undo.LinksTo},
		} {
			if err := tx.execIDs(step.query, step.ids, mergedID, target.ID); err != nil {
				return err
			}
		}
		// The fields outside the golden record are reverted; the golden fields of both
		// are chosen again from the records each holds now.
		target.Revert(undo.Before, undo.After)
		for _, c := range []*rapport.Customer{target, merged} {
			before := cloneCustomer(c)
			cs, err := tx.contributions(c.ID)
			if err != nil {
				return err
			}
			if len(cs) > 0 {
				if err := tx.chooseGolden(c, cs); err != nil {
					return err
				}
			}
			if c == target || !sameCustomer(before, c) {
				if err := tx.saveCustomer(c); err != nil {
					return err
				}
			}
		}
		if err := tx.refreshWallCoverageOf(target.ID); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE merges SET undone_at = $1 WHERE id = $2`, tx.now, m.ID); err != nil {
			return err
		}
		m.UndoneAt = &tx.now
		return tx.audit("unmerge", "customer", mergedID, target.ID, false,
			fmt.Sprintf("%s (%s) taken out of %s (%s)", merged.Name, mergedID, target.Name, target.ID))
	})
	return m, err
}

// FindMerges lists the merges into a visible customer, newest first.
func (db *DB) FindMerges(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Merge, error) {
	var merges []*rapport.Merge
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		merges, err = tx.findMerges(`m.target_id = $1`+newestMerges, customerID)
		return err
	})
	return merges, err
}

// FindRecentMerges lists the merges between visible customers, newest first.
func (db *DB) FindRecentMerges(ctx context.Context, s rapport.Scope, f rapport.MergeFilter) ([]*rapport.Merge, string, error) {
	if f.Reason != "" && !f.Reason.Valid() {
		return nil, "", rapport.FieldError("reason", "reason is automatic, reviewed or manual, not %q", f.Reason)
	}
	var merges []*rapport.Merge
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		n := limit(f.Limit, 50, 200)
		q := &Query{}
		conds := []string{visibleCustomer(q, s, "m.target_id"), visibleCustomer(q, s, "m.merged_id")}
		if f.Reason != "" {
			conds = append(conds, "m.reason = "+q.Arg(string(f.Reason)))
		}
		conds, err := pastCursor(q, conds, f.Cursor, "m.created_at", "m.id")
		if err != nil {
			return err
		}
		page, err := tx.findMerges(strings.Join(conds, " AND ")+newestMerges+` LIMIT `+strconv.Itoa(n+1), q.Args()...)
		if err != nil {
			return err
		}
		merges, next = pageOf(page, n, func(m *rapport.Merge) (time.Time, rapport.ID) { return m.CreatedAt, m.ID })
		return nil
	})
	return merges, next, err
}

// newestMerges orders merges newest first; the index merges_recent serves it.
const newestMerges = ` ORDER BY m.created_at DESC, m.id DESC`

// findMerges reads the merges that meet cond, which ends with their order.
func (tx *Tx) findMerges(cond string, args ...any) (merges []*rapport.Merge, err error) {
	return merges, tx.reads(func(b *batch) { b.merges(&merges, cond, args...) })
}

// merges reads into out the merges that meet cond, which ends with their order.
func (b *batch) merges(out *[]*rapport.Merge, cond string, args ...any) {
	appendRows(b, out, `SELECT m.id, m.target_id, t.name, m.merged_id, c.name,
		COALESCE((SELECT e.value FROM customer_contacts e WHERE e.customer_id = m.merged_id AND e.kind = 'email'
			ORDER BY e.position LIMIT 1), ''),
		m.reason, COALESCE(m.probability, 0), m.user_id, COALESCE(u.name, ''), m.created_at, m.undone_at
		FROM merges m JOIN customers c ON c.id = m.merged_id JOIN customers t ON t.id = m.target_id
		LEFT JOIN users u ON u.id = m.user_id
		WHERE `+cond, args, func(rows Scanner) (*rapport.Merge, error) {
		m := &rapport.Merge{}
		var undone sql.NullTime
		err := rows.Scan(&m.ID, &m.TargetID, &m.TargetName, &m.MergedID, &m.MergedName, &m.MergedEmail,
			&m.Reason, &m.Probability, &m.UserID, &m.UserName, &m.CreatedAt, &undone)
		if undone.Valid {
			m.UndoneAt = &undone.Time
		}
		return m, err
	})
}

// FindMatchCandidates lists proposed matches of visible customers, most likely first.
func (db *DB) FindMatchCandidates(ctx context.Context, s rapport.Scope, f rapport.MatchFilter) ([]*rapport.MatchCandidate, string, error) {
	var out []*rapport.MatchCandidate
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		n := limit(f.Limit, 50, 200)
		status := cmp.Or(f.Status, rapport.MatchPending)
		if !status.Valid() {
			return rapport.FieldError("status", "status is pending, accepted or rejected, not %q", status)
		}
		q := &Query{}
		conds := []string{"m.status = " + q.Arg(string(status))}
		if status == rapport.MatchPending {
			conds = append(conds, "l.merged_into IS NULL", "r.merged_into IS NULL")
		}
		if f.Cursor != "" {
			parts, err := decodeCursor(f.Cursor, 2)
			if err != nil {
				return err
			}
			p, perr := strconv.ParseFloat(parts[0], 64)
			id, iderr := rapport.ParseID(parts[1])
			if perr != nil || iderr != nil {
				return badCursor()
			}
			conds = append(conds, fmt.Sprintf("(m.probability < %s OR (m.probability = %s AND m.id > %s))", q.Arg(p), q.Arg(p), q.Arg(id)))
		}
		cands, err := tx.findMatchCandidates(q, conds, n+1)
		if err != nil {
			return err
		}
		if len(cands) > n {
			cands = cands[:n]
			last := cands[n-1]
			next = encodeCursor(strconv.FormatFloat(last.Probability, 'g', -1, 64), last.ID.String())
		}
		out = cands
		return nil
	})
	return out, next, err
}

// FindMatchCandidate returns a proposed match whose two customers are visible.
func (db *DB) FindMatchCandidate(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.MatchCandidate, error) {
	var c *rapport.MatchCandidate
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		c, err = tx.findMatchCandidate(id)
		return err
	})
	return c, err
}

func (tx *Tx) findMatchCandidate(id rapport.ID) (*rapport.MatchCandidate, error) {
	q := &Query{}
	cands, err := tx.findMatchCandidates(q, []string{"m.id = " + q.Arg(id)}, 1)
	if err != nil {
		return nil, err
	} else if len(cands) == 0 {
		return nil, rapport.NotFound("proposed match")
	}
	return cands[0], nil
}

// findMatchCandidates reads proposed matches with both customers in full; a pair with
// a customer the scope may not see does not exist for it.
func (tx *Tx) findMatchCandidates(q *Query, conds []string, n int) ([]*rapport.MatchCandidate, error) {
	conds = append(conds, visibleCustomer(q, tx.scope, "m.left_id"), visibleCustomer(q, tx.scope, "m.right_id"))
	cands, err := queryAll(tx, `SELECT m.id, m.left_id, m.right_id, m.probability, m.weight, m.explanation, m.status,
		m.decided_by, m.decided_at, m.created_at
		FROM match_candidates m JOIN customers l ON l.id = m.left_id JOIN customers r ON r.id = m.right_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY m.probability DESC, m.id LIMIT `+strconv.Itoa(n), q.Args(),
		func(rows Scanner) (*rapport.MatchCandidate, error) {
			c := &rapport.MatchCandidate{Left: &rapport.Customer{}, Right: &rapport.Customer{}}
			var explanation []byte
			var decided sql.NullTime
			err := rows.Scan(&c.ID, &c.Left.ID, &c.Right.ID, &c.Probability, &c.Weight, &explanation, &c.Status,
				&c.DecidedBy, &decided, &c.CreatedAt)
			if err == nil {
				err = json.Unmarshal(explanation, &c.Explanation)
			}
			if decided.Valid {
				c.DecidedAt = &decided.Time
			}
			return c, err
		})
	if err != nil || len(cands) == 0 {
		return cands, err
	}
	var ids []any
	for _, c := range cands {
		ids = append(ids, c.Left.ID, c.Right.ID)
	}
	q2 := &Query{}
	rows, err := queryAll(tx, `SELECT `+customerColumns+` FROM `+customerFrom+` WHERE c.id IN `+q2.In(ids...), q2.Args(), scanCustomer)
	if err != nil {
		return nil, err
	}
	byID := map[rapport.ID]*rapport.Customer{}
	var customers []*rapport.Customer
	for _, r := range rows {
		byID[r.ID] = r.Customer
		customers = append(customers, r.Customer)
	}
	if err := tx.loadCustomerDetails(customers); err != nil {
		return nil, err
	}
	for _, c := range cands {
		c.Left, c.Right = byID[c.Left.ID], byID[c.Right.ID]
	}
	return cands, nil
}

// DecideMatch accepts or rejects a pending proposed match.
func (db *DB) DecideMatch(ctx context.Context, s rapport.Scope, id rapport.ID, accept bool) (*rapport.MatchCandidate, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "decide on proposed matches"); err != nil {
		return nil, err
	}
	var c *rapport.MatchCandidate
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if c, err = tx.findMatchCandidate(id); err != nil {
			return err
		}
		if c.Status != rapport.MatchPending {
			return rapport.Errorf(rapport.ECONFLICT, "this match was already %s", c.Status)
		}
		c.Status = rapport.MatchRejected
		if accept {
			c.Status = rapport.MatchAccepted
		}
		c.DecidedBy, c.DecidedAt = tx.scope.UserID, &tx.now
		// Recorded first, on condition that it is still pending: of two decisions made
		// at once, the second waits for the first and then finds the match decided.
		res, err := tx.exec(`UPDATE match_candidates SET status = $1, decided_by = $2, decided_at = $3, updated_at = $3 WHERE id = $4 AND status = 'pending'`,
			string(c.Status), c.DecidedBy, tx.now, c.ID)
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return rapport.Errorf(rapport.ECONFLICT, "this match was decided meanwhile")
		}
		if accept {
			// The customer known longest survives: its id is the one other systems hold.
			target, other := c.Left, c.Right
			if other.CreatedAt.Before(target.CreatedAt) {
				target, other = other, target
			}
			if _, err := tx.merge(target.ID, other.ID, rapport.MergeReviewed, c.Probability); err != nil {
				return err
			}
		}
		return tx.audit(string(c.Status), "match", c.ID, c.Left.ID, false,
			fmt.Sprintf("%s and %s, probability %.3f", c.Left.Name, c.Right.Name, c.Probability))
	})
	return c, err
}

// IdentityRecords returns what resolution compares of every person, merged or not.
func (db *DB) IdentityRecords(ctx context.Context, s rapport.Scope) ([]rapport.IdentityRecord, error) {
	if err := rapport.Require(s.IsAdmin(), "read every customer for identity resolution"); err != nil {
		return nil, err
	}
	var out []rapport.IdentityRecord
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if out, err = tx.identityRecords("true", nil); err != nil {
			return err
		}
		return tx.addWalls(out)
	})
	return out, err
}

// identityRecords reads the person records that meet the condition on customers c.
func (tx *Tx) identityRecords(where string, args []any) ([]rapport.IdentityRecord, error) {
	return queryAll(tx, `SELECT c.id, COALESCE(c.merged_into, c.id), c.created_at, c.given_name, c.family_name, c.name, c.attributes,
		COALESCE(e.normalized, ''), COALESCE(p.normalized, ''),
		COALESCE(a.street, ''), COALESCE(a.postcode, ''), COALESCE(a.city, '')
		FROM customers c
		LEFT JOIN customer_contacts e ON e.customer_id = c.id AND e.kind = 'email' AND e.position = 0
		LEFT JOIN customer_contacts p ON p.customer_id = c.id AND p.kind = 'phone' AND p.position = 0
		LEFT JOIN customer_addresses a ON a.customer_id = c.id AND a.position = 0
		WHERE c.kind = 'person' AND `+where+` ORDER BY c.id`, args, func(rows Scanner) (rapport.IdentityRecord, error) {
		var r rapport.IdentityRecord
		var attrs []byte
		err := rows.Scan(&r.ID, &r.ProfileID, &r.CreatedAt, &r.GivenName, &r.FamilyName, &r.Name, &attrs, &r.Email, &r.Phone,
			&r.Street, &r.Postcode, &r.City)
		if bytes.Contains(attrs, []byte(`"date_of_birth"`)) || bytes.Contains(attrs, []byte(`"national_id"`)) {
			var a struct {
				DateOfBirth string `json:"date_of_birth"`
				NationalID  string `json:"national_id"`
			}
			_ = json.Unmarshal(attrs, &a) // a value that is not a string is not compared
			r.DateOfBirth, r.NationalID = a.DateOfBirth, a.NationalID
		}
		return r, err
	})
}

// addWalls fills in the walls that cover each record's customer. Walls cover a few
// customers: all of their coverage is read at once.
func (tx *Tx) addWalls(recs []rapport.IdentityRecord) error {
	coverage, err := queryAll(tx, `SELECT customer_id, wall_id FROM wall_coverage ORDER BY customer_id, wall_id`, nil,
		func(rows Scanner) (c [2]rapport.ID, err error) { return c, rows.Scan(&c[0], &c[1]) })
	if err != nil {
		return err
	}
	walls := map[rapport.ID]string{}
	for _, c := range coverage {
		walls[c[0]] = strings.TrimPrefix(walls[c[0]]+" "+c[1].String(), " ")
	}
	for i := range recs {
		recs[i].Walls = walls[recs[i].ID]
	}
	return nil
}

// DecidedPairs returns the pairs reviewers decided: true if accepted.
func (db *DB) DecidedPairs(ctx context.Context, s rapport.Scope) (map[[2]rapport.ID]bool, error) {
	out := map[[2]rapport.ID]bool{}
	err := db.view(ctx, s, func(tx *Tx) error {
		type decided struct {
			pair     [2]rapport.ID
			accepted bool
		}
		pairs, err := queryAll(tx, `SELECT left_id, right_id, status = 'accepted' FROM match_candidates WHERE status IN ('accepted', 'rejected')`, nil,
			func(rows Scanner) (decided, error) {
				var d decided
				return d, rows.Scan(&d.pair[0], &d.pair[1], &d.accepted)
			})
		for _, d := range pairs {
			out[d.pair] = d.accepted
		}
		return err
	})
	return out, err
}

// ProposeMatches stores the pairs for review and withdraws the pending proposals of
// earlier runs that are not among them. A proposal keeps its id from run to run, so
// that a reviewer's open page stays valid; decided pairs keep their decision.
func (db *DB) ProposeMatches(ctx context.Context, s rapport.Scope, pairs []rapport.ScoredPair) (int, error) {
	return db.proposeMatches(ctx, s, pairs, true)
}

// AddMatches stores pairs for review and leaves the other proposals be: resolution of
// arriving customers adds to the queue a full run made.
func (db *DB) AddMatches(ctx context.Context, s rapport.Scope, pairs []rapport.ScoredPair) (int, error) {
	return db.proposeMatches(ctx, s, pairs, false)
}

func (db *DB) proposeMatches(ctx context.Context, s rapport.Scope, pairs []rapport.ScoredPair, withdrawOthers bool) (int, error) {
	if err := rapport.Require(s.IsAdmin(), "propose matches"); err != nil {
		return 0, err
	}
	pending := 0
	err := db.update(ctx, s, func(tx *Tx) error {
		for _, p := range pairs {
			ids := rapport.OrderedPair(p.LeftID, p.RightID)
			explanation, err := json.Marshal(p.Explanation)
			if err != nil {
				return err
			}
			res, err := tx.exec(`INSERT INTO match_candidates (id, left_id, right_id, probability, weight, explanation, status, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $7)
				ON CONFLICT (left_id, right_id) DO UPDATE SET probability = excluded.probability, weight = excluded.weight,
					explanation = excluded.explanation, updated_at = excluded.updated_at
				WHERE match_candidates.status = 'pending'`,
				rapport.NewID(), ids[0], ids[1], p.Probability, p.Weight, string(explanation), tx.now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				pending++
			}
		}
		if withdrawOthers {
			if _, err := tx.exec(`DELETE FROM match_candidates WHERE status = 'pending' AND updated_at < $1`, tx.now); err != nil {
				return err
			}
		} else if pending == 0 {
			return nil
		}
		return tx.audit("propose", "matches", rapport.ID{}, rapport.ID{}, false, thousands.Count(pending, "pair")+" for review")
	})
	return pending, err
}

// refreshWallCoverageOf derives wall coverage again if a wall covers any of the
// customers: a merge or unmerge of customers no wall covers cannot change it, and
// resolution makes thousands of those.
func (tx *Tx) refreshWallCoverageOf(ids ...rapport.ID) error {
	for _, id := range ids {
		if walled, err := tx.walled(id); err != nil || walled {
			if err != nil {
				return err
			}
			return tx.refreshWallCoverage()
		}
	}
	return nil
}

// ids runs a query of one id column.
func (tx *Tx) ids(query string, args ...any) ([]rapport.ID, error) {
	return queryAll(tx, query, args, scanID)
}

// idsIn runs query, a SELECT of one id column that ends in "IN ", over ids in chunks
// that stay within the databases' limits on parameters, and returns what all found.
func (tx *Tx) idsIn(query string, ids []rapport.ID) ([]rapport.ID, error) {
	var out []rapport.ID
	for start := 0; start < len(ids); start += ingestChunk {
		q := &Query{}
		found, err := tx.ids(query+q.In(anySlice(ids[start:min(start+ingestChunk, len(ids))])...), q.Args()...)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// execIDs runs query, whose %s is replaced by a list of ids, over ids in chunks that
// stay within the databases' limits on parameters. args are $1, $2 … of the query.
func (tx *Tx) execIDs(query string, ids []rapport.ID, args ...any) error {
	return execChunks(tx, strings.Replace(query, "%s", "(%s)", 1), ids, 1, ", ",
		func(q *Query, id rapport.ID) string { return q.Arg(id) }, args...)
}

// execChunks runs query over items in chunks that stay within the databases' limits
// on parameters: its %s is replaced by the parts the items write (each with at most
// perItem parameters), joined by sep. args are $1, $2 … of the query.
func execChunks[T any](tx *Tx, query string, items []T, perItem int, sep string, part func(*Query, T) string, args ...any) error {
	chunk := (ingestChunk - len(args)) / perItem
	for start := 0; start < len(items); start += chunk {
		q := &Query{}
		for _, a := range args {
			q.Arg(a)
		}
		parts := make([]string, 0, chunk)
		for _, it := range items[start:min(start+chunk, len(items))] {
			parts = append(parts, part(q, it))
		}
		if _, err := tx.exec(fmt.Sprintf(query, strings.Join(parts, sep)), q.Args()...); err != nil {
			return err
		}
	}
	return nil
}
