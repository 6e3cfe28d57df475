package rapport

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport/fold"
)

// The golden record: a customer's profile fields are chosen from the records that
// describe the customer (what source systems sent, and what staff typed into Rapport) by
// a survivorship rule per field, and each value remembers the record it came from.

// SurvivalRule says which record's value a profile field takes.
type SurvivalRule string

const (
	RuleRecent   SurvivalRule = "recent"   // the record that changed the field last
	RuleTrusted  SurvivalRule = "trusted"  // the most trusted source; ties go to the most recent
	RuleFrequent SurvivalRule = "frequent" // the value most records hold; ties go to the most recent
)

// SurvivalRules lists the rules in the order forms offer them.
var SurvivalRules = []SurvivalRule{RuleRecent, RuleTrusted, RuleFrequent}

func (r SurvivalRule) Valid() bool { return oneOf(r, SurvivalRules) }

// GoldenFields are the profile fields chosen by survivorship. A person's given, family
// and full name go together, so that no name is spliced from two records. E-mails,
// phones and addresses keep every value a record holds; the rule orders them, and the
// first is the primary one.
var GoldenFields = []string{"name", "email", "phone", "address", "language", "preferred_channel"}

// StaffSource is the source of what staff entered in Rapport itself. It takes part in
// survivorship like any source system, and no import may use its name.
const StaffSource = "rapport"

// Survivorship is the configuration of the golden record.
type Survivorship struct {
	Rules map[string]SurvivalRule `json:"rules"` // by golden field; a field not listed is RuleRecent
	Trust map[string]int          `json:"trust"` // by source name; higher is more trusted, unlisted is 0
}

// Rule is the rule of a golden field.
func (sv Survivorship) Rule(field string) SurvivalRule {
	if r, ok := sv.Rules[field]; ok {
		return r
	}
	return RuleRecent
}

// Validate reports unknown fields and rules.
func (sv Survivorship) Validate() error {
	p := Problems{}
	for f, r := range sv.Rules {
		switch {
		case !slices.Contains(GoldenFields, f):
			p.Add("rules."+f, "%q is not a field of the golden record; the fields are %s", f, strings.Join(GoldenFields, ", "))
		case !r.Valid():
			p.Add("rules."+f, "rule %q is unknown: use %s", r, list(SurvivalRules))
		}
	}
	return p.Err()
}

// RecordValues are the profile fields one record holds.
type RecordValues struct {
	Name             string         `json:"name,omitempty"`
	GivenName        string         `json:"given_name,omitempty"`
	FamilyName       string         `json:"family_name,omitempty"`
	Emails           []ContactPoint `json:"emails,omitempty"`
	Phones           []ContactPoint `json:"phones,omitempty"`
	Addresses        []Address      `json:"addresses,omitempty"`
	Language         string         `json:"language,omitempty"`
	PreferredChannel Channel        `json:"preferred_channel,omitempty"`
	// ChangedAt is when each field last changed, where that is before the record's
	// last change (a record sent again with a new phone keeps its name's date), and,
	// in the staff record, when staff last set each field.
	ChangedAt map[string]time.Time `json:"changed_at,omitempty"`
	// Removed are the e-mails, phones and addresses staff took off the profile, and
	// the languages and channels a customer's own choice overruled, as "field:key":
	// they stay off though a source still sends them.
	Removed []string `json:"removed,omitempty"`
	// Rest is what a source's record gave outside the golden record (owner,
	// relationships, tags, attributes), so that the record sent again as it was is
	// known to be unchanged whatever its customer holds now: another record of the
	// customer's may give an attribute another value.
	Rest json.RawMessage `json:"rest,omitempty"`
}

// recordContact is a contact point as a record keeps it: with the form it is compared
// in, which a customer's JSON leaves out.
type recordContact struct {
	Value      string `json:"value"`
	Label      string `json:"label,omitempty"`
	Normalized string `json:"normalized,omitempty"`
}

