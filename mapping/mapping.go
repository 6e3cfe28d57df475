// Package mapping turns the rows of a source system's file into Rapport's customer and
// interaction records. A mapping, written in YAML, says which column feeds which field,
// how dates are written, the phone region of numbers written without a country code,
// and which columns are kept as custom attributes. Propose drafts one from a file's
// header and first rows. docs/import.md describes the format.
package mapping

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
	"go.yaml.in/yaml/v3"
)

// Record kinds a mapping makes.
const (
	Customers    = "customers"
	Interactions = "interactions"
)

// Mapping is a parsed mapping file.
type Mapping struct {
	Record      string             `yaml:"record"`                 // customers or interactions
	Dates       []string           `yaml:"dates,omitempty"`        // layouts, tried in order
	TimeZone    string             `yaml:"timezone,omitempty"`     // of times written without an offset; UTC by default
	PhoneRegion string             `yaml:"phone_region,omitempty"` // ISO 3166 code for phone numbers without a country code
	Separator   string             `yaml:"separator,omitempty"`    // between several values in one column; ";" by default
	Decimal     string             `yaml:"decimal,omitempty"`      // the decimal mark of amounts, "," or "." (the default)
	Fields      map[string]Columns `yaml:"fields"`
	Defaults    map[string]string  `yaml:"defaults,omitempty"` // a field's value when its columns are empty
	Attributes  Attributes         `yaml:"attributes,omitempty"`

	layouts []Layout
	loc     *time.Location
	notes   map[string]string // why Propose chose what it did, written as comments
}

// Columns are the columns a field reads: the first that is not empty, or all of them
// for fields that hold several values (emails, phones, tags, relationships).
type Columns []string

func (c *Columns) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*c = Columns{n.Value}
		return nil
	case yaml.SequenceNode:
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		*c = list
		return nil
	}
	return fmt.Errorf("line %d: give a column name or a list of them", n.Line)
}

// Attribute keeps a column as a custom attribute of the record.
type Attribute struct{ Name, Column string }

// Attributes are written as a list of columns (each kept under its own name, in
// snake_case) or as a map from attribute names to columns.
type Attributes []Attribute

func (a *Attributes) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		var cols []string
		if err := n.Decode(&cols); err != nil {
			return err
		}
		for _, c := range cols {
			*a = append(*a, Attribute{AttributeName(c), c})
		}
		return nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i+1].Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: attribute %s takes one column name", n.Content[i+1].Line, n.Content[i].Value)
			}
			*a = append(*a, Attribute{n.Content[i].Value, n.Content[i+1].Value})
		}
		return nil
	}
	return fmt.Errorf("line %d: attributes are a list of columns, or a map from attribute names to columns", n.Line)
}

// field is a field a mapping may fill.
type field struct {
	name, help string
	multi      bool
}

var customerFields = []field{
	{"source_id", "the record's id in the source system (required: importing again updates instead of duplicating)", false},
	{"kind", "person or organisation (also: individual, company, …)", false},
	{"name", "an organisation's name, or a person's full name", false},
	{"given_name", "", false},
	{"family_name", "", false},
	{"emails", "", true},
	{"phones", "", true},
	{"date_of_birth", "kept as the attribute date_of_birth, as YYYY-MM-DD", false},
	{"street", "", false},
	{"city", "", false},
	{"postcode", "", false},
	{"region", "", false},
	{"country", "a name or an ISO 3166 code", false},
	{"language", "a language tag such as en or pt-BR", false},
	{"preferred_channel", "email, phone, sms, post, …", false},
	{"relationships", "client, prospect, partner, supplier, …", true},
	{"tags", "", true},
}

var interactionFields = []field{
	{"source_id", "the record's id in the source system (required)", false},
	{"customer_source_id", "the customer's id in the source system that sent the customer (required)", false},
	{"customer_source", "that source system, when it is not the one imported from", false},
	{"type", "call, email, meeting, order, transaction, ticket, …", false},
	{"channel", "email, phone, web, in_person, …", false},
	{"occurred_at", "", false},
	{"summary", "one line saying what happened (required)", false},
	{"body", "", false},
	{"amount", "a decimal such as 1234.50", false},
	{"currency", "an ISO 4217 code such as EUR", false},
}

func (m *Mapping) fields() []field {
	if m.Record == Interactions {
		return interactionFields
	}
	return customerFields
}

