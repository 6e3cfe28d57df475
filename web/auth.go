package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// call is one request with the user making it (nil on public pages when signed out)
// and the scope their reads and writes are made under.
type call struct {
	user  *rapport.User
	scope rapport.Scope
}

// handler is what pages and API endpoints are written as: errors are returned, and the
// wrapper answers with the right status and body.
type handler func(w http.ResponseWriter, r *http.Request, c *call) error

const (
	sessionCookie = "rapport_session"
	flashCookie   = "rapport_flash"
)

// public serves a page that does not need a signed-in user.
func (s *Server) public(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{}
		if u, err := s.sessionUser(r); err == nil {
			c.user, c.scope = u, rapport.StaffScope(u, "web", s.clientAddr(r))
		}
		if err := h(w, r, c); err != nil {
			s.fail(w, r, err)
		}
	})
}

// customerLink serves a page a customer opens from a link in an e-mail (a survey, what
// was done about their feedback): no session plays a part, and its errors get a page
// for the customer, without the staff app's links.
func (s *Server) customerLink(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r, &call{}); err != nil {
			s.customerFail(w, r, err)
		}
	})
}

// page serves a page of the staff app: signed-out visitors go to the sign-in page.
func (s *Server) page(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
		c := &call{user: u, scope: rapport.StaffScope(u, "web", s.clientAddr(r))}
		if err := h(w, r, c); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) sessionUser(r *http.Request) (*rapport.User, error) {
	cookie, err := r.Cookie(sessionCookie)
	if err != nil || cookie.Value == "" {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "sign in first")
	}
	return s.Store.FindSession(r.Context(), cookie.Value)
}

// startSession signs the user in on this browser.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *rapport.User) error {
	secret, err := s.Store.CreateSession(r.Context(), u.ID, s.clientAddr(r), r.UserAgent())
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, secret, 14*24*time.Hour))
	return nil
}

// setPassword sets a user's password, which ends their sessions; when it is the
// reader's own, this browser goes on in a new one.
func (s *Server) setPassword(w http.ResponseWriter, r *http.Request, c *call, id rapport.ID, password string) error {
	if err := s.Store.SetPassword(r.Context(), c.scope, id, password); err != nil {
		return err
	}
	if id != c.user.ID {
		return nil
	}
	return s.startSession(w, r, c.user)
}

// cookie makes a cookie scripts cannot read, sent only to this site, and only over
// HTTPS when the site is served over HTTPS (or is localhost, which browsers treat as
// secure).
func (s *Server) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	return &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure(r) || host == "localhost" || host == "127.0.0.1" || host == "::1",
	}
}

// setFlash leaves a message for the next page the browser shows.
func (s *Server) setFlash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, s.cookie(r, flashCookie, url.QueryEscape(msg), time.Minute))
}

// takeFlash reads and clears the message left by setFlash.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	cookie, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, s.cookie(r, flashCookie, "", -time.Second))
	msg, _ := url.QueryUnescape(cookie.Value)
	return msg
}

// redirect answers a form with "see other", the pattern that keeps reloads from
// sending a form twice, and leaves a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		s.setFlash(w, r, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext keeps a ?next= redirect on this site.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	return next
}

