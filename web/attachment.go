package web

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/tabular"
)

// storeContent streams a file into the attachment store under a new random key, with
// its size, SHA-256 and sniffed type, and returns its description, ready to record.
// Nothing of it is held in memory but the first 512 bytes. A file that is empty or
// over MaxAttachmentBytes is not kept, and is an error about field.
func (s *Server) storeContent(ctx context.Context, field, name string, r io.Reader) (*rapport.Attachment, error) {
	if s.Attachments == nil {
		return nil, errors.New("the server has no attachment store")
	}
	a, err := blob.Keep(ctx, s.Attachments, name, r, s.MaxAttachmentBytes)
	switch {
	case errors.Is(err, blob.ErrEmpty):
		return nil, rapport.FieldError(field, "%s is empty: choose a file with something in it", rapport.CleanFileName(name))
	case errors.Is(err, blob.ErrTooLarge):
		return nil, tooLargeFile(field, rapport.CleanFileName(name), s.MaxAttachmentBytes)
	case err != nil:
		return nil, uploadError(field, err)
	}
	return a, nil
}

func tooLargeFile(field, name string, max int64) error {
	msg := fmt.Sprintf("%s is over the limit of %s for a file: send a smaller one, or ask an administrator to raise --max-attachment", name, tabular.ByteSize(max))
	return &rapport.Error{Code: rapport.ETOOLARGE, Message: msg, Field: field, Fields: map[string]string{field: msg}}
}

// uploadError explains why a file could not be read from the request.
func uploadError(field string, err error) error {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		msg := fmt.Sprintf("the request is over %s: send fewer or smaller files at once", tabular.ByteSize(tooBig.Limit))
		return &rapport.Error{Code: rapport.ETOOLARGE, Message: msg, Field: field, Fields: map[string]string{field: msg}}
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "multipart"):
		return rapport.FieldError(field, "the file was cut off on its way: send it again")
	}
	return err
}

// discardContents deletes contents stored for attachments that were not recorded.
// A failure leaves a file no attachment names, which is logged.
func (s *Server) discardContents(keys ...string) {
	for _, key := range keys {
		if err := s.Attachments.Delete(context.Background(), key); err != nil {
			s.Logger.Error("delete an unrecorded attachment", "key", key, "error", err)
		}
	}
}

func keysOf(as []*rapport.Attachment) []string {
	keys := make([]string, len(as))
	for i, a := range as {
		keys[i] = a.StorageKey
	}
	return keys
}

// isAttachmentUpload reports whether a request sends files to attach: the profile's
// interaction form (multipart) or the API's upload.
func isAttachmentUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := r.URL.Path
	return (strings.HasPrefix(p, "/api/v1/interactions/") || strings.HasPrefix(p, "/api/v1/feedback/")) && strings.HasSuffix(p, "/attachments") ||
		strings.HasPrefix(p, "/customers/") && strings.HasSuffix(p, "/interactions") ||
		strings.HasPrefix(p, "/feedback/") && strings.HasSuffix(p, "/attachments") || isArticleFileUpload(r)
}

// interactionFields are the parts of the interaction form besides its files, and the
// most each may hold.
var interactionFields = map[string]int64{"type": 100, "channel": 100, "summary": 4 << 10, "body": 512 << 10,
	"occurred_at": 100, "amount": 100, "currency": 100}

// receiveFiles reads a form that carries files: when it is multipart, its fields (only
// those named in fields, each at most its size) into r.PostForm and its files
// ("files") into the attachment store. On an error, nothing stays stored.
func (s *Server) receiveFiles(w http.ResponseWriter, r *http.Request, fields map[string]int64) (stored []*rapport.Attachment, err error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return nil, r.ParseForm()
	}
	defer func() {
		if err != nil {
			s.discardContents(keysOf(stored)...)
			stored = nil
		}
	}()
	r.Body = struct {
		io.Reader
		io.Closer
	}{keepReading(w, r.Body), r.Body}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, rapport.Errorf(rapport.EINVALID, "the form could not be read: %v", err)
	}
	r.PostForm = url.Values{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return stored, nil
		} else if err != nil {
			return stored, uploadError("files", err)
		}
		name := part.FormName()
		switch max, ok := fields[name]; {
		case name == "files":
			if part.FileName() == "" { // the form's file input, left empty
				continue
			}
			if len(stored) == rapport.MaxAttachmentsPerForm {
				return stored, rapport.FieldError("files", "attach at most %d files at once", rapport.MaxAttachmentsPerForm)
			}
			a, err := s.storeContent(r.Context(), "files", part.FileName(), part)
			if err != nil {
				return stored, err
			}
			stored = append(stored, a)
		case ok:
			text, err := io.ReadAll(io.LimitReader(part, max+1))
			if err != nil {
				return stored, uploadError(name, err)
			} else if int64(len(text)) > max {
				return stored, rapport.FieldError(name, "%s is over %s", name, tabular.ByteSize(max))
			}
			r.PostForm.Add(name, string(text))
		default:
			return stored, rapport.Errorf(rapport.EINVALID, "the form has no field %q: reload the page and try again", name)
		}
	}
}

