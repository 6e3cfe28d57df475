package editdistance_test

import (
	"testing"

	"github.com/rapportckm/rapport/editdistance"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b        string
		limit, want int
	}{
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 1, 2}, // beyond the limit: limit+1
		{"4011", "4101", 1, 1},      // neighbours swapped
		{"abc", "abc", 1, 0},
		{"", "ab", 3, 2},
		{"łódź", "lodz", 5, 3},
		{"19710624", "19710642", 1, 1},
		{"password", "password", 2, 0}, {"pasword", "password", 2, 1}, {"passowrd", "password", 2, 1},
		{"acount", "account", 2, 1}, {"recieve", "receive", 2, 1}, {"kitten", "sitting", 2, 3}, {"ab", "ba", 2, 1},
	} {
		if got := editdistance.Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
