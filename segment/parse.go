// Package segment reads segment rules: conditions on customers' profile fields, value
// and timeline, combined with AND, OR and NOT, written as text such as
//
//	relationship = client AND clv > 500 AND count(type = ticket, attr.category = complaint, since 90d ago) >= 2
//
// Parse checks a rule against the fields it may use and says where a mistake is; the
// database layer compiles the parsed rule to SQL.
package segment

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxRuleLength bounds a rule's text.
const MaxRuleLength = 4000

// Expr is a parsed rule: *And, *Or, *Not or *Condition.
type Expr interface{ String() string }

type And struct{ Terms []Expr }
type Or struct{ Terms []Expr }
type Not struct{ X Expr }

// Condition compares a customer's field, or an aggregate of their timeline, with a
// value or a list of values.
type Condition struct {
	Field  *Field
	Attr   string     // the attribute's name, for the field attr.NAME
	Agg    *Aggregate // the left side when Field is an aggregate (count, sum, last, first)
	Op     string     // =, !=, <, <=, >, >=, contains, in
	Values []Value    // one, or several for in
}

// Aggregate is count, sum, last or first of the interactions that pass all filters.
type Aggregate struct {
	Filters []Filter
}

// Filter narrows the interactions of an aggregate: type = order, attr.product = "X",
// since 90d ago, before 2026-01-01.
type Filter struct {
	Key    *Field
	Attr   string
	Op     string // =, !=, in, since, before
	Values []Value
}

// Value is a literal of a rule.
type Value struct {
	Text  string    // strings and bare words, in the case written
	Num   float64   // numbers
	Time  time.Time // dates, and durations ago resolved against the time of parsing
	Empty bool      // the word empty
	IsNum bool
	Pos   int
}

// Error is a mistake in a rule at a byte offset.
type Error struct {
	Rule string
	Pos  int
	Msg  string
}

// Column is the 1-based column of the mistake, counted in characters.
func (e *Error) Column() int { return utf8.RuneCountInString(e.Rule[:min(e.Pos, len(e.Rule))]) + 1 }

func (e *Error) Error() string { return fmt.Sprintf("%s (at column %d)", e.Msg, e.Column()) }

// Parse reads a rule; now resolves durations ago ("90d ago").
func Parse(rule string, now time.Time) (Expr, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, &Error{Rule: rule, Msg: "the rule is empty: write a condition such as relationship = client"}
	}
	if len(rule) > MaxRuleLength {
		return nil, &Error{Rule: rule, Pos: MaxRuleLength, Msg: fmt.Sprintf("the rule has %d bytes; at most %d are allowed", len(rule), MaxRuleLength)}
	}
	if !utf8.ValidString(rule) {
		return nil, &Error{Rule: rule, Msg: "the rule is not valid UTF-8 text"}
	}
	toks, err := lex(rule)
	if err != nil {
		return nil, err
	}
	p := &parser{rule: rule, toks: toks, now: now}
	e, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.errorf(t, "expected AND, OR or the end of the rule, found %s", t)
	}
	return e, nil
}

type tokenKind int

const (
	tEOF tokenKind = iota
	tWord
	tNumber
	tDuration
	tDate
	tString
	tSymbol // = != < <= > >= ( ) ,
)

type token struct {
	kind tokenKind
	text string // the word, symbol, digits or the string's contents
	pos  int
}

func (t token) String() string {
	switch t.kind {
	case tEOF:
		return "the end of the rule"
	case tString:
		return strconv.Quote(t.text)
	}
	return "“" + t.text + "”"
}

// is reports whether t is the keyword or symbol s, keywords in any case.
func (t token) is(s string) bool {
	return (t.kind == tWord || t.kind == tSymbol) && strings.EqualFold(t.text, s)
}

func lex(rule string) ([]token, error) {
	var toks []token
	for i := 0; i < len(rule); {
		r, size := utf8.DecodeRuneInString(rule[i:])
		start := i
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '"' || r == '\'':
			var b strings.Builder
			i += size
			for {
				if i >= len(rule) {
					return nil, &Error{Rule: rule, Pos: start, Msg: "this text has no closing quote"}
				}
				c, n := utf8.DecodeRuneInString(rule[i:])
				i += n
				if c == r {
					break
				}
				if c == '\\' && i < len(rule) {
					c, n = utf8.DecodeRuneInString(rule[i:])
					i += n
				}
				b.WriteRune(c)
			}
			toks = append(toks, token{tString, b.String(), start})
			continue
		case r >= '0' && r <= '9' || r == '-' && i+1 < len(rule) && rule[i+1] >= '0' && rule[i+1] <= '9':
			i++
			for i < len(rule) && (rule[i] >= '0' && rule[i] <= '9' || rule[i] == '.' || rule[i] == '-') {
				i++
			}
			text := rule[start:i]
			kind := tNumber
			if len(text) == 10 && text[4] == '-' && text[7] == '-' {
				kind = tDate
			} else if i < len(rule) && strings.ContainsRune("dwmy", rune(rule[i])) && (i+1 == len(rule) || !isWordChar(rune(rule[i+1]))) {
				i++
				text, kind = rule[start:i], tDuration
			}
			toks = append(toks, token{kind, text, start})
			continue
		case isWordChar(r):
			for i < len(rule) {
				c, n := utf8.DecodeRuneInString(rule[i:])
				if !isWordChar(c) && !strings.ContainsRune(".-@+", c) { // attr.x, key-account, sam@example.com
					break
				}
				i += n
			}
			toks = append(toks, token{tWord, rule[start:i], start})
			continue
		}
		for _, sym := range []string{"!=", "<=", ">=", "<>", "=", "<", ">", "(", ")", ","} {
			if strings.HasPrefix(rule[i:], sym) {
				if sym == "<>" {
					sym = "!="
				}
				toks = append(toks, token{tSymbol, sym, start})
				i += len(sym)
				break
			}
		}
		if i == start {
			return nil, &Error{Rule: rule, Pos: start, Msg: fmt.Sprintf("“%c” cannot be used here: compare with =, !=, <, <=, >, >=, contains or in", r)}
		}
	}
	return append(toks, token{kind: tEOF, pos: len(rule)}), nil
}

