package synth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// accentFolds maps the lower-case letters in the lists to their plain
// ASCII spelling.
var accentFolds = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ą': "a",
	'ç': "c", 'ć': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ę': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ł': "l", 'ñ': "n", 'ń': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o",
	'ś': "s", 'ß': "ss",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z",
	'æ': "ae", 'œ': "oe", 'º': "o",
}

// transliterations are the German and Nordic spellings some systems use
// instead of dropping the accent: Müller → Mueller, Håkansson → Haakansson.
var transliterations = map[rune]string{
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'å': "aa", 'ø': "oe", 'æ': "ae",
}

// foldAccents spells s in ASCII, as systems without accents do.
func foldAccents(s string, translit bool) string {
	if isASCII(s) {
		return s
	}
	allUpper := strings.ToUpper(s) == s
	var b strings.Builder
	b.Grow(len(s) + 2)
	for _, c := range s {
		rep, ok := foldRune(unicode.ToLower(c), translit)
		switch {
		case !ok:
			b.WriteRune(c)
		case !unicode.IsUpper(c):
			b.WriteString(rep)
		case allUpper:
			b.WriteString(strings.ToUpper(rep))
		default: // Ü in "Übel" → "Ue"
			b.WriteString(strings.ToUpper(rep[:1]))
			b.WriteString(rep[1:])
		}
	}
	return b.String()
}

func foldRune(c rune, translit bool) (string, bool) {
	if translit {
		if rep, ok := transliterations[c]; ok {
			return rep, true
		}
	}
	rep, ok := accentFolds[c]
	return rep, ok
}

// appendSlug appends s in lower-case ASCII letters and digits only, for
// e-mail local parts: "José Luis" → "joseluis", "O'Brien" → "obrien".
func appendSlug(b []byte, s string, translit bool) []byte {
	for _, c := range s {
		c = unicode.ToLower(c)
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			b = append(b, byte(c))
		} else if rep, ok := foldRune(c, translit); ok {
			b = append(b, rep...)
		}
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
