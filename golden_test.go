package rapport

import (
	"slices"
	"testing"
	"time"
)

var day = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func contribution(source, key string, daysLater int, v RecordValues) Contribution {
	return Contribution{Source: source, SourceKey: key, At: day.AddDate(0, 0, daysLater), Values: v}
}

func emails(cs []ContactPoint) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Value)
	}
	return out
}

func TestSurviveByRule(t *testing.T) {
	records := []Contribution{
		contribution("billing", "B1", 0, RecordValues{GivenName: "Ana", FamilyName: "Silva", Emails: []ContactPoint{{Value: "ana@billing.example"}}, Language: "pt"}),
		contribution("shop", "S1", 10, RecordValues{GivenName: "Anna", FamilyName: "Silva", Emails: []ContactPoint{{Value: "anna@shop.example"}, {Value: "ANA@billing.example"}}}),
		contribution("crm", "C1", 5, RecordValues{GivenName: "ANA", FamilyName: "Silva", Language: "en"}),
	}
	cases := []struct {
		name       string
		sv         Survivorship
		given      string
		nameSource string
		emails     []string
		language   string
	}{
		{"recent", Survivorship{}, "Anna", "shop", []string{"anna@shop.example", "ANA@billing.example"}, "en"},
		{"trusted", Survivorship{Rules: map[string]SurvivalRule{"name": RuleTrusted, "email": RuleTrusted, "language": RuleTrusted}, Trust: map[string]int{"billing": 10, "crm": 5}},
			"Ana", "billing", []string{"ana@billing.example", "anna@shop.example"}, "pt"},
		// "Ana" and "ANA" are one value held by two records; the newer of them speaks for it.
		{"frequent", Survivorship{Rules: map[string]SurvivalRule{"name": RuleFrequent, "email": RuleFrequent}},
			"ANA", "crm", []string{"ANA@billing.example", "anna@shop.example"}, "en"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.sv.Survive(KindPerson, records)
			if g.Values.GivenName != tc.given || g.Values.FamilyName != "Silva" {
				t.Errorf("name %q %q, want %q Silva", g.Values.GivenName, g.Values.FamilyName, tc.given)
			}
			if got := emails(g.Values.Emails); !slices.Equal(got, tc.emails) {
				t.Errorf("emails %v, want %v", got, tc.emails)
			}
			if g.Values.Language != tc.language {
				t.Errorf("language %q, want %q", g.Values.Language, tc.language)
			}
			if g.Sources[0].Field != "name" || g.Sources[0].Source != tc.nameSource {
				t.Errorf("name from %+v, want %s", g.Sources[0], tc.nameSource)
			}
		})
	}
}

func TestSurviveProvenance(t *testing.T) {
	records := []Contribution{
		contribution("billing", "B1", 0, RecordValues{Name: "Acme Ltd", Phones: []ContactPoint{{Value: "+44 20 7946 0000"}}}),
		contribution("shop", "S9", 3, RecordValues{Name: "ACME LTD.", Phones: []ContactPoint{{Value: "+44 (20) 7946-0000"}}, PreferredChannel: Channel("email")}),
	}
	g := Survivorship{}.Survive(KindOrganisation, records)
	want := []FieldSource{
		{Field: "name", Value: "ACME LTD.", Source: "shop", SourceKey: "S9", At: day.AddDate(0, 0, 3), Records: 2, Rule: RuleRecent},
		{Field: "phone", Value: "+44 (20) 7946-0000", Source: "shop", SourceKey: "S9", At: day.AddDate(0, 0, 3), Records: 2, Rule: RuleRecent},
		{Field: "preferred_channel", Value: "email", Source: "shop", SourceKey: "S9", At: day.AddDate(0, 0, 3), Records: 1, Rule: RuleRecent},
	}
	if !slices.Equal(g.Sources, want) {
		t.Errorf("sources\n%+v\nwant\n%+v", g.Sources, want)
	}
	c := &Customer{Kind: KindOrganisation, Name: "old", Language: "fr"}
	g.ApplyTo(c)
	if c.Name != "ACME LTD." || c.Language != "" || len(c.Phones) != 1 || c.PreferredChannel != Channel("email") {
		t.Errorf("applied: %+v", c)
	}
}

func TestStaffEditsSurvive(t *testing.T) {
	before := &Customer{Kind: KindPerson, GivenName: "Ana", FamilyName: "Silva",
		Emails: []ContactPoint{{Value: "ana@billing.example"}, {Value: "wrong@shop.example"}}, Language: "pt"}
	before.Normalize()
	after := cloneForTest(before)
	after.Emails = after.Emails[:1]
	after.Language = "en"
	after.Normalize()

	staff := RecordValues{}
	staff.StaffEdit(KindPerson, before, after, day.AddDate(0, 0, 20), nil)
	if _, ok := staff.ChangedAt["name"]; ok {
		t.Errorf("an unchanged name was recorded as edited: %v", staff.ChangedAt)
	}
	if staff.Language != "en" || !staff.ChangedAt["language"].Equal(day.AddDate(0, 0, 20)) {
		t.Errorf("language edit not recorded: %+v", staff)
	}
	if !slices.Equal(staff.Removed, []string{"email:wrong@shop.example"}) {
		t.Errorf("removed %v", staff.Removed)
	}
	records := []Contribution{
		contribution("billing", "B1", 0, RecordValues{GivenName: "Ana", FamilyName: "Silva", Emails: []ContactPoint{{Value: "ana@billing.example"}}, Language: "pt"}),
		// The shop sends its record again, after the edit: the removed address stays off,
		// and the staff's language, set later than the shop's record, stays.
		contribution("shop", "S1", 30, RecordValues{GivenName: "Ana", FamilyName: "Silva", Emails: []ContactPoint{{Value: "wrong@shop.example"}}}),
		contribution(StaffSource, "c1", 1, staff),
	}
	g := Survivorship{}.Survive(KindPerson, records)
	if got := emails(g.Values.Emails); !slices.Equal(got, []string{"ana@billing.example"}) {
		t.Errorf("emails %v", got)
	}
	if g.Values.Language != "en" {
		t.Errorf("language %q, want the staff's en", g.Values.Language)
	}

	// Adding the address back takes it off the removed list.
	again := cloneForTest(after)
	again.Emails = append(again.Emails, ContactPoint{Value: "wrong@shop.example"})
	staff.StaffEdit(KindPerson, after, again, day.AddDate(0, 0, 40), nil)
	if len(staff.Removed) != 0 {
		t.Errorf("removed %v after adding it back", staff.Removed)
	}
}

func cloneForTest(c *Customer) *Customer {
	d := *c
	d.Emails = slices.Clone(c.Emails)
	return &d
}

func TestSurvivorshipValidate(t *testing.T) {
	sv := Survivorship{Rules: map[string]SurvivalRule{"name": "oldest", "shoe_size": RuleRecent, "email": RuleTrusted}}
	err := sv.Validate()
	e, ok := err.(*Error)
	if !ok || e.Fields["rules.name"] == "" || e.Fields["rules.shoe_size"] == "" || e.Fields["rules.email"] != "" {
		t.Fatalf("Validate: %v", err)
	}
}
