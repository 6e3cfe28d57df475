package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/fold"
	"github.com/rapportckm/rapport/segment"
)

// ruleFrom is what a compiled rule's condition reads: the customer c and their value
// v, absent for customers without purchases.
const ruleFrom = `customers c LEFT JOIN customer_values v ON v.customer_id = c.id`

// compileRule parses a segment rule and compiles it to a condition on ruleFrom. Every
// comparison is two-valued (a customer without a value does not have clv > 500, and so
// has NOT clv > 500), so that NOT is always the rest of the customers.
func (tx *Tx) compileRule(q *Query, rule string) (string, error) {
	e, err := segment.Parse(rule, tx.now)
	if err != nil {
		return "", rapport.FieldError("rule", "%s", err)
	}
	rc := &ruleCompiler{tx: tx, q: q, rule: rule}
	return rc.expr(e)
}

type ruleCompiler struct {
	tx   *Tx
	q    *Query
	rule string
}

func (rc *ruleCompiler) expr(e segment.Expr) (string, error) {
	switch e := e.(type) {
	case *segment.And:
		return rc.join(e.Terms, " AND ")
	case *segment.Or:
		return rc.join(e.Terms, " OR ")
	case *segment.Not:
		x, err := rc.expr(e.X)
		return "NOT " + x, err
	case *segment.Condition:
		c, err := rc.condition(e)
		c = "COALESCE(" + c + ", FALSE)"
		if negated(e) {
			c = "NOT " + c
		}
		return c, err
	}
	return "", fmt.Errorf("segment rule: unknown expression %T", e)
}

func (rc *ruleCompiler) join(terms []segment.Expr, sep string) (string, error) {
	parts := make([]string, len(terms))
	for i, t := range terms {
		var err error
		if parts[i], err = rc.expr(t); err != nil {
			return "", err
		}
	}
	return "(" + strings.Join(parts, sep) + ")", nil
}

// valueColumns are the numeric fields read from customer_values; revenue is stored in
// ten-thousandths, as every amount.
var valueFields = map[string]string{
	"recency": "v.recency_score", "frequency": "v.frequency_score", "monetary": "v.monetary_score",
	"p_alive": "v.p_alive", "clv": "v.lifetime_value", "revenue": "v.revenue", "purchases": "v.purchases",
	"expected_purchases": "v.expected_purchases",
}

// setFields are the fields a customer may have several of, each a row of a table x
// (with a condition that picks the kind of row) and a column compared in lower case.
var setFields = map[string]struct{ table, col string }{
	"relationship": {"customer_relationships x WHERE x.customer_id = c.id", "x.kind"},
	"tag":          {"customer_tags x WHERE x.customer_id = c.id", "x.tag"},
	"email":        {"customer_contacts x WHERE x.customer_id = c.id AND x.kind = 'email'", "x.normalized"},
	"phone":        {"customer_contacts x WHERE x.customer_id = c.id AND x.kind = 'phone'", "x.normalized"},
	"country":      {"customer_addresses x WHERE x.customer_id = c.id", "LOWER(x.country)"},
	"city":         {"customer_addresses x WHERE x.customer_id = c.id", "LOWER(x.city)"},
	"postcode":     {"customer_addresses x WHERE x.customer_id = c.id", "LOWER(x.postcode)"},
}

func (rc *ruleCompiler) condition(c *segment.Condition) (string, error) {
	q, f, v := rc.q, c.Field, c.Values[0]
	switch {
	case f.Aggregate:
		left, err := rc.aggregate(f.Name, c.Agg)
		if err != nil {
			return "", err
		}
		if f.Type == segment.Date {
			return rc.compareTime(left, c.Op, v), nil
		}
		n := v.Num
		if f.Name == "sum" {
			n *= 10000
		}
		return left + " " + positive(c.Op) + " " + number(q, n), nil
	case valueFields[f.Name] != "":
		n := v.Num
		if f.Name == "revenue" {
			n *= 10000
		}
		return valueFields[f.Name] + " " + positive(c.Op) + " " + number(q, n), nil
	case f.Name == "created":
		return rc.compareTime("c.created_at", c.Op, v), nil
	case f.Name == "last_purchase":
		return rc.compareTime("v.last_at", c.Op, v), nil
	case f.Name == "first_purchase":
		return rc.compareTime("v.first_at", c.Op, v), nil
	case f.Name == "consent":
		var ors []string
		for _, v := range c.Values {
			ors = append(ors, consentGranted(q, "c.id", rapport.Purpose(strings.ToLower(v.Text))))
		}
		return "(" + strings.Join(ors, " OR ") + ")", nil
	case f.Name == "owner":
		return rc.owner(c)
	case setFields[f.Name].table != "":
		set := setFields[f.Name]
		if v.Empty {
			return "EXISTS (SELECT 1 FROM " + set.table + ")", nil
		}
		return "EXISTS (SELECT 1 FROM " + set.table + " AND " + rc.text(set.col, f.Name, c.Op, c.Values) + ")", nil
	}
	var col string
	switch f.Name {
	case "kind":
		col = "c.kind"
	case "name":
		col = "c.sort_name"
	case "language":
		col = "LOWER(c.language)"
	case "channel":
		col = "c.preferred_channel"
	case "currency":
		col = "LOWER(COALESCE(v.currency, ''))"
	case "attr":
		col = "LOWER(COALESCE(" + rc.tx.db.dialect.Attribute(q, "c.attributes", c.Attr) + ", ''))"
	default:
		return "", fmt.Errorf("segment rule: field %s has no column", f.Name)
	}
	if v.Empty {
		return col + " = ''", nil
	}
	return rc.text(col, f.Name, c.Op, c.Values), nil
}