type plainValues RecordValues

// recordValuesJSON is RecordValues as stored, its contacts with their compared form.
type recordValuesJSON struct {
	plainValues
	Emails []recordContact `json:"emails,omitempty"`
	Phones []recordContact `json:"phones,omitempty"`
}

func (v RecordValues) MarshalJSON() ([]byte, error) {
	conv := func(cps []ContactPoint) []recordContact {
		out := make([]recordContact, len(cps))
		for i, cp := range cps {
			out[i] = recordContact(cp)
		}
		return out
	}
	return json.Marshal(recordValuesJSON{plainValues(v), conv(v.Emails), conv(v.Phones)})
}

func (v *RecordValues) UnmarshalJSON(b []byte) error {
	var j recordValuesJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	conv := func(rcs []recordContact) []ContactPoint {
		var out []ContactPoint
		for _, rc := range rcs {
			out = append(out, ContactPoint(rc))
		}
		return out
	}
	*v = RecordValues(j.plainValues)
	v.Emails, v.Phones = conv(j.Emails), conv(j.Phones)
	return nil
}

// ValuesOf returns the golden fields of a customer.
func ValuesOf(c *Customer) RecordValues {
	return RecordValues{Name: c.Name, GivenName: c.GivenName, FamilyName: c.FamilyName,
		Emails: slices.Clone(c.Emails), Phones: slices.Clone(c.Phones), Addresses: slices.Clone(c.Addresses),
		Language: c.Language, PreferredChannel: c.PreferredChannel}
}

// Contribution is one record's say in a customer's golden record.
type Contribution struct {
	Source    string
	SourceKey string
	At        time.Time // when the record last changed
	Values    RecordValues
}

// at is when the record set a field.
func (c *Contribution) at(field string) time.Time {
	if t, ok := c.Values.ChangedAt[field]; ok {
		return t
	}
	return c.At
}

// Revise returns the contribution of the record after it changed to v at the time:
// the fields v changes date from then, the others keep their dates.
func (c Contribution) Revise(kind CustomerKind, v RecordValues, at time.Time) Contribution {
	v.ChangedAt, v.Removed = map[string]time.Time{}, nil
	for _, field := range GoldenFields {
		if slices.Equal(valueKeys(kind, field, &c.Values), valueKeys(kind, field, &v)) {
			v.ChangedAt[field] = c.at(field)
		}
	}
	return Contribution{Source: c.Source, SourceKey: c.SourceKey, At: at, Values: v}
}

// FieldSource says where a value of the golden record came from.
type FieldSource struct {
	Field     string       `json:"field"`
	Value     string       `json:"value"`
	Source    string       `json:"source"`
	SourceKey string       `json:"source_id"`
	At        time.Time    `json:"at"`      // when that record set it
	Records   int          `json:"records"` // how many records hold the value
	Rule      SurvivalRule `json:"rule"`
}

// Golden is a golden record: the chosen values and where each came from, field by
// field in the order of GoldenFields.
type Golden struct {
	Values  RecordValues
	Sources []FieldSource
}

// candidate is a value of a field and the records that hold it, best first.
type candidate struct {
	holders []*Contribution
	index   []int // the value's place in each holder's list
}

