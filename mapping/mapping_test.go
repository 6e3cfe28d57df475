package mapping

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
)

const customersYAML = `
record: customers
dates: [DD/MM/YYYY, YYYY-MM-DD]
phone_region: GB
fields:
  source_id: Ref
  given_name: First Name
  family_name: Last Name
  emails: [Email, Email 2]
  phones: Phone
  date_of_birth: DOB
  city: Town
  country: Country
  tags: Tags
defaults:
  kind: person
  relationships: client
attributes:
  tier: Loyalty Tier
`

func testRow(line int, header string, values ...string) *tabular.Row {
	r := tabular.NewRow(line, strings.Split(header, ","), values)
	return &r
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ name, yaml, want string }{
		{"Empty", "", "empty"},
		{"NoRecord", "fields: {source_id: id}", "record is required"},
		{"UnknownRecord", "record: orders\nfields: {source_id: id}", `record "orders" is unknown`},
		{"UnknownField", "record: customers\nfields: {source_id: id, givn_name: x}", `no field "givn_name"`},
		{"UnknownDefault", "record: customers\nfields: {source_id: id}\ndefaults: {colour: red}", `no field "colour"`},
		{"UnknownKey", "record: customers\nfeilds: {source_id: id}", "feilds"},
		{"NoSourceID", "record: customers\nfields: {given_name: First}", "source_id is required"},
		{"NoCustomer", "record: interactions\nfields: {source_id: id}", "customer_source_id is required"},
		{"BadLayout", "record: customers\ndates: [DD/MM/YYYY/Q]\nfields: {source_id: id}", `"Q" is neither a part`},
		{"LayoutWithoutYear", "record: customers\ndates: [DD/MM]\nfields: {source_id: id}", "needs a year"},
		{"BadZone", "record: customers\ntimezone: Mars/Olympus\nfields: {source_id: id}", "not a time zone"},
		{"BadRegion", "record: customers\nphone_region: Britain\nfields: {source_id: id}", "phone_region"},
		{"RegionNotACountry", "record: customers\nphone_region: ZZ\nfields: {source_id: id}", `phone_region "ZZ" is not an ISO 3166 two-letter country code`},
		{"BadColumns", "record: customers\nfields: {source_id: {a: b}}", "column name or a list"},
		{"EmptyColumn", "record: customers\nfields: {source_id: ''}", "empty column"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestApplyCustomer(t *testing.T) {
	m, err := Parse([]byte(customersYAML))
	if err != nil {
		t.Fatal(err)
	}
	header := "Ref,First Name,Last Name,Email,Email 2,Phone,DOB,Town,Country,Tags,Loyalty Tier,Unused"
	ic, _, err := m.ApplyCustomer(testRow(7, header, "C-1", "Ana", "Silva", "ana@example.pt", "a.silva@work.example; ana@example.pt", "020 7946 0958", "31/12/1980", "Lisbon", "PT", "vip;Gold", "silver", "x"), "crm")
	if err != nil {
		t.Fatal(err)
	}
	c := ic.Customer
	if ic.Line != 7 || ic.Source != "crm" || ic.SourceKey != "C-1" || c.Kind != rapport.KindPerson || c.Name != "Ana Silva" {
		t.Errorf("got %+v", ic)
	}
	if len(c.Emails) != 2 || c.Emails[1].Value != "a.silva@work.example" || len(c.Phones) != 1 {
		t.Errorf("got emails %v, phones %v; want two e-mail addresses (the repeated one dropped) and a phone", c.Emails, c.Phones)
	}
	if len(c.Addresses) != 1 || c.Addresses[0].City != "Lisbon" || c.Addresses[0].Country != "PT" {
		t.Errorf("got addresses %+v", c.Addresses)
	}
	if strings.Join(c.Tags, ",") != "gold,vip" || len(c.Relationships) != 1 || c.Relationships[0] != "client" {
		t.Errorf("got tags %v and relationships %v, want gold,vip and the default client", c.Tags, c.Relationships)
	}
	if got := string(c.Attributes); got != `{"date_of_birth":"1980-12-31","tier":"silver"}` {
		t.Errorf("got attributes %s", got)
	}
	if !strings.Contains(string(ic.Raw), `"Unused":"x"`) {
		t.Errorf("got raw %s, want every column kept", ic.Raw)
	}

	for _, tt := range []struct {
		name   string
		values []string
		column string
		text   string
	}{
		{"BadDate", []string{"C-2", "Bo", "", "", "", "", "1980-31-12", "", "", "", "", ""}, "DOB", "not a date in any of the layouts DD/MM/YYYY, YYYY-MM-DD"},
		{"BadEmail", []string{"C-3", "Bo", "", "bo(at)example.com", "", "", "", "", "", "", "", ""}, "Email", "column Email:"},
		{"SecondEmail", []string{"C-4", "Bo", "", "bo@example.com", "x@y", "", "", "", "", "", "", ""}, "Email 2", "domain"},
		{"BadCountry", []string{"C-5", "Bo", "", "", "", "", "", "Paris", "Narnia", "", "", ""}, "Country", `"Narnia" is not a country`},
		{"NoID", []string{"", "Bo", "", "", "", "", "", "", "", "", "", ""}, "Ref", "source_id"},
		{"NoName", []string{"C-6", "", "", "bo@example.com", "", "", "", "", "", "", "", ""}, "First Name", "needs a name"},
		{"LongTag", []string{"C-7", "Bo", "", "", "", "", "", "", "", "vip;" + strings.Repeat("x", 51), "", ""}, "Tags", "column Tags:"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := m.ApplyCustomer(testRow(3, header, tt.values...), "crm")
			le := rapport.LineErrorOf(3, err)
			if err == nil || le.Field != tt.column || !strings.Contains(le.Message, tt.text) {
				t.Errorf("got %+v, want field %q and a message with %q", le, tt.column, tt.text)
			}
		})
	}
}

func TestApplyInteraction(t *testing.T) {
	m, err := Parse([]byte(`
record: interactions
dates: [MM/DD/YYYY hh:mm]
timezone: America/New_York
fields:
  source_id: Order
  customer_source_id: Customer
  occurred_at: Placed
  summary: [Title, Order]
  amount: Total
  currency: Cur
defaults: {type: order, channel: web}
attributes: [Store Name]
`))
	if err != nil {
		t.Fatal(err)
	}
	header := "Order,Customer,Placed,Title,Total,Cur,Store Name"
	in, _, err := m.ApplyInteraction(testRow(2, header, "O-9", "C-1", "12/31/2023 19:30", "", "12.5", "usd", "Main St"), "shop")
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2024, 1, 1, 0, 30, 0, 0, time.UTC)
	if in.SourceKey != "O-9" || in.CustomerSource != "shop" || in.CustomerSourceKey != "C-1" || !in.OccurredAt.Equal(want) ||
		in.Summary != "O-9" || in.Amount.String() != "12.50" || in.Currency != "USD" || in.Type != "order" || in.Channel != "web" {
		t.Errorf("got %+v, want order O-9 at %v with summary from the fallback column", in, want)
	}
	if string(in.Attributes) != `{"store_name":"Main St"}` {
		t.Errorf("got attributes %s", in.Attributes)
	}
	_, _, err = m.ApplyInteraction(testRow(5, header, "O-10", "C-1", "31/12/2023 19:30", "x", "12,5", "EUR", ""), "shop")
	e, _ := err.(*rapport.Error)
	if e == nil || !strings.Contains(e.Fields["Placed"], "MM/DD/YYYY hh:mm") || !strings.Contains(e.Fields["Total"], `"12,5" is not an amount written with a decimal point`) ||
		!strings.Contains(e.Fields["Total"], "the mapping's decimal: says which mark") {
		t.Errorf("got %v, want errors naming the columns Placed and Total", err)
	}
}

