// Package theme groups short texts, such as customer feedback, into themes: sets of
// items that say much the same thing, each with a label made of its characteristic
// words.
//
// Text becomes features (folded words, stemmed, English stop words removed, and pairs
// of adjacent words), weighted by TF-IDF with sublinear term frequency and L2
// normalisation. A theme is the mean of its items' vectors (its centroid). Cluster
// groups a whole set without being told how many themes there are: a leader pass
// followed by refinement passes (DP-means on the sphere) with one similarity threshold,
// chosen by the mean silhouette on a sample. Model.Assign puts one new item in the
// most similar theme, or a new one, through an inverted index from terms to the themes
// whose centroids weigh them most. docs/themes.md describes the method and its figures.
package theme

import (
	"strings"

	"github.com/rapportckm/rapport/fold"
)

// MaxTextBytes is the most of an item's text that is read; the rest is ignored, so a
// huge field costs no more than a long one.
const MaxTextBytes = 10000

// maxTokens bounds the words kept from one text.
const maxTokens = 500

// token is one word of a text: as folded, and its stem.
type token struct{ surface, stem string }

// tokens splits text into folded, stemmed words, without stop words, one-letter words
// and numbers.
func tokens(text string) []token {
	if len(text) > MaxTextBytes {
		text = strings.ToValidUTF8(text[:MaxTextBytes], "")
	}
	words := fold.Words(text)
	out := make([]token, 0, len(words))
	for _, w := range words {
		if len(w) < 2 || stopWords[w] || allDigits(w) {
			continue
		}
		out = append(out, token{w, Stem(w)})
		if len(out) == maxTokens {
			break
		}
	}
	return out
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// Features are a text's terms: each stem, and each pair of adjacent stems (stop words
// removed first) written "a b".
func Features(text string) []string { return featuresOf(tokens(text)) }

func featuresOf(toks []token) []string {
	out := make([]string, 0, 2*len(toks))
	for i, t := range toks {
		out = append(out, t.stem)
		if i > 0 {
			out = append(out, toks[i-1].stem+" "+t.stem)
		}
	}
	return out
}

// stopWords are common English words that say nothing of a theme (the Snowball list,
// with the fragments that folding leaves of contractions: don't is don and t).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are aren as at
	be because been before being below between both but by can cannot could couldn did didn do does doesn
	doing don down during each few for from further had hadn has hasn have haven having he hed hell hes her
	here heres hers herself him himself his how hows i id ill im ive if in into is isn it its itself lets
	me more most mustn my myself no nor not of off on once only or other ought our ours ourselves out over
	own same shan she shed shell shes should shouldn so some such than that thats the their theirs them
	themselves then there theres these they theyd theyll theyre theyve this those through to too under
	until up very was wasn we wed well were weve weren what whats when whens where wheres which while who
	whos whom why whys with won would wouldn you youd youll youre youve your yours yourself yourselves
	ll re ve also just get got us please thanks thank hi hello`) {
		m[w] = true
	}
	return m
}()