// localPath reports whether p is an address on this site, safe to redirect to. Browsers
// drop tabs and line breaks from an address and read a backslash as a slash, so
// "/\t/evil.example" and "/\evil.example" would leave the site as "//evil.example" does.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// api serves an endpoint of the JSON API: it needs a bearer token, takes the query
// parameters the OpenAPI document lists, limits the body, and honours Idempotency-Key
// on POST.
func (s *Server) api(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := s.tokenCall(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="rapport"`)
			s.fail(w, r, err)
			return
		}
		// A wildcard route may have caught an address of a fixed route, as GET /segments/{id}
		// does GET /segments/count: that address does not take the method.
		if wildcardHoldsFixed(r) {
			if allowed, path := s.apiMethods(r); !strings.HasSuffix(r.Pattern, " "+path) {
				s.fail(w, r, methodNotAllowed(w, r, allowed))
				return
			}
		}
		if err := checkQuery(r); err != nil {
			s.fail(w, r, err)
			return
		}
		limit := s.bodyLimit(r)
		if r.ContentLength > limit && !isAttachmentUpload(r) { // which says which file and its limit itself
			s.fail(w, r, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		// An upload to import is streamed to disk, so it is made idempotent once there.
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost && !isUpload(r) && !isAttachmentUpload(r) {
			s.idempotent(w, r, c, key, h)
			return
		}
		if err := h(w, r, c); err != nil {
			s.fail(w, r, err)
		}
	})
}

// bodyLimit is the most a request may send: files to import may be large.
func (s *Server) bodyLimit(r *http.Request) int64 {
	switch {
	case isAttachmentUpload(r) && isAPI(r):
		return s.MaxAttachmentBytes + 1
	case isAttachmentUpload(r): // a form with its files
		return rapport.MaxAttachmentsPerForm*s.MaxAttachmentBytes + 1<<20
	case isUpload(r):
		return s.MaxUploadBytes + 1<<20 // the file, and a mapping beside it
	case strings.HasSuffix(r.URL.Path, "/bulk") || r.URL.Path == "/api/v1/imports":
		return s.MaxBulkBytes
	}
	return s.MaxBodyBytes
}

// isUpload reports whether a request sends a file to store and import later.
func isUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/imports" || r.URL.Path == "/api/v1/imports" && asyncImport(r))
}

func (s *Server) tokenCall(r *http.Request) (*call, error) {
	scheme, secret, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" { // schemes ignore case (RFC 9110)
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "send an API token in the header Authorization: Bearer TOKEN (make one with rapport token create)")
	}
	u, tok, err := s.Store.FindToken(r.Context(), strings.TrimSpace(secret))
	if err != nil {
		return nil, err
	}
	scope := rapport.StaffScope(u, "api", s.clientAddr(r))
	scope.TokenID = tok.ID
	return &call{user: u, scope: scope}, nil
}

func tooLarge(limit int64) error {
	return rapport.Errorf(rapport.ETOOLARGE, "the request body is over %d MiB; send less in each request", limit>>20)
}

// readBody reads the whole (limited) body, reporting an oversized one as ETOOLARGE.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, tooLarge(tooBig.Limit)
	}
	return b, err
}

// idempotent runs h once per (user, key): a retry with the same key and request gets
// the first response again, marked with Idempotent-Replayed.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, c *call, key string, h handler) {
	hash := requestHash(r)
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hash.Write(body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	s.once(w, r, c, key, hex.EncodeToString(hash.Sum(nil)), func(w http.ResponseWriter, r *http.Request) error { return h(w, r, c) })
}

// requestHash starts the hash that tells requests sent with the same key apart: their
// method, address and body.
func requestHash(r *http.Request) hash.Hash {
	sum := sha256.New()
	io.WriteString(sum, r.Method+" "+r.URL.RequestURI()+"\n")
	return sum
}

// once runs fn for the first request with the key and the request's hash, and answers
// a retry with the response fn gave. It reports whether fn ran. fn runs for at most
// rapport.IdempotentRunLimit, so that a key claimed longer ago than that is known to
// be abandoned.
func (s *Server) once(w http.ResponseWriter, r *http.Request, c *call, key, hash string, fn func(http.ResponseWriter, *http.Request) error) bool {
	if len(key) > 255 {
		s.fail(w, r, rapport.FieldError("Idempotency-Key", "the Idempotency-Key header has at most 255 characters"))
		return false
	}
	stored, claim, err := s.Store.BeginIdempotent(r.Context(), c.user.ID, key, hash)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	if stored != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Idempotent-Replayed", "true")
		if stored.Location != "" {
			w.Header().Set("Location", stored.Location)
		}
		w.WriteHeader(stored.Status)
		w.Write(stored.Body)
		return false
	}
	rec := &captureWriter{ResponseWriter: w, status: http.StatusOK}
	// The response is stored even if the client has gone (the retry is what needs it)
	// and the key is released if the handler panics.
	finished := false
	defer func() {
		res := rapport.StoredResponse{Status: rec.status, Location: rec.Header().Get("Location"), Body: rec.body.Bytes()}
		switch {
		case !finished, !rec.wrote: // a panic, or a client gone before any answer: the key is released
			res.Status = http.StatusInternalServerError
		case res.Status < 300 && rec.Header().Get("Cache-Control") == "no-store":
			// The answer holds a secret shown once (a new API token's), which is not
			// kept in the database: a retry learns that the request was done.
			res = rapport.StoredResponse{Status: http.StatusConflict, Body: jsonBytes(errorJSON(rapport.Errorf(rapport.ECONFLICT,
				"the request with Idempotency-Key %q was done, and its answer held a secret that is shown only once: revoke what it made and make another", key)))}
		}
		if err := s.Store.FinishIdempotent(context.WithoutCancel(r.Context()), c.user.ID, key, claim, res); err != nil {
			s.Logger.Error("store idempotent response", "error", err)
		}
	}()
	ctx, cancel := context.WithTimeout(r.Context(), rapport.IdempotentRunLimit)
	defer cancel()
	if err := fn(rec, r.WithContext(ctx)); err != nil {
		s.fail(rec, r, err)
	}
	finished = true
	return true
}

// captureWriter writes a response and keeps a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (c *captureWriter) WriteHeader(status int) {
	c.status, c.wrote = status, true
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(b []byte) (int, error) {
	c.wrote = true
	c.body.Write(b)
	return c.ResponseWriter.Write(b)
}
