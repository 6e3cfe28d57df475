package linkage

import (
	"cmp"
	"slices"
	"strings"
)

// Infer proposes a config from the columns' names and values: a type for every column
// but the id, and blocking rules that keep the number of compared pairs tractable. It is
// a starting point to save and edit; columns that must not be compared (a ground truth,
// a row number) are for the user to remove.
func Infer(t *Table, idColumn string) *Config {
	c := &Config{Threshold: DefaultThreshold}
	for i, col := range t.Columns {
		if col == idColumn || len(c.Fields) == maxFields {
			continue
		}
		kind, ok := kindFromName(col)
		if !ok {
			kind = kindFromValues(t.Rows, i)
		}
		c.Fields = append(c.Fields, Field{Column: col, Kind: kind})
	}
	// One given-name and one family-name column: names written in each other's
	// column are compared crosswise.
	given := slices.IndexFunc(c.Fields, func(f Field) bool { return f.Kind == KindName && nameRole(f.Column) == "given" })
	family := slices.IndexFunc(c.Fields, func(f Field) bool { return f.Kind == KindName && nameRole(f.Column) == "family" })
	if given >= 0 && family >= 0 {
		c.Fields[given].SwapsWith = c.Fields[family].Column
	}
	c.Blocking = inferRules(t, c.Fields)
	return c
}

// nameRole says whether a column's name calls it a given name or a family name.
func nameRole(column string) string {
	n := strings.ToLower(column)
	for _, w := range []string{"given", "first", "forename"} {
		if strings.Contains(n, w) && !strings.Contains(n, "sur") && !strings.Contains(n, "last") {
			return "given"
		}
	}
	for _, w := range []string{"surname", "last", "family"} {
		if strings.Contains(n, w) && !strings.Contains(n, "first") {
			return "family"
		}
	}
	return ""
}

var nameHints = []struct {
	words []string
	kind  Kind
}{
	{[]string{"email", "e_mail", "mail"}, KindEmail},
	{[]string{"phone", "tel", "mobile", "fax"}, KindPhone},
	{[]string{"postcode", "postal", "zip", "plz"}, KindPostcode},
	{[]string{"dob", "birth_date", "date_of_birth", "birthdate", "birthday", "date"}, KindDate},
	{[]string{"street", "address", "addr"}, KindAddress},
	{[]string{"ssn", "soc_sec", "national", "passport", "tax", "nin", "identifier"}, KindIdentifier},
	{[]string{"name", "given", "first", "forename", "surname", "last", "family", "middle"}, KindName},
}

// kindFromName reads a column's name ("date_of_birth", "E-Mail", "surname").
func kindFromName(column string) (Kind, bool) {
	n := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(column))
	for _, h := range nameHints {
		for _, w := range h.words {
			if n == w || strings.HasPrefix(n, w+"_") || strings.HasSuffix(n, "_"+w) || strings.Contains(n, "_"+w+"_") ||
				(len(w) > 4 && strings.Contains(n, w)) {
				return h.kind, true
			}
		}
	}
	return "", false
}

// kindFromValues looks at the first thousand non-empty values of a column.
func kindFromValues(rows [][]string, col int) Kind {
	var seen, emails, phones, dates int
	for _, row := range rows {
		if col >= len(row) || strings.TrimSpace(row[col]) == "" {
			continue
		}
		v := strings.TrimSpace(row[col])
		seen++
		d := digits(v)
		switch {
		case strings.Count(v, "@") == 1:
			emails++
		case len(prepareDate(v)) == 8 && len(d) == 8 && strings.Trim(v, "0123456789-./ ") == "":
			dates++
		case len(d) >= 7 && strings.Trim(v, "0123456789+-()/. ") == "":
			phones++
		}
		if seen == 1000 {
			break
		}
	}
	switch {
	case seen == 0:
		return KindText
	case emails*10 >= seen*8:
		return KindEmail
	case dates*10 >= seen*8:
		return KindDate
	case phones*10 >= seen*8:
		return KindPhone
	}
	return KindText
}

