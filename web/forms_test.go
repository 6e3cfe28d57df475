package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestAttributesRoundTrip: the edit form shows a customer's attributes so that saving
// it unchanged stores them unchanged, whatever their type: text that looks like a
// number stays text, big numbers keep every digit, lists and objects stay JSON.
func TestAttributesRoundTrip(t *testing.T) {
	stored := `{"account":12345678901234567890,"blank":"","big":4111111111111111111,"flag":true,"lines":"one\ntwo","nothing":null,` +
		`"padded":" x ","prefs":{"newsletter":true,"topics":["a","b"]},"quoted":"\"hi\"","segment":"smb","tags":["x","y"],"version":"1.10","web":"<b>&"}`
	lines := attributeLines(json.RawMessage(stored))
	if !strings.Contains(lines, "segment: smb\n") || !strings.Contains(lines, `version: "1.10"`) || !strings.Contains(lines, "account: 12345678901234567890") {
		t.Errorf("the form shows:\n%s", lines)
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"attributes": {lines}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	saved, err := formAttributes(r, "attributes")
	if err != nil {
		t.Fatal(err)
	}
	decode := func(b []byte) map[string]any {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber() // every digit counts
		m := map[string]any{}
		if err := dec.Decode(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if before, after := decode([]byte(stored)), decode(saved); !reflect.DeepEqual(before, after) {
		t.Errorf("saved unchanged, the attributes became\n%s\nwant\n%s", saved, stored)
	}
	// Typed by hand: numbers and true/false as such, the rest as text.
	r = httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"attributes": {"score: 42\nvip: true\nzip: 01234\nphone: +351 21 123 4567"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if saved, err := formAttributes(r, "attributes"); err != nil || string(saved) != `{"phone":"+351 21 123 4567","score":42,"vip":true,"zip":"01234"}` {
		t.Errorf("typed by hand: %s (%v)", saved, err)
	}
}

// TestFieldErrorsAreSentences: the domain's messages, lower-case for the API, start
// with a capital in a form; quoted values, numbers, field names and addresses at the
// start are left as they are.
func TestFieldErrorsAreSentences(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"email is not a valid address", "Email is not a valid address"},
		{"e-mail address or password is wrong", "E-mail address or password is wrong"},
		{"write at least one section", "Write at least one section"},
		{"élan is required", "Élan is required"},
		{"ǆungla is a word", "ǅungla is a word"}, // title case: the first letter of a word
		{"ßig stays", "ßig stays"},               // no single upper-case letter
		{`"xx" is not a language code`, `"xx" is not a language code`},
		{"“pigeon” is unknown", "“pigeon” is unknown"},
		{"3 of the 5 items are not here", "3 of the 5 items are not here"},
		{"due_at must be a date", "due_at must be a date"},
		{"kim@example.com is the last active admin", "kim@example.com is the last active admin"},
		{"iPhone is not a product here", "iPhone is not a product here"},
		{"title: at most 200 characters", "Title: at most 200 characters"},
		{"Already a sentence", "Already a sentence"},
		{"", ""},
	} {
		if got := sentence(c.msg); got != c.want {
			t.Errorf("sentence(%q) = %q, want %q", c.msg, got, c.want)
		}
	}

	err := &rapport.Error{Code: rapport.EINVALID, Message: "2 fields are wrong", Fields: map[string]string{
		"emails[1]": "emails[1] \"x\" is not an e-mail address", "language": `"xx" is not a language code`, "given_name": "given name is required"}}
	want := map[string]string{"emails": "emails[1] \"x\" is not an e-mail address", "language": `"xx" is not a language code`, "given_name": "Given name is required"}
	if got := fieldErrors(err); !reflect.DeepEqual(got, want) {
		t.Errorf("fieldErrors = %q, want %q", got, want)
	}
	if got := fieldErrors(rapport.Errorf(rapport.EINVALID, "nothing to save")); got["_"] != "Nothing to save" {
		t.Errorf("a message without a field: %q, want Nothing to save", got["_"])
	}
}
