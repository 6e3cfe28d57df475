package theme

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestARIAndNMI(t *testing.T) {
	cases := []struct {
		name     string
		truth    []int
		found    []string
		ari, nmi float64
	}{
		// By hand: pairs together in both 2, in truth 6, in found 3, of 15: expected
		// 6×3/15 = 1.2, max (6+3)/2 = 4.5, ARI 0.8/3.3. MI (2/3) ln 2 over the mean of
		// ln 2 and ln 3.
		{"split", []int{0, 0, 0, 1, 1, 1}, []string{"a", "a", "b", "b", "c", "c"}, 0.8 / 3.3, (2.0 / 3 * math.Ln2) / ((math.Ln2 + math.Log(3)) / 2)},
		{"same, renamed", []int{0, 0, 1, 1, 2}, []string{"x", "x", "y", "y", "z"}, 1, 1},
		// Every pair disagrees: index 0, expected 2×2/6, max 2: ARI −0.5; independent: NMI 0.
		{"crossed", []int{0, 0, 1, 1}, []string{"a", "b", "a", "b"}, -0.5, 0},
	}
	for _, c := range cases {
		if got := ARI(c.truth, c.found); !near(got, c.ari) {
			t.Errorf("%s: ARI = %.6f, want %.6f", c.name, got, c.ari)
		}
		if got := NMI(c.truth, c.found); !near(got, c.nmi) {
			t.Errorf("%s: NMI = %.6f, want %.6f", c.name, got, c.nmi)
		}
	}
}

func TestSilhouetteAndModularity(t *testing.T) {
	x := Vector{[]int32{0}, []float32{1}}
	y := Vector{[]int32{1}, []float32{1}}
	vecs := []Vector{x, x, y, y}
	if got := Silhouette(vecs, []int{0, 0, 1, 1}); !near(got, 1) {
		t.Errorf("apart groups: silhouette %.4f, want 1", got)
	}
	// a = 1 (the other member is orthogonal), b = 0.5: (0.5 − 1)/1 for every item.
	if got := Silhouette(vecs, []int{0, 1, 0, 1}); !near(got, -0.5) {
		t.Errorf("crossed groups: silhouette %.4f, want -0.5", got)
	}
	if got := Silhouette(vecs, []int{0, 1, 2, 3}); got != 0 {
		t.Errorf("items alone: silhouette %.4f, want 0", got)
	}
	// Two triangles joined by one edge: 3 of 7 edges inside each, each half the degrees.
	adj := [][]int32{{1, 2}, {0, 2}, {0, 1, 3}, {2, 4, 5}, {3, 5}, {3, 4}}
	if got, want := Modularity(adj, []int{0, 0, 0, 1, 1, 1}), 2*(3.0/7-0.25); !near(got, want) {
		t.Errorf("modularity %.6f, want %.6f", got, want)
	}
	if got := Modularity(adj, []int{0, 0, 0, 0, 0, 0}); !near(got, 0) {
		t.Errorf("one group: modularity %.6f, want 0", got)
	}
}

func TestKMeansFindsSeparateGroups(t *testing.T) {
	var vecs []Vector
	var truth []int
	for g := int32(0); g < 3; g++ {
		for i := 0; i < 10; i++ {
			vecs = append(vecs, Vector{[]int32{2 * g, 2*g + 1}, []float32{0.8, 0.6}})
			truth = append(truth, int(g))
		}
	}
	if got := ARI(truth, KMeans(vecs, 6, 3, 1)); got != 1 {
		t.Errorf("three orthogonal groups: ARI %.4f, want 1", got)
	}
}
