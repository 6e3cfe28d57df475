package textsearch

import "strings"

// Stem reduces an English word, lower case, to its stem with the Porter2 (Snowball
// English) algorithm: connect, connected, connecting and connection are all "connect".
// Words with letters outside a–z are returned as they are.
//
// The algorithm is Martin Porter's, as published at snowballstem.org/algorithms/english.
func Stem(word string) string {
	if len(word) <= 2 {
		return word
	}
	for i := 0; i < len(word); i++ {
		if c := word[i]; c < 'a' || c > 'z' {
			return word
		}
	}
	if s, ok := exceptions1[word]; ok {
		return s
	}
	w := []byte(word)
	// y at the start or after a vowel is a consonant: Y.
	for i := range w {
		if w[i] == 'y' && (i == 0 || isVowel(w[i-1])) {
			w[i] = 'Y'
		}
	}
	st := &stemmer{w: w}
	st.regions()
	st.step1a()
	if exceptions2[string(st.w)] {
		return strings.ReplaceAll(string(st.w), "Y", "y")
	}
	st.step1b()
	st.step1c()
	st.step2()
	st.step3()
	st.step4()
	st.step5()
	return strings.ReplaceAll(string(st.w), "Y", "y")
}

var exceptions1 = map[string]string{
	"skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl", "gently": "gentl",
	"ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl",
	"sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}

var exceptions2 = map[string]bool{
	"inning": true, "outing": true, "canning": true, "herring": true, "earring": true,
	"proceed": true, "exceed": true, "succeed": true,
}

type stemmer struct {
	w      []byte
	r1, r2 int // where the regions R1 and R2 start
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// regions finds R1, the part after the first non-vowel that follows a vowel, and R2,
// the same within R1.
func (s *stemmer) regions() {
	w := s.w
	s.r1 = len(w)
	switch {
	case hasPrefix(w, "gener"), hasPrefix(w, "arsen"):
		s.r1 = 5
	case hasPrefix(w, "commun"):
		s.r1 = 6
	default:
		s.r1 = regionAfter(w, 0)
	}
	s.r2 = regionAfter(w, s.r1)
}

func regionAfter(w []byte, from int) int {
	for i := from + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

func hasPrefix(w []byte, p string) bool { return len(w) >= len(p) && string(w[:len(p)]) == p }
func hasSuffix(w []byte, x string) bool { return len(w) >= len(x) && string(w[len(w)-len(x):]) == x }

// longest returns the longest of the suffixes that w ends with, or "".
func (s *stemmer) longest(suffixes ...string) string {
	best := ""
	for _, x := range suffixes {
		if len(x) > len(best) && hasSuffix(s.w, x) {
			best = x
		}
	}
	return best
}

func (s *stemmer) inR1(suffix string) bool { return len(s.w)-len(suffix) >= s.r1 }
func (s *stemmer) inR2(suffix string) bool { return len(s.w)-len(suffix) >= s.r2 }

func (s *stemmer) replace(suffix, with string) {
	s.w = append(s.w[:len(s.w)-len(suffix)], with...)
}

func containsVowel(w []byte) bool {
	for _, c := range w {
		if isVowel(c) {
			return true
		}
	}
	return false
}

// shortSyllableAt reports whether w ends in a short syllable: a vowel followed by a
// non-vowel other than w, x or Y and preceded by a non-vowel, or a vowel at the start
// followed by a non-vowel.
func endsShortSyllable(w []byte) bool {
	n := len(w)
	if n == 2 {
		return isVowel(w[0]) && !isVowel(w[1])
	}
	if n < 3 {
		return false
	}
	c := w[n-1]
	return !isVowel(w[n-3]) && isVowel(w[n-2]) && !isVowel(c) && c != 'w' && c != 'x' && c != 'Y'
}

func (s *stemmer) isShort() bool { return s.r1 >= len(s.w) && endsShortSyllable(s.w) }

func (s *stemmer) step1a() {
	switch x := s.longest("sses", "ied", "ies", "s", "us", "ss"); x {
	case "sses":
		s.replace(x, "ss")
	case "ied", "ies":
		if len(s.w) > 4 {
			s.replace(x, "i")
		} else {
			s.replace(x, "ie")
		}
	case "s":
		if containsVowel(s.w[:len(s.w)-2]) {
			s.replace(x, "")
		}
	}
}

func (s *stemmer) step1b() {
	switch x := s.longest("eed", "eedly", "ed", "edly", "ing", "ingly"); x {
	case "eed", "eedly":
		if s.inR1(x) {
			s.replace(x, "ee")
		}
	case "ed", "edly", "ing", "ingly":
		if !containsVowel(s.w[:len(s.w)-len(x)]) {
			return
		}
		s.replace(x, "")
		switch {
		case hasSuffix(s.w, "at"), hasSuffix(s.w, "bl"), hasSuffix(s.w, "iz"):
			s.w = append(s.w, 'e')
		case s.endsDouble():
			s.w = s.w[:len(s.w)-1]
		case s.isShort():
			s.w = append(s.w, 'e')
		}
	}
}

func (s *stemmer) endsDouble() bool {
	for _, d := range []string{"bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"} {
		if hasSuffix(s.w, d) {
			return true
		}
	}
	return false
}

func (s *stemmer) step1c() {
	n := len(s.w)
	if n > 2 && (s.w[n-1] == 'y' || s.w[n-1] == 'Y') && !isVowel(s.w[n-2]) {
		s.w[n-1] = 'i'
	}
}

var step2Rules = map[string]string{
	"tional": "tion", "enci": "ence", "anci": "ance", "abli": "able", "entli": "ent", "izer": "ize", "ization": "ize",
	"ational": "ate", "ation": "ate", "ator": "ate", "alism": "al", "aliti": "al", "alli": "al", "fulness": "ful",
	"ousli": "ous", "ousness": "ous", "iveness": "ive", "iviti": "ive", "biliti": "ble", "bli": "ble", "ogi": "og",
	"fulli": "ful", "lessli": "less", "li": "",
}

var step2Suffixes = keys(step2Rules)

func (s *stemmer) step2() {
	x := s.longest(step2Suffixes...)
	if x == "" || !s.inR1(x) {
		return
	}
	before := s.w[:len(s.w)-len(x)]
	switch x {
	case "ogi":
		if !hasSuffix(before, "l") {
			return
		}
	case "li":
		if len(before) == 0 || !strings.ContainsRune("cdeghkmnrt", rune(before[len(before)-1])) {
			return
		}
	}
	s.replace(x, step2Rules[x])
}

var step3Rules = map[string]string{
	"tional": "tion", "ational": "ate", "alize": "al", "icate": "ic", "iciti": "ic", "ical": "ic",
	"ful": "", "ness": "", "ative": "",
}

var step3Suffixes = keys(step3Rules)

func (s *stemmer) step3() {
	x := s.longest(step3Suffixes...)
	if x == "" || !s.inR1(x) || (x == "ative" && !s.inR2(x)) {
		return
	}
	s.replace(x, step3Rules[x])
}

var step4Suffixes = []string{"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent",
	"ism", "ate", "iti", "ous", "ive", "ize", "ion"}

func (s *stemmer) step4() {
	x := s.longest(step4Suffixes...)
	if x == "" || !s.inR2(x) {
		return
	}
	if x == "ion" {
		before := s.w[:len(s.w)-3]
		if len(before) == 0 || (before[len(before)-1] != 's' && before[len(before)-1] != 't') {
			return
		}
	}
	s.replace(x, "")
}

func (s *stemmer) step5() {
	n := len(s.w)
	switch {
	case s.w[n-1] == 'e':
		if s.inR2("e") || (s.inR1("e") && !endsShortSyllable(s.w[:n-1])) {
			s.w = s.w[:n-1]
		}
	case s.w[n-1] == 'l':
		if s.inR2("l") && n >= 2 && s.w[n-2] == 'l' {
			s.w = s.w[:n-1]
		}
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
