package thousands

import "testing"

func TestGroup(t *testing.T) {
	for in, want := range map[string]string{
		"0": "0", "999": "999", "1000": "1,000", "1234567": "1,234,567", "-1234567.5": "-1,234,567.5",
		"12.3456": "12.3456", "-12": "-12", "100000.00": "100,000.00",
	} {
		if got := Group(in); got != want {
			t.Errorf("Group(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n          int
		noun, want string
	}{
		{0, "customer", "0 customers"}, {1, "customer", "1 customer"}, {2357, "customer", "2,357 customers"},
		{-1, "day", "-1 days"}, {3, "search", "3 searches"}, {2, "box", "2 boxes"}, {1, "search", "1 search"},
		{2, "feedback item", "2 feedback items"}, {2, "subcategory", "2 subcategories"}, {1, "subcategory", "1 subcategory"},
		{7, "day", "7 days"}, {2, "survey", "2 surveys"},
	} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}