func (m *Mapping) fieldByName(name string) (field, bool) {
	for _, f := range m.fields() {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// Parse reads a mapping and checks it.
func Parse(data []byte) (*Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("mapping: the file is empty")
		}
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if err := m.checkDefaults(defaultLines(data)); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	return &m, nil
}

// checkDefaults reads each default as a row would read it, so that a value no row
// could take (an e-mail address without a domain, an unknown relationship, a date in
// none of the layouts) is one error naming it and its line, instead of the same
// reject on every row that leaves the field's columns empty. Each default is read
// alone, with the others left out: a problem that comes only from two values
// together, such as a given name for an organisation, depends on the row and is
// left to it.
func (m *Mapping) checkDefaults(lines map[string]int) error {
	names := make([]string, 0, len(m.Defaults))
	for name := range m.Defaults {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { // in the file's order
		return lines[names[i]] < lines[names[j]] || lines[names[i]] == lines[names[j]] && names[i] < names[j]
	})
	empty := tabular.NewRow(0, nil, nil)
	p := rapport.Problems{}
	var msgs []string
	first := ""
	for _, name := range names {
		alone := *m
		alone.Defaults = map[string]string{name: m.Defaults[name]}
		var err error
		if m.Record == Customers {
			_, _, err = alone.ApplyCustomer(&empty, "")
		} else {
			_, _, err = alone.ApplyInteraction(&empty, "")
		}
		key := "defaults." + name
		msg := ""
		var e *rapport.Error
		if errors.As(err, &e) && e.Fields[key] != "" {
			msg = strings.TrimPrefix(e.Fields[key], "column "+key+": ")
		}
		if name == "phones" && msg == "" { // a phone number that cannot be read is kept, with a warning: unless it is none at all
			vals, _ := newRow(m, &empty).values(name)
			for _, v := range vals {
				if msg = rapport.ValidPhone(v); msg != "" {
					break
				}
			}
		}
		if msg == "" {
			continue
		}
		if line := lines[name]; line > 0 {
			msg = fmt.Sprintf("line %d: %s: %s", line, key, msg)
		} else {
			msg = key + ": " + msg
		}
		if first == "" {
			first = key
		}
		p[key] = msg
		msgs = append(msgs, msg)
	}
	if len(msgs) == 0 {
		return nil
	}
	return &rapport.Error{Code: rapport.EINVALID, Field: first, Message: strings.Join(msgs, "; "), Fields: p}
}

// defaultLines finds the line of each default in a mapping's YAML, for its errors.
func defaultLines(data []byte) map[string]int {
	lines := map[string]int{}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return lines
	}
	top := doc.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value != "defaults" || top[i+1].Kind != yaml.MappingNode {
			continue
		}
		for j, kv := 0, top[i+1].Content; j+1 < len(kv); j += 2 {
			lines[kv[j].Value] = kv[j].Line
		}
	}
	return lines
}

// check validates the mapping and prepares it for use.
func (m *Mapping) check() error {
	switch m.Record {
	case Customers, Interactions:
	case "":
		return errors.New(`record is required: customers or interactions`)
	default:
		return fmt.Errorf(`record %q is unknown: use customers or interactions`, m.Record)
	}
	var names []string
	for _, f := range m.fields() {
		names = append(names, f.name)
	}
	for name := range m.Defaults {
		if _, ok := m.fieldByName(name); !ok {
			return fmt.Errorf("defaults: there is no field %q for %s; the fields are %s", name, m.Record, strings.Join(names, ", "))
		}
	}
	for name, cols := range m.Fields {
		if _, ok := m.fieldByName(name); !ok {
			return fmt.Errorf("fields: there is no field %q for %s; the fields are %s", name, m.Record, strings.Join(names, ", "))
		}
		if len(cols) == 0 {
			return fmt.Errorf("fields: %s names no column", name)
		}
		for _, c := range cols {
			if strings.TrimSpace(c) == "" {
				return fmt.Errorf("fields: %s names an empty column", name)
			}
		}
	}
	if len(m.Fields["source_id"]) == 0 {
		return errors.New("fields: source_id is required: the column holding each record's id in the source system, so that importing again updates instead of duplicating")
	}
	if m.Record == Interactions && len(m.Fields["customer_source_id"]) == 0 {
		return errors.New("fields: customer_source_id is required: the column holding the customer's id in the source system")
	}
	m.layouts = m.layouts[:0]
	for _, d := range m.Dates {
		l, err := ParseLayout(d)
		if err != nil {
			return err
		}
		m.layouts = append(m.layouts, l)
	}
	m.loc = time.UTC
	if m.TimeZone != "" {
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			return fmt.Errorf("timezone %q is not a time zone such as Europe/Lisbon or UTC", m.TimeZone)
		}
		m.loc = loc
	}
	if m.PhoneRegion != "" && !rapport.IsCountry(rapport.NormalizeCountry(m.PhoneRegion)) {
		return fmt.Errorf("phone_region %q is not an ISO 3166 two-letter country code such as GB or PT", m.PhoneRegion)
	}
	m.PhoneRegion = rapport.NormalizeCountry(m.PhoneRegion)
	if m.Separator == "" {
		m.Separator = ";"
	}
	if m.Decimal != "" && m.Decimal != "." && m.Decimal != "," {
		return fmt.Errorf(`decimal %q is not a decimal mark: write "." for 1,234.50 or "," for 1.234,50`, m.Decimal)
	}
	seen := map[string]bool{}
	for _, a := range m.Attributes {
		if a.Name == "" || a.Column == "" {
			return errors.New("attributes: every attribute needs a name and a column")
		}
		if seen[a.Name] {
			return fmt.Errorf("attributes: %s is named twice", a.Name)
		}
		seen[a.Name] = true
	}
	return nil
}

