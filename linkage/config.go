package linkage

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport/fold"
	"go.yaml.in/yaml/v3"
)

// Config says which columns to compare, how, and which pairs of records to compare at
// all. docs/linkage.md describes it for people who write one.
type Config struct {
	Fields   []Field `yaml:"fields" json:"fields"`
	Blocking []Rule  `yaml:"blocking" json:"blocking"`
	// Threshold is the match probability from which two records are the same customer.
	Threshold float64 `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	// MaxBlock is the most records that may share one value of a rule's keys
	// (DefaultMaxBlock when 0). A value shared by more — a switchboard number, a
	// placeholder date — tells no one apart, and comparing all its pairs would take
	// time and memory that grow with the square of their number: its records are not
	// paired by that rule.
	MaxBlock int `yaml:"max_block,omitempty" json:"max_block,omitempty"`
}

// DefaultMaxBlock bounds one value's pairs at about half a million.
const DefaultMaxBlock = 1000

// A Field is a column compared between records.
type Field struct {
	Column string `yaml:"column" json:"column"`
	Kind   Kind   `yaml:"type" json:"type"`
	// TermFrequency weighs an exact agreement by how rare the value is: sharing the
	// surname "Oyelaran" says more than sharing "Smith". On unless set to false.
	TermFrequency *bool `yaml:"term_frequency,omitempty" json:"term_frequency,omitempty"`
	// SwapsWith names another name field whose values may be written in this one's
	// column: a given name and a family name swapped, or a record's one name in the
	// wrong column. Such pairs are graded at the level "in the other name column".
	SwapsWith string `yaml:"swaps_with,omitempty" json:"swaps_with,omitempty"`
}

func (f Field) termFrequency() bool { return f.TermFrequency == nil || *f.TermFrequency }

// A Rule is a blocking rule: two records are compared when they agree on every key of at
// least one rule. A key is a column, or a function of one: soundex(surname),
// prefix1(given_name) (its first letter; prefix3 for three), year(date_of_birth),
// digits(phone), district(postcode).
type Rule []string

// DefaultThreshold is the match probability above which pairs are linked, when a config
// does not say.
const DefaultThreshold = 0.9

// maxFields is how many fields fit in a comparison pattern (3 bits each in a uint64).
const maxFields = 21

// ParseConfig reads a config in YAML and checks it against the columns of the input.
func ParseConfig(data []byte, columns []string) (*Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := c.Check(columns); err != nil {
		return nil, err
	}
	return &c, nil
}

// YAML writes the config in the form ParseConfig reads.
func (c *Config) YAML() []byte {
	var b bytes.Buffer
	b.WriteString("# Fields to compare: column, and type (one of name, date, address, postcode, phone,\n")
	b.WriteString("# email, identifier, text). Blocking rules: records are compared when they agree on\n")
	b.WriteString("# every key of at least one rule. See docs/linkage.md.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		panic(err) // a Config always encodes
	}
	return b.Bytes()
}

// Check reports the first thing wrong with the config, naming the field or rule.
func (c *Config) Check(columns []string) error {
	if len(c.Fields) == 0 {
		return fmt.Errorf("config: fields: name at least one column to compare")
	}
	if len(c.Fields) > maxFields {
		return fmt.Errorf("config: fields: at most %d fields can be compared, not %d", maxFields, len(c.Fields))
	}
	seen := map[string]bool{}
	for i, f := range c.Fields {
		if !slices.Contains(columns, f.Column) {
			return fmt.Errorf("config: fields[%d]: no column %q in the input (it has %s)", i, f.Column, strings.Join(columns, ", "))
		}
		if _, ok := comparisons[f.Kind]; !ok {
			return fmt.Errorf("config: fields[%d] (%s): unknown type %q; use one of %s", i, f.Column, f.Kind, kindList())
		}
		if seen[f.Column] {
			return fmt.Errorf("config: fields[%d]: column %q is compared twice", i, f.Column)
		}
		seen[f.Column] = true
	}
	for i, f := range c.Fields {
		if f.SwapsWith == "" {
			continue
		}
		j := slices.IndexFunc(c.Fields, func(o Field) bool { return o.Column == f.SwapsWith })
		switch {
		case f.Kind != KindName:
			return fmt.Errorf("config: fields[%d] (%s): swaps_with compares names only, and this field is of type %s", i, f.Column, f.Kind)
		case j < 0 || j == i:
			return fmt.Errorf("config: fields[%d] (%s): swaps_with: %q is not another field of the config", i, f.Column, f.SwapsWith)
		case c.Fields[j].Kind != KindName:
			return fmt.Errorf("config: fields[%d] (%s): swaps_with: %s is of type %s, not name", i, f.Column, f.SwapsWith, c.Fields[j].Kind)
		case c.Fields[j].SwapsWith != "":
			return fmt.Errorf("config: fields[%d] (%s): swaps_with: give it on one of the two fields only", i, f.Column)
		}
	}
	if len(c.Blocking) == 0 {
		return fmt.Errorf("config: blocking: give at least one rule, such as [%s]", c.Fields[0].Column)
	}
	for i, r := range c.Blocking {
		if len(r) == 0 {
			return fmt.Errorf("config: blocking[%d]: a rule needs at least one key", i)
		}
		for _, k := range r {
			key, err := parseKey(k)
			if err != nil {
				return fmt.Errorf("config: blocking[%d]: %v", i, err)
			}
			if !slices.Contains(columns, key.column) {
				return fmt.Errorf("config: blocking[%d]: no column %q in the input", i, key.column)
			}
		}
	}
	if c.Threshold < 0 || c.Threshold >= 1 {
		return fmt.Errorf("config: threshold: %v is not a probability between 0 and 1", c.Threshold)
	}
	return nil
}

func kindList() string {
	var s []string
	for _, k := range Kinds {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

// A key is one part of a blocking rule: a column and what is done to it first.
type key struct {
	column   string
	function string // "", soundex, prefix, year, digits, district
	n        int    // prefix length
}

var keyPattern = regexp.MustCompile(`^\s*(?:([a-z]+?)(\d*)\(\s*([^()]+?)\s*\)|([^()]+?))\s*$`)

func parseKey(s string) (key, error) {
	m := keyPattern.FindStringSubmatch(s)
	if m == nil {
		return key{}, fmt.Errorf("cannot read key %q: write a column, or soundex(column), prefixN(column), year(column), digits(column) or district(column)", s)
	}
	if m[4] != "" {
		return key{column: m[4]}, nil
	}
	k := key{column: m[3], function: m[1]}
	switch k.function {
	case "soundex", "year", "digits", "district":
		if m[2] != "" {
			return key{}, fmt.Errorf("key %q: write %s(column)", s, k.function)
		}
	case "prefix":
		n, err := strconv.Atoi(m[2])
		if err != nil || n < 1 {
			return key{}, fmt.Errorf("key %q: write prefixN(column) with N the number of letters, such as prefix1(given_name)", s)
		}
		k.n = n
	default:
		return key{}, fmt.Errorf("key %q: unknown function %q; use soundex, prefixN, year, digits or district", s, k.function)
	}
	return k, nil
}

// columns are the columns a rule's keys read.
func (r Rule) columns() map[string]bool {
	cols := map[string]bool{}
	for _, k := range r {
		key, _ := parseKey(k) // checked by Config.Check
		cols[key.column] = true
	}
	return cols
}

// ruleHash returns what a row of a table with these columns has as its key under rule
// r, hashed; 0 when a key's value is missing. A key on a compared column prepares the
// value as its field does, so that the key agrees whenever the field agrees exactly.
func ruleHash(fields []Field, r Rule, columns []string) func(row []string) uint64 {
	keys := make([]key, len(r))
	index := make([]int, len(r))
	prepare := make([]func(string) string, len(r))
	for i, k := range r {
		keys[i], _ = parseKey(k) // checked by Config.Check
		index[i] = slices.Index(columns, keys[i].column)
		prepare[i] = fold.String
		for _, f := range fields {
			if f.Column == keys[i].column {
				prepare[i] = comparisons[f.Kind].prepare
			}
		}
	}
	return func(row []string) uint64 {
		h := uint64(fnvOffset)
		for i, k := range keys {
			raw := ""
			if index[i] >= 0 && index[i] < len(row) {
				raw = row[index[i]]
			}
			v := k.value(raw, prepare[i])
			if v == "" {
				return 0
			}
			h = fnv(h, v)
		}
		return h
	}
}

// value is the key of one raw value, "" when the value is missing (and then the record
// is not blocked by this rule).
func (k key) value(raw string, prepare func(string) string) string {
	switch k.function {
	case "soundex":
		s := soundex(fold.String(raw))
		if s[0] == 0 {
			return ""
		}
		return string(s[:])
	case "prefix":
		f := []rune(prepare(raw))
		return string(f[:min(k.n, len(f))])
	case "year":
		d := prepareDate(raw)
		if len(d) < 4 {
			return ""
		}
		return d[:4]
	case "digits":
		return digits(raw)
	case "district":
		if v := fold.String(raw); v != "" {
			return district(v)
		}
		return ""
	}
	return prepare(raw)
}
