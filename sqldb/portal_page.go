package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/rapportckm/rapport"
)

// ReadArticle reads what the help centre's article page shows in one view: the article
// once (not once per part, as the separate calls do), its category, related and
// also-read articles, its score and the reader's rating.
//
// Freshness: for a signed-in customer, whose page depends on who they are, everything
// is read for every page. A visitor who is not signed in gets what every such visitor
// gets, so that page (all but the visitor's own rating, which is always read) is kept:
// until anything in the knowledge base changes (kb_revision, counted by triggers, so an
// edit made by another process counts too) or pageTTL passes, whichever comes first.
// Within pageTTL the score and "also read" may lag behind the ratings and views of other
// visitors; a rating given through this process drops the page at once. Related
// articles are ranked from the catalogue of articles kept in memory. Which are
// also read is costly to rank (the recent views of the article's last 1,000 readers) and
// changes slowly, so for visitors that ranking is kept for linkTTL even across edits.
// Both lists' articles are read again, in the reader's scope, whenever the page is, so
// an article archived or no longer public drops out at once.
func (db *DB) ReadArticle(ctx context.Context, s rapport.Scope, idOrSlug, visitor string, links int) (*rapport.ArticleReading, error) {
	links = linkLimit(links)
	out := &rapport.ArticleReading{}
	err := db.view(ctx, s, func(tx *Tx) error {
		keep := anonymous(s)
		revision, err := tx.kbRevision()
		if err != nil {
			return err
		}
		if keep {
			if p, ok := db.pages.get(idOrSlug, pageTTL); ok && p.revision == revision && p.links == links {
				*out = p.page
			}
		}
		if out.Article == nil {
			if err := db.readArticlePage(tx, out, idOrSlug, links, revision); err != nil {
				return err
			}
			if keep {
				db.pages.put(idOrSlug, keptPage{revision: revision, links: links, page: *out})
			}
		}
		if reader, err := readerKey(s, visitor); err == nil {
			mine, err := tx.findRating(out.Article.ID, reader)
			if err != nil && rapport.ErrorCode(err) != rapport.ENOTFOUND {
				return err
			}
			out.Mine = mine
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readArticlePage reads all of an article's page but the reader's own rating, as of the
// knowledge base's revision.
func (db *DB) readArticlePage(tx *Tx, out *rapport.ArticleReading, idOrSlug string, links int, revision int64) error {
	a, err := tx.findArticle(idOrSlug)
	if err != nil {
		return err
	}
	out.Article = a
	if !a.CategoryID.IsZero() {
		c := &rapport.Category{}
		err := tx.queryRow(`SELECT id, parent_id, name, slug, description, position, created_at FROM kb_categories WHERE id = $1`,
			a.CategoryID).Scan(&c.ID, &c.ParentID, &c.Name, &c.Slug, &c.Description, &c.Position, &c.CreatedAt)
		switch {
		case err == nil:
			out.Category = c
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
	}
	related, also, err := db.rankedLinks(tx, a, links, revision)
	if err != nil {
		return err
	}
	// Both lists' articles in one read.
	found, err := tx.articleLinks(append(append([]rapport.ID{}, related...), also...), len(related)+len(also))
	if err != nil {
		return err
	}
	byID := make(map[rapport.ID]rapport.ArticleLink, len(found))
	for _, l := range found {
		byID[l.ID] = l
	}
	pick := func(ids []rapport.ID) []rapport.ArticleLink {
		var out []rapport.ArticleLink
		for _, id := range ids {
			if l, ok := byID[id]; ok && len(out) < links {
				out = append(out, l)
			}
		}
		return out
	}
	out.Related, out.AlsoRead = pick(related), pick(also)
	out.Score, err = tx.articleScore(a.ID)
	return err
}

// How long, and how many, articles' pages and also-read rankings are kept for visitors
// who are not signed in.
const (
	pageTTL       = time.Minute
	linkTTL       = 5 * time.Minute
	keptCacheSize = 20_000
)

// keptPage is an article's page as read for a visitor who is not signed in, shared:
// nobody may change it.
type keptPage struct {
	revision int64
	links    int
	page     rapport.ArticleReading
}

// keptLinks is the ids of an article's also-read articles as ranked for an anonymous
// visitor, with some to spare (the list is filtered again when served).
type keptLinks struct {
	links int
	also  []rapport.ID
}

// keptMap keeps values for a while, by key, at most keptCacheSize of them; when full,
// it starts again.
type keptMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]kept[V]
}

type kept[V any] struct {
	at    time.Time
	value V
}

// get returns the value kept for key if it was kept less than ttl ago.
func (c *keptMap[K, V]) get(key K, ttl time.Duration) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || time.Since(e.at) >= ttl {
		var none V
		return none, false
	}
	return e.value, true
}

func (c *keptMap[K, V]) put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= keptCacheSize {
		c.m = make(map[K]kept[V])
	}
	c.m[key] = kept[V]{at: time.Now(), value: value}
}

// drop forgets the values that match.
func (c *keptMap[K, V]) drop(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(e.value) {
			delete(c.m, k)
		}
	}
}

// anonymous tells whether the scope is a visitor who is not signed in: they read only
// public articles, so every such visitor gets the same lists.
func anonymous(s rapport.Scope) bool {
	return !s.IsStaff() && (s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero())
}

// rankedLinks returns the ids of the related and also-read articles of a, ranked, with
// some to spare; also-read from the cache for visitors.
func (db *DB) rankedLinks(tx *Tx, a *rapport.Article, links int, revision int64) (related, also []rapport.ID, err error) {
	// Spares: for also-read articles kept from a visitor's page that stop being readable
	// within linkTTL, and for related articles chosen for other customers.
	want := links + 5
	kb, err := db.catalogueAt(tx, revision)
	if err != nil {
		return nil, nil, err
	}
	related = kb.related(a.ID, tx.scope, want)
	cached := anonymous(tx.scope)
	if cached {
		if e, ok := db.links.get(a.ID, linkTTL); ok && e.links >= links {
			return related, e.also, nil
		}
	}
	if also, err = tx.alsoReadIDs(a.ID, want); err != nil {
		return nil, nil, err
	}
	if cached {
		db.links.put(a.ID, keptLinks{links: links, also: also})
	}
	return related, also, nil
}