// Survive chooses the golden record of a customer of the kind from its records.
func (sv Survivorship) Survive(kind CustomerKind, records []Contribution) Golden {
	var g Golden
	removed := map[string]bool{}
	for _, r := range records {
		for _, k := range r.Values.Removed {
			removed[k] = true
		}
	}
	for _, field := range GoldenFields {
		rule := sv.Rule(field)
		ranked := make([]*Contribution, len(records))
		for i := range records {
			ranked[i] = &records[i]
		}
		// Walk the records best first: values are met in the order the rule ranks them.
		slices.SortStableFunc(ranked, func(a, b *Contribution) int {
			byTime := b.at(field).Compare(a.at(field))
			byTrust := cmp.Compare(sv.Trust[b.Source], sv.Trust[a.Source])
			if rule == RuleTrusted && byTrust != 0 {
				return byTrust
			}
			if byTime != 0 {
				return byTime
			}
			return cmp.Or(byTrust, cmp.Compare(a.Source, b.Source), cmp.Compare(a.SourceKey, b.SourceKey))
		})
		var cands []*candidate
		byKey := map[string]*candidate{}
		for _, r := range ranked {
			for i, key := range valueKeys(kind, field, &r.Values) {
				if key == "" || removed[field+":"+key] {
					continue
				}
				c := byKey[key]
				if c == nil {
					c = &candidate{}
					byKey[key] = c
					cands = append(cands, c)
				} else if slices.Contains(c.holders, r) {
					continue
				}
				c.holders = append(c.holders, r)
				c.index = append(c.index, i)
			}
		}
		if rule == RuleFrequent {
			slices.SortStableFunc(cands, func(a, b *candidate) int { return cmp.Compare(len(b.holders), len(a.holders)) })
		}
		if len(cands) > 0 && !isList(field) {
			cands = cands[:1]
		}
		for _, c := range cands {
			best := c.holders[0]
			g.Values.take(field, &best.Values, c.index[0])
			g.Sources = append(g.Sources, FieldSource{Field: field, Value: valueText(field, &best.Values, c.index[0]),
				Source: best.Source, SourceKey: best.SourceKey, At: best.at(field), Records: len(c.holders), Rule: rule})
		}
	}
	return g
}

func isList(field string) bool { return field == "email" || field == "phone" || field == "address" }

// valueKeys returns the keys by which the values of a field are compared, one per
// value ("" for none): two records hold the same value when their keys are equal.
func valueKeys(kind CustomerKind, field string, v *RecordValues) []string {
	switch field {
	case "name":
		if kind == KindPerson && (v.GivenName != "" || v.FamilyName != "") {
			return []string{fold.String(v.GivenName) + "|" + fold.String(v.FamilyName)}
		}
		return []string{fold.String(v.Name)}
	case "email":
		return mapKeys(v.Emails, func(cp ContactPoint) string { return NormalizeEmail(cp.Value) })
	case "phone":
		return mapKeys(v.Phones, ContactPoint.PhoneKey)
	case "address":
		return mapKeys(v.Addresses, addressKey)
	case "language":
		return []string{strings.ToLower(v.Language)}
	case "preferred_channel":
		return []string{string(v.PreferredChannel)}
	}
	panic("unknown golden field " + field)
}

func addressKey(a Address) string { return fold.String(a.String()) }

func mapKeys[T any](vs []T, key func(T) string) []string {
	keys := make([]string, len(vs))
	for i, v := range vs {
		keys[i] = key(v)
	}
	return keys
}

// take copies the i-th value of a field from v.
func (g *RecordValues) take(field string, v *RecordValues, i int) {
	switch field {
	case "name":
		g.Name, g.GivenName, g.FamilyName = v.Name, v.GivenName, v.FamilyName
	case "email":
		g.Emails = append(g.Emails, v.Emails[i])
	case "phone":
		g.Phones = append(g.Phones, v.Phones[i])
	case "address":
		g.Addresses = append(g.Addresses, v.Addresses[i])
	case "language":
		g.Language = v.Language
	case "preferred_channel":
		g.PreferredChannel = v.PreferredChannel
	}
}

// valueText is the i-th value of a field as people read it.
func valueText(field string, v *RecordValues, i int) string {
	switch field {
	case "name":
		if v.Name != "" {
			return v.Name
		}
		return strings.TrimSpace(v.GivenName + " " + v.FamilyName)
	case "email":
		return v.Emails[i].Value
	case "phone":
		return v.Phones[i].Value
	case "address":
		return v.Addresses[i].String()
	case "language":
		return v.Language
	}
	return string(v.PreferredChannel)
}

