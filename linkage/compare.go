package linkage

import (
	"strings"

	"github.com/rapportckm/rapport/editdistance"
	"github.com/rapportckm/rapport/fold"
)

// Kind says what a field holds, and so how its values are prepared and compared.
type Kind string

const (
	KindName       Kind = "name"       // a given, family or full name
	KindDate       Kind = "date"       // a date such as a date of birth
	KindAddress    Kind = "address"    // a street address
	KindPostcode   Kind = "postcode"   // a postal code
	KindPhone      Kind = "phone"      // a telephone number
	KindEmail      Kind = "email"      // an e-mail address
	KindIdentifier Kind = "identifier" // a number or code that names one person, such as a national id
	KindText       Kind = "text"       // anything else: a town, an occupation, a gender
)

// Kinds lists every kind, in the order the documentation gives them.
var Kinds = []Kind{KindName, KindDate, KindAddress, KindPostcode, KindPhone, KindEmail, KindIdentifier, KindText}

// A comparison grades how well two prepared values of a field agree: level 0 is exact
// agreement, the last level is disagreement, and each level between is a looser kind of
// agreement. Every level gets its own m and u probability, so the model learns how much
// each kind of agreement is worth.
type comparison struct {
	levels  []string
	prepare func(string) string
	// compare grades two different, non-empty prepared values; it never returns 0.
	compare func(a, b string) int
}

var comparisons = map[Kind]comparison{
	KindName: {
		levels:  []string{"exact", "Jaro-Winkler ≥ 0.92", "one's words among the other's", "Jaro-Winkler ≥ 0.80, same sound, initial or nickname", otherColumn, "different"},
		prepare: fold.String,
		compare: compareName,
	},
	KindDate: {
		levels:  []string{"exact", "day and month swapped", "one typo", "one of year, month and day differs", "years within one", "different"},
		prepare: prepareDate,
		compare: compareDate,
	},
	KindAddress: {
		levels:  []string{"exact", "most words shared", "different"},
		prepare: fold.String,
		compare: compareAddress,
	},
	KindPostcode: {
		levels:  []string{"exact", "one typo", "same district", "different"},
		prepare: fold.String,
		compare: comparePostcode,
	},
	KindPhone: {
		levels:  []string{"exact", "same number written differently or one typo", "different"},
		prepare: digits,
		compare: comparePhone,
	},
	KindEmail: {
		levels:  []string{"exact", "same user name or one typo", "Jaro-Winkler ≥ 0.88", "different"},
		prepare: func(s string) string { return strings.ToLower(strings.TrimSpace(s)) },
		compare: compareEmail,
	},
	KindIdentifier: {
		levels:  []string{"exact", "one typo", "different"},
		prepare: func(s string) string { return strings.ReplaceAll(fold.String(s), " ", "") },
		compare: compareIdentifier,
	},
	KindText: {
		levels:  []string{"exact", "Jaro-Winkler ≥ 0.90", "Jaro-Winkler ≥ 0.75", "different"},
		prepare: fold.String,
		compare: compareText,
	},
}

func compareName(a, b string) int {
	jw := jaroWinkler(a, b)
	switch {
	case jw >= 0.92 || sameWords(a, b):
		return nameClose
	case wordsWithin(a, b) || wordsWithin(b, a):
		return 2
	case jw >= 0.80 || soundex(a) == soundex(b) || isInitialOf(a, b) || isInitialOf(b, a) || isNickname(a, b):
		return nameLoose
	}
	return nameDifferent
}

// Levels of names: compareName never returns nameSwapped; records.pattern does, for
// fields with a SwapsWith.
const (
	nameClose     = 1
	nameLoose     = 3
	nameSwapped   = 4
	nameDifferent = 5
	otherColumn   = "in the other name column"
)

