package sqldbtest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

func testCustomers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db

	t.Run("CreateAndFind", func(t *testing.T) {
		c := &rapport.Customer{
			Kind: rapport.KindPerson, GivenName: " Zoë ", FamilyName: "Müller",
			Emails:    []rapport.ContactPoint{{Value: "Zoe.Mueller@Example.de", Label: "work"}, {Value: "zoe.mueller@example.de"}},
			Phones:    []rapport.ContactPoint{{Value: "+49 30 1234 5678"}},
			Addresses: []rapport.Address{{Street: "Unter den Linden 1", City: "Berlin", Postcode: "10117", Country: "de"}},
			Language:  "de", PreferredChannel: "email",
			Relationships: []rapport.Relationship{"prospect", "client", "client"},
			Tags:          []string{"VIP", "vip", "Trade  Fair"},
			Attributes:    json.RawMessage(`{"segment": "gold", "score": 7}`),
		}
		must(t, db.CreateCustomer(ctx, f.sales, c))
		if c.ID.IsZero() || c.Version != 1 {
			t.Fatalf("got id %v version %d, want a new id and version 1", c.ID, c.Version)
		}
		got, err := db.FindCustomerByID(ctx, f.sales, c.ID)
		must(t, err)
		if got.Name != "Zoë Müller" {
			t.Errorf("got name %q, want the derived name %q", got.Name, "Zoë Müller")
		}
		if len(got.Emails) != 1 || got.Emails[0].Label != "work" {
			t.Errorf("got emails %+v, want the one address once, labelled work", got.Emails)
		}
		if got.Addresses[0].Country != "DE" {
			t.Errorf("got country %q, want DE", got.Addresses[0].Country)
		}
		if !eq(got.Relationships, []rapport.Relationship{"client", "prospect"}) {
			t.Errorf("got relationships %v, want [client prospect]", got.Relationships)
		}
		if !eq(got.Tags, []string{"trade fair", "vip"}) {
			t.Errorf("got tags %v, want [trade fair vip]", got.Tags)
		}
		var attrs map[string]any
		must(t, json.Unmarshal(got.Attributes, &attrs))
		if attrs["segment"] != "gold" || attrs["score"] != float64(7) {
			t.Errorf("got attributes %s, want segment gold and score 7", got.Attributes)
		}
		if !got.CreatedAt.Equal(c.CreatedAt) || got.CreatedAt.Location().String() != "UTC" {
			t.Errorf("got created_at %v, want %v in UTC", got.CreatedAt, c.CreatedAt)
		}
	})

	t.Run("DetailsOfSeveral", func(t *testing.T) {
		// A list reads the details of all its customers at once: each keeps its own, in
		// the order they were given.
		want := map[string]*rapport.Customer{}
		for _, name := range []string{"Quinn Detail", "Quincy Detail"} {
			c := &rapport.Customer{Kind: rapport.KindPerson, Name: name,
				Emails:        []rapport.ContactPoint{{Value: "b." + name[:5] + "@detail.example", Label: "work"}, {Value: "a." + name[:5] + "@detail.example", Label: "home"}},
				Phones:        []rapport.ContactPoint{{Value: "+44 20 7946 0002"}, {Value: "+44 20 7946 0001", Label: "mobile"}},
				Addresses:     []rapport.Address{{Label: "work", Street: "2 Second St", City: "Leeds", Postcode: "LS1 1AA", Region: "West Yorkshire", Country: "GB"}, {Label: "home", City: "York", Country: "GB"}},
				Relationships: []rapport.Relationship{"prospect", "client"},
				Tags:          []string{"zebra", name[:5]},
			}
			must(t, db.CreateCustomer(ctx, f.sales, c))
			want[name] = c
		}
		got, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "detail"})
		must(t, err)
		if len(got) != 2 {
			t.Fatalf("found %d customers, want 2", len(got))
		}
		for _, g := range got {
			w := want[g.Name]
			if w == nil {
				t.Fatalf("found %q", g.Name)
			}
			for i := range w.Emails {
				w.Emails[i].Normalized = rapport.NormalizeEmail(w.Emails[i].Value)
			}
			for i := range w.Phones {
				w.Phones[i].Normalized = w.Phones[i].PhoneKey()
			}
			if !reflect.DeepEqual(g.Emails, w.Emails) || !reflect.DeepEqual(g.Phones, w.Phones) || !reflect.DeepEqual(g.Addresses, w.Addresses) {
				t.Errorf("%s: got %+v %+v %+v, want %+v %+v %+v", g.Name, g.Emails, g.Phones, g.Addresses, w.Emails, w.Phones, w.Addresses)
			}
			if !eq(g.Relationships, []rapport.Relationship{"client", "prospect"}) || !eq(g.Tags, []string{strings.ToLower(g.Name[:5]), "zebra"}) {
				t.Errorf("%s: got relationships %v and tags %v", g.Name, g.Relationships, g.Tags)
			}
		}
	})

	t.Run("Validation", func(t *testing.T) {
		tests := []struct {
			name  string
			c     rapport.Customer
			field string
		}{
			{"NoKind", rapport.Customer{Name: "X"}, "kind"},
			{"UnknownKind", rapport.Customer{Kind: "robot", Name: "X"}, "kind"},
			{"PersonWithoutName", rapport.Customer{Kind: rapport.KindPerson}, "name"},
			{"OrganisationWithGivenName", rapport.Customer{Kind: rapport.KindOrganisation, Name: "Acme", GivenName: "Ann"}, "given_name"},
			{"BadEmail", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Emails: []rapport.ContactPoint{{Value: "not-an-address"}}}, "emails[0]"},
			{"BadPhone", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Phones: []rapport.ContactPoint{{Value: "call me"}}}, "phones[0]"},
			{"BadCountry", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Addresses: []rapport.Address{{City: "Paris", Country: "France"}}}, "addresses[0].country"},
			{"NotACountry", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Addresses: []rapport.Address{{City: "Paris", Country: "zz"}}}, "addresses[0].country"},
			{"BadLanguage", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Language: "english!"}, "language"},
			{"UnknownLanguage", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Language: "xx-bad-123"}, "language"},
			{"BadRelationship", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Relationships: []rapport.Relationship{"friend"}}, "relationships"},
			{"AttributesNotObject", rapport.Customer{Kind: rapport.KindPerson, Name: "X", Attributes: json.RawMessage(`[1,2]`)}, "attributes"},
			{"ControlCharacter", rapport.Customer{Kind: rapport.KindPerson, Name: "X\x07"}, "name"},
			{"InvalidUTF8", rapport.Customer{Kind: rapport.KindPerson, Name: "X\xff"}, "name"},
			{"TooLong", rapport.Customer{Kind: rapport.KindOrganisation, Name: strings.Repeat("a", 201)}, "name"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := tt.c
				wantField(t, db.CreateCustomer(ctx, f.sales, &c), tt.field)
			})
		}
		n, err := db.CountCustomers(ctx, f.admin, rapport.CustomerFilter{Query: "X"})
		must(t, err)
		if n != 0 {
			t.Errorf("got %d customers named X, want 0: rejected customers must not be stored", n)
		}
	})

	t.Run("ScriptsAreStoredAsText", func(t *testing.T) {
		c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: `<script>alert("x")</script> Ltd`}
		must(t, db.CreateCustomer(ctx, f.sales, c))
		got, err := db.FindCustomerByID(ctx, f.sales, c.ID)
		must(t, err)
		if got.Name != c.Name {
			t.Errorf("got name %q, want it unchanged %q (escaping is the page's job)", got.Name, c.Name)
		}
	})

	t.Run("Update", func(t *testing.T) {
		c := mustPerson(t, db, "Ana", "Silva", "ana@example.pt")
		got, err := db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{
			FamilyName: ptr("Silva Santos"), Tags: &[]string{"lead"}, OwnerID: ptr(f.sales.UserID), Version: c.Version,
		})
		must(t, err)
		if got.Name != "Ana Silva Santos" || got.Version != 2 || !eq(got.Tags, []string{"lead"}) {
			t.Errorf("got %q version %d tags %v, want Ana Silva Santos, version 2, [lead]", got.Name, got.Version, got.Tags)
		}
		if got.OwnerName != "sam" {
			t.Errorf("got owner %q, want sam", got.OwnerName)
		}
		if len(got.Emails) != 1 {
			t.Errorf("got emails %v, want the e-mail kept when not in the update", got.Emails)
		}
		_, err = db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{Language: ptr("pt"), Version: 1})
		wantCode(t, err, rapport.ECONFLICT)
		_, err = db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{OwnerID: ptr(rapport.NewID())})
		wantField(t, err, "owner_id")
		_, err = db.UpdateCustomer(ctx, f.sales, rapport.NewID(), rapport.CustomerUpdate{Language: ptr("pt")})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{Language: ptr("pt"), Version: -1})
		wantField(t, err, "version")
		// A change that changes nothing makes no new version.
		same, err := db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{FamilyName: ptr("Silva Santos"), Version: 2})
		if err != nil || same.Version != 2 {
			t.Errorf("an update to what is there: version %d (%v), want 2 still", same.Version, err)
		}
	})

	t.Run("Roles", func(t *testing.T) {
		c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Analyst Co"}
		wantCode(t, db.CreateCustomer(ctx, f.loner, c), rapport.EFORBIDDEN)
		c = mustOrg(t, db, "Keep Me Ltd")
		wantCode(t, db.DeleteCustomer(ctx, f.sales, c.ID), rapport.EFORBIDDEN)
		must(t, db.DeleteCustomer(ctx, f.admin, c.ID))
		_, err := db.FindCustomerByID(ctx, f.admin, c.ID)
		wantCode(t, err, rapport.ENOTFOUND)
	})

	t.Run("Filters", func(t *testing.T) {
		org := mustOrg(t, db, "Filter Industries")
		p := mustPerson(t, db, "Fil", "Ter", "")
		mustLink(t, db, p, org, rapport.LinkWorksAt)
		_, err := db.UpdateCustomer(ctx, f.sales, p.ID, rapport.CustomerUpdate{Relationships: &[]rapport.Relationship{"supplier"}, Tags: &[]string{"filtered"}, OwnerID: ptr(f.deals.UserID)})
		must(t, err)
		tests := []struct {
			name   string
			filter rapport.CustomerFilter
			want   []string
		}{
			{"Relationship", rapport.CustomerFilter{Relationship: "supplier"}, []string{"Fil Ter"}},
			{"Tag", rapport.CustomerFilter{Tag: "Filtered"}, []string{"Fil Ter"}},
			{"Owner", rapport.CustomerFilter{OwnerID: f.deals.UserID}, []string{"Fil Ter"}},
			{"Organisation", rapport.CustomerFilter{OrganisationID: org.ID}, []string{"Fil Ter"}},
			{"KindAndQuery", rapport.CustomerFilter{Kind: rapport.KindOrganisation, Query: "filter"}, []string{"Filter Industries"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, _, err := db.FindCustomers(ctx, f.sales, tt.filter)
				must(t, err)
				if !eq(names(got), tt.want) {
					t.Errorf("got %v, want %v", names(got), tt.want)
				}
				n, err := db.CountCustomers(ctx, f.sales, tt.filter)
				must(t, err)
				if n != len(tt.want) {
					t.Errorf("got count %d, want %d", n, len(tt.want))
				}
			})
		}
	})
}

