package rapport_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

func TestAbsorb(t *testing.T) {
	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva",
		Emails: []rapport.ContactPoint{{Value: "ana@example.pt"}}, Tags: []string{"vip"},
		Attributes: json.RawMessage(`{"segment":"gold","since":2019}`)}
	c.Normalize()
	c.Absorb(&rapport.Customer{Kind: rapport.KindPerson, FamilyName: "Santos", Language: "pt",
		Emails:     []rapport.ContactPoint{{Value: "ANA@example.pt"}, {Value: "ana.work@example.pt"}},
		Addresses:  []rapport.Address{{City: "Lisboa"}},
		Tags:       []string{"newsletter", "vip"},
		Attributes: json.RawMessage(`{"segment":"platinum"}`)})
	if c.Name != "Ana Santos" || c.Language != "pt" {
		t.Errorf("got %q %q, want the new family name and language", c.Name, c.Language)
	}
	if len(c.Emails) != 2 || c.Emails[0].Value != "ana@example.pt" {
		t.Errorf("got %v, want the old address first and the new one added once", c.Emails)
	}
	if len(c.Tags) != 2 || c.Tags[0] != "newsletter" {
		t.Errorf("got %v, want both tags, sorted", c.Tags)
	}
	var attrs map[string]any
	json.Unmarshal(c.Attributes, &attrs)
	if attrs["segment"] != "platinum" || attrs["since"] != float64(2019) {
		t.Errorf("got %s, want the attributes merged", c.Attributes)
	}
}

func TestContactPointJSON(t *testing.T) {
	var cps []rapport.ContactPoint
	if err := json.Unmarshal([]byte(`["a@example.com",{"value":"b@example.com","label":"work"}]`), &cps); err != nil {
		t.Fatal(err)
	}
	if len(cps) != 2 || cps[0].Value != "a@example.com" || cps[1].Label != "work" {
		t.Errorf("got %+v", cps)
	}
}

func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{"+44 20 7946-0958": "+442079460958", "0044 20 7946 0958": "+442079460958", "020 7946 0958": "02079460958"} {
		if got := rapport.NormalizePhone(in); got != want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneE164(t *testing.T) {
	for _, tt := range []struct {
		value, region, want string
		ok                  bool
	}{
		{"020 7946 0958", "GB", "+442079460958", true},
		{"+44 (0)20 7946 0958", "", "+442079460958", true},
		{"0044 20 7946 0958", "PT", "+442079460958", true},
		{"912 345 678", "PT", "+351912345678", true},
		{"(415) 555-2671", "US", "+14155552671", true},
		{"030 1234567", "DE", "+49301234567", true},
		{"912 345 678", "", "", false}, // no country code and no region
		{"12", "GB", "", false},
		{"call me", "GB", "", false},
	} {
		got, ok := rapport.PhoneE164(tt.value, tt.region)
		if got != tt.want || ok != tt.ok {
			t.Errorf("PhoneE164(%q, %q) = %q, %v; want %q, %v", tt.value, tt.region, got, ok, tt.want, tt.ok)
		}
	}
}

// TestPhonesCompareInE164 checks that a phone typed without its country code is
// compared in E.164 when the customer's first address says the country.
func TestPhonesCompareInE164(t *testing.T) {
	c := rapport.Customer{Kind: rapport.KindPerson, Name: "Ana", Phones: []rapport.ContactPoint{{Value: "912 345 678"}, {Value: "+351 912 345 678"}, {Value: "12345"}},
		Addresses: []rapport.Address{{City: "Porto", Country: "pt"}}}
	c.Normalize()
	if len(c.Phones) != 2 || c.Phones[0].Normalized != "+351912345678" || c.Phones[1].Normalized != "12345" {
		t.Errorf("got %+v, want the two writings of one number as one, and a short number by its digits", c.Phones)
	}
}

// TestAddressCountry: a country is an ISO 3166 code of a country, in any case, not
// any two letters; UK, in common use for the United Kingdom, is stored as GB.
func TestAddressCountry(t *testing.T) {
	for _, tt := range []struct {
		country, want, problem string
	}{
		{"pt", "PT", ""},
		{" De ", "DE", ""},
		{"UK", "GB", ""},
		{"uk", "GB", ""},
		{"XK", "XK", ""}, // Kosovo: not assigned by ISO, but used for it everywhere
		{"ZZ", "", `addresses[0].country: "ZZ" is not an ISO 3166 country code`},
		{"qq", "", `addresses[0].country: "QQ" is not an ISO 3166 country code`},
		{"EU", "", `addresses[0].country: "EU" is not an ISO 3166 country code`},
		{"EL", "", `addresses[0].country: "EL" is not an ISO 3166 country code`},
		{"PRT", "", `addresses[0].country: country "PRT" is not an ISO 3166 two-letter code`},
		{"P1", "", `addresses[0].country: country "P1" is not an ISO 3166 two-letter code`},
	} {
		t.Run(tt.country, func(t *testing.T) {
			c := rapport.Customer{Kind: rapport.KindPerson, Name: "Ana", Addresses: []rapport.Address{{City: "Porto", Country: tt.country}}}
			c.Normalize()
			err := c.Validate()
			switch {
			case tt.problem == "" && err != nil:
				t.Errorf("got %v, want %q accepted", err, tt.country)
			case tt.problem == "" && c.Addresses[0].Country != tt.want:
				t.Errorf("got %q, want %q", c.Addresses[0].Country, tt.want)
			case tt.problem != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.problem)):
				t.Errorf("got %v, want %q", err, tt.problem)
			}
		})
	}
}
