package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputIsNotAnInput: a command whose output is one of its inputs, by the same
// name, another path or a link, refuses before it writes, and the input is whole;
// so does one given the same file for two outputs.
func TestOutputIsNotAnInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.csv")
	const content = "id,text,date\n1,late parcel,2024-01-05\n2,late courier,2024-02-05\n1,app crash,2024-03-05\n"
	if err := os.WriteFile(in, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.csv")
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "out.csv")
	for _, tt := range []struct {
		args []string
		flag string
	}{
		{[]string{"feedback", "themes", "--input", in, "--text-column", "text", "--id-column", "date", "--output", in}, "--output"},
		{[]string{"feedback", "themes", "--input", in, "--text-column", "text", "--id-column", "date", "--output", filepath.Join(dir, ".", "x", "..", "in.csv")}, "--output"},
		{[]string{"feedback", "themes", "--input", in, "--text-column", "text", "--id-column", "date", "--output", link}, "--output"},
		{[]string{"link", "--input", in, "--id-column", "date", "--pairs", in}, "--pairs"},
		{[]string{"link", "--input", in, "--id-column", "date", "--clusters", link}, "--clusters"},
		{[]string{"link", "--input", in, "--id-column", "date", "--model", in}, "--model"},
		{[]string{"link", "--input", in, "--id-column", "date", "--pairs", other, "--clusters", other}, "--clusters " + other + " is also the file of --pairs"},
		{[]string{"clv", "fit", "--transactions", in, "--customer-column", "id", "--date-column", "date", "--calibration-end", "2024-02-28", "--scores", in}, "--scores"},
	} {
		code, _, errOut := rapportCmd(t, dir, "", tt.args...)
		if code != exitUsage || !strings.Contains(errOut, tt.flag) {
			t.Errorf("%v: exit %d, %q; want a usage error naming %s", tt.args, code, errOut, tt.flag)
		}
		if b, _ := os.ReadFile(in); string(b) != content {
			t.Fatalf("%v: the input now holds %q", tt.args, b)
		}
		if _, err := os.Stat(other); err == nil {
			t.Fatalf("%v: wrote %s", tt.args, other)
		}
	}
}

// TestLinkRefusesAmbiguousIDs: link names records by id in what it writes, so an id
// that is empty or repeated, in one file or across two, is refused with its line.
func TestLinkRefusesAmbiguousIDs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	dup := write("dup.csv", "id,name\na,Ann Lee\nb,Bob Ray\na,Ann Leigh\n")
	empty := write("empty.csv", "id,name\na,Ann Lee\n ,Bob Ray\n")
	one := write("one.csv", "id,name\na,Ann Lee\n")
	other := write("other.csv", "id,name\nc,Cy Bo\na,Ann Lea\n")
	for _, tt := range []struct {
		inputs []string
		want   string
	}{
		{[]string{dup}, `dup.csv: line 4, column id: the id "a" is also on line 2; ids must be unique`},
		{[]string{empty}, "empty.csv: line 3, column id: the id is empty"},
		{[]string{one, other}, `other.csv: line 3, column id: the id "a" is also on line 2 of`},
	} {
		args := []string{"link", "--id-column", "id", "--clusters", filepath.Join(dir, "clusters.csv")}
		for _, in := range tt.inputs {
			args = append(args, "--input", in)
		}
		code, _, errOut := rapportCmd(t, dir, "", args...)
		if code != exitError || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %q; want %q", tt.inputs, code, errOut, tt.want)
		}
	}
}

// TestFailedCommandsLeaveNothing: a command that refuses its flags or input makes no
// database, no directory of attachments, nothing, here or in the data directory.
func TestFailedCommandsLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // serve --db sqlite: would put its attachments here
	data := filepath.Join(dir, "data")
	for _, tt := range []struct {
		stdin string
		args  []string
		code  int
	}{
		{"", []string{"serve", "--db", "sqlite:"}, exitUsage},
		{"", []string{"serve", "--smtp", "http://mail.example.com"}, exitUsage},
		{"", []string{"serve", "--mail-from", "nobody"}, exitUsage},
		{"", []string{"serve", "--log-level", "loud"}, exitUsage},
		{"", []string{"demo", "--customers", "1"}, exitUsage},
		{"", []string{"demo", "--base-url", "::"}, exitUsage},
		{"short\n", []string{"demo", "--password-stdin"}, exitError},
		{"", []string{"import", "customers", "nosuch.csv", "--source", "crm"}, exitError},
	} {
		code, _, errOut := rapportCmd(t, data, tt.stdin, tt.args...)
		if code != tt.code {
			t.Errorf("%v: exit %d, %q; want %d", tt.args, code, errOut, tt.code)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Fatalf("%v left %s behind", tt.args, entries[0].Name())
		}
	}
}
