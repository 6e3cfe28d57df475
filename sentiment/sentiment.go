// Package sentiment scores how positive or negative a short English text is, with a
// word lexicon and a few rules in the spirit of VADER (Hutto & Gilbert, "VADER: A
// Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM
// 2014): negation flips and weakens a word ("not good"), intensifiers strengthen it
// ("very slow"), "but" shifts the weight to what follows, and exclamation marks and
// words in capitals add emphasis. The sum is normalised into a compound score in
// [-1, 1] by x/sqrt(x²+15).
//
// The lexicon is Rapport's own, a few hundred words common in what customers say to
// a firm (service, delivery, billing, products). It is English only, knows no
// sarcasm, idioms or emoji, and scores words it does not know as neutral: treat the
// score as a hint for sorting and spotting, not as a judgement.
package sentiment

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Score is the sentiment of a text.
type Score struct {
	Compound float64 // in [-1, 1]: below -0.05 negative, above 0.05 positive
	Words    int     // words that carried sentiment
}

const (
	alpha      = 15.0  // normalisation constant of the compound score
	boost      = 0.293 // what an intensifier adds to a word's valence
	capsBoost  = 0.733 // what a word in capitals adds, when the text is not all capitals
	negScale   = -0.74 // a negated word's valence is multiplied by this
	exclBoost  = 0.292 // per exclamation mark, at most four
	maxExclaim = 4
	maxRunes   = 20_000 // longer texts are scored on their start
)

// Text scores a text.
func Text(s string) Score {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	raw := strings.Fields(s)
	words := make([]string, 0, len(raw))
	orig := make([]string, 0, len(raw))
	for _, w := range raw {
		t := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
		t = strings.Trim(t, "'")
		if t == "" {
			continue
		}
		orig = append(orig, t)
		words = append(words, strings.ToLower(strings.ReplaceAll(t, "’", "'")))
	}
	mixedCase := hasMixedCase(orig)

	valences := make([]float64, len(words))
	n := 0
	for i, w := range words {
		v, ok := lexicon[w]
		if !ok || boosters[w] != 0 {
			continue
		}
		n++
		if mixedCase && isCaps(orig[i]) {
			v += math.Copysign(capsBoost, v)
		}
		// Intensifiers and dampeners up to three words before, weaker with distance.
		for d := 1; d <= 3 && i-d >= 0; d++ {
			if b := boosters[words[i-d]]; b != 0 {
				scale := 1 - 0.05*float64(d-1)
				inc := b * scale
				if mixedCase && isCaps(orig[i-d]) && b > 0 {
					inc += capsBoost * 0.5
				}
				v += sign(v) * inc
			}
		}
		// A negation up to three words before flips and weakens the word.
		for d := 1; d <= 3 && i-d >= 0; d++ {
			if negates(words[i-d]) {
				v *= negScale
				break
			}
		}
		valences[i] = v
	}
	// "but": what comes before counts half, what comes after half as much again.
	for i, w := range words {
		if w != "but" && w != "however" && w != "although" {
			continue
		}
		for j := range valences {
			switch {
			case j < i:
				valences[j] *= 0.5
			case j > i:
				valences[j] *= 1.5
			}
		}
		break
	}
	sum := 0.0
	for _, v := range valences {
		sum += v
	}
	if sum != 0 {
		e := min(strings.Count(s, "!"), maxExclaim)
		sum += math.Copysign(float64(e)*exclBoost, sum)
	}
	c := sum / math.Sqrt(sum*sum+alpha)
	c = max(-1, min(1, c))
	return Score{Compound: math.Round(c*1000) / 1000, Words: n}
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

func negates(w string) bool {
	return negations[w] || strings.HasSuffix(w, "n't")
}

func isCaps(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			letters++
		}
	}
	return letters > 1
}

// hasMixedCase reports whether some words are in capitals and others not: capitals
// are emphasis only against a background of ordinary text.
func hasMixedCase(words []string) bool {
	caps := 0
	for _, w := range words {
		if isCaps(w) {
			caps++
		}
	}
	return caps > 0 && caps < len(words)
}