// ApplyTo sets the golden fields of c. A name no record holds leaves c's as it is,
// since every customer has one.
func (g Golden) ApplyTo(c *Customer) {
	v := g.Values
	if v.Name != "" || v.GivenName != "" || v.FamilyName != "" {
		c.Name, c.GivenName, c.FamilyName = v.Name, v.GivenName, v.FamilyName
	}
	c.Emails, c.Phones, c.Addresses = v.Emails, v.Phones, v.Addresses
	c.Language, c.PreferredChannel = v.Language, v.PreferredChannel
	c.Normalize()
}

// StaffEdit records in the staff record what an edit changed from before to after:
// the fields it changed, with the time, and the contacts and addresses it removed. A
// language or channel it clears takes off the values the customer's records hold for
// it (see Overrule), so that none comes back in its place.
func (v *RecordValues) StaffEdit(kind CustomerKind, before, after *Customer, at time.Time, records []Contribution) {
	b, a := ValuesOf(before), ValuesOf(after)
	if v.ChangedAt == nil {
		v.ChangedAt = map[string]time.Time{}
	}
	for _, field := range GoldenFields {
		was, now := valueKeys(kind, field, &b), valueKeys(kind, field, &a)
		if slices.Equal(was, now) && (field != "name" || b.Name == a.Name) {
			continue
		}
		v.ChangedAt[field] = at
		switch field {
		case "name":
			v.Name, v.GivenName, v.FamilyName = a.Name, a.GivenName, a.FamilyName
		case "email":
			v.Emails = a.Emails
		case "phone":
			v.Phones = a.Phones
		case "address":
			v.Addresses = a.Addresses
		case "language":
			v.Language = a.Language
		case "preferred_channel":
			v.PreferredChannel = a.PreferredChannel
		}
		if isList(field) {
			for _, k := range was {
				if !slices.Contains(now, k) && !slices.Contains(v.Removed, field+":"+k) {
					v.Removed = append(v.Removed, field+":"+k)
				}
			}
		} else if now[0] == "" { // a language or channel cleared
			v.Overrule(kind, field, records)
		}
		// A value taken off and chosen again is back (a language or channel too:
		// see Overrule).
		v.Removed = slices.DeleteFunc(v.Removed, func(r string) bool {
			f, k, _ := strings.Cut(r, ":")
			return f == field && slices.Contains(now, k)
		})
	}
}

// Overrule takes off (see Removed) every value of the field that the records hold
// and v does not, so that v's value, or none, is what the golden record takes
// whatever the field's rule. It is for what customers choose themselves, such as
// "no preference" for their language, which no source's value should stand over; a
// value a source sends later that differs from all of these takes part again.
func (v *RecordValues) Overrule(kind CustomerKind, field string, records []Contribution) {
	mine := valueKeys(kind, field, v)
	for _, r := range records {
		for _, k := range valueKeys(kind, field, &r.Values) {
			if k != "" && !slices.Contains(mine, k) && !slices.Contains(v.Removed, field+":"+k) {
				v.Removed = append(v.Removed, field+":"+k)
			}
		}
	}
}

// SurvivorshipService keeps the configuration of the golden record.
type SurvivorshipService interface {
	Survivorship(ctx context.Context, s Scope) (Survivorship, error)
	// SetSurvivorship replaces the rules and the trust of the sources it names, and
	// queues the job that chooses every golden record again.
	SetSurvivorship(ctx context.Context, s Scope, sv Survivorship) error
	// RefreshGoldenRecords chooses every customer's golden record again and reports
	// how many changed.
	RefreshGoldenRecords(ctx context.Context, s Scope) (int, error)
	// FindGoldenRecord says where each value of a visible customer's golden fields
	// came from; empty for a customer whose records predate the golden record.
	FindGoldenRecord(ctx context.Context, s Scope, customerID ID) ([]FieldSource, error)
}

// JobGolden is the kind of job that chooses every golden record again after the
// survivorship rules changed.
const JobGolden = "golden"
