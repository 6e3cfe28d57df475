package web

import (
	"math"
	"reflect"
	"testing"

	"github.com/rapportckm/rapport"
)

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

// TestScoreChartKeepsGaps: a score chart places its points by time, so months without
// answers leave their gap instead of pulling the later points closer.
func TestScoreChartKeepsGaps(t *testing.T) {
	ps := []rapport.PeriodScore{{Period: "2026-01", Score: rapport.Score{N: 2, Value: 10}}, {Period: "2026-02"}, {Period: "2026-03"},
		{Period: "2026-04", Score: rapport.Score{N: 1, Value: 50}}, {Period: "2026-05", Score: rapport.Score{N: 3, Value: 20}}}
	c := newScoreChart(rapport.SurveyNPS, ps, "NPS")
	if len(c.Points) != 3 || c.Points[0].X != 0 || c.Points[1].X != 450 || c.Points[2].X != 600 {
		t.Errorf("points at %+v, want x 0, 450 and 600 of 600", c.Points)
	}
	if newScoreChart(rapport.SurveyNPS, ps[1:3], "NPS") != nil {
		t.Error("a chart of months without answers")
	}
}

// TestLineChartFigures: the figures a line chart draws are also written out, a row a
// step and a column a series in the legend's order, for those who cannot see the
// lines; a step without a value says so.
func TestLineChartFigures(t *testing.T) {
	nan := math.NaN()
	c := newLineChart("test", "%", []string{"W1", "W2"}, map[string][]float64{"b": {12.5, nan}, "a": {3, 40}}, []string{"a", "b"})
	want := []chartRow{{"W1", []string{"3 %", "12.5 %"}}, {"W2", []string{"40 %", "—"}}}
	if !reflect.DeepEqual(c.Rows, want) {
		t.Errorf("rows %+v, want %+v", c.Rows, want)
	}
}
