package kmeans

import (
	"math"
	"math/rand/v2"
	"slices"
)

// sampleStream is the random stream the silhouette's sample is drawn from; k-means
// runs use streams from 2·restarts up.
const sampleStream = 0

// drawSample returns size row indices out of n, distinct, chosen at random from the
// seed and in increasing order; all n when there are no more than size.
func drawSample(n, size int, seed uint64) []int {
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	if n <= size {
		return all
	}
	rng := rand.New(rand.NewPCG(seed, sampleStream))
	for i := range size { // the first steps of a Fisher–Yates shuffle
		j := i + rng.IntN(n-i)
		all[i], all[j] = all[j], all[i]
	}
	sample := all[:size]
	slices.Sort(sample)
	return sample
}

// meanSilhouettes returns, for each labelling of the rows of x (d values each, labels
// from 0), the mean silhouette coefficient of the sample rows (Rousseeuw 1987), on
// Euclidean distances among the sample alone. A row's coefficient is (b-a)/max(a, b),
// a being its mean distance to the other rows of its cluster and b the least mean
// distance to the rows of another cluster; it is 0 for a row alone in its cluster.
//
// Distances do not depend on the labelling: each is computed once for all of them.
func meanSilhouettes(x []float64, d int, sample []int, labellings [][]int) []float64 {
	m, nl := len(sample), len(labellings)
	points := make([]float64, 0, m*d)
	for _, i := range sample {
		points = append(points, x[i*d:(i+1)*d]...)
	}
	// The clusters of all labellings are numbered in one sequence: labelling l's
	// cluster c is first[l]+c. cluster[i*nl+l] is sample row i's in labelling l.
	first := make([]int, nl+1)
	for l, labels := range labellings {
		first[l+1] = first[l] + slices.Max(labels) + 1
	}
	cluster := make([]int, m*nl)
	size := make([]int, first[nl]) // sample rows per cluster
	for i, row := range sample {
		for l, labels := range labellings {
			c := first[l] + labels[row]
			cluster[i*nl+l] = c
			size[c]++
		}
	}

	const chunk = 64
	s := make([]float64, m*nl) // per sample row and labelling, its coefficient
	parallel((m+chunk-1)/chunk, func(ch int) {
		sum := make([]float64, first[nl]) // distances from row i to each cluster's rows
		for i := ch * chunk; i < min(m, (ch+1)*chunk); i++ {
			clear(sum)
			p := points[i*d : (i+1)*d]
			for j := range m { // j == i adds 0, to i's own cluster
				dist := math.Sqrt(sqDist(p, points[j*d:(j+1)*d]))
				for _, c := range cluster[j*nl : (j+1)*nl] {
					sum[c] += dist
				}
			}
			for l := range nl {
				s[i*nl+l] = silhouette(cluster[i*nl+l], first[l], first[l+1], sum, size)
			}
		}
	})

	means := make([]float64, nl)
	for i := range m {
		for l := range nl {
			means[l] += s[i*nl+l]
		}
	}
	for l := range means {
		means[l] /= float64(m)
	}
	return means
}

// silhouette is the coefficient of a row in cluster own, given its summed distances
// to the rows of each cluster and the clusters' sizes; the labelling's clusters are
// from to.
func silhouette(own, from, to int, sum []float64, size []int) float64 {
	if size[own] < 2 {
		return 0
	}
	a := sum[own] / float64(size[own]-1)
	b := math.Inf(1)
	for c := from; c < to; c++ {
		if c != own && size[c] > 0 {
			b = min(b, sum[c]/float64(size[c]))
		}
	}
	if math.IsInf(b, 1) || max(a, b) == 0 { // no other cluster in the sample; all rows equal
		return 0
	}
	return (b - a) / max(a, b)
}
