package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
)

// Row is one record of an input file: its column names and values in the same order,
// the line it starts on, and the byte offset just past it in the (decompressed) input,
// from which an interrupted import resumes.
type Row struct {
	Line    int   // where the row starts, from 1
	EndLine int   // the lines up to End
	End     int64 // the byte just past the row
	Columns []string
	Values  []string
	Raw     []byte         // a JSON object as written; nil for CSV rows (see Text)
	index   map[string]int // column positions, shared by the rows of a CSV file
	comma   rune
}

// NewRow makes a row of the columns and values.
func NewRow(line int, columns, values []string) Row {
	return Row{Line: line, Columns: columns, Values: values}
}

// Get returns the value of a column and whether the row has it.
func (r *Row) Get(column string) (string, bool) {
	if r.index != nil {
		if i, ok := r.index[column]; ok && i < len(r.Values) {
			return r.Values[i], true
		}
		return "", false
	}
	for i, c := range r.Columns {
		if c == column && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return "", false
}

// indexOf maps column names to their positions.
func indexOf(columns []string) map[string]int {
	m := make(map[string]int, len(columns))
	for i, c := range columns {
		if _, dup := m[c]; !dup {
			m[c] = i
		}
	}
	return m
}

// JSON returns the row as a JSON object: the object read, for JSON input, or the
// columns and their values in file order.
func (r *Row) JSON() []byte {
	if len(r.Raw) > 0 && r.Raw[0] == '{' {
		return r.Raw
	}
	b := []byte{'{'}
	for i, c := range r.Columns {
		if i >= len(r.Values) {
			break
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, c)
		b = append(b, ':')
		b = appendJSONString(b, r.Values[i])
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// Text is the row as written, near enough to find it in the file: a JSON object as
// read, or a CSV record written again with the file's delimiter.
func (r *Row) Text() string {
	if r.Raw != nil {
		return string(r.Raw)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if r.comma != 0 {
		w.Comma = r.comma
	}
	w.Write(r.Values)
	w.Flush()
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// BOM starts a CSV file written for people: without it, Excel reads UTF-8 in the
// computer's legacy code page ("Müller" shows as "MÃ¼ller"). Rapport's own reader
// skips it, as most CSV readers do.
const BOM = "\ufeff"

// SpreadsheetSafe keeps a spreadsheet from reading a cell of a CSV file written for
// people as a formula: text that begins as one (=, +, -, @, a tab or a carriage
// return) gets a leading apostrophe, which spreadsheets show as text.
func SpreadsheetSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
