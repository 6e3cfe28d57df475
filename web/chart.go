package web

import (
	"fmt"
	"math"
	"strings"
)

// lineChart is a few series of values over the same steps (months, weeks), drawn as
// SVG polylines in a Width×Height box; the template draws it (see "line-chart").
type lineChart struct {
	Width, Height int
	ViewBox       string
	Series        []chartSeries
	Ticks         []chartTick // the x axis' labels
	Min, Max      float64     // the bottom (0, or the lowest value below it) and the top of the y axis
	Unit          string      // of the values, for the top label
	Label         string      // what the chart shows, for screen readers
	Rows          []chartRow  // the figures drawn, a row a step, for those who cannot see the lines
}

// chartRow is one step's values, in the order of the series; "—" where there is none.
type chartRow struct {
	Label  string
	Values []string
}

type chartSeries struct {
	Name, Class string
	Points      string     // "x,y x,y …"; a missing value breaks nothing, it is left out
	Dots        []chartDot // values without a neighbour, which a line would not show
	Last        string     // the last value, in words
}

type chartDot struct{ X, Y float64 }

type chartTick struct {
	X      float64
	Text   string
	Anchor string // start, middle or end: the first and last labels stay inside the box
	Minor  bool   // left out on a phone's narrow chart, where the labels would overlap
}

// newLineChart draws series of values (NaN for none) over steps named by labels.
func newLineChart(label, unit string, labels []string, series map[string][]float64, order []string) *lineChart {
	c := &lineChart{Width: 600, Height: 160, Unit: unit, Label: label}
	c.ViewBox = fmt.Sprintf("-8 -8 %d %d", c.Width+16, c.Height+32) // room below for the labels' descenders
	for _, vs := range series {
		for _, v := range vs {
			if !math.IsNaN(v) {
				c.Min, c.Max = math.Min(c.Min, v), math.Max(c.Max, v)
			}
		}
	}
	// Shares and ratings are drawn against their whole scale, so that 40 % does not
	// reach the top of the chart.
	switch unit {
	case "%":
		c.Max = math.Max(c.Max, 100)
	case "of 5":
		c.Max = math.Max(c.Max, 5)
	}
	if c.Max == c.Min {
		c.Max = c.Min + 1
	}
	x := func(i int) float64 {
		if len(labels) < 2 {
			return float64(c.Width) / 2
		}
		return float64(i) * float64(c.Width) / float64(len(labels)-1)
	}
	every := max(1, (len(labels)+4)/5) // at most five labels, room for a day and year each
	for i, l := range labels {
		if (i%every == 0 && len(labels)-1-i >= every) || i == len(labels)-1 {
			anchor := "middle"
			switch {
			case len(labels) > 1 && i == 0:
				anchor = "start"
			case len(labels) > 1 && i == len(labels)-1:
				anchor = "end"
			}
			c.Ticks = append(c.Ticks, chartTick{X: x(i), Text: l, Anchor: anchor, Minor: len(c.Ticks)%2 == 1})
		}
	}
	// A phone shows every other label and the last, but not the one just before it
	// (unless that is the first).
	if n := len(c.Ticks); n >= 2 {
		c.Ticks[n-1].Minor = false
		c.Ticks[n-2].Minor = n > 2
	}
	for n, name := range order {
		var pts []string
		last := ""
		var dots []chartDot
		vs := series[name]
		for i, v := range vs {
			if math.IsNaN(v) {
				continue
			}
			y := float64(c.Height) - (v-c.Min)*float64(c.Height-10)/(c.Max-c.Min)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y))
			if (i == 0 || math.IsNaN(vs[i-1])) && (i == len(vs)-1 || math.IsNaN(vs[i+1])) && len(labels) > 1 {
				dots = append(dots, chartDot{X: x(i), Y: y})
			}
			if len(labels) == 1 { // one value is drawn flat across
				pts = []string{fmt.Sprintf("0,%.1f %d,%.1f", y, c.Width, y)}
			}
			last = strings.TrimSpace(trimFloat(v) + " " + unit)
		}
		c.Series = append(c.Series, chartSeries{Name: name, Class: fmt.Sprintf("series-%d", n+1), Points: strings.Join(pts, " "), Dots: dots, Last: last})
	}
	for i, l := range labels {
		row, filled := chartRow{Label: l}, false
		for _, name := range order {
			v := "—"
			if vs := series[name]; i < len(vs) && !math.IsNaN(vs[i]) {
				v, filled = strings.TrimSpace(trimFloat(vs[i])+" "+unit), true
			}
			row.Values = append(row.Values, v)
		}
		if filled { // a step without a value in any series says nothing
			c.Rows = append(c.Rows, row)
		}
	}
	return c
}
