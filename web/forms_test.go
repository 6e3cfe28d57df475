package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
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
