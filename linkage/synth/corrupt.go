package synth

import (
	"slices"
	"strings"
	"unicode"
)

// Probabilities of each corruption of a duplicate, drawn independently.
// Keep the package documentation in sync.
const (
	pMoved        = 0.12 // new street, number, city and postcode
	pSameCity     = 0.30 // share of moves within the same city
	pStreetAbbr   = 0.15 // "Road" → "Rd", "straße" → "str."
	pPostcodeTypo = 0.04
	pMarried      = 0.15 // women only: new family name
	pDropSurname  = 0.30 // double family names only: one part kept, or hyphenated
	pNickname     = 0.25 // given names with a nickname only
	pASCII        = 0.25 // accents dropped from names, street and city
	pTranslit     = 0.50 // share of those written ü → ue, å → aa rather than ü → u
	pGivenTypo    = 0.10
	pFamilyTypo   = 0.10
	pRecase       = 0.10 // upper or lower case, or spacing in compound names
	pSwapNames    = 0.03
	pDayMonth     = 0.03 // only when both are ≤ 12 and differ
	pDOBDigit     = 0.03
	pDOBYear      = 0.02
	pEmailOther   = 0.10 // another address made from the names
	pEmailTypo    = 0.05
	pPhoneFormat  = 0.30 // national ↔ +CC, 00CC or without spaces
	pPhoneOther   = 0.10 // another number
)

// Rates at which a duplicate lacks a field. Duplicates draw missing fields
// afresh from the person's complete data, as records from another source
// would: a field missing from the original may be present in a duplicate.
var duplicateMissing = missingRates{given: 0.01, dob: 0.08, email: 0.20, phone: 0.30,
	street: 0.14, city: 0.03, postcode: 0.06}

// duplicate returns a corrupted copy of the person's record.
func (g *generator) duplicate(p *person) record {
	rec := p.full
	g.corruptAddress(&rec, p)
	family := g.corruptNames(&rec, p)
	g.corruptDOB(&rec, p)
	g.corruptEmail(&rec, p, family)
	g.corruptPhone(&rec, p)
	g.blank(&rec, &duplicateMissing)
	return rec
}

func (g *generator) corruptAddress(rec *record, p *person) {
	a := p.addr
	moved := g.chance(pMoved)
	if moved {
		city := -1
		if g.chance(pSameCity) {
			city = a.city
		}
		a = g.newAddress(p.c, city)
	}
	if abbr := g.chance(pStreetAbbr); moved || abbr {
		g.setAddress(rec, p.c, a, abbr)
	}
	if g.chance(pPostcodeTypo) {
		rec.postcode = g.postcodeTypo(rec.postcode)
	}
}

// corruptNames changes the names (and the spelling of street and city) and
// returns the family name the person now goes by, for new e-mail addresses.
func (g *generator) corruptNames(rec *record, p *person) (family string) {
	family = p.family
	switch {
	case p.female && g.chance(pMarried):
		for range 3 { // the new name should differ, but never loop forever
			if family, _ = g.familyName(p.c, true); family != p.family {
				break
			}
		}
		rec.family = family
	case p.second != "" && g.chance(pDropSurname):
		if first := p.family[:len(p.family)-len(p.second)-1]; g.chance(0.8) {
			rec.family = first
		} else {
			rec.family = first + "-" + p.second
		}
	}
	if nicks := nicknames[p.given]; nicks != nil && g.chance(pNickname) {
		rec.given = nicks[g.r.IntN(len(nicks))]
	}
	if g.chance(pASCII) {
		t := g.chance(pTranslit)
		rec.given = foldAccents(rec.given, t)
		rec.family = foldAccents(rec.family, t)
		rec.street = foldAccents(rec.street, t)
		rec.city = foldAccents(rec.city, t)
	}
	if g.chance(pGivenTypo) {
		rec.given = g.typo(rec.given)
	}
	if g.chance(pFamilyTypo) {
		rec.family = g.typo(rec.family)
	}
	if g.chance(pRecase) {
		g.recase(rec)
	}
	if g.chance(pSwapNames) {
		rec.given, rec.family = rec.family, rec.given
	}
	return family
}

func (g *generator) recase(rec *record) {
	switch g.r.IntN(4) {
	case 0: // an upper-case source system
		rec.given = strings.ToUpper(rec.given)
		rec.family = strings.ToUpper(rec.family)
		rec.street = strings.ToUpper(rec.street)
		rec.city = strings.ToUpper(rec.city)
	case 1: // family name in capitals, as on many forms
		rec.family = strings.ToUpper(rec.family)
	case 2:
		rec.given = strings.ToLower(rec.given)
		rec.family = strings.ToLower(rec.family)
	default:
		if g.r.IntN(2) == 0 {
			rec.given = g.respace(rec.given)
		} else {
			rec.family = g.respace(rec.family)
		}
	}
}

