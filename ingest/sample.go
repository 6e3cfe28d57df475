package ingest

import (
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// SampleRows is how many rows a mapping is proposed from.
const SampleRows = 200

// Sample reads the first rows of a file: its format, its columns (for JSON, the fields
// of the objects read, in the order they appear) and their values. A read that breaks
// off after some rows, as a sample cut from a larger input does, ends the sample.
func Sample(r io.Reader, format tabular.Format) (tabular.Format, []string, [][]string, error) {
	rows, err := tabular.Open(r, tabular.Options{Format: format})
	if err != nil {
		return "", nil, nil, err
	}
	header := rows.Header
	var read []tabular.Row
	for len(read) < SampleRows {
		row, err := rows.Read()
		if errors.As(err, new(*tabular.RowError)) {
			continue
		} else if err != nil {
			if len(read) == 0 && !errors.Is(err, io.EOF) {
				return "", nil, nil, err
			}
			break
		}
		read = append(read, row)
		if rows.Header == nil {
			for _, c := range row.Columns {
				if !slices.Contains(header, c) {
					header = append(header, c)
				}
			}
		}
	}
	sample := make([][]string, len(read))
	for i, row := range read {
		sample[i] = make([]string, len(header))
		for j, c := range header {
			sample[i][j], _ = row.Get(c)
		}
	}
	return rows.Format, header, sample, nil
}

// ChooseMapping returns nil for JSON records in Rapport's own shape, the API's, which
// need no mapping, and otherwise a mapping of record (mapping.Customers or
// mapping.Interactions) proposed from the sample, and its YAML. A proposal that lacks
// what a mapping needs is an error that shows it, to be completed and sent back.
func ChooseMapping(record string, format tabular.Format, header []string, sample [][]string) (*mapping.Mapping, []byte, error) {
	if format != tabular.CSV && nativeShape(record, header) {
		return nil, nil, nil
	}
	text := mapping.Propose(record, header, sample).Marshal()
	m, err := mapping.Parse(text)
	if err != nil {
		return nil, text, rapport.Errorf(rapport.EINVALID, "no mapping was given, and the one proposed from the file's columns (%s) is incomplete: %v",
			strings.Join(header, ", "), strings.TrimPrefix(err.Error(), "mapping: "))
	}
	return m, text, nil
}

// nativeShape reports whether JSON records with these fields are in Rapport's own
// shape.
func nativeShape(record string, columns []string) bool {
	var v any = rapport.IncomingCustomer{}
	if record == mapping.Interactions {
		v = rapport.IncomingInteraction{}
	}
	fields := jsonFields(reflect.TypeOf(v))
	for _, c := range columns {
		top, _, _ := strings.Cut(c, ".")
		if !fields[top] {
			return false
		}
	}
	return len(columns) > 0
}

// jsonFields returns the JSON names of a struct's fields, embedded ones included.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Anonymous:
			for k := range jsonFields(f.Type) {
				out[k] = true
			}
		case name != "" && name != "-":
			out[name] = true
		}
	}
	return out
}

// CheckHeader requires the columns the mapping m reads to be in the header of rows.
// Rapport's own shape (m nil) and JSON, which has no header, pass.
func CheckHeader(m *mapping.Mapping, rows *tabular.Rows) error {
	if m == nil || rows.Header == nil {
		return nil
	}
	return CheckColumns(m, rows.Header)
}

// CheckColumns requires the columns a mapping reads to be in a file's header.
func CheckColumns(m *mapping.Mapping, header []string) error {
	var missing []string
	for _, c := range m.Columns() {
		if !slices.Contains(header, c) {
			missing = append(missing, `"`+c+`"`)
		}
	}
	if len(missing) > 0 {
		return rapport.Errorf(rapport.EINVALID, "the mapping reads the columns %s, which the file does not have; its columns are %s",
			strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	return nil
}