// text compares a column already in lower (or folded) case with the values, as =,
// contains or in; != is the negation of =, which the caller applies.
func (rc *ruleCompiler) text(col, field, op string, values []segment.Value) string {
	norm := func(s string) string {
		switch field {
		case "name":
			return fold.String(s)
		case "email":
			return rapport.NormalizeEmail(s)
		case "phone":
			if op != "contains" {
				return rapport.NormalizePhone(s)
			}
		}
		return strings.ToLower(strings.TrimSpace(s))
	}
	switch op {
	case "contains":
		pattern := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(norm(values[0].Text))
		if pattern == "" { // nothing left to look for, such as punctuation in a name
			return "FALSE"
		}
		return col + " LIKE " + rc.q.Arg("%"+pattern+"%") + ` ESCAPE '\'`
	case "in":
		args := make([]any, len(values))
		for i, v := range values {
			args[i] = norm(v.Text)
		}
		return col + " IN " + rc.q.In(args...)
	}
	return col + " = " + rc.q.Arg(norm(values[0].Text))
}

// positive is the operator of the condition that negated negates.
func positive(op string) string {
	if op == "!=" {
		return "="
	}
	return op
}

// number is a numeric argument; the cast lets PostgreSQL compare it with counts and
// integers as well as with reals.
func number(q *Query, n float64) string { return "CAST(" + q.Arg(n) + " AS DOUBLE PRECISION)" }

// negated reports whether a condition is compiled as the negation of what condition
// returns: != is NOT =, whatever the field (a customer without a value for it has
// clv != 500), and "= empty" on a field a customer has several of is NOT having one.
func negated(c *segment.Condition) bool {
	if c.Field.Many && c.Values[0].Empty {
		return c.Op == "="
	}
	return c.Op == "!="
}

// compareTime compares a time column with a day: = is on that day, > after it, <=
// on it or before.
func (rc *ruleCompiler) compareTime(col, op string, v segment.Value) string {
	day := v.Time
	switch op {
	case "=", "!=": // != is the negation, applied by the caller
		return "(" + col + " >= " + rc.q.Arg(day) + " AND " + col + " < " + rc.q.Arg(day.Add(24*time.Hour)) + ")"
	case ">", "<=": // after the day: from the next day on
		day = day.Add(24 * time.Hour)
		op = map[string]string{">": ">=", "<=": "<"}[op]
	}
	return col + " " + op + " " + rc.q.Arg(day)
}

func (rc *ruleCompiler) owner(c *segment.Condition) (string, error) {
	v := c.Values[0]
	if v.Empty {
		return "c.owner_id IS NULL", nil
	}
	if c.Op == "contains" {
		return "c.owner_id IN (SELECT u.id FROM users u WHERE " + rc.text("u.email", "email", c.Op, c.Values) + ")", nil
	}
	ids := make([]any, len(c.Values))
	for i, v := range c.Values {
		var id rapport.ID
		err := rc.tx.queryRow(`SELECT id FROM users WHERE email = $1`, rapport.NormalizeEmail(v.Text)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", rapport.FieldError("rule", "%s", &segment.Error{Rule: rc.rule, Pos: v.Pos,
				Msg: fmt.Sprintf("no staff user has the e-mail address %q", v.Text)})
		} else if err != nil {
			return "", err
		}
		ids[i] = id
	}
	return "c.owner_id IN " + rc.q.In(ids...), nil
}

// aggregate is a scalar subquery over the customer's interactions that pass the filters.
func (rc *ruleCompiler) aggregate(fn string, agg *segment.Aggregate) (string, error) {
	q := rc.q
	conds := []string{"i.customer_id = c.id"}
	for _, f := range agg.Filters {
		var col string
		values := make([]any, len(f.Values))
		for i, v := range f.Values {
			values[i] = strings.ToLower(v.Text)
		}
		switch f.Op {
		case "since":
			conds = append(conds, "i.occurred_at >= "+q.Arg(f.Values[0].Time))
			continue
		case "before":
			conds = append(conds, "i.occurred_at < "+q.Arg(f.Values[0].Time))
			continue
		}
		notNull := false // a column that is never NULL is compared bare, so that an index on it serves
		switch f.Key.Name {
		case "type":
			col, notNull = "i.type", true
		case "channel":
			col, notNull = "i.channel", true
		case "currency":
			col = "LOWER(i.currency)"
		case "source":
			col = "(SELECT LOWER(s.name) FROM sources s WHERE s.id = i.source_id)"
		case "attr":
			col = "LOWER(" + rc.tx.db.dialect.Attribute(q, "i.attributes", f.Attr) + ")"
		default:
			return "", fmt.Errorf("segment rule: filter %s has no column", f.Key.Name)
		}
		cond := col + " IN " + q.In(values...)
		if !notNull {
			cond = "COALESCE(" + cond + ", FALSE)"
		}
		if f.Op == "!=" {
			cond = "NOT " + cond
		}
		conds = append(conds, cond)
	}
	sel := map[string]string{"count": "COUNT(*)", "sum": "COALESCE(SUM(i.amount), 0)", "last": "MAX(i.occurred_at)", "first": "MIN(i.occurred_at)"}[fn]
	return "(SELECT " + sel + " FROM interactions i WHERE " + strings.Join(conds, " AND ") + ")", nil
}
