package textsearch

import (
	"strings"
	"unicode/utf8"
)

// Matcher tells whether a token matches a query: its term is one of the query's terms,
// or its folded word starts with one of the query's prefixes.
type Matcher struct {
	Terms    map[string]bool
	Prefixes []string
}

// Matches reports whether the token matches.
func (m Matcher) Matches(t Token) bool {
	if t.Term != "" && m.Terms[t.Term] {
		return true
	}
	for _, p := range m.Prefixes {
		if strings.HasPrefix(t.Word, p) || (t.Term != "" && strings.HasPrefix(t.Term, p)) {
			return true
		}
	}
	return false
}

// mayMatch reports whether a word may have a term the matcher matches: a stem keeps
// the first two letters of its word.
func (m Matcher) mayMatch(word string) bool {
	for t := range m.Terms {
		if strings.HasPrefix(word, t[:min(2, len(t))]) {
			return true
		}
	}
	for _, p := range m.Prefixes {
		if strings.HasPrefix(word, p[:min(2, len(p))]) {
			return true
		}
	}
	return false
}

// MaxSnippetSource is how much of a text, in bytes, a snippet is cut from.
const MaxSnippetSource = 20_000

// SnippetMarkdown is Snippet of Markdown as a reader reads it, without markup. The
// passage is found in the Markdown and only it is made plain, so that long articles
// cost little.
func SnippetMarkdown(md string, m Matcher, words int) []Piece {
	if len(md) > MaxSnippetSource {
		cut := MaxSnippetSource
		for cut > 0 && !utf8.RuneStart(md[cut]) {
			cut--
		}
		md = md[:cut]
	}
	toks := tokens(md, m.mayMatch)
	if len(toks) == 0 {
		return nil
	}
	best, end := bestWindow(toks, m, 2*words)
	from, to := toks[best].Start, toks[end-1].End
	// Some text around it, for markup that begins before it (a link's text).
	for from = max(0, from-200); from > 0 && !utf8.RuneStart(md[from]); from-- {
	}
	for to = min(len(md), to+200); to < len(md) && !utf8.RuneStart(md[to]); to++ {
	}
	pieces := Snippet(PlainText(md[from:to]), m, words)
	if len(pieces) == 0 {
		return nil
	}
	if from > 0 && !strings.HasPrefix(pieces[0].Text, "…") {
		pieces = append([]Piece{{Text: "… "}}, pieces...)
	}
	if last := pieces[len(pieces)-1]; to < len(md) && !strings.HasSuffix(last.Text, "…") {
		pieces = appendPiece(pieces, " …", false)
	}
	return pieces
}

// bestWindow finds the window of words tokens with the most distinct matching terms,
// then the most matches; it returns the window's first and last+1 token, the first
// match at most three tokens in.
func bestWindow(toks []Token, m Matcher, words int) (int, int) {
	match := make([]bool, len(toks))
	key := make([]string, len(toks))
	for i, t := range toks {
		if m.Matches(t) {
			match[i] = true
			key[i] = t.Term
			if key[i] == "" {
				key[i] = t.Word
			}
		}
	}
	best, bestDistinct, bestCount := 0, -1, -1
	counts := map[string]int{}
	distinct, count := 0, 0
	for i := range toks {
		if match[i] {
			if counts[key[i]] == 0 {
				distinct++
			}
			counts[key[i]]++
			count++
		}
		if j := i - words; j >= 0 && match[j] {
			counts[key[j]]--
			if counts[key[j]] == 0 {
				distinct--
			}
			count--
		}
		start := max(0, i-words+1)
		if distinct > bestDistinct || (distinct == bestDistinct && count > bestCount) {
			best, bestDistinct, bestCount = start, distinct, count
		}
	}
	first := best
	for first < len(toks) && first < best+words && !match[first] {
		first++
	}
	if first < len(toks) && match[first] && first-best > 3 {
		best = first - 3
	}
	return best, min(len(toks), best+words)
}

// Piece is a part of a snippet; Match marks words that matched the query.
type Piece struct {
	Text  string
	Match bool
}

// Snippet cuts from text the passage of about words words where the most distinct
// query terms occur (the earliest such), with the matching words as pieces of their
// own. Without any match it is the text's beginning. "…" marks text left out.
func Snippet(text string, m Matcher, words int) []Piece {
	toks := tokens(text, m.mayMatch)
	if len(toks) == 0 {
		return nil
	}
	if words <= 0 {
		words = 30
	}
	best, end := bestWindow(toks, m, words)
	match := make([]bool, len(toks))
	for i := best; i < end; i++ {
		match[i] = m.Matches(toks[i])
	}
	from, to := toks[best].Start, toks[end-1].End
	var out []Piece
	if best > 0 {
		out = append(out, Piece{Text: "… "})
	}
	pos := from
	for i := best; i < end; i++ {
		if !match[i] {
			continue
		}
		if toks[i].Start > pos {
			out = appendPiece(out, clean(text[pos:toks[i].Start]), false)
		}
		out = appendPiece(out, text[toks[i].Start:toks[i].End], true)
		pos = toks[i].End
	}
	if to > pos {
		out = appendPiece(out, clean(text[pos:to]), false)
	}
	if end < len(toks) {
		out = appendPiece(out, " …", false)
	}
	return out
}

// clean folds runs of white space to one space.
func clean(s string) string {
	if !strings.ContainsAny(s, "\n\r\t  ") {
		return s
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' || r == ' ' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func appendPiece(out []Piece, text string, match bool) []Piece {
	if text == "" {
		return out
	}
	if n := len(out); n > 0 && out[n-1].Match == match {
		out[n-1].Text += text
		return out
	}
	return append(out, Piece{Text: text, Match: match})
}

// MaxEdits is how many typing mistakes a word of n letters may hold and still be
// corrected: none below 3 letters, one up to 5, two from 6.
func MaxEdits(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n < 3:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}