// respace changes the separator of a compound name ("Jean-Pierre" →
// "Jean Pierre", "van den Berg" → "vandenBerg") or adds a stray space.
func (g *generator) respace(s string) string {
	i := strings.IndexAny(s, " -")
	if i < 0 {
		if g.r.IntN(2) == 0 {
			return s + " "
		}
		return " " + s
	}
	seps := [...]string{" ", "-", ""}
	rep := seps[g.r.IntN(len(seps))]
	if rep == s[i:i+1] {
		rep = ""
	}
	return strings.NewReplacer(" ", rep, "-", rep).Replace(s)
}

func (g *generator) corruptDOB(rec *record, p *person) {
	d := p.dob
	if g.chance(pDayMonth) && d.d <= 12 {
		d.d, d.m = d.m, d.d
	}
	if g.chance(pDOBDigit) {
		d = g.dobDigit(d)
	}
	if g.chance(pDOBYear) {
		d.y += 1 - 2*g.r.IntN(2)
		if !d.valid() { // 29 February in a common year
			d.d--
		}
	}
	if d != p.dob {
		rec.dob = g.dateString(d)
	}
}

// dobDigit changes one digit of the decade, year, month or day, keeping
// the date valid and plausible (a typo would fail validation otherwise).
func (g *generator) dobDigit(d date) date {
	for range 10 {
		e, digit := d, g.r.IntN(10)
		switch g.r.IntN(6) {
		case 0:
			e.y = e.y/100*100 + digit*10 + e.y%10
		case 1:
			e.y = e.y/10*10 + digit
		case 2:
			e.m = digit*10 + e.m%10
		case 3:
			e.m = e.m/10*10 + digit
		case 4:
			e.d = digit*10 + e.d%10
		default:
			e.d = e.d/10*10 + digit
		}
		if e != d && e.valid() && 1900 <= e.y && e.y <= 2010 {
			return e
		}
	}
	return d
}

func (g *generator) corruptEmail(rec *record, p *person, family string) {
	if g.chance(pEmailOther) {
		rec.email = g.email(p.given, family, p.dob.y)
		return
	}
	if g.chance(pEmailTypo) {
		at := strings.IndexByte(rec.email, '@')
		rec.email = g.typo(rec.email[:at]) + rec.email[at:]
	}
}

func (g *generator) corruptPhone(rec *record, p *person) {
	ph, style := p.phone, phoneStyle{intl: p.phone.intl}
	other := g.chance(pPhoneOther)
	if other {
		ph = g.newPhone(p.c)
		style.intl = ph.intl
	}
	restyle := g.chance(pPhoneFormat)
	if restyle {
		switch g.r.IntN(3) {
		case 0:
			style.intl = !style.intl
		case 1:
			style.compact = true
		default:
			style.intl, style.zeroZero = true, true
		}
	}
	if other || restyle {
		rec.phone = g.phoneString(p.c, ph, style)
	}
}

// postcodeTypo mistypes one digit or swaps two adjacent characters.
func (g *generator) postcodeTypo(s string) string {
	b := []byte(s)
	for range 10 {
		i := g.r.IntN(len(b))
		if g.r.IntN(3) > 0 {
			if isDigit(b[i]) {
				b[i] = '0' + byte((int(b[i]-'0')+1+g.r.IntN(9))%10)
				return string(b)
			}
		} else if i+1 < len(b) && b[i] != b[i+1] && isAlnum(b[i]) && isAlnum(b[i+1]) {
			b[i], b[i+1] = b[i+1], b[i]
			return string(b)
		}
	}
	return s
}

func isAlnum(c byte) bool { return isDigit(c) || 'A' <= c && c <= 'Z' }

// typo makes one keyboard slip: an extra neighbouring key, a missed key, a
// neighbouring key instead of the right one, or two keys swapped.
func (g *generator) typo(s string) string {
	rs := []rune(s)
	if len(rs) < 2 {
		return s
	}
	for range 4 { // some slips change nothing, such as swapping "nn"
		if t := g.typoOnce(rs); t != s {
			return t
		}
	}
	return s
}

func (g *generator) typoOnce(rs []rune) string {
	i := g.r.IntN(len(rs))
	switch g.r.IntN(4) {
	case 0:
		return string(slices.Insert(slices.Clone(rs), i+1, g.neighbour(rs[i])))
	case 1:
		return string(slices.Delete(slices.Clone(rs), i, i+1))
	case 2:
		t := slices.Clone(rs)
		t[i] = g.neighbour(t[i])
		return string(t)
	default:
		i = min(i, len(rs)-2)
		t := slices.Clone(rs)
		t[i], t[i+1] = t[i+1], t[i]
		return string(t)
	}
}

// neighbour returns a key next to c on a QWERTY keyboard, keeping its case;
// accented letters count as their base letter, other characters as themselves.
func (g *generator) neighbour(c rune) rune {
	l := unicode.ToLower(c)
	if f, ok := accentFolds[l]; ok {
		l = rune(f[0])
	}
	if l < 'a' || l > 'z' {
		return c
	}
	keys := qwerty[l-'a']
	n := rune(keys[g.r.IntN(len(keys))])
	if unicode.IsUpper(c) {
		n = unicode.ToUpper(n)
	}
	return n
}

// qwerty lists the neighbouring keys of a to z.
var qwerty = [26]string{
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko",
	"huikmn", "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz",
	"rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
}
