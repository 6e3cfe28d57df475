package sqldb

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
	"github.com/rapportckm/rapport/theme"
	"github.com/rapportckm/rapport/thousands"
)

var (
	_ rapport.ThemeService = (*DB)(nil)
	_ rapport.ThemeGrouper = (*DB)(nil)
)

// Themes are counted from the feedback the scope may see: every read groups the visible
// items by theme, so a theme with none of them is not found, and no count includes an
// item behind a wall the reader is not in.

const themeColumns = `t.id, t.label, t.name, t.terms, t.status, t.fixed_at, t.fixed_by, COALESCE(u.name, ''), t.created_at, t.updated_at,
	v.items, v.recent, v.previous, v.complaint, v.compliment, v.suggestion, v.question, v.need, v.observation`

// themeRows reads themes with their counts of visible items; where filters the
// feedback (fb), having the grouped counts (v).
func (tx *Tx) themeRows(q *Query, where, having, order string) ([]*rapport.Theme, error) {
	now := tx.now
	recent, previous := q.Arg(now.Add(-rapport.ThemeWindow)), q.Arg(now.Add(-2*rapport.ThemeWindow))
	conds := []string{"fb.theme_id IS NOT NULL", visibleFeedback(q, tx.scope)}
	if where != "" {
		conds = append(conds, where)
	}
	kinds := ""
	for _, k := range rapport.FeedbackKinds {
		kinds += fmt.Sprintf(", SUM(CASE WHEN fb.kind = '%s' THEN 1 ELSE 0 END) AS %s", k, k)
	}
	query := `SELECT ` + themeColumns + ` FROM (SELECT fb.theme_id, COUNT(*) AS items,
			SUM(CASE WHEN fb.heard_at >= ` + recent + ` THEN 1 ELSE 0 END) AS recent,
			SUM(CASE WHEN fb.heard_at >= ` + previous + ` AND fb.heard_at < ` + recent + ` THEN 1 ELSE 0 END) AS previous` + kinds + `
			FROM feedback fb WHERE ` + strings.Join(conds, " AND ") + ` GROUP BY fb.theme_id) v
		JOIN themes t ON t.id = v.theme_id LEFT JOIN users u ON u.id = t.fixed_by`
	if having != "" {
		query += ` WHERE ` + having
	}
	query += ` ORDER BY ` + or(order, `v.recent DESC, v.items DESC, t.id`)
	return queryAll(tx, query, q.Args(), func(rows Scanner) (*rapport.Theme, error) {
		t := &rapport.Theme{Kinds: map[rapport.FeedbackKind]int{}}
		var terms string
		var fixedAt sql.NullTime
		counts := make([]int, len(rapport.FeedbackKinds))
		dest := []any{&t.ID, &t.Label, &t.Name, &terms, &t.Status, &fixedAt, &t.FixedBy, &t.FixedByName, &t.CreatedAt, &t.UpdatedAt,
			&t.Items, &t.Recent, &t.Previous}
		for i := range counts {
			dest = append(dest, &counts[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		for i, k := range rapport.FeedbackKinds {
			if counts[i] > 0 {
				t.Kinds[k] = counts[i]
			}
		}
		t.Terms = splitTerms(terms)
		t.FixedAt = utcPtr(fixedAt)
		t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
		return t, nil
	})
}

func splitTerms(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "|")
}

// joinTerms stores terms with a separator no term holds (terms are folded words).
func joinTerms(terms []string) string { return strings.Join(terms, "|") }

// findTheme returns a theme with items the scope may see, with their counts.
func (tx *Tx) findTheme(id rapport.ID) (*rapport.Theme, error) {
	q := &Query{}
	list, err := tx.themeRows(q, "fb.theme_id = "+q.Arg(id), "", "")
	if err != nil {
		return nil, err
	} else if len(list) == 0 {
		return nil, rapport.NotFound("theme")
	}
	t := list[0]
	q = &Query{}
	err = tx.queryRow(`SELECT COUNT(*) FROM theme_alerts a JOIN feedback fb ON fb.id = a.feedback_id
		WHERE a.theme_id = `+q.Arg(id)+` AND a.acknowledged_at IS NULL AND `+visibleFeedback(q, tx.scope), q.Args()...).Scan(&t.Alerts)
	return t, err
}

// FindThemes lists a page of the themes with visible items by recent volume. Their
// counts are of the items the scope may see, so every page groups them all; the cursor
// is the last theme's place in the order, (recent, items, id).
func (db *DB) FindThemes(ctx context.Context, s rapport.Scope, f rapport.ThemeFilter) ([]*rapport.Theme, string, error) {
	var out []*rapport.Theme
	var next string
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		q := &Query{}
		having := ""
		if f.Opportunities {
			having = "2 * (v.suggestion + v.need) > v.items"
		}
		out, err = tx.themeRows(q, "", having, "")
		if err != nil {
			return err
		}
		if out, err = themesAfter(out, f.Cursor); err != nil {
			return err
		}
		if n := limit(f.Limit, 50, 1000); len(out) > n {
			out = out[:n]
			last := out[n-1]
			next = encodeCursor(strconv.Itoa(last.Recent), strconv.Itoa(last.Items), last.ID.String())
		}
		// Open alerts, of visible items, for the themes listed.
		q = &Query{}
		counts, err := queryAll(tx, `SELECT a.theme_id, COUNT(*) FROM theme_alerts a JOIN feedback fb ON fb.id = a.feedback_id
			WHERE a.acknowledged_at IS NULL AND `+visibleFeedback(q, tx.scope)+` GROUP BY a.theme_id`, q.Args(),
			func(rows Scanner) (struct {
				id rapport.ID
				n  int
			}, error) {
				var c struct {
					id rapport.ID
					n  int
				}
				err := rows.Scan(&c.id, &c.n)
				return c, err
			})
		for _, c := range counts {
			for _, t := range out {
				if t.ID == c.id {
					t.Alerts = c.n
				}
			}
		}
		return err
	})
	if out == nil {
		out = []*rapport.Theme{}
	}
	return out, next, err
}

