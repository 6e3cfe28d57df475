package rapport

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
)

// CustomerKind separates people from organisations.
type CustomerKind string

const (
	KindPerson       CustomerKind = "person"
	KindOrganisation CustomerKind = "organisation"
)

func (k CustomerKind) Valid() bool { return k == KindPerson || k == KindOrganisation }

// Relationship is a kind of relationship the firm has with a customer; several may apply.
type Relationship string

var Relationships = []Relationship{
	"consumer", "client", "prospect", "partner", "supplier", "distributor",
	"alumnus", "retiree", "community_member",
}

func (r Relationship) Valid() bool { return oneOf(r, Relationships) }

// SortRelationships orders relationships as Relationships lists them.
func SortRelationships(rs []Relationship) {
	pos := func(r Relationship) int {
		for i, v := range Relationships {
			if v == r {
				return i
			}
		}
		return len(Relationships)
	}
	sort.SliceStable(rs, func(i, j int) bool { return pos(rs[i]) < pos(rs[j]) })
}

// Channel is a way of reaching a customer: the channel of an interaction and the
// customer's preferred channel.
type Channel string

var Channels = []Channel{
	"email", "phone", "sms", "chat", "in_person", "post", "web", "portal", "social", "other",
}

func (c Channel) Valid() bool { return oneOf(c, Channels) }

// Customer is the unified profile of one person or organisation, whatever the number of
// source systems that know them.
type Customer struct {
	ID               ID              `json:"id"`
	Kind             CustomerKind    `json:"kind"`
	Name             string          `json:"name"` // organisation name, or the person's full name
	GivenName        string          `json:"given_name,omitempty"`
	FamilyName       string          `json:"family_name,omitempty"`
	Emails           []ContactPoint  `json:"emails"`
	Phones           []ContactPoint  `json:"phones"`
	Addresses        []Address       `json:"addresses"`
	Language         string          `json:"language,omitempty"` // BCP 47, such as "en" or "pt-BR"
	PreferredChannel Channel         `json:"preferred_channel,omitempty"`
	PreferredTime    ContactTime     `json:"preferred_time,omitzero"` // when they prefer to be contacted
	Relationships    []Relationship  `json:"relationships"`
	Tags             []string        `json:"tags"`
	OwnerID          ID              `json:"owner_id,omitzero"` // the account manager
	OwnerName        string          `json:"owner_name,omitempty"`
	Attributes       json.RawMessage `json:"attributes"` // custom attributes, a JSON object
	MergedInto       ID              `json:"merged_into,omitzero"`
	Version          int             `json:"version"` // increases with every change; send it back to detect lost updates
	CreatedAt        time.Time       `json:"created_at"`
	UpdatedAt        time.Time       `json:"updated_at"`
}

// ContactPoint is an e-mail address or a phone number with an optional label ("work").
// The first one of each kind is the primary one.
type ContactPoint struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	// Normalized is the form in which the value is compared and found: a phone number
	// in E.164 when an import could read it with its country, otherwise what
	// NormalizeEmail or NormalizePhone make of the value.
	Normalized string `json:"-"`
}

// UnmarshalJSON accepts a plain string as well as {"value": …, "label": …}.
func (cp *ContactPoint) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		cp.Label = ""
		return json.Unmarshal(b, &cp.Value)
	}
	type plain ContactPoint
	return json.Unmarshal(b, (*plain)(cp))
}

// Address is a postal address.
type Address struct {
	Label    string `json:"label,omitempty"`
	Street   string `json:"street,omitempty"` // lines separated by newlines
	City     string `json:"city,omitempty"`
	Postcode string `json:"postcode,omitempty"`
	Region   string `json:"region,omitempty"`
	Country  string `json:"country,omitempty"` // ISO 3166-1 alpha-2, such as "PT"
}

