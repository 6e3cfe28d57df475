package rapport_test

import (
	"encoding/json"
	"testing"

	"github.com/rapportckm/rapport"
)

func TestAmount(t *testing.T) {
	for _, tt := range []struct {
		in, out string
		err     bool
	}{
		{"0", "0.00", false}, {"12", "12.00", false}, {"12.5", "12.50", false}, {"-0.01", "-0.01", false},
		{"1234567.8901", "1234567.8901", false}, {"+3.10", "3.10", false}, {".5", "0.50", false}, {"12.50000", "12.50", false},
		{"12.34567", "", true}, {"1e3", "", true}, {"abc", "", true}, {"", "", true}, {"1,000", "", true}, {"-", "", true},
		{"9999999999999999", "", true},
		// The largest that ten-thousandths in 64 bits hold, and just past it: these were
		// stored as negative amounts.
		{"922337203685476.9999", "922337203685476.9999", false}, {"-922337203685476.9999", "-922337203685476.9999", false},
		{"922337203685477", "", true}, {"999999999999999", "", true}, {"950000000000000", "", true},
		{"99999999999999999999999", "", true},
	} {
		a, err := rapport.ParseAmount(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseAmount(%q): got error %v, want error %t", tt.in, err, tt.err)
			continue
		}
		if err == nil && a.String() != tt.out {
			t.Errorf("ParseAmount(%q) = %s, want %s", tt.in, a, tt.out)
		}
	}
	var v struct{ A rapport.Amount }
	if err := json.Unmarshal([]byte(`{"A":"19.90"}`), &v); err != nil || v.A.String() != "19.90" {
		t.Errorf("got %v %v from a string", v.A, err)
	}
	if err := json.Unmarshal([]byte(`{"A":19.9}`), &v); err != nil || v.A != 199000 {
		t.Errorf("got %v %v from a number", v.A, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"A":19.90}` {
		t.Errorf("got %s, want a JSON number", b)
	}
}

func TestIncomingInteractionNamesItsCustomerOnce(t *testing.T) {
	base := rapport.Interaction{Type: "call", Channel: "phone", Summary: "x", Source: "pbx", SourceKey: "1"}
	base.OccurredAt = base.OccurredAt.AddDate(2024, 0, 0)
	for _, tt := range []struct {
		name  string
		in    rapport.IncomingInteraction
		field string
	}{
		{"Neither", rapport.IncomingInteraction{Interaction: base}, "customer_id"},
		{"Both", rapport.IncomingInteraction{Interaction: func() rapport.Interaction { i := base; i.CustomerID = rapport.NewID(); return i }(), CustomerSource: "crm", CustomerSourceKey: "C1"}, "customer_id"},
		{"BadSourceName", rapport.IncomingInteraction{Interaction: base, CustomerSource: "Bad Name!", CustomerSourceKey: "C1"}, "customer_source"},
		{"NoKey", rapport.IncomingInteraction{Interaction: func() rapport.Interaction { i := base; i.CustomerID = rapport.NewID(); i.SourceKey = ""; return i }()}, "source_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.Normalize()
			err := in.Validate()
			e, ok := err.(*rapport.Error)
			if !ok || e.Fields[tt.field] == "" {
				t.Errorf("got %v, want a problem with %s", err, tt.field)
			}
		})
	}
}

func TestParseWrittenAmount(t *testing.T) {
	for _, tt := range []struct {
		in      string
		decimal byte
		out     string // "" for an error
	}{
		{"12.50", '.', "12.50"}, {"1,234.50", '.', "1234.50"}, {"-1,234,567.8", '.', "-1234567.80"}, {"1 234.5", '.', "1234.50"},
		{"1'234", '.', "1234.00"}, {"1\u00a0234.10", '.', "1234.10"}, {"999", '.', "999.00"}, {" 7 ", '.', "7.00"},
		{"12,50", '.', ""}, {"1,23", '.', ""}, {"1,2345", '.', ""}, {",123", '.', ""}, {"1,,234", '.', ""}, {"1234,567", '.', ""},
		{"1,234.5,6", '.', ""}, {"12.5.6", '.', ""}, {"abc", '.', ""}, {"", '.', ""}, {"1,234.56789", '.', ""},
		{"12,50", ',', "12.50"}, {"1.234,50", ',', "1234.50"}, {"1 234 567,25", ',', "1234567.25"}, {"-0,5", ',', "-0.50"},
		{"1.234", ',', "1234.00"}, {"12.50", ',', ""}, {"1.2,5", ',', ""}, {"1,2,3", ',', ""},
	} {
		a, err := rapport.ParseWrittenAmount(tt.in, tt.decimal)
		if tt.out == "" {
			if err == nil {
				t.Errorf("ParseWrittenAmount(%q, %c) = %s, want an error", tt.in, tt.decimal, a)
			}
			continue
		}
		if err != nil || a.String() != tt.out {
			t.Errorf("ParseWrittenAmount(%q, %c) = %s, %v, want %s", tt.in, tt.decimal, a, err, tt.out)
		}
	}
	for _, tt := range []struct {
		values  []string
		decimal byte
	}{
		{[]string{"12,50"}, ','}, {[]string{"1.234,50", "7"}, ','}, {[]string{"1,250"}, '.'}, {[]string{"1,250", "12,50"}, ','},
		{[]string{"12,50", "1.5"}, '.'}, {[]string{"12,5,0"}, '.'}, {[]string{"3.20"}, '.'},
	} {
		if got := rapport.WrittenDecimal(tt.values...); got != tt.decimal {
			t.Errorf("WrittenDecimal(%q) = %c, want %c", tt.values, got, tt.decimal)
		}
	}
	_, err := rapport.ParseWrittenAmount("12,50", '.')
	if msg := rapport.ErrorMessage(err); msg != `"12,50" is not an amount written with a decimal point, such as 1,234.50: only thousands may be grouped` {
		t.Errorf("got %q", msg)
	}
}
