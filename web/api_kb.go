package web

import (
	"net/http"
	"strconv"

	"github.com/rapportckm/rapport"
)

// The knowledge base's staff API: articles, their workflow and versions, categories
// and experts. Readers other than staff use the portal and search.

func (s *Server) apiKBArticleIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.ArticleFilter{Status: rapport.ArticleStatus(q.Get("status")), Product: q.Get("product"), Tag: q.Get("tag"),
		Cursor: q.Get("cursor")}
	if f.Status != "" && !f.Status.Valid() {
		return rapport.FieldError("status", "status must be one of draft, review, published, archived")
	}
	var err error
	for name, into := range map[string]*rapport.ID{"category_id": &f.CategoryID, "owner_id": &f.OwnerID, "reviewer_id": &f.ReviewerID} {
		if *into, err = queryID(q, name); err != nil {
			return err
		}
	}
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	if f.Overdue, err = queryBool(q, "overdue"); err != nil {
		return err
	}
	page, err := s.Store.ListArticles(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(page.Articles, page.NextCursor))
	return nil
}

func (s *Server) apiKBArticleCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in rapport.ArticleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.Store.CreateArticle(r.Context(), c.scope, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/kb/articles/"+a.ID.String())
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) apiKBArticleShow(w http.ResponseWriter, r *http.Request, c *call) error {
	a, err := s.Store.FindArticle(r.Context(), c.scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiKBArticleSave(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	var in rapport.ArticleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.Store.SaveArticle(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiKBArticleStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	var t rapport.ArticleTransition
	if err := decodeJSON(r, &t); err != nil {
		return err
	}
	a, err := s.Store.ChangeArticleStatus(r.Context(), c.scope, id, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiKBArticleVersions(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	work, err := s.Store.ArticleWork(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, work)
	return nil
}

func pathVersion(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || n < 1 {
		return 0, rapport.NotFound("article version")
	}
	return n, nil
}

func (s *Server) apiKBArticleVersion(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	n, err := pathVersion(r)
	if err != nil {
		return err
	}
	v, err := s.Store.FindArticleVersion(r.Context(), c.scope, id, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// apiKBArticleDiff compares two versions field by field, line by line.
func (s *Server) apiKBArticleDiff(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	var versions [2]*rapport.ArticleVersion
	for i, name := range []string{"from", "to"} {
		n, err := strconv.Atoi(r.URL.Query().Get(name))
		if err != nil {
			return rapport.FieldError(name, "%s must be a version number", name)
		}
		if versions[i], err = s.Store.FindArticleVersion(r.Context(), c.scope, id, n); err != nil {
			return err
		}
	}
	cats, err := s.Store.ListCategories(r.Context(), c.scope)
	if err != nil {
		return err
	}
	type line struct {
		Op   string `json:"op"` // "=", "-" or "+"
		Text string `json:"text"`
	}
	type field struct {
		Field   string `json:"field"`
		Changed bool   `json:"changed"`
		Lines   []line `json:"lines"`
	}
	out := []field{}
	for _, f := range compareVersions(versions[0], versions[1], categoryNames(cats)) {
		fd := field{Field: f.Field, Changed: f.Changed, Lines: []line{}}
		for _, l := range f.Lines {
			op := map[string]string{"same": "=", "removed": "-", "added": "+"}[l.Class]
			fd.Lines = append(fd.Lines, line{Op: op, Text: l.Text})
		}
		out = append(out, fd)
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": versions[0].Version, "to": versions[1].Version, "fields": out})
	return nil
}

func (s *Server) apiKBArticleRestore(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	n, err := pathVersion(r)
	if err != nil {
		return err
	}
	a, err := s.Store.RestoreArticleVersion(r.Context(), c.scope, id, n, "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) apiKBCategoryIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	cats, err := s.Store.ListCategories(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(cats, ""))
	return nil
}

// categoryInput is what a client sends to make or change a category: not its id or
// creation time, which a rapport.Category would take and ignore.
type categoryInput struct {
	ParentID    rapport.ID `json:"parent_id"`
	Name        string     `json:"name"`
	Slug        string     `json:"slug"`
	Description string     `json:"description"`
	Position    int        `json:"position"`
}

func (s *Server) apiKBCategoryCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in categoryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cat, err := s.Store.CreateCategory(r.Context(), c.scope, rapport.Category{ParentID: in.ParentID, Name: in.Name, Slug: in.Slug,
		Description: in.Description, Position: in.Position})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, cat)
	return nil
}

func (s *Server) apiKBCategoryUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	var in categoryInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cat, err := s.Store.UpdateCategory(r.Context(), c.scope, rapport.Category{ID: id, ParentID: in.ParentID, Name: in.Name, Slug: in.Slug,
		Description: in.Description, Position: in.Position})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cat)
	return nil
}

func (s *Server) apiKBCategoryDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteCategory(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiKBExpertIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	list, err := s.Store.ListExperts(r.Context(), c.scope, r.URL.Query().Get("area"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
	return nil
}

func (s *Server) apiKBExpertShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "expert")
	if err != nil {
		return err
	}
	e, err := s.Store.FindExpert(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *Server) apiKBExpertSave(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "expert")
	if err != nil {
		return err
	}
	var in rapport.ExpertInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	e, err := s.Store.SaveExpert(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