// Columns lists every column the mapping reads.
func (m *Mapping) Columns() []string {
	var cols []string
	for _, cs := range m.Fields {
		cols = append(cols, cs...)
	}
	for _, a := range m.Attributes {
		cols = append(cols, a.Column)
	}
	sort.Strings(cols)
	return slices.Compact(cols)
}

// row reads one input row through the mapping and collects the problems found, named
// by the column at fault.
type row struct {
	m      *Mapping
	r      *tabular.Row
	p      rapport.Problems
	origin map[string]string // a record's field (emails[1]) → the column it came from
}

// value returns the first non-empty value of the field's columns, or its default, and
// the column it came from.
func (rw *row) value(name string) (string, string) {
	for _, c := range rw.m.Fields[name] {
		if v, _ := rw.r.Get(c); strings.TrimSpace(v) != "" {
			rw.origin[name] = c
			return strings.TrimSpace(v), c
		}
	}
	if d, ok := rw.m.Defaults[name]; ok {
		rw.origin[name] = "defaults." + name
		return d, "defaults." + name
	}
	return "", ""
}

// values returns every value of a field's columns: each column may hold several,
// separated by the separator or written as a JSON array.
func (rw *row) values(name string) (vals, cols []string) {
	add := func(text, col string) {
		text = strings.TrimSpace(text)
		if text == "" {
			return
		}
		var list []string
		if !strings.HasPrefix(text, "[") || json.Unmarshal([]byte(text), &list) != nil {
			list = strings.Split(text, rw.m.Separator) // not a JSON array of strings
		}
		for _, v := range list {
			if v = strings.TrimSpace(v); v != "" {
				vals, cols = append(vals, v), append(cols, col)
			}
		}
	}
	for _, c := range rw.m.Fields[name] {
		v, _ := rw.r.Get(c)
		add(v, c)
	}
	if len(vals) == 0 {
		if d, ok := rw.m.Defaults[name]; ok {
			add(d, "defaults."+name)
		}
	}
	for i, c := range cols {
		rw.origin[fmt.Sprintf("%s[%d]", name, i)] = c
	}
	return vals, cols
}

// time reads a field as a date or time in the mapping's layouts.
func (rw *row) time(name string) (time.Time, bool) {
	v, col := rw.value(name)
	if v == "" {
		return time.Time{}, false
	}
	past := name == "date_of_birth" // a date that cannot be in the future
	t, err := parseTime(v, rw.m.layouts, rw.m.loc, past)
	if err != nil {
		rw.p.Add(col, "column %s: %v; say how dates are written under dates: in the mapping", col, err)
		return time.Time{}, false
	}
	if past && t.After(time.Now()) {
		rw.p.Add(col, "column %s: %q is %s, in the future: not a date of birth", col, v, t.Format("2006-01-02"))
		return time.Time{}, false
	}
	return t, true
}

