package theme

// topK keeps the k items with the highest weights seen by add, the first term (lowest
// id) on a tie: a min-heap, so n items cost n log k rather than a sort of all n.
type topK struct {
	k     int
	items []int32
	w     []float32
}

func (h *topK) reset(k int) { h.k, h.items, h.w = k, h.items[:0], h.w[:0] }

// less orders the heap: the weaker item first.
func (h *topK) less(i, j int) bool {
	if h.w[i] != h.w[j] {
		return h.w[i] < h.w[j]
	}
	return h.items[i] > h.items[j]
}

func (h *topK) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.w[i], h.w[j] = h.w[j], h.w[i]
}

func (h *topK) add(item int32, w float32) {
	if len(h.items) < h.k {
		h.items, h.w = append(h.items, item), append(h.w, w)
		for i := len(h.items) - 1; i > 0; {
			p := (i - 1) / 2
			if !h.less(i, p) {
				break
			}
			h.swap(i, p)
			i = p
		}
		return
	}
	if h.k == 0 || w < h.w[0] || w == h.w[0] && item > h.items[0] {
		return
	}
	h.items[0], h.w[0] = item, w
	h.down(0, len(h.items))
}

func (h *topK) down(i, n int) {
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		if r := l + 1; r < n && h.less(r, l) {
			l = r
		}
		if !h.less(l, i) {
			return
		}
		h.swap(i, l)
		i = l
	}
}

// sorted empties the heap into its items, heaviest first.
func (h *topK) sorted() ([]int32, []float32) {
	for n := len(h.items) - 1; n > 0; n-- {
		h.swap(0, n)
		h.down(0, n)
	}
	return h.items, h.w
}
