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