// attributes returns the record's custom attributes as a JSON object.
func (rw *row) attributes(extra map[string]any) json.RawMessage {
	attrs := extra
	for _, a := range rw.m.Attributes {
		if v, ok := rw.r.Get(a.Column); ok && strings.TrimSpace(v) != "" {
			if attrs == nil {
				attrs = map[string]any{}
			}
			attrs[a.Name] = strings.TrimSpace(v)
		}
	}
	if len(attrs) == 0 {
		return json.RawMessage("{}")
	}
	b, _ := json.Marshal(attrs) // keys sorted: the same row gives the same bytes
	return b
}

// columnOf names the column a record's field came from, for error messages.
func (rw *row) columnOf(recordField string) string {
	if c, ok := rw.origin[recordField]; ok {
		return c
	}
	f, _, _ := strings.Cut(recordField, "[")
	if _, sub, ok := strings.Cut(recordField, "]."); ok && f == "addresses" {
		f = sub // addresses[0].city came from the city column
	}
	candidates := []string{f}
	if f == "name" {
		candidates = append(candidates, "given_name", "family_name")
	}
	for _, c := range candidates {
		if col, ok := rw.origin[c]; ok {
			return col
		}
		if col, ok := rw.origin[c+"[0]"]; ok { // a problem of a list as a whole, such as relationships
			return col
		}
	}
	for _, c := range candidates { // an empty value: the column it should have been in
		if cols := rw.m.Fields[c]; len(cols) > 0 {
			return cols[0]
		}
	}
	return ""
}

// explain adds the problems of a record's validation, each named by its column.
func (rw *row) explain(err error) {
	var e *rapport.Error
	if !errors.As(err, &e) {
		if err != nil {
			rw.p.Add("", "%v", err)
		}
		return
	}
	fields := e.Fields
	if len(fields) == 0 {
		fields = map[string]string{e.Field: e.Message}
	}
	for f, msg := range fields {
		if col := rw.columnOf(f); col != "" {
			rw.p.Add(col, "column %s: %s", col, msg)
		} else {
			rw.p.Add(f, "%s", msg)
		}
	}
}

func newRow(m *Mapping, r *tabular.Row) *row {
	return &row{m: m, r: r, p: rapport.Problems{}, origin: map[string]string{}}
}

