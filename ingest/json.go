package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
		field := jsonPath(typ.Field)
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

// DecodeObject reads one JSON object into v, strictly, for request bodies and the
// lines of bulk writes alike: an unknown field, a field named twice (also in another
// case, which the decoder would match and keep the last of), a lone surrogate escape
// (which it would keep as U+FFFD), null, or a second value is refused, and the field
// at fault is named.
func DecodeObject(data []byte, v any) error {
	if string(bytes.TrimSpace(data)) == "null" { // would decode as an empty object
		return rapport.Errorf(rapport.EINVALID, "the JSON is null: send an object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return WithField(JSONError(err), data, v)
	}
	if dec.More() {
		return rapport.Errorf(rapport.EINVALID, "the JSON holds more than one value; send one object")
	}
	return scanStrings(data)
}

// scanStrings refuses an object that names a key twice, also in another case, or holds
// a string with a lone surrogate escape. data is valid JSON. It scans the bytes instead
// of the decoder's tokens, which cost twice a line's decoding.
func scanStrings(data []byte) error {
	stack := make([]frame, 0, 4)
	for i := 0; i < len(data); i++ {
		var top *frame
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch data[i] {
		case '"':
			end := i + 1
			for data[end] != '"' {
				if data[end] == '\\' {
					end++
				}
				end++
			}
			key := data[i+1 : end]
			i = end
			isKey := top != nil && !top.array && followedByColon(data[end+1:])
			if at := loneSurrogate(key); at >= 0 {
				var field string
				if isKey {
					field = top.path + string(key)
				} else if top != nil {
					field = top.member()
				}
				return surrogateError(field, key[at:at+6], end-len(key)+at)
			}
			if !isKey {
				continue // a value
			}
			if bytes.IndexByte(key, '\\') >= 0 {
				var text string
				json.Unmarshal(data[i-len(key)-1:end+1], &text)
				key = []byte(text)
			}
			for _, seen := range top.keys {
				if bytes.EqualFold(seen, key) {
					return rapport.FieldError(top.path+string(key), "%s is named twice (as %q and %q): send each field once", top.path+string(key), seen, key)
				}
			}
			top.keys, top.last = append(top.keys, key), key
		case '{', '[':
			path := ""
			if top != nil {
				path = top.member() + "."
			}
			if data[i] == '[' {
				stack = append(stack, frame{array: true, path: path})
			} else {
				stack = append(stack, frame{path: path, keys: make([][]byte, 0, 16)})
			}
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if top != nil && top.array {
				top.n++
			}
		}
	}
	return nil
}

// frame is an object or array scanStrings is in.
type frame struct {
	array bool
	path  string   // of the members or elements: "homes." or "homes[1]."
	keys  [][]byte // an object's keys so far, as written (unescaped if they had to be)
	n     int      // an array's element
	last  []byte   // an object's last key
}

// member is the path of the member or element being read: "homes[1]" or "homes.city".
func (f *frame) member() string {
	if f.array {
		return fmt.Sprintf("%s[%d]", strings.TrimSuffix(f.path, "."), f.n)
	}
	return f.path + string(f.last)
}

// loneSurrogate is the offset in a JSON string's bytes of an escaped UTF-16 surrogate
// that is not half of a pair (\ud800 alone, or \udc00 first), or -1. Such a
// surrogate stands for no character; the decoder would keep U+FFFD instead.
func loneSurrogate(s []byte) int {
	if bytes.IndexByte(s, '\\') < 0 {
		return -1
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if s[i+1] != 'u' {
			i++ // \n, \", \\ …
			continue
		}
		r := hex4(s[i+2 : i+6])
		switch {
		case r >= 0xd800 && r < 0xdc00: // high: a low one must follow
			if i+12 <= len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
				if low := hex4(s[i+8 : i+12]); low >= 0xdc00 && low < 0xe000 {
					i += 11
					continue
				}
			}
			return i
		case r >= 0xdc00 && r < 0xe000:
			return i
		}
		i += 5
	}
	return -1
}

// hex4 reads the four hex digits of a \u escape of valid JSON.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

func surrogateError(field string, escape []byte, at int) error {
	const fix = "it stands for no character: send text as UTF-8, and a character beyond U+FFFF escaped as a pair, such as \\ud83d\\ude00"
	if field == "" {
		return rapport.Errorf(rapport.EINVALID, "the JSON holds a lone surrogate %s at byte %d: %s", escape, at, fix)
	}
	return rapport.FieldError(field, "%s holds a lone surrogate %s: %s", field, escape, fix)
}

// followedByColon says whether the next byte after spaces is a colon.
func followedByColon(rest []byte) bool {
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return len(rest) > 0 && rest[0] == ':'
}

// jsonPath is the path of JSON names in a decoder's Field, which also names the Go
// types of embedded structs ("Customer.kind" is the field kind).
func jsonPath(field string) string {
	var names []string
	for name := range strings.SplitSeq(field, ".") {
		if r, _ := utf8.DecodeRuneInString(name); !unicode.IsUpper(r) {
			names = append(names, name)
		}
	}
	return strings.Join(names, ".")
}

// WithField names the field at fault in err, from JSONError, when the decoder did not:
// a value whose own decoding failed, such as an id, a time or an amount. It decodes
// the object's members one at a time into a new value of v's type; the first that
// fails is the field.
func WithField(err error, data []byte, v any) error {
	var re *rapport.Error
	t := reflect.TypeOf(v)
	if !errors.As(err, &re) || re.Field != "" || re.Code != rapport.EINVALID || t.Kind() != reflect.Pointer {
		return err
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(data, &members) != nil {
		return err
	}
	for _, key := range slices.Sorted(maps.Keys(members)) {
		one, _ := json.Marshal(map[string]json.RawMessage{key: members[key]})
		if json.Unmarshal(one, reflect.New(t.Elem()).Interface()) != nil {
			return rapport.FieldError(key, "%s: %s", key, re.Message)
		}
	}
	return err
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