func isWordChar(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

type parser struct {
	rule string
	toks []token
	i    int
	now  time.Time
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }

func (p *parser) errorf(t token, format string, args ...any) error {
	return &Error{Rule: p.rule, Pos: t.pos, Msg: fmt.Sprintf(format, args...)}
}

// maxDepth bounds nesting, so that a hostile rule cannot exhaust the stack.
const maxDepth = 50

func (p *parser) or(depth int) (Expr, error) {
	return p.chain(depth, "or", p.and, func(terms []Expr) Expr { return &Or{terms} })
}

func (p *parser) and(depth int) (Expr, error) {
	return p.chain(depth, "and", p.not, func(terms []Expr) Expr { return &And{terms} })
}

// chain reads terms joined by the keyword op.
func (p *parser) chain(depth int, op string, term func(int) (Expr, error), join func([]Expr) Expr) (Expr, error) {
	first, err := term(depth)
	if err != nil {
		return nil, err
	}
	terms := []Expr{first}
	for p.peek().is(op) {
		p.next()
		t, err := term(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 1 {
		return first, nil
	}
	return join(terms), nil
}

func (p *parser) not(depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, p.errorf(p.peek(), "the rule nests deeper than %d levels", maxDepth)
	}
	t := p.peek()
	switch {
	case t.is("not"):
		p.next()
		x, err := p.not(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{x}, nil
	case t.is("("):
		p.next()
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if c := p.next(); !c.is(")") {
			return nil, p.errorf(c, "expected “)” to close the “(” at column %d, found %s", (&Error{Rule: p.rule, Pos: t.pos}).Column(), c)
		}
		return x, nil
	}
	return p.condition()
}

func (p *parser) condition() (Expr, error) {
	t := p.next()
	if t.kind != tWord || isKeyword(t.text) {
		return nil, p.errorf(t, "expected a field such as relationship, clv or count(…), found %s", t)
	}
	f, attr, err := p.field(t, Fields)
	if err != nil {
		return nil, err
	}
	c := &Condition{Field: f, Attr: attr}
	if f.Aggregate {
		if c.Agg, err = p.aggregate(t); err != nil {
			return nil, err
		}
	} else if p.peek().is("(") {
		return nil, p.errorf(p.peek(), "“%s” is not one of count, sum, last and first, and takes no “(”", f.Name)
	}
	opTok := p.next()
	c.Op = strings.ToLower(opTok.text)
	if !opTok.is("in") && !opTok.is("contains") && opTok.kind != tSymbol || opTok.is("(") || opTok.is(")") || opTok.is(",") {
		return nil, p.errorf(opTok, "expected =, !=, <, <=, >, >=, contains or in after %s, found %s", f.Name, opTok)
	}
	if err := f.checkOp(c.Op); err != nil {
		return nil, p.errorf(opTok, "%s", err)
	}
	if c.Values, err = p.values(c.Op == "in", f, c.Op); err != nil {
		return nil, err
	}
	return c, nil
}

// field finds the field named by t among fields; attr.NAME gives the attribute NAME.
func (p *parser) field(t token, fields []*Field) (*Field, string, error) {
	name := strings.ToLower(t.text)
	attr := ""
	if a, ok := strings.CutPrefix(name, "attr."); ok {
		if a == "" {
			return nil, "", p.errorf(t, "write the attribute's name after attr., as in attr.industry")
		}
		name, attr = "attr", t.text[len("attr."):]
	}
	for _, f := range fields {
		if f.Name == name {
			return f, attr, nil
		}
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
		if f.Name == "attr" {
			names[i] = "attr.NAME"
		}
	}
	return nil, "", p.errorf(t, "there is no field %q here: use %s", t.text, strings.Join(names, ", "))
}

func (p *parser) aggregate(name token) (*Aggregate, error) {
	open := p.next()
	if !open.is("(") {
		return nil, p.errorf(open, "“%s” needs its interactions in brackets, as in %s(type = order)", name.text, strings.ToLower(name.text))
	}
	agg := &Aggregate{}
	if p.peek().is(")") {
		p.next()
		return agg, nil
	}
	for {
		t := p.next()
		var f Filter
		switch {
		case t.is("since") || t.is("before"):
			f.Op, f.Key = strings.ToLower(t.text), occurredField
			v, err := p.value(f.Key, f.Op)
			if err != nil {
				return nil, err
			}
			f.Values = []Value{v}
		case t.kind == tWord && !isKeyword(t.text):
			key, attr, err := p.field(t, FilterFields)
			if err != nil {
				return nil, err
			}
			f.Key, f.Attr = key, attr
			op := p.next()
			f.Op = strings.ToLower(op.text)
			if !op.is("=") && !op.is("!=") && !op.is("in") {
				return nil, p.errorf(op, "expected =, != or in after %s, found %s", key.Name, op)
			}
			if f.Values, err = p.values(f.Op == "in", key, f.Op); err != nil {
				return nil, err
			}
		default:
			return nil, p.errorf(t, "expected a filter such as type = order, since 90d ago or before 2026-01-01, found %s", t)
		}
		agg.Filters = append(agg.Filters, f)
		switch t := p.next(); {
		case t.is(")"):
			return agg, nil
		case !t.is(","):
			return nil, p.errorf(t, "expected “,” or “)” after a filter, found %s", t)
		}
	}
}

// values reads one value, or a bracketed list for in.
func (p *parser) values(list bool, f *Field, op string) ([]Value, error) {
	if !list {
		v, err := p.value(f, op)
		return []Value{v}, err
	}
	if t := p.next(); !t.is("(") {
		return nil, p.errorf(t, "“in” needs a list in brackets, as in (client, prospect)")
	}
	var out []Value
	for {
		v, err := p.value(f, op)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		switch t := p.next(); {
		case t.is(")"):
			return out, nil
		case !t.is(","):
			return nil, p.errorf(t, "expected “,” or “)” in the list, found %s", t)
		}
	}
}

// value reads a value that field f can be compared with by op.
func (p *parser) value(f *Field, op string) (Value, error) {
	t := p.next()
	v := Value{Pos: t.pos}
	switch {
	case t.is("empty"):
		if !f.Optional || (op != "=" && op != "!=") {
			return v, p.errorf(t, "“%s” is never empty: compare it with a value", f.Name)
		}
		v.Empty = true
		return v, nil
	case f.Type == Number:
		n, err := strconv.ParseFloat(t.text, 64)
		if t.kind != tNumber || err != nil {
			return v, p.errorf(t, "“%s” is a number: compare it with a number such as 500, not %s", f.Name, t)
		}
		v.Num, v.IsNum = n, true
	case f.Type == Date:
		switch {
		case t.kind == tDate:
			d, err := time.Parse(time.DateOnly, t.text)
			if err != nil {
				return v, p.errorf(t, "%s is not a date: write dates as 2026-03-01", t)
			}
			v.Time = d
		case t.kind == tDuration:
			if a := p.next(); !a.is("ago") {
				return v, p.errorf(a, "write “ago” after %s, as in %s ago", t.text, t.text)
			}
			at, ok := ago(p.now, t.text)
			if !ok {
				return v, p.errorf(t, "%s is further back than rules reach: at most 200 years (73000d, 10400w, 2400m, 200y)", t.text)
			}
			v.Time = at
		case t.is("today"):
			v.Time = p.now.UTC().Truncate(24 * time.Hour)
		default:
			return v, p.errorf(t, "“%s” is a date: compare it with a date such as 2026-03-01 or 90d ago, not %s", f.Name, t)
		}
	default: // text and choices
		if t.kind != tString && t.kind != tWord && t.kind != tNumber || t.kind == tWord && isKeyword(t.text) {
			return v, p.errorf(t, "expected a value for %s, found %s", f.Name, t)
		}
		v.Text = t.text
		if len(f.Values) > 0 && !containsFold(f.Values, v.Text) {
			return v, p.errorf(t, "“%s” has no value %q: use one of %s", f.Name, v.Text, strings.Join(f.Values, ", "))
		}
	}
	return v, nil
}

// ago is the day a duration such as 90d, 12w, 6m or 1y before now: rules compare
// days, not instants. It is not ok for a duration of more than 200 years, whose
// count could overflow.
func ago(now time.Time, d string) (time.Time, bool) {
	now = now.UTC().Truncate(24 * time.Hour)
	n, err := strconv.Atoi(d[:len(d)-1])
	if err != nil || n > 73000 {
		return time.Time{}, false
	}
	var at time.Time
	switch d[len(d)-1] {
	case 'w':
		at = now.AddDate(0, 0, -7*n)
	case 'm':
		at = now.AddDate(0, -n, 0)
	case 'y':
		at = now.AddDate(-n, 0, 0)
	default:
		at = now.AddDate(0, 0, -n)
	}
	return at, !at.Before(now.AddDate(-200, 0, 0))
}

var keywords = []string{"and", "or", "not", "in", "contains", "empty", "ago", "since", "before", "today"}

func isKeyword(s string) bool { return containsFold(keywords, s) }

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
