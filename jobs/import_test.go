package jobs_test

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestImporter runs the import of an uploaded file as a job: as the user who uploaded
// it, through its mapping, in batches; a run that breaks off is resumed by the next
// attempt from the last batch written, to the totals of an unbroken run.
func TestImporter(t *testing.T) {
	for name, open := range map[string]sqldbtest.Opener{"sqlite": sqldbtest.SQLite, "postgres": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) { testImporter(t, open(t)) })
	}
}

// failingStore breaks off imports after a number of batches, as a crash would.
type failingStore struct {
	*sqldb.DB
	batches int // written before the failure; <0 for none
}

func (f *failingStore) ImportCustomers(ctx context.Context, s rapport.Scope, rows []rapport.IncomingCustomer, at *rapport.ImportBatch) (rapport.IngestResult, error) {
	if f.batches == 0 {
		return rapport.IngestResult{}, errors.New("the database went away")
	}
	f.batches--
	return f.DB.ImportCustomers(ctx, s, rows, at)
}

func testImporter(t *testing.T, db *sqldb.DB) {
	system := rapport.SystemScope("test")
	agent := &rapport.User{Email: "agent@example.com", Name: "Agent", Role: rapport.RoleAgent}
	if err := db.CreateUser(ctx, system, agent, ""); err != nil {
		t.Fatal(err)
	}
	scope := rapport.StaffScope(agent, "test", "")
	var file strings.Builder
	file.WriteString("id,first,last,email\n")
	for i := 1; i <= 250; i++ {
		if i == 100 {
			file.WriteString("C100,,,\n") // no name: rejected
			continue
		}
		fmt.Fprintf(&file, "C%d,Person,Number %d,p%d@example.com\n", i, i, i)
	}
	dir := t.TempDir()
	upload := func() *rapport.Import {
		t.Helper()
		name, size, err := ingest.SaveUpload(dir, strings.NewReader(gz(file.String())), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		imp := &rapport.Import{Source: "crm", Kind: "customers", File: name, Name: "people.csv.gz", Size: size}
		if err := db.CreateImport(ctx, scope, imp); err != nil {
			t.Fatal(err)
		}
		const m = "record: customers\nfields: {source_id: id, given_name: first, family_name: last, emails: email}\ndefaults: {kind: person}\n"
		if err := db.QueueImport(ctx, scope, imp.ID, m); err != nil {
			t.Fatal(err)
		}
		return imp
	}
	store := &failingStore{DB: db, batches: 2}
	importer := &jobs.Importer{Store: store, Uploads: dir, BatchSize: 40}
	w := &jobs.Worker{Queue: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Handlers: map[string]jobs.Handler{rapport.JobImport: importer.Run}}

	imp := upload()
	if ran, err := w.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("got %v, %v, want the import run", ran, err)
	}
	got, err := db.FindImport(ctx, scope, imp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != rapport.ImportQueued || got.Error != "the database went away" || got.Read != 80 || got.Line != 81 {
		t.Fatalf("got %+v, want it queued again after two batches, with the error", got)
	}
	store.batches = -1
	db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) } // past the retry's delay
	if ran, err := w.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("got %v, %v, want the import resumed", ran, err)
	}
	got, _ = db.FindImport(ctx, scope, imp.ID)
	if got.State != rapport.ImportDone || got.Read != 250 || got.Created != 249 || got.Rejected != 1 || got.Share() != 1 {
		t.Fatalf("got %+v, want 250 read (none twice), 249 created, 1 rejected, done", got)
	}
	if n, _ := db.CountCustomers(ctx, system, rapport.CustomerFilter{}); n != 249 {
		t.Errorf("got %d customers, want 249", n)
	}
	var rejects []string
	db.ImportRejects(ctx, scope, imp.ID, func(r rapport.Reject) error { rejects = append(rejects, fmt.Sprint(r.Line, " ", r.Text)); return nil })
	if fmt.Sprint(rejects) != "[101 C100,,,]" {
		t.Errorf("got rejects %q, want line 101 as written", rejects)
	}
	if path, _ := ingest.UploadPath(dir, got); fileExists(path) {
		t.Error("the uploaded file is kept after its import is done")
	}
	jobList, _ := db.FindJobs(ctx, system, rapport.JobImport, 1)
	if want := "people.csv.gz: read 250, created 249, updated 0, linked 0, unchanged 0, rejected 1"; jobList[0].Result != want {
		t.Errorf("got the result %q, want %q", jobList[0].Result, want)
	}

	// The same file again changes nothing; an import of a user since deactivated fails.
	again := upload()
	w.RunOnce(ctx)
	if got, _ = db.FindImport(ctx, scope, again.ID); got.State != rapport.ImportDone || got.Unchanged != 249 || got.Created+got.Updated != 0 {
		t.Errorf("got %+v, want every row unchanged", got)
	}
	third := upload()
	if _, err := db.UpdateUser(ctx, system, agent.ID, rapport.UserUpdate{Active: new(false)}); err != nil {
		t.Fatal(err)
	}
	w.RunOnce(ctx)
	if got, _ = db.FindImport(ctx, system, third.ID); got.State != rapport.ImportQueued || !strings.Contains(got.Error, "no longer active") {
		t.Errorf("got %+v, want the attempt refused: its user is inactive", got)
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func gz(s string) string {
	var b strings.Builder
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}
