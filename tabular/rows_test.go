package tabular

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// readAll reads every row, and the row errors, as "line:values" strings.
func readAll(t *testing.T, data []byte, opt Options) (rows []Row, got []string) {
	t.Helper()
	rs, err := Open(bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	for {
		r, err := rs.Read()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return rows, got
		case errors.As(err, &re):
			got = append(got, fmt.Sprintf("%d:error %v", re.Line, re.Err))
			continue
		case err != nil:
			return rows, append(got, "fatal "+err.Error())
		}
		rows = append(rows, r)
		var kv []string
		for i, c := range r.Columns {
			kv = append(kv, c+"="+r.Values[i])
		}
		got = append(got, fmt.Sprintf("%d:%s", r.Line, strings.Join(kv, ",")))
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestFormats(t *testing.T) {
	want := "2:id=1,name=Ana|3:id=2,name=Bo"
	for _, tt := range []struct {
		name string
		data []byte
		fmt  Format
	}{
		{"CSV", []byte("id,name\n1,Ana\n2,Bo\n"), CSV},
		{"NDJSON", []byte("\n{\"id\":1,\"name\":\"Ana\"}\n{\"id\":2,\"name\":\"Bo\"}"), NDJSON},
		{"JSON", []byte("[\n{\"id\": 1, \"name\": \"Ana\"},\n{\"id\": 2,\n \"name\": \"Bo\"}\n]\n"), JSON},
		{"GzipJSON", gz("[\n{\"id\": 1, \"name\": \"Ana\"},\n{\"id\": 2,\n \"name\": \"Bo\"}\n]"), JSON},
		{"BOM", []byte("\ufeff[\n{\"id\": 1, \"name\": \"Ana\"}, {\"id\": 2, \"name\": \"Bo\"}]"), JSON},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := Open(bytes.NewReader(tt.data), Options{})
			if err != nil || rs.Format != tt.fmt {
				t.Fatalf("got %v %v, want format %s", rs, err, tt.fmt)
			}
			_, got := readAll(t, tt.data, Options{})
			w := want
			if tt.name == "BOM" {
				w = "2:id=1,name=Ana|2:id=2,name=Bo"
			}
			if strings.Join(got, "|") != w {
				t.Errorf("got %q, want %q", got, w)
			}
		})
	}
}

func TestFlatten(t *testing.T) {
	_, got := readAll(t, []byte(`{"id":"7","address":{"city":"Porto","geo":{"lat":41.1}},"emails":["a@x.pt", "b@x.pt"],"vip":true,"fax":null,"n":[{"a":[1]}]}`), Options{})
	want := `1:id=7,address.city=Porto,address.geo.lat=41.1,emails=["a@x.pt", "b@x.pt"],vip=true,n=[{"a":[1]}]`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestLatin1Everywhere(t *testing.T) {
	for _, data := range []string{"name\nM\xfcller\n", "{\"name\":\"M\xfcller\"}\n", "[{\"name\":\"M\xfcller\"}]"} {
		_, got := readAll(t, []byte(data), Options{})
		if len(got) != 1 || !strings.HasSuffix(got[0], "name=Müller") {
			t.Errorf("%q: got %q, want Müller", data, got)
		}
	}
}

func TestRowErrors(t *testing.T) {
	for _, tt := range []struct{ name, data, want string }{
		{"CSV", "id,name\n1,Ana\n2,Bo,x\n3,\"C\"y\n4,Di\n", `2:id=1,name=Ana|3:error the row has 3 fields where the header has 2|4:error byte 5 of the line: a quote out of place (a field with quotes in it must be quoted, and its quotes doubled)|5:id=4,name=Di`},
		{"NDJSON", "{\"id\":1}\n{\"id\":\n[1]\n{\"id\":1}{\"id\":2}\n\n{\"id\":5}\n", `1:id=1|2:error the JSON ends too early: an object or a string is not closed|3:error expected a JSON object {…}|4:error a line holds one JSON object; this one holds more|6:id=5`},
		{"NDJSONTooLong", "{\"id\":1}\n{\"x\":\"" + strings.Repeat("x", 100) + "\"}\n{\"id\":3}\n", `1:id=1|2:error the line is over 0 KiB; one record per line, each under that size|3:id=3`},
		{"JSONSyntax", "[{\"id\":1},\n{\"id\":2,}\n]", `1:id=1|fatal line 2: the JSON is not valid: invalid character '}' looking for beginning of object key string`},
		{"JSONNotObject", "[{\"id\":1},\n2]", `1:id=1|2:error expected a JSON object {…}`},
		{"JSONTrailing", "[{\"id\":1}] x", `1:id=1|fatal line 1: there is more after the array's closing ]`},
		{"JSONUnclosed", "[{\"id\":1},\n", `1:id=1|fatal line 2: the file ends inside the array: an object or the array is not closed`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{}
			if tt.name == "NDJSONTooLong" {
				opt.MaxLine = 50
			}
			_, got := readAll(t, []byte(tt.data), opt)
			if strings.Join(got, "|") != tt.want {
				t.Errorf("got  %q\nwant %q", strings.Join(got, "|"), tt.want)
			}
		})
	}
	if _, err := Open(strings.NewReader(`{"a":1}`), Options{Format: JSON}); err == nil || !strings.Contains(err.Error(), "array of objects") {
		t.Errorf("got %v, want a JSON file that is no array refused", err)
	}
}