func testCustomerSearch(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	zoe := mustPerson(t, db, "Zoë", "Müller", "zoe.mueller@example.de")
	_, err := db.UpdateCustomer(ctx, f.sales, zoe.ID, rapport.CustomerUpdate{Phones: &[]rapport.ContactPoint{{Value: "+44 20 7946 0958"}}})
	must(t, err)
	mustPerson(t, db, "Zoran", "Petrović", "zp@example.rs")
	mustOrg(t, db, "Müller Logistics GmbH")
	mustPerson(t, db, "Søren", "Łukasik-Straße", "")

	tests := []struct {
		query string
		want  []string
	}{
		{"zoe", []string{"Zoë Müller"}},      // accents folded
		{"ZOË MÜLL", []string{"Zoë Müller"}}, // case folded, prefixes
		{"zo", []string{"Zoë Müller", "Zoran Petrović"}},
		{"petrovic", []string{"Zoran Petrović"}},
		{"soren lukasik strasse", []string{"Søren Łukasik-Straße"}}, // letters without a decomposition
		{"Łukasik", []string{"Søren Łukasik-Straße"}},
		{"zoe.mueller@example.de", []string{"Zoë Müller"}}, // whole e-mail address
		{"mueller@exa", []string{"Zoë Müller"}},            // part of it
		{"+44 20 7946 0958", []string{"Zoë Müller"}},       // phone as written
		{"2079460958", []string{"Zoë Müller"}},             // without the country code
		{"7946 0958", []string{"Zoë Müller"}},
		{"logistics", []string{"Müller Logistics GmbH"}},
		{"nobody", nil},
		{`" OR 1=1 --`, nil}, // query syntax is not passed through
		{"*", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: tt.query})
			must(t, err)
			gotNames := names(got)
			if len(tt.want) > 1 { // several hits: order by relevance is the engine's; compare as sets
				if len(gotNames) != len(tt.want) {
					t.Fatalf("got %v, want %v", gotNames, tt.want)
				}
				for _, w := range tt.want {
					if !strings.Contains(strings.Join(gotNames, "|"), w) {
						t.Fatalf("got %v, want %v", gotNames, tt.want)
					}
				}
				return
			}
			if !eq(gotNames, tt.want) && !(len(gotNames) == 0 && len(tt.want) == 0) {
				t.Errorf("got %v, want %v", gotNames, tt.want)
			}
		})
	}

	t.Run("NamesFirst", func(t *testing.T) {
		// Liam Kim is found by his e-mail address's domain only: the Moores come first,
		// though his name is the shortest.
		mustPerson(t, db, "Liam", "Kim", "liam.kim@miller-moore.example")
		mustPerson(t, db, "Ava", "Moores", "ava@inbox.example")
		mustPerson(t, db, "Ava", "Moore", "")
		got, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "moore"})
		must(t, err)
		if want := []string{"Ava Moore", "Ava Moores", "Liam Kim"}; !eq(names(got), want) {
			t.Errorf("got %v, want %v", names(got), want)
		}
	})

	t.Run("BoundedWork", func(t *testing.T) {
		var batch []rapport.IncomingCustomer
		for i := range rapport.SearchLimit + 20 {
			batch = append(batch, rapport.IncomingCustomer{Source: "crm", SourceKey: atf("cap-%d", i),
				Customer: rapport.Customer{Kind: rapport.KindOrganisation, Name: atf("Capstone %d", i)}})
		}
		_, err := db.IngestCustomers(ctx, system, batch)
		must(t, err)
		n, err := db.CountCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "capstone"})
		must(t, err)
		if n != rapport.SearchLimit+1 {
			t.Errorf("got a count of %d, want %d: searches count up to the limit and one more", n, rapport.SearchLimit+1)
		}
		got, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "capstone 519"})
		must(t, err)
		if len(got) != 1 || got[0].Name != "Capstone 519" {
			t.Errorf("got %v, want the precise query to find Capstone 519", names(got))
		}
	})

	t.Run("FollowsUpdates", func(t *testing.T) {
		_, err := db.UpdateCustomer(ctx, f.sales, zoe.ID, rapport.CustomerUpdate{FamilyName: ptr("Schmidt")})
		must(t, err)
		got, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "schmidt"})
		must(t, err)
		if !eq(names(got), []string{"Zoë Schmidt"}) {
			t.Errorf("got %v, want [Zoë Schmidt]", names(got))
		}
		got, _, err = db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Query: "zoe muller"})
		must(t, err)
		if len(got) != 0 {
			t.Errorf("got %v for the old name, want nothing", names(got))
		}
	})
}

