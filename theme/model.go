package theme

import "math"

// Model holds themes so that new items can be put in them one at a time: each theme's
// summed vector and, in an inverted index from terms to themes, its centroid's
// heaviest terms. Scoring a new item reads only the index entries of its own terms, so
// only themes that share a term with it are looked at. A Model is not safe for
// concurrent use.
type Model struct {
	Vocabulary *Vocabulary
	Threshold  float64 // the least similarity to a theme's centroid for an item to join it
	TopTerms   int     // centroid terms indexed per theme

	themes []*theme
	post   [][]posting // by term: themes weighing it, some stale (see theme.gen)
	live   []int32     // by term: the entries of post that are not stale
	sc     scorer
}

type posting struct {
	theme int32
	gen   uint32
	w     float32
}

type theme struct {
	size      int
	sum       map[int32]float32 // the sum of its items' vectors
	gen       uint32            // bumped when its index entries are replaced
	indexed   []int32           // the terms it has in the index
	refreshAt int               // the size at which its index entries are next renewed
}

// DefaultTopTerms is how many of a centroid's heaviest terms stand for it in the index.
const DefaultTopTerms = 64

// NewModel makes a model without themes.
func NewModel(v *Vocabulary, threshold float64, topTerms int) *Model {
	if topTerms <= 0 {
		topTerms = DefaultTopTerms
	}
	return &Model{Vocabulary: v, Threshold: threshold, TopTerms: topTerms,
		post: make([][]posting, len(v.Terms)), live: make([]int32, len(v.Terms))}
}

// Len is the number of themes.
func (m *Model) Len() int { return len(m.themes) }

// Size is the number of items in theme t.
func (m *Model) Size(t int) int { return m.themes[t].size }

// Items is the number of items in all themes.
func (m *Model) Items() int {
	n := 0
	for _, t := range m.themes {
		n += t.size
	}
	return n
}

// Assign puts a new text in the most similar theme, or in a new theme when none is at
// least Threshold similar, and returns the theme's number.
func (m *Model) Assign(text string) int { return m.Add(m.Vocabulary.VectorOf(text)) }

// Add puts a vector in the most similar theme or a new one and returns its number; an
// empty vector (no known term) is in NoTheme.
func (m *Model) Add(x Vector) int {
	if len(x.Terms) == 0 {
		return NoTheme
	}
	t, sim := m.sc.best(m, x)
	if t < 0 || sim < m.Threshold {
		t = m.newTheme()
	}
	m.addTo(t, x)
	return t
}

// Nearest is the theme most similar to x and its similarity, or -1 when no theme
// shares a term with it. The similarity is the cosine with the theme's indexed terms.
func (m *Model) Nearest(x Vector) (int, float64) { return m.sc.best(m, x) }

func (m *Model) newTheme() int {
	m.themes = append(m.themes, &theme{sum: map[int32]float32{}})
	return len(m.themes) - 1
}

func (m *Model) addTo(t int, x Vector) {
	th := m.themes[t]
	for i, term := range x.Terms {
		th.sum[term] += x.Weights[i]
	}
	th.size++
	if th.size >= th.refreshAt {
		m.reindex(t)
		th.refreshAt = th.size + max(1, th.size/4)
	}
}

// centroid is theme t's heaviest terms and their weights in its unit-length centroid.
func (m *Model) centroid(t int) ([]int32, []float32) {
	th := m.themes[t]
	var norm float64
	var h topK
	h.reset(m.TopTerms)
	for term, w := range th.sum {
		norm += float64(w) * float64(w)
		h.add(term, w)
	}
	terms, weights := h.sorted()
	inv := 1 / math.Sqrt(norm)
	for i := range weights {
		weights[i] = float32(float64(weights[i]) * inv)
	}
	return terms, weights
}

// reindex replaces theme t's index entries with its centroid's current heaviest terms;
// the old ones go stale and are dropped when they make up half of a term's list.
func (m *Model) reindex(t int) {
	th := m.themes[t]
	for _, term := range th.indexed {
		m.live[term]--
		if p := m.post[term]; len(p) > 8 && len(p) > 2*int(m.live[term]) {
			m.compact(term, t)
		}
	}
	th.gen++
	terms, weights := m.centroid(t)
	for i, term := range terms {
		m.post[term] = append(m.post[term], posting{int32(t), th.gen, weights[i]})
		m.live[term]++
	}
	th.indexed = terms
}

// compact drops the stale entries of a term's list; theme skip is being reindexed, so
// all of its entries are stale.
func (m *Model) compact(term int32, skip int) {
	p := m.post[term][:0]
	for _, e := range m.post[term] {
		if int(e.theme) != skip && e.gen == m.themes[e.theme].gen {
			p = append(p, e)
		}
	}
	clear(m.post[term][len(p):])
	m.post[term] = p
}

// scorer adds up an item's similarity to the themes that share its terms.
type scorer struct {
	acc     []float32
	touched []int32
}

func (s *scorer) best(m *Model, x Vector) (int, float64) { return s.bestOf(m, x, nil) }

// bestOf is the most similar of the themes ok allows (all when nil).
func (s *scorer) bestOf(m *Model, x Vector, ok func(int) bool) (int, float64) {
	if len(s.acc) < len(m.themes) {
		s.acc = append(s.acc, make([]float32, len(m.themes)-len(s.acc))...)
	}
	for i, term := range x.Terms {
		w := x.Weights[i]
		for _, p := range m.post[term] {
			if p.gen != m.themes[p.theme].gen {
				continue
			}
			if s.acc[p.theme] == 0 {
				s.touched = append(s.touched, p.theme)
			}
			s.acc[p.theme] += w * p.w
		}
	}
	best, sim := -1, float32(0)
	for _, t := range s.touched {
		if a := s.acc[t]; (a > sim || a == sim && int(t) < best) && (ok == nil || ok(int(t))) {
			best, sim = int(t), a
		}
		s.acc[t] = 0
	}
	s.touched = s.touched[:0]
	return best, float64(sim)
}
