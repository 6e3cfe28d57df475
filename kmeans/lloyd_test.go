package kmeans

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestEmptyCluster leaves cluster 2 without rows: it takes the row farthest from its
// centre, and the cluster that gave it is the mean of the rest.
func TestEmptyCluster(t *testing.T) {
	x := []float64{0, 1, 2, 10, 20, 60}
	labels := []int{0, 0, 0, 1, 1, 1} // centres 1 and 30: row 5 is the farthest, by 30
	centres := make([]float64, 3)
	counts := make([]int, 3)
	if !updateCentres(x, 1, labels, centres, counts) {
		t.Error("an empty cluster not reported")
	}
	if !slices.Equal(labels, []int{0, 0, 0, 1, 1, 2}) || !slices.Equal(counts, []int{3, 2, 1}) || !slices.Equal(centres, []float64{1, 15, 60}) {
		t.Errorf("labels %v, counts %v, centres %v", labels, counts, centres)
	}
	if updateCentres(x, 1, labels, centres, counts) {
		t.Error("no cluster is empty, but one is reported")
	}
}

// TestEmptyClusters leaves three clusters without rows, and the rows all alike: each
// takes a row of its own, from a cluster that can spare it.
func TestEmptyClusters(t *testing.T) {
	x := []float64{5, 5, 5, 5, 5, 5}
	labels := []int{0, 0, 0, 0, 0, 0}
	centres := make([]float64, 4)
	counts := make([]int, 4)
	updateCentres(x, 1, labels, centres, counts)
	if !slices.Equal(counts, []int{3, 1, 1, 1}) || !slices.Equal(centres, []float64{5, 5, 5, 5}) {
		t.Errorf("counts %v, centres %v", counts, centres)
	}
}

// TestSeedPlusPlus draws the centres among the rows, and never a row already chosen
// while others are left: a chosen row is at distance 0.
func TestSeedPlusPlus(t *testing.T) {
	x := []float64{0, 0, 0, 5, 5, 9}
	for s := range uint64(50) {
		c := seedPlusPlus(x, 1, 3, rand.New(rand.NewPCG(s, 0)))
		sorted := slices.Sorted(slices.Values(c))
		if !slices.Equal(sorted, []float64{0, 5, 9}) {
			t.Fatalf("seed %d: centres %v, want 0, 5 and 9", s, c)
		}
	}
}

// TestLloydBounds checks that the bounds only save work: from the same centres, lloyd
// ends with the labels and centres of plain Lloyd, which measures every distance every
// time. Uniform rows have no clusters, so the iterations are many and rows keep moving.
func TestLloydBounds(t *testing.T) {
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 3))
		d, k := 3, 2+int(seed)
		x := make([]float64, 3000*d)
		for i := range x {
			x[i] = rng.Float64()
		}
		start := seedPlusPlus(x, d, k, rng)
		bounded, plain := slices.Clone(start), slices.Clone(start)
		got, want := lloyd(x, d, bounded), plainLloyd(x, d, plain)
		if !slices.Equal(got, want) || !slices.Equal(bounded, plain) {
			t.Errorf("seed %d, k = %d: the labels or centres differ from plain Lloyd's", seed, k)
		}
	}
}

// plainLloyd is lloyd without the bounds.
func plainLloyd(x []float64, d int, centres []float64) []int {
	n, k := len(x)/d, len(centres)/d
	labels := make([]int, n)
	counts := make([]int, k)
	assignAll := func() int {
		changed := 0
		for i := range n {
			best, bestDist := 0, math.Inf(1)
			for c := range k {
				if dc := sqDist(x[i*d:(i+1)*d], centres[c*d:(c+1)*d]); dc < bestDist {
					best, bestDist = c, dc
				}
			}
			if labels[i] != best {
				labels[i] = best
				changed++
			}
		}
		return changed
	}
	assignAll()
	for range maxIterations {
		updateCentres(x, d, labels, centres, counts)
		if assignAll() == 0 {
			break
		}
	}
	updateCentres(x, d, labels, centres, counts)
	return labels
}
