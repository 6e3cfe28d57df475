package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
)

func write(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestImportNDJSON(t *testing.T) {
	dir := t.TempDir()
	customers := write(t, dir, "customers.ndjson", `{"source_id":"C-1","kind":"organisation","name":"Acme"}
{"source_id":"C-2","kind":"robot","name":"R2"}
`)
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `{"customer_source":"erp","customer_source_id":"C-1","source_id":"I-%d","type":"order","channel":"web","occurred_at":"2024-01-01T00:00:00Z","summary":"Order %d"}`+"\n", i, i)
	}
	interactions := write(t, dir, "interactions.ndjson", b.String())
	rejects := filepath.Join(dir, "rejects.csv")

	code, out, errOut := rapportCmd(t, dir, "", "import", "customers", customers, "--source", "erp", "--rejects", rejects)
	if code != exitOK || !strings.Contains(out, "read 2, created 1, updated 0, linked 0, unchanged 0, rejected 1") || strings.Contains(errOut, "mapping") {
		t.Fatalf("got %d %q %q, want Rapport's own NDJSON read without a mapping", code, out, errOut)
	}
	records := readCSV(t, rejects)
	if len(records) != 2 || strings.Join(records[1][:3], "|") != "customers.ndjson|2|kind" || !strings.Contains(records[1][3], `"robot" is unknown`) || records[1][4] != `{"source_id":"C-2","kind":"robot","name":"R2"}` {
		t.Errorf("got rejects %q, want line 2 about kind with the row", records)
	}
	for _, want := range []string{"created 50, updated 0, linked 0, unchanged 0", "created 0, updated 0, linked 0, unchanged 50"} {
		code, out, errOut = rapportCmd(t, dir, "", "import", "interactions", interactions, "--source", "erp")
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("got %d %q %q, want %s", code, out, errOut, want)
		}
	}
	// Standard input works as before, without a mapping.
	code, out, errOut = rapportCmd(t, dir, `{"source_id":"C-3","kind":"organisation","name":"Initech"}`+"\n", "import", "customers", "-", "--source", "erp")
	if code != exitOK || !strings.Contains(out, "created 1") {
		t.Errorf("stdin: got %d %q %q", code, out, errOut)
	}
}

