package sqldb

import (
	"bytes"
	"cmp"
	"slices"
	"sync"

	"github.com/rapportckm/rapport"
)

// relatedIndex holds every article's labels (its category, tags and products) in
// memory, so that ranking an article's related articles counts a few hundred shared
// labels in Go instead of running a query over every article that shares one. It is
// built again when the knowledge base has changed (kb_revision); an index is never
// changed once built, so rankings read it without a lock.
//
// The index ranks; it does not decide who may read: the ranked articles are read again
// in the reader's scope (articleLinks), so it only needs to leave out what the reader
// can never see, and ranks spares for what the reader's scope may still filter out.
type relatedIndex struct {
	revision int64
	articles map[rapport.ID]*indexedArticle
	byLabel  map[string][]*indexedArticle
}

type indexedArticle struct {
	id       rapport.ID
	title    string
	labels   []string
	readable bool // published and not archived
	audience rapport.Audience
}

// relatedIndexes builds the index at most once per revision, however many pages ask
// for it at once.
type relatedIndexes struct {
	mu      sync.Mutex
	current *relatedIndex
}

// relatedIndex returns the index of the knowledge base as this transaction sees it.
func (db *DB) relatedIndex(tx *Tx) (*relatedIndex, error) {
	revision, err := tx.kbRevision()
	if err != nil {
		return nil, err
	}
	db.related.mu.Lock()
	defer db.related.mu.Unlock()
	if x := db.related.current; x != nil && x.revision == revision {
		return x, nil
	}
	x := &relatedIndex{revision: revision, articles: map[rapport.ID]*indexedArticle{}, byLabel: map[string][]*indexedArticle{}}
	rows, err := tx.query(`SELECT id, title, category_id, audience, published_version > 0 AND status <> 'archived' FROM kb_articles`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		a := &indexedArticle{}
		var category rapport.ID
		if err := rows.Scan(&a.id, &a.title, &category, &a.audience, &a.readable); err != nil {
			rows.Close()
			return nil, err
		}
		if !category.IsZero() {
			a.labels = append(a.labels, "c:"+category.String())
		}
		x.articles[a.id] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, table := range []struct{ query, prefix string }{
		{`SELECT article_id, tag FROM kb_article_tags`, "t:"},
		{`SELECT article_id, product FROM kb_article_products`, "p:"},
	} {
		rows, err := tx.query(table.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id rapport.ID
			var label string
			if err := rows.Scan(&id, &label); err != nil {
				rows.Close()
				return nil, err
			}
			if a := x.articles[id]; a != nil {
				a.labels = append(a.labels, table.prefix+label)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, a := range x.articles {
		for _, l := range a.labels {
			x.byLabel[l] = append(x.byLabel[l], a)
		}
	}
	db.related.current = x
	return x, nil
}

// kbRevision counts the changes to articles, their labels and categories so far.
func (tx *Tx) kbRevision() (int64, error) {
	var n int64
	err := tx.queryRow(`SELECT n FROM kb_revision`).Scan(&n)
	return n, err
}

// rank lists the articles that share anything with me, the most shared first, then by
// title; at most limit of those the scope could read, and for signed-in customers, who
// may not read every article chosen for someone, as many again to spare.
func (x *relatedIndex) rank(me rapport.ID, s rapport.Scope, limit int) []rapport.ID {
	a := x.articles[me]
	if a == nil {
		return nil
	}
	candidate := func(b *indexedArticle) bool { return true }
	switch {
	case anonymous(s):
		candidate = func(b *indexedArticle) bool { return b.readable && b.audience == rapport.AudiencePublic }
	case !s.IsStaff():
		candidate = func(b *indexedArticle) bool { return b.readable && b.audience != rapport.AudienceStaff }
		limit *= 2
	}
	shared := map[*indexedArticle]int{}
	for _, l := range a.labels {
		for _, b := range x.byLabel[l] {
			if b != a && candidate(b) {
				shared[b]++
			}
		}
	}
	// Bucket by how much is shared; only the buckets that reach the limit are sorted.
	buckets := make([][]*indexedArticle, len(a.labels)+1)
	for b, n := range shared {
		buckets[n] = append(buckets[n], b)
	}
	var ids []rapport.ID
	for n := len(buckets) - 1; n > 0 && len(ids) < limit; n-- {
		bucket := buckets[n]
		slices.SortFunc(bucket, func(p, q *indexedArticle) int {
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
