package sqldbtest

import (
	"testing"

	"github.com/rapportckm/rapport"
)

// testGoldenRecord follows one customer known to two systems and to staff: each golden
// field is chosen by its rule, remembers its record, and follows a change of the rules.
func testGoldenRecord(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	send := func(source, key, given, language string, emails ...string) rapport.IngestItem {
		t.Helper()
		r := rapport.IncomingCustomer{Source: source, SourceKey: key, Customer: rapport.Customer{Kind: rapport.KindPerson,
			GivenName: given, FamilyName: "Silva", Language: language}}
		for _, e := range emails {
			r.Emails = append(r.Emails, rapport.ContactPoint{Value: e})
		}
		res, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{r})
		must(t, err)
		if len(res.Items) != 1 {
			t.Fatalf("ingest %s %s: %+v", source, key, res)
		}
		return res.Items[0]
	}
	check := func(step string, id rapport.ID, name, language string, emails ...string) {
		t.Helper()
		c, err := db.FindCustomerByID(ctx, f.sales, id)
		must(t, err)
		var got []string
		for _, e := range c.Emails {
			got = append(got, e.Value)
		}
		if c.Name != name || c.Language != language || !eq(got, emails) {
			t.Errorf("%s: got %s %q %v, want %s %q %v", step, c.Name, c.Language, got, name, language, emails)
		}
	}
	from := func(id rapport.ID, field string) rapport.FieldSource {
		t.Helper()
		sources, err := db.FindGoldenRecord(ctx, f.sales, id)
		must(t, err)
		for _, s := range sources {
			if s.Field == field {
				return s
			}
		}
		t.Fatalf("no %s in the golden record: %+v", field, sources)
		return rapport.FieldSource{}
	}

	id := send("billing", "B-1", "Ana", "pt", "ana@billing.example").CustomerID
	if it := send("shop", "S-1", "Anna", "en", "anna@shop.example", "ANA@billing.example"); it.Result != "linked" || it.CustomerID != id {
		t.Fatalf("got %+v, want the shop's record linked by its e-mail", it)
	}
	check("the most recent record by default", id, "Anna Silva", "en", "anna@shop.example", "ANA@billing.example")
	if s := from(id, "name"); s.Source != "shop" || s.SourceKey != "S-1" || s.Rule != rapport.RuleRecent || s.Records != 1 {
		t.Errorf("name from %+v, want the shop's S-1 by the recent rule", s)
	}
	if s := from(id, "email"); s.Value != "anna@shop.example" || s.Records != 1 {
		t.Errorf("primary e-mail from %+v", s)
	}

	// Staff correct the language and take the shop's address off.
	c, err := db.FindCustomerByID(ctx, f.sales, id)
	must(t, err)
	_, err = db.UpdateCustomer(ctx, f.sales, id, rapport.CustomerUpdate{Language: ptr("fr"), Emails: &[]rapport.ContactPoint{c.Emails[1]}})
	must(t, err)
	check("after the staff's edit", id, "Anna Silva", "fr", "ANA@billing.example")
	if s := from(id, "language"); s.Source != rapport.StaffSource {
		t.Errorf("language from %+v, want what staff entered", s)
	}

	// The shop sends its record again with a new name: the name is newer than the
	// staff's edit, its language is not, and the address staff removed stays off.
	send("shop", "S-1", "Anna Maria", "en", "anna@shop.example", "ANA@billing.example")
	check("after the shop's change", id, "Anna Maria Silva", "fr", "ANA@billing.example")

	// Staff clear the language: neither record's language comes back in its place,
	// until a source sends a new one.
	_, err = db.UpdateCustomer(ctx, f.sales, id, rapport.CustomerUpdate{Language: ptr("")})
	must(t, err)
	check("after staff cleared the language", id, "Anna Maria Silva", "", "ANA@billing.example")
	send("shop", "S-1", "Anna Maria", "en", "anna@shop.example", "ANA@billing.example")
	check("the shop sends its old language again", id, "Anna Maria Silva", "", "ANA@billing.example")
	send("billing", "B-1", "Ana", "es", "ana@billing.example")
	check("billing sends a new language", id, "Anna Maria Silva", "es", "ANA@billing.example")

	// Billing becomes the most trusted source for names.
	err = db.SetSurvivorship(ctx, f.sales, rapport.Survivorship{Trust: map[string]int{"billing": 10}})
	wantCode(t, err, rapport.EFORBIDDEN)
	wantField(t, db.SetSurvivorship(ctx, f.admin, rapport.Survivorship{Trust: map[string]int{"nope": 1}}), "trust.nope")
	wantField(t, db.SetSurvivorship(ctx, f.admin, rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{"name": "loudest"}}), "rules.name")
	must(t, db.SetSurvivorship(ctx, f.admin, rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{"name": rapport.RuleTrusted},
		Trust: map[string]int{"billing": 10, "shop": 5}}))
	sv, err := db.Survivorship(ctx, f.sales)
	must(t, err)
	if sv.Rule("name") != rapport.RuleTrusted || sv.Rule("email") != rapport.RuleRecent || sv.Trust["billing"] != 10 {
		t.Errorf("got %+v", sv)
	}
	changed, err := db.RefreshGoldenRecords(ctx, f.admin)
	must(t, err)
	if changed != 1 {
		t.Errorf("refresh changed %d customers, want 1", changed)
	}
	check("billing trusted for names", id, "Ana Silva", "es", "ANA@billing.example")
	if s := from(id, "name"); s.Source != "billing" || s.Rule != rapport.RuleTrusted {
		t.Errorf("name from %+v, want billing by trust", s)
	}
	if changed, err := db.RefreshGoldenRecords(ctx, f.admin); err != nil || changed != 0 {
		t.Errorf("a second refresh changed %d (%v), want 0", changed, err)
	}

	// No import may pass its records off as the staff's.
	res, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{{Source: rapport.StaffSource, SourceKey: id.String(),
		Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Mallory"}}})
	must(t, err)
	if res.Rejected != 1 || res.Errors[0].Field != "source" {
		t.Errorf("got %+v, want the record rejected on source", res)
	}

	// A walled customer's golden record does not exist for an outsider.
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, c)
	_, err = db.FindGoldenRecord(ctx, f.sales, id)
	wantCode(t, err, rapport.ENOTFOUND)
	if _, err := db.FindGoldenRecord(ctx, f.deals, id); err != nil {
		t.Errorf("the wall's team: %v", err)
	}
}
