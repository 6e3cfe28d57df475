// Package textsearch prepares text for the knowledge base's full-text search, once, in
// Go: both databases index and query the terms it makes, so SQLite FTS5 and PostgreSQL
// see identical tokens and rank alike.
//
// A term is a word folded to lower case without accents (package fold), not a stop
// word, stemmed with the Porter2 English stemmer: "Resetting Passwords" is the terms
// reset, password.
package textsearch

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportckm/rapport/fold"
)

// Version names the analysis; an index made with another version is made again.
const Version = 1

// MaxTermLen is the longest term indexed, in bytes; longer words (hashes, base64) are
// left out.
const MaxTermLen = 64

// Token is a word of a text: where it is, as bytes of the text, and its term ("" for
// a stop word or an over-long word).
type Token struct {
	Start, End int
	Word       string // folded
	Term       string
}

// Tokens splits text into its words with their terms.
func Tokens(text string) []Token { return tokens(text, nil) }

// tokens splits text into words; the term is made only of the words stem accepts (all
// when stem is nil), as stemming costs more than the rest.
func tokens(text string, stem func(word string) bool) []Token {
	var out []Token
	start := -1
	for i, r := range text {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = appendWord(out, text, start, i, stem)
			start = -1
		}
	}
	if start >= 0 {
		out = appendWord(out, text, start, len(text), stem)
	}
	return out
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func appendWord(out []Token, text string, start, end int, stem func(string) bool) []Token {
	raw := text[start:end]
	var word string
	if lower, ok := asciiLower(raw); ok {
		word = lower
	} else {
		if !utf8.ValidString(raw) {
			raw = strings.ToValidUTF8(raw, "")
		}
		word = strings.Join(fold.Words(raw), "")
	}
	if word == "" {
		return out
	}
	t := Token{Start: start, End: end, Word: word}
	if stem == nil || stem(word) {
		t.Term = TermOf(word)
	}
	return append(out, t)
}

// asciiLower lower-cases a word of ASCII letters and digits, without copying it when
// it is lower case already; ok is false for other words.
func asciiLower(w string) (string, bool) {
	upper := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return "", false
		}
		upper = upper || ('A' <= c && c <= 'Z')
	}
	if !upper {
		return w, true
	}
	return strings.ToLower(w), true
}

// TermOf is the term of a folded word: its stem, or "" for a stop word or a word too long.
func TermOf(word string) string {
	if stopWords[word] || len(word) > MaxTermLen {
		return ""
	}
	return Stem(word)
}

// Terms returns the terms of text in order, repeated as often as they occur.
func Terms(text string) []string {
	var out []string
	for _, t := range Tokens(text) {
		if t.Term != "" {
			out = append(out, t.Term)
		}
	}
	return out
}

// Document is an article as the index holds it: the terms of each field.
type Document struct {
	Title, KeyPoints, Body []string
}

// Analyze makes the document of an article; the body is Markdown.
func Analyze(title, keyPoints, body string) Document {
	return Document{Title: Terms(title), KeyPoints: Terms(keyPoints), Body: Terms(PlainText(body))}
}

// Len is the number of terms in the document.
func (d Document) Len() int { return len(d.Title) + len(d.KeyPoints) + len(d.Body) }

// Frequency is how often a term occurs in each field of a document.
type Frequency struct {
	Term                   string
	Title, KeyPoints, Body int
}

// Frequencies counts each distinct term of the document, in term order of first use.
func (d Document) Frequencies() []Frequency {
	idx := map[string]int{}
	var out []Frequency
	add := func(terms []string, field int) {
		for _, t := range terms {
			i, ok := idx[t]
			if !ok {
				i = len(out)
				idx[t] = i
				out = append(out, Frequency{Term: t})
			}
			switch field {
			case 0:
				out[i].Title++
			case 1:
				out[i].KeyPoints++
			default:
				out[i].Body++
			}
		}
	}
	add(d.Title, 0)
	add(d.KeyPoints, 1)
	add(d.Body, 2)
	return out
}

var (
	mdImage   = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdTag     = regexp.MustCompile(`</?[a-zA-Z][^>]{0,500}>`)
	mdMarkers = regexp.MustCompile("(?m)^[ \t]{0,3}(#{1,6}|>|[-*+]|\\d+[.)])[ \t]+|```[a-zA-Z0-9]*|[*_`~]{1,3}")
)

// PlainText is Markdown as a reader reads it: without markup, link targets and tags,
// for indexing and snippets.
func PlainText(md string) string {
	if !utf8.ValidString(md) {
		md = strings.ToValidUTF8(md, "\uFFFD")
	}
	md = mdImage.ReplaceAllString(md, "$1")
	md = mdLink.ReplaceAllString(md, "$1")
	md = mdTag.ReplaceAllString(md, " ")
	md = mdMarkers.ReplaceAllString(md, "")
	return md
}

// stopWords are the Snowball project's English stop words, with the pieces that
// contractions split into (don't: don, t). They carry little meaning and occur in most
// texts, so they are neither indexed nor searched.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`i me my myself we our ours ourselves you your yours yourself yourselves
		he him his himself she her hers herself it its itself they them their theirs themselves
		what which who whom this that these those am is are was were be been being have has had having
		do does did doing would should could ought a an the and but if or because as until while
		of at by for with about against between into through during before after above below to from
		up down in out on off over under again further then once here there when where why how
		all any both each few more most other some such no nor not only own same so than too very
		s t d ll m re ve don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn can cannot`) {
		stopWords[w] = true
	}
}

// IsStopWord reports whether a folded word is a stop word.
func IsStopWord(word string) bool { return stopWords[word] }
