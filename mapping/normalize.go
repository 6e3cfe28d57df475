package mapping

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportckm/rapport/fold"
)

// countries.txt has one country a line: its ISO 3166-1 alpha-2 and alpha-3 codes and
// its English name, then other names separated by |: native names of the commoner
// countries and the usual short forms.
//
//go:embed countries.txt
var countryTable string

// countries maps every code and name, folded to letters only, to the alpha-2 code.
var countries = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(countryTable), "\n") {
		parts := strings.SplitN(line, " ", 3)
		for _, name := range append(parts[:2], strings.Split(parts[2], "|")...) {
			m[countryKey(name)] = parts[0]
		}
	}
	return m
}()

func countryKey(s string) string {
	var b strings.Builder
	for _, r := range fold.String(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CountryCode returns the ISO 3166-1 alpha-2 code of a country written as a code
// (PT, PRT) or a name in English or its own language (Portugal, Deutschland, España).
func CountryCode(s string) (string, bool) {
	code, ok := countries[countryKey(s)]
	return code, ok
}

// Name tidies a person's name: spaces trimmed and collapsed, and a name written all in
// capitals or all in lower case put in title case ("MÜLLER" → "Müller", "o'neill" →
// "O'Neill", "ana de sousa" → "Ana de Sousa"). A name in mixed case is kept as written.
func Name(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s != strings.ToUpper(s) && s != strings.ToLower(s) {
		return s
	}
	words := strings.Split(strings.ToLower(s), " ")
	for i, w := range words {
		if i > 0 && i < len(words)-1 && particles[w] {
			continue
		}
		words[i] = titleWord(w)
	}
	return strings.Join(words, " ")
}

// particles stay in lower case inside a name: "Ludwig van Beethoven".
var particles = map[string]bool{
	"van": true, "von": true, "der": true, "den": true, "de": true, "da": true, "das": true, "do": true, "dos": true,
	"di": true, "du": true, "del": true, "della": true, "la": true, "le": true, "y": true, "e": true, "zu": true, "ten": true, "ter": true,
}

// titleWord capitalises the first letter of the word and of each part after a hyphen
// or an apostrophe.
func titleWord(w string) string {
	var b strings.Builder
	upper := true
	for _, r := range w {
		if upper && unicode.IsLetter(r) {
			b.WriteRune(unicode.ToTitle(r))
			upper = false
			continue
		}
		b.WriteRune(r)
		upper = r == '-' || r == '\'' || r == '’'
	}
	return b.String()
}

// Postcode upper-cases a postcode and normalises its spacing: single spaces, and the
// space of the countries whose codes have one where it belongs (SW1A1AA → SW1A 1AA in
// the United Kingdom, 1234ab → 1234 AB in the Netherlands).
func Postcode(s, country string) string {
	s = strings.ToUpper(strings.Join(strings.Fields(s), " "))
	compact := strings.ReplaceAll(s, " ", "")
	n := utf8.RuneCountInString(compact)
	switch country {
	case "GB", "CA":
		if n >= 5 && n <= 7 {
			return compact[:len(compact)-3] + " " + compact[len(compact)-3:]
		}
	case "NL":
		if n == 6 {
			return compact[:4] + " " + compact[4:]
		}
	case "PT":
		if n == 7 && !strings.Contains(compact, "-") {
			return compact[:4] + "-" + compact[4:]
		}
	}
	return s
}