// themesAfter returns the themes that come after the cursor's, in the order of
// themeRows: most recent items first, then most items, then by id.
func themesAfter(list []*rapport.Theme, cursor string) ([]*rapport.Theme, error) {
	if cursor == "" {
		return list, nil
	}
	parts, err := decodeCursor(cursor, 3)
	if err != nil {
		return nil, err
	}
	recent, err1 := strconv.Atoi(parts[0])
	items, err2 := strconv.Atoi(parts[1])
	id, err3 := rapport.ParseID(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, badCursor()
	}
	i := 0
	for i < len(list) && cmp.Or(cmp.Compare(recent, list[i].Recent), cmp.Compare(items, list[i].Items), bytes.Compare(list[i].ID[:], id[:])) <= 0 {
		i++
	}
	return list[i:], nil
}

// themeWeeks is how many weeks of volume a theme's page charts.
const themeWeeks = 26

// FindThemeReport returns a visible theme as its page shows it, and records the read.
func (db *DB) FindThemeReport(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.ThemeReport, error) {
	r := &rapport.ThemeReport{}
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if r.Theme, err = tx.findTheme(id); err != nil {
			return err
		}
		// Volume by week (weeks start on Monday, UTC), the last themeWeeks.
		day := tx.now.Truncate(24 * time.Hour)
		start := day.AddDate(0, 0, -((int(day.Weekday())+6)%7)-7*(themeWeeks-1))
		r.Weeks = make([]rapport.ThemeWeek, themeWeeks)
		for i := range r.Weeks {
			r.Weeks[i].Start = start.AddDate(0, 0, 7*i)
		}
		q := &Query{}
		heard, err := queryAll(tx, `SELECT fb.heard_at FROM feedback fb WHERE fb.theme_id = `+q.Arg(id)+` AND fb.heard_at >= `+
			q.Arg(start)+` AND `+visibleFeedback(q, tx.scope), q.Args(), func(rows Scanner) (time.Time, error) {
			var t time.Time
			err := rows.Scan(&t)
			return t, err
		})
		if err != nil {
			return err
		}
		for _, t := range heard {
			if w := int(t.UTC().Sub(start) / (7 * 24 * time.Hour)); w >= 0 && w < themeWeeks {
				r.Weeks[w].Items++
			}
		}
		// Affected customers and their value.
		q = &Query{}
		customers, err := queryAll(tx, `SELECT c.id, c.name, COUNT(*), COALESCE(cv.lifetime_value, 0), COALESCE(cv.currency, '')
			FROM feedback fb JOIN customers c ON c.id = fb.customer_id LEFT JOIN customer_values cv ON cv.customer_id = c.id
			WHERE fb.theme_id = `+q.Arg(id)+` AND `+visibleFeedback(q, tx.scope)+`
			GROUP BY c.id, c.name, cv.lifetime_value, cv.currency`, q.Args(), func(rows Scanner) (*rapport.ThemeCustomer, error) {
			c := &rapport.ThemeCustomer{}
			err := rows.Scan(&c.ID, &c.Name, &c.Items, &c.LifetimeValue, &c.Currency)
			return c, err
		})
		if err != nil {
			return err
		}
		r.Customers = len(customers)
		for _, c := range customers {
			r.TotalValue += c.LifetimeValue
			switch {
			case c.Currency == "" || c.Currency == r.Currency:
			case r.Currency == "":
				r.Currency = c.Currency
			default:
				r.Currency = "mixed"
			}
		}
		slices.SortFunc(customers, func(a, b *rapport.ThemeCustomer) int {
			if c := cmp.Compare(b.LifetimeValue, a.LifetimeValue); c != 0 {
				return c
			}
			if c := cmp.Compare(b.Items, a.Items); c != 0 {
				return c
			}
			return cmp.Compare(a.Name, b.Name)
		})
		r.TopCustomers = customers[:min(10, len(customers))]
		if r.TopCustomers == nil {
			r.TopCustomers = []*rapport.ThemeCustomer{}
		}
		// The newest items.
		q = &Query{}
		r.Samples, err = queryAll(tx, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+` WHERE fb.theme_id = `+q.Arg(id)+
			` AND `+visibleFeedback(q, tx.scope)+` ORDER BY fb.heard_at DESC, fb.id DESC LIMIT 10`, q.Args(), scanFeedback)
		if err != nil {
			return err
		}
		if r.Alerts, err = tx.themeAlerts(id); err != nil {
			return err
		}
		if r.FixedAt != nil {
			r.AfterFix, err = tx.themeFixScores(id, *r.FixedAt)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, db.auditRead(ctx, s, "theme", id, rapport.ID{}, "")
}

// themeFixScores scores the surveys answered by the theme's visible affected customers
// in the FixWindow before the fix and since it.
func (tx *Tx) themeFixScores(id rapport.ID, fixedAt time.Time) ([]rapport.ThemeFixScore, error) {
	type answer struct {
		survey rapport.ID
		name   string
		kind   rapport.SurveyKind
		score  int
		after  bool
	}
	q := &Query{}
	answers, err := queryAll(tx, `SELECT v.id, v.name, v.kind, r.score, r.answered_at >= `+q.Arg(fixedAt)+`
		FROM survey_responses r JOIN surveys v ON v.id = r.survey_id
		WHERE r.answered_at >= `+q.Arg(fixedAt.Add(-rapport.FixWindow))+` AND r.answered_at < `+q.Arg(fixedAt.Add(rapport.FixWindow))+`
			AND r.customer_id IN (SELECT fb.customer_id FROM feedback fb WHERE fb.theme_id = `+q.Arg(id)+` AND fb.customer_id IS NOT NULL
				AND `+visibleFeedback(q, tx.scope)+`)
		ORDER BY v.name, v.id`, q.Args(), func(rows Scanner) (answer, error) {
		var a answer
		err := rows.Scan(&a.survey, &a.name, &a.kind, &a.score, &a.after)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	var out []rapport.ThemeFixScore
	var before, after []int
	for i, a := range answers {
		if a.after {
			after = append(after, a.score)
		} else {
			before = append(before, a.score)
		}
		if i == len(answers)-1 || answers[i+1].survey != a.survey {
			out = append(out, rapport.ThemeFixScore{SurveyID: a.survey, Survey: a.name, Kind: a.kind,
				Before: rapport.ScoreOf(a.kind, before), After: rapport.ScoreOf(a.kind, after)})
			before, after = nil, nil
		}
	}
	return out, nil
}

// themeAlerts lists open alerts of visible items, of one theme or (zero id) all.
func (tx *Tx) themeAlerts(themeID rapport.ID) ([]*rapport.ThemeAlert, error) {
	q := &Query{}
	cond := ""
	if !themeID.IsZero() {
		cond = " AND a.theme_id = " + q.Arg(themeID)
	}
	out, err := queryAll(tx, `SELECT a.id, a.theme_id, t.name, t.label, a.feedback_id, fb.text, fb.customer_id, COALESCE(c.name, ''),
			t.fixed_at, a.raised_at
		FROM theme_alerts a JOIN themes t ON t.id = a.theme_id JOIN feedback fb ON fb.id = a.feedback_id
		LEFT JOIN customers c ON c.id = fb.customer_id
		WHERE a.acknowledged_at IS NULL AND `+visibleFeedback(q, tx.scope)+cond+` ORDER BY a.raised_at DESC, a.id DESC LIMIT 200`,
		q.Args(), func(rows Scanner) (*rapport.ThemeAlert, error) {
			a := &rapport.ThemeAlert{}
			var name, label string
			var fixed sql.NullTime
			err := rows.Scan(&a.ID, &a.ThemeID, &name, &label, &a.FeedbackID, &a.FeedbackText, &a.CustomerID, &a.CustomerName,
				&fixed, &a.RaisedAt)
			a.ThemeTitle = (&rapport.Theme{Name: name, Label: label}).Title()
			a.FeedbackText = markdown.Shorten(a.FeedbackText, 200)
			a.FixedAt, a.RaisedAt = utcPtr(fixed), a.RaisedAt.UTC()
			return a, err
		})
	if out == nil {
		out = []*rapport.ThemeAlert{}
	}
	return out, err
}

// FindThemeAlerts lists the open recurrence alerts of visible items.
func (db *DB) FindThemeAlerts(ctx context.Context, s rapport.Scope) ([]*rapport.ThemeAlert, error) {
	var out []*rapport.ThemeAlert
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = tx.themeAlerts(rapport.ID{})
		return err
	})
	return out, err
}

// AcknowledgeThemeAlert marks a visible open alert as seen.
func (db *DB) AcknowledgeThemeAlert(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "acknowledge recurrence alerts"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		q := &Query{}
		var themeID, feedbackID, customerID rapport.ID
		err := tx.queryRow(`SELECT a.theme_id, a.feedback_id, fb.customer_id FROM theme_alerts a JOIN feedback fb ON fb.id = a.feedback_id
			WHERE a.id = `+q.Arg(id)+` AND a.acknowledged_at IS NULL AND `+visibleFeedback(q, tx.scope), q.Args()...).
			Scan(&themeID, &feedbackID, &customerID)
		if err == sql.ErrNoRows {
			return rapport.NotFound("alert")
		} else if err != nil {
			return err
		}
		var by rapport.ID
		if tx.scope.Kind == rapport.ActorStaff {
			by = tx.scope.UserID
		}
		if _, err := tx.exec(`UPDATE theme_alerts SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3`, tx.now, by, id); err != nil {
			return err
		}
		return tx.audit("acknowledge", "theme_alert", id, customerID, false, "recurrence of theme "+themeID.String()+" by feedback "+feedbackID.String())
	})
}

