// Package kmeans proposes customer segments: it clusters customers on their features
// (value and behaviour) with k-means and describes each cluster in plain words.
//
// Every feature is standardised to mean 0 and standard deviation 1 (after log1p for
// skewed ones), so that no feature weighs more for being measured in larger units.
// For each k from MinK to MaxK, k-means (k-means++ seeding, Lloyd iterations, the best
// of several restarts) partitions the customers, and the k chosen is the one with the
// highest mean silhouette coefficient on a random sample of them: how much closer, on
// average, a customer is to the others of their own cluster than to those of the
// nearest other cluster. On a tie the smaller k wins.
package kmeans

import (
	"errors"
	"fmt"
)

// Feature describes one column of the data.
type Feature struct {
	Name  string // machine name, e.g. "recency_days"; errors name it
	Label string // plain words for descriptions, e.g. "days since last purchase"
	// Log clusters on log1p(x), for skewed counts and amounts; x must not be negative.
	Log bool
	// High and Low, when set, describe a cluster above or below the average in words of
	// their own ("frequent buyers", "bought recently") instead of "high …" and "low …".
	High, Low string
	// Unit, when set, is written after the mean: a currency ("avg 1,730 EUR").
	Unit string
}

// Options tune Run; the zero value asks for the defaults.
type Options struct {
	MinK, MaxK int    // the k tried, 2 to 8 by default; MaxK is capped at half the rows
	Seed       uint64 // the same seed and data give the same result
	SampleSize int    // customers the silhouette is computed on, 5,000 by default
}

const (
	defaultMinK       = 2
	defaultMaxK       = 8
	defaultSampleSize = 5000
)

// Cluster is one proposed segment.
type Cluster struct {
	Size     int
	Centroid []float64 // per feature, the members' mean in original units
	// Z is the centroid in the clustering's units: per feature, how many standard
	// deviations the members' mean (of log1p(x) for a Log feature) lies from everyone's.
	Z []float64
	// Low and High are, per feature, the 10th and 90th percentiles of the members, in
	// original units: bounds for a rule that approximates the cluster.
	Low, High   []float64
	Description string // e.g. "High lifetime value (avg 1,240), bought recently (avg 20 days since last purchase)"
}

// Score is the mean silhouette of the clustering with K clusters, from -1 to 1.
type Score struct {
	K          int
	Silhouette float64
}

// Result is the clustering chosen.
type Result struct {
	K          int
	Silhouette float64   // the chosen clustering's mean silhouette on the sample
	Scores     []Score   // every k tried, in increasing k
	Clusters   []Cluster // largest first
	Assign     []int     // per input row, its index in Clusters
}

// Run clusters the rows (one per customer, one value per feature) and returns the
// clustering with the best mean silhouette. It rejects values that are NaN or infinite,
// negative values of Log features, rows of the wrong length, and fewer rows than twice
// MinK.
func Run(features []Feature, rows [][]float64, opt Options) (*Result, error) {
	opt, err := opt.withDefaults(len(rows))
	if err != nil {
		return nil, err
	}
	x, err := standardise(features, rows)
	if err != nil {
		return nil, err
	}
	d := len(features)

	fits := fitAll(x, d, opt)
	sample := drawSample(len(rows), opt.SampleSize, opt.Seed)
	labellings := make([][]int, len(fits))
	for i, f := range fits {
		labellings[i] = f.labels
	}
	silhouettes := meanSilhouettes(x, d, sample, labellings)

	res := &Result{Scores: make([]Score, len(fits))}
	best := 0
	for i, f := range fits {
		res.Scores[i] = Score{K: f.k, Silhouette: silhouettes[i]}
		if silhouettes[i] > silhouettes[best] {
			best = i
		}
	}
	res.K, res.Silhouette = fits[best].k, silhouettes[best]
	res.Clusters, res.Assign = summarise(features, rows, x, fits[best].labels, fits[best].k)
	return res, nil
}

// withDefaults fills in the zero options and checks the rest against n rows.
func (o Options) withDefaults(n int) (Options, error) {
	if o.MinK == 0 {
		o.MinK = defaultMinK
	}
	if o.MaxK == 0 {
		o.MaxK = max(defaultMaxK, o.MinK)
	}
	if o.SampleSize == 0 {
		o.SampleSize = defaultSampleSize
	}
	switch {
	case o.MinK < 2:
		return o, fmt.Errorf("kmeans: MinK is %d, but the silhouette needs at least 2 clusters", o.MinK)
	case o.MaxK < o.MinK:
		return o, fmt.Errorf("kmeans: MaxK (%d) is less than MinK (%d)", o.MaxK, o.MinK)
	case o.SampleSize < 2:
		return o, fmt.Errorf("kmeans: SampleSize is %d, but the silhouette needs at least 2 rows", o.SampleSize)
	case n == 0:
		return o, errors.New("kmeans: there are no rows to cluster")
	case n < 2*o.MinK:
		return o, fmt.Errorf("kmeans: %d rows are too few for %d clusters: at least %d are needed", n, o.MinK, 2*o.MinK)
	}
	// A cluster of one has no silhouette of its own; at least two rows per cluster.
	o.MaxK = min(o.MaxK, n/2)
	return o, nil
}
