package synth

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Rates at which an original row lacks a field.
var originalMissing = missingRates{dob: 0.05, email: 0.15, phone: 0.25, street: 0.10,
	city: 0.01, postcode: 0.03}

const (
	pForeignGiven = 0.05 // given name from another country's list
	pIntlPhone    = 0.30 // phone written in +CC form rather than nationally
)

// weights holds cumulative weights for sampling an index.
type weights []float64

// rankWeights returns cumulative weights for a list ordered by frequency:
// item k (from 0) weighs 1/(k+3), a Zipf–Mandelbrot law. The offset keeps
// the head from swamping short lists: with 70 names the commonest is about
// 24 times as frequent as the rarest.
func rankWeights(n int) weights {
	w := make(weights, n)
	sum := 0.0
	for k := range w {
		sum += 1 / float64(k+3)
		w[k] = sum
	}
	return w
}

func (w weights) pick(r *rand.Rand) int {
	i, _ := slices.BinarySearch(w, r.Float64()*w[len(w)-1])
	return min(i, len(w)-1)
}

// record is one output row without its ids, in column order.
type record struct {
	given, family, dob, email, phone, street, city, postcode string
}

// sep separates the fields of a record in the row arena; no generated text
// contains it.
const sep = '\x1f'

func (rec *record) appendTo(b []byte) []byte {
	for i, f := range [...]string{rec.given, rec.family, rec.dob, rec.email, rec.phone,
		rec.street, rec.city, rec.postcode} {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, f...)
	}
	return b
}

type missingRates struct {
	given, family, dob, email, phone, street, city, postcode float64
}

// blank empties fields at the given rates.
func (g *generator) blank(rec *record, m *missingRates) {
	for _, f := range [...]struct {
		field *string
		p     float64
	}{
		{&rec.given, m.given}, {&rec.family, m.family}, {&rec.dob, m.dob},
		{&rec.email, m.email}, {&rec.phone, m.phone}, {&rec.street, m.street},
		{&rec.city, m.city}, {&rec.postcode, m.postcode},
	} {
		if f.p > 0 && g.r.Float64() < f.p {
			*f.field = ""
		}
	}
}

type date struct{ y, m, d int }

