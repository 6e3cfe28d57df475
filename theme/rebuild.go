package theme

import (
	"slices"
)

// ModelOf makes the model of a grouping known already, such as the themes stored by
// the server: labels[i] is the theme of vecs[i], from 0, or NoTheme. Themes no item
// is in are kept empty, so that theme numbers stay as given.
func ModelOf(v *Vocabulary, threshold float64, vecs []Vector, labels []int) *Model {
	m := NewModel(v, threshold, 0)
	for i, t := range labels {
		if t == NoTheme || len(vecs[i].Terms) == 0 {
			continue
		}
		for t >= m.Len() {
			m.newTheme()
		}
		m.addSum(t, vecs[i])
	}
	m.reindexAll()
	return m
}

// AddTo puts a vector in theme t, as an item staff placed there or one another process
// assigned; t may be one past the last theme, which makes a new theme.
func (m *Model) AddTo(t int, x Vector) {
	for t >= m.Len() {
		m.newTheme()
	}
	if len(x.Terms) == 0 {
		return
	}
	m.addTo(t, x)
}

// Terms are theme t's n characteristic terms, heaviest first (by their mean TF-IDF
// weight over its items), written as the words they most often stand for.
func (m *Model) Terms(t, n int) []string {
	terms := m.heaviest(t)
	out := make([]string, 0, n)
	for _, term := range terms {
		if len(out) == n {
			break
		}
		if w := m.Vocabulary.Surface(term); !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
