package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFeedbackThemes(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "feedback.csv")
	var b strings.Builder
	b.WriteString("ref,channel,comment\n")
	kinds := []string{
		"I was charged twice for order %d, please refund the payment",
		"The app crashes at login again (%d times), password screen freezes",
		"Parcel %d arrived late and damaged, the courier tracking was wrong",
	}
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "F%03d,email,\"%s\"\n", i, fmt.Sprintf(kinds[i%3], i))
	}
	b.WriteString("F900,phone,\"\"\nF901,web,\"<script>alert('x')</script>\"\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	out := filepath.Join(dir, "themes.csv")
	code, stdout, stderr := rapportCmd(t, dir, "", "feedback", "themes", "--input", in, "--text-column", "comment", "--id-column", "ref", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "62 items in 3 themes") {
		t.Errorf("stdout: %s; want 62 items in 3 themes", stdout)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 63 || strings.Join(rows[0], ",") != "id,theme_id,theme_label" {
		t.Fatalf("the output has %d rows, header %v", len(rows), rows[0])
	}
	themeOf := map[int]string{}
	for i, r := range rows[1:61] {
		if r[0] != fmt.Sprintf("F%03d", i) {
			t.Fatalf("row %d is %v; want the input's order", i+1, r)
		}
		if prev, ok := themeOf[i%3]; ok && prev != r[1] {
			t.Errorf("%s is in theme %s, the others of its kind in %s", r[0], r[1], prev)
		}
		themeOf[i%3] = r[1]
		if r[1] == "0" || r[2] == "" {
			t.Errorf("%s: theme %q labelled %q", r[0], r[1], r[2])
		}
	}
	if themeOf[0] == themeOf[1] || themeOf[1] == themeOf[2] || themeOf[0] == themeOf[2] {
		t.Errorf("the three kinds are in themes %v; want three", themeOf)
	}
	for _, r := range rows[61:] {
		if r[1] != "0" || r[2] != "" {
			t.Errorf("%s has no words to compare but is in theme %q %q", r[0], r[1], r[2])
		}
	}

	// Bad input: usage errors name the flag; bad rows their line and column.
	if code, _, stderr := rapportCmd(t, dir, "", "feedback", "themes", "--input", in); code != 2 || !strings.Contains(stderr, "--text-column") {
		t.Errorf("got exit %d, %q; want a usage error", code, stderr)
	}
	if code, _, stderr := rapportCmd(t, dir, "", "feedback", "cluster"); code != 2 || !strings.Contains(stderr, "feedback themes") {
		t.Errorf("got exit %d, %q; want a usage error", code, stderr)
	}
	code, _, stderr = rapportCmd(t, dir, "", "feedback", "themes", "--input", in, "--text-column", "text", "--id-column", "ref", "--output", out)
	if code != 1 || !strings.Contains(stderr, `line 1: the header has no column "text"; its columns are ref, channel, comment`) {
		t.Errorf("got exit %d, %q; want the missing column named", code, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("ref,comment\nA,late parcel\n ,late courier\n"), 0o644)
	code, _, stderr = rapportCmd(t, dir, "", "feedback", "themes", "--input", bad, "--text-column", "comment", "--id-column", "ref", "--output", out)
	if code != 1 || !strings.Contains(stderr, "line 3, column ref: the id is empty") {
		t.Errorf("got exit %d, %q; want the empty id named by line and column", code, stderr)
	}
	os.WriteFile(bad, []byte("ref,comment\nA,late parcel\nA,late courier\n"), 0o644)
	code, _, stderr = rapportCmd(t, dir, "", "feedback", "themes", "--input", bad, "--text-column", "2", "--id-column", "1", "--output", out)
	if code != 1 || !strings.Contains(stderr, `line 3, column 1: the id "A" is also on line 2`) {
		t.Errorf("got exit %d, %q; want the duplicate id named", code, stderr)
	}
}

// TestFeedbackThemesNullText: in NDJSON, a text that is null or missing is an empty
// text, in theme 0, as docs/themes.md says; a text field no item has is a mistake.
func TestFeedbackThemesNullText(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "feedback.ndjson"), filepath.Join(dir, "themes.csv")
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "{\"ref\":\"F%d\",\"comment\":\"parcel %d arrived late and damaged by the courier\"}\n", i, i)
	}
	b.WriteString(`{"ref":"N1","comment":null}` + "\n" + `{"ref":"N2"}` + "\n")
	os.WriteFile(in, []byte(b.String()), 0o644)
	code, stdout, stderr := rapportCmd(t, dir, "", "feedback", "themes", "--input", in, "--text-column", "comment", "--id-column", "ref", "--output", out)
	if code != 0 || !strings.Contains(stdout, "32 items") {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	written, _ := os.ReadFile(out)
	if !strings.HasSuffix(string(written), "N1,0,\nN2,0,\n") {
		t.Errorf("the output ends %q; want N1 and N2 in theme 0", written[max(0, len(written)-40):])
	}
	code, _, stderr = rapportCmd(t, dir, "", "feedback", "themes", "--input", in, "--text-column", "text", "--id-column", "ref", "--output", out)
	if code != 1 || !strings.Contains(stderr, `no item has the field "text"`) {
		t.Errorf("a text field no item has: exit %d, %q", code, stderr)
	}
}
