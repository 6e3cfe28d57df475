package linkage

import (
	"strings"
	"unicode/utf8"
)

// digits keeps only the digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// jaroWinkler is the Jaro–Winkler similarity of a and b, from 0 (nothing in common) to 1
// (equal), with the usual prefix scale of 0.1 over at most four characters. Names fit
// the buffers on the stack, so comparing them allocates nothing.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	if a == "" || b == "" {
		return 0
	}
	var bufA, bufB [64]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	var flagA, flagB [64]bool
	matchedA, matchedB := flagA[:], flagB[:]
	if len(rb) > len(flagB) {
		matchedA, matchedB = make([]bool, len(ra)), make([]bool, len(rb))
	}
	window := max(len(rb)/2-1, 0)
	m := 0
	for i := range ra {
		for j := max(0, i-window); j < min(len(rb), i+window+1); j++ {
			if !matchedB[j] && ra[i] == rb[j] {
				matchedA[i], matchedB[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	transposed, j := 0, 0
	for i := range ra {
		if !matchedA[i] {
			continue
		}
		for !matchedB[j] {
			j++
		}
		if ra[i] != rb[j] {
			transposed++
		}
		j++
	}
	prefix := 0
	for prefix < min(4, len(ra)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return winkler(m, transposed, len(ra), len(rb), prefix)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func winkler(m, transposed, la, lb, prefix int) float64 {
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(transposed)/2)/fm) / 3
	return jaro + float64(prefix)*0.1*(1-jaro)
}

// editDistance is the Damerau–Levenshtein distance of a and b (insertions, deletions,
// substitutions and transpositions of neighbours), or limit+1 once it exceeds limit.
func editDistance(a, b string, limit int) int {
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

// soundex is the American Soundex code of a folded word ("robert" → "r163"), the
// phonetic key of names; all zero bytes for a word without letters.
func soundex(s string) [4]byte {
	const codes = "01230120022455012623010202" // a … z
	var out [4]byte
	n := 0
	var last byte
	for i := 0; i < len(s) && n < 4; i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			continue
		}
		code := codes[c-'a']
		if n == 0 {
			out[0] = c
			n = 1
			last = code
			continue
		}
		if code != '0' && code != last {
			out[n] = code
			n++
		}
		if c != 'h' && c != 'w' {
			last = code
		}
	}
	if n == 0 {
		return out
	}
	for ; n < 4; n++ {
		out[n] = '0'
	}
	return out
}
