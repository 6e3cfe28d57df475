package ingest

import (
	"errors"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestDecodeObject: request bodies and bulk lines are read strictly, each problem named.
func TestDecodeObject(t *testing.T) {
	type inner struct {
		City string `json:"city"`
	}
	type record struct {
		Name  string   `json:"name"`
		Tags  []string `json:"tags"`
		Homes []inner  `json:"homes"`
	}
	for in, field := range map[string]string{
		`{"name":"A","name":"B"}`:                              "name",
		`{"tags":["a"],"Tags":["b"]}`:                          "Tags",
		`{"homes":[{"city":"Porto"},{"city":"B","CITY":"C"}]}`: "homes[1].CITY",
		`null`:            "",
		`{"name":"A"} {}`: "",
		`{"nmae":"A"}`:    "nmae",
		// A lone surrogate would be stored as U+FFFD.
		`{"name":"a\ud800b"}`:           "name",
		`{"name":"\uD800\uD800"}`:       "name",
		`{"homes":[{"city":"\udc00"}]}`: "homes[0].city",
		`{"tags":["ok","x\ud83d"]}`:     "tags[1]",
	} {
		var r record
		err := DecodeObject([]byte(in), &r)
		var e *rapport.Error
		if !errors.As(err, &e) || e.Code != rapport.EINVALID || e.Field != field {
			t.Errorf("%s: got %v, want invalid on field %q", in, err, field)
		}
	}
	var r record
	if err := DecodeObject([]byte(`{"name":"A","tags":["x"],"homes":[{"city":"Porto"}]}`), &r); err != nil || r.Homes[0].City != "Porto" {
		t.Errorf("got %+v, %v", r, err)
	}
	// A pair of surrogates is one character; an escaped backslash before u is text.
	r = record{}
	if err := DecodeObject([]byte(`{"name":"\ud83d\ude00","tags":["\\ud800"]}`), &r); err != nil || r.Name != "\U0001F600" || r.Tags[0] != `\ud800` {
		t.Errorf("got %+v, %v", r, err)
	}
}

// BenchmarkDecodeObject reads a bulk line of an interaction: what reading strictly costs.
func BenchmarkDecodeObject(b *testing.B) {
	line := []byte(`{"customer_source":"crm","customer_source_id":"CRM-000020","source_id":"SO-10001","type":"order","channel":"web","occurred_at":"2024-05-01T10:00:00Z","summary":"Order #10001: 2 items","amount":"1090.59","currency":"EUR","attributes":{"items":2,"product":"desks"}}`)
	for b.Loop() {
		var in rapport.IncomingInteraction
		if err := DecodeObject(line, &in); err != nil {
			b.Fatal(err)
		}
	}
}
