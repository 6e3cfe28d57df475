package sqldbtest

import (
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testWalls proves that a walled customer does not exist for anyone outside the wall's
// teams: not by id, in lists, counts, search, links, notes, interactions or ingest.
func testWalls(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	target := mustOrg(t, db, "Target Holdings")
	targetSub := mustOrg(t, db, "Target Subsidiary")
	mustLink(t, db, targetSub, target, rapport.LinkSubsidiaryOf)
	ceo := mustPerson(t, db, "Tara", "Target", "tara@target.example")
	mustLink(t, db, ceo, target, rapport.LinkWorksAt)
	open1 := mustPerson(t, db, "Olga", "Open", "olga@open.example")
	wall := mustWall(t, db, "Project Falcon", []rapport.ID{f.dealsTeam.ID}, target)
	if wall.Covered != 3 {
		t.Fatalf("got %d customers covered, want 3: the organisation, its subsidiary and its CEO", wall.Covered)
	}
	must(t, db.CreateNote(ctx, f.deals, &rapport.Note{CustomerID: ceo.ID, Body: "Deal talk", Visibility: rapport.VisibilityStaff}))
	_, err := db.IngestInteractions(ctx, system, []rapport.IncomingInteraction{{Interaction: rapport.Interaction{
		CustomerID: ceo.ID, OrganisationID: target.ID, Type: "meeting", Channel: "in_person", OccurredAt: time.Now().Add(-time.Hour),
		Source: "crm", SourceKey: "m-1", Summary: "Secret meeting"}}})
	must(t, err)
	// A visible person who once acted for the walled organisation.
	_, err = db.IngestInteractions(ctx, system, []rapport.IncomingInteraction{{Interaction: rapport.Interaction{
		CustomerID: open1.ID, OrganisationID: target.ID, Type: "call", Channel: "phone", OccurredAt: time.Now().Add(-time.Hour),
		Source: "crm", SourceKey: "c-1", Summary: "Call for a client"}}})
	must(t, err)

	walled := []*rapport.Customer{target, targetSub, ceo}
	for _, tt := range []struct {
		name  string
		scope rapport.Scope
		sees  bool
	}{
		{"OutsiderInOtherTeam", f.sales, false},
		{"OutsiderInNoTeam", f.loner, false},
		{"WallTeamMember", f.deals, true},
		{"Admin", f.admin, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.scope
			for _, c := range walled {
				_, err := db.FindCustomerByID(ctx, s, c.ID)
				if tt.sees {
					must(t, err)
				} else {
					wantCode(t, err, rapport.ENOTFOUND)
				}
			}
			list, _, err := db.FindCustomers(ctx, s, rapport.CustomerFilter{})
			must(t, err)
			count, err := db.CountCustomers(ctx, s, rapport.CustomerFilter{})
			must(t, err)
			want := 1
			if tt.sees {
				want = 4
			}
			if len(list) != want || count != want {
				t.Errorf("got %d listed and a count of %d, want %d", len(list), count, want)
			}
			for _, q := range []string{"target", "tara@target.example", "falcon"} {
				hits, _, err := db.FindCustomers(ctx, s, rapport.CustomerFilter{Query: q})
				must(t, err)
				n, err := db.CountCustomers(ctx, s, rapport.CustomerFilter{Query: q})
				must(t, err)
				if !tt.sees && (len(hits) != 0 || n != 0) {
					t.Errorf("search %q: got %v (count %d), want no hit", q, names(hits), n)
				}
			}
			byOrg, _, err := db.FindCustomers(ctx, s, rapport.CustomerFilter{OrganisationID: target.ID})
			must(t, err)
			if !tt.sees && len(byOrg) != 0 {
				t.Errorf("got people of the walled organisation %v, want none", names(byOrg))
			}
			_, _, err = db.FindInteractions(ctx, s, rapport.InteractionFilter{CustomerID: ceo.ID})
			_, _, err2 := db.FindNotes(ctx, s, rapport.NoteFilter{CustomerID: ceo.ID})
			_, err3 := db.FindLinks(ctx, s, target.ID)
			_, _, err4 := db.FindTimeline(ctx, s, rapport.InteractionFilter{CustomerID: target.ID})
			_, err5 := db.FindSourceRecords(ctx, s, ceo.ID)
			_, err6 := db.FindProfile(ctx, s, rapport.InteractionFilter{CustomerID: target.ID})
			for _, err := range []error{err, err2, err3, err4, err5, err6} {
				if tt.sees {
					must(t, err)
				} else {
					wantCode(t, err, rapport.ENOTFOUND)
				}
			}
			// The visible person's call for the walled organisation is there, but
			// names the organisation only to those who may see it.
			calls, _, err := db.FindInteractions(ctx, s, rapport.InteractionFilter{CustomerID: open1.ID})
			must(t, err)
			if len(calls) != 1 {
				t.Fatalf("got %d interactions of the visible person, want 1", len(calls))
			}
			call, err := db.FindInteractionByID(ctx, s, calls[0].ID)
			must(t, err)
			for _, in := range []*rapport.Interaction{calls[0], call} {
				if tt.sees != (in.OrganisationID == target.ID) || !tt.sees && !in.OrganisationID.IsZero() {
					t.Errorf("got organisation %s on the visible person's call, want the walled one's id only for those who see it", in.OrganisationID)
				}
			}
			if !tt.sees {
				// An outsider's writes cannot reach the walled customers either.
				_, err := db.UpdateCustomer(ctx, s, ceo.ID, rapport.CustomerUpdate{Language: ptr("en")})
				if rapport.ErrorCode(err) != rapport.ENOTFOUND && rapport.ErrorCode(err) != rapport.EFORBIDDEN {
					t.Errorf("got %v updating a walled customer, want not found", err)
				}
				err = db.CreateNote(ctx, s, &rapport.Note{CustomerID: ceo.ID, Body: "x", Visibility: rapport.VisibilityPrivate})
				wantCode(t, err, rapport.ENOTFOUND)
				links, err := db.FindLinks(ctx, s, open1.ID)
				must(t, err)
				if len(links) != 0 {
					t.Errorf("got links %v, want none", links)
				}
			}
		})
	}

	t.Run("OutsiderIngestCannotTouch", func(t *testing.T) {
		res, err := db.IngestInteractions(ctx, f.sales, []rapport.IncomingInteraction{
			{Interaction: rapport.Interaction{CustomerID: ceo.ID, Type: "call", Channel: "phone", OccurredAt: time.Now(), Source: "crm", SourceKey: "c-9", Summary: "Call"}},
			{Interaction: rapport.Interaction{CustomerID: open1.ID, Type: "call", Channel: "phone", OccurredAt: time.Now(), Source: "crm", SourceKey: "m-1", Summary: "Overwrite"}},
		})
		must(t, err)
		if res.Created != 0 || res.Rejected != 2 {
			t.Fatalf("got %+v, want both rows rejected: one names a walled customer, one would overwrite a walled customer's interaction", res)
		}
		for _, e := range res.Errors {
			if e.Code != rapport.ENOTFOUND {
				t.Errorf("got %+v, want not_found", e)
			}
		}
		// Named by its key in a source system, a walled customer reads as one no record
		// has, for interactions and items alike: the answer neither tells that it exists
		// nor gives its id.
		linked, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{{Source: "hr", SourceKey: "e-7",
			Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Tara", Emails: []rapport.ContactPoint{{Value: "tara@target.example"}}}}})
		must(t, err)
		if linked.Items[0].CustomerID != ceo.ID {
			t.Fatalf("got %+v, want the record linked to the walled customer by e-mail", linked)
		}
		for _, key := range []string{"e-7", "e-8"} {
			res, err := db.IngestInteractions(ctx, f.sales, []rapport.IncomingInteraction{{CustomerSource: "hr", CustomerSourceKey: key,
				Interaction: rapport.Interaction{Type: "call", Channel: "phone", OccurredAt: time.Now(), Source: "crm", SourceKey: "c-10", Summary: "Call"}}})
			must(t, err)
			items, err := db.IngestItems(ctx, f.sales, []rapport.IncomingItem{{CustomerSource: "hr", CustomerSourceKey: key,
				Item: rapport.Item{Kind: "task", Title: "Call back", Source: "desk", SourceKey: "T-1"}}})
			must(t, err)
			want := `no customer has id "` + key + `" in source "hr": send the customer first`
			for _, errs := range [][]rapport.LineError{res.Errors, items.Errors} {
				if len(errs) != 1 || errs[0].Field != "customer_source_id" || errs[0].Message != want || strings.Contains(errs[0].Message, ceo.ID.String()) {
					t.Errorf("key %s: got %+v, want %q", key, errs, want)
				}
			}
		}
		// E-mail matching must not link an outsider's record to a walled customer.
		cres, err := db.IngestCustomers(ctx, f.sales, []rapport.IncomingCustomer{{Source: "crm", SourceKey: "p-1",
			Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "T", Emails: []rapport.ContactPoint{{Value: "tara@target.example"}}}}})
		must(t, err)
		if cres.Created != 1 || cres.Items[0].CustomerID == ceo.ID {
			t.Errorf("got %+v, want a new customer, not a link to the walled one", cres)
		}
	})

	t.Run("AdminReadsAreMarked", func(t *testing.T) {
		_, err := db.FindCustomerByID(ctx, f.admin, ceo.ID)
		must(t, err)
		events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{ThroughWall: true, CustomerID: ceo.ID})
		must(t, err)
		if len(events) == 0 || events[0].UserID != f.admin.UserID {
			t.Fatalf("got %d through-wall reads, want the admin's read recorded", len(events))
		}
		events, _, err = db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{ThroughWall: true, UserID: f.deals.UserID})
		must(t, err)
		if len(events) != 0 {
			t.Errorf("got %d through-wall reads by a wall member, want 0: members are inside the wall", len(events))
		}
	})

	t.Run("CoverageFollowsLinksAndMembers", func(t *testing.T) {
		newHire := mustPerson(t, db, "Nina", "New", "")
		if _, err := db.FindCustomerByID(ctx, f.sales, newHire.ID); err != nil {
			t.Fatalf("got %v, want the new person visible before linking", err)
		}
		mustLink(t, db, newHire, targetSub, rapport.LinkWorksAt)
		_, err := db.FindCustomerByID(ctx, f.sales, newHire.ID)
		wantCode(t, err, rapport.ENOTFOUND)

		// Adding the sales team opens the wall to it; removing it closes it again.
		w, err := db.UpdateWall(ctx, f.admin, wall.ID, rapport.WallUpdate{TeamIDs: &[]rapport.ID{f.dealsTeam.ID, f.salesTeam.ID}})
		must(t, err)
		if len(w.Teams) != 2 {
			t.Fatalf("got teams %v, want 2", w.Teams)
		}
		_, err = db.FindCustomerByID(ctx, f.sales, newHire.ID)
		must(t, err)
		_, err = db.UpdateWall(ctx, f.admin, wall.ID, rapport.WallUpdate{TeamIDs: &[]rapport.ID{f.dealsTeam.ID}})
		must(t, err)

		// Unlinking a subsidiary takes it and its people out from behind the wall.
		links, err := db.FindLinks(ctx, f.admin, targetSub.ID)
		must(t, err)
		for _, l := range links {
			if l.Kind == rapport.LinkSubsidiaryOf {
				must(t, db.DeleteLink(ctx, f.admin, l.ID))
			}
		}
		for _, c := range []*rapport.Customer{targetSub, newHire} {
			if _, err := db.FindCustomerByID(ctx, f.sales, c.ID); err != nil {
				t.Errorf("%s: got %v, want visible once unlinked from the walled organisation", c.Name, err)
			}
		}

		must(t, db.DeleteWall(ctx, f.admin, wall.ID))
		_, err = db.FindCustomerByID(ctx, f.sales, ceo.ID)
		must(t, err)
	})

	t.Run("OnlyAdminsManageWalls", func(t *testing.T) {
		_, err := db.FindWalls(ctx, f.deals)
		wantCode(t, err, rapport.EFORBIDDEN)
		err = db.CreateWall(ctx, f.sales, &rapport.Wall{Name: "Mine"}, nil, nil)
		wantCode(t, err, rapport.EFORBIDDEN)
		err = db.CreateWall(ctx, f.admin, &rapport.Wall{Name: "Bad"}, []rapport.ID{rapport.NewID()}, nil)
		wantField(t, err, "team_ids")
		walls, err := db.FindWalls(ctx, f.admin)
		must(t, err)
		for _, w := range walls {
			if w.Name == "Bad" {
				t.Errorf("got wall %q stored although its team does not exist", w.Name)
			}
		}
	})
}
