package sqldbtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testProfile proves that FindProfile reads what FindCustomerByID, FindNotes, FindLinks,
// FindTimeline and FindMerges read, with the same walls and note visibility, and
// records one read.
func testProfile(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	acme := mustOrg(t, db, "Acme")
	ann := mustPerson(t, db, "Ann", "Acme", "ann@acme.example")
	mustLink(t, db, ann, acme, rapport.LinkWorksAt)
	secret := mustPerson(t, db, "Sid", "Secret", "sid@acme.example")
	mustLink(t, db, secret, acme, rapport.LinkWorksAt)
	mustWall(t, db, "Project Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	dup := mustPerson(t, db, "Anne", "Acme", "")
	_, err := db.MergeCustomers(ctx, f.sales, ann.ID, dup.ID, rapport.MergeManual, 0)
	must(t, err)
	must(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: ann.ID, Body: "Mine", Visibility: rapport.VisibilityPrivate, Pinned: true}))
	must(t, db.CreateNote(ctx, f.deals, &rapport.Note{CustomerID: ann.ID, Body: "Everyone's", Visibility: rapport.VisibilityStaff, Pinned: true}))
	must(t, db.CreateNote(ctx, f.deals, &rapport.Note{CustomerID: ann.ID, Body: "Unpinned", Visibility: rapport.VisibilityStaff}))
	_, err = db.IngestInteractions(ctx, system, []rapport.IncomingInteraction{
		{Interaction: rapport.Interaction{CustomerID: ann.ID, OrganisationID: acme.ID, Type: "call", Channel: "phone",
			OccurredAt: time.Now().Add(-time.Hour), Source: "crm", SourceKey: "c-1", Summary: "Ann called"}},
		{Interaction: rapport.Interaction{CustomerID: secret.ID, OrganisationID: acme.ID, Type: "meeting", Channel: "in_person",
			OccurredAt: time.Now().Add(-2 * time.Hour), Source: "crm", SourceKey: "m-1", Summary: "Secret meeting"}},
	})
	must(t, err)
	// Bea has a link and a merge but no notes, Cy a note alone: the page reads only
	// the sections that hold anything, and must tell them apart.
	bea, bel := mustPerson(t, db, "Bea", "Bel", ""), mustOrg(t, db, "Bel")
	mustLink(t, db, bea, bel, rapport.LinkWorksAt)
	_, err = db.MergeCustomers(ctx, f.sales, bea.ID, mustPerson(t, db, "Bee", "Bel", "").ID, rapport.MergeManual, 0)
	must(t, err)
	cy := mustPerson(t, db, "Cy", "Note", "")
	must(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: cy.ID, Body: "Prefers mornings", Visibility: rapport.VisibilityStaff, Pinned: true}))

	for _, s := range []rapport.Scope{f.sales, f.deals} {
		for _, c := range []*rapport.Customer{ann, acme, bea, cy} {
			filter := rapport.InteractionFilter{CustomerID: c.ID, Limit: 2}
			p, err := db.FindProfile(ctx, s, filter)
			must(t, err)
			cust, err := db.FindCustomerByID(ctx, s, c.ID)
			must(t, err)
			pinned, _, err := db.FindNotes(ctx, s, rapport.NoteFilter{CustomerID: c.ID, PinnedOnly: true, Limit: 10})
			must(t, err)
			links, err := db.FindLinks(ctx, s, c.ID)
			must(t, err)
			timeline, next, err := db.FindTimeline(ctx, s, filter)
			must(t, err)
			merges, err := db.FindMerges(ctx, s, c.ID)
			must(t, err)
			if p.Customer.Name != cust.Name || !eq(p.Customer.Emails, cust.Emails) || len(p.Pinned) != len(pinned) ||
				len(p.Links) != len(links) || len(p.Timeline) != len(timeline) || p.Next != next || len(p.Merges) != len(merges) {
				t.Errorf("%s: got %s with %d pinned notes, %d links, %d entries (next %q) and %d merges; want %s, %d, %d, %d (%q), %d",
					c.Name, p.Customer.Name, len(p.Pinned), len(p.Links), len(p.Timeline), p.Next, len(p.Merges),
					cust.Name, len(pinned), len(links), len(timeline), next, len(merges))
			}
			for i := range min(len(p.Timeline), len(timeline)) {
				if p.Timeline[i].At != timeline[i].At {
					t.Errorf("%s: timeline entry %d at %v, want %v", c.Name, i, p.Timeline[i].At, timeline[i].At)
				}
			}
		}
	}
	p, err := db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: acme.ID})
	must(t, err)
	if len(p.Links) != 1 || len(p.Timeline) != 1 {
		t.Errorf("got %d links and %d timeline entries of Acme for an outsider, want Ann's only", len(p.Links), len(p.Timeline))
	}
	p, err = db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: ann.ID})
	must(t, err)
	if len(p.Pinned) != 2 || len(p.Merges) != 1 {
		t.Errorf("got %d pinned notes and %d merges, want the author's 2 and 1", len(p.Pinned), len(p.Merges))
	}
	p, err = db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: bea.ID})
	must(t, err)
	if len(p.Pinned) != 0 || len(p.Links) != 1 || len(p.Merges) != 1 || len(p.Timeline) != 0 {
		t.Errorf("Bea: %d pinned notes, %d links, %d merges, %d entries; want 0, 1, 1, 0", len(p.Pinned), len(p.Links), len(p.Merges), len(p.Timeline))
	}
	p, err = db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: cy.ID})
	must(t, err)
	if len(p.Pinned) != 1 || len(p.Links) != 0 || len(p.Merges) != 0 || len(p.Timeline) != 1 {
		t.Errorf("Cy: %d pinned notes, %d links, %d merges, %d entries; want 1, 0, 0, 1", len(p.Pinned), len(p.Links), len(p.Merges), len(p.Timeline))
	}

	t.Run("Walled", func(t *testing.T) {
		_, err := db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: secret.ID})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: rapport.NewID()})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.FindProfile(ctx, f.deals, rapport.InteractionFilter{CustomerID: secret.ID})
		must(t, err)
	})

	t.Run("Merged", func(t *testing.T) {
		p, err := db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: dup.ID})
		must(t, err)
		if p.Customer.MergedInto != ann.ID || p.Timeline != nil || p.Links != nil || p.Facts.Work != nil {
			t.Errorf("got %+v, want the merged customer alone", p)
		}
	})

	// An organisation's timeline names the people who acted on its behalf: linked to
	// it or not, and only those the scope may see.
	t.Run("ActingPeople", func(t *testing.T) {
		dex := mustOrg(t, db, "Dex")
		dee, ugo, wal := mustPerson(t, db, "Dee", "Linked", ""), mustPerson(t, db, "Ugo", "Unlinked", ""), mustPerson(t, db, "Wal", "Walled", "")
		mustLink(t, db, dee, dex, rapport.LinkWorksAt)
		mustLink(t, db, wal, dex, rapport.LinkWorksAt)
		mustWall(t, db, "Project Dex", []rapport.ID{f.dealsTeam.ID}, wal)
		var rows []rapport.IncomingInteraction
		for i, who := range []*rapport.Customer{dee, ugo, wal, dex, ugo} {
			rows = append(rows, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: who.ID, OrganisationID: dex.ID, Type: "call", Channel: "phone",
				OccurredAt: time.Now().Add(-time.Duration(i+1) * time.Hour), Source: "crm", SourceKey: fmt.Sprint("dex-", i), Summary: "Call"}})
		}
		rows[3].OrganisationID = rapport.ID{} // the organisation's own
		_, err := db.IngestInteractions(ctx, system, rows)
		must(t, err)
		for _, tt := range []struct {
			scope rapport.Scope
			want  string
		}{
			{f.sales, fmt.Sprint(map[rapport.ID]string{dee.ID: dee.Name, ugo.ID: ugo.Name})},
			{f.deals, fmt.Sprint(map[rapport.ID]string{dee.ID: dee.Name, ugo.ID: ugo.Name, wal.ID: wal.Name})},
		} {
			p, err := db.FindProfile(ctx, tt.scope, rapport.InteractionFilter{CustomerID: dex.ID})
			must(t, err)
			if got := fmt.Sprint(p.People); got != tt.want || dee.Name == "" {
				t.Errorf("%s: got people %s, want %s", tt.scope.UserID, got, tt.want)
			}
		}
		p, err := db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: dee.ID})
		must(t, err)
		if p.People != nil {
			t.Errorf("got people %v on a person's profile, want none", p.People)
		}
	})

	t.Run("OneRead", func(t *testing.T) {
		_, err := db.FindProfile(ctx, f.loner, rapport.InteractionFilter{CustomerID: ann.ID})
		must(t, err)
		events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{UserID: f.loner.UserID})
		must(t, err)
		if len(events) != 1 || events[0].Action != "read" || events[0].Entity != "customer" || events[0].CustomerID != ann.ID {
			t.Errorf("got %d events, want one read of the customer", len(events))
		}
	})
}
