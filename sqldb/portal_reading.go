package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.PortalReadingService = (*DB)(nil)

// readerKey is who a view or rating is from: a signed-in customer (c: and their id)
// or a visitor (v: and their cookie's value).
func readerKey(s rapport.Scope, visitor string) (string, error) {
	if s.Kind == rapport.ActorCustomer && !s.CustomerID.IsZero() {
		return "c:" + s.CustomerID.String(), nil
	}
	if visitor == "" || len(visitor) > 64 {
		return "", rapport.Errorf(rapport.EINVALID, "the reader is not known; allow cookies for this site")
	}
	return "v:" + visitor, nil
}

// readerCustomer is the customer of a customer scope, or nil for others.
func readerCustomer(s rapport.Scope) any {
	if s.Kind == rapport.ActorCustomer && !s.CustomerID.IsZero() {
		return s.CustomerID
	}
	return nil
}

// RecordView records the view, and waits until it is stored. Views that arrive together
// are written in one transaction (see viewLog): with one writer on SQLite, a commit per
// page read would cost more than the page.
func (db *DB) RecordView(ctx context.Context, s rapport.Scope, v rapport.ArticleView) error {
	reader, err := readerKey(s, v.Reader)
	if err != nil {
		return err
	}
	return db.sendView(ctx, viewEvent{scope: s, view: v, reader: reader}, true)
}

// QueueView records the view within viewDelay, without waiting for it (see viewLog).
// A view of an article the reader may not read is not recorded.
func (db *DB) QueueView(ctx context.Context, s rapport.Scope, v rapport.ArticleView) error {
	reader, err := readerKey(s, v.Reader)
	if err != nil {
		return err
	}
	return db.sendView(ctx, viewEvent{scope: s, view: v, reader: reader}, false)
}

// ViewErrors counts the queued views that could not be written (other than those of
// articles their reader may not read), since the database was opened.
func (db *DB) ViewErrors() int64 { return db.viewErrors.Load() }

// recordView writes one view in the transaction, as the view's reader.
func (tx *Tx) recordView(v rapport.ArticleView, reader string) error {
	// The article's id, slug and title, if the reader may read it; not its body and
	// labels, which findArticle reads.
	q := &Query{}
	a := &rapport.Article{}
	err := tx.queryRow(`SELECT a.id, a.slug, a.title FROM kb_articles a WHERE a.id = `+q.Arg(v.ArticleID)+` AND `+
		visibleArticle(q, tx.scope, "a"), q.Args()...).Scan(&a.ID, &a.Slug, &a.Title)
	if err != nil {
		return notFound(err, "article")
	}
	var search any
	if !v.SearchID.IsZero() {
		search = v.SearchID
	}
	customer := readerCustomer(tx.scope)
	if _, err := tx.exec(`INSERT INTO kb_views (id, article_id, reader, customer_id, recorded_customer_id, search_id, viewed_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6)`, rapport.NewID(), a.ID, reader, customer, search, tx.now); err != nil {
		return err
	}
	if customer == nil {
		return nil
	}
	attrs := map[string]any{"event": "article_view", "article_id": a.ID.String(), "slug": a.Slug}
	if !v.SearchID.IsZero() {
		attrs["search_id"] = v.SearchID.String()
	}
	return tx.writeEntry(entry{customer: tx.scope.CustomerID, typ: "web_event", channel: "portal",
		actorID: tx.scope.CustomerID.String(), summary: "Read “" + a.Title + "” in the help centre", attrs: attrs})
}

func (db *DB) RateArticle(ctx context.Context, s rapport.Scope, articleID rapport.ID, visitor string, r rapport.ArticleRating) (*rapport.ArticleRating, error) {
	reader, err := readerKey(s, visitor)
	if err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	err = db.update(ctx, s, func(tx *Tx) error {
		a, err := tx.findArticle(articleID.String())
		if err != nil {
			return err
		}
		var rating any
		if r.Rating > 0 {
			rating = r.Rating
		}
		var helpful any
		if r.Helpful != nil {
			helpful = *r.Helpful
		}
		r.UpdatedAt = tx.now
		customer, addr := readerCustomer(s), ""
		if customer == nil {
			addr = s.Addr
			if err := tx.limitAnonymousRatings(a.ID, reader, addr); err != nil {
				return err
			}
		}
		if _, err := tx.exec(`INSERT INTO kb_ratings (article_id, reader, customer_id, recorded_customer_id, helpful, rating, comment, addr, created_at, updated_at)
			VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (article_id, reader) DO UPDATE SET helpful = excluded.helpful, rating = excluded.rating,
				comment = excluded.comment, updated_at = excluded.updated_at`,
			a.ID, reader, customer, helpful, rating, r.Comment, addr, tx.now); err != nil {
			return err
		}
		var cust rapport.ID
		if customer != nil {
			cust = s.CustomerID
		}
		return tx.audit("rate", "article", a.ID, cust, false, fmt.Sprintf("rating %d", r.Rating))
	})
	if err != nil {
		return nil, err
	}
	db.pages.drop(func(p keptPage) bool { return p.page.Article.ID == articleID }) // its score changed
	return &r, nil
}