// attachmentView is an attachment as the timeline shows it.
type attachmentView struct {
	ID                    rapport.ID
	URL, Name, Size, Kind string
	IsImage, IsPDF        bool
	CanRemove             bool
}

func newAttachmentView(a *rapport.Attachment, s rapport.Scope) attachmentView {
	kind := strings.ToUpper(strings.TrimPrefix(mimeSubtype(a.ContentType), "x-"))
	if a.ContentType == "text/plain" {
		kind = "Text"
	} else if a.ContentType == "application/octet-stream" {
		kind = "File"
	}
	return attachmentView{ID: a.ID, URL: "/attachments/" + a.ID.String(), Name: a.Name, Size: tabular.ByteSize(a.Size), Kind: kind,
		IsImage: a.IsImage(), IsPDF: a.IsPDF(), CanRemove: s.CanWriteCustomers()}
}

func mimeSubtype(ct string) string {
	_, sub, _ := strings.Cut(ct, "/")
	return sub
}

// Pages.

func (s *Server) handleAttachmentShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.serveAttachment(w, r, c)
}

func (s *Server) handleAttachmentDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "attachment")
	if err != nil {
		return err
	}
	a, err := s.Store.FindAttachmentByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteAttachment(r.Context(), c.scope, id); err != nil {
		return err
	}
	back := "/customers/" + a.CustomerID.String() + "#timeline"
	if !a.FeedbackID.IsZero() {
		back = "/feedback/" + a.FeedbackID.String() + "#files"
	}
	return s.redirect(w, r, back, a.Name+" was removed.")
}

// serveAttachment sends an attachment's content. Only images, PDFs and plain text
// are shown in the browser, everything else is downloaded, and whatever it is runs in
// a sandbox: no scripts, no forms, no access to Rapport's cookies or pages.
func (s *Server) serveAttachment(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "attachment")
	if err != nil {
		return err
	}
	a, err := s.Store.FindAttachmentByID(r.Context(), c.scope, id) // records the read
	if err != nil {
		return err
	}
	rc, info, err := s.Attachments.Open(r.Context(), a.StorageKey)
	if errors.Is(err, blob.ErrNotFound) {
		return rapport.Errorf(rapport.ENOTFOUND, "the content of %s is missing from the attachment store", a.Name)
	} else if err != nil {
		return err
	}
	defer rc.Close()
	return sendContent(w, r, a, rc, info, "private, no-cache") // every view comes back, to be checked and recorded
}

// sendContent sends a stored file. Only images, PDFs and plain text are shown in the
// browser, everything else is downloaded, and whatever it is runs in a sandbox. A range
// that cannot be served is the error returned, on the API, where errors are JSON.
func sendContent(w http.ResponseWriter, r *http.Request, a *rapport.Attachment, rc io.ReadCloser, info blob.Info, cacheControl string) error {
	inline := a.Inline() && r.URL.Query().Get("download") == ""
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", `"`+a.SHA256+`"`)
	h.Set("Content-Disposition", contentDisposition(inline, a.Name))
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	switch {
	case !inline || !a.Inline():
		h.Set("Content-Type", "application/octet-stream")
	case a.ContentType == "text/plain":
		h.Set("Content-Type", "text/plain; charset=utf-8")
	default:
		h.Set("Content-Type", a.ContentType)
	}
	// The sandbox also holds for PDFs: Chromium's viewer shows them in a sandboxed
	// document, whole page or framed (checked with Chromium 148). The profile frames
	// PDFs, so this site may.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	if rs, ok := rc.(io.ReadSeeker); ok {
		if !isAPI(r) {
			http.ServeContent(w, r, "", info.ModTime, rs) // ranges, If-None-Match, HEAD
			return nil
		}
		rw := &rangeRefusal{ResponseWriter: w}
		http.ServeContent(rw, r, "", info.ModTime, rs)
		if rw.refused {
			return rangeError(w, r.Header.Get("Range"), info.Size)
		}
		return nil
	}
	h.Set("Content-Length", fmt.Sprint(info.Size))
	if r.Method != http.MethodHead {
		io.Copy(w, rc)
	}
	return nil
}

// rangeRefusal keeps back the plain-text 416 that http.ServeContent writes for a range
// it cannot serve, so that the API answers it in JSON as every other error.
type rangeRefusal struct {
	http.ResponseWriter
	refused bool
}

