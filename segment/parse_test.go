package segment

import (
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestParse(t *testing.T) {
	for _, tt := range []struct{ rule, want string }{
		{`relationship = client`, `relationship = "client"`},
		{`Relationship = Client and CLV > 500`, `relationship = "Client" AND clv > 500`},
		{`kind = person AND (tag = vip OR monetary >= 4)`, `kind = "person" AND (tag = "vip" OR monetary >= 4)`},
		{`count(type = ticket, attr.category = complaint, since 90d ago) >= 2`,
			`count(type = "ticket", attr.category = "complaint", since 2026-08-25) >= 2`},
		{`count(type = order, since 2026-03-01) = 0`, `count(type = "order", since 2026-03-01) = 0`},
		{`sum(type in (order, transaction), attr.product = "Sit-stand desks", currency = EUR) > 1000`,
			`sum(type in ("order", "transaction"), attr.product = "Sit-stand desks", currency = "EUR") > 1000`},
		{`last(type = order) < 6m ago`, `last(type = "order") < 2026-05-23`},
		{`count() > 100`, `count() > 100`},
		{`NOT consent = marketing`, `NOT consent = "marketing"`},
		{`owner = empty OR email != empty`, `owner = empty OR email != empty`},
		{`email contains "@acme.com" AND city in ("Porto", Lisboa)`, `email contains "@acme.com" AND city in ("Porto", "Lisboa")`},
		{`attr.industry = "Retail" AND created >= 1y ago`, `attr.industry = "Retail" AND created >= 2025-11-23`},
		{`p_alive < 0.5 AND recency <> 5`, `p_alive < 0.5 AND recency != 5`},
		{`not not (kind = person or kind = organisation) and tag = "a \"b\""`, `NOT (NOT (kind = "person" OR kind = "organisation")) AND tag = "a \"b\""`},
	} {
		e, err := Parse(tt.rule, now)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.rule, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", tt.rule, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct {
		rule   string
		column int
		msg    string
	}{
		{``, 1, "the rule is empty"},
		{`recncy >= 4`, 1, `there is no field "recncy" here: use kind, name,`},
		{`relationship = clients`, 16, `“relationship” has no value "clients": use one of consumer, client,`},
		{`clv > lots`, 7, `“clv” is a number: compare it with a number such as 500, not “lots”`},
		{`kind = person AND`, 18, "expected a field such as relationship, clv or count(…), found the end of the rule"},
		{`kind = person tag = vip`, 15, "expected AND, OR or the end of the rule, found “tag”"},
		{`(kind = person`, 15, "expected “)” to close the “(” at column 1, found the end of the rule"},
		{`clv contains 5`, 5, "clv cannot be compared with contains: use =, !=, <, <=, >, >="},
		{`kind contains "p"`, 6, "kind cannot be compared with contains"},
		{`count(type = order) > 2 AND count(typ = call) > 1`, 35, `there is no field "typ" here: use type, channel, source, currency, attr.NAME`},
		{`count(type = ordre) > 2`, 14, `“type” has no value "ordre"`},
		{`count(type > order) > 2`, 12, "expected =, != or in after type, found “>”"},
		{`last(type = order) < 90d`, 25, "write “ago” after 90d, as in 90d ago"},
		{`last(type = order) < 2026-02-30`, 22, "is not a date"},
		{`count(type = ticket, since 99999999999999999999d ago) >= 1`, 28, "99999999999999999999d is further back than rules reach"},
		{`created < 201y ago`, 11, "201y is further back than rules reach"},
		{`count type = order`, 7, "“count” needs its interactions in brackets"},
		{`clv(type = order) > 1`, 4, "“clv” is not one of count, sum, last and first"},
		{`name = "Ana`, 8, "this text has no closing quote"},
		{`name = Ana; DROP TABLE customers`, 11, "“;” cannot be used here"},
		{`kind = empty`, 8, "“kind” is never empty"},
		{`attr. = 1`, 1, "write the attribute's name after attr."},
		{`created > 5`, 11, "“created” is a date: compare it with a date such as 2026-03-01 or 90d ago, not “5”"},
		{`tag in vip`, 8, "“in” needs a list in brackets"},
		{`clv > 1 AND ` + strings.Repeat("(", 60) + `clv > 1` + strings.Repeat(")", 60), 0, "nests deeper than 50 levels"},
		{strings.Repeat("x", MaxRuleLength+1), 0, "at most 4000 are allowed"},
		{"name = \"\xff\"", 1, "not valid UTF-8"},
	} {
		_, err := Parse(tt.rule, now)
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("Parse(%q): got %v, want an *Error", tt.rule, err)
			continue
		}
		if !strings.Contains(e.Msg, tt.msg) || tt.column > 0 && e.Column() != tt.column {
			t.Errorf("Parse(%q):\n got %q at column %d\nwant %q at column %d", tt.rule, e.Msg, e.Column(), tt.msg, tt.column)
		}
	}
}

// FuzzParse: whatever the text, Parse answers a rule or an *Error, and a rule written
// back parses to the same rule.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`relationship = client AND clv > 500`, `count(type = ticket, since 90d ago) >= 2`,
		`NOT (tag in (a, "b") OR name contains 'x')`, `last() < 2026-01-01`, `attr.x != empty`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, rule string) {
		e, err := Parse(rule, now)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q): %v is not an *Error", rule, err)
			}
			return
		}
		again, err := Parse(e.String(), now)
		if err != nil {
			t.Fatalf("Parse(%q) = %s, which does not parse: %v", rule, e, err)
		}
		if again.String() != e.String() {
			t.Fatalf("Parse(%q) = %s, written back and parsed: %s", rule, e, again)
		}
	})
}
