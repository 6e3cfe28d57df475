package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/rapportckm/rapport"
)

// searchQuery reads a knowledge base search from the query string: q, category,
// product, limit (1 to 100) and offset.
func searchQuery(q url.Values) (rapport.SearchQuery, error) {
	sq := rapport.SearchQuery{Text: q.Get("q"), Product: q.Get("product")}
	var err error
	if sq.CategoryID, err = queryID(q, "category"); err != nil {
		return sq, err
	}
	if v := q.Get("limit"); v != "" {
		if sq.Limit, err = strconv.Atoi(v); err != nil || sq.Limit < 1 || sq.Limit > 100 {
			return sq, rapport.FieldError("limit", "limit must be a whole number from 1 to 100, not %q", v)
		}
	}
	if v := q.Get("offset"); v != "" {
		if sq.Offset, err = strconv.Atoi(v); err != nil || sq.Offset < 0 {
			return sq, rapport.FieldError("offset", "offset must be a whole number from 0, not %q", v)
		}
	}
	return sq, nil
}

// apiKBSearch is GET /api/v1/kb/search: ranked hits with snippets, facets and "did you
// mean", as the token's actor may see them. log=true records the search.
func (s *Server) apiKBSearch(w http.ResponseWriter, r *http.Request, c *call) error {
	sq, err := searchQuery(r.URL.Query())
	if err != nil {
		return err
	}
	if sq.Log, err = queryBool(r.URL.Query(), "log"); err != nil {
		return err
	}
	res, err := s.Store.SearchArticles(r.Context(), c.scope, sq)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiKBSuggest is GET /api/v1/kb/suggest: type-ahead, the last word a prefix; not logged.
func (s *Server) apiKBSuggest(w http.ResponseWriter, r *http.Request, c *call) error {
	// The help centre's type-ahead passes over a bad limit; a client of the API is told.
	if v := r.URL.Query().Get("limit"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 20 {
			return rapport.FieldError("limit", "limit must be a whole number from 1 to 20, not %q", v)
		}
	}
	writeSuggestions(w, r, s, c.scope)
	return nil
}

// handleHelpSuggest is GET /help/suggest, the help centre's type-ahead: the articles
// the reader (a visitor, or the signed-in customer) may read that match what is typed.
// Not logged.
func (s *Server) handleHelpSuggest(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	writeSuggestions(w, r, s, c.scope)
	return nil
}

// suggestion is one article offered while typing.
type suggestion struct {
	ID    rapport.ID `json:"id"`
	Slug  string     `json:"slug"`
	Title string     `json:"title"`
}

func writeSuggestions(w http.ResponseWriter, r *http.Request, s *Server, scope rapport.Scope) {
	q := r.URL.Query()
	limit := 8
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n >= 1 && n <= 20 {
		limit = n
	}
	out := struct {
		Suggestions []suggestion `json:"suggestions"`
	}{Suggestions: []suggestion{}}
	res, err := s.Store.SearchArticles(r.Context(), scope, rapport.SearchQuery{Text: q.Get("q"), Limit: limit, Prefix: true})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, h := range res.Hits {
		out.Suggestions = append(out.Suggestions, suggestion{ID: h.ID, Slug: h.Slug, Title: h.Title})
	}
	w.Header().Set("Cache-Control", "private, max-age=60")
	writeJSON(w, http.StatusOK, out)
}
