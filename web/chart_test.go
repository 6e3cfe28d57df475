package web

import "testing"

// TestLineChartScale checks that shares and ratings are drawn against their whole
// scale, and other values against their own top.
func TestLineChartScale(t *testing.T) {
	weeks := []string{"1", "2", "3"}
	for _, c := range []struct {
		unit   string
		values []float64
		top    float64
	}{{"%", []float64{10, 40, 20}, 100}, {"of 5", []float64{3.5, 4, 4.2}, 5}, {"", []float64{10, 40, 20}, 40}, {"%", []float64{0, 0, 0}, 100}} {
		chart := newLineChart("test", c.unit, weeks, map[string][]float64{"a": c.values}, []string{"a"})
		if chart.Max != c.top || chart.Min != 0 {
			t.Errorf("%q %v: the axis runs from %g to %g, want 0 to %g", c.unit, c.values, chart.Min, chart.Max, c.top)
		}
	}
}
