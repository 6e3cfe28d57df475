package segment

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// Type is what a field holds and so what it can be compared with.
type Type int

const (
	Text   Type = iota // =, !=, in, contains; case does not matter
	Choice             // one of Values: =, !=, in
	Number             // =, !=, <, <=, >, >=
	Date               // =, !=, <, <=, >, >= with a date, "90d ago" or today
)

// Field is something a rule can test.
type Field struct {
	Name      string
	Type      Type
	Values    []string // the choices of a Choice field
	Many      bool     // a customer may have several (tags, e-mails): = means "has one that is"
	Optional  bool     // may be empty: compare with the word empty
	Aggregate bool     // count, sum, last, first: takes filters in brackets
	Help      string
}

func (f *Field) checkOp(op string) error {
	ok := op == "=" || op == "!="
	switch {
	case f.Type == Number || f.Type == Date:
		ok = op != "contains" && op != "in"
	case op == "in":
		ok = true
	case op == "contains":
		ok = f.Type == Text
	}
	if !ok {
		return fmt.Errorf("%s cannot be compared with %s: use %s", f.Name, op, strings.Join(f.Ops(), ", "))
	}
	return nil
}

// Ops are the operators the field can be compared with.
func (f *Field) Ops() []string {
	switch f.Type {
	case Number, Date:
		return []string{"=", "!=", "<", "<=", ">", ">="}
	case Text:
		return []string{"=", "!=", "contains", "in"}
	}
	return []string{"=", "!=", "in"}
}

func names[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

// Fields are what a rule can test, in the order the builder offers them.
var Fields = []*Field{
	{Name: "kind", Type: Choice, Values: []string{"person", "organisation"}, Help: "person or organisation"},
	{Name: "name", Type: Text, Help: "the customer's name; contains finds part of it"},
	{Name: "relationship", Type: Choice, Values: names(rapport.Relationships), Many: true, Optional: true, Help: "one of the customer's relationships"},
	{Name: "tag", Type: Text, Many: true, Optional: true, Help: "one of the customer's tags"},
	{Name: "language", Type: Text, Optional: true, Help: "language code, such as pt or en-GB"},
	{Name: "channel", Type: Choice, Values: names(rapport.Channels), Optional: true, Help: "preferred channel"},
	{Name: "email", Type: Text, Many: true, Optional: true, Help: "one of the e-mail addresses; contains \"@acme.com\" finds a domain"},
	{Name: "phone", Type: Text, Many: true, Optional: true, Help: "one of the phone numbers"},
	{Name: "country", Type: Text, Many: true, Optional: true, Help: "country code of one of the addresses, such as PT"},
	{Name: "city", Type: Text, Many: true, Optional: true, Help: "city of one of the addresses"},
	{Name: "postcode", Type: Text, Many: true, Optional: true, Help: "postcode of one of the addresses"},
	{Name: "owner", Type: Text, Optional: true, Help: "the account manager's e-mail address"},
	{Name: "created", Type: Date, Help: "when the customer was created in Rapport"},
	{Name: "consent", Type: Choice, Values: names(rapport.Purposes), Many: true, Help: "a purpose the customer agreed to (their latest decision)"},
	{Name: "attr", Type: Text, Optional: true, Help: "attr.NAME: a custom attribute, compared as text"},
	{Name: "currency", Type: Text, Optional: true, Help: "the currency the customer buys in (their most used), such as EUR"},
	{Name: "recency", Type: Number, Help: "recency score, 1 to 5 (5: bought most recently)"},
	{Name: "frequency", Type: Number, Help: "frequency score, 1 to 5"},
	{Name: "monetary", Type: Number, Help: "monetary score, 1 to 5"},
	{Name: "p_alive", Type: Number, Help: "probability, 0 to 1, that the customer still buys"},
	{Name: "clv", Type: Number, Help: "lifetime value over the next year, discounted"},
	{Name: "revenue", Type: Number, Help: "spent so far"},
	{Name: "purchases", Type: Number, Help: "days with a purchase so far"},
	{Name: "expected_purchases", Type: Number, Help: "purchases expected over the next year"},
	{Name: "last_purchase", Type: Date, Help: "the day of the latest purchase"},
	{Name: "first_purchase", Type: Date, Help: "the day of the first purchase"},
	{Name: "count", Type: Number, Aggregate: true, Help: "count(filters): how many interactions"},
	{Name: "sum", Type: Number, Aggregate: true, Help: "sum(filters): their total amount"},
	{Name: "last", Type: Date, Aggregate: true, Help: "last(filters): when the latest happened"},
	{Name: "first", Type: Date, Aggregate: true, Help: "first(filters): when the earliest happened"},
}

// FilterFields narrow the interactions of count, sum, last and first; since and
// before bound when they happened.
var FilterFields = []*Field{
	{Name: "type", Type: Choice, Values: names(rapport.InteractionTypes), Help: "order, ticket, call, …"},
	{Name: "channel", Type: Choice, Values: names(rapport.Channels), Help: "email, phone, web, …"},
	{Name: "source", Type: Text, Help: "the source system's name"},
	{Name: "currency", Type: Text, Help: "EUR, GBP, …"},
	{Name: "attr", Type: Text, Help: "attr.NAME: an attribute of the interaction, such as attr.product"},
}

// occurredField is what since and before compare.
var occurredField = &Field{Name: "since", Type: Date}

// String writes the rule back in a canonical form (durations ago become dates).
func (e *And) String() string {
	return join(e.Terms, " AND ", func(x Expr) bool { _, ok := x.(*Or); return ok })
}
func (e *Or) String() string { return join(e.Terms, " OR ", func(Expr) bool { return false }) }
func (e *Not) String() string {
	if _, ok := e.X.(*Condition); ok {
		return "NOT " + e.X.String()
	}
	return "NOT (" + e.X.String() + ")"
}

func join(terms []Expr, sep string, bracket func(Expr) bool) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.String()
		if bracket(t) {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, sep)
}

func (c *Condition) String() string {
	left := c.Field.Name
	if c.Attr != "" {
		left = "attr." + c.Attr
	}
	if c.Agg != nil {
		filters := make([]string, len(c.Agg.Filters))
		for i, f := range c.Agg.Filters {
			key := f.Key.Name
			if f.Attr != "" {
				key = "attr." + f.Attr
			}
			if f.Op == "since" || f.Op == "before" {
				filters[i] = f.Op + " " + valueList(f.Values, false)
			} else {
				filters[i] = key + " " + f.Op + " " + valueList(f.Values, f.Op == "in")
			}
		}
		left += "(" + strings.Join(filters, ", ") + ")"
	}
	return left + " " + c.Op + " " + valueList(c.Values, c.Op == "in")
}

func valueList(vs []Value, list bool) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	if list {
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return strings.Join(parts, ", ")
}

func (v Value) String() string {
	switch {
	case v.Empty:
		return "empty"
	case !v.Time.IsZero():
		return v.Time.UTC().Format(time.DateOnly)
	case v.IsNum:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	}
	return strconv.Quote(v.Text)
}
