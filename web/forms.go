package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
)

// fieldErrors maps a validation error to the form fields it is about: "emails[2]" and
// "addresses[0].city" are shown at "emails" and "addresses". A message that names no
// field is kept under "_". Each message reads as a sentence (see sentence).
func fieldErrors(err error) map[string]string {
	var e *rapport.Error
	if !errors.As(err, &e) {
		return nil
	}
	out := map[string]string{}
	for field, msg := range e.Fields {
		key := field
		if i := strings.IndexAny(field, "[."); i > 0 {
			key = field[:i]
		}
		if _, ok := out[key]; !ok {
			out[key] = sentence(msg)
		}
	}
	if len(out) == 0 {
		out["_"] = sentence(e.Message)
	}
	return out
}

// formMistake tells whether err is the sender's to mend in the form shown again:
// input that is invalid, or a value taken already.
func formMistake(err error) bool {
	code := rapport.ErrorCode(err)
	return code == rapport.EINVALID || code == rapport.ECONFLICT
}

// errorAt shows an error's message at one field of a form, as a sentence.
func errorAt(field string, err error) map[string]string {
	return map[string]string{field: sentence(rapport.ErrorMessage(err))}
}

// sentence starts a message shown in a form with a capital letter: the domain's
// messages start in lower case ("email is not a valid address"), as the API returns
// them, and read as sentences on a page. A message that starts with anything but a
// lower-case letter (a quote, a number) is left as it is, and so is one whose first
// word is code or a name with its own case: a field such as due_at, an address, a word
// with capitals inside such as iPhone.
func sentence(msg string) string {
	first, size := utf8.DecodeRuneInString(msg)
	if !unicode.IsLower(first) {
		return msg
	}
	word, _, _ := strings.Cut(msg, " ")
	for i, r := range strings.TrimRight(word, ",;:.!?") {
		if i > 0 && unicode.IsUpper(r) || !unicode.IsLetter(r) && r != '-' && r != '\'' && r != '’' {
			return msg
		}
	}
	return string(unicode.ToTitle(first)) + msg[size:]
}

// formLines reads a textarea as its non-empty lines.
func formLines(r *http.Request, name string) []string {
	return splitTrimmed(r.PostFormValue(name), "\n")
}

// formList reads a comma-separated field.
func formList(r *http.Request, name string) []string {
	return splitTrimmed(r.PostFormValue(name), ",")
}

// splitTrimmed splits s at sep and keeps the parts that are not blank, trimmed.
func splitTrimmed(s, sep string) []string {
	var out []string
	for part := range strings.SplitSeq(s, sep) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// formContacts reads one contact per line, "value" or "label: value".
func formContacts(r *http.Request, name string) []rapport.ContactPoint {
	var out []rapport.ContactPoint
	for _, line := range formLines(r, name) {
		cp := rapport.ContactPoint{Value: line}
		if label, value, ok := strings.Cut(line, ": "); ok && !strings.Contains(label, "@") {
			cp = rapport.ContactPoint{Label: strings.TrimSpace(label), Value: strings.TrimSpace(value)}
		}
		out = append(out, cp)
	}
	return out
}

// contactLines is the inverse of formContacts.
func contactLines(cps []rapport.ContactPoint) string {
	lines := make([]string, len(cps))
	for i, cp := range cps {
		lines[i] = cp.Value
		if cp.Label != "" {
			lines[i] = cp.Label + ": " + cp.Value
		}
	}
	return strings.Join(lines, "\n")
}

// formAttributes reads "key: value" lines into a JSON object. A value that is JSON (a
// number, true, false, null, a list, an object, or text in quotes) is kept as that
// value, exactly as written; anything else is text.
func formAttributes(r *http.Request, name string) (json.RawMessage, error) {
	m := map[string]json.RawMessage{}
	for _, line := range formLines(r, name) {
		key, value, ok := strings.Cut(line, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok || key == "" {
			return nil, rapport.FieldError("attributes", "write one attribute per line as key: value; %q has no key", line)
		}
		if json.Valid([]byte(value)) {
			m[key] = json.RawMessage(value)
		} else {
			m[key], _ = json.Marshal(value) // a string always marshals
		}
	}
	return json.Marshal(m)
}

// attributeLines is the inverse of formAttributes: text that would not read back as
// the same text (it looks like JSON, spans lines, or starts or ends with spaces) is
// written in quotes.
func attributeLines(raw json.RawMessage) string {
	var lines []string
	for _, a := range attrList(raw) {
		v := a.Value
		if a.Text && (json.Valid([]byte(v)) || strings.ContainsAny(v, "\r\n") || v != strings.TrimSpace(v)) {
			var quoted strings.Builder
			enc := json.NewEncoder(&quoted)
			enc.SetEscapeHTML(false)
			enc.Encode(v) // a string always encodes
			v = strings.TrimSpace(quoted.String())
		}
		lines = append(lines, a.Key+": "+v)
	}
	return strings.Join(lines, "\n")
}

// jsonString returns the text a JSON string holds; ok is false for any other value.
func jsonString(v json.RawMessage) (text string, ok bool) {
	v = bytes.TrimSpace(v)
	return text, len(v) > 0 && v[0] == '"' && json.Unmarshal(v, &text) == nil
}

// compactJSON is a JSON value on one line.
func compactJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return b.String()
}

// formIDs reads repeated id fields (checkboxes), skipping malformed ones.
func formIDs(r *http.Request, name string) []rapport.ID {
	var ids []rapport.ID
	for _, v := range r.PostForm[name] {
		if id, err := rapport.ParseID(v); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
