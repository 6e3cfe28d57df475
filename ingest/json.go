package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// JSONError explains a JSON decoding error in terms of the input: what is wrong and
// which field or byte holds it.
func JSONError(err error) error {
	var (
		re     *rapport.Error
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		tooBig *http.MaxBytesError
		when   *time.ParseError
	)
	switch {
	case errors.As(err, &re):
		return re
	case errors.As(err, &tooBig):
		return rapport.Errorf(rapport.ETOOLARGE, "the request body is over %d MiB", tooBig.Limit>>20)
	case errors.As(err, &syntax):
		return rapport.Errorf(rapport.EINVALID, "the JSON is not valid at byte %d: %s", syntax.Offset, strings.TrimPrefix(syntax.Error(), "invalid character "))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return rapport.Errorf(rapport.EINVALID, "expected a JSON %s, got a JSON %s", jsonKind(typ.Type), typ.Value)
		}
		return rapport.FieldError(field, "%s must be a JSON %s, not a %s", field, jsonKind(typ.Type), typ.Value)
	case errors.As(err, &when):
		return rapport.Errorf(rapport.EINVALID, "%q is not a time: write times in RFC 3339 form, such as 2024-05-01T14:30:00Z", when.Value)
	case errors.Is(err, io.EOF):
		return rapport.Errorf(rapport.EINVALID, "the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return rapport.Errorf(rapport.EINVALID, "the JSON ends too early: an object or string is not closed")
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		field = strings.Trim(field, `"`)
		return rapport.FieldError(field, "there is no field %q; see /api/v1/openapi.json for the fields", field)
	}
	return rapport.Errorf(rapport.EINVALID, "the JSON could not be read: %v", err)
}

// jsonKind names the JSON kind of value a Go type expects.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "value"
		}
		return "array"
	case reflect.Array:
		return "string" // ids
	case reflect.Map, reflect.Struct:
		if t.String() == "time.Time" {
			return "string (an RFC 3339 time)"
		}
		return "object"
	}
	return fmt.Sprint(t.Kind())
}
