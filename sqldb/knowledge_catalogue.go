package sqldb

import (
	"bytes"
	"cmp"
	"maps"
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
// A catalogue is for one revision of the knowledge base (kb_revision, counted by
// triggers, so a change made by another process counts too). When the knowledge base
// has changed, a new catalogue is made from the last one by reading again the articles
// changed since (kb_changes), or from all the articles after many changes. A catalogue
// is never changed once made, so searches read it without a lock.
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

// catalogues keeps the latest catalogue; it is brought up to date at most once per
// revision, however many readers ask for it at once.
type catalogues struct {
	mu      sync.Mutex
	current *catalogue
}

// maxCatalogueChanges is how many changes a catalogue is brought up to date by, article
// by article; after more (a bulk import), it is built again from all the articles. It
// must stay below the 10,000 changes kb_changes keeps (migration 0036).
const maxCatalogueChanges = 1000

// kbRevision counts the changes to articles, their labels and categories so far.
func (tx *Tx) kbRevision() (int64, error) {
	var n int64
	err := tx.queryRow(`SELECT n FROM kb_revision`).Scan(&n)
	return n, err
}

// catalogue returns a catalogue at least as recent as what this transaction sees. One
// more recent serves too: an article it no longer lets the reader see was readable a
// moment ago at most, and one it newly lets them see is readable now.
func (db *DB) catalogue(tx *Tx) (*catalogue, error) {
	revision, err := tx.kbRevision()
	if err != nil {
		return nil, err
	}
	return db.catalogueAt(tx, revision)
}

// catalogueAt is catalogue for a transaction that has read the revision already.
func (db *DB) catalogueAt(tx *Tx, revision int64) (c *catalogue, err error) {
	db.catalogues.mu.Lock()
	defer db.catalogues.mu.Unlock()
	c = db.catalogues.current
	switch {
	case c != nil && c.revision >= revision:
		return c, nil
	case c != nil && revision-c.revision <= maxCatalogueChanges:
		c, err = c.update(tx, revision)
	default:
		c, err = buildCatalogue(tx, revision)
	}
	if err != nil {
		return nil, err
	}
	db.catalogues.current = c
	return c, nil
}

func buildCatalogue(tx *Tx, revision int64) (*catalogue, error) {
	c := &catalogue{revision: revision, bySeq: map[int64]*catalogued{}, byID: map[rapport.ID]*catalogued{}, byLabel: map[string][]*catalogued{}}
	articles, err := readCatalogued(tx, nil)
	if err != nil {
		return nil, err
	}
	for _, a := range articles {
		c.bySeq[a.seq], c.byID[a.id] = a, a
		for _, l := range a.labels {
			c.byLabel[l] = append(c.byLabel[l], a)
		}
	}
	return c, nil
}

// update returns a copy of c brought up to revision by reading again the articles
// changed since (kb_changes); c itself, which readers may hold, is left as it is.
func (c *catalogue) update(tx *Tx, revision int64) (*catalogue, error) {
	ids, err := tx.ids(`SELECT DISTINCT article_id FROM kb_changes WHERE n > $1 AND n <= $2 AND article_id IS NOT NULL`,
		c.revision, revision)
	if err != nil {
		return nil, err
	}
	next := &catalogue{revision: revision, bySeq: maps.Clone(c.bySeq), byID: maps.Clone(c.byID), byLabel: maps.Clone(c.byLabel)}
	if len(ids) == 0 {
		return next, nil
	}
	// Out with the articles as they were, in with them as they are (if they still are).
	changed := map[string]bool{}
	for _, id := range ids {
		if old := next.byID[id]; old != nil {
			delete(next.bySeq, old.seq)
			delete(next.byID, id)
			for _, l := range old.labels {
				changed[l] = true
			}
		}
	}
	for l := range changed {
		next.byLabel[l] = slices.DeleteFunc(slices.Clone(next.byLabel[l]), func(a *catalogued) bool { return next.byID[a.id] != a })
	}
	articles, err := readCatalogued(tx, ids)
	if err != nil {
		return nil, err
	}
	for _, a := range articles {
		next.bySeq[a.seq], next.byID[a.id] = a, a
		for _, l := range a.labels {
			// Clipped, so that the append copies: the old slice is the old catalogue's.
			next.byLabel[l] = append(slices.Clip(next.byLabel[l]), a)
		}
	}
	return next, nil
}

// readCatalogued reads what the catalogue holds of the articles ids, or of all of them
// when ids is nil.
func readCatalogued(tx *Tx, ids []rapport.ID) ([]*catalogued, error) {
	// The condition on the article id column col, and its arguments, the same for each
	// query.
	in, args := "", []any(nil)
	if ids != nil {
		q := &Query{}
		in, args = q.In(anySlice(ids)...), q.Args()
	}
	where := func(col string) (string, []any) {
		if ids == nil {
			return "", nil
		}
		return " WHERE " + col + " IN " + in, args
	}
	byID := map[rapport.ID]*catalogued{}
	var out []*catalogued
	// Each read is of one narrow index (kb_articles_search, kb_articles_links), not of
	// the rows, which hold whole bodies.
	cond, args := where("id")
	if err := tx.each(`SELECT seq, id, category_id, audience, published_version > 0 AND status <> 'archived' FROM kb_articles`+cond, args, func(r Scanner) error {
		a := &catalogued{}
		if err := r.Scan(&a.seq, &a.id, &a.category, &a.audience, &a.readable); err != nil {
			return err
		}
		if !a.category.IsZero() {
			a.labels = append(a.labels, "c:"+a.category.String())
		}
		byID[a.id] = a
		out = append(out, a)
		return nil
	}); err != nil {
		return nil, err
	}
	err := tx.reads(func(b *batch) {
		for _, read := range []struct {
			query, col string
			set        func(a *catalogued, value string)
		}{
			{`SELECT id, title FROM kb_articles`, "id", func(a *catalogued, title string) { a.title = title }},
			{`SELECT article_id, tag FROM kb_article_tags`, "article_id", func(a *catalogued, tag string) { a.labels = append(a.labels, "t:"+tag) }},
			{`SELECT article_id, product FROM kb_article_products`, "article_id", func(a *catalogued, product string) {
				a.products = append(a.products, product)
				a.labels = append(a.labels, "p:"+product)
			}},
		} {
			cond, args := where(read.col)
			b.query(read.query+cond, args, func(r Scanner) error {
				var id rapport.ID
				var value string
				if err := r.Scan(&id, &value); err != nil {
					return err
				}
				if a := byID[id]; a != nil {
					read.set(a, value)
				}
				return nil
			})
		}
	})
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		slices.Sort(a.products)
	}
	return out, nil
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
