// Package editdistance counts the typing mistakes between two words, for the record
// linkage's name and date comparisons and the knowledge base's corrections.
package editdistance

import "unicode/utf8"

// Distance is the restricted Damerau–Levenshtein distance (optimal string alignment)
// of a and b in letters — insertions, deletions, substitutions and swaps of neighbours
// cost 1 — or limit+1 once it exceeds limit.
func Distance(a, b string, limit int) int {
	if a == b {
		return 0
	}
	if d := len(a) - len(b); isASCII(a) && isASCII(b) && (d > limit || -d > limit) {
		return limit + 1
	}
	var ra, rb []rune
	var bufA, bufB [32]rune
	ra, rb = appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	// Three rows of the distance matrix, on the stack for short strings.
	var rows [3][33]int
	prev2, prev, cur := rows[0][:], rows[1][:], rows[2][:]
	if len(rb) >= 33 {
		prev2, prev, cur = make([]int, len(rb)+1), make([]int, len(rb)+1), make([]int, len(rb)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			best = min(best, d)
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}

func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		dst = append(dst, r)
	}
	return dst
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