// maxRatingsPerAddr is how many new ratings anonymous visitors may give one article
// from one network address in a day. Clearing one's cookies makes a new reader, so
// without it one person could rate an article as often as they liked.
const maxRatingsPerAddr = 3

// limitAnonymousRatings refuses a new rating of the article by an anonymous reader when
// its network address has given the day's share; changing one's own rating is not
// limited. Addresses are forgotten once they no longer count.
func (tx *Tx) limitAnonymousRatings(articleID rapport.ID, reader, addr string) error {
	if err := tx.lock("kb_ratings"); err != nil {
		return err
	}
	since := tx.now.Add(-24 * time.Hour)
	if _, err := tx.exec(`UPDATE kb_ratings SET addr = '' WHERE addr <> '' AND created_at <= $1`, since); err != nil {
		return err
	}
	var mine, fromAddr int
	if err := tx.queryRow(`SELECT
		(SELECT COUNT(*) FROM kb_ratings WHERE article_id = $1 AND reader = $2),
		(SELECT COUNT(*) FROM kb_ratings WHERE article_id = $1 AND addr = $3 AND addr <> '' AND created_at > $4)`,
		articleID, reader, addr, since).Scan(&mine, &fromAddr); err != nil {
		return err
	}
	if mine == 0 && fromAddr >= maxRatingsPerAddr {
		return rapport.Errorf(rapport.ERATELIMIT, "this article has been rated from your network address %d times today: sign in to rate it", fromAddr)
	}
	return nil
}