// wordsWithin reports whether every word of a is a word of b, which has more: one part
// of a double family name ("garcia" and "garcia lopez"), a full name written with and
// without a middle name or a title.
func wordsWithin(a, b string) bool {
	na := 0
	for wa := range strings.FieldsSeq(a) {
		na++
		found := false
		for wb := range strings.FieldsSeq(b) {
			if wa == wb {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	nb := 0
	for range strings.FieldsSeq(b) {
		nb++
	}
	return na > 0 && nb > na
}

// sameWords reports whether the words of a are the words of b in another order
// ("garcia lopez maria" and "maria garcia lopez").
func sameWords(a, b string) bool {
	return len(a) == len(b) && strings.Contains(a, " ") && wordOverlap(a, b) == 1
}

// isInitialOf reports whether a is the initial of b ("j" and "john").
func isInitialOf(a, b string) bool {
	return len(a) == 1 && len(b) > 1 && a[0] == b[0]
}

// prepareDate writes a date as YYYYMMDD when it can read it (2024-05-01, 20240501,
// 01/05/2024, 1.5.2024 — day before month), and otherwise keeps its digits, so that a
// corrupted date can still be compared digit by digit.
func prepareDate(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i] // a time of day says nothing about the person
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if len(parts) == 3 {
		y, m, d := parts[0], parts[1], parts[2]
		if len(parts[2]) == 4 {
			y, m, d = parts[2], parts[1], parts[0]
		}
		if len(y) == 4 && len(m) <= 2 && len(d) <= 2 {
			return y + pad2(m) + pad2(d)
		}
	}
	return digits(s)
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

// compareDate grades two dates. Each kind of error has a level of its own, so that the
// model learns how common it is in the data at hand: day and month swapped where both
// orders are written, one mistyped digit, one part of three wrong.
func compareDate(a, b string) int {
	full := len(a) == 8 && len(b) == 8
	if full && a[:4] == b[:4] && a[4:6] == b[6:8] && a[6:8] == b[4:6] {
		return 1
	}
	if editdistance.Distance(a, b, 1) <= 1 {
		return 2
	}
	if !full {
		return 5
	}
	same := 0
	for _, part := range [][2]int{{0, 4}, {4, 6}, {6, 8}} {
		if a[part[0]:part[1]] == b[part[0]:part[1]] {
			same++
		}
	}
	if same == 2 {
		return 3
	}
	if ya, yb := atoi(a[:4]), atoi(b[:4]); ya-yb <= 1 && yb-ya <= 1 {
		return 4
	}
	return 5
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func compareAddress(a, b string) int {
	if wordOverlap(a, b) >= 0.5 || jaroWinkler(a, b) >= 0.9 {
		return 1
	}
	return 2
}

// wordOverlap is the Jaccard similarity of the words of a and b.
func wordOverlap(a, b string) float64 {
	na, nb, shared := 0, 0, 0
	for wa := range strings.FieldsSeq(a) {
		na++
		for wb := range strings.FieldsSeq(b) {
			if wa == wb {
				shared++
				break
			}
		}
	}
	for range strings.FieldsSeq(b) {
		nb++
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return float64(shared) / float64(na+nb-shared)
}

func comparePostcode(a, b string) int {
	if editdistance.Distance(a, b, 1) <= 1 {
		return 1
	}
	if district(a) == district(b) {
		return 2
	}
	return 3
}

// district is the part of a postcode that names an area: the part before the space
// ("tq13" of "tq13 8df"), or else the first half ("40" of "4011").
func district(s string) string {
	if i := strings.IndexByte(s, ' '); i > 0 {
		return s[:i]
	}
	return s[:(len(s)+1)/2]
}

func comparePhone(a, b string) int {
	// The same number with and without country code or trunk prefix ends the same.
	if len(a) >= 8 && len(b) >= 8 && a[len(a)-8:] == b[len(b)-8:] {
		return 1
	}
	if editdistance.Distance(a, b, 1) <= 1 {
		return 1
	}
	return 2
}

func compareEmail(a, b string) int {
	la, _, _ := strings.Cut(a, "@")
	lb, _, _ := strings.Cut(b, "@")
	if la == lb || editdistance.Distance(a, b, 1) <= 1 {
		return 1
	}
	if jaroWinkler(a, b) >= 0.88 {
		return 2
	}
	return 3
}

func compareIdentifier(a, b string) int {
	if editdistance.Distance(a, b, 1) <= 1 {
		return 1
	}
	return 2
}

func compareText(a, b string) int {
	switch jw := jaroWinkler(a, b); {
	case jw >= 0.9:
		return 1
	case jw >= 0.75:
		return 2
	}
	return 3
}
