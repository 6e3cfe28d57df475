package rapport

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. Every error that reaches a user carries one; web/errors.go maps them to
// HTTP statuses and cmd/rapport to exit codes.
const (
	EINVALID      = "invalid"               // the input is wrong; Message says how to fix it
	ENOTFOUND     = "not_found"             // missing, or not visible to the actor
	ECONFLICT     = "conflict"              // clashes with what is stored (duplicate, stale version)
	EUNAUTHORIZED = "unauthorized"          // not signed in, or the credentials are wrong
	EFORBIDDEN    = "forbidden"             // signed in, but the role may not do this
	EMETHOD       = "method_not_allowed"    // the address takes other methods
	ETOOLARGE     = "too_large"             // the request body or file is over the limit
	ERANGE        = "range_not_satisfiable" // the Range asked for is not in the file
	ERATELIMIT    = "rate_limited"          // too many attempts; try again later
	EINTERNAL     = "internal"              // a fault of ours; logged, never explained to the user
)

// Error is the one error type of the domain. Message is written for the person who must
// fix the problem. Field names the input at fault; Fields holds every field at fault when
// a form or record has several.
type Error struct {
	Code    string
	Message string
	Field   string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if e.Field != "" && !strings.Contains(e.Message, e.Field) {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one input field.
func FieldError(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: msg, Field: field, Fields: map[string]string{field: msg}}
}

// ConflictError returns an ECONFLICT error about one input field: its value is taken
// by a record that exists already.
func ConflictError(field, format string, args ...any) *Error {
	e := FieldError(field, format, args...)
	e.Code = ECONFLICT
	return e
}

// NotFound is the error for anything missing or hidden from the actor: the two must
// look the same, so that hidden records cannot be told apart from absent ones.
func NotFound(what string) *Error {
	return Errorf(ENOTFOUND, "%s not found", what)
}

// ErrorCode returns the code of err, or EINTERNAL for errors that are not *Error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal details are hidden.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Error()
	}
	return "Internal error: it has been logged. Please try again."
}

// Problems collects field errors during validation.
type Problems map[string]string

// Add records a problem with a field; the first problem of each field is kept.
func (p Problems) Add(field, format string, args ...any) {
	if _, ok := p[field]; !ok {
		p[field] = fmt.Sprintf(format, args...)
	}
}

// Merge adds the field problems of err, when it is an EINVALID *Error, to those p does
// not hold yet: a form shows the problems of reading its input and the model's own
// checks at once, not one after the other.
func (p Problems) Merge(err error) {
	var e *Error
	if errors.As(err, &e) && e.Code == EINVALID {
		for field, msg := range e.Fields {
			p.Add(field, "%s", msg)
		}
	}
}

// Err returns nil when there were no problems, or an EINVALID *Error that names the
// first field (in sorted order, so messages are stable) and holds them all.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	fields := make([]string, 0, len(p))
	for f := range p {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	e := &Error{Code: EINVALID, Field: fields[0], Message: p[fields[0]], Fields: map[string]string(p)}
	if len(fields) > 1 {
		e.Message += fmt.Sprintf(" (and %d more problem", len(fields)-1)
		if len(fields) > 2 {
			e.Message += "s"
		}
		e.Message += ")"
	}
	return e
}