// TestResume reads a file, then again from after each row, and wants the same rows
// with the same line numbers: from a seekable file, from a compressed one, and from
// one over the size that is read rather than sought.
func TestResume(t *testing.T) {
	var csvText, ndjson, jsonText strings.Builder
	csvText.WriteString("id,note\n")
	jsonText.WriteString("[\n")
	for i := range 3000 {
		fmt.Fprintf(&csvText, "%d,\"two\nlines %s\"\n", i, strings.Repeat("x", i%50))
		fmt.Fprintf(&ndjson, "{\"id\":%d,\"note\":\"%s\"}\n", i, strings.Repeat("é", i%50))
		if i > 0 {
			jsonText.WriteString(",\n  ")
		}
		fmt.Fprintf(&jsonText, "{\"id\": %d,\n \"note\": \"%s\"}", i, strings.Repeat("x", i%50))
	}
	jsonText.WriteString("\n]\n")
	for name, data := range map[string][]byte{
		"CSV": []byte(csvText.String()), "NDJSON": []byte(ndjson.String()), "JSON": []byte(jsonText.String()),
		"GzipCSV": gz(csvText.String()), "GzipJSON": gz(jsonText.String()),
	} {
		t.Run(name, func(t *testing.T) {
			all, want := readAll(t, data, Options{})
			if len(all) != 3000 {
				t.Fatalf("got %d rows, want 3000", len(all))
			}
			for _, k := range []int{0, 1, 1500, 2998, 2999} {
				_, got := readAll(t, data, Options{Offset: all[k].End, Line: all[k].EndLine})
				if strings.Join(got, "|") != strings.Join(want[k+1:], "|") {
					t.Fatalf("resumed after row %d: got %d rows starting %q, want %d starting %q", k, len(got), first(got), len(want)-k-1, first(want[k+1:]))
				}
			}
		})
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]Format{"a.csv": CSV, "A.TSV.GZ": CSV, "b.ndjson": NDJSON, "b.jsonl.gz": NDJSON, "c.json": JSON, "d.xlsx": "", "-": ""} {
		if got := FormatOf(name); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// fuzzRows checks what any input may do to a reader: no panic, rows that end further
// on each time and within the input, and a read resumed after the first row that
// finds the same rows as the whole read.
func fuzzRows(t *testing.T, data []byte, format Format) {
	rs, err := Open(bytes.NewReader(data), Options{Format: format})
	if err != nil {
		return
	}
	var rows []Row
	for range 1000 {
		r, err := rs.Read()
		var re *RowError
		if errors.As(err, &re) {
			continue
		}
		if err != nil {
			break
		}
		if len(r.Columns) != len(r.Values) {
			t.Fatalf("row of %d columns and %d values", len(r.Columns), len(r.Values))
		}
		if len(rows) > 0 && r.End <= rows[len(rows)-1].End || r.End > int64(len(data)) {
			t.Fatalf("row ends at %d after one ending at %v, in %d bytes", r.End, rows, len(data))
		}
		rows = append(rows, r)
	}
	if len(rows) < 2 || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return
	}
	again, err := Open(bytes.NewReader(data), Options{Format: format, Offset: rows[0].End, Line: rows[0].EndLine})
	if err != nil {
		t.Fatalf("resume after row 1: %v", err)
	}
	r, err := again.Read()
	if err != nil && !errors.As(err, new(*RowError)) {
		t.Fatalf("resume after row 1: %v", err)
	}
	if err == nil && (r.Line != rows[1].Line || r.End != rows[1].End || strings.Join(r.Values, "\x00") != strings.Join(rows[1].Values, "\x00")) {
		t.Fatalf("resumed, got row %+v, want %+v", r, rows[1])
	}
}

func FuzzNDJSON(f *testing.F) {
	for _, seed := range []string{"{\"a\":1}\n{\"b\":{\"c\":[1,2]}}\n", "\n\n{\"a\":\"\xfc\"}", "{\"a\":1}{", "[1]\n{\"a\":null}\r\n"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRows(t, data, NDJSON) })
}

func FuzzJSONArray(f *testing.F) {
	for _, seed := range []string{"[{\"a\":1},\n{\"b\":{\"c\":[1,2]}}]", "\ufeff [ ]", "[{\"a\":1},{", "[{\"a\":\"\xfc\"}, 1, {\"x\":true}]"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRows(t, data, JSON) })
}

