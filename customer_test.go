package rapport_test

import (
	"encoding/json"
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
