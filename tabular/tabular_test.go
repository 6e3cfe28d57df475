package tabular

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestDelimitersAndQuotes(t *testing.T) {
	for name, in := range map[string]string{
		"comma":           "id,name,city\n1,\"Silva, Ana\",Porto\n",
		"semicolon":       "id;name;city\n1;Silva, Ana;Porto\n",
		"tab":             "id\tname\tcity\n1\tSilva, Ana\tPorto\n",
		"pipe":            "id|name|city\n1|Silva, Ana|Porto\n",
		"comma and space": "id, name, city\n1, \"Silva, Ana\", Porto\n",
		"byte-order mark": "\ufeffid,name,city\r\n1,\"Silva, Ana\",Porto\r\n",
	} {
		header, rows, err := ReadAll(strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.Join(header, "|") != "id|name|city" || len(rows) != 1 || rows[0][1] != "Silva, Ana" || rows[0][2] != "Porto" {
			t.Errorf("%s: header %q rows %q", name, header, rows)
		}
	}
}

func TestLatin1(t *testing.T) {
	in := []byte("id,name\n1,M\xfcller\n2,Jos\xe9\n") // ISO-8859-1
	rd, err := NewReader(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !rd.Latin1 {
		t.Error("not detected as Latin-1")
	}
	var names []string
	for {
		row, _, err := rd.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, row[1])
	}
	if strings.Join(names, ",") != "Müller,José" {
		t.Errorf("names %q", names)
	}
}

func TestGzip(t *testing.T) {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	gz.Write([]byte("id,name\n1,Ana\n"))
	gz.Close()
	_, rows, err := ReadAll(&buf)
	if err != nil || len(rows) != 1 || rows[0][1] != "Ana" {
		t.Errorf("rows %q, error %v", rows, err)
	}
}

func TestErrorsNameTheLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "empty",
		"id,,name\n":                    "line 1: column 2 has no name",
		"id,name\n1,Ana\n2,Bob,extra\n": "line 3: the row has 3 fields where the header has 2",
		"id,name\n1,Ana\n2,\"Bob\n":     "line 3",
		"id,name\n1,Ana\n2,Bo\"b\"\n":   "line 3: byte 5 of the line: a quote out of place",
	} {
		_, _, err := ReadAll(strings.NewReader(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one that says %q", in, err, want)
		}
	}
}

func TestLineNumbers(t *testing.T) {
	rd, err := NewReader(strings.NewReader("id,note\n1,\"two\nlines\"\n2,one\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{2, 4} {
		_, line, err := rd.Read()
		if err != nil || line != want {
			t.Errorf("line %d (%v), want %d", line, err, want)
		}
	}
}

// FuzzReader checks that no input makes the reader panic or return rows wider or
// narrower than the header.
func FuzzReader(f *testing.F) {
	for _, seed := range []string{"id,name\n1,Ana\n", "a;b\n\"x;\"\"y\";z\n", "\ufeffa\tb\n1\t2\n", "a,b\n1,M\xfcller\n", ""} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		for range 1000 {
			row, _, err := rd.Read()
			if err != nil {
				return
			}
			if len(row) != len(rd.Header) {
				t.Fatalf("row of %d fields under a header of %d", len(row), len(rd.Header))
			}
		}
	})
}

// TestSpreadsheetSafe: cells that a spreadsheet would run as formulas read as text.
func TestSpreadsheetSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://evil.example\")": "'=HYPERLINK(\"http://evil.example\")",
		"+2+5":                                "'+2+5",
		"-1":                                  "'-1",
		"@SUM(A1)":                            "'@SUM(A1)",
		"\tx":                                 "'\tx",
		"\rx":                                 "'\rx",
		"Ana Silva":                           "Ana Silva",
		"":                                    "",
		"a=b":                                 "a=b",
	} {
		if got := SpreadsheetSafe(in); got != want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRepeatedColumnNames: a repeated column name gets a number, so that a mapping can
// name each column and none is lost.
func TestRepeatedColumnNames(t *testing.T) {
	rows, err := Open(strings.NewReader("id,email,email,email_2,email\n1,a@x.example,b@x.example,c@x.example,d@x.example\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"id", "email", "email_3", "email_2", "email_4"}; !slices.Equal(rows.Header, want) {
		t.Errorf("got the header %q, want %q", rows.Header, want)
	}
}
