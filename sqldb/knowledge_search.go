package sqldb

import (
	"context"
	"strings"

	"github.com/rapportckm/rapport"
)

// SearchArticles is an interim substring search, to be replaced by the ranked
// full-text search.
func (db *DB) SearchArticles(ctx context.Context, s rapport.Scope, sq rapport.SearchQuery) (*rapport.SearchResult, error) {
	res := &rapport.SearchResult{Hits: []rapport.SearchHit{}, Categories: []rapport.Facet{}, Products: []rapport.Facet{}}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		like := "%" + strings.ToLower(strings.TrimSpace(sq.Text)) + "%"
		list, err := tx.findArticles(q, `(LOWER(a.title) LIKE `+q.Arg(like)+` OR LOWER(a.body) LIKE `+q.Arg(like)+`)`, "ORDER BY a.title LIMIT 10")
		if err != nil {
			return err
		}
		for _, a := range list {
			res.Hits = append(res.Hits, rapport.SearchHit{ID: a.ID, Slug: a.Slug, Title: a.Title, KeyPoints: a.KeyPoints, CategoryID: a.CategoryID,
				Snippet: []rapport.Snippet{{Text: a.KeyPoints}}})
		}
		res.Total = len(res.Hits)
		return nil
	})
	return res, err
}
