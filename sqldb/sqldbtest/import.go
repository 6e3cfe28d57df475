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

	// Two records of one customer (one e-mail) that disagree on an attribute: the file
	// sent again changes nothing, though each record, absorbed alone, would change the
	// attribute the other set.
	twins := func() []rapport.IncomingCustomer { // afresh each time: ingesting fills them in
		return []rapport.IncomingCustomer{
			{Source: "crm", SourceKey: "T-1", Raw: json.RawMessage(`{"id": "T-1", "dob": "1970-01-01"}`),
				Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Tove", Emails: []rapport.ContactPoint{{Value: "tove@example.se"}},
					Tags: []string{"vip"}, Attributes: json.RawMessage(`{"since": "2001", "dob": "1970-01-01"}`)}}, // keys out of jsonb's order
			{Source: "crm", SourceKey: "T-2", Raw: json.RawMessage(`{"id": "T-2", "dob": "1971-02-02"}`),
				Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Tove", Emails: []rapport.ContactPoint{{Value: "tove@example.se"}},
					Attributes: json.RawMessage(`{"dob": "1971-02-02"}`)}},
		}
	}
	first, err := db.IngestCustomers(ctx, system, twins())
	must(t, err)
	tove, err := db.FindCustomerByID(ctx, system, first.Items[0].CustomerID)
	must(t, err)
	for range 2 {
		res, err := db.IngestCustomers(ctx, system, twins())
		must(t, err)
		if res.Unchanged != 2 {
			t.Errorf("the two records sent again: got %+v, want both unchanged", res)
		}
	}
	if after, err := db.FindCustomerByID(ctx, system, tove.ID); err != nil || after.Version != tove.Version || string(after.Attributes) != string(tove.Attributes) {
		t.Errorf("got %+v (%v), want the customer as it was: version %d, attributes %s", after, err, tove.Version, tove.Attributes)
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

	// A batch is written only where the import stands: one that starts elsewhere (a
	// batch before it was not written) is refused, and none of its rows is written.
	for _, from := range []int64{0, 70} {
		_, err = db.ImportCustomers(ctx, system, []rapport.IncomingCustomer{person(6, "F")}, &rapport.ImportBatch{Import: imp.ID, From: from, Offset: 80, Line: 6, Read: 1})
		wantCode(t, err, rapport.ECONFLICT)
	}
	if n, err := db.CountCustomers(ctx, system, rapport.CustomerFilter{}); err != nil || n != 2 {
		t.Errorf("got %d customers (%v), want 2: the refused batches' row must not be written", n, err)
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
	at = &rapport.ImportBatch{Import: imp.ID, From: 60, Offset: 80, Line: 6, Read: 1}
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

	// An import abandoned before its first batch is forgotten: the next import of its
	// file starts afresh instead of resuming it. One that wrote rows is kept, to resume.
	listed := func() (names []string) {
		t.Helper()
		imports, _, err := db.FindImports(ctx, system, rapport.ImportFilter{})
		must(t, err)
		for _, i := range imports {
			names = append(names, fmt.Sprintf("%s %s %d", i.Name, i.State, i.Read))
		}
		return names
	}
	must(t, db.AbandonImport(ctx, system, again.ID)) // started afresh above, and nothing written since
	fresh := &rapport.Import{Source: "crm", Kind: "customers", File: "orgs.csv:90:def", Name: "orgs.csv", Size: 90}
	_, err = db.StartImport(ctx, system, fresh)
	must(t, err)
	must(t, db.AbandonImport(ctx, system, fresh.ID))
	if got := listed(); len(got) != 0 {
		t.Errorf("got imports %q, want none: both stopped before writing a row", got)
	}
	resumed, err = db.StartImport(ctx, system, fresh)
	must(t, err)
	if resumed {
		t.Errorf("got %+v resumed, want an abandoned import started afresh", fresh)
	}
	at = &rapport.ImportBatch{Import: fresh.ID, Offset: 40, Line: 2, Read: 1}
	_, err = db.ImportCustomers(ctx, system, []rapport.IncomingCustomer{person(2, "G")}, at)
	must(t, err)
	must(t, db.AbandonImport(ctx, system, fresh.ID))
	if got := fmt.Sprint(listed()); got != "[orgs.csv unfinished 1]" {
		t.Errorf("got imports %s, want the import that wrote a row kept, unfinished", got)
	}
	if resumed, err = db.StartImport(ctx, system, fresh); err != nil || !resumed || fresh.Line != 2 {
		t.Errorf("got %+v resumed %v (%v), want it resumed after line 2", fresh, resumed, err)
	}
}

// testUploadedImports follows imports of uploaded files from draft to done: each is
// visible to whoever started it and to admins, runs as a job whose argument is its
// id, and can be resumed or deleted once failed.
func testUploadedImports(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	upload := func(s rapport.Scope, name string) *rapport.Import {
		t.Helper()
		imp := &rapport.Import{Source: "crm", Kind: "customers", File: rapport.UploadPrefix + rapport.NewID().String(), Name: name, Size: 300}
		must(t, db.CreateImport(ctx, s, imp))
		return imp
	}
	imp := upload(f.sales, "people.csv")
	if imp.State != rapport.ImportDraft || imp.UserID != f.sales.UserID || imp.UserName != "sam" || imp.Mapping != "" || imp.ID.IsZero() {
		t.Fatalf("got %+v, want a draft of sam's", imp)
	}
	// Only rapport import abandons imports: an upload's stays, for its job and its page.
	must(t, db.AbandonImport(ctx, f.sales, imp.ID))
	if _, err := db.FindImport(ctx, f.sales, imp.ID); err != nil {
		t.Fatalf("got %v, want the draft kept", err)
	}
	for _, tt := range []struct {
		name  string
		s     rapport.Scope
		imp   rapport.Import
		code  string
		field string
	}{
		{"UnknownKind", f.sales, rapport.Import{Source: "crm", Kind: "orders", File: "upload:x", Name: "a.csv"}, rapport.EINVALID, "kind"},
		{"NoSource", f.sales, rapport.Import{Kind: "customers", File: "upload:x", Name: "a.csv"}, rapport.EINVALID, "source"},
		{"BadSource", f.sales, rapport.Import{Source: "The CRM", Kind: "customers", File: "upload:x", Name: "a.csv"}, rapport.EINVALID, "source"},
		{"NotUploaded", f.sales, rapport.Import{Source: "crm", Kind: "customers", File: "a.csv:3:abc", Name: "a.csv"}, rapport.EINVALID, "file"},
		{"Analyst", f.loner, rapport.Import{Source: "crm", Kind: "customers", File: "upload:x", Name: "a.csv"}, rapport.EFORBIDDEN, ""},
		{"System", system, rapport.Import{Source: "crm", Kind: "customers", File: "upload:x", Name: "a.csv"}, rapport.EFORBIDDEN, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.CreateImport(ctx, tt.s, &tt.imp)
			wantCode(t, err, tt.code)
			if tt.field != "" {
				wantField(t, err, tt.field)
			}
		})
	}

	// Visible to its starter and to admins only; rapport import's to admins.
	cli := &rapport.Import{Source: "crm", Kind: "customers", File: "cli.csv:10:abc", Name: "cli.csv", Size: 10}
	_, err := db.StartImport(ctx, system, cli)
	must(t, err)
	other := upload(f.deals, "deals.csv")
	count := func(s rapport.Scope) []string {
		t.Helper()
		list, next, err := db.FindImports(ctx, s, rapport.ImportFilter{})
		must(t, err)
		if next != "" {
			t.Errorf("got a next page of a short list")
		}
		var out []string
		for _, i := range list {
			out = append(out, i.Name+" "+string(i.State))
		}
		return out
	}
	if got := fmt.Sprint(count(f.sales)); got != "[people.csv draft]" {
		t.Errorf("sam sees %s, want his own import only", got)
	}
	if got := fmt.Sprint(count(f.admin)); got != "[deals.csv draft cli.csv unfinished people.csv draft]" {
		t.Errorf("the admin sees %s, want every import, newest first", got)
	}
	_, _, err = db.FindImports(ctx, f.loner, rapport.ImportFilter{})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.FindImport(ctx, f.deals, imp.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	wantCode(t, db.QueueImport(ctx, f.deals, imp.ID, ""), rapport.ENOTFOUND)
	wantCode(t, db.ImportRejects(ctx, f.deals, imp.ID, func(rapport.Reject) error { return nil }), rapport.ENOTFOUND)
	wantCode(t, db.DeleteImport(ctx, f.sales, other.ID), rapport.ENOTFOUND)
	page, next, err := db.FindImports(ctx, f.admin, rapport.ImportFilter{Limit: 2})
	must(t, err)
	rest, last, err := db.FindImports(ctx, f.admin, rapport.ImportFilter{Limit: 2, Cursor: next})
	must(t, err)
	if len(page) != 2 || len(rest) != 1 || rest[0].ID != imp.ID || last != "" {
		t.Errorf("got pages of %d and %d imports (last cursor %q), want 2, then the oldest alone", len(page), len(rest), last)
	}
	_, _, err = db.FindImports(ctx, f.admin, rapport.ImportFilter{Cursor: "nonsense"})
	wantField(t, err, "cursor")

	// Queued: a job whose argument is the import's id runs it.
	const mapping = "record: customers\nfields: {source_id: id, given_name: name}\n"
	must(t, db.QueueImport(ctx, f.sales, imp.ID, mapping))
	wantCode(t, db.QueueImport(ctx, f.sales, imp.ID, mapping), rapport.ECONFLICT)
	wantCode(t, db.DeleteImport(ctx, f.sales, imp.ID), rapport.ECONFLICT)
	got, err := db.FindImport(ctx, f.sales, imp.ID)
	must(t, err)
	if got.State != rapport.ImportQueued || got.Mapping != mapping || got.Error != "" {
		t.Fatalf("got %+v, want it queued with its mapping", got)
	}
	job, err := db.ClaimJob(ctx, []string{rapport.JobImport}, time.Minute)
	must(t, err)
	if job == nil || job.Arg != imp.ID.String() {
		t.Fatalf("got the job %+v, want one for the import %s", job, imp.ID)
	}
	resumed, err := db.StartImport(ctx, f.sales, got)
	must(t, err)
	if !resumed || got.ID != imp.ID || got.State != rapport.ImportRunning || got.RunStartedAt.IsZero() {
		t.Fatalf("got %+v resumed %v, want the running import", got, resumed)
	}
	db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	if got, _ := db.FindImport(ctx, f.sales, imp.ID); got.State != rapport.ImportQueued {
		t.Errorf("got %s once its job's lease ran out, want queued: it waits for a worker to take it up", got.State)
	}
	db.Now = time.Now
	texts := map[int]string{3: "x,"}
	_, err = db.ImportCustomers(ctx, f.sales, []rapport.IncomingCustomer{
		{Line: 2, Source: "crm", SourceKey: "A", Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ann"}}},
		&rapport.ImportBatch{Import: imp.ID, Offset: 150, Line: 3, Read: 2, Text: func(l int) string { return texts[l] },
			Rejected: []rapport.LineError{{Line: 3, Code: rapport.EINVALID, Field: "name", Message: "column name: empty"}}})
	must(t, err)
	if got, _ = db.FindImport(ctx, f.admin, imp.ID); got.Share() != 0.5 || got.Created != 1 || got.Rejected != 1 {
		t.Errorf("got %+v, share %v, want half the file read, 1 created, 1 rejected", got, got.Share())
	}
	if rate, _, ok := got.Pace(); !ok || rate <= 0 {
		t.Errorf("got a pace of %v rows/s (%v) after a batch, want one", rate, ok)
	}

	// An attempt fails: it is queued again with its error, then fails for good.
	must(t, db.FinishJob(ctx, job, "", fmt.Errorf("disk full")))
	if got, _ = db.FindImport(ctx, f.sales, imp.ID); got.State != rapport.ImportQueued || got.Error != "disk full" || got.RetryAt.IsZero() {
		t.Errorf("got %+v, want it queued for another attempt, with the error", got)
	}
	for i := 2; i <= rapport.JobMaxAttempts; i++ {
		db.Now = func() time.Time { return time.Now().Add(time.Duration(i) * 5 * time.Minute) }
		job, err = db.ClaimJob(ctx, []string{rapport.JobImport}, time.Minute)
		must(t, err)
		must(t, db.FinishJob(ctx, job, "", fmt.Errorf("disk still full")))
	}
	db.Now = time.Now
	if got, _ = db.FindImport(ctx, f.sales, imp.ID); got.State != rapport.ImportFailed || got.Error != "disk still full" {
		t.Fatalf("got %+v, want it failed", got)
	}
	// Resumed, it goes on with a new job; finished, it is done.
	must(t, db.QueueImport(ctx, f.sales, imp.ID, mapping))
	job, err = db.ClaimJob(ctx, []string{rapport.JobImport}, time.Minute)
	must(t, err)
	if job == nil || job.Arg != imp.ID.String() || job.Attempts != 1 {
		t.Fatalf("got %+v, want a new job for the import", job)
	}
	must(t, db.FinishImport(ctx, f.sales, imp.ID))
	must(t, db.FinishJob(ctx, job, "done", nil))
	if got, _ = db.FindImport(ctx, f.sales, imp.ID); got.State != rapport.ImportDone || got.Share() != 1 || got.Error != "" || got.Read != 2 {
		t.Errorf("got %+v, want it done", got)
	}
	var rejects []string
	must(t, db.ImportRejects(ctx, f.admin, imp.ID, func(r rapport.Reject) error {
		rejects = append(rejects, fmt.Sprintf("%d %s %s %q", r.Line, r.Field, r.Message, r.Text))
		return nil
	}))
	if fmt.Sprint(rejects) != `[3 name column name: empty "x,"]` {
		t.Errorf("got rejects %q", rejects)
	}
	wantCode(t, db.DeleteImport(ctx, f.sales, imp.ID), rapport.ECONFLICT)
	must(t, db.DeleteImport(ctx, f.deals, other.ID))
	_, err = db.FindImport(ctx, f.admin, other.ID)
	wantCode(t, err, rapport.ENOTFOUND)
}
