package demo

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldSpecial spells the letters that do not decompose into a base letter and an accent.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ø': "o", 'Ø': "o", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ı': "i", 'þ': "th", 'ð': "d",
}

// ascii folds s to lower-case ASCII for e-mail addresses and domain names:
// "Łukasz Wiśniewski" becomes "lukasz wisniewski". Other characters are dropped.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r): // the accent of a decomposed letter
		default:
			b.WriteString(foldSpecial[r])
		}
	}
	return b.String()
}

// mailbox turns a name into the letters and digits of an e-mail local part:
// "O'Brien" becomes "obrien" and "van den Berg" "vandenberg".
func mailbox(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, ascii(name))
}

// slug turns a company name into a domain label: "Müller Logistik" becomes
// "muller-logistik".
func slug(name string) string {
	words := strings.FieldsFunc(ascii(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return strings.Join(words, "-")
}

// capitalise upper-cases the first letter, for a name that starts a company name
// ("de Vries" becomes "De Vries").
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// fill replaces the placeholders of a postcode or phone template: # with a digit, N
// with a digit from 2 to 9 and @ with a capital letter.
func fill(r *rand.Rand, template string) string {
	b := []byte(template)
	for i, c := range b {
		switch c {
		case '#':
			b[i] = byte('0' + r.IntN(10))
		case 'N':
			b[i] = byte('2' + r.IntN(8))
		case '@':
			b[i] = "ABCDEFGHJKLMNPRSTUVWXY"[r.IntN(22)]
		}
	}
	return string(b)
}

// pick returns one of the values, all equally likely.
func pick[T any](r *rand.Rand, values []T) T { return values[r.IntN(len(values))] }

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// lognormal returns exp(sigma·Z) for a standard normal Z kept within ±3.2, so that a
// tail is heavy but no single value runs away.
func lognormal(r *rand.Rand, sigma float64) float64 {
	return math.Exp(sigma * max(-3.2, min(3.2, r.NormFloat64())))
}

// weights picks indexes in proportion to their weights.
type weights struct {
	cumulative []float64
}

func (w *weights) add(weight float64) {
	total := 0.0
	if n := len(w.cumulative); n > 0 {
		total = w.cumulative[n-1]
	}
	w.cumulative = append(w.cumulative, total+weight)
}

func (w *weights) empty() bool { return len(w.cumulative) == 0 }

// pick returns an index, or -1 if there are none.
func (w *weights) pick(r *rand.Rand) int {
	n := len(w.cumulative)
	if n == 0 {
		return -1
	}
	x := r.Float64() * w.cumulative[n-1]
	return min(n-1, sort.SearchFloat64s(w.cumulative, x))
}

// table is a list of choices with weights, written where the choices are listed.
type table[T any] struct {
	values  []T
	weights weights
}

func newTable[T any](entries ...weighted[T]) *table[T] {
	t := &table[T]{}
	for _, e := range entries {
		t.values = append(t.values, e.value)
		t.weights.add(e.weight)
	}
	return t
}

type weighted[T any] struct {
	value  T
	weight float64
}

// choice is one entry of a table.
func choice[T any](value T, weight float64) weighted[T] { return weighted[T]{value, weight} }

func (t *table[T]) pick(r *rand.Rand) T { return t.values[t.weights.pick(r)] }
