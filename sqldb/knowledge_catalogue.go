package sqldb

import (
	"bytes"
	"cmp"
	"slices"
	"sync"

	"github.com/rapportckm/rapport"
)

// catalogue holds what searches and related articles need to know of every article
// besides its text — who may read it, its category, products and tags, its title — in
// memory. A search then reads from the database only the scores of its matches and the
// page of hits: who may read each match and how the matches fall into categories and
// products is decided here, rather than by a lookup of every match in the database.
// Related articles are ranked by counting shared labels here, rather than by a query
// over every article sharing one.
//
// A catalogue is built again when the knowledge base has changed (kb_revision, counted
// by triggers, so a change made by another process counts too), and never changed once
// built, so searches read it without a lock. It is exact for the revision it was built
// at, which is the revision the reading transaction sees.
type catalogue struct {
	revision int64
	bySeq    map[int64]*catalogued
	byID     map[rapport.ID]*catalogued
	byLabel  map[string][]*catalogued // "c:" category, "t:" tag, "p:" product
}

type catalogued struct {
	seq      int64
	id       rapport.ID
	title    string
	readable bool // published and not archived
	audience rapport.Audience
	category rapport.ID
	products []string
	labels   []string
}

// access is whether a scope may read an article, as visibleArticle decides.
type access int

const (
	denied access = iota
	allowed
	askDatabase // an article for chosen customers: only the database knows whom
)

func (a *catalogued) access(s rapport.Scope) access {
	switch {
	case s.IsStaff():
		return allowed
	case !a.readable || a.audience == rapport.AudienceStaff:
		return denied
	case a.audience == rapport.AudiencePublic:
		return allowed
	case anonymous(s):
		return denied
	case a.audience == rapport.AudienceCustomers:
		return allowed
	}
	return askDatabase
}

// catalogues builds the catalogue at most once per revision, however many readers ask
// for it at once.
type catalogues struct {
	mu      sync.Mutex
	current *catalogue
}

// kbRevision counts the changes to articles, their labels and categories so far.
func (tx *Tx) kbRevision() (int64, error) {
	var n int64
	err := tx.queryRow(`SELECT n FROM kb_revision`).Scan(&n)
	return n, err
}

// catalogue returns the catalogue of the knowledge base as this transaction sees it.
func (db *DB) catalogue(tx *Tx) (*catalogue, error) {
	revision, err := tx.kbRevision()
	if err != nil {
		return nil, err
	}
	db.catalogues.mu.Lock()
	defer db.catalogues.mu.Unlock()
	if c := db.catalogues.current; c != nil && c.revision == revision {
		return c, nil
	}
	c := &catalogue{revision: revision, bySeq: map[int64]*catalogued{}, byID: map[rapport.ID]*catalogued{}, byLabel: map[string][]*catalogued{}}
	// Each read is of one narrow index (kb_articles_search, kb_articles_links), not of
	// the rows, which hold whole bodies.
	rows, err := tx.query(`SELECT seq, id, category_id, audience, published_version > 0 AND status <> 'archived' FROM kb_articles`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		a := &catalogued{}
		if err := rows.Scan(&a.seq, &a.id, &a.category, &a.audience, &a.readable); err != nil {
			rows.Close()
			return nil, err
		}
		if !a.category.IsZero() {
			a.labels = append(a.labels, "c:"+a.category.String())
		}
		c.bySeq[a.seq], c.byID[a.id] = a, a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, read := range []struct {
		query string
		set   func(a *catalogued, value string)
	}{
		{`SELECT id, title FROM kb_articles`, func(a *catalogued, title string) { a.title = title }},
		{`SELECT article_id, tag FROM kb_article_tags`, func(a *catalogued, tag string) { a.labels = append(a.labels, "t:"+tag) }},
		{`SELECT article_id, product FROM kb_article_products ORDER BY article_id, product`, func(a *catalogued, product string) {
			a.products = append(a.products, product)
			a.labels = append(a.labels, "p:"+product)
		}},
	} {
		rows, err := tx.query(read.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id rapport.ID
			var value string
			if err := rows.Scan(&id, &value); err != nil {
				rows.Close()
				return nil, err
			}
			if a := c.byID[id]; a != nil {
				read.set(a, value)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, a := range c.byID {
		for _, l := range a.labels {
			c.byLabel[l] = append(c.byLabel[l], a)
		}
	}
	db.catalogues.current = c
	return c, nil
}

// related lists the articles that share anything with me, the most shared first, then
// by title; at most limit of those the scope could read, and for signed-in customers,
// who may not read every article chosen for someone, as many again to spare. The list
// is read again in the reader's scope (articleLinks).
func (c *catalogue) related(me rapport.ID, s rapport.Scope, limit int) []rapport.ID {
	a := c.byID[me]
	if a == nil {
		return nil
	}
	if !s.IsStaff() && !anonymous(s) {
		limit *= 2
	}
	shared := map[*catalogued]int{}
	for _, l := range a.labels {
		for _, b := range c.byLabel[l] {
			if b != a && b.access(s) != denied {
				shared[b]++
			}
		}
	}
	// Bucket by how much is shared; only the buckets that reach the limit are sorted.
	buckets := make([][]*catalogued, len(a.labels)+1)
	for b, n := range shared {
		buckets[n] = append(buckets[n], b)
	}
	var ids []rapport.ID
	for n := len(buckets) - 1; n > 0 && len(ids) < limit; n-- {
		bucket := buckets[n]
		slices.SortFunc(bucket, func(p, q *catalogued) int {
			if c := cmp.Compare(p.title, q.title); c != 0 {
				return c
			}
			return bytes.Compare(p.id[:], q.id[:])
		})
		for _, b := range bucket[:min(len(bucket), limit-len(ids))] {
			ids = append(ids, b.id)
		}
	}
	return ids
}
