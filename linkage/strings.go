package linkage

import "strings"

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

func winkler(m, transposed, la, lb, prefix int) float64 {
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(transposed)/2)/fm) / 3
	return jaro + float64(prefix)*0.1*(1-jaro)
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
