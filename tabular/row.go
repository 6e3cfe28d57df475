package tabular

import "encoding/json"

// Row is one record of an input file: its column names and values in the same order,
// the line it starts on, and the byte offset just past it in the (decompressed) input,
// from which an interrupted import resumes.
type Row struct {
	Line    int
	End     int64
	Columns []string
	Values  []string
	Raw     []byte         // the record as written: a CSV line or a JSON object
	index   map[string]int // column positions, shared by the rows of a CSV file
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