// bumpThemes records a change that models held in memory must be rebuilt after.
func (tx *Tx) bumpThemes() error {
	_, err := tx.exec(`UPDATE theme_state SET generation = generation + 1 WHERE id = 1`)
	return err
}

// ChangeTheme renames a visible theme or marks it fixed or open again.
func (db *DB) ChangeTheme(ctx context.Context, s rapport.Scope, id rapport.ID, c rapport.ThemeChange) (*rapport.Theme, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change themes"); err != nil {
		return nil, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var t *rapport.Theme
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if t, err = tx.findTheme(id); err != nil {
			return err
		}
		var what []string
		if c.Name != nil && *c.Name != t.Name {
			what = append(what, fmt.Sprintf("renamed %q → %q", t.Title(), or(*c.Name, t.Label)))
			t.Name = *c.Name
		}
		if c.Status != nil && *c.Status != t.Status {
			t.Status = *c.Status
			if t.Status == rapport.ThemeFixed {
				now := tx.now
				t.FixedAt, t.FixedBy = &now, rapport.ID{}
				if tx.scope.Kind == rapport.ActorStaff {
					t.FixedBy = tx.scope.UserID
				}
				what = append(what, "marked fixed")
			} else {
				t.FixedAt, t.FixedBy, t.FixedByName = nil, rapport.ID{}, ""
				what = append(what, "reopened")
			}
		}
		if len(what) == 0 {
			return nil
		}
		t.UpdatedAt = tx.now
		if _, err := tx.exec(`UPDATE themes SET name = $1, status = $2, fixed_at = $3, fixed_by = $4, updated_at = $5 WHERE id = $6`,
			t.Name, string(t.Status), t.FixedAt, t.FixedBy, tx.now, t.ID); err != nil {
			return err
		}
		return tx.audit("update", "theme", t.ID, rapport.ID{}, false, strings.Join(what, "; "))
	})
	if err != nil {
		return nil, err
	}
	if t.Status == rapport.ThemeFixed && t.FixedByName == "" && !t.FixedBy.IsZero() {
		if u, err := db.FindUserByID(ctx, s, t.FixedBy); err == nil {
			t.FixedByName = u.Name
		}
	}
	return t, nil
}

