package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/diff"
)

// kbHistoryPage lists an article's versions and compares two of them.
type kbHistoryPage struct {
	Article  *rapport.Article
	Work     *rapport.ArticleWork
	From, To int
	Changes  []fieldDiff
	CanWrite bool
}

// fieldDiff is the comparison of one field of two versions, line by line.
type fieldDiff struct {
	Field   string
	Lines   []diffLine
	Changed bool
}

// diffLine is a line as the page prints it: its class (same, removed, added), its
// mark (" ", "−", "+") and its line numbers.
type diffLine struct {
	Class, Mark, Text string
	Old, New          int
}

// compareVersions compares two versions field by field: title, key points, body,
// category, tags and products.
func compareVersions(a, b *rapport.ArticleVersion, categories map[rapport.ID]string) []fieldDiff {
	fields := []struct{ name, old, new string }{
		{"Title", a.Title, b.Title},
		{"Key points", a.KeyPoints, b.KeyPoints},
		{"Body", a.Body, b.Body},
		{"Category", categories[a.CategoryID], categories[b.CategoryID]},
		{"Tags", strings.Join(a.Tags, "\n"), strings.Join(b.Tags, "\n")},
		{"Products", strings.Join(a.Products, "\n"), strings.Join(b.Products, "\n")},
	}
	out := make([]fieldDiff, len(fields))
	for i, f := range fields {
		lines := diff.Text(f.old, f.new)
		fd := fieldDiff{Field: f.name, Changed: diff.Changed(lines)}
		for _, l := range lines {
			dl := diffLine{Text: l.Text, Old: l.Old, New: l.New}
			switch l.Op {
			case diff.Equal:
				dl.Class, dl.Mark = "same", " "
			case diff.Delete:
				dl.Class, dl.Mark = "removed", "−"
			case diff.Insert:
				dl.Class, dl.Mark = "added", "+"
			}
			fd.Lines = append(fd.Lines, dl)
		}
		out[i] = fd
	}
	return out
}

func (s *Server) handleKBHistory(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := s.Store.FindArticle(ctx, c.scope, id.String())
	if err != nil {
		return err
	}
	work, err := s.Store.ArticleWork(ctx, c.scope, id)
	if err != nil {
		return err
	}
	// By default: the latest version against the one before it.
	v := kbHistoryPage{Article: a, Work: work, To: a.Version, From: a.Version - 1, CanWrite: c.scope.CanWriteArticles()}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("to")); err == nil {
		v.To = n
	}
	if n, err := strconv.Atoi(q.Get("from")); err == nil {
		v.From = n
	}
	if v.From >= 1 && v.To >= 1 && v.From != v.To {
		from, err := s.Store.FindArticleVersion(ctx, c.scope, id, v.From)
		if err != nil {
			return err
		}
		to, err := s.Store.FindArticleVersion(ctx, c.scope, id, v.To)
		if err != nil {
			return err
		}
		cats, err := s.Store.ListCategories(ctx, c.scope)
		if err != nil {
			return err
		}
		v.Changes = compareVersions(from, to, categoryNames(cats))
	}
	return s.render(w, r, http.StatusOK, "kb_history", c, "History of "+a.Title, v)
}

func (s *Server) handleKBRestore(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return rapport.FieldError("version", "choose the version to restore")
	}
	a, err := s.Store.RestoreArticleVersion(r.Context(), c.scope, id, n, r.PostFormValue("note"))
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/kb/articles/%s/history?from=%d&to=%d", id, a.Version-1, a.Version),
		fmt.Sprintf("Version %d restored as version %d, a draft.", n, a.Version))
}
