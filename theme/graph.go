package theme

import (
	"slices"
	"sync"
)

// Neighbours is the number of nearest neighbours each item links to in the graph the
// threshold is chosen on.
const Neighbours = 10

// knnGraph links each item to its Neighbours most similar items (cosine, among those
// sharing a term) and returns the undirected edges' adjacency lists: an edge is there
// when either end chose the other.
func knnGraph(vecs []Vector, workers int) [][]int32 {
	type entry struct {
		item int32
		w    float32
	}
	post := map[int32][]entry{}
	for i, v := range vecs {
		for k, t := range v.Terms {
			post[t] = append(post[t], entry{int32(i), v.Weights[k]})
		}
	}
	chosen := make([][]int32, len(vecs))
	var wg sync.WaitGroup
	chunk := (len(vecs) + workers - 1) / workers
	for lo := 0; lo < len(vecs); lo += chunk {
		hi := min(lo+chunk, len(vecs))
		wg.Go(func() {
			acc := make([]float32, len(vecs))
			var touched []int32
			var h topK
			for i := lo; i < hi; i++ {
				x := vecs[i]
				for k, t := range x.Terms {
					for _, e := range post[t] {
						if int(e.item) == i {
							continue
						}
						if acc[e.item] == 0 {
							touched = append(touched, e.item)
						}
						acc[e.item] += x.Weights[k] * e.w
					}
				}
				h.reset(Neighbours)
				for _, j := range touched {
					h.add(j, acc[j])
					acc[j] = 0
				}
				near, _ := h.sorted()
				chosen[i] = slices.Clone(near)
				touched = touched[:0]
			}
		})
	}
	wg.Wait()
	adj := make([][]int32, len(vecs))
	for i, js := range chosen {
		for _, j := range js {
			if !slices.Contains(adj[i], j) {
				adj[i] = append(adj[i], j)
				adj[j] = append(adj[j], int32(i))
			}
		}
	}
	return adj
}

// Modularity is Newman's modularity of a grouping on an undirected graph: the share of
// edges inside groups less the share expected if edges fell at random between the same
// degrees. Items of NoTheme are each a group alone.
func Modularity(adj [][]int32, labels []int) float64 {
	var m2 float64 // twice the edges
	inside := map[int]float64{}
	degree := map[int]float64{}
	for i, js := range adj {
		m2 += float64(len(js))
		g := labels[i]
		if g == NoTheme {
			g = -2 - i
		}
		degree[g] += float64(len(js))
		for _, j := range js {
			if labels[j] == labels[i] && labels[i] != NoTheme {
				inside[g]++
			}
		}
	}
	if m2 == 0 {
		return 0
	}
	var q float64
	for g, d := range degree {
		q += inside[g]/m2 - (d/m2)*(d/m2)
	}
	return q
}