// TestDecimalComma: a file that writes amounts with a decimal comma is proposed
// decimal: ",", and read with it; a bad decimal mark is refused by name.
func TestDecimalComma(t *testing.T) {
	header := []string{"order_id", "customer_id", "order date", "Betrag"}
	m := Propose(Interactions, header, [][]string{{"B1", "K1", "2024-02-03", "1.234,50"}, {"B2", "K1", "2024-02-04", "12,5"}})
	if m.Decimal != "," || !strings.Contains(string(m.Marshal()), `decimal: ','`) && !strings.Contains(string(m.Marshal()), `decimal: ","`) {
		t.Fatalf("proposed decimal %q:\n%s", m.Decimal, m.Marshal())
	}
	m.Defaults = map[string]string{"type": "order", "channel": "web", "currency": "EUR", "summary": "Order"}
	m, err := Parse(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := m.ApplyInteraction(testRow(2, "order_id,customer_id,order date,Betrag", "B1", "K1", "2024-02-03", "1.234,50"), "shop")
	if err != nil || in.Amount.String() != "1234.50" {
		t.Errorf("got %v, %v, want 1234.50", in.Amount, err)
	}
	if m := Propose(Interactions, header, [][]string{{"B1", "K1", "2024-02-03", "1,234.50"}}); m.Decimal != "" {
		t.Errorf("amounts with a decimal point: proposed decimal %q", m.Decimal)
	}
	if _, err := Parse([]byte("record: interactions\ndecimal: ';'\nfields: {source_id: a, customer_source_id: b}\n")); err == nil || !strings.Contains(err.Error(), `decimal ";" is not a decimal mark`) {
		t.Errorf("decimal ';': got %v", err)
	}
}

// TestPhoneRegionUK: phone_region UK, as people write it, is GB, the code phone
// numbers are read with.
func TestPhoneRegionUK(t *testing.T) {
	m, err := Parse([]byte("record: customers\nphone_region: uk\nfields: {source_id: id, phones: phone}\ndefaults: {kind: person, given_name: Ann}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ic, warnings, err := m.ApplyCustomer(testRow(2, "id,phone", "1", "020 7946 0958"), "crm")
	if err != nil || m.PhoneRegion != "GB" || len(ic.Phones) != 1 || ic.Phones[0].Normalized != "+442079460958" {
		t.Errorf("got region %q, phones %+v, warnings %q, %v; want GB and +442079460958", m.PhoneRegion, ic.Phones, warnings, err)
	}
}

// TestDefaultsAreChecked: a default no row could take is an error of the mapping,
// naming the default and its line, not the same reject on every row.
func TestDefaultsAreChecked(t *testing.T) {
	const customers = "record: customers\ndates: [DD/MM/YYYY]\nfields: {source_id: id, kind: Type, given_name: First}\ndefaults:\n"
	const interactions = "record: interactions\nfields: {source_id: id, customer_source_id: customer, summary: title}\ndefaults:\n"
	for _, tt := range []struct{ name, yaml, field, want string }{
		{"Email", customers + "  kind: person\n  emails: bob(at)example.com\n", "defaults.emails", `line 6: defaults.emails: "bob(at)example.com" is not an e-mail address`},
		{"SecondEmail", customers + "  emails: a@example.com; b@\n", "defaults.emails", `line 5: defaults.emails: "b@" is not an e-mail address`},
		{"Relationship", customers + "  relationships: client;cleint\n", "defaults.relationships", `line 5: defaults.relationships: relationship "cleint" is unknown`},
		{"CountryName", customers + "  country: Narnia\n", "defaults.country", `line 5: defaults.country: "Narnia" is not a country`},
		{"CountryCode", customers + "  country: ZZ\n", "defaults.country", `line 5: defaults.country: "ZZ" is not a country`},
		{"Language", customers + "  language: english!\n", "defaults.language", `line 5: defaults.language: language "english!" is not a language tag`},
		{"Date", customers + "  date_of_birth: 1980-31-12\n", "defaults.date_of_birth", `line 5: defaults.date_of_birth: "1980-31-12" is not a date in any of the layouts DD/MM/YYYY`},
		{"Kind", customers + "  kind: robot\n", "defaults.kind", `line 5: defaults.kind: "robot" is not a kind of customer`},
		{"Channel", customers + "  preferred_channel: pigeon\n", "defaults.preferred_channel", `line 5: defaults.preferred_channel: preferred channel "pigeon" is unknown`},
		{"Phone", customers + "  phones: ring me after 6\n", "defaults.phones", `line 5: defaults.phones: "ring me after 6" is not a phone number`},
		{"LongCity", customers + "  city: " + strings.Repeat("x", 101) + "\n", "defaults.city", "line 5: defaults.city: "},
		{"Type", interactions + "  type: orderr\n", "defaults.type", `line 4: defaults.type: type "orderr" is unknown`},
		{"Currency", interactions + "  currency: EURO\n", "defaults.currency", `line 4: defaults.currency: currency "EURO" is not an ISO 4217 code`},
		{"Amount", interactions + "  amount: lots\n", "defaults.amount", `line 4: defaults.amount: `},
		{"OccurredAt", interactions + "  occurred_at: yesterday\n", "defaults.occurred_at", `line 4: defaults.occurred_at: "yesterday" is not a date`},
		{"Flow", "record: customers\nfields: {source_id: id}\ndefaults: {kind: person, language: '??'}\n", "defaults.language", `line 3: defaults.language: language "??"`},
		{"Several", customers + "  language: '??'\n  kind: robot\n", "defaults.language", `line 5: defaults.language: language "??" is not a language tag such as en, de or pt-BR; line 6: defaults.kind: "robot"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			var e *rapport.Error
			if !errors.As(err, &e) || e.Field != tt.field || !strings.HasPrefix(err.Error(), "mapping: "+tt.want) {
				t.Errorf("got %v, want the field %s and %q", err, tt.field, tt.want)
			}
		})
	}
	// Defaults that only clash with each other on some rows are the rows' business:
	// here, a row whose Type is empty and whose First is empty.
	for _, text := range []string{
		customers + "  kind: organisation\n  given_name: Unknown\n",
		customers + "  kind: person\n  relationships: client; partner\n  country: uk\n  emails: info@example.com\n  phones: '+44 20 7946 0958'\n  date_of_birth: 01/02/1980\n",
		interactions + "  type: Order\n  channel: web\n  amount: 10\n  occurred_at: 2024-05-01\n",
	} {
		if _, err := Parse([]byte(text)); err != nil {
			t.Errorf("got %v, want the defaults accepted:\n%s", err, text)
		}
	}
}

func TestLayouts(t *testing.T) {
	for _, tt := range []struct{ layout, value, want string }{
		{"DD/MM/YYYY", "31/12/1999", "1999-12-31T00:00"},
		{"DD/MM/YYYY", "1/2/1999", "1999-02-01T00:00"},
		{"MM/DD/YYYY", "02/01/1999", "1999-02-01T00:00"},
		{"D.M.YY", "1.2.99", "1999-02-01T00:00"},
		{"DD MMM YYYY", "03 Feb 2001", "2001-02-03T00:00"},
		{"YYYY-MM-DDThh:mm:ss", "2001-02-03T04:05:06", "2001-02-03T04:05"},
	} {
		l, err := ParseLayout(tt.layout)
		if err != nil {
			t.Fatal(err)
		}
		got, err := l.Parse(tt.value, time.UTC)
		if err != nil || got.Format("2006-01-02T15:04") != tt.want {
			t.Errorf("%s: %q read as %v (%v), want %s", tt.layout, tt.value, got, err, tt.want)
		}
	}
}

// TestParseTimeError checks that a value no layout reads is reported with each layout
// named once, the ones always understood included.
func TestParseTimeError(t *testing.T) {
	var layouts []Layout
	for _, text := range []string{"DD/MM/YYYY", "YYYY-MM-DD"} {
		l, err := ParseLayout(text)
		if err != nil {
			t.Fatal(err)
		}
		layouts = append(layouts, l)
	}
	_, err := parseTime("1980-31-12", layouts, time.UTC, false)
	want := `"1980-31-12" is not a date in any of the layouts DD/MM/YYYY, YYYY-MM-DD, RFC 3339`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestDetectLayout(t *testing.T) {
	for _, tt := range []struct {
		name   string
		values []string
		layout string
		note   string
	}{
		{"ISO", []string{"2020-01-31", "1999-12-01"}, "YYYY-MM-DD", ""},
		{"DayFirst", []string{"01/02/2020", "25/12/2020"}, "DD/MM/YYYY", "day above 12"},
		{"MonthFirst", []string{"01/02/2020", "12/25/2020"}, "MM/DD/YYYY", "day above 12"},
		{"Ambiguous", []string{"01/02/2020", "03/04/2020"}, "DD/MM/YYYY", "ambiguous"},
		{"German", []string{"24.12.2020"}, "DD.MM.YYYY", ""},
		{"WithTime", []string{"2020-01-31 10:00:00"}, "YYYY-MM-DD hh:mm:ss", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			layout, note, ok := detectLayout(tt.values)
			if !ok || layout != tt.layout || !strings.Contains(note, tt.note) {
				t.Errorf("got %q %q %v, want %q with a note holding %q", layout, note, ok, tt.layout, tt.note)
			}
		})
	}
	if _, _, ok := detectLayout([]string{"2020-01-31", "soon"}); ok {
		t.Error("a column with a value that is no date was taken for dates")
	}
}

func TestPropose(t *testing.T) {
	header := []string{"Kundennummer", "Vorname", "NACHNAME", "e-mail", "Contact", "Born", "PLZ", "Firma", "Mobile", "Notes"}
	sample := [][]string{
		{"K1", "Jörg", "Müller", "j@example.de", "+49 30 1234567", "24/12/1970", "10115", "ACME GmbH", "", "likes tea"},
		{"K2", "Eva", "Schmidt", "eva@example.de", "030 7654321", "01/02/1980", "80331", "", "0171 1234567", ""},
	}
	m := Propose(Customers, header, sample)
	for field, want := range map[string]string{
		"source_id": "Kundennummer", "given_name": "Vorname", "family_name": "NACHNAME", "emails": "e-mail",
		"phones": "Contact,Mobile", "date_of_birth": "Born", "postcode": "PLZ",
	} {
		if got := strings.Join(m.Fields[field], ","); got != want {
			t.Errorf("field %s: got %q, want %q", field, got, want)
		}
	}
	if len(m.Fields["name"]) != 0 || m.Defaults["kind"] != "person" {
		t.Errorf("got name %v and kind %q: a file with personal names is of people, the company an attribute", m.Fields["name"], m.Defaults["kind"])
	}
	if len(m.Dates) != 1 || m.Dates[0] != "DD/MM/YYYY" {
		t.Errorf("got dates %v, want DD/MM/YYYY (24 is no month)", m.Dates)
	}
	if len(m.Attributes) != 2 || m.Attributes[0] != (Attribute{"firma", "Firma"}) || m.Attributes[1].Name != "notes" {
		t.Errorf("got attributes %v", m.Attributes)
	}

	text := m.Marshal()
	for _, want := range []string{"# Rapport import mapping", "date_of_birth: Born", "phones: [Contact, Mobile]", "a day above 12", "Not mapped:"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the YAML lacks %q:\n%s", want, text)
		}
	}
	again, err := Parse(text)
	if err != nil {
		t.Fatalf("the proposed mapping does not parse: %v\n%s", err, text)
	}
	ic, _, err := again.ApplyCustomer(testRow(2, strings.Join(header, ","), sample[0]...), "erp")
	if err != nil || ic.SourceKey != "K1" || ic.Name != "Jörg Müller" || string(ic.Attributes) != `{"date_of_birth":"1970-12-24","firma":"ACME GmbH","notes":"likes tea"}` {
		t.Errorf("got %+v %v", ic, err)
	}
}

// TestProposeDatesAreNotPhones: a second column of dates, one of them no real date, is
// kept as an attribute, not taken for phone numbers.
func TestProposeDatesAreNotPhones(t *testing.T) {
	m := Propose(Customers, []string{"id", "given_name", "birthday", "signup date"},
		[][]string{{"1", "Ana", "1980-02-01", "2023-04-05"}, {"2", "Bo", "1975-11-30", "2023-13-40"}, {"3", "Cy", "1990-06-15", "05.04.2023"}})
	if len(m.Fields["phones"]) != 0 || !slices.Contains(m.Fields["date_of_birth"], "birthday") {
		t.Errorf("got phones %q and date of birth %q, want no phones and the birthday", m.Fields["phones"], m.Fields["date_of_birth"])
	}
}

func TestProposeKeepsLikeNamedColumnsApart(t *testing.T) {
	m := Propose(Customers, []string{"id", "Notes", "notes", "NOTES"}, [][]string{{"1", "a", "b", "c"}})
	if _, err := Parse(m.Marshal()); err != nil || len(m.Attributes) != 3 || m.Attributes[2] != (Attribute{"notes_3", "NOTES"}) {
		t.Errorf("got %v (%v), want notes, notes_2 and notes_3", m.Attributes, err)
	}
}

func TestProposeOrganisationsAndInteractions(t *testing.T) {
	m := Propose(Customers, []string{"Company Name", "Contact E-mail"}, [][]string{{"Acme", "info@acme.example"}})
	if strings.Join(m.Fields["name"], "") != "Company Name" || m.Defaults["kind"] != "organisation" || strings.Join(m.Fields["source_id"], "") != "Contact E-mail" {
		t.Errorf("got %+v %v: want organisations named by Company Name, keyed by the e-mail address", m.Fields, m.Defaults)
	}
	m = Propose(Interactions, []string{"order_id", "customer_id", "order date", "Total", "currency"}, [][]string{{"O1", "C1", "2024-02-03", "9.99", "EUR"}})
	for field, want := range map[string]string{"source_id": "order_id", "customer_source_id": "customer_id", "occurred_at": "order date", "amount": "Total", "currency": "currency"} {
		if got := strings.Join(m.Fields[field], ","); got != want {
			t.Errorf("field %s: got %q, want %q", field, got, want)
		}
	}
}

// FuzzParse feeds the parser arbitrary text: it must never panic, and what it accepts
// must survive a round trip through Marshal.
func FuzzParse(f *testing.F) {
	f.Add([]byte(customersYAML))
	f.Add([]byte("record: interactions\nfields: {source_id: a, customer_source_id: b}\ndates: [DD.MM.YY hh:mm]"))
	f.Add([]byte("record: customers\nfields: {source_id: [a, b]}\nattributes: [x, y]"))
	f.Add([]byte("record: customers\nfields:\n  source_id: &a id\n  name: *a\n"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		again, err := Parse(m.Marshal())
		if err != nil {
			t.Fatalf("a parsed mapping marshals to YAML that does not parse: %v\n%s", err, m.Marshal())
		}
		if again.Record != m.Record || len(again.Fields) != len(m.Fields) || len(again.Attributes) != len(m.Attributes) {
			t.Fatalf("round trip changed the mapping: %+v became %+v", m, again)
		}
	})
}

func TestApplyNormalises(t *testing.T) {
	m, err := Parse([]byte(`
record: customers
phone_region: GB
fields: {source_id: id, given_name: first, family_name: last, phones: phone, postcode: zip, country: country}
`))
	if err != nil {
		t.Fatal(err)
	}
	header := "id,first,last,phone,zip,country"
	ic, warnings, err := m.ApplyCustomer(testRow(2, header, "1", "JOÃO", "DA  SILVA", "912 345 678; +44 20 7946 0958; 555-0100; ring me", "1000001", "Portugal"), "crm")
	if err != nil {
		t.Fatal(err)
	}
	if ic.GivenName != "João" || ic.FamilyName != "Da Silva" || ic.Name != "João Da Silva" {
		t.Errorf("got names %q %q %q", ic.GivenName, ic.FamilyName, ic.Name)
	}
	if a := ic.Addresses[0]; a.Country != "PT" || a.Postcode != "1000-001" {
		t.Errorf("got address %+v, want PT and 1000-001", a)
	}
	var got []string
	for _, p := range ic.Phones {
		got = append(got, p.Value+"="+p.Normalized)
	}
	// The row's country wins over phone_region; a number that does not parse is kept.
	if want := "912 345 678=+351912345678|+44 20 7946 0958=+442079460958|555-0100=5550100"; strings.Join(got, "|") != want {
		t.Errorf("got phones %q, want %q", got, want)
	}
	if len(warnings) != 2 || !strings.Contains(warnings[0], `column phone: "555-0100" is not a valid phone number of PT`) || !strings.Contains(warnings[1], `"ring me" is not a phone number`) {
		t.Errorf("got warnings %q", warnings)
	}
	if string(ic.Attributes) != `{"unread_phones":["ring me"]}` {
		t.Errorf("got attributes %s, want the unreadable phone kept", ic.Attributes)
	}
	ic, _, _ = m.ApplyCustomer(testRow(3, header, "2", "Ann", "Lee", "020 7946 0958", "sw1a1aa", ""), "crm")
	if ic.Phones[0].Normalized != "+442079460958" || ic.Addresses[0].Postcode != "SW1A 1AA" {
		t.Errorf("got %+v: a row without a country reads phones in phone_region", ic.Customer)
	}
}

// TestDocumentedMappings parses the mappings docs/import.md tells newcomers to paste.
func TestDocumentedMappings(t *testing.T) {
	doc, err := os.ReadFile("../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```yaml\n")[1:]
	if len(blocks) < 2 {
		t.Fatalf("found %d YAML examples in docs/import.md, want 2", len(blocks))
	}
	for _, b := range blocks {
		text, _, _ := strings.Cut(b, "```")
		if _, err := Parse([]byte(text)); err != nil {
			t.Errorf("a mapping in docs/import.md does not parse: %v\n%s", err, text)
		}
	}
}

// TestProposeKindFromNames: a file with one name column holds people unless its header
// or most of its names say organisations.
func TestProposeKindFromNames(t *testing.T) {
	for _, tt := range []struct {
		header string
		names  []string
		want   string
	}{
		{"name", []string{"Anna Berg", "José García", "Li Wei"}, "person"},
		{"Full name", []string{"Anna Berg", "Berg & Co", "Li Wei"}, "person"},
		{"name", []string{"Acme GmbH", "Berg & Co", "Maersk A/S", "Anna Berg"}, "organisation"},
		{"Customer name", []string{"Nordea Bank Abp", "Initech LLC"}, "organisation"},
		{"Company", []string{"Acme", "Initech"}, "organisation"},
	} {
		var sample [][]string
		for _, n := range tt.names {
			sample = append(sample, []string{n, "x@example.com"})
		}
		m := Propose(Customers, []string{tt.header, "email"}, sample)
		if m.Defaults["kind"] != tt.want {
			t.Errorf("%s %q: kind %q, want %q (%s)", tt.header, tt.names, m.Defaults["kind"], tt.want, m.notes["kind"])
		}
	}
	if text := string(Propose(Customers, []string{"name"}, [][]string{{"Anna Berg"}}).Marshal()); !strings.Contains(text, "0 of the 1 names read as organisations'") {
		t.Errorf("the mapping does not say why it took people:\n%s", text)
	}
}

// TestPhonesRapportRefuses: a number libphonenumber reads but Rapport does not take
// (an extension, tel:, letters) is kept in unread_phones with a warning; it does not
// reject the row.
func TestPhonesRapportRefuses(t *testing.T) {
	m, err := Parse([]byte("record: customers\nphone_region: GB\nfields: {source_id: id, given_name: first, phones: phone}\n"))
	if err != nil {
		t.Fatal(err)
	}
	ic, warnings, err := m.ApplyCustomer(testRow(2, "id,first,phone", "1", "Ann", "020 7946 0958 ext. 12;tel:+442079460958;0800 FLOWERS;020 7946 0959"), "crm")
	if err != nil {
		t.Fatalf("the row was rejected: %v", err)
	}
	if len(ic.Phones) != 1 || ic.Phones[0].Normalized != "+442079460959" {
		t.Errorf("got phones %+v", ic.Phones)
	}
	if want := `{"unread_phones":["020 7946 0958 ext. 12","tel:+442079460958","0800 FLOWERS"]}`; string(ic.Attributes) != want {
		t.Errorf("got attributes %s, want %s", ic.Attributes, want)
	}
	if len(warnings) != 3 || !strings.Contains(warnings[0], `column phone: "020 7946 0958 ext. 12" is not a phone number`) {
		t.Errorf("got warnings %q", warnings)
	}
}

// TestTwoDigitYearsOfBirth: a date of birth with a two-digit year is in the past, and
// one in the future is refused.
func TestTwoDigitYearsOfBirth(t *testing.T) {
	m, err := Parse([]byte("record: customers\ndates: [DD/MM/YY, DD/MM/YYYY]\nfields: {source_id: id, given_name: first, date_of_birth: dob}\n"))
	if err != nil {
		t.Fatal(err)
	}
	next := time.Now().AddDate(1, 0, 0).Format("02/01/06")
	for dob, want := range map[string]string{"12/05/55": "1955-05-12", "01/01/99": "1999-01-01", "01/02/03": "2003-02-01", next: time.Now().AddDate(-99, 0, 0).Format("2006-01-02")} {
		ic, _, err := m.ApplyCustomer(testRow(2, "id,first,dob", "1", "Ann", dob), "crm")
		if got := string(ic.Attributes); err != nil || got != `{"date_of_birth":"`+want+`"}` {
			t.Errorf("%s: got %s (%v), want %s", dob, got, err, want)
		}
	}
	_, _, err = m.ApplyCustomer(testRow(2, "id,first,dob", "1", "Ann", "31/12/2999"), "crm")
	if le := rapport.LineErrorOf(2, err); le.Field != "dob" || !strings.Contains(le.Message, "2999-12-31, in the future: not a date of birth") {
		t.Errorf("got %+v, want a date of birth in the future refused", le)
	}
}
