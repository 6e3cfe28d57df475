package sqldbtest

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testIngestUnchanged sends the same records twice: the second time nothing is
// written, not even a customer's version.
func testIngestUnchanged(t *testing.T, open Opener) {
	db := open(t)
	rec := rapport.IncomingCustomer{Source: "crm", SourceKey: "C-1", Raw: json.RawMessage(`{"id": "C-1", "phone": "912 345 678"}`),
		Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Rui", Emails: []rapport.ContactPoint{{Value: "rui@example.pt"}},
			Phones:     []rapport.ContactPoint{{Value: "912 345 678", Normalized: "+351912345678"}},
			Attributes: json.RawMessage(`{"tier": "gold", "since": "2001"}`)}}
	send := func(r rapport.IncomingCustomer) rapport.IngestResult {
		t.Helper()
		res, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{r})
		must(t, err)
		return res
	}
	id := send(rec).Items[0].CustomerID
	c, err := db.FindCustomerByID(ctx, system, id)
	must(t, err)
	if res := send(rec); res.Unchanged != 1 || res.Items[0].Result != "unchanged" {
		t.Fatalf("got %+v, want the record sent again unchanged", res)
	}
	// Written another way, the same phone is the same phone: the customer keeps one,
	// written as the record now writes it.
	other := rec
	other.Raw = json.RawMessage(`{"id": "C-1", "phone": "+351 912 345 678"}`)
	other.Phones = []rapport.ContactPoint{{Value: "+351 912 345 678", Normalized: "+351912345678"}}
	if res := send(other); res.Updated != 1 {
		t.Fatalf("got %+v, want the new record stored", res)
	}
	again, err := db.FindCustomerByID(ctx, system, id)
	must(t, err)
	if len(again.Phones) != 1 || again.Phones[0].Value != "+351 912 345 678" {
		t.Errorf("got phones %v; want the one phone as now written", again.Phones)
	}
	c = again
	found, _, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Query: "351912345678"})
	must(t, err)
	if len(found) != 1 {
		t.Errorf("got %d customers for the E.164 number, want 1", len(found))
	}
	other.Tags = []string{"new"}
	if res := send(other); res.Updated != 1 {
		t.Fatalf("got %+v, want a new tag to update", res)
	}
	again, err = db.FindCustomerByID(ctx, system, id)
	must(t, err)
	if again.Version != c.Version+1 {
		t.Errorf("got version %d, want %d after a change", again.Version, c.Version+1)
	}
}

// testImports records an import's place with its batches, resumes it, and starts a
// finished one afresh.
func testImports(t *testing.T, open Opener) {
	db := open(t)
	imp := &rapport.Import{Source: "crm", Kind: "customers", File: "people.csv:120:abc", Name: "people.csv", Size: 120}
	resumed, err := db.StartImport(ctx, system, imp)
	must(t, err)
	if resumed || imp.ID.IsZero() || imp.Offset != 0 {
		t.Fatalf("got %+v resumed %v, want a new import", imp, resumed)
	}
	person := func(line int, key string) rapport.IncomingCustomer {
		return rapport.IncomingCustomer{Line: line, Source: "crm", SourceKey: key, Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: key}}
	}
	texts := map[int]string{3: "3,Bad", 4: "4,,", 5: "5,Eve"}
	at := &rapport.ImportBatch{Import: imp.ID, Offset: 60, Line: 5, Read: 4, Text: func(line int) string { return texts[line] },
		Rejected: []rapport.LineError{{Line: 3, Code: rapport.EINVALID, Field: "DOB", Message: "column DOB: not a date"}}}
	res, err := db.ImportCustomers(ctx, system, []rapport.IncomingCustomer{person(2, "A"), {Line: 4, Source: "crm", SourceKey: "B"}, person(5, "E")}, at)
	must(t, err)
	if res.Created != 2 || res.Rejected != 1 {
		t.Fatalf("got %+v, want 2 created and line 4 rejected", res)
	}

	again := &rapport.Import{Source: "crm", Kind: "customers", File: imp.File, Name: "people.csv", Size: 120}
	resumed, err = db.StartImport(ctx, system, again)
	must(t, err)
	if !resumed || again.ID != imp.ID || again.Offset != 60 || again.Line != 5 || again.Read != 4 || again.Created != 2 || again.Rejected != 2 {
		t.Fatalf("got %+v resumed %v, want the import at offset 60, line 5, with 4 read, 2 created, 2 rejected", again, resumed)
	}
	var rejects []string
	must(t, db.ImportRejects(ctx, system, imp.ID, func(r rapport.Reject) error {
		rejects = append(rejects, fmt.Sprintf("%d %s %q", r.Line, r.Field, r.Text))
		return nil
	}))
	if want := `[3 DOB "3,Bad" 4 kind "4,,"]`; fmt.Sprint(rejects) != want {
		t.Errorf("got rejects %v, want %s", rejects, want)
	}

	// A batch of a finished import is refused, and none of its rows is written.
	must(t, db.FinishImport(ctx, system, imp.ID))
	at = &rapport.ImportBatch{Import: imp.ID, Offset: 80, Line: 6, Read: 1}
	_, err = db.ImportCustomers(ctx, system, []rapport.IncomingCustomer{person(6, "F")}, at)
	wantCode(t, err, rapport.ECONFLICT)
	if n, err := db.CountCustomers(ctx, system, rapport.CustomerFilter{}); err != nil || n != 2 {
		t.Errorf("got %d customers (%v), want 2: the refused batch's row must not be written", n, err)
	}

	// A finished import of the same file starts again from the top.
	resumed, err = db.StartImport(ctx, system, again)
	must(t, err)
	if resumed || again.ID != imp.ID || again.Offset != 0 || again.Read != 0 || time.Since(again.StartedAt) > time.Hour {
		t.Errorf("got %+v resumed %v, want the import started afresh", again, resumed)
	}
	rejects = nil
	must(t, db.ImportRejects(ctx, system, imp.ID, func(r rapport.Reject) error { rejects = append(rejects, r.Message); return nil }))
	if len(rejects) != 0 {
		t.Errorf("got rejects %v after a fresh start, want none", rejects)
	}
	_, err = db.StartImport(ctx, system, &rapport.Import{Source: "crm", Kind: "orders", File: "x"})
	wantCode(t, err, rapport.EINVALID)
}
