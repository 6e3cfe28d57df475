package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/tabular"
)

// Files used in articles: uploaded on the article's page or editor, linked from its
// body, served to whoever may read the article.

type kbFileView struct {
	ID                    rapport.ID
	URL, Name, Size, Kind string
	Markdown              string // what to paste into the body
	IsImage               bool
	CanRemove             bool
}

func newKBFileView(f *rapport.ArticleFile, s rapport.Scope) kbFileView {
	a := f.Attachment()
	md := fmt.Sprintf("[%s](%s)", mdText(f.Name), f.URL())
	if a.IsImage() {
		md = "!" + md
	}
	return kbFileView{ID: f.ID, URL: f.URL(), Name: f.Name, Size: tabular.ByteSize(f.Size), Kind: newAttachmentView(a, s).Kind,
		Markdown: md, IsImage: a.IsImage(), CanRemove: s.CanWriteArticles()}
}

// mdText escapes the characters that would end a Markdown link's text.
func mdText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// isArticleFileUpload reports whether a request sends a file for an article.
func isArticleFileUpload(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodPost && (strings.HasPrefix(p, "/kb/articles/") || strings.HasPrefix(p, "/api/v1/kb/articles/")) &&
		strings.HasSuffix(p, "/files")
}

func (s *Server) handleKBFileUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	if err := rapport.Require(c.scope.CanWriteArticles(), "add files to articles"); err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return rapport.FieldError("file", "choose a file to upload")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read: %v", err)
	}
	back := "/kb/articles/" + id.String()
	var added []string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return uploadError("file", err)
		}
		switch part.FormName() {
		case "back":
			b, _ := io.ReadAll(io.LimitReader(part, 200))
			if v := string(b); v == back+"/edit" {
				back = v
			}
		case "file":
			if part.FileName() == "" {
				continue
			}
			if err := s.addArticleFile(r, c, id, part.FileName(), part); err != nil {
				return err
			}
			added = append(added, rapport.CleanFileName(part.FileName()))
		}
	}
	if len(added) == 0 {
		return rapport.FieldError("file", "choose a file to upload")
	}
	return s.redirect(w, r, back+"#files", strings.Join(added, ", ")+" added; link to it from the body with the Markdown shown beside it.")
}

// addArticleFile stores a content and records it as a file of the article.
func (s *Server) addArticleFile(r *http.Request, c *call, articleID rapport.ID, name string, body io.Reader) error {
	a, err := s.storeContent(r.Context(), "file", name, body)
	if err != nil {
		return err
	}
	f := &rapport.ArticleFile{ArticleID: articleID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, StorageKey: a.StorageKey}
	if err := s.Store.CreateArticleFile(r.Context(), c.scope, f); err != nil {
		s.discardContents(a.StorageKey)
		return err
	}
	return nil
}

func (s *Server) handleKBFileDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "file")
	if err != nil {
		return err
	}
	f, err := s.Store.FindArticleFile(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteArticleFile(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/articles/"+f.ArticleID.String()+"#files", f.Name+" was removed.")
}

// handleKBFile serves a file of an article to whoever may read the article: staff,
// and portal readers (a visitor, or a signed-in customer) when the article is
// published for them.
func (s *Server) handleKBFile(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "file")
	if err != nil {
		return err
	}
	f, err := s.Store.FindArticleFile(r.Context(), s.readerScope(r, c), id)
	if err != nil {
		return err
	}
	rc, info, err := s.Attachments.Open(r.Context(), f.StorageKey)
	if errors.Is(err, blob.ErrNotFound) {
		return rapport.Errorf(rapport.ENOTFOUND, "the content of %s is missing from the file store", f.Name)
	} else if err != nil {
		return err
	}
	defer rc.Close()
	return sendContent(w, r, f.Attachment(), rc, info, "private, no-cache")
}

// readerScope is who reads the knowledge base: a signed-in staff member, else the
// help centre's reader.
func (s *Server) readerScope(r *http.Request, c *call) rapport.Scope {
	if c.user != nil {
		return c.scope
	}
	_, scope := s.portalReader(r)
	return scope
}
