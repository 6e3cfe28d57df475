package sqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.KnowledgeInsightService = (*DB)(nil)

// insightWeeks returns the starts of the last n weeks (Mondays, UTC), oldest first.
func insightWeeks(now time.Time, n int) ([]time.Time, error) {
	if n < 1 || n > rapport.MaxInsightWeeks {
		return nil, rapport.FieldError("weeks", "weeks must be from 1 to %d", rapport.MaxInsightWeeks)
	}
	day := now.UTC().Truncate(24 * time.Hour)
	first := day.AddDate(0, 0, -((int(day.Weekday())+6)%7)-7*(n-1))
	out := make([]time.Time, n)
	for i := range out {
		out[i] = first.AddDate(0, 0, 7*i)
	}
	return out, nil
}

// weekOf is the SQL expression numbering the week (0 = the first) that col falls in.
func weekOf(q *Query, starts []time.Time, col string) string {
	var b strings.Builder
	b.WriteString("CASE")
	for i := 1; i < len(starts); i++ {
		b.WriteString(" WHEN " + col + " < " + q.Arg(starts[i]) + " THEN " + strconv.Itoa(i-1))
	}
	b.WriteString(" ELSE " + strconv.Itoa(len(starts)-1) + " END")
	return b.String()
}

// readerWeeks counts views, searches and judgements by week; articleID zero counts all.
func (tx *Tx) readerWeeks(starts []time.Time, articleID rapport.ID) ([]rapport.KnowledgeWeek, error) {
	weeks := make([]rapport.KnowledgeWeek, len(starts))
	for i := range weeks {
		weeks[i].Start = starts[i]
	}
	byArticle := func(q *Query, col string) string {
		if articleID.IsZero() {
			return ""
		}
		return " AND " + col + " = " + q.Arg(articleID)
	}
	err := tx.reads(func(b *batch) {
		// add queues a count by week: the week's index, then counts numbers for set.
		add := func(q *Query, counts int, query string, set func(w *rapport.KnowledgeWeek, n []int)) {
			b.query(query, q.Args(), func(r Scanner) error {
				n := make([]int, 1+counts)
				dest := make([]any, len(n))
				for i := range n {
					dest[i] = &n[i]
				}
				if err := r.Scan(dest...); err != nil {
					return err
				}
				if n[0] >= 0 && n[0] < len(weeks) {
					set(&weeks[n[0]], n[1:])
				}
				return nil
			})
		}
		q := &Query{}
		add(q, 1, `SELECT `+weekOf(q, starts, "v.viewed_at")+`, COUNT(*) FROM kb_views v WHERE v.viewed_at >= `+q.Arg(starts[0])+
			byArticle(q, "v.article_id")+` GROUP BY 1`, func(w *rapport.KnowledgeWeek, n []int) { w.Views = n[0] })
		q = &Query{}
		add(q, 4, `SELECT `+weekOf(q, starts, "r.updated_at")+`, SUM(CASE WHEN r.helpful THEN 1 ELSE 0 END),
			SUM(CASE WHEN r.helpful IS NULL OR r.helpful THEN 0 ELSE 1 END), COUNT(r.rating), COALESCE(SUM(r.rating), 0)
			FROM kb_ratings r WHERE r.updated_at >= `+q.Arg(starts[0])+byArticle(q, "r.article_id")+` GROUP BY 1`,
			func(w *rapport.KnowledgeWeek, n []int) {
				w.Helpful, w.Unhelpful, w.Ratings, w.RatingSum = n[0], n[1], n[2], n[3]
			})
		if articleID.IsZero() { // searches are not of an article
			q = &Query{}
			add(q, 3, `SELECT `+weekOf(q, starts, "s.at")+`, COUNT(*), SUM(CASE WHEN s.results = 0 THEN 1 ELSE 0 END),
				SUM(CASE WHEN s.results > 0 AND NOT EXISTS (SELECT 1 FROM kb_views v WHERE v.search_id = s.id) THEN 1 ELSE 0 END)
				FROM kb_searches s WHERE s.at >= `+q.Arg(starts[0])+` AND s.reader <> 'staff' GROUP BY 1`,
				func(w *rapport.KnowledgeWeek, n []int) { w.Searches, w.NoResult, w.NoClick = n[0], n[1], n[2] })
		}
	})
	return weeks, err
}

func (db *DB) ArticleWeeks(ctx context.Context, s rapport.Scope, articleID rapport.ID, weeks int) ([]rapport.KnowledgeWeek, error) {
	if err := rapport.Require(s.IsStaff(), "see how articles are read"); err != nil {
		return nil, err
	}
	// The help centre's views still queued count too (portal_views.go).
	if err := db.flushViews(ctx); err != nil {
		return nil, err
	}
	starts, err := insightWeeks(db.Now(), weeks)
	if err != nil {
		return nil, err
	}
	var out []rapport.KnowledgeWeek
	err = db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findArticle(articleID.String()); err != nil {
			return err
		}
		out, err = tx.readerWeeks(starts, articleID)
		return err
	})
	return out, err
}

func (db *DB) KnowledgeInsights(ctx context.Context, s rapport.Scope, weeks int) (*rapport.KnowledgeInsights, error) {
	if err := rapport.Require(s.IsStaff(), "see how the knowledge base is used"); err != nil {
		return nil, err
	}
	// The help centre's views still queued count too (portal_views.go).
	if err := db.flushViews(ctx); err != nil {
		return nil, err
	}
	starts, err := insightWeeks(db.Now(), weeks)
	if err != nil {
		return nil, err
	}
	in := &rapport.KnowledgeInsights{Since: starts[0]}
	err = db.view(ctx, s, func(tx *Tx) error {
		if in.Weeks, err = tx.readerWeeks(starts, rapport.ID{}); err != nil {
			return err
		}
		if in.Articles, err = tx.articleUse(starts[0]); err != nil {
			return err
		}
		in.Gaps, err = tx.contentGaps(starts[0])
		return err
	})
	if err != nil {
		return nil, err
	}
	return in, nil
}

