package kmeans

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// restarts is how many times k-means runs for each k, from different seeds; the run
// with the lowest within-cluster sum of squares is kept, as one unlucky seeding can
// settle in a poor local minimum.
const restarts = 3

// fit is one k-means partition.
type fit struct {
	k      int
	labels []int   // per row, its cluster
	wcss   float64 // within-cluster sum of squared distances to the centroids
}

// fitAll runs k-means restarts times for every k from opt.MinK to opt.MaxK, in
// parallel, and returns per k, in increasing k, the run with the lowest wcss.
func fitAll(x []float64, d int, opt Options) []fit {
	nk := opt.MaxK - opt.MinK + 1
	runs := make([]fit, nk*restarts)
	parallel(len(runs), func(r int) {
		// Largest k first: they take longest, and should not be left for last.
		r = len(runs) - 1 - r
		k := opt.MinK + r/restarts
		// Each run has its own stream, which depends on k and the restart alone, so the
		// result does not depend on MinK, MaxK or the order the runs are scheduled in.
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(k*restarts+r%restarts)))
		runs[r] = cluster(x, d, k, rng)
	})
	best := make([]fit, nk)
	for i := range best {
		// The first of equal runs, so that ties break the same way every time.
		best[i] = slices.MinFunc(runs[i*restarts:(i+1)*restarts], func(a, b fit) int {
			return cmp.Compare(a.wcss, b.wcss)
		})
	}
	return best
}

// cluster partitions the n rows of x (d values each) into k clusters: k-means++
// seeding, then Lloyd's iterations.
func cluster(x []float64, d, k int, rng *rand.Rand) fit {
	centres := seedPlusPlus(x, d, k, rng)
	labels := lloyd(x, d, centres)
	wcss := 0.0
	for i, c := range labels {
		wcss += sqDist(x[i*d:(i+1)*d], centres[c*d:(c+1)*d])
	}
	return fit{k: k, labels: labels, wcss: wcss}
}

// seedPlusPlus chooses k initial centres among the rows by k-means++ (Arthur &
// Vassilvitskii 2007): the first at random, each next one with a probability
// proportional to its squared distance from the nearest centre chosen so far.
func seedPlusPlus(x []float64, d, k int, rng *rand.Rand) []float64 {
	n := len(x) / d
	centres := make([]float64, 0, k*d)
	first := rng.IntN(n)
	centres = append(centres, x[first*d:(first+1)*d]...)
	nearest := make([]float64, n)
	for i := range nearest {
		nearest[i] = math.Inf(1)
	}
	for len(centres) < k*d {
		last := centres[len(centres)-d:]
		total := 0.0
		for i := range n {
			nearest[i] = min(nearest[i], sqDist(x[i*d:(i+1)*d], last))
			total += nearest[i]
		}
		next := rng.IntN(n) // every row coincides with a centre: any will do
		if total > 0 {
			r := rng.Float64() * total
			for i, w := range nearest {
				if w > 0 {
					next = i // rounding may leave r >= 0 past the end: the last candidate
				}
				if r -= w; r < 0 {
					break
				}
			}
		}
		centres = append(centres, x[next*d:(next+1)*d]...)
	}
	return centres
}
