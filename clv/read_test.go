package clv

import (
	"strings"
	"testing"
)

// TestSpacedHeader: with columns given by number, a first line is a header only when
// its date column holds no digit; a first line whose date does not read is an error
// naming line 1, as it is on line 2, not a purchase dropped in silence.
func TestSpacedHeader(t *testing.T) {
	cols := Columns{Customer: "1", Date: "2", Amount: "3"}
	for _, tt := range []struct {
		name, file string
		purchases  int
		err        string
	}{
		{"header", " customer_id  date amount\n 1 19970101 11.77\n 2 19970112 12.00\n", 2, ""},
		{"no header", " 1 19970101 11.77\n 2 19970112 12.00\n", 2, ""},
		{"bad date on line 1", " 1 19971301 11.77\n 2 19970112 12.00\n", 0, "line 1, column 2"},
		{"bad date on line 2", " 1 19970101 11.77\n 2 19971301 12.00\n", 0, "line 2, column 2"},
		{"bad amount on line 1", " 1 19970101 n/a\n 2 19970112 12.00\n", 0, "line 1, column 3"},
	} {
		ps, err := ReadPurchases(strings.NewReader(tt.file), cols)
		switch {
		case tt.err == "" && (err != nil || len(ps) != tt.purchases):
			t.Errorf("%s: %d purchases, %v; want %d", tt.name, len(ps), err, tt.purchases)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: %d purchases, error %v; want an error naming %q", tt.name, len(ps), err, tt.err)
		}
	}
}

// TestSpacedErrors: a named column the header lacks is named at line 1, with the
// columns there are; a line too long is named with the limit; and a position works
// beside names.
func TestSpacedErrors(t *testing.T) {
	const file = " customer_id  date amount\n 1 19970101 11.77\n"
	_, err := ReadPurchases(strings.NewReader(file), Columns{Customer: "cust", Date: "date"})
	if err == nil || err.Error() != `line 1: the header has no column "cust"; its columns are customer_id, date, amount` {
		t.Errorf("a column not in the header: %v", err)
	}
	if ps, err := ReadPurchases(strings.NewReader(file), Columns{Customer: "customer_id", Date: "2", Amount: "amount"}); err != nil || len(ps) != 1 || ps[0].Amount != 11.77 {
		t.Errorf("a position beside names: %v, %v", ps, err)
	}
	long := file + " 2 19970102 " + strings.Repeat("9", 2<<20) + "\n"
	if _, err := ReadPurchases(strings.NewReader(long), Columns{Customer: "1", Date: "2"}); err == nil || err.Error() != "line 3 is longer than 1 MiB, the most a line may hold" {
		t.Errorf("a line too long: %v", err)
	}
}