// String is the address on one line.
func (a Address) String() string {
	var parts []string
	for _, p := range []string{strings.ReplaceAll(a.Street, "\n", ", "), strings.TrimSpace(a.Postcode + " " + a.City), a.Region, a.Country} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// PrimaryEmail is the first e-mail address, or "".
func (c *Customer) PrimaryEmail() string {
	if len(c.Emails) == 0 {
		return ""
	}
	return c.Emails[0].Value
}

// PrimaryPhone is the first phone number, or "".
func (c *Customer) PrimaryPhone() string {
	if len(c.Phones) == 0 {
		return ""
	}
	return c.Phones[0].Value
}

// HasRelationship reports whether r applies to the customer.
func (c *Customer) HasRelationship(r Relationship) bool { return oneOf(r, c.Relationships) }

// Normalize tidies the input in place: trims spaces, derives the display name of a
// person, lower-cases tags and drops duplicates. Validate reports what is still wrong.
func (c *Customer) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.GivenName = strings.TrimSpace(c.GivenName)
	c.FamilyName = strings.TrimSpace(c.FamilyName)
	if c.Kind == KindPerson && c.Name == "" {
		c.Name = strings.TrimSpace(c.GivenName + " " + c.FamilyName)
	}
	c.Language = strings.TrimSpace(c.Language)
	c.PreferredTime.Normalize()
	c.Emails = tidyContacts(c.Emails, NormalizeEmail)
	// A phone is compared in E.164 when it can be read: with its country code, or as a
	// number of the country of the customer's first address.
	region := ""
	if len(c.Addresses) > 0 {
		region = c.Addresses[0].Country
	}
	c.Phones = tidyContacts(c.Phones, func(v string) string {
		if e164, ok := PhoneE164(v, region); ok {
			return e164
		}
		return NormalizePhone(v)
	})
	for i := range c.Addresses {
		a := &c.Addresses[i]
		a.Label, a.Street, a.City = strings.TrimSpace(a.Label), strings.TrimSpace(a.Street), strings.TrimSpace(a.City)
		a.Postcode, a.Region = strings.TrimSpace(a.Postcode), strings.TrimSpace(a.Region)
		a.Country = NormalizeCountry(a.Country)
	}
	c.Relationships = uniq(c.Relationships, func(r Relationship) string { return string(r) })
	SortRelationships(c.Relationships)
	for i, t := range c.Tags {
		c.Tags[i] = strings.ToLower(strings.Join(strings.Fields(t), " "))
	}
	c.Tags = uniq(c.Tags, func(t string) string { return t })
	sort.Strings(c.Tags)
	if len(bytes.TrimSpace(c.Attributes)) == 0 || string(bytes.TrimSpace(c.Attributes)) == "null" {
		c.Attributes = json.RawMessage("{}")
	}
	if c.Emails == nil {
		c.Emails = []ContactPoint{}
	}
	if c.Phones == nil {
		c.Phones = []ContactPoint{}
	}
	if c.Addresses == nil {
		c.Addresses = []Address{}
	}
	if c.Relationships == nil {
		c.Relationships = []Relationship{}
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
}

// Validate reports every problem with the customer, field by field.
func (c *Customer) Validate() error {
	p := Problems{}
	switch c.Kind {
	case KindPerson:
		if c.Name == "" {
			p.Add("name", "a person needs a name: give a given name, a family name or both")
		}
	case KindOrganisation:
		if c.Name == "" {
			p.Add("name", "an organisation needs a name")
		}
		if c.GivenName != "" || c.FamilyName != "" {
			p.Add("given_name", "given and family names are for people; an organisation has only a name")
		}
	case "":
		p.Add("kind", `kind is required: "person" or "organisation"`)
	default:
		p.Add("kind", `kind %q is unknown: use "person" or "organisation"`, c.Kind)
	}
	if c.Kind != KindPerson || c.Name != strings.TrimSpace(c.GivenName+" "+c.FamilyName) {
		checkText(p, "name", c.Name, 200) // a person's name made of the two below is checked by them
	}
	checkText(p, "given_name", c.GivenName, 100)
	checkText(p, "family_name", c.FamilyName, 100)
	checkContacts(p, "emails", "e-mail addresses", c.Emails, ValidEmail)
	checkContacts(p, "phones", "phone numbers", c.Phones, ValidPhone)
	if len(c.Addresses) > 20 {
		p.Add("addresses", "at most 20 addresses per customer")
	}
	for i, a := range c.Addresses {
		field := fmt.Sprintf("addresses[%d]", i)
		if a.Street == "" && a.City == "" && a.Postcode == "" {
			p.Add(field, "an address needs at least a street, a city or a postcode")
		}
		checkText(p, field+".street", a.Street, 500)
		checkText(p, field+".city", a.City, 100)
		checkText(p, field+".postcode", a.Postcode, 20)
		checkText(p, field+".region", a.Region, 100)
		checkText(p, field+".label", a.Label, 50)
		switch {
		case a.Country == "":
		case !isCountryShape(a.Country):
			p.Add(field+".country", "country %q is not an ISO 3166 two-letter code such as GB, DE or PT", a.Country)
		case !IsCountry(a.Country):
			p.Add(field+".country", "%q is not an ISO 3166 country code; use one such as GB, DE or PT", a.Country)
		}
	}
	if c.Language != "" && !isLanguageTag(c.Language) {
		p.Add("language", "language %q is not a language tag such as en, de or pt-BR", c.Language)
	}
	if c.PreferredChannel != "" && !c.PreferredChannel.Valid() {
		p.Add("preferred_channel", "preferred channel %q is unknown; use one of %s", c.PreferredChannel, list(Channels))
	}
	c.PreferredTime.check(p, "preferred_time")
	for _, r := range c.Relationships {
		if !r.Valid() {
			p.Add("relationships", "relationship %q is unknown; use any of %s", r, list(Relationships))
		}
	}
	if len(c.Tags) > 50 {
		p.Add("tags", "at most 50 tags per customer")
	}
	for _, t := range c.Tags {
		if t == "" {
			p.Add("tags", "a tag cannot be empty")
		}
		checkText(p, "tags", t, 50)
	}
	checkAttributes(p, "attributes", c.Attributes)
	return p.Err()
}

// Absorb takes what a newer record of the same customer says: its names, language,
// channel and owner replace these when given; contacts, addresses, relationships and
// tags are added to these; its attributes are merged in.
func (c *Customer) Absorb(in *Customer) {
	for _, f := range []struct{ dst, src *string }{
		{&c.GivenName, &in.GivenName}, {&c.FamilyName, &in.FamilyName}, {&c.Language, &in.Language},
	} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	switch {
	case c.Kind == KindPerson && (in.GivenName != "" || in.FamilyName != ""):
		c.Name = "" // derived again from the names by Normalize
	case in.Name != "":
		c.Name = in.Name
	}
	if in.PreferredChannel != "" {
		c.PreferredChannel = in.PreferredChannel
	}
	if !in.OwnerID.IsZero() {
		c.OwnerID = in.OwnerID
	}
	c.Emails = append(c.Emails, in.Emails...)
	c.Phones = append(c.Phones, in.Phones...)
	have := map[string]bool{}
	for _, a := range c.Addresses {
		have[strings.ToLower(a.String())] = true
	}
	for _, a := range in.Addresses {
		if !have[strings.ToLower(a.String())] {
			c.Addresses = append(c.Addresses, a)
		}
	}
	c.Relationships = append(c.Relationships, in.Relationships...)
	c.Tags = append(c.Tags, in.Tags...)
	var attrs, more map[string]any
	if json.Unmarshal(c.Attributes, &attrs) == nil && json.Unmarshal(in.Attributes, &more) == nil && len(more) > 0 {
		if attrs == nil {
			attrs = map[string]any{}
		}
		for k, v := range more {
			attrs[k] = v
		}
		c.Attributes, _ = json.Marshal(attrs)
	}
	c.Normalize() // drops the duplicates appended above
}

// SearchLimit bounds the work of one search: the engine ranks at most this many matches
// (the first it finds), so a query that matches half the customers costs what a
// precise one does. Add words to narrow a search that finds more.
const SearchLimit = 500

// CustomerFilter selects customers. Zero fields do not filter.
type CustomerFilter struct {
	Query          string // words of a name, an e-mail address or a phone number
	Kind           CustomerKind
	Relationship   Relationship
	Tag            string
	OwnerID        ID
	OrganisationID ID // people and subsidiaries linked to this organisation
	SegmentID      ID // members of the segment at its last refresh
	Cursor         string
	Limit          int
}

// CustomerUpdate changes the fields that are not nil.
type CustomerUpdate struct {
	Name             *string          `json:"name"`
	GivenName        *string          `json:"given_name"`
	FamilyName       *string          `json:"family_name"`
	Emails           *[]ContactPoint  `json:"emails"`
	Phones           *[]ContactPoint  `json:"phones"`
	Addresses        *[]Address       `json:"addresses"`
	Language         *string          `json:"language"`
	PreferredChannel *Channel         `json:"preferred_channel"`
	PreferredTime    *ContactTime     `json:"preferred_time"`
	Relationships    *[]Relationship  `json:"relationships"`
	Tags             *[]string        `json:"tags"`
	OwnerID          *ID              `json:"owner_id"`
	Attributes       *json.RawMessage `json:"attributes"`
	Version          int              `json:"version"` // when not 0, the update fails with ECONFLICT if the customer has changed since
}

// Apply copies the set fields of u onto c.
func (u CustomerUpdate) Apply(c *Customer) {
	set(&c.GivenName, u.GivenName)
	set(&c.FamilyName, u.FamilyName)
	if u.Name != nil {
		c.Name = *u.Name
	} else if c.Kind == KindPerson && (u.GivenName != nil || u.FamilyName != nil) {
		c.Name = "" // derived again by Normalize
	}
	set(&c.Emails, u.Emails)
	set(&c.Phones, u.Phones)
	set(&c.Addresses, u.Addresses)
	set(&c.Language, u.Language)
	set(&c.PreferredChannel, u.PreferredChannel)
	set(&c.PreferredTime, u.PreferredTime)
	set(&c.Relationships, u.Relationships)
	set(&c.Tags, u.Tags)
	set(&c.OwnerID, u.OwnerID)
	set(&c.Attributes, u.Attributes)
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// Profile is what a customer's profile page reads.
type Profile struct {
	Customer *Customer
	Pinned   []*Note // the pinned notes the scope may read, at most 10, newest first
	Links    []*Link
	Timeline []TimelineEntry
	Next     string   // the cursor of the timeline's next page, "" at its end
	Merges   []*Merge // into this customer, undone ones too
	// People names, by id, the people whose interactions on an organisation's behalf
	// its timeline holds.
	People map[ID]string
	Facts  ProfileFacts
}

// CustomerService reads and writes customer profiles.
type CustomerService interface {
	// FindCustomerByID returns ENOTFOUND if the customer does not exist or the scope may
	// not see it. The read is recorded in the audit trail.
	FindCustomerByID(ctx context.Context, s Scope, id ID) (*Customer, error)
	// FindProfile reads the Profile of customer f.CustomerID with the page of its
	// timeline that f selects, as FindCustomerByID, FindNotes, FindLinks, FindTimeline,
	// FindMerges and the services of its facts would, but at once: the scope's right to
	// see the customer is checked once, and the read is recorded once, as
	// FindCustomerByID records it. The Profile of a merged customer holds the customer
	// alone.
	FindProfile(ctx context.Context, s Scope, f InteractionFilter) (*Profile, error)
	// FindCustomers returns a page of customers and the cursor of the next page ("" at the end).
	FindCustomers(ctx context.Context, s Scope, f CustomerFilter) ([]*Customer, string, error)
	// CountCustomers counts the customers the filter selects, among those the scope sees.
	// A search counts at most SearchLimit+1, meaning "more than SearchLimit".
	CountCustomers(ctx context.Context, s Scope, f CustomerFilter) (int, error)
	CreateCustomer(ctx context.Context, s Scope, c *Customer) error
	// UpdateCustomer returns ECONFLICT if u.Version is set and stale.
	UpdateCustomer(ctx context.Context, s Scope, id ID, u CustomerUpdate) (*Customer, error)
	DeleteCustomer(ctx context.Context, s Scope, id ID) error
	// RecordExport checks that the scope may export the customer's personal data,
	// records the export in the audit trail and returns the customer; the export reads
	// the rest as usual.
	RecordExport(ctx context.Context, s Scope, id ID) (*Customer, error)
}

// NormalizeEmail returns the form in which e-mail addresses are compared.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail returns what is wrong with an e-mail address, or "".
func ValidEmail(s string) string {
	at := strings.LastIndexByte(s, '@')
	switch {
	case s == "":
		return "an e-mail address cannot be empty"
	case len(s) > 254:
		return "an e-mail address has at most 254 characters"
	case at < 1 || at == len(s)-1:
		return fmt.Sprintf("%q is not an e-mail address: it needs a name, an @ and a domain", s)
	case strings.ContainsAny(s, " \t\r\n<>,;\"()[]\\") || strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Sprintf("%q is not an e-mail address: it holds a space, a control character or a character such as < > , ; that addresses cannot hold", s)
	case !strings.Contains(s[at+1:], ".") || strings.HasPrefix(s[at+1:], ".") || strings.HasSuffix(s, "."):
		return fmt.Sprintf("%q is not an e-mail address: the domain after @ needs a dot, as in example.com", s)
	case !utf8.ValidString(s):
		return "an e-mail address must be valid UTF-8"
	}
	return ""
}

// NormalizePhone keeps the digits of a phone number and a leading + (00 becomes +), the
// form in which numbers are compared.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	if strings.HasPrefix(s, "+") {
		b.WriteByte('+')
	} else if strings.HasPrefix(s, "00") {
		b.WriteByte('+')
		s = s[2:]
	}
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// PhoneE164 returns a phone number in E.164 form (+442079460958) when it is a valid
// number: written with its country code, or of region (an ISO 3166 code) without one.
func PhoneE164(value, region string) (string, bool) {
	num, err := phonenumbers.Parse(value, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// PhoneKey is the form in which a phone number is compared and found: E.164 when it
// could be read so, otherwise its digits.
func (cp ContactPoint) PhoneKey() string { return cmp.Or(cp.Normalized, NormalizePhone(cp.Value)) }

// ValidPhone returns what is wrong with a phone number, or "".
func ValidPhone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "a phone number cannot be empty"
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune("+-() ./", r) {
			return fmt.Sprintf("%q is not a phone number: it may hold only digits, spaces, + - ( ) . and /", s)
		}
	}
	n := len(strings.TrimPrefix(NormalizePhone(s), "+"))
	if n < 5 || n > 15 {
		return fmt.Sprintf("%q is not a phone number: it has %d digits where 5 to 15 are expected", s, n)
	}
	return ""
}

// tidyContacts trims values and labels, fills in the normal form and drops empty
// values and duplicates (compared in normal form).
func tidyContacts(in []ContactPoint, norm func(string) string) []ContactPoint {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, cp := range in {
		cp.Value, cp.Label = strings.TrimSpace(cp.Value), strings.TrimSpace(cp.Label)
		if cp.Value == "" {
			continue
		}
		if cp.Normalized == "" {
			cp.Normalized = norm(cp.Value)
		}
		if !seen[cp.Normalized] {
			seen[cp.Normalized] = true
			out = append(out, cp)
		}
	}
	return out
}

// checkContacts checks a list of e-mail addresses or phone numbers with valid.
func checkContacts(p Problems, field, what string, cps []ContactPoint, valid func(string) string) {
	if len(cps) > 20 {
		p.Add(field, "at most 20 %s per customer", what)
	}
	for i, cp := range cps {
		f := fmt.Sprintf("%s[%d]", field, i)
		if msg := valid(cp.Value); msg != "" {
			p.Add(f, "%s", msg)
		}
		checkText(p, f+".label", cp.Label, 50)
	}
}

// checkText rejects invalid UTF-8, control characters (other than newlines and tabs)
// and text over max characters.
func checkText(p Problems, field, s string, max int) {
	checkTextNamed(p, field, fieldWords(field), s, max)
}

// checkTextNamed is checkText with the field named in the messages as words, such as
// the label a form gives it.
func checkTextNamed(p Problems, field, words, s string, max int) {
	if !utf8.ValidString(s) {
		p.Add(field, "%s is not valid UTF-8 text; send text encoded as UTF-8", words)
		return
	}
	if n := utf8.RuneCountInString(s); n > max {
		p.Add(field, "%s: %d characters, and at most %d are allowed", words, n, max)
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			p.Add(field, "%s holds the control character %U, which is not allowed", words, r)
			return
		}
	}
}

