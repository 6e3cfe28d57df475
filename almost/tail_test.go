package almost

import (
	"math"
	"testing"
)

// The tails against values summed independently (Python's math.lgamma, 20,000 terms;
// the negative binomial of shape 0.5 and p 0.25 also by hand).
func TestCountTail(t *testing.T) {
	for _, c := range []struct {
		k              int
		mean, variance float64
		want           float64
	}{
		{125, 87.3, 0, 8.62298572462291e-05},     // Poisson
		{125, 87.3, 87.3, 8.62298572462291e-05},  // no more varied than Poisson: Poisson
		{5, 0.35, 0, 3.2736174753132476e-05},     // a quiet customer
		{2100, 2000, 0, 0.013534943503806804},    // e^-2000 would underflow a sum of terms
		{125, 87.3, 200.7, 0.007710087555905246}, // negative binomial: a busy account's volume varies
		{4, 1.5, 6, 0.14111328125},               // negative binomial, r = 0.5, p = 0.25
		{80, 87.3, 200.7, 1},                     // fewer than usual
		{3, 0, 0, 0},                             // none expected
		{3000, 2000, 0, 0},                       // beyond what a float holds
	} {
		got := countTail(c.k, c.mean, c.variance)
		if d := math.Abs(got - c.want); d > 1e-9*c.want && d > 1e-15 {
			t.Errorf("countTail(%d, %v, %v) = %v, want %v", c.k, c.mean, c.variance, got, c.want)
		}
	}
}

func TestRate(t *testing.T) {
	for x, want := range map[float64]string{0.3: "0.3", 6: "6", 6.04: "6", 7.5: "7.5", 9.96: "10", 87.3: "87", 2275: "2,275"} {
		if got := rate(x); got != want {
			t.Errorf("rate(%v) = %q, want %q", x, got, want)
		}
	}
}
