package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/rapportckm/rapport"
)

// statusOf is the one table from error codes to HTTP statuses.
var statusOf = map[string]int{
	rapport.EINVALID:      http.StatusBadRequest,
	rapport.ENOTFOUND:     http.StatusNotFound,
	rapport.ECONFLICT:     http.StatusConflict,
	rapport.EUNAUTHORIZED: http.StatusUnauthorized,
	rapport.EFORBIDDEN:    http.StatusForbidden,
	rapport.EMETHOD:       http.StatusMethodNotAllowed,
	rapport.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	rapport.ERANGE:        http.StatusRequestedRangeNotSatisfiable,
	rapport.ERATELIMIT:    http.StatusTooManyRequests,
	rapport.EINTERNAL:     http.StatusInternalServerError,
}

// Status returns the HTTP status for err.
func Status(err error) int {
	if status, ok := statusOf[rapport.ErrorCode(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON form of an error.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Field   string            `json:"field,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func errorJSON(err error) errorBody {
	d := errorDetail{Code: rapport.ErrorCode(err), Message: rapport.ErrorMessage(err)}
	var e *rapport.Error
	if d.Code != rapport.EINTERNAL && errors.As(err, &e) {
		d.Message, d.Field = e.Message, e.Field
		if len(e.Fields) > 1 {
			d.Fields = e.Fields
		}
	}
	return errorBody{Error: d}
}

// fail answers a request with err: JSON for the API, a page for the browser. Internal
// errors are logged with their cause and shown without it.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if s.logFailure(r, status, err) {
		return
	}
	if isAPI(r) {
		writeJSON(w, status, errorJSON(err))
		return
	}
	if status == http.StatusUnauthorized {
		http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, status, err)
}

// statusClientClosed is the status logged and counted for a request whose client hung
// up before an answer began (as nginx's 499): no answer is sent, and it is no fault of
// ours.
const statusClientClosed = 499

// clientGone reports whether the client hung up: the server cancels a request's context
// when its connection closes, and the handler's reads and writes then fail.
func clientGone(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.Canceled)
}

// logFailure logs an internal error with its cause, and reports whether the client has
// gone, when there is no one to answer and the error is not ours: it is logged only
// for debugging.
func (s *Server) logFailure(r *http.Request, status int, err error) (gone bool) {
	if clientGone(r) {
		s.Logger.Debug("client went away", "error", err, "method", r.Method, "path", loggedPath(r), "id", r.Context().Value(requestIDKey{}))
		return true
	}
	if status >= 500 {
		s.Logger.Error("internal error", "error", err, "method", r.Method, "path", loggedPath(r), "id", r.Context().Value(requestIDKey{}))
	}
	return false
}

func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	encodeJSON(w, v)
}

// jsonBytes is v as writeJSON writes it.
func jsonBytes(v any) []byte {
	var b bytes.Buffer
	encodeJSON(&b, v)
	return b.Bytes()
}

// encodeJSON writes v as the API answers: & < > as they are, not escaped for HTML.
func encodeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
