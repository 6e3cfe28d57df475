package kmeans

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rapportckm/rapport/thousands"
)

const (
	// StandsOut is how far, in standard deviations, a cluster's mean must lie from
	// everyone's for the feature to be named in its description.
	StandsOut = 0.5
	// mostNamed is how many features a description names at most, strongest first: a
	// segment is remembered by two or three traits, not eight.
	mostNamed = 3
)

// describe says in words what sets a cluster apart: the features on which it SetsApart, as "high …" or "low …" (or the feature's own words) with the
// cluster's mean. For a Log feature "high" is in the sense of the clustering, of
// log1p(x): typical members above the typical customer, whatever a few outliers do to
// the mean.
func describe(features []Feature, centroid, z, everyone []float64) string {
	var named []int
	for j, v := range z {
		if SetsApart(v, centroid[j], everyone[j]) {
			named = append(named, j)
		}
	}
	if len(named) == 0 {
		return "Close to the average customer"
	}
	slices.SortStableFunc(named, func(a, b int) int { return cmp.Compare(math.Abs(z[b]), math.Abs(z[a])) })
	named = named[:min(len(named), mostNamed)]
	parts := make([]string, len(named))
	for i, j := range named {
		parts[i] = trait(features[j], centroid[j], z[j] > 0)
	}
	return capitalise(strings.Join(parts, ", "))
}

// SetsApart reports whether a cluster's mean sets it apart on a feature: it lies at
// least StandsOut standard deviations from everyone's mean, and the two differ as a
// reader sees them (written by Number). A feature whose spread is tiny (a chance of
// still buying of 99.6 % against 99.9 %) is not named for a difference no one could see.
func SetsApart(z, mean, everyone float64) bool {
	return math.Abs(z) >= StandsOut && Number(mean) != Number(everyone)
}

// trait is one feature's part of a description: "high lifetime value (avg 1,240)", or
// with the feature's own words "bought recently (avg 20 days since last purchase)".
func trait(f Feature, mean float64, high bool) string {
	label := cmp.Or(f.Label, f.Name)
	level, words := "low", f.Low
	if high {
		level, words = "high", f.High
	}
	avg := strings.TrimSpace(Number(mean) + " " + f.Unit)
	if words == "" {
		return fmt.Sprintf("%s %s (avg %s)", level, label, avg)
	}
	return fmt.Sprintf("%s (avg %s %s)", words, avg, label)
}

func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// Number writes v for a reader: to about three significant figures, without trailing
// zeros, thousands separated by commas ("1,240", "12.3", "0.46").
func Number(v float64) string {
	decimals := 0
	switch a := math.Abs(v); {
	case a < 9.995:
		decimals = 2
	case a < 99.95:
		decimals = 1
	}
	scale := math.Pow10(decimals)
	v = math.Round(v*scale) / scale
	if v == 0 {
		v = 0 // not "-0"
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if decimals > 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return thousands.Group(s)
}
