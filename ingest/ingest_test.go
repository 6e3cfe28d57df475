package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/tabular"
)

var ctx = context.Background()

func TestInteractions(t *testing.T) {
	db := sqldbtest.SQLite(t)
	system := rapport.SystemScope("test")
	c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Acme"}
	if err := db.CreateCustomer(ctx, system, c); err != nil {
		t.Fatal(err)
	}
	line := func(key string) string {
		return fmt.Sprintf(`{"customer_id":%q,"type":"call","channel":"phone","occurred_at":"2024-01-02T03:04:05Z","source_id":%q,"summary":"Call %s"}`, c.ID, key, key)
	}
	input := strings.Join([]string{
		line("a"),                        // 1
		"",                               // 2: blank, skipped but counted
		"  " + line("b") + "  \r",        // 3: spaces and a CR end are fine
		`{"customer_id":`,                // 4: broken
		`{"customer_id":"x"}`,            // 5: not an id
		`{"summary":"x","colour":"red"}`, // 6: unknown field
		`[1,2]`,                          // 7: not an object
		`{"occurred_at":"yesterday"}`,    // 8: not a time
		line("c") + line("d"),            // 9: two objects on one line
		`{"summary":"` + strings.Repeat("x", 2000) + `"}`, // 10: over the line limit of this run
		line("e"), // 11
	}, "\n")
	var progress []int
	res, err := ingest.Interactions(ctx, strings.NewReader(input), db, system, ingest.Options{Source: "pbx", BatchSize: 2, MaxLine: 1024,
		Progress: func(p ingest.Progress) { progress = append(progress, p.Line) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Received != 10 || res.Created != 3 || res.Rejected != 7 {
		t.Fatalf("got %+v, want 10 received (blank line skipped), 3 created, 7 rejected", res)
	}
	want := []struct {
		line  int
		field string
		text  string
	}{
		{4, "", "ends too early"}, {5, "customer_id", "is not an id"}, {6, "colour", "no field"}, {7, "", "JSON object"},
		{8, "occurred_at", "RFC 3339"}, {9, "", "more"}, {10, "", "over 1 KiB"},
	}
	for i, w := range want {
		e := res.Errors[i]
		if e.Line != w.line || e.Field != w.field || !strings.Contains(e.Message, w.text) {
			t.Errorf("error %d: got %+v, want line %d, field %q, a message with %q", i, e, w.line, w.field, w.text)
		}
	}
	if len(progress) == 0 || progress[len(progress)-1] != 11 {
		t.Errorf("got progress %v, want it to end at line 11", progress)
	}
}

func TestCustomersKeepTheRecordAsReceived(t *testing.T) {
	db := sqldbtest.SQLite(t)
	system := rapport.SystemScope("test")
	input := `{"source_id":"C-1","kind":"person","given_name":"Ana","emails":["ana@example.pt"]}` + "\n"
	res, err := ingest.Customers(ctx, strings.NewReader(input), db, system, ingest.Options{Source: "billing"})
	if err != nil || res.Created != 1 {
		t.Fatalf("got %+v %v", res, err)
	}
	recs, err := db.FindSourceRecords(ctx, system, res.Items[0].CustomerID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Source != "billing" || !strings.Contains(string(recs[0].Fields), `"given_name"`) {
		t.Errorf("got %+v, want the billing record as sent", recs)
	}
}

// TestJSONErrorNamesTheField: an error names the field as the JSON does, not with the
// Go types of the structs embedded in a row.
func TestJSONErrorNamesTheField(t *testing.T) {
	var in rapport.IncomingInteraction
	err := ingest.JSONError(json.Unmarshal([]byte(`{"type":5}`), &in))
	var re *rapport.Error
	if !errors.As(err, &re) || re.Field != "type" || !strings.HasPrefix(re.Message, "type must be a JSON string") {
		t.Errorf("got %#v, want the field type", err)
	}
}

// TestRejectionsNameTheColumn: a row the database refuses, read through a mapping, is
// rejected at the file's column that fed the field at fault.
func TestRejectionsNameTheColumn(t *testing.T) {
	db := sqldbtest.SQLite(t)
	system := rapport.SystemScope("test")
	m, err := mapping.Parse([]byte("record: interactions\nfields: {source_id: order_id, customer_source_id: cust, occurred_at: day, summary: subject}\ndefaults: {type: order, channel: web}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tabular.Open(strings.NewReader("order_id,cust,day,subject\nO1,nobody,2024-01-05,Order O1\n"), tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ingest.ImportInteractions(ctx, rows, m, db, system, ingest.Options{Source: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected != 1 || res.Errors[0].Line != 2 || res.Errors[0].Field != "cust" || !strings.Contains(res.Errors[0].Message, `no customer has id "nobody"`) {
		t.Errorf("got %+v, want line 2 rejected at the column cust", res.Errors)
	}
}

// TestOpenRowsForTheMapping: a file in Rapport's own shape is opened for decoding whole
// objects, without the columns that only a mapping reads; through a mapping it has them.
func TestOpenRowsForTheMapping(t *testing.T) {
	const line = `{"customer_id":"x","type":"call","summary":"Hello"}` + "\n"
	m, err := mapping.Parse([]byte("record: interactions\nfields: {source_id: id, customer_source_id: customer_id, occurred_at: at, summary: summary}\ndefaults: {type: call, channel: phone}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		m           *mapping.Mapping
		wantColumns bool
	}{{nil, false}, {m, true}} {
		rows, err := ingest.OpenRows(strings.NewReader(line), tt.m, tabular.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, err := rows.Read()
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Raw) != strings.TrimSpace(line) || (len(r.Columns) > 0) != tt.wantColumns {
			t.Errorf("mapping %v: raw %q, columns %v; want columns: %v", tt.m != nil, r.Raw, r.Columns, tt.wantColumns)
		}
	}
}

// TestCutShortSaysWhatWasApplied: a JSON array cut short says how many rows before the
// fault were applied, counted in rows: on one line, the line says nothing of it.
func TestCutShortSaysWhatWasApplied(t *testing.T) {
	const person = `{"source_id":"C-%d","kind":"person","given_name":"Ana","family_name":"Silva %d"}`
	for _, tt := range []struct {
		name, sep, want string
		rows            int
	}{
		{"one line", ",", "the 2 rows before it were applied", 2},
		{"a line each", ",\n", "the 2 rows before it were applied", 2},
		{"one row", ",", "the 1 row before it was applied", 1},
		{"empty", "", "nothing was applied", 0},
	} {
		db := sqldbtest.SQLite(t)
		var objects []string
		for i := range tt.rows {
			objects = append(objects, fmt.Sprintf(person, i, i))
		}
		rows, err := tabular.Open(strings.NewReader("["+strings.Join(objects, tt.sep)), tabular.Options{Format: tabular.JSON, Unflattened: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := ingest.ImportCustomers(ctx, rows, nil, db, rapport.SystemScope("test"), ingest.Options{Source: "crm"})
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) || res.Created != tt.rows {
			t.Errorf("%s: created %d, %v; want %d created and an error ending %q", tt.name, res.Created, err, tt.rows, tt.want)
		}
	}
}
