// Package fold prepares text to be compared the way people read it: lower case, accents
// removed, the letters that do not decompose into a base letter and an accent spelled
// out (ß as ss, ł as l), split into words of letters and digits. Customer search and
// record linkage both fold with it, so that what one finds alike the other does too.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// special spells the lower-case letters that have no decomposition.
var special = map[rune]string{
	'ß': "ss", 'ø': "o", 'æ': "ae", 'œ': "oe", 'ł': "l", 'đ': "d", 'ı': "i", 'þ': "th", 'ð': "d",
}

// Words splits s into its folded words: "Zoë Müller-Łukasik" is zoe, muller, lukasik.
func Words(s string) []string {
	return strings.FieldsFunc(lower(s), separates)
}

// String is s folded, its words joined by single spaces: "  O'NEILL " is "o neill".
func String(s string) string {
	if !isASCII(s) {
		return strings.Join(Words(s), " ")
	}
	// ASCII, the common case, in one pass without allocating the words.
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte(c)
			space = false
		} else {
			space = true
		}
	}
	return b.String()
}

func separates(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// lower lower-cases s and removes its accents.
func lower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // the accent of a decomposed letter
		}
		r = unicode.ToLower(r)
		if spelled, ok := special[r]; ok {
			b.WriteString(spelled)
		} else {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String()) // recomposes scripts whose letters decompose without accents (Hangul)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
