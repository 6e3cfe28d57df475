package kmeans

import "testing"

func TestDescribe(t *testing.T) {
	features := []Feature{
		{Name: "clv", Label: "lifetime value", Unit: "EUR"},
		{Name: "recency_days", Label: "days since last purchase", Low: "bought recently", High: "lapsed"},
		{Name: "orders"}, // no label: the name stands in
		{Name: "tickets", Label: "support tickets"},
	}
	centroid := []float64{1240.4, 20, 3.14159, 0.5}
	everyone := []float64{600, 45, 2, 0.2}
	cases := []struct {
		z        []float64
		everyone []float64 // nil: the everyone above
		want     string
	}{
		{[]float64{1.2, -0.9, 0.1, 0}, nil, "High lifetime value (avg 1,240 EUR), bought recently (avg 20 days since last purchase)"},
		{[]float64{-0.5, 0.7, -2, 0.49}, nil, "Low orders (avg 3.14), lapsed (avg 20 days since last purchase), low lifetime value (avg 1,240 EUR)"},
		// At most three, strongest first; equal ones in the features' order.
		{[]float64{1, -1, 1, 3}, nil, "High support tickets (avg 0.5), high lifetime value (avg 1,240 EUR), bought recently (avg 20 days since last purchase)"},
		{[]float64{0.49, -0.49, 0, 0}, nil, "Close to the average customer"},
		// Far in standard deviations, but the same to a reader: not named.
		{[]float64{0.1, 0, 0, 3}, []float64{600, 45, 2, 0.501}, "Close to the average customer"},
	}
	for _, c := range cases {
		ev := everyone
		if c.everyone != nil {
			ev = c.everyone
		}
		if got := describe(features, centroid, c.z, ev); got != c.want {
			t.Errorf("z %v: %q, want %q", c.z, got, c.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{
		0: "0", -0.001: "0", 0.456: "0.46", 3: "3", 9.996: "10", 12.34: "12.3", 12.04: "12",
		99.96: "100", 1240.4: "1,240", 999.5: "1,000", 1234567.8: "1,234,568", -25431: "-25,431", -0.5: "-0.5",
	} {
		if got := Number(v); got != want {
			t.Errorf("Number(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	ten := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct {
		values  []float64
		p, want float64
	}{
		{ten, 0.1, 1.9}, {ten, 0.9, 9.1}, {ten, 0, 1}, {ten, 1, 10}, {[]float64{7}, 0.1, 7}, {[]float64{7}, 0.9, 7},
	} {
		if got := percentile(c.values, c.p); !close(got, c.want, 1e-12) {
			t.Errorf("percentile %v of %v = %g, want %g", c.p, c.values, got, c.want)
		}
	}
}