func TestImportCSVWithAMapping(t *testing.T) {
	dir := t.TempDir()
	people := write(t, dir, "people.csv", "Kundennummer;Vorname;Nachname;E-Mail;Telefon;Geburtsdatum;Land\n"+
		"K1;JÖRG;MÜLLER;j@example.de;030 1234567;24.12.1970;Deutschland\n"+
		"K2;Eva;Schmidt;eva@example;030 7654321;01.02.1980;Deutschland\n"+
		"K3;Max;Mustermann;max@example.de;call me;31.12.1990;Narnia\n")

	// --propose prints the mapping and imports nothing.
	code, out, errOut := rapportCmd(t, dir, "", "import", "customers", people, "--propose")
	if code != exitOK || !strings.Contains(out, "given_name: Vorname") || !strings.Contains(out, "dates: [DD.MM.YYYY]") {
		t.Fatalf("propose: got %d %q %q", code, out, errOut)
	}
	mapFile := write(t, dir, "people.yaml", out)
	if code, out, errOut := rapportCmd(t, dir, "", "import", "customers", people, "--source", "crm", "--map", mapFile); code != exitOK ||
		!strings.Contains(out, "read 3, created 1, updated 0, linked 0, unchanged 0, rejected 2") {
		t.Fatalf("got %d %q %q, want the proposed mapping to import one row and reject two", code, out, errOut)
	}
	// Without --map the same mapping is proposed, shown and used: nothing changes.
	rejects := filepath.Join(dir, "rejects.csv")
	code, out, errOut = rapportCmd(t, dir, "", "import", "customers", people, "--source", "crm", "--rejects", rejects)
	if code != exitOK || !strings.Contains(out, "unchanged 1, rejected 2") || !strings.Contains(errOut, "no --map given") || !strings.Contains(errOut, "family_name: Nachname") {
		t.Fatalf("got %d %q %q", code, out, errOut)
	}
	records := readCSV(t, rejects)
	if len(records) != 3 || records[1][1] != "3" || records[1][2] != "E-Mail" || records[2][1] != "4" || records[2][2] != "Land" ||
		records[2][4] != "K3;Max;Mustermann;max@example.de;call me;31.12.1990;Narnia" {
		t.Errorf("got rejects %q, want lines 3 (E-Mail) and 4 (Land) with their rows", records)
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"NoSource", []string{people}, exitUsage, "--source is required"},
		{"WrongRecord", []string{people, "--source", "crm", "--map", write(t, dir, "orders.yaml", "record: interactions\nfields: {source_id: a, customer_source_id: b}\n")}, exitUsage, "maps interactions, not customers"},
		{"BadMapping", []string{people, "--source", "crm", "--map", write(t, dir, "bad.yaml", "record: customers\nfields: {source_id: id, colour: x}\n")}, exitError, `bad.yaml: mapping: fields: there is no field "colour"`},
		{"BadDefault", []string{people, "--source", "crm", "--map", write(t, dir, "default.yaml", "record: customers\nfields: {source_id: Kundennummer}\ndefaults:\n  kind: person\n  relationships: cleint\n")}, exitError, `default.yaml: mapping: line 5: defaults.relationships: relationship "cleint" is unknown`},
		{"MissingColumn", []string{people, "--source", "crm", "--map", write(t, dir, "cols.yaml", "record: customers\nfields: {source_id: ID, given_name: Vorname}\n")}, exitError, `reads the columns "ID", which the file does not have`},
		{"MissingFile", []string{filepath.Join(dir, "missing.csv"), "--source", "crm"}, exitError, "no such file"},
		{"NoKey", []string{write(t, dir, "names.csv", "first,last\nAna,Silva\n"), "--source", "crm"}, exitError, "the one proposed from the file's columns (first, last) is incomplete: fields: source_id is required"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := rapportCmd(t, dir, "", append([]string{"import", "customers"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("got %d %q, want %d with %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}

func TestImportJSONArray(t *testing.T) {
	dir := t.TempDir()
	orgs := write(t, dir, "orgs.json", `[
  {"id": "O-1", "company": {"name": "Acme Ltd", "country": "United Kingdom"}, "contact": {"email": "info@acme.example"}},
  {"id": "O-2", "company": {"name": "Initech", "country": "US"}, "contact": {"email": "hello@initech.example"}}
]`)
	m := write(t, dir, "orgs.yaml", `record: customers
fields: {source_id: id, name: company.name, country: company.country, emails: contact.email}
defaults: {kind: organisation}
`)
	code, out, errOut := rapportCmd(t, dir, "", "import", "customers", orgs, "--source", "crm", "--map", m)
	if code != exitOK || !strings.Contains(out, "read 2, created 2") {
		t.Fatalf("got %d %q %q", code, out, errOut)
	}
}

func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// TestImportRejectsFileIsChecked: the rejects file is checked before anything is
// imported: it may not be an input, and its directory must exist.
func TestImportRejectsFileIsChecked(t *testing.T) {
	dir, db := migrated(t)
	db.Close()
	in := filepath.Join(t.TempDir(), "people.csv")
	const content = "id,email\n1,not-an-address\n"
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, rejects := range []string{in, filepath.Join(dir, "no", "such", "rejects.csv")} {
		code, out, errOut := rapportCmd(t, dir, "", "import", "customers", in, "--source", "crm", "--rejects", rejects)
		if code != exitUsage || !strings.Contains(errOut, "--rejects") || strings.Contains(out, "created") {
			t.Errorf("--rejects %s: got exit %d, %q %q; want a usage error before importing", rejects, code, out, errOut)
		}
	}
	if b, _ := os.ReadFile(in); string(b) != content {
		t.Errorf("the input now holds %q", b)
	}
}

// TestFailedImportLeavesNoUnfinishedImport: an import that fails before writing a row
// (a mapping that does not fit the file, a file that cannot be read) is not recorded
// as unfinished, to be listed and "resumed"; a finished import of the same file keeps
// its record. One that fails after writing rows resumes where it stopped.
func TestFailedImportLeavesNoUnfinishedImport(t *testing.T) {
	dir, db := migrated(t)
	defer db.Close()
	people := write(t, dir, "people.csv", "id,first,last,email\nC1,Ana,Silva,ana@example.com\nC2,Rui,Costa,rui@example.com\n")
	good := write(t, dir, "good.yaml", "record: customers\nfields: {source_id: id, given_name: first, family_name: last, emails: email}\ndefaults: {kind: person}\n")
	if code, out, errOut := rapportCmd(t, dir, "", "import", "customers", people, "--source", "crm", "--map", good); code != exitOK || !strings.Contains(out, "read 2, created 2") {
		t.Fatalf("got %d %q %q", code, out, errOut)
	}
	imports := func() string {
		t.Helper()
		list, _, err := db.FindImports(context.Background(), rapport.SystemScope("test"), rapport.ImportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, imp := range list {
			out = append(out, fmt.Sprintf("%s %s read %d", imp.Name, imp.State, imp.Read))
		}
		return strings.Join(out, "; ")
	}
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	missing := write(t, dir, "missing.yaml", "record: customers\nfields: {source_id: ID, given_name: first}\ndefaults: {kind: person}\n")
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"MissingColumn", "", []string{people, "--map", missing}, `reads the columns "ID"`},
		{"MissingColumnNewFile", "", []string{write(t, dir, "other.csv", "id,first\nC3,Eva\n"), "--map", missing}, `reads the columns "ID"`},
		{"UnmappedCSVOnStandardInput", "id,first\nC3,Eva\n", []string{"-"}, "standard input without --map"},
		{"DamagedGzip", "", []string{write(t, dir, "damaged.csv.gz", gz("id,first\nC3,Eva\n")[:20]), "--map", good}, "damaged.csv.gz: "},
		{"BrokenJSON", "", []string{write(t, dir, "broken.json", `[{"id": "C3", "first": }]`), "--map", good}, "the JSON is not valid"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := rapportCmd(t, dir, tt.stdin, append([]string{"import", "customers", "--source", "crm"}, tt.args...)...)
			if code == exitOK || !strings.Contains(errOut, tt.want) {
				t.Errorf("got %d %q, want a failure with %q", code, errOut, tt.want)
			}
			if got, want := imports(), "people.csv done read 2"; got != want {
				t.Errorf("got imports %q, want only %q", got, want)
			}
		})
	}

	// A file damaged past its first rows fails after writing them: its import is kept,
	// and the same command resumes it.
	var rows strings.Builder
	rows.WriteString("id,first,last,email\n")
	for i := range 5000 {
		fmt.Fprintf(&rows, "P%d,Person,Number %d,p%d@example.com\n", i, i, i)
	}
	zipped := gz(rows.String())
	cut := write(t, dir, "cut.csv.gz", zipped[:len(zipped)*3/4])
	args := []string{"import", "customers", cut, "--source", "crm", "--map", good, "--batch", "500"}
	code, _, errOut := rapportCmd(t, dir, "", args...)
	if code == exitOK || !strings.Contains(errOut, "ends unexpectedly") {
		t.Fatalf("got %d %q, want the damaged file refused where it breaks", code, errOut)
	}
	if got := imports(); !strings.HasPrefix(got, "cut.csv.gz unfinished read ") || strings.HasPrefix(got, "cut.csv.gz unfinished read 0;") {
		t.Fatalf("got imports %q, want cut.csv.gz unfinished with the rows written", got)
	}
	applied := regexp.MustCompile(`the \d+ rows before it were applied`).FindString(errOut)
	if _, _, errOut = rapportCmd(t, dir, "", args...); !strings.Contains(errOut, "cut.csv.gz: resuming after line ") {
		t.Errorf("got %q, want the import resumed", errOut)
	}
	// Resumed, it breaks at the same place, and counts the rows the first run applied.
	if applied == "" || !strings.Contains(errOut, applied) {
		t.Errorf("resumed: %q; want it to say, as the first run did, %q", errOut, applied)
	}
}

// TestProgressCountsRowsWritten: the share of the file an import shows is where the
// rows written end, not how far reading has run ahead.
func TestProgressCountsRowsWritten(t *testing.T) {
	in := &input{size: 1000}
	in.read.Store(1000) // the reader has reached the end
	var lines []string
	p := &progress{out: func(s string) { lines = append(lines, s) }, name: "orders.csv", in: in, start: time.Now().Add(-time.Second)}
	p.update(ingest.Progress{Rows: 40, Line: 41, End: 400})
	p.draw()
	if len(lines) != 1 || !strings.Contains(lines[0], "40 rows") || !strings.Contains(lines[0], "40% of the file") {
		t.Errorf("got %q, want 40 rows and 40%% of the file", lines)
	}
}