func (d date) valid() bool {
	if d.m < 1 || d.m > 12 || d.d < 1 {
		return false
	}
	// Day 0 of the next month is the last day of this one.
	return d.d <= time.Date(d.y, time.Month(d.m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

type phone struct {
	pattern int      // index into country.phones
	digits  [12]byte // subscriber digits, as many as the pattern has X
	intl    bool     // written as +CC rather than nationally
}

type phoneStyle struct {
	intl     bool // +CC form
	zeroZero bool // 00CC instead of +CC
	compact  bool // without spaces
}

type address struct {
	city, street, kind, number int // indices into the country's lists, house number
	postcode                   string
}

// person is the truth behind a group of rows. full has every field present;
// the original and its duplicates are derived from it.
type person struct {
	c      *country
	female bool
	given  string
	family string // full family name: "García López" for double names
	second string // second family name of a double name, else ""
	dob    date
	phone  phone
	addr   address
	full   record
}

// generator draws everything from one seeded source, so output depends on
// the seed alone.
type generator struct {
	r            *rand.Rand
	buf          []byte // scratch for assembling field values
	slug1, slug2 []byte // scratch for e-mail local parts
	// emails holds every address given out: a mail provider gives an address to one
	// person only, so the next Anna Meijer gets a number added.
	emails map[string]struct{}
}

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func (g *generator) newPerson() person {
	c := countries[countryW.pick(g.r)]
	p := person{c: c, female: g.r.IntN(2) == 0}
	p.given = g.givenName(c, p.female)
	p.family, p.second = g.familyName(c, p.female)
	p.dob = g.birthDate()
	p.phone = g.newPhone(c)
	p.addr = g.newAddress(c, -1)
	p.full = record{
		given:  p.given,
		family: p.family,
		dob:    g.dateString(p.dob),
		email:  g.email(p.given, p.family, p.dob.y),
		phone:  g.phoneString(c, p.phone, phoneStyle{intl: p.phone.intl}),
	}
	g.setAddress(&p.full, c, p.addr, false)
	return p
}

func (g *generator) givenName(c *country, female bool) string {
	if g.chance(pForeignGiven) {
		c = countries[countryW.pick(g.r)]
	}
	if female {
		return c.female[c.femaleW.pick(g.r)]
	}
	return c.male[c.maleW.pick(g.r)]
}

// familyName returns a family name, and for double names the second part.
func (g *generator) familyName(c *country, female bool) (family, second string) {
	list := c.family
	if female {
		list = c.femaleFamily
	}
	family = list[c.familyW.pick(g.r)]
	if c.doubleFamily > 0 && g.chance(c.doubleFamily) {
		if s := list[c.familyW.pick(g.r)]; s != family {
			return family + " " + s, s
		}
	}
	return family, ""
}

var (
	dobFirst = time.Date(1935, 1, 1, 0, 0, 0, 0, time.UTC)
	dobDays  = int(time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC).Sub(dobFirst).Hours() / 24)
)

func (g *generator) birthDate() date {
	t := dobFirst.AddDate(0, 0, g.r.IntN(dobDays))
	return date{t.Year(), int(t.Month()), t.Day()}
}

func (g *generator) dateString(d date) string {
	b := appendPadded(g.buf[:0], d.y, 4)
	b = append(b, '-')
	b = appendPadded(b, d.m, 2)
	b = append(b, '-')
	b = appendPadded(b, d.d, 2)
	g.buf = b
	return string(b)
}

// email builds an address from the names the way people pick them:
// anna.muller@…, amuller84@…, mueller.anna@…
func (g *generator) email(given, family string, year int) string {
	translit := g.r.IntN(2) == 0 // müller → mueller rather than muller
	gs := appendSlug(g.slug1[:0], given, translit)
	fs := appendSlug(g.slug2[:0], family, translit)
	g.slug1, g.slug2 = gs, fs
	b := g.buf[:0]
	switch g.r.IntN(8) {
	case 0, 1:
		b = append(append(append(b, gs...), '.'), fs...)
	case 2:
		b = append(append(b, gs[0]), fs...)
	case 3:
		b = append(append(b, gs...), fs...)
	case 4:
		b = append(append(append(b, gs...), '_'), fs...)
	case 5:
		b = append(append(append(b, fs...), '.'), gs...)
	case 6:
		b = append(append(append(b, gs...), '.'), fs...)
		b = appendPadded(b, year%100, 2)
	default:
		b = append(append(b, gs[0]), fs...)
		b = appendPadded(b, year%100, 2)
	}
	local := len(b)
	domain := domains[domainW.pick(g.r)]
	b = append(append(b, '@'), domain...)
	for {
		if _, taken := g.emails[string(b)]; !taken {
			break
		}
		b = appendPadded(b[:local], g.r.IntN(1000), 3)
		b = append(append(b, '@'), domain...)
	}
	g.buf = b
	address := string(b)
	if g.emails == nil {
		g.emails = map[string]struct{}{}
	}
	g.emails[address] = struct{}{}
	return address
}

func (g *generator) newPhone(c *country) phone {
	ph := phone{pattern: g.r.IntN(len(c.phones)), intl: g.chance(pIntlPhone)}
	n := c.phones[ph.pattern].digits
	ph.digits[0] = byte('2' + g.r.IntN(8)) // subscriber numbers do not start with 0 or 1
	for i := 1; i < n; i++ {
		ph.digits[i] = byte('0' + g.r.IntN(10))
	}
	return ph
}

// phoneString writes a number nationally ("030 1234567") or internationally
// ("+49 30 1234567"), the trunk prefix dropped in the latter.
func (g *generator) phoneString(c *country, ph phone, s phoneStyle) string {
	pat := c.phones[ph.pattern]
	b := g.buf[:0]
	if s.intl {
		if s.zeroZero {
			b = append(b, "00"...)
		} else {
			b = append(b, '+')
		}
		b = append(b, c.callingCode...)
		if !s.compact {
			b = append(b, ' ')
		}
	} else {
		b = append(b, c.trunk...)
	}
	b = append(b, pat.prefix...)
	j := 0
	for i := 0; i < len(pat.layout); i++ {
		switch ch := pat.layout[i]; {
		case ch == 'X':
			b = append(b, ph.digits[j])
			j++
		case ch != ' ' || !s.compact:
			b = append(b, ch)
		}
	}
	g.buf = b
	return string(b)
}

// newAddress picks an address in the country, in the given city unless
// city is negative. House numbers are mostly small.
func (g *generator) newAddress(c *country, city int) address {
	if city < 0 {
		city = c.cityW.pick(g.r)
	}
	pcs := c.cities[city].postcodes
	return address{
		city:     city,
		street:   c.streetW.pick(g.r),
		kind:     c.kindW.pick(g.r),
		number:   min(1+int(g.r.ExpFloat64()*20), 250),
		postcode: pcs[g.r.IntN(len(pcs))],
	}
}

func (g *generator) setAddress(rec *record, c *country, a address, abbr bool) {
	rec.street = g.streetString(c, a, abbr)
	rec.city = c.cities[a.city].name
	rec.postcode = a.postcode
}

// streetString writes the street line in the country's style, with the
// street type abbreviated if abbr.
func (g *generator) streetString(c *country, a address, abbr bool) string {
	kind := c.kinds[a.kind].full
	if abbr {
		kind = c.kinds[a.kind].abbr
	}
	name := c.streets[a.street]
	b := g.buf[:0]
	switch c.style {
	case numberNameKind:
		b = appendPadded(b, a.number, 1)
		b = append(append(append(append(b, ' '), name...), ' '), kind...)
	case numberKindName:
		b = appendPadded(b, a.number, 1)
		b = append(append(append(append(b, ' '), kind...), ' '), name...)
	case kindNameNumber, kindNameCommaNumber:
		if kind != "" {
			b = append(append(b, kind...), ' ')
		}
		b = append(b, name...)
		if c.style == kindNameCommaNumber {
			b = append(b, ',')
		}
		b = appendPadded(append(b, ' '), a.number, 1)
	case nameKindNumber:
		b = append(append(append(b, name...), kind...), ' ')
		b = appendPadded(b, a.number, 1)
	}
	g.buf = b
	return string(b)
}