// TestMixedEncodings: a file put together from a UTF-8 export and a Latin-1 one keeps
// the UTF-8 text as it is and reads only the rest as Latin-1.
func TestMixedEncodings(t *testing.T) {
	for _, data := range []string{"name\nZoë Ünal\nJos\xe9\n", "{\"name\":\"Zoë Ünal\"}\n{\"name\":\"Jos\xe9\"}\n", "[{\"name\":\"Zoë Ünal\"},\n{\"name\":\"Jos\xe9\"}]"} {
		_, got := readAll(t, []byte(data), Options{})
		if len(got) != 2 || !strings.HasSuffix(got[0], "name=Zoë Ünal") || !strings.HasSuffix(got[1], "name=José") {
			t.Errorf("%q: got %q, want Zoë Ünal and José", data, got)
		}
	}
}

// TestStrayQuote: a quote opened and never closed, or closed lines later by another
// stray one, rejects its own line only; the rows after it are read.
func TestStrayQuote(t *testing.T) {
	const unclosed = "a quote opened on this line is not closed where it should be (a field with quotes in it must be quoted, and its quotes doubled); the lines after it are read as rows of their own"
	for _, tt := range []struct{ name, data, want string }{
		{"NeverClosed", "id,name\n1,Ana\n2,\"Bo\n\n3,Cy\n4,Di\n",
			`2:id=1,name=Ana|3:error ` + unclosed + `|5:id=3,name=Cy|6:id=4,name=Di`},
		{"ClosedLater", "id,name\n1,\"Ana\n2,Bo\n3,Cy\",x\n4,Di\n",
			`2:error the row has 3 fields where the header has 2: a quote opened on this line joined it to the 2 lines after it; they are read as rows of their own|3:id=2,name=Bo|4:error byte 5 of the line: a quote out of place (a field with quotes in it must be quoted, and its quotes doubled)|5:id=4,name=Di`},
		{"AfterBlankLines", "id,name\n1,Ana\n\n\n2,\"Bo\n3,Cy\n",
			`2:id=1,name=Ana|5:error ` + unclosed + `|6:id=3,name=Cy`},
		{"OverTheLimit", "id,name\n1,\"" + strings.Repeat("a", 10000) + "\n2,Bo\n3," + strings.Repeat("b", 10000) + "\n4,Di",
			`2:error the row is over 200 bytes: a quote opened on this line and not closed, or a field too long|3:id=2,name=Bo|4:error the row is over 200 bytes: a quote opened on this line and not closed, or a field too long|5:id=4,name=Di`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, got := readAll(t, []byte(tt.data), Options{MaxRecord: 200})
			if strings.Join(got, "|") != tt.want {
				t.Errorf("got  %q\nwant %q", strings.Join(got, "|"), tt.want)
			}
		})
	}
}

// TestRejectedRowsAsWritten: a CSV row that cannot be read is kept as written, for the
// rejects file.
func TestRejectedRowsAsWritten(t *testing.T) {
	rs, err := Open(strings.NewReader("id,name\n1,=HYPERLINK(\"x\")\n2,Bo,extra\n3,\"C\n4,M\xfcller\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		_, err := rs.Read()
		var re *RowError
		if !errors.As(err, &re) {
			break
		}
		got = append(got, fmt.Sprintf("%d:%s", re.Line, re.Raw))
	}
	if want := `2:1,=HYPERLINK("x")|3:2,Bo,extra|4:3,"C`; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestCarriageReturnLines: a file whose lines end with a carriage return alone (old
// Macintosh programs) has rows, and resumes where it stopped.
func TestCarriageReturnLines(t *testing.T) {
	data := []byte("id,note\r1,Ana\r2,\"two\rlines\"\r\r3,Cy")
	all, got := readAll(t, data, Options{})
	if want := "2:id=1,note=Ana|3:id=2,note=two\nlines|6:id=3,note=Cy"; strings.Join(got, "|") != want {
		t.Fatalf("got %q, want %q", strings.Join(got, "|"), want)
	}
	if _, got := readAll(t, data, Options{Offset: all[0].End, Line: all[0].EndLine}); strings.Join(got, "|") != "3:id=2,note=two\nlines|6:id=3,note=Cy" {
		t.Errorf("resumed: got %q", got)
	}
}

// TestNotText: UTF-16 text and spreadsheets are refused with the reason, not read as
// garbage.
func TestNotText(t *testing.T) {
	for name, data := range map[string][]byte{
		"UTF16":   append([]byte{0xff, 0xfe}, []byte("i\x00d\x00,\x00n\x00\n\x001\x00,\x00A\x00\n\x00")...),
		"UTF16BE": []byte("\x00i\x00d\x00\n\x001\x00\n"),
		"XLSX":    []byte("PK\x03\x04\x14\x00\x06\x00"),
	} {
		_, err := Open(bytes.NewReader(data), Options{})
		if err == nil || !strings.Contains(err.Error(), "save it as CSV (UTF-8)") {
			t.Errorf("%s: got %v, want the file refused", name, err)
		}
		if _, err := Open(bytes.NewReader(gz(string(data))), Options{}); err == nil {
			t.Errorf("%s gzipped: read", name)
		}
	}
}
