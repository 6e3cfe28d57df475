package sqldb

import (
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/fold"
)

// Search text is prepared in Go, the same for both databases: folded to lower case
// without accents and split into words of letters and digits. The database's own engine
// (FTS5 or tsvector) then only indexes space-separated words, so both find the same
// customers for the same query.

// words splits text into folded words: lower case, without accents.
func words(s string) []string { return fold.Words(s) }

// sortName is the key customers are listed by.
func sortName(name string) string { return fold.String(name) }

// searchTerms turns what a user typed into terms to match as prefixes, at most eight.
func searchTerms(q string) []string {
	terms := words(q)
	if len(terms) > 8 {
		terms = terms[:8]
	}
	return terms
}

// searchDocument is what a customer is found by: names, e-mail addresses (whole words
// of them, so "silva@exa" finds ana.silva@example.com) and phone numbers (as typed, as
// digits, and as the digits' endings, so a number is found without its country code).
func searchDocument(c *rapport.Customer) string {
	var ws []string
	ws = append(ws, words(c.Name)...)
	if c.Name != strings.TrimSpace(c.GivenName+" "+c.FamilyName) {
		ws = append(ws, words(c.GivenName+" "+c.FamilyName)...)
	}
	for _, e := range c.Emails {
		ws = append(ws, words(e.Value)...)
	}
	for _, p := range c.Phones {
		ws = append(ws, words(p.Value)...)
		digits := strings.TrimPrefix(p.PhoneKey(), "+")
		for i := 0; len(digits)-i >= 6; i++ {
			ws = append(ws, digits[i:])
		}
	}
	return strings.Join(uniqueStrings(ws), " ")
}

func uniqueStrings(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
