package ingest_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

func gzipped(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

func TestSaveUpload(t *testing.T) {
	const csv = "id,name\n1,Ana\n"
	for _, tt := range []struct {
		name, body string
		size       int64  // stored, decompressed
		code       string // of the error, "" for none
		message    string // a part of its message
	}{
		{"Plain", csv, int64(len(csv)), "", ""},
		{"Gzipped", gzipped(csv), int64(len(csv)), "", ""},
		{"AtTheLimit", strings.Repeat("x", 64), 64, "", ""},
		{"OverTheLimit", strings.Repeat("x", 65), 0, rapport.ETOOLARGE, "limit of 64 bytes"},
		{"OverOnceDecompressed", gzipped(strings.Repeat("x", 100)), 0, rapport.ETOOLARGE, "64 bytes once decompressed"},
		{"Empty", "", 0, rapport.EINVALID, "empty"},
		{"DamagedGzip", gzipped(csv)[:20], 0, rapport.EINVALID, "damaged"},
		{"UTF16", "\xff\xfei\x00d\x00\n\x00", 0, rapport.EINVALID, "UTF-16"},
		{"Spreadsheet", "PK\x03\x04 and the rest of a zip", 0, rapport.EINVALID, "spreadsheet"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file, size, err := ingest.SaveUpload(dir, strings.NewReader(tt.body), 64)
			left, _ := filepath.Glob(filepath.Join(dir, "*"))
			if tt.code != "" {
				var e *rapport.Error
				if rapport.ErrorCode(err) != tt.code || !strings.Contains(rapport.ErrorMessage(err), tt.message) || !asError(err, &e) || e.Field != "file" {
					t.Fatalf("got %v, want a %s error about the file saying %q", err, tt.code, tt.message)
				}
				if len(left) != 0 {
					t.Errorf("a refused upload left %v behind", left)
				}
				return
			}
			if err != nil || size != tt.size || !strings.HasPrefix(file, rapport.UploadPrefix) {
				t.Fatalf("got %q, %d, %v, want an upload of %d bytes", file, size, err, tt.size)
			}
			path, err := ingest.UploadPath(dir, &rapport.Import{File: file})
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(path); err != nil || int64(len(b)) != size || len(left) != 1 {
				t.Errorf("got %d bytes (%v) and the files %v, want the file alone, decompressed", len(b), err, left)
			}
		})
	}
	if _, err := ingest.UploadPath(t.TempDir(), &rapport.Import{File: "upload:../../etc/passwd"}); err == nil {
		t.Error("an upload's path left the upload directory")
	}
}

func asError(err error, target **rapport.Error) bool {
	e, ok := err.(*rapport.Error)
	*target = e
	return ok
}

func TestPreview(t *testing.T) {
	file := "Id;Name;Email;Phone;Born\n" +
		"1;ANA SILVA;ana@example.pt;912 345 678;1980-02-01\n" +
		"2;Rui;not an e-mail;;1980-31-12\n" +
		"3;Eva;eva@example.pt;ring me;\n" +
		"4;Too;many;fields;here;x\n" +
		"5;<script>alert(1)</script>;x@example.pt;;\n"
	m, err := mapping.Parse([]byte(`record: customers
phone_region: PT
dates: [YYYY-MM-DD]
fields: {source_id: Id, name: Name, emails: Email, phones: Phone, date_of_birth: Born}
defaults: {kind: person}
`))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tabular.Open(strings.NewReader(file), tabular.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ingest.Preview(rows, m, mapping.Customers, "crm", 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("got %d rows, want the 4 asked for", len(got))
	}
	var lines []string
	for _, p := range got {
		line := fmt.Sprintf("%d", p.Line)
		if p.Customer != nil {
			line += " " + p.Customer.Name + " " + fmt.Sprint(len(p.Customer.Phones))
		}
		for _, pr := range p.Problems {
			line += " [" + pr.Field + ": " + pr.Reason + "]"
		}
		line += fmt.Sprint(" ", len(p.Warnings))
		lines = append(lines, line)
	}
	for i, want := range []string{
		"2 Ana Silva 1 0",
		`3 Rui 0 [Born: column Born: "1980-31-12"`,
		"4 Eva 0 1", // the phone is kept as an attribute, with a warning
		"5 [: the row has 6 fields where the header has 5] 0",
	} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("row %d: got %q, want it to start %q", i, lines[i], want)
		}
	}
	if len(got[2].Warnings) != 1 || !strings.Contains(got[2].Warnings[0], "ring me") {
		t.Errorf("got warnings %q, want one about the phone", got[2].Warnings)
	}
}
