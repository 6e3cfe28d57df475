package clv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport/tabular"
)

// Columns name where a file holds each purchase's customer, date and (optionally)
// amount: by column name, or by position from 1.
type Columns struct {
	Customer, Date, Amount string
	// ParseDate reads a date; nil reads YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD and RFC 3339.
	ParseDate func(string) (time.Time, error)
}

// dateLayouts are the unambiguous ways of writing a date read without being told.
var dateLayouts = []string{"2006-01-02", "20060102", "2006/01/02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04"}

func parseDate(s string) (time.Time, error) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date written YYYY-MM-DD, YYYYMMDD or YYYY/MM/DD: give its layout", s)
}

// ReadPurchases reads purchases from a CSV, NDJSON or JSON file (gzipped or not) with
// a header, or from text whose columns are separated by spaces, with or without a
// header. Errors name the line and the column.
func ReadPurchases(r io.Reader, cols Columns) ([]Purchase, error) {
	if cols.ParseDate == nil {
		cols.ParseDate = parseDate
	}
	br := bufio.NewReader(r)
	first, _ := br.Peek(4096)
	if line, _, _ := bytes.Cut(first, []byte("\n")); len(line) > 0 && !bytes.ContainsAny(line, ",;\t|{[\x1f") {
		return readSpaced(br, cols)
	}
	rows, err := tabular.Open(br, tabular.Options{})
	if err != nil {
		return nil, err
	}
	var out []Purchase
	for {
		row, err := rows.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		get := func(col string) (string, error) {
			if n, err := strconv.Atoi(col); err == nil && n >= 1 && n <= len(row.Values) && rows.Header != nil {
				return row.Values[n-1], nil
			}
			v, ok := row.Get(col)
			if !ok && rows.Header != nil {
				return "", fmt.Errorf("line 1: the header has no column %q; its columns are %s", col, strings.Join(rows.Header, ", "))
			} else if !ok {
				return "", fmt.Errorf("line %d: there is no column %q", row.Line, col)
			}
			return v, nil
		}
		p, err := purchaseOf(row.Line, get, cols)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
}

// readSpaced reads columns separated by runs of spaces. Named columns need a header
// line; with numbered ones, the first line is a header only when its date column holds
// no digit (such as "date"): a first line with a date that does not read is an error,
// as on any other line, not a purchase silently dropped.
func readSpaced(r io.Reader, cols Columns) ([]Purchase, error) {
	const maxLine = 1 << 20
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	var header map[string]int
	var out []Purchase
	line := 1
	for ; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if line == 1 && !allNumbers(cols) {
			header = map[string]int{}
			for i, f := range fields {
				header[f] = i
			}
			for _, col := range []string{cols.Customer, cols.Date, cols.Amount} {
				if _, ok := header[col]; col != "" && !ok && position(col) < 1 {
					return nil, fmt.Errorf("line 1: the header has no column %q; its columns are %s", col, strings.Join(fields, ", "))
				}
			}
			continue
		}
		get := func(col string) (string, error) {
			i, ok := header[col]
			if !ok { // a position
				n := position(col)
				i, ok = n-1, n >= 1
			}
			if !ok {
				return "", fmt.Errorf("line %d: there is no column %q", line, col)
			}
			if i >= len(fields) {
				return "", fmt.Errorf("line %d has %d columns, not %d", line, len(fields), i+1)
			}
			return fields[i], nil
		}
		if line == 1 && header == nil {
			if date, err := get(cols.Date); err == nil && !strings.ContainsAny(date, "0123456789") {
				continue // a header line
			}
		}
		p, err := purchaseOf(line, get, cols)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return nil, fmt.Errorf("line %d is longer than %d MiB, the most a line may hold", line, maxLine>>20)
	}
	return out, sc.Err()
}

// position is the column a name gives by its position from 1, or 0.
func position(col string) int {
	n, err := strconv.Atoi(col)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

func allNumbers(cols Columns) bool {
	for _, c := range []string{cols.Customer, cols.Date, cols.Amount} {
		if _, err := strconv.Atoi(c); c != "" && err != nil {
			return false
		}
	}
	return true
}

// purchaseOf reads one purchase with get, which returns a column's value.
func purchaseOf(line int, get func(string) (string, error), cols Columns) (Purchase, error) {
	var p Purchase
	var err error
	if p.Customer, err = get(cols.Customer); err != nil {
		return p, err
	}
	if p.Customer = strings.TrimSpace(p.Customer); p.Customer == "" {
		return p, fmt.Errorf("line %d, column %s: the customer is empty", line, cols.Customer)
	}
	date, err := get(cols.Date)
	if err != nil {
		return p, err
	}
	t, err := cols.ParseDate(strings.TrimSpace(date))
	if err != nil {
		return p, fmt.Errorf("line %d, column %s: %v", line, cols.Date, err)
	}
	p.Day = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if cols.Amount != "" {
		amount, err := get(cols.Amount)
		if err != nil {
			return p, err
		}
		if p.Amount, err = strconv.ParseFloat(strings.TrimSpace(amount), 64); err != nil || math.IsNaN(p.Amount) || math.IsInf(p.Amount, 0) {
			return p, fmt.Errorf("line %d, column %s: %q is not an amount such as 12.50", line, cols.Amount, amount)
		}
		// The spend model is of what customers spend on purchases, each above 0: a
		// refund taken in would lower a day's amount, or make it negative, and its
		// customer would be left out of the model or break its fit.
		if p.Amount < 0 {
			return p, fmt.Errorf("line %d, column %s: the amount %s is negative: the models take purchases, not refunds; leave refunds out of the file, or subtract them from their purchases", line, cols.Amount, strings.TrimSpace(amount))
		}
	}
	return p, nil
}