// MergeThemes moves every item and alert of theme from into theme into, removes from,
// and marks into kept whole: a re-grouping may map several groups to it.
func (db *DB) MergeThemes(ctx context.Context, s rapport.Scope, from, into rapport.ID) (*rapport.Theme, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "merge themes"); err != nil {
		return nil, err
	}
	if from == into {
		return nil, rapport.FieldError("into", "a theme cannot be merged into itself; choose another theme")
	}
	var t *rapport.Theme
	err := db.update(ctx, s, func(tx *Tx) error {
		a, err := tx.findTheme(from)
		if err != nil {
			return err
		}
		if _, err := tx.findTheme(into); rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return rapport.FieldError("into", "theme %s not found: choose a theme from the list", into)
		} else if err != nil {
			return err
		}
		// All its items, also those the reader may not see: the theme goes as a whole.
		for _, stmt := range []string{`UPDATE feedback SET theme_id = $1 WHERE theme_id = $2`,
			`UPDATE theme_alerts SET theme_id = $1 WHERE theme_id = $2`, `UPDATE ideas SET theme_id = $1 WHERE theme_id = $2`} {
			if _, err := tx.exec(stmt, into, from); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`DELETE FROM themes WHERE id = $1`, from); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE themes SET kept_whole = TRUE, updated_at = $1 WHERE id = $2`, tx.now, into); err != nil {
			return err
		}
		if err := tx.bumpThemes(); err != nil {
			return err
		}
		if t, err = tx.findTheme(into); err != nil {
			return err
		}
		return tx.audit("merge", "theme", into, rapport.ID{}, false, fmt.Sprintf("%q (%s) merged into %q", a.Title(), from, t.Title()))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// SplitTheme moves items out of a visible theme into a new one, pinned there.
func (db *DB) SplitTheme(ctx context.Context, s rapport.Scope, id rapport.ID, sp rapport.ThemeSplit) (*rapport.Theme, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "split themes"); err != nil {
		return nil, err
	}
	if err := sp.Validate(); err != nil {
		return nil, err
	}
	var t *rapport.Theme
	err := db.update(ctx, s, func(tx *Tx) error {
		old, err := tx.findTheme(id)
		if err != nil {
			return err
		}
		move := sp.FeedbackIDs
		label, terms := "", []string{}
		oldLabel, oldTerms := old.Label, old.Terms
		if sp.Auto {
			if move, label, terms, oldLabel, oldTerms, err = tx.autoSplit(id); err != nil {
				return err
			}
		} else {
			// Each item must be in the theme and visible; hidden ones are not found.
			slices.SortFunc(move, func(a, b rapport.ID) int { return strings.Compare(a.String(), b.String()) })
			move = slices.Compact(move)
			q := &Query{}
			ids := make([]any, len(move))
			for i, m := range move {
				ids[i] = m
			}
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM feedback fb WHERE fb.theme_id = `+q.Arg(id)+` AND fb.id IN `+q.In(ids...)+
				` AND `+visibleFeedback(q, tx.scope), q.Args()...).Scan(&n); err != nil {
				return err
			}
			if n != len(move) {
				missing, verb := len(move)-n, "are"
				if missing == 1 {
					verb = "is"
				}
				which := fmt.Sprintf("%s of the %s chosen %s", thousands.Int(missing), thousands.Count(len(move), "item"), verb)
				if len(move) == 1 {
					which = "the item chosen is"
				}
				return rapport.FieldError("feedback_ids", "%s not in this theme (or not found); choose items from the theme's list", which)
			}
			if n == old.Items {
				return rapport.FieldError("feedback_ids", "choose fewer items: a split leaves at least one item in the theme")
			}
		}
		newID := rapport.NewID()
		if _, err := tx.exec(`INSERT INTO themes (id, label, name, terms, status, created_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $5)`,
			newID, label, sp.Name, joinTerms(terms), tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE themes SET label = $1, terms = $2, updated_at = $3 WHERE id = $4`, oldLabel, joinTerms(oldTerms), tx.now, id); err != nil {
			return err
		}
		for chunk := range slices.Chunk(move, 500) {
			q := &Query{}
			ids := make([]any, len(chunk))
			for i, m := range chunk {
				ids[i] = m
			}
			if _, err := tx.exec(`UPDATE feedback SET theme_id = `+q.Arg(newID)+`, theme_pinned = TRUE, theme_seq = COALESCE(theme_seq, 0)
				WHERE theme_id = `+q.Arg(id)+` AND id IN `+q.In(ids...), q.Args()...); err != nil {
				return err
			}
		}
		if err := tx.bumpThemes(); err != nil {
			return err
		}
		if t, err = tx.findTheme(newID); err != nil {
			return err
		}
		how := "chosen"
		if sp.Auto {
			how = "automatic"
		}
		return tx.audit("split", "theme", id, rapport.ID{}, false, fmt.Sprintf("%s of %q split (%s) into %s", thousands.Count(len(move), "item"), old.Title(), how, newID))
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// autoSplit splits a theme's visible items in two by spherical k-means on their texts
// (theme.KMeans), and returns the smaller group to move with its label and terms, and
// the label and terms of the rest.
func (tx *Tx) autoSplit(id rapport.ID) (move []rapport.ID, label string, terms []string, restLabel string, restTerms []string, err error) {
	q := &Query{}
	type item struct {
		id   rapport.ID
		text string
	}
	items, err := queryAll(tx, `SELECT fb.id, fb.text FROM feedback fb WHERE fb.theme_id = `+q.Arg(id)+` AND `+visibleFeedback(q, tx.scope)+
		` ORDER BY fb.heard_at DESC, fb.id LIMIT 20000`, q.Args(), func(rows Scanner) (item, error) {
		var it item
		err := rows.Scan(&it.id, &it.text)
		return it, err
	})
	if err != nil {
		return nil, "", nil, "", nil, err
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.text
	}
	c := theme.NewCorpusOfTheme(texts)
	var vecs []theme.Vector
	var idx []int
	for i, v := range c.Vectors {
		if len(v.Terms) > 0 {
			vecs, idx = append(vecs, v), append(idx, i)
		}
	}
	if len(vecs) < 2 {
		return nil, "", nil, "", nil, rapport.FieldError("auto", "the theme's items share too few words to split automatically; choose the items to move instead")
	}
	labels := theme.KMeans(vecs, len(c.Vocabulary.Terms), 2, 1)
	size := [2]int{}
	for _, l := range labels {
		size[l]++
	}
	if size[0] == 0 || size[1] == 0 {
		return nil, "", nil, "", nil, rapport.FieldError("auto", "the theme's items could not be told apart; choose the items to move instead")
	}
	small := 1
	if size[0] < size[1] {
		small = 0
	}
	for i, l := range labels {
		if l == small {
			move = append(move, items[idx[i]].id)
		}
	}
	m := theme.ModelOf(c.Vocabulary, 0, vecs, labels)
	return move, m.Label(small), m.Terms(small, 10), m.Label(1 - small), m.Terms(1-small, 10), nil
}

// MoveFeedbackToTheme puts visible feedback in a visible theme, pinned there.
func (db *DB) MoveFeedbackToTheme(ctx context.Context, s rapport.Scope, feedbackID, themeID rapport.ID) (*rapport.Feedback, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "move feedback between themes"); err != nil {
		return nil, err
	}
	var f *rapport.Feedback
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if f, err = tx.findFeedback(feedbackID); err != nil {
			return err
		}
		to, err := tx.findTheme(themeID)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return rapport.FieldError("theme_id", "theme %s not found: choose a theme from the list", themeID)
		} else if err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE feedback SET theme_id = $1, theme_pinned = TRUE, theme_seq = COALESCE(theme_seq, 0) WHERE id = $2`,
			themeID, feedbackID); err != nil {
			return err
		}
		if err := tx.bumpThemes(); err != nil {
			return err
		}
		from := or(f.ThemeTitle, "no theme")
		f.ThemeID, f.ThemeTitle = to.ID, to.Title()
		return tx.audit("move", "feedback", f.ID, f.CustomerID, false, fmt.Sprintf("theme %q → %q", from, to.Title()))
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// RequestRegrouping queues a full re-grouping.
func (db *DB) RequestRegrouping(ctx context.Context, s rapport.Scope) error {
	ok := s.Kind == rapport.ActorSystem || s.Kind == rapport.ActorStaff && (s.Role == rapport.RoleAdmin || s.Role == rapport.RoleManager)
	if err := rapport.Require(ok, "re-group all feedback (managers and admins may)"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if err := tx.enqueueJob(rapport.JobThemeRegroup, 0); err != nil {
			return err
		}
		return tx.audit("request", "themes", rapport.ID{}, rapport.ID{}, false, "full re-grouping of feedback")
	})
}

