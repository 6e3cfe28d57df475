package theme

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestTopKMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, k := range []int{0, 1, 3, 10, 50} {
		var h topK
		h.reset(k)
		var all []int32
		w := map[int32]float32{}
		for i := int32(0); i < 40; i++ {
			w[i] = float32(r.IntN(8)) // many ties: the lower id wins them
			all = append(all, i)
			h.add(i, w[i])
		}
		slices.SortFunc(all, func(a, b int32) int {
			if c := cmp.Compare(w[b], w[a]); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		got, weights := h.sorted()
		if want := all[:min(k, len(all))]; !slices.Equal(got, want) {
			t.Errorf("k = %d: top %v, want %v", k, got, want)
		}
		for i, item := range got {
			if weights[i] != w[item] {
				t.Errorf("k = %d: item %d weighs %v, want %v", k, item, weights[i], w[item])
			}
		}
	}
}
