package ingest

import (
	"errors"
	"io"
	"sort"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// PreviewRows is how many rows a preview of an import shows.
const PreviewRows = 20

// Previewed is a row of a file made into the record an import would write, without
// writing it. Problems are why the row would be rejected; the database may reject a
// row for reasons a preview cannot see, such as an interaction's unknown customer.
type Previewed struct {
	Line        int
	Customer    *rapport.IncomingCustomer    // for a file of customers
	Interaction *rapport.IncomingInteraction // for a file of interactions
	Warnings    []string                     // about values kept as they were
	Problems    []Problem
}

// Problem is a reason to reject a row: the field (or column) at fault and why.
type Problem struct{ Field, Reason string }

// Preview reads up to n rows and makes each into a record of kind (mapping.Customers
// or mapping.Interactions) through m, nil for Rapport's own shape, as an import would.
func Preview(rows *tabular.Rows, m *mapping.Mapping, kind, source string, n int) ([]Previewed, error) {
	var out []Previewed
	customer, interaction := customerConverter(m, source), interactionConverter(m, source)
	for len(out) < n {
		row, err := rows.Read()
		var re *tabular.RowError
		switch {
		case errors.Is(err, io.EOF):
			return out, nil
		case errors.As(err, &re):
			out = append(out, Previewed{Line: re.Line, Problems: []Problem{{Reason: re.Err.Error()}}})
			continue
		case err != nil:
			return out, err
		}
		p := Previewed{Line: row.Line}
		if kind == mapping.Customers {
			rec, warnings, err := customer(&row)
			if err == nil {
				err = rec.Validate()
			}
			p.Customer, p.Warnings, p.Problems = &rec, warnings, problems(err)
		} else {
			rec, warnings, err := interaction(&row)
			if err == nil {
				rec.Normalize()
				err = rec.Validate()
			}
			p.Interaction, p.Warnings, p.Problems = &rec, warnings, problems(err)
		}
		out = append(out, p)
	}
	return out, nil
}

// problems lists every field an error is about, in field order.
func problems(err error) []Problem {
	var e *rapport.Error
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &e) || len(e.Fields) == 0:
		return []Problem{{Reason: rapport.ErrorMessage(err)}}
	}
	out := make([]Problem, 0, len(e.Fields))
	for f, msg := range e.Fields {
		out = append(out, Problem{Field: f, Reason: msg})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}
