package kmeans

import (
	"errors"
	"fmt"
	"math"
)

// standardise checks the rows and returns them, row after row in one slice, with every
// feature (after log1p for Log features) shifted and scaled to mean 0 and standard
// deviation 1. A constant feature becomes 0 everywhere: kept, but it separates nothing.
func standardise(features []Feature, rows [][]float64) ([]float64, error) {
	d := len(features)
	if d == 0 {
		return nil, errors.New("kmeans: there are no features to cluster on")
	}
	x := make([]float64, len(rows)*d)
	for i, row := range rows {
		if len(row) != d {
			return nil, fmt.Errorf("kmeans: row %d has %d values, but there are %d features", i, len(row), d)
		}
		for j, v := range row {
			f := features[j]
			switch {
			case math.IsNaN(v):
				return nil, fmt.Errorf("kmeans: row %d, feature %s: the value is NaN", i, f.Name)
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("kmeans: row %d, feature %s: the value is infinite", i, f.Name)
			case f.Log && v < 0:
				return nil, fmt.Errorf("kmeans: row %d, feature %s: the value %g is negative, but the feature is clustered on its logarithm", i, f.Name, v)
			case f.Log:
				v = math.Log1p(v)
			}
			x[i*d+j] = v
		}
	}
	for j := range d {
		scaleColumn(x, d, j)
	}
	return x, nil
}

// scaleColumn standardises column j of x in place.
func scaleColumn(x []float64, d, j int) {
	n := len(x) / d
	lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
	for i := range n {
		v := x[i*d+j]
		lo, hi, sum = min(lo, v), max(hi, v), sum+v
	}
	mean := sum / float64(n)
	// Checked by the range, not the standard deviation: rounding leaves the computed
	// deviation of a constant column tiny but not 0, and dividing by it would turn the
	// rounding errors into a feature.
	if lo == hi {
		for i := range n {
			x[i*d+j] = 0
		}
		return
	}
	ss := 0.0
	for i := range n {
		dev := x[i*d+j] - mean
		ss += dev * dev
	}
	sd := math.Sqrt(ss / float64(n))
	for i := range n {
		x[i*d+j] = (x[i*d+j] - mean) / sd
	}
}
