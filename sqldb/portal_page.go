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
// Freshness: the article, its category, score and the reader's rating are read for
// every page, so a new version or a new rating shows at once. Which articles are
// related and also read is costly to rank (every article sharing a category or product;
// every view of the article's last 1,000 readers) and changes slowly, so for visitors
// who are not signed in — the same answer for all of them — the ranking is kept for
// linkTTL. Even then the listed articles are read as of now, in the reader's scope: an
// article archived or no longer public drops out of the list at once, and a new title
// shows at once; only a newly related article may take up to linkTTL to appear. Signed-in
// customers, whose lists depend on who they are, are always ranked afresh.
func (db *DB) ReadArticle(ctx context.Context, s rapport.Scope, idOrSlug, visitor string, links int) (*rapport.ArticleReading, error) {
	links = linkLimit(links)
	out := &rapport.ArticleReading{}
	err := db.view(ctx, s, func(tx *Tx) error {
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
		related, also, err := db.rankedLinks(tx, a, links)
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
		if out.Score, err = tx.articleScore(a.ID); err != nil {
			return err
		}
		if reader, err := readerKey(s, visitor); err == nil {
			mine, err := tx.findRating(a.ID, reader)
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

// linkTTL is how long the ranking of a page's related and also-read articles is kept
// for visitors; linkCacheSize bounds how many articles' rankings are kept.
const (
	linkTTL       = 5 * time.Minute
	linkCacheSize = 20_000
)

// linkCache keeps, per article, the ids of its related and also-read articles as
// ranked for an anonymous visitor, with some to spare (the list is filtered again when
// served).
type linkCache struct {
	mu sync.Mutex
	m  map[rapport.ID]linkEntry
}

type linkEntry struct {
	at            time.Time
	links         int
	related, also []rapport.ID
}

// anonymous tells whether the scope is a visitor who is not signed in: they read only
// public articles, so every such visitor gets the same lists.
func anonymous(s rapport.Scope) bool {
	return !s.IsStaff() && (s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero())
}

// rankedLinks returns the ids of the related and also-read articles of a, ranked, with
// some to spare; from the cache for visitors.
func (db *DB) rankedLinks(tx *Tx, a *rapport.Article, links int) (related, also []rapport.ID, err error) {
	want := links + 5 // spares for articles that stop being readable within linkTTL
	cached := anonymous(tx.scope)
	now := time.Now()
	if cached {
		db.links.mu.Lock()
		e, ok := db.links.m[a.ID]
		db.links.mu.Unlock()
		if ok && e.links >= links && now.Sub(e.at) < linkTTL {
			return e.related, e.also, nil
		}
	}
	if related, err = tx.relatedIDs(a, want); err != nil {
		return nil, nil, err
	}
	if also, err = tx.alsoReadIDs(a.ID, want); err != nil {
		return nil, nil, err
	}
	if cached {
		db.links.mu.Lock()
		if db.links.m == nil || len(db.links.m) >= linkCacheSize {
			db.links.m = make(map[rapport.ID]linkEntry)
		}
		db.links.m[a.ID] = linkEntry{at: now, links: links, related: related, also: also}
		db.links.mu.Unlock()
	}
	return related, also, nil
}