func (w *rangeRefusal) WriteHeader(status int) {
	if status == http.StatusRequestedRangeNotSatisfiable {
		w.refused = true
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *rangeRefusal) Write(b []byte) (int, error) {
	if w.refused {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *rangeRefusal) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// rangeError says why the Range header cannot be served. ServeContent has set
// Content-Range (bytes */size) when the range lies past the end, and taken off the
// file's ETag and dates; its name does not describe the error either.
func rangeError(w http.ResponseWriter, header string, size int64) error {
	h := w.Header()
	h.Del("Content-Disposition")
	if h.Get("Content-Range") != "" {
		return rapport.Errorf(rapport.ERANGE, "the Range %q asks for bytes past the end of the file, which has %d: the first byte is 0, the last %d", header, size, size-1)
	}
	return rapport.Errorf(rapport.ERANGE, "the Range %q is not one this file can be served in: write bytes=FIRST-LAST, counting from byte 0 to %d", header, size-1)
}

// startCSV begins a CSV download named name: its headers, and the byte order mark that
// makes spreadsheets read it as UTF-8.
func startCSV(w http.ResponseWriter, name string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", contentDisposition(false, name))
	_, err := io.WriteString(w, tabular.BOM)
	return err
}

// contentDisposition names the file safely: an ASCII fallback in quotes, with
// anything else replaced, and the exact name in RFC 5987 encoding.
func contentDisposition(inline bool, name string) string {
	kind := "attachment"
	if inline {
		kind = "inline"
	}
	var ascii, exact strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r >= 0x7f || r == '"' || r == '\\' || r == '%' || r == ';':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(r)
		}
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			exact.WriteByte(b)
		} else {
			fmt.Fprintf(&exact, "%%%02X", b)
		}
	}
	if !utf8.ValidString(name) {
		return kind
	}
	return fmt.Sprintf(`%s; filename="%s"; filename*=UTF-8''%s`, kind, ascii.String(), exact.String())
}

// API.

func (s *Server) apiAttachmentShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.serveAttachment(w, r, c)
}

// attachmentOwner is what the path /api/v1/{interactions|feedback}/{id}/attachments
// attaches to: "interaction" or "feedback".
func attachmentOwner(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/api/v1/feedback/") {
		return "feedback"
	}
	return "interaction"
}

func (s *Server) apiAttachmentIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	owner := attachmentOwner(r)
	id, err := pathID(r, "id", owner)
	if err != nil {
		return err
	}
	var list []*rapport.Attachment
	if owner == "feedback" {
		list, err = s.Store.FindFeedbackAttachments(r.Context(), c.scope, id)
	} else {
		list, err = s.Store.FindAttachments(r.Context(), c.scope, id)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
	return nil
}

// apiAttachmentCreate attaches the file sent as the request's body, whatever its
// Content-Type, named by the query parameter name, to an interaction or feedback item.
func (s *Server) apiAttachmentCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	owner := attachmentOwner(r)
	id, err := pathID(r, "id", owner)
	if err != nil {
		return err
	}
	if owner == "feedback" {
		err = rapport.Require(c.scope.CanWriteNotes(), "attach files to feedback")
	} else {
		err = rapport.Require(c.scope.CanWriteCustomers(), "attach files")
	}
	if err != nil {
		return err
	}
	name := r.URL.Query().Get("name")
	if strings.TrimSpace(name) == "" {
		return rapport.FieldError("name", "name the file in the query: POST %s?name=letter.pdf, with the file as the body", r.URL.Path)
	}
	if r.ContentLength > s.MaxAttachmentBytes {
		return tooLargeFile("file", rapport.CleanFileName(name), s.MaxAttachmentBytes)
	}
	hash := requestHash(r)
	a, err := s.storeContent(r.Context(), "file", name, io.TeeReader(keepReading(w, r.Body), hash))
	if err != nil {
		return err
	}
	if owner == "feedback" {
		a.FeedbackID = id
	} else {
		a.InteractionID = id
	}
	create := func(w http.ResponseWriter, r *http.Request) error {
		if err := s.Store.CreateAttachment(r.Context(), c.scope, a); err != nil {
			s.discardContents(a.StorageKey)
			return err
		}
		w.Header().Set("Location", "/api/v1/attachments/"+a.ID.String())
		writeJSON(w, http.StatusCreated, a)
		return nil
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if !s.once(w, r, c, key, hex.EncodeToString(hash.Sum(nil)), create) {
			s.discardContents(a.StorageKey) // a retry: the first request's file is the one kept
		}
		return nil
	}
	return create(w, r)
}

func (s *Server) apiAttachmentDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "attachment")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteAttachment(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
