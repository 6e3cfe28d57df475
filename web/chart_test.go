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

// TestScoreChartBetterIsUp: on every kind's chart a better score is drawn higher; for
// CES, whose 1 is the easiest, that is the lower score, and the scale's ends say so.
func TestScoreChartBetterIsUp(t *testing.T) {
	for _, tt := range []struct {
		kind                rapport.SurveyKind
		better, worse       float64
		wantTop, wantBottom string
	}{
		{rapport.SurveyNPS, 40, -10, "100", "-100"},
		{rapport.SurveyCSAT, 90, 60, "100", "0"},
		{rapport.SurveyCES, 2, 5, "1 (easy)", "7 (hard)"},
	} {
		ps := []rapport.PeriodScore{{Period: "2026-01", Score: rapport.Score{N: 5, Value: tt.better, Low: tt.better, High: tt.better}},
			{Period: "2026-02", Score: rapport.Score{N: 5, Value: tt.worse, Low: tt.worse, High: tt.worse}}}
		c := newScoreChart(tt.kind, ps, "score")
		if c.Points[0].Y >= c.Points[1].Y {
			t.Errorf("%s: the better score %g is drawn at y %g, not above the worse %g at y %g", tt.kind, tt.better, c.Points[0].Y, tt.worse, c.Points[1].Y)
		}
		if c.Top != tt.wantTop || c.Bottom != tt.wantBottom {
			t.Errorf("%s: the scale runs from %q to %q, want %q to %q", tt.kind, c.Bottom, c.Top, tt.wantBottom, tt.wantTop)
		}
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

// TestSizeChartByDay: a segment's sizes, kept on the days they changed, are drawn
// each in its day's place, and the figures list only those days.
func TestSizeChartByDay(t *testing.T) {
	c := sizeChart([]rapport.SegmentSize{{Day: "2026-01-30", Size: 1626}, {Day: "2026-02-02", Size: 1700}, {Day: "2026-02-03", Size: 1650}})
	want := "0.0,16.5 450.0,10.0 600.0,14.4"
	if len(c.Series) != 1 || c.Series[0].Points != want {
		t.Fatalf("points %+v, want %q: 30 January, 2 February and 3 February at their days' places", c.Series, want)
	}
	rows := []chartRow{{"30 Jan 2026", []string{"1,626"}}, {"2 Feb 2026", []string{"1,700"}}, {"3 Feb 2026", []string{"1,650"}}}
	if !reflect.DeepEqual(c.Rows, rows) {
		t.Errorf("rows %+v, want %+v", c.Rows, rows)
	}
}

// TestLineChartTicksOnAPhone: a phone shows every other label and the last one, but
// never the label just before the last.
func TestLineChartTicksOnAPhone(t *testing.T) {
	for n, want := range map[int]string{2: "ab", 3: "a-c", 5: "a-c-e", 6: "a-f", 9: "a-e-i", 12: "a--l"} {
		labels := make([]string, n)
		for i := range labels {
			labels[i] = string(rune('a' + i))
		}
		got := ""
		for _, tick := range newLineChart("test", "", labels, map[string][]float64{"x": make([]float64, n)}, []string{"x"}).Ticks {
			if tick.Minor {
				got += "-"
			} else {
				got += tick.Text
			}
		}
		if got != want {
			t.Errorf("%d labels: shown on a phone %q (- for a hidden one), want %q", n, got, want)
		}
	}
}
