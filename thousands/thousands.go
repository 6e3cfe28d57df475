// Package thousands writes numbers for people: with a comma between each group of
// three digits of their whole part, and with the noun they count.
package thousands

import (
	"strconv"
	"strings"
)

// Group puts commas into the whole part of a decimal number written in digits, with
// an optional sign and fraction: "-1234567.5" becomes "-1,234,567.5".
func Group(s string) string {
	if len(s) <= 3 {
		return s // no group to part, and pages write many small numbers
	}
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// Int writes n with its groups of three digits parted: 1234567 is "1,234,567".
func Int(n int) string { return Group(strconv.Itoa(n)) }

// Count writes n, grouped, with its noun, in the plural unless n is 1: "1 pair",
// "2,357 customers", "3 searches", "2 subcategories", "5 days".
func Count(n int, noun string) string {
	number := Int(n)
	switch {
	case n == 1:
		return number + " " + noun
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return number + " " + noun + "es"
	case len(noun) > 1 && noun[len(noun)-1] == 'y' && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return number + " " + noun[:len(noun)-1] + "ies"
	default:
		return number + " " + noun + "s"
	}
}
