// Package web serves Rapport over HTTP: the staff app (server-rendered HTML), the JSON
// API under /api/v1, health checks and metrics. Every route is listed in routes.go.
package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
)

// Store is everything the web layer reads and writes; *sqldb.DB is one.
type Store interface {
	rapport.CustomerService
	rapport.LinkService
	rapport.InteractionService
	rapport.NoteService
	rapport.TimelineService
	rapport.SourceService
	rapport.ImportService
	rapport.UserService
	rapport.WallService
	rapport.AuditService
	rapport.IdempotencyService
	rapport.IdentityService
	rapport.JobService
	rapport.SurvivorshipService
	rapport.ValueService
	rapport.QualityService
	rapport.ConsentService
	rapport.SegmentService
	rapport.ProposalService
	rapport.PlaybookService
	rapport.ItemService
	rapport.AttachmentService
	rapport.AlmostService
	rapport.FeedbackService
	rapport.MailService
	rapport.FeedbackLoopService
	rapport.RoutingService
	rapport.ActionService
	rapport.ThemeService
	rapport.FeedbackMeasureService
	rapport.SurveyService
	rapport.KnowledgeService
	rapport.KnowledgeSearch
	rapport.KnowledgeInsightService
	rapport.IdeaService
	rapport.PortalAccountService
	rapport.PortalReadingService
	rapport.PortalSelfService
	rapport.KnowledgeWork
	rapport.ExpertService
	rapport.ExpertQuestionService
	Ping(ctx context.Context) error
	Stats() map[string]sql.DBStats
}

// Server holds the configuration and the store; Handler returns its http.Handler.
type Server struct {
	Store   Store
	Logger  *slog.Logger
	Version string
	// BaseURL is the address users open, such as https://rapport.example.com, for the
	// links Rapport writes into e-mail.
	BaseURL string
	// Firm is the name the firm signs its e-mail to customers with ({firm} in the
	// feedback templates).
	Firm string
	// TrustProxy takes the client's address and scheme from X-Forwarded-For (its last
	// entry, which the proxy in front adds) and X-Forwarded-Proto; set it only behind
	// one proxy that sets them.
	TrustProxy bool
	// MaxBodyBytes limits request bodies; bulk endpoints take MaxBulkBytes.
	MaxBodyBytes int64
	MaxBulkBytes int64
	// UploadDir keeps the files uploaded to import, from the web app and the API,
	// until their import is done (a jobs.Importer reads them from there). Files are
	// taken up to MaxUploadBytes, decompressed; 1 GiB by default.
	UploadDir      string
	MaxUploadBytes int64
	// Attachments keeps the contents of files attached to interactions, each at most
	// MaxAttachmentBytes (rapport.DefaultMaxAttachment by default).
	Attachments        blob.Store
	MaxAttachmentBytes int64
	// KeepReadsDays is how long the audit trail keeps its records of reads, as the
	// server's job that deletes older ones is set (0: for ever), for the audit page to say.
	KeepReadsDays int

	metrics *metrics
	pages   *pages
	portal  helpPages
	mux     *http.ServeMux // the routes, which apiNotFound asks which methods an address takes

	articleBodies renderCache[rapport.ID, string, template.HTML] // the help centre's articles' bodies, rendered
	keyPoints     renderCache[rapport.ID, string, keyPoints]     // and their key points
	articlePages  renderCache[string, *helpArticle, []byte]      // article pages that every visitor gets alike, rendered
}

// Handler builds the routes and middleware. Call it once.
func (s *Server) Handler() http.Handler {
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if s.MaxBodyBytes == 0 {
		s.MaxBodyBytes = 1 << 20
	}
	if s.MaxBulkBytes == 0 {
		s.MaxBulkBytes = 256 << 20
	}
	if s.MaxUploadBytes == 0 {
		s.MaxUploadBytes = 1 << 30
	}
	if s.MaxAttachmentBytes == 0 {
		s.MaxAttachmentBytes = rapport.DefaultMaxAttachment
	}
	s.metrics = newMetrics()
	s.pages = mustParsePages()
	s.portal = s.parseHelpPages()
	mux := http.NewServeMux()
	s.routes(mux)
	s.mux = mux
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, rapport.Errorf(rapport.EFORBIDDEN, "this form was sent from another site; reload the page and try again"))
	}))
	return s.observe(s.recoverPanics(securityHeaders(csrf.Handler(mux))))
}

// observe logs each request and counts it in the metrics.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		next.ServeHTTP(rec, r) // the mux records the matched pattern on r
		if !rec.wrote && clientGone(r) {
			rec.status = statusClientClosed // not the 200 that nothing written would mean
		}
		elapsed := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.observe(route, rec.status, elapsed)
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.Logger.Log(r.Context(), level, "request", "id", id, "method", r.Method, "path", loggedPath(r),
			"route", route, "status", rec.status, "bytes", rec.bytes, "duration_ms", float64(elapsed.Microseconds())/1000,
			"addr", s.clientAddr(r))
	})
}

// loggedPath is the request's path with the secret of a link left out: a setup link's,
// or the token of a help-centre account, survey or feedback link. The database keeps
// only their hashes; the log must not keep the links.
func loggedPath(r *http.Request) string {
	path := r.URL.Path
	for _, name := range []string{"token", "secret"} {
		if v := r.PathValue(name); v != "" {
			path = strings.Replace(path, v, "{"+name+"}", 1)
		}
	}
	return path
}

type requestIDKey struct{}

// statusRecorder remembers the status and size of a response.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// recoverPanics turns a panic in a handler into a logged internal error.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Logger.Error("panic", "error", v, "path", loggedPath(r), "stack", string(debug.Stack()))
				s.fail(w, r, rapport.Errorf(rapport.EINTERNAL, "panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders keeps pages from being framed or sniffed and limits where scripts
// and styles may come from: the pages load only their own.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// clientAddr is the address a request came from.
func (s *Server) clientAddr(r *http.Request) string {
	if s.TrustProxy {
		// The proxy in front appends the address it saw to the list; what comes before
		// it, the client may have written itself.
		if fwd := r.Header.Values("X-Forwarded-For"); len(fwd) > 0 {
			list := fwd[len(fwd)-1]
			if i := strings.LastIndexByte(list, ','); i >= 0 {
				list = list[i+1:]
			}
			if addr := strings.TrimSpace(list); addr != "" {
				return addr
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure reports whether the request arrived over HTTPS.
func (s *Server) secure(r *http.Request) bool {
	return r.TLS != nil || (s.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https")
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.Store.Ping(ctx); err != nil {
		s.Logger.Error("database not ready", "error", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}
