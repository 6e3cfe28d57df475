// Package thousands writes numbers for people: with a comma between each group of
// three digits of their whole part.
package thousands

import "strings"

// Group puts commas into the whole part of a decimal number written in digits, with
// an optional sign and fraction: "-1234567.5" becomes "-1,234,567.5".
func Group(s string) string {
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
