package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestClientGone: a request whose client hung up is no internal error: it is logged at
// debug level, not answered, and counted as 499, not 500; a response that had begun
// keeps its status. A failure of ours while the client waits stays an error and a 500.
func TestClientGone(t *testing.T) {
	for _, tt := range []struct {
		name    string
		gone    bool
		begun   bool
		status  int
		errors  bool
		written string
	}{
		{"GoneBeforeAnswer", true, false, statusClientClosed, false, ""},
		{"GoneMidAnswer", true, true, http.StatusOK, false, "id,name\n"},
		{"OurFault", false, false, http.StatusInternalServerError, true, `"code":"internal"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			s := &Server{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), metrics: newMetrics()}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h := s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.begun {
					w.Write([]byte("id,name\n"))
				}
				if tt.gone {
					cancel()
					s.fail(w, r, fmt.Errorf("export: %w", context.Canceled))
					return
				}
				s.fail(w, r, errors.New("the disk is full"))
			}))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/segments/x/export", nil).WithContext(ctx))
			if got := strings.Contains(logs.String(), "level=ERROR"); got != tt.errors {
				t.Errorf("logged an error: %v, want %v:\n%s", got, tt.errors, logs.String())
			}
			if n := s.metrics.requests[routeStatus{"unmatched", tt.status}]; n != 1 {
				t.Errorf("counted %v, want one request with status %d", s.metrics.requests, tt.status)
			}
			if body := rec.Body.String(); tt.gone && body != tt.written || !strings.Contains(body, tt.written) {
				t.Errorf("wrote %q, want %q", rec.Body.String(), tt.written)
			}
			if tt.gone && !strings.Contains(logs.String(), "level=DEBUG msg=\"client went away\"") {
				t.Errorf("logged %s, want the client's going at debug level", logs.String())
			}
		})
	}
}

// TestIdempotentClientGone: a request with an Idempotency-Key whose client hung up
// before any answer is not stored as done: the retry runs it, instead of being told it
// succeeded with an empty answer.
func TestIdempotentClientGone(t *testing.T) {
	s := &Server{Store: sqldbtest.SQLite(t), Logger: slog.New(slog.DiscardHandler), metrics: newMetrics()}
	c := &call{user: &rapport.User{ID: rapport.NewID()}}
	ctx, cancel := context.WithCancel(context.Background())
	s.once(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/customers", nil).WithContext(ctx), c, "k-1", "hash",
		func(http.ResponseWriter, *http.Request) error {
			cancel()
			return fmt.Errorf("create customer: %w", context.Canceled)
		})
	ran := false
	rec := httptest.NewRecorder()
	s.once(rec, httptest.NewRequest("POST", "/api/v1/customers", nil), c, "k-1", "hash", func(w http.ResponseWriter, _ *http.Request) error {
		ran = true
		w.WriteHeader(http.StatusCreated)
		return nil
	})
	if !ran || rec.Code != http.StatusCreated {
		t.Errorf("the retry: ran %v, answered %d %q; want it run and answered 201", ran, rec.Code, rec.Body.String())
	}
}

// TestInternalErrorLogHidesSecrets: an internal error on a page of a secret link (a
// customer's or the help centre's) is logged with the link's token left out, as every
// request's line is.
func TestInternalErrorLogHidesSecrets(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{Logger: slog.New(slog.NewTextHandler(&logs, nil)), metrics: newMetrics()}
	r := httptest.NewRequest("GET", "/survey/s3cr3t-token", nil)
	r.SetPathValue("token", "s3cr3t-token")
	s.logFailure(r, http.StatusInternalServerError, errors.New("the disk is full"))
	if !strings.Contains(logs.String(), "internal error") || strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("logged %s; want the error without the token", logs.String())
	}
}
