package theme

import "strings"

// Stem strips the common inflections of an English word, after Porter's first steps
// (plurals, -ed and -ing, y to i) and a few of his derivational suffixes, then a final
// e, so that refund, refunds, refunded and refunding, or apply, applies and applied,
// share a stem. It expects a folded word (lower case, no accents); words of three
// letters or fewer are left alone. It is deliberately light: it never looks words up,
// and a stem need not be a word (the labels show the words as written).
func Stem(w string) string {
	if len(w) <= 3 || !isASCIIWord(w) {
		return w
	}
	// Plurals.
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies"):
		w = w[:len(w)-2] // ies → i, as y → i below
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	// -eed, -ed, -ing, when what is left has a vowel.
	switch {
	case strings.HasSuffix(w, "eed"):
		if len(w) > 4 {
			w = w[:len(w)-1]
		}
	case strings.HasSuffix(w, "ed") && hasVowel(w[:len(w)-2]) && len(w) > 4:
		w = undouble(w[:len(w)-2])
	case strings.HasSuffix(w, "ing") && hasVowel(w[:len(w)-3]) && len(w) > 5:
		w = undouble(w[:len(w)-3])
	}
	// A few derivational suffixes, when at least three letters with a vowel remain.
	for _, s := range suffixes {
		if strings.HasSuffix(w, s[0]) {
			if rest := w[:len(w)-len(s[0])]; len(rest) >= 3 && hasVowel(rest) {
				w = rest + s[1]
			}
			break
		}
	}
	// y after a consonant is i (happy, happiness); a final e goes (cookie, cookies).
	if n := len(w); n > 2 && w[n-1] == 'y' && !isVowel(w[n-2]) {
		w = w[:n-1] + "i"
	}
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	// A final ll after four letters is l, whether or not a suffix went (cancel,
	// cancelled; install, installed), while fall and falling keep theirs.
	if n := len(w); n > 4 && strings.HasSuffix(w, "ll") {
		w = w[:n-1]
	}
	return w
}

// suffixes are replaced, longest first where one ends another.
var suffixes = [][2]string{
	{"ational", "ate"}, {"tional", "tion"}, {"ization", "ize"}, {"ation", "ate"},
	{"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"}, {"iness", "y"}, {"ness", ""},
	{"ement", "e"},
}

// undouble turns a final double consonant into one (stopp → stop), except ll, ss, zz.
func undouble(w string) string {
	if n := len(w); n > 2 && w[n-1] == w[n-2] && !isVowel(w[n-1]) && !strings.ContainsRune("lsz", rune(w[n-1])) {
		return w[:n-1]
	}
	return w
}

func isVowel(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }

func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}