// articleUse lists the most read articles since a time, with their judgements then.
func (tx *Tx) articleUse(since time.Time) ([]rapport.ArticleUse, error) {
	q := &Query{}
	s1, s2 := q.Arg(since), q.Arg(since)
	out, err := queryAll(tx, `SELECT a.id, a.slug, a.title, a.status, COALESCE(v.n, 0), COALESCE(r.yes, 0), COALESCE(r.no, 0),
			COALESCE(r.rated, 0), COALESCE(r.mean, 0)
		FROM kb_articles a
		LEFT JOIN (SELECT article_id, COUNT(*) AS n FROM kb_views WHERE viewed_at >= `+s1+` GROUP BY article_id) v ON v.article_id = a.id
		LEFT JOIN (SELECT article_id, SUM(CASE WHEN helpful THEN 1 ELSE 0 END) AS yes,
				SUM(CASE WHEN helpful IS NULL OR helpful THEN 0 ELSE 1 END) AS no, COUNT(rating) AS rated, AVG(rating * 1.0) AS mean
			FROM kb_ratings WHERE updated_at >= `+s2+` GROUP BY article_id) r ON r.article_id = a.id
		WHERE v.n > 0 OR r.yes > 0 OR r.no > 0 OR r.rated > 0
		ORDER BY COALESCE(v.n, 0) DESC, a.title LIMIT 50`, q.Args(), func(rows Scanner) (rapport.ArticleUse, error) {
		var u rapport.ArticleUse
		err := rows.Scan(&u.ID, &u.Slug, &u.Title, &u.Status, &u.Views, &u.Helpful, &u.Unhelpful, &u.Ratings, &u.MeanRating)
		return u, err
	})
	if out == nil {
		out = []rapport.ArticleUse{}
	}
	return out, err
}

// contentGaps lists the queries readers searched for since a time that found nothing or
// led to no article read, most often first, with the customers who asked them. Searches
// of customers the reader may not see are left out.
func (tx *Tx) contentGaps(since time.Time) ([]rapport.ContentGap, error) {
	searched := func(q *Query) string {
		return `s.at >= ` + q.Arg(since) + ` AND s.reader <> 'staff' AND s.normalized <> '' AND (s.customer_id IS NULL OR ` +
			visibleCustomer(q, tx.scope, "s.customer_id") + `)`
	}
	const (
		noResult = `SUM(CASE WHEN s.results = 0 THEN 1 ELSE 0 END)`
		noClick  = `SUM(CASE WHEN s.results > 0 AND NOT EXISTS (SELECT 1 FROM kb_views v WHERE v.search_id = s.id) THEN 1 ELSE 0 END)`
	)
	type gap struct {
		normalized string
		rapport.ContentGap
	}
	q := &Query{}
	gaps, err := queryAll(tx, `SELECT s.normalized, MAX(s.query), COUNT(*), `+noResult+`, `+noClick+`, COUNT(DISTINCT s.customer_id), MAX(s.at)
		FROM kb_searches s WHERE `+searched(q)+` GROUP BY s.normalized
		HAVING `+noResult+` + `+noClick+` > 0
		ORDER BY `+noResult+` + `+noClick+` DESC, COUNT(*) DESC, s.normalized LIMIT 50`,
		q.Args(), func(rows Scanner) (*gap, error) {
			g := &gap{}
			var last aggregateTime
			err := rows.Scan(&g.normalized, &g.Query, &g.Searches, &g.NoResult, &g.NoClick, &g.Customers, &last)
			g.LastAt = last.Time
			return g, err
		})
	if err != nil {
		return nil, err
	}
	out := make([]rapport.ContentGap, 0, len(gaps))
	if len(gaps) == 0 {
		return out, nil
	}
	byQuery := map[string]*gap{}
	keys := make([]any, len(gaps))
	for i, g := range gaps {
		byQuery[g.normalized], keys[i] = g, g.normalized
	}
	// The value of the customers who asked: each customer once per query.
	type value struct {
		query    string
		amount   float64
		currency string
	}
	q = &Query{}
	values, err := queryAll(tx, `SELECT DISTINCT s.normalized, s.customer_id, cv.lifetime_value, cv.currency
		FROM kb_searches s JOIN customer_values cv ON cv.customer_id = s.customer_id
		WHERE `+searched(q)+` AND s.normalized IN `+q.In(keys...),
		q.Args(), func(rows Scanner) (value, error) {
			var v value
			var id rapport.ID
			err := rows.Scan(&v.query, &id, &v.amount, &v.currency)
			return v, err
		})
	if err != nil {
		return nil, err
	}
	for _, v := range values {
		g := byQuery[v.query]
		g.Value += v.amount
		switch {
		case v.currency == "" || v.currency == g.Currency:
		case g.Currency == "":
			g.Currency = v.currency
		default:
			g.Currency = "mixed"
		}
	}
	for _, g := range gaps {
		out = append(out, g.ContentGap)
	}
	return out, nil
}

// aggregateTime scans a time computed by an aggregate such as MAX: PostgreSQL gives a
// time, SQLite the text it stores.
type aggregateTime struct{ time.Time }

func (t *aggregateTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		t.Time = time.Time{}
		return nil
	case time.Time:
		t.Time = v
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	}
	return fmt.Errorf("a time cannot be read from %T", v)
}

func (t *aggregateTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if p, err := time.Parse(layout, s); err == nil {
			t.Time = p.UTC()
			return nil
		}
	}
	return fmt.Errorf("a time cannot be read from %q", s)
}