// fieldWords names a field in a message in words, by the last part of its name
// ("family_name" as "Family name", "addresses[0].street" as "Street"): a form shows the
// message beside the field, and the API names the field beside the message.
func fieldWords(field string) string {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	if field == "" {
		return "The text"
	}
	field = strings.ReplaceAll(field, "_", " ")
	return strings.ToUpper(field[:1]) + field[1:]
}

// checkAttributes requires a JSON object of at most 64 KiB.
func checkAttributes(p Problems, field string, raw json.RawMessage) {
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(raw) > 64<<10:
		p.Add(field, "%s are %d bytes; at most 64 KiB are allowed", field, len(raw))
	case len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed):
		p.Add(field, "%s must be a JSON object such as {\"segment\": \"gold\"}", field)
	case !utf8.Valid(trimmed):
		p.Add(field, "%s must be valid UTF-8", field)
	case bytes.Contains(trimmed, []byte(`\u0000`)) && holdsNUL(trimmed):
		// PostgreSQL's jsonb cannot hold it, and no text needs it.
		p.Add(field, "%s cannot hold the NUL character (\\u0000)", field)
	}
}

// holdsNUL reports whether a key or a text in the JSON value holds U+0000.
func holdsNUL(raw json.RawMessage) bool {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(v any) bool {
		switch v := v.(type) {
		case string:
			return strings.ContainsRune(v, 0)
		case []any:
			return slices.ContainsFunc(v, walk)
		case map[string]any:
			for k, e := range v {
				if strings.ContainsRune(k, 0) || walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

// isLanguageTag tells whether s is a BCP 47 tag of a known language, such as en, de or
// pt-BR: well-formed text with an unknown language ("xx-bad-123") is refused.
func isLanguageTag(s string) bool {
	_, err := language.Parse(s)
	return err == nil
}

// NormalizeCountry trims a country code and puts it in capitals. UK, which common use
// and the country's own domain give the United Kingdom, becomes its ISO code GB, so
// that rules, phone numbers and postcodes find it.
func NormalizeCountry(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "UK" {
		return "GB"
	}
	return s
}

// IsCountry reports whether code, in capitals, is the ISO 3166-1 alpha-2 code of a
// country or an autonomous area, as CLDR counts them (XK for Kosovo included), and
// not a private-use code such as ZZ or QQ, or a group such as EU.
func IsCountry(code string) bool {
	if !isCountryShape(code) {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.IsCountry()
}

// isCountryShape reports whether s is two capital letters, as country codes are
// written; ParseRegion also reads three-letter and numeric codes, which Rapport does
// not store.
func isCountryShape(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func oneOf[T comparable](v T, values []T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

func uniq[T any](in []T, key func(T) string) []T {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, v := range in {
		if k := key(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func list[T ~string](values []T) string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