func testCustomerPaging(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	var want []string
	for i := 0; i < 23; i++ {
		name := atf("Page Org %02d", i)
		if i%5 == 0 {
			name = atf("page org %02d", i) // case must not change the order
		}
		mustOrg(t, db, name)
		want = append(want, name)
	}
	for _, filter := range []rapport.CustomerFilter{{Limit: 5}, {Limit: 5, Query: "page org"}} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("paging does not end")
			}
			filter.Cursor = cursor
			page, next, err := db.FindCustomers(ctx, f.sales, filter)
			must(t, err)
			got = append(got, names(page)...)
			if next == "" {
				break
			}
			cursor = next
		}
		if filter.Query == "" && !eq(got, want) {
			t.Errorf("got pages %v, want %v", got, want)
		}
		if len(got) != len(want) {
			t.Errorf("query %q: got %d customers over the pages, want %d", filter.Query, len(got), len(want))
		}
	}
	_, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Cursor: "garbage!"})
	wantField(t, err, "cursor")
}

func testLinks(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	acme := mustOrg(t, db, "Acme")
	acmeUK := mustOrg(t, db, "Acme UK")
	ann := mustPerson(t, db, "Ann", "Lee", "")
	bob := mustPerson(t, db, "Bob", "Ray", "")

	l := &rapport.Link{FromID: ann.ID, ToID: acme.ID, Kind: rapport.LinkWorksAt, Role: "CFO"}
	must(t, db.CreateLink(ctx, f.sales, l))
	if l.FromName != "Ann Lee" || l.ToName != "Acme" {
		t.Errorf("got link %s → %s, want Ann Lee → Acme", l.FromName, l.ToName)
	}
	mustLink(t, db, acmeUK, acme, rapport.LinkSubsidiaryOf)

	tests := []struct {
		name string
		link rapport.Link
		code string
	}{
		{"PersonToPerson", rapport.Link{FromID: ann.ID, ToID: bob.ID, Kind: rapport.LinkAdvises}, rapport.EINVALID},
		{"PersonAsSubsidiary", rapport.Link{FromID: bob.ID, ToID: acme.ID, Kind: rapport.LinkSubsidiaryOf}, rapport.EINVALID},
		{"OrganisationWorksAt", rapport.Link{FromID: acmeUK.ID, ToID: acme.ID, Kind: rapport.LinkWorksAt}, rapport.EINVALID},
		{"Cycle", rapport.Link{FromID: acme.ID, ToID: acmeUK.ID, Kind: rapport.LinkSubsidiaryOf}, rapport.EINVALID},
		{"Self", rapport.Link{FromID: acme.ID, ToID: acme.ID, Kind: rapport.LinkSubsidiaryOf}, rapport.EINVALID},
		{"Duplicate", rapport.Link{FromID: ann.ID, ToID: acme.ID, Kind: rapport.LinkWorksAt}, rapport.ECONFLICT},
		{"UnknownCustomer", rapport.Link{FromID: rapport.NewID(), ToID: acme.ID, Kind: rapport.LinkOwns}, rapport.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.link
			wantCode(t, db.CreateLink(ctx, f.sales, &l), tt.code)
		})
	}

	links, err := db.FindLinks(ctx, f.sales, acme.ID)
	must(t, err)
	if len(links) != 2 {
		t.Fatalf("got %d links of Acme, want 2 (Ann works at it, Acme UK is its subsidiary)", len(links))
	}
	must(t, db.DeleteLink(ctx, f.sales, l.ID))
	links, err = db.FindLinks(ctx, f.sales, ann.ID)
	must(t, err)
	if len(links) != 0 {
		t.Errorf("got %d links of Ann after unlinking, want 0", len(links))
	}
}
