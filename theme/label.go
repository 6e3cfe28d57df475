package theme

import (
	"cmp"
	"slices"
	"strings"
)

// Label names theme t by its characteristic terms: those with the highest mean TF-IDF
// weight among its items (so frequent in the theme and rare in the corpus), written as
// the words they most often stand for, two to four words in all where the theme has
// them. A pair of words replaces a single word it contains ("card" then "credit card"
// is "credit card") and a term with a word already there is left out; once there
// are two words, terms weighing under 40 % of the
// heaviest are left out.
func (m *Model) Label(t int) string {
	th, terms := m.themes[t], m.heaviest(t)
	var parts [][]string
	words := 0
	has := func(w string) bool {
		for _, p := range parts {
			if slices.Contains(p, w) {
				return true
			}
		}
		return false
	}
	for i, term := range terms {
		if i == 20 || words >= 3 || words >= 2 && th.sum[term] < 0.4*th.sum[terms[0]] {
			break
		}
		ws := strings.Fields(m.Vocabulary.Surface(term))
		fresh := 0
		for _, w := range ws {
			if !has(w) {
				fresh++
			}
		}
		if fresh == 0 {
			continue
		}
		// A pair replaces the single word of it already in the label.
		replaced := false
		for k, p := range parts {
			if len(p) == 1 && len(ws) > 1 && slices.Contains(ws, p[0]) && words-1+len(ws) <= 4 {
				parts[k], words, replaced = ws, words-1+len(ws), true
				break
			}
		}
		if !replaced && fresh == len(ws) && words+len(ws) <= 4 {
			parts = append(parts, ws)
			words += len(ws)
		}
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.Join(p, " ")
	}
	return strings.Join(out, ", ")
}

// heaviest lists theme t's terms by their summed weight over its items, heaviest
// first (ties by term, so that labels are repeatable).
func (m *Model) heaviest(t int) []int32 {
	th := m.themes[t]
	terms := make([]int32, 0, len(th.sum))
	for term := range th.sum {
		terms = append(terms, term)
	}
	slices.SortFunc(terms, func(a, b int32) int {
		if c := cmp.Compare(th.sum[b], th.sum[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return terms
}