// The grouping's side.

func (tx *Tx) themeState(lock bool) (rapport.ThemeState, error) {
	var st rapport.ThemeState
	if lock {
		// Takes the row's lock on PostgreSQL; SQLite has one writer anyway.
		if _, err := tx.exec(`UPDATE theme_state SET seq = seq WHERE id = 1`); err != nil {
			return st, err
		}
	}
	var at sql.NullTime
	err := tx.queryRow(`SELECT generation, seq, threshold, regrouped_at FROM theme_state WHERE id = 1`).Scan(&st.Generation, &st.Seq, &st.Threshold, &at)
	st.RegroupedAt = utcPtr(at)
	return st, err
}

func scanThemeItem(rows Scanner) (rapport.ThemeItem, error) {
	var it rapport.ThemeItem
	var seq sql.NullInt64
	err := rows.Scan(&it.ID, &it.Text, &it.ThemeID, &it.Pinned, &seq)
	it.Seq = seq.Int64
	return it, err
}

const themeItemColumns = `id, text, theme_id, theme_pinned, theme_seq`

// ReadThemeCorpus reads the items looked at as of the state (or all items), and the themes.
func (db *DB) ReadThemeCorpus(ctx context.Context, s rapport.Scope, all bool) (*rapport.ThemeCorpus, error) {
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "read every item's theme"); err != nil {
		return nil, err
	}
	c := &rapport.ThemeCorpus{}
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if c.State, err = tx.themeState(false); err != nil {
			return err
		}
		// Items assigned after the state was read are caught up with by their seq.
		if all {
			c.Items, err = queryAll(tx, `SELECT `+themeItemColumns+` FROM feedback ORDER BY id`, nil, scanThemeItem)
		} else {
			c.Items, err = queryAll(tx, `SELECT `+themeItemColumns+` FROM feedback WHERE theme_seq <= $1 ORDER BY id`,
				[]any{c.State.Seq}, scanThemeItem)
		}
		if err != nil {
			return err
		}
		c.Themes, err = queryAll(tx, `SELECT t.id, t.kept_whole, t.name <> '' OR t.status <> 'open'
				OR EXISTS (SELECT 1 FROM theme_alerts a WHERE a.theme_id = t.id)
			FROM themes t ORDER BY t.id`, nil, func(rows Scanner) (rapport.ThemeInfo, error) {
			var ti rapport.ThemeInfo
			err := rows.Scan(&ti.ID, &ti.KeptWhole, &ti.Decided)
			return ti, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// themeBatch is a ThemeBatch in a transaction.
type themeBatch struct {
	tx    *Tx
	state rapport.ThemeState
	seq   int64
	fixed map[rapport.ID]time.Time // fixed themes, when
}

func (b *themeBatch) State() rapport.ThemeState { return b.state }

func (b *themeBatch) Since(seq int64) ([]rapport.ThemeItem, error) {
	return queryAll(b.tx, `SELECT `+themeItemColumns+` FROM feedback WHERE theme_seq > $1 ORDER BY theme_seq`, []any{seq}, scanThemeItem)
}

func (b *themeBatch) Unthemed(n int, retry bool, after rapport.ID) ([]rapport.ThemeItem, error) {
	q := &Query{}
	cond := "theme_seq IS NULL"
	if retry {
		cond = "theme_seq IS NOT NULL AND theme_id IS NULL AND NOT theme_pinned"
	}
	if !after.IsZero() { // a zero id is NULL to the database
		cond += " AND id > " + q.Arg(after)
	}
	return queryAll(b.tx, `SELECT `+themeItemColumns+` FROM feedback WHERE `+cond+` ORDER BY id LIMIT `+strconv.Itoa(n), q.Args(), scanThemeItem)
}

func (b *themeBatch) NewTheme(label string, terms []string) (rapport.ID, error) {
	id := rapport.NewID()
	_, err := b.tx.exec(`INSERT INTO themes (id, label, terms, status, created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $4)`,
		id, label, joinTerms(terms), b.tx.now)
	return id, err
}

func (b *themeBatch) Relabel(id rapport.ID, label string, terms []string) error {
	_, err := b.tx.exec(`UPDATE themes SET label = $1, terms = $2 WHERE id = $3`, label, joinTerms(terms), id)
	return err
}

func (b *themeBatch) Assign(it rapport.ThemeItem, themeID rapport.ID) (bool, error) {
	var to any
	if !themeID.IsZero() {
		to = themeID
	}
	res, err := b.tx.exec(`UPDATE feedback SET theme_id = $1, theme_seq = $2 WHERE id = $3 AND theme_id IS NULL AND NOT theme_pinned`,
		to, b.seq+1, it.ID)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // another process assigned it first, or staff placed it
	}
	b.seq++
	if fixedAt, ok := b.fixed[themeID]; ok {
		return true, b.tx.recurrence(themeID, fixedAt, []rapport.ID{it.ID})
	}
	return true, nil
}

// recurrence raises an alert for each of the items heard after the theme was fixed.
func (tx *Tx) recurrence(themeID rapport.ID, fixedAt time.Time, items []rapport.ID) error {
	q := &Query{}
	ids := make([]any, len(items))
	for i, id := range items {
		ids[i] = id
	}
	type hit struct{ id, customer rapport.ID }
	hits, err := queryAll(tx, `SELECT id, customer_id FROM feedback WHERE id IN `+q.In(ids...)+` AND heard_at > `+q.Arg(fixedAt),
		q.Args(), func(rows Scanner) (hit, error) {
			var h hit
			err := rows.Scan(&h.id, &h.customer)
			return h, err
		})
	if err != nil {
		return err
	}
	for _, h := range hits {
		id := rapport.NewID()
		if _, err := tx.exec(`INSERT INTO theme_alerts (id, theme_id, feedback_id, raised_at) VALUES ($1, $2, $3, $4)`,
			id, themeID, h.id, tx.now); err != nil {
			return err
		}
		if err := tx.audit("raise", "theme_alert", id, h.customer, false, "theme "+themeID.String()+" was fixed; feedback "+h.id.String()+" is about it again"); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) fixedThemes() (map[rapport.ID]time.Time, error) {
	type fixed struct {
		id rapport.ID
		at time.Time
	}
	rows, err := queryAll(tx, `SELECT id, fixed_at FROM themes WHERE status = 'fixed' AND fixed_at IS NOT NULL`, nil,
		func(rows Scanner) (fixed, error) {
			var f fixed
			err := rows.Scan(&f.id, &f.at)
			return f, err
		})
	out := map[rapport.ID]time.Time{}
	for _, f := range rows {
		out[f.id] = f.at
	}
	return out, err
}

// AssignThemes runs fn in one transaction with the state row locked.
func (db *DB) AssignThemes(ctx context.Context, s rapport.Scope, fn func(rapport.ThemeBatch) error) error {
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "assign themes"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) (err error) {
		b := &themeBatch{tx: tx}
		if b.state, err = tx.themeState(true); err != nil {
			return err
		}
		b.seq = b.state.Seq
		if b.fixed, err = tx.fixedThemes(); err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		if b.seq != b.state.Seq {
			_, err = tx.exec(`UPDATE theme_state SET seq = $1 WHERE id = 1`, b.seq)
		}
		return err
	})
}

