package kmeans

import (
	"slices"
	"testing"
)

// TestSilhouette checks two labellings of four points, worked out by hand. The points
// lie on a line at 0, 1, 4 and 6, the line running along (0.6, 0.8) so that the
// distances are Euclidean ones in two dimensions.
func TestSilhouette(t *testing.T) {
	var x []float64
	for _, at := range []float64{0, 1, 4, 6} {
		x = append(x, 0.6*at, 0.8*at)
	}
	got := meanSilhouettes(x, 2, []int{0, 1, 2, 3}, [][]int{{0, 0, 1, 1}, {0, 0, 0, 1}})
	want := []float64{
		// {0, 1} and {4, 6}: a is the distance to the partner, b the mean distance to
		// the other pair; (b-a)/max(a, b) for each point.
		((5-1)/5.0 + (4-1)/4.0 + (3.5-2)/3.5 + (5.5-2)/5.5) / 4,
		// {0, 1, 4} and {6}: 6 is alone, so 0; 4 is nearer 6 than its own, so negative.
		((6-2.5)/6 + (5-2)/5.0 + (2-3.5)/3.5 + 0) / 4,
	}
	for l := range want {
		if !close(got[l], want[l], 1e-12) {
			t.Errorf("labelling %d: silhouette %.15f, want %.15f", l, got[l], want[l])
		}
	}
	// On a sample of three of the points, the fourth does not count.
	got = meanSilhouettes(x, 2, []int{0, 1, 3}, [][]int{{0, 0, 1, 1}})
	if want := ((6-1)/6.0 + (5-1)/5.0 + 0) / 3; !close(got[0], want, 1e-12) {
		t.Errorf("on the sample: silhouette %.15f, want %.15f", got[0], want)
	}
}

func TestDrawSample(t *testing.T) {
	s := drawSample(1000, 100, 9)
	if len(s) != 100 || !slices.IsSorted(s) || len(slices.Compact(slices.Clone(s))) != 100 || s[0] < 0 || s[99] >= 1000 {
		t.Errorf("sample %v: want 100 distinct rows of 1000, sorted", s)
	}
	if !slices.Equal(s, drawSample(1000, 100, 9)) {
		t.Error("the same seed drew another sample")
	}
	if slices.Equal(s, drawSample(1000, 100, 10)) {
		t.Error("another seed drew the same sample")
	}
	if all := drawSample(5, 100, 9); !slices.Equal(all, []int{0, 1, 2, 3, 4}) {
		t.Errorf("sample %v of 5 rows, want them all", all)
	}
}
