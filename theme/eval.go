package theme

import (
	"math"
	"math/rand/v2"
)

// contingency counts the items of each pair of a true class and a found group.
func contingency[A, B comparable](truth []A, found []B) (cells map[[2]int]int, rows, cols []int) {
	ai, bi := map[A]int{}, map[B]int{}
	cells = map[[2]int]int{}
	for i := range truth {
		a, ok := ai[truth[i]]
		if !ok {
			a = len(ai)
			ai[truth[i]] = a
			rows = append(rows, 0)
		}
		b, ok := bi[found[i]]
		if !ok {
			b = len(bi)
			bi[found[i]] = b
			cols = append(cols, 0)
		}
		cells[[2]int{a, b}]++
		rows[a]++
		cols[b]++
	}
	return cells, rows, cols
}

func pairs(n int) float64 { return float64(n) * float64(n-1) / 2 }

// ARI is the adjusted Rand index of a grouping against the true classes (Hubert and
// Arabie): the share of pairs of items on whose togetherness the two agree, corrected
// for chance, so that 1 is the same partition and about 0 a random one.
func ARI[A, B comparable](truth []A, found []B) float64 {
	cells, rows, cols := contingency(truth, found)
	var index, sumA, sumB float64
	for _, n := range cells {
		index += pairs(n)
	}
	for _, n := range rows {
		sumA += pairs(n)
	}
	for _, n := range cols {
		sumB += pairs(n)
	}
	expected := sumA * sumB / pairs(len(truth))
	maxIndex := (sumA + sumB) / 2
	if maxIndex == expected {
		return 1 // both put every item alone, or all together
	}
	return (index - expected) / (maxIndex - expected)
}

// NMI is the normalised mutual information of a grouping and the true classes: their
// mutual information over the mean of their entropies (scikit-learn's default), from 0
// (independent) to 1 (the same partition).
func NMI[A, B comparable](truth []A, found []B) float64 {
	cells, rows, cols := contingency(truth, found)
	n := float64(len(truth))
	entropy := func(counts []int) float64 {
		var h float64
		for _, c := range counts {
			p := float64(c) / n
			h -= p * math.Log(p)
		}
		return h
	}
	var mi float64
	for k, c := range cells {
		p := float64(c) / n
		mi += p * math.Log(p*n*n/float64(rows[k[0]])/float64(cols[k[1]]))
	}
	ha, hb := entropy(rows), entropy(cols)
	if ha == 0 && hb == 0 {
		return 1
	}
	return mi / ((ha + hb) / 2)
}

// KMeans is the baseline: spherical k-means of unit vectors into k groups (k-means++
// seeding on the cosine distance, then Lloyd iterations on the dot product, centroids
// scaled back to length 1) until no item moves or after 100 iterations.
func KMeans(vecs []Vector, dim, k int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, 3))
	n := len(vecs)
	centres := make([][]float64, 0, k)
	dense := func(v Vector) []float64 {
		c := make([]float64, dim)
		for i, t := range v.Terms {
			c[t] = float64(v.Weights[i])
		}
		return c
	}
	sim := func(c []float64, v Vector) float64 {
		var s float64
		for i, t := range v.Terms {
			s += c[t] * float64(v.Weights[i])
		}
		return s
	}
	// k-means++: each next centre drawn with probability proportional to the distance
	// to the nearest centre so far.
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	next := r.IntN(n)
	for len(centres) < k {
		c := dense(vecs[next])
		centres = append(centres, c)
		var total float64
		for i, v := range vecs {
			dist[i] = min(dist[i], 1-sim(c, v))
			total += dist[i]
		}
		if total <= 0 {
			next = r.IntN(n)
			continue
		}
		x := r.Float64() * total
		for i, d := range dist {
			if x -= d; x <= 0 {
				next = i
				break
			}
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = -1
	}
	for iter := 0; iter < 100; iter++ {
		moved := 0
		for i, v := range vecs {
			best, bs := 0, math.Inf(-1)
			for j, c := range centres {
				if s := sim(c, v); s > bs {
					best, bs = j, s
				}
			}
			if labels[i] != best {
				labels[i] = best
				moved++
			}
		}
		if moved == 0 {
			break
		}
		for _, c := range centres {
			clear(c)
		}
		counts := make([]int, k)
		for i, v := range vecs {
			counts[labels[i]]++
			for j, t := range v.Terms {
				centres[labels[i]][t] += float64(v.Weights[j])
			}
		}
		for j, c := range centres {
			if counts[j] == 0 {
				copy(c, dense(vecs[r.IntN(n)])) // an empty group restarts at a random item
				continue
			}
			var norm float64
			for _, x := range c {
				norm += x * x
			}
			if norm > 0 {
				norm = math.Sqrt(norm)
				for d := range c {
					c[d] /= norm
				}
			}
		}
	}
	return labels
}