// ApplyRegrouping writes a full re-grouping, unless staff changed themes since its
// corpus was read. Pinned items are never moved.
func (db *DB) ApplyRegrouping(ctx context.Context, s rapport.Scope, r *rapport.ThemeRegrouping) error {
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "re-group feedback"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		st, err := tx.themeState(true)
		if err != nil {
			return err
		}
		if st.Generation != r.Generation {
			return rapport.Errorf(rapport.ECONFLICT, "themes were changed while the feedback was re-grouped; the re-grouping runs again")
		}
		fixed, err := tx.fixedThemes()
		if err != nil {
			return err
		}
		seq := st.Seq + 1
		moved := 0
		setTheme := func(themeID any, items []rapport.ID) error {
			for chunk := range slices.Chunk(items, 500) {
				q := &Query{}
				ids := make([]any, len(chunk))
				for i, m := range chunk {
					ids[i] = m
				}
				res, err := tx.exec(`UPDATE feedback SET theme_id = `+q.Arg(themeID)+`, theme_seq = COALESCE(theme_seq, `+q.Arg(seq)+`)
					WHERE id IN `+q.In(ids...)+` AND NOT theme_pinned`, q.Args()...)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				moved += int(n)
			}
			return nil
		}
		for i := range r.Groups {
			g := &r.Groups[i]
			if g.ThemeID.IsZero() {
				g.ThemeID = rapport.NewID()
				if _, err := tx.exec(`INSERT INTO themes (id, label, terms, status, created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $4)`,
					g.ThemeID, g.Label, joinTerms(g.Terms), tx.now); err != nil {
					return err
				}
			} else if _, err := tx.exec(`UPDATE themes SET label = $1, terms = $2 WHERE id = $3`, g.Label, joinTerms(g.Terms), g.ThemeID); err != nil {
				return err
			}
			// Items seen for the first time that land in a fixed theme are recurrences.
			if at, ok := fixed[g.ThemeID]; ok {
				for chunk := range slices.Chunk(g.Items, 500) {
					q := &Query{}
					ids := make([]any, len(chunk))
					for i, m := range chunk {
						ids[i] = m
					}
					fresh, err := queryAll(tx, `SELECT id FROM feedback WHERE id IN `+q.In(ids...)+` AND theme_seq IS NULL`, q.Args(),
						func(rows Scanner) (rapport.ID, error) {
							var id rapport.ID
							return id, rows.Scan(&id)
						})
					if err != nil {
						return err
					}
					if len(fresh) > 0 {
						if err := tx.recurrence(g.ThemeID, at, fresh); err != nil {
							return err
						}
					}
				}
			}
			if err := setTheme(g.ThemeID, g.Items); err != nil {
				return err
			}
		}
		if err := setTheme(nil, r.Unthemed); err != nil {
			return err
		}
		removed := 0
		for _, id := range r.Remove {
			res, err := tx.exec(`DELETE FROM themes WHERE id = $1 AND name = '' AND status = 'open'
				AND NOT EXISTS (SELECT 1 FROM feedback WHERE theme_id = $1)
				AND NOT EXISTS (SELECT 1 FROM theme_alerts WHERE theme_id = $1)
				AND NOT EXISTS (SELECT 1 FROM ideas WHERE theme_id = $1)`, id)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			removed += int(n)
		}
		if _, err := tx.exec(`UPDATE theme_state SET generation = generation + 1, seq = $1, threshold = $2, regrouped_at = $3 WHERE id = 1`,
			seq, r.Threshold, tx.now); err != nil {
			return err
		}
		return tx.audit("regroup", "themes", rapport.ID{}, rapport.ID{}, false,
			fmt.Sprintf("%s, %s moved, %s removed, threshold %.2f", thousands.Count(len(r.Groups), "theme"), thousands.Count(moved, "item"), thousands.Count(removed, "theme"), r.Threshold))
	})
}
