package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"gonum.org/v1/gonum/stat"
)

var _ rapport.AlmostService = (*DB)(nil)

// What the frustration and look-alike signals count, as SQL over interactions i.
const (
	purchaseCond = `i.type IN ('order', 'transaction') AND i.amount > 0`
	// A contact is a ticket, call or chat, or an e-mail not sent by a system: automated
	// messages (order confirmations, newsletters) are not.
	contactCond = `(i.type IN ('ticket', 'call', 'chat') OR (i.type = 'email' AND i.actor_kind <> 'system'))`
)

// AlmostFacts reads what the almost job needs in three passes over the data: the values
// (with their baselines), one grouped pass over every valued customer's first year, and
// one scan of the last year's contacts and searches.
func (db *DB) AlmostFacts(ctx context.Context, s rapport.Scope, now time.Time) ([]rapport.AlmostFacts, error) {
	if err := rapport.Require(s.IsAdmin(), "read every customer's signals"); err != nil {
		return nil, err
	}
	byID := map[rapport.ID]*rapport.AlmostFacts{}
	var order []rapport.ID
	facts := func(id rapport.ID) *rapport.AlmostFacts {
		f, ok := byID[id]
		if !ok {
			f = &rapport.AlmostFacts{CustomerID: id}
			byID[id] = f
			order = append(order, id)
		}
		return f
	}
	since, year := now.Add(-rapport.AlmostWindow), now.AddDate(-1, 0, 0)
	err := db.view(ctx, s, func(tx *Tx) error {
		if err := tx.almostValues(facts); err != nil {
			return err
		}
		if err := tx.almostStages(facts); err != nil {
			return err
		}
		if err := tx.almostRecent(now, since, year, facts); err != nil {
			return err
		}
		open, err := tx.staleOpenItems(now.Add(-rapport.AlmostOpenItemAge))
		if err != nil {
			return err
		}
		for id, n := range open {
			facts(id).OpenItems = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]rapport.AlmostFacts, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out, nil
}

// almostValues reads the values of the customers not merged into another, with the
// P(alive) baselines the job kept.
func (tx *Tx) almostValues(facts func(rapport.ID) *rapport.AlmostFacts) error {
	cols := strings.Split(valueColumns, ",")
	for i, c := range cols {
		cols[i] = "v." + strings.TrimSpace(c)
	}
	return tx.each(`SELECT `+strings.Join(cols, ", ")+`, b.last_at, b.p_alive FROM customer_values v
		JOIN customers c ON c.id = v.customer_id LEFT JOIN almost_baselines b ON b.customer_id = v.customer_id
		WHERE c.merged_into IS NULL`, nil, func(r Scanner) error {
		v := &rapport.CustomerValue{}
		var revenue int64
		var baseAt sql.NullTime
		var baseP sql.NullFloat64
		if err := r.Scan(append(valueDest(v, &revenue), &baseAt, &baseP)...); err != nil {
			return err
		}
		v.Revenue = rapport.Amount(revenue)
		f := facts(v.CustomerID)
		f.Value = v
		if baseAt.Valid && baseP.Valid {
			f.HasBaseline, f.BaselineAt, f.BaselinePAlive = true, baseAt.Time, baseP.Float64
		}
		return nil
	})
}

// almostStages is one grouped pass over the first year of every valued customer: their
// features over the first AlmostStages days from their first purchase. The end of each
// stage is worked out once per customer (the materialised stages), and each customer's
// first year is read as one range of the timeline index (customer, time), so that the
// interactions after it are never read.
func (tx *Tx) almostStages(facts func(rapport.ID) *rapport.AlmostFacts) error {
	d := tx.db.dialect
	q := &Query{}
	product := d.Attribute(q, "i.attributes", "product")
	var stageEnds, cols []string
	for k, days := range rapport.AlmostStages {
		stageEnds = append(stageEnds, fmt.Sprintf("%s AS end%d", d.AddDays("first_at", days), k))
		in := fmt.Sprintf("i.occurred_at < s.end%d", k)
		cols = append(cols,
			fmt.Sprintf("SUM(CASE WHEN %s AND %s THEN 1 ELSE 0 END)", in, purchaseCond),
			fmt.Sprintf("SUM(CASE WHEN %s AND %s AND i.currency = s.currency THEN i.amount ELSE 0 END)", in, purchaseCond),
			fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s AND %s THEN %s END)", in, purchaseCond, product),
			fmt.Sprintf("COUNT(DISTINCT CASE WHEN %s THEN i.channel END)", in),
			fmt.Sprintf("SUM(CASE WHEN %s AND %s THEN 1 ELSE 0 END)", in, contactCond),
			fmt.Sprintf("SUM(CASE WHEN %s AND i.type = 'web_event' THEN 1 ELSE 0 END)", in))
	}
	last := len(rapport.AlmostStages) - 1
	return tx.each(`WITH s AS MATERIALIZED (SELECT customer_id, currency, first_at, `+strings.Join(stageEnds, ", ")+` FROM customer_values)
		SELECT s.customer_id, `+strings.Join(cols, ",\n\t\t\t")+`
		FROM s JOIN interactions i ON i.customer_id = s.customer_id AND i.occurred_at >= s.first_at AND i.occurred_at < s.end`+strconv.Itoa(last)+`
		GROUP BY s.customer_id`, q.Args(), func(r Scanner) error {
		var id rapport.ID
		stages := make([]rapport.StageFeatures, len(rapport.AlmostStages))
		spend := make([]int64, len(stages))
		dest := []any{&id}
		for k := range stages {
			st := &stages[k]
			dest = append(dest, &st.Purchases, &spend[k], &st.Lines, &st.Channels, &st.Contacts, &st.WebEvents)
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		if f := facts(id); f.Value != nil {
			for k := range stages {
				stages[k].Spend = rapport.Amount(spend[k]).Float()
			}
			f.Stages = stages
		}
		return nil
	})
}

// almostRecent reads the contacts of the last year and the portal searches of the last
// AlmostWindow in one scan of the interactions, and counts per customer: the
// complaints and the searches that found nothing since since, their contacts over the
// year, and the most contacts within AlmostBurstDays since since. Rows come in no
// particular order (an order would cost a sort, or a walk of the timeline index with a
// lookup per row); each customer's contact times are sorted here.
func (tx *Tx) almostRecent(now, since, year time.Time, facts func(rapport.ID) *rapport.AlmostFacts) error {
	d := tx.db.dialect
	q := &Query{}
	attr := func(key string) string { return d.Attribute(q, "i.attributes", key) }
	yearArg, sinceArg := q.Arg(year), q.Arg(since)
	search := "i.type = 'web_event' AND i.occurred_at >= " + sinceArg + " AND " + attr("event") + " = 'search'"
	contacts := map[rapport.ID][]int64{} // unix microseconds
	if err := tx.each(`SELECT i.customer_id, i.occurred_at,
			CASE WHEN i.type = 'ticket' AND i.occurred_at >= `+sinceArg+` AND `+attr("category")+` = 'complaint' THEN 1 ELSE 0 END,
			CASE WHEN i.type = 'web_event' THEN 1 ELSE 0 END, COALESCE(`+attr("results")+`, ''), COALESCE(`+attr("query")+`, '')
		FROM interactions i WHERE i.occurred_at >= `+yearArg+` AND (`+contactCond+` OR (`+search+`))`, q.Args(), func(r Scanner) error {
		var id rapport.ID
		var at time.Time
		var complaint, search int
		var results, query string
		if err := r.Scan(&id, &at, &complaint, &search, &results, &query); err != nil {
			return err
		}
		if search == 1 {
			if results == "0" {
				f := facts(id)
				f.EmptySearches++
				if query > f.EmptySearch { // the same one whatever the order of the rows
					f.EmptySearch = query
				}
			}
			return nil
		}
		contacts[id] = append(contacts[id], at.UnixMicro())
		if complaint == 1 {
			f := facts(id)
			f.Complaints++
			if at.After(f.LastComplaintAt) {
				f.LastComplaintAt = at
			}
		}
		return nil
	}); err != nil {
		return err
	}
	span := int64(rapport.AlmostBurstDays) * 24 * int64(time.Hour/time.Microsecond)
	from := since.UnixMicro()
	for id, times := range contacts {
		slices.Sort(times)
		best, end := 0, int64(0)
		i := sort.Search(len(times), func(k int) bool { return times[k] >= from })
		for j := i; j < len(times); j++ {
			for times[j]-times[i] >= span {
				i++
			}
			if n := j - i + 1; n > best {
				best, end = n, times[j]
			}
		}
		f := facts(id)
		f.ContactsYear, f.ContactBurst = len(times), best
		f.ContactSpanDays = int(now.Sub(time.UnixMicro(times[0])).Hours() / 24)
		f.ContactVariance = windowVariance(times, max(year.UnixMicro(), times[0]), from, span)
		if best > 0 {
			f.BurstAt = time.UnixMicro(end).UTC()
		}
	}
	return nil
}

// windowVariance is the variance of the counts of times in the whole windows of
// span that end at to, to - span, … and begin at or after from; 0 with fewer than
// rapport.AlmostVarianceWindows windows. (The sample variance: over n - 1.)
func windowVariance(times []int64, from, to, span int64) float64 {
	n := int((to - from) / span)
	if n < rapport.AlmostVarianceWindows {
		return 0
	}
	counts := make([]float64, n)
	start := to - int64(n)*span
	for _, t := range times {
		if t >= start && t < to {
			counts[(t-start)/span]++
		}
	}
	return stat.Variance(counts, nil)
}

// staleOpenItems counts, per customer, the feedback items still open (or waiting) that
// were opened before olderThan: the "unresolved feedback" frustration signal.
func (tx *Tx) staleOpenItems(olderThan time.Time) (map[rapport.ID]int, error) {
	out := map[rapport.ID]int{}
	err := tx.each(`SELECT customer_id, COUNT(*) FROM (
			SELECT customer_id FROM items WHERE kind = 'feedback' AND status IN ('open', 'waiting') AND opened_at < $1
			UNION ALL
			SELECT customer_id FROM feedback WHERE customer_id IS NOT NULL AND status IN ('new', 'triaged', 'in_progress') AND heard_at < $1
		) o GROUP BY customer_id`, []any{olderThan}, func(r Scanner) error {
		var id rapport.ID
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, err
}

// almostRow is an entry as stored.
func almostRow(a *rapport.AlmostCustomer) ([]any, error) {
	reasons, err := json.Marshal(a.Reasons)
	if err != nil {
		return nil, err
	}
	return []any{a.ID, a.Score, a.Has(rapport.AlmostSlipping), a.Has(rapport.AlmostFrustrated), a.Has(rapport.AlmostLookalike),
		string(reasons), a.NextStep, a.Currency, int64(a.Revenue), a.LifetimeValue, a.PAlive, a.ComputedAt}, nil
}

// ReplaceAlmostCustomers replaces the list in one transaction, so that readers see
// either the last run or this one, and records the baselines that changed.
func (db *DB) ReplaceAlmostCustomers(ctx context.Context, s rapport.Scope, list []rapport.AlmostCustomer, baselines []rapport.AlmostBaseline) error {
	if err := rapport.Require(s.IsAdmin(), "replace the almost-customers list"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM almost_customers`); err != nil {
			return err
		}
		rows := make([][]any, len(list))
		for i := range list {
			list[i].ComputedAt = tx.now
			var err error
			if rows[i], err = almostRow(&list[i]); err != nil {
				return err
			}
		}
		err := execChunks(tx, `INSERT INTO almost_customers (customer_id, score, slipping, frustrated, lookalike, reasons, next_step,
			currency, revenue, lifetime_value, p_alive, computed_at) VALUES %s`, rows, 12, ", ",
			func(q *Query, row []any) string { return q.In(row...) })
		if err != nil {
			return err
		}
		err = execChunks(tx, `INSERT INTO almost_baselines (customer_id, last_at, p_alive) VALUES %s
			ON CONFLICT (customer_id) DO UPDATE SET last_at = excluded.last_at, p_alive = excluded.p_alive`, baselines, 3, ", ",
			func(q *Query, b rapport.AlmostBaseline) string { return q.In(b.CustomerID, b.LastAt, b.PAlive) })
		if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO almost_runs (id, computed_at, listed) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at, listed = excluded.listed`, tx.now, len(list))
		return err
	})
}

// FindAlmostCustomers returns a page of the visible entries, highest score first, with
// the visible entries counted by kind. A customer merged into another is left out: the
// profile it went into keeps its own entry until the next run works it out again.
func (db *DB) FindAlmostCustomers(ctx context.Context, s rapport.Scope, f rapport.AlmostFilter) (*rapport.AlmostList, error) {
	if f.Kind != "" && !f.Kind.Valid() {
		return nil, rapport.FieldError("kind", "kind must be one of %s, not %q", kindNames(), f.Kind)
	}
	out := &rapport.AlmostList{Counts: map[rapport.AlmostKind]int{}}
	err := db.view(ctx, s, func(tx *Tx) error {
		var at sql.NullTime
		if err := tx.queryRow(`SELECT computed_at FROM almost_runs WHERE id = 1`).Scan(&at); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		} else if at.Valid {
			out.ComputedAt = &at.Time
		}
		q := &Query{}
		visible := `a JOIN customers c ON c.id = a.customer_id WHERE c.merged_into IS NULL AND ` + visibleCustomer(q, tx.scope, "c.id")
		var all, slipping, frustrated, lookalike int
		if err := tx.queryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN a.slipping THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN a.frustrated THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN a.lookalike THEN 1 ELSE 0 END), 0)
			FROM almost_customers `+visible, q.Args()...).Scan(&all, &slipping, &frustrated, &lookalike); err != nil {
			return err
		}
		out.Counts[""], out.Counts[rapport.AlmostSlipping], out.Counts[rapport.AlmostFrustrated], out.Counts[rapport.AlmostLookalike] =
			all, slipping, frustrated, lookalike

		conds := []string{}
		if f.Kind != "" {
			conds = append(conds, "a."+string(f.Kind)) // a column named as the kind, checked above
		}
		if f.Cursor != "" {
			parts, err := decodeCursor(f.Cursor, 2)
			if err != nil {
				return err
			}
			score, serr := strconv.ParseFloat(parts[0], 64)
			id, iderr := rapport.ParseID(parts[1])
			if serr != nil || iderr != nil {
				return badCursor()
			}
			conds = append(conds, fmt.Sprintf("(a.score < %s OR (a.score = %s AND a.customer_id > %s))", q.Arg(score), q.Arg(score), q.Arg(id)))
		}
		where := ""
		for _, c := range conds {
			where += " AND " + c
		}
		n := limit(f.Limit, 50, 500)
		list, err := queryAll(tx, `SELECT c.id, c.name, c.kind, a.score, a.reasons, a.next_step, a.currency, a.revenue, a.lifetime_value,
			a.p_alive, a.computed_at FROM almost_customers `+visible+where+` ORDER BY a.score DESC, a.customer_id LIMIT `+q.Arg(n+1),
			q.Args(), func(rows Scanner) (rapport.AlmostCustomer, error) {
				var a rapport.AlmostCustomer
				var reasons string
				var revenue int64
				var pAlive sql.NullFloat64
				if err := rows.Scan(&a.ID, &a.Name, &a.Kind, &a.Score, &reasons, &a.NextStep, &a.Currency, &revenue, &a.LifetimeValue,
					&pAlive, &a.ComputedAt); err != nil {
					return a, err
				}
				a.Revenue = rapport.Amount(revenue)
				if pAlive.Valid {
					a.PAlive = &pAlive.Float64
				}
				return a, json.Unmarshal([]byte(reasons), &a.Reasons)
			})
		if err != nil {
			return err
		}
		if len(list) > n {
			list = list[:n]
			last := list[n-1]
			out.Next = encodeCursor(strconv.FormatFloat(last.Score, 'g', -1, 64), last.ID.String())
		}
		out.Customers = list
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func kindNames() string {
	var names []string
	for _, k := range rapport.AlmostKinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