func (db *DB) FindRating(ctx context.Context, s rapport.Scope, articleID rapport.ID, visitor string) (*rapport.ArticleRating, error) {
	reader, err := readerKey(s, visitor)
	if err != nil {
		return nil, err
	}
	var r *rapport.ArticleRating
	err = db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findArticle(articleID.String()); err != nil {
			return err
		}
		r, err = tx.findRating(articleID, reader)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// findRating reads the reader's rating of an article, which the caller has found.
func (tx *Tx) findRating(articleID rapport.ID, reader string) (*rapport.ArticleRating, error) {
	r := &rapport.ArticleRating{}
	var helpful sql.NullBool
	var rating sql.NullInt64
	if err := tx.queryRow(`SELECT helpful, rating, comment, updated_at FROM kb_ratings WHERE article_id = $1 AND reader = $2`,
		articleID, reader).Scan(&helpful, &rating, &r.Comment, &r.UpdatedAt); err != nil {
		return nil, notFound(err, "rating")
	}
	if helpful.Valid {
		r.Helpful = &helpful.Bool
	}
	r.Rating = int(rating.Int64)
	return r, nil
}

func (db *DB) ArticleScore(ctx context.Context, s rapport.Scope, articleID rapport.ID) (*rapport.ArticleScore, error) {
	var sc *rapport.ArticleScore
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findArticle(articleID.String()); err != nil {
			return err
		}
		var err error
		sc, err = tx.articleScore(articleID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

// articleScore sums the ratings of an article the caller has found.
func (tx *Tx) articleScore(articleID rapport.ID) (*rapport.ArticleScore, error) {
	sc := &rapport.ArticleScore{}
	var avg sql.NullFloat64
	if err := tx.queryRow(`SELECT
		COALESCE(SUM(CASE WHEN helpful THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN NOT helpful THEN 1 ELSE 0 END), 0),
		COUNT(rating), AVG(rating * 1.0) FROM kb_ratings WHERE article_id = $1`, articleID).Scan(&sc.Helpful, &sc.NotHelpful, &sc.Ratings, &avg); err != nil {
		return nil, err
	}
	sc.Average = avg.Float64
	return sc, nil
}

const articleLinkColumns = `a.id, a.slug, a.title, a.key_points, a.category_id`

func scanArticleLink(rows Scanner) (rapport.ArticleLink, error) {
	var l rapport.ArticleLink
	err := rows.Scan(&l.ID, &l.Slug, &l.Title, &l.KeyPoints, &l.CategoryID)
	return l, err
}

func linkLimit(n int) int { return min(max(n, 1), 50) }

// RelatedArticles scores the readable articles by what they share with this one: its
// category, each tag and each product.
func (db *DB) RelatedArticles(ctx context.Context, s rapport.Scope, articleID rapport.ID, limit int) ([]rapport.ArticleLink, error) {
	var out []rapport.ArticleLink
	err := db.view(ctx, s, func(tx *Tx) error {
		me, err := tx.findArticle(articleID.String())
		if err != nil {
			return err
		}
		kb, err := db.catalogue(tx)
		if err != nil {
			return err
		}
		out, err = tx.articleLinks(kb.related(me.ID, s, linkLimit(limit)+5), linkLimit(limit))
		return err
	})
	return out, err
}

func scanID(rows Scanner) (rapport.ID, error) {
	var id rapport.ID
	err := rows.Scan(&id)
	return id, err
}

// articleLinks reads the articles of ids that the scope may read, in the order of ids,
// at most limit.
func (tx *Tx) articleLinks(ids []rapport.ID, limit int) ([]rapport.ArticleLink, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := &Query{}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := q.In(args...)
	found, err := queryAll(tx, `SELECT `+articleLinkColumns+` FROM kb_articles a WHERE a.id IN `+in+` AND `+visibleArticle(q, tx.scope, "a"),
		q.Args(), scanArticleLink)
	if err != nil {
		return nil, err
	}
	byID := make(map[rapport.ID]rapport.ArticleLink, len(found))
	for _, l := range found {
		byID[l.ID] = l
	}
	var out []rapport.ArticleLink
	for _, id := range ids {
		if l, ok := byID[id]; ok && len(out) < limit {
			out = append(out, l)
		}
	}
	return out, nil
}

// AlsoRead counts, for each other article, how many of this article's recent readers
// read it too. Only articles the reader may see are counted at all.
func (db *DB) AlsoRead(ctx context.Context, s rapport.Scope, articleID rapport.ID, limit int) ([]rapport.ArticleLink, error) {
	var out []rapport.ArticleLink
	err := db.view(ctx, s, func(tx *Tx) error {
		me, err := tx.findArticle(articleID.String())
		if err != nil {
			return err
		}
		ids, err := tx.alsoReadIDs(me.ID, linkLimit(limit))
		if err != nil {
			return err
		}
		out, err = tx.articleLinks(ids, linkLimit(limit))
		return err
	})
	return out, err
}

// alsoReadRecent is how many of a reader's most recent views "also read" counts.
const alsoReadRecent = 50

// alsoReadIDs ranks the readable articles by how many of the article's last 1,000
// readers read them too, then by title.
func (tx *Tx) alsoReadIDs(articleID rapport.ID, limit int) ([]rapport.ID, error) {
	q := &Query{}
	id := q.Arg(articleID)
	// Of each of the last 1,000 readers, only their alsoReadRecent most recent views
	// count: a reader with thousands of views costs no more than anyone else.
	return queryAll(tx, `SELECT a.id FROM kb_articles a
		JOIN (SELECT v2.article_id, COUNT(DISTINCT v2.reader) AS readers
			FROM (SELECT reader FROM kb_views WHERE article_id = `+id+` ORDER BY viewed_at DESC LIMIT 1000) v1
			JOIN kb_views v2 ON v2.reader = v1.reader AND v2.article_id <> `+id+`
				AND v2.viewed_at >= COALESCE((SELECT r.viewed_at FROM kb_views r WHERE r.reader = v1.reader
					ORDER BY r.viewed_at DESC LIMIT 1 OFFSET `+strconv.Itoa(alsoReadRecent-1)+`), `+q.Arg(time.Time{})+`)
			GROUP BY v2.article_id) co ON co.article_id = a.id
		WHERE `+visibleArticle(q, tx.scope, "a")+`
		ORDER BY co.readers DESC, a.title LIMIT `+strconv.Itoa(limit), q.Args(), scanID)
}

// PopularArticles ranks the readable articles by their readers since a time; articles
// no one read follow, newest first.
func (db *DB) PopularArticles(ctx context.Context, s rapport.Scope, since time.Time, limit int) ([]rapport.ArticleLink, error) {
	var out []rapport.ArticleLink
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		q := &Query{}
		out, err = queryAll(tx, `SELECT `+articleLinkColumns+` FROM kb_articles a
			LEFT JOIN (SELECT article_id, COUNT(DISTINCT reader) AS readers FROM kb_views WHERE viewed_at >= `+q.Arg(since.UTC())+`
				GROUP BY article_id) v ON v.article_id = a.id
			WHERE `+visibleArticle(q, tx.scope, "a")+`
			ORDER BY COALESCE(v.readers, 0) DESC, a.published_at DESC, a.title LIMIT `+strconv.Itoa(linkLimit(limit)), q.Args(), scanArticleLink)
		return err
	})
	return out, err
}

// Sitemap lists what a visitor who is not signed in may read, and nothing else.
func (db *DB) Sitemap(ctx context.Context) ([]rapport.SitemapEntry, error) {
	var out []rapport.SitemapEntry
	s := rapport.PortalScope("")
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		q := &Query{}
		out, err = queryAll(tx, `SELECT a.slug, a.updated_at FROM kb_articles a WHERE `+visibleArticle(q, s, "a")+
			` ORDER BY a.slug LIMIT 50000`, q.Args(), func(rows Scanner) (rapport.SitemapEntry, error) {
			var e rapport.SitemapEntry
			err := rows.Scan(&e.Slug, &e.UpdatedAt)
			return e, err
		})
		return err
	})
	return out, err
}