// ApplyCustomer turns a row into a customer record of source, tidied: names spaced and
// cased, the country as its ISO code, the postcode in its country's form, phone numbers
// in E.164 where they can be read. The error, if any, is a *rapport.Error whose fields
// are the columns at fault; warnings are about values kept as they were.
func (m *Mapping) ApplyCustomer(r *tabular.Row, source string) (rapport.IncomingCustomer, []string, error) {
	rw := newRow(m, r)
	key, _ := rw.value("source_id")
	ic := rapport.IncomingCustomer{Line: r.Line, Source: source, SourceKey: key, Raw: r.JSON()}
	c := &ic.Customer
	c.Name, _ = rw.value("name")
	c.GivenName, _ = rw.value("given_name")
	c.FamilyName, _ = rw.value("family_name")
	kind, kindCol := rw.value("kind")
	switch {
	case kind != "":
		if c.Kind = kindOf(kind); c.Kind == "" {
			rw.p.Add(kindCol, "column %s: %q is not a kind of customer: use person or organisation", kindCol, kind)
		}
	case c.GivenName != "" || c.FamilyName != "":
		c.Kind = rapport.KindPerson
	}
	if c.Kind == rapport.KindPerson {
		c.Name, c.GivenName, c.FamilyName = Name(c.Name), Name(c.GivenName), Name(c.FamilyName)
	} else {
		c.Name = strings.Join(strings.Fields(c.Name), " ")
	}
	emails, _ := rw.values("emails")
	for _, e := range emails {
		c.Emails = append(c.Emails, rapport.ContactPoint{Value: e})
	}
	var a rapport.Address
	a.Street, _ = rw.value("street")
	a.City, _ = rw.value("city")
	a.Region, _ = rw.value("region")
	if country, col := rw.value("country"); country != "" {
		var ok bool
		if a.Country, ok = CountryCode(country); !ok {
			rw.p.Add(col, "column %s: %q is not a country: write its name (Portugal) or its ISO 3166 code (PT)", col, country)
		}
	}
	region := cmp.Or(a.Country, m.PhoneRegion) // of phone numbers and postcodes
	postcode, _ := rw.value("postcode")
	a.Postcode = Postcode(postcode, region)
	extra := map[string]any{}
	switch {
	case a.Street != "" || a.City != "" || a.Postcode != "":
		c.Addresses = []rapport.Address{a}
	case a.Country != "" || a.Region != "":
		// Not an address Rapport can keep, but worth keeping.
		for k, v := range map[string]string{"country": a.Country, "region": a.Region} {
			if v != "" {
				extra[k] = v
			}
		}
	}
	var warnings []string
	var unread []string
	phones, cols := rw.values("phones")
	for i, ph := range phones {
		// Checked first: libphonenumber reads numbers Rapport refuses (tel:…, ext. 12,
		// 1-800-FLOWERS), which would reject the row.
		if msg := rapport.ValidPhone(ph); msg != "" {
			unread = append(unread, ph)
			warnings = append(warnings, fmt.Sprintf("column %s: %s: kept in the attribute unread_phones", cols[i], msg))
			continue
		}
		if e164, ok := rapport.PhoneE164(ph, region); ok {
			c.Phones = append(c.Phones, rapport.ContactPoint{Value: ph, Normalized: e164})
			continue
		}
		var where string
		switch {
		case strings.HasPrefix(strings.TrimSpace(ph), "+"):
			where = "in its country's numbering plan"
		case region != "":
			where = "of " + region + " (give numbers of other countries with their + code)"
		default:
			where = "without a country code, and no phone_region or country column says where it is"
		}
		c.Phones = append(c.Phones, rapport.ContactPoint{Value: ph})
		warnings = append(warnings, fmt.Sprintf("column %s: %q is not a valid phone number %s: kept as written", cols[i], ph, where))
	}
	c.Language, _ = rw.value("language")
	channel, _ := rw.value("preferred_channel")
	c.PreferredChannel = rapport.Channel(strings.ToLower(channel))
	rels, _ := rw.values("relationships")
	for _, r := range rels {
		c.Relationships = append(c.Relationships, rapport.Relationship(strings.ReplaceAll(strings.ToLower(r), " ", "_")))
	}
	c.Tags, _ = rw.values("tags")
	if born, ok := rw.time("date_of_birth"); ok {
		extra["date_of_birth"] = born.Format("2006-01-02")
	}
	if len(unread) > 0 {
		extra["unread_phones"] = unread
	}
	c.Attributes = rw.attributes(extra)
	if len(rw.p) == 0 {
		rw.explain(ic.Validate())
	}
	return ic, warnings, rw.p.Err()
}

// kindOf reads the usual ways of writing a kind of customer.
func kindOf(s string) rapport.CustomerKind {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "person", "p", "individual", "private", "people", "consumer", "b2c", "natural person":
		return rapport.KindPerson
	case "organisation", "organization", "o", "org", "company", "business", "b2b", "legal entity", "firm":
		return rapport.KindOrganisation
	}
	return ""
}

// ApplyInteraction turns a row into an interaction record of source.
func (m *Mapping) ApplyInteraction(r *tabular.Row, source string) (rapport.IncomingInteraction, []string, error) {
	rw := newRow(m, r)
	var in rapport.IncomingInteraction
	in.Line = r.Line
	in.Source = source
	in.SourceKey, _ = rw.value("source_id")
	in.CustomerSourceKey, _ = rw.value("customer_source_id")
	if in.CustomerSource, _ = rw.value("customer_source"); in.CustomerSource == "" {
		in.CustomerSource = source
	}
	typ, _ := rw.value("type")
	in.Type = rapport.InteractionType(strings.ToLower(typ))
	channel, _ := rw.value("channel")
	in.Channel = rapport.Channel(strings.ToLower(channel))
	in.OccurredAt, _ = rw.time("occurred_at")
	in.Summary, _ = rw.value("summary")
	in.Body, _ = rw.value("body")
	if amount, col := rw.value("amount"); amount != "" {
		a, err := rapport.ParseWrittenAmount(amount, cmp.Or(rw.m.Decimal, ".")[0])
		if err != nil {
			rw.p.Add(col, "column %s: %s (the mapping's decimal: says which mark is the decimal one)", col, rapport.ErrorMessage(err))
		}
		in.Amount = &a
	}
	in.Currency, _ = rw.value("currency")
	in.Attributes = rw.attributes(nil)
	if len(rw.p) == 0 {
		in.Normalize()
		rw.explain(in.Validate())
	}
	return in, nil, rw.p.Err()
}