// inferRules proposes blocking rules: each selective field alone, then pairs of fields,
// keeping the rules whose pairs number at most a budget that grows with the data, until
// every field is in some rule or six rules are chosen.
func inferRules(t *Table, fields []Field) []Rule {
	budget := max(2_000_000, 5*len(t.Rows))
	var keys []string
	for _, f := range fields {
		keys = append(keys, f.Column)
		if f.Kind == KindName {
			keys = append(keys, "soundex("+f.Column+")")
		}
	}
	type scored struct {
		rule  Rule
		pairs int
	}
	var singles, doubles []scored
	for i, a := range keys {
		if n := rulePairs(t, fields, Rule{a}); n > 0 && n <= budget {
			singles = append(singles, scored{Rule{a}, n})
		}
		for _, b := range keys[i+1:] {
			if columnOf(a) == columnOf(b) {
				continue
			}
			if n := rulePairs(t, fields, Rule{a, b}); n > 0 && n <= budget {
				doubles = append(doubles, scored{Rule{a, b}, n})
			}
		}
	}
	byPairs := func(a, b scored) int { return cmp.Compare(a.pairs, b.pairs) }
	slices.SortStableFunc(singles, byPairs)
	slices.SortStableFunc(doubles, byPairs)
	var rules []Rule
	covered := map[string]bool{}
	take := func(s scored) {
		rules = append(rules, s.rule)
		for _, k := range s.rule {
			covered[columnOf(k)] = true
		}
	}
	for _, s := range singles {
		if len(rules) < 6 && !covered[columnOf(s.rule[0])] {
			take(s)
		}
	}
	// Pairs of fields, preferring those that bring in fields no rule uses yet, so that a
	// typo in one field does not hide a match from every rule.
	for len(rules) < 6 {
		best := -1
		for i, d := range doubles {
			if subsumed(d.rule, rules) {
				continue
			}
			if best < 0 || newColumns(d.rule, covered) > newColumns(doubles[best].rule, covered) {
				best = i
			}
		}
		if best < 0 || (newColumns(doubles[best].rule, covered) == 0 && len(rules) >= 3) {
			break
		}
		take(doubles[best])
		doubles = slices.Delete(doubles, best, best+1)
	}
	if len(rules) == 0 && len(fields) > 0 {
		rules = append(rules, Rule{fields[0].Column})
	}
	return rules
}

func columnOf(k string) string {
	key, _ := parseKey(k)
	return key.column
}

func newColumns(r Rule, covered map[string]bool) int {
	n := 0
	for _, k := range r {
		if !covered[columnOf(k)] {
			n++
		}
	}
	return n
}

// subsumed reports whether every pair of rule r is already produced by a chosen rule
// whose keys are a subset of r's.
func subsumed(r Rule, rules []Rule) bool {
	for _, c := range rules {
		if !slices.ContainsFunc(c, func(k string) bool { return !slices.Contains(r, k) }) {
			return true
		}
	}
	return false
}

// inferSample is how many rows rulePairs counts on; on more, it estimates.
const inferSample = 100_000

// rulePairs counts the pairs a rule would produce, estimated from an even sample of
// the rows of a large table.
func rulePairs(t *Table, fields []Field, r Rule) int {
	step := (len(t.Rows) + inferSample - 1) / inferSample
	hash := ruleHash(fields, r, t.Columns)
	counts := map[uint64]int{}
	sampled := 0
	for i := 0; i < len(t.Rows); i += step {
		sampled++
		if h := hash(t.Rows[i]); h != 0 {
			counts[h]++
		}
	}
	pairs := 0
	for _, n := range counts {
		pairs += n * (n - 1) / 2
	}
	scale := float64(len(t.Rows)) / float64(max(sampled, 1))
	return int(float64(pairs) * scale * scale)
}
