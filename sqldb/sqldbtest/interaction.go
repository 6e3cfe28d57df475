package sqldbtest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

func testNotes(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	c := mustPerson(t, db, "Nora", "Notes", "")
	private := &rapport.Note{CustomerID: c.ID, Body: "Her daughter starts university in Porto in September.", Visibility: rapport.VisibilityPrivate}
	must(t, db.CreateNote(ctx, f.sales, private))
	team := &rapport.Note{CustomerID: c.ID, Body: "Wants to move all sites to one contract by Q3.", Visibility: rapport.VisibilityTeam, TeamID: f.salesTeam.ID}
	must(t, db.CreateNote(ctx, f.sales, team))
	shared := &rapport.Note{CustomerID: c.ID, Body: "Prefers calls after 4pm.", Visibility: rapport.VisibilityStaff, Pinned: true}
	must(t, db.CreateNote(ctx, f.deals, shared))
	if team.TeamName != "Sales" || shared.AuthorName != "dee" {
		t.Errorf("got team %q and author %q, want Sales and dee", team.TeamName, shared.AuthorName)
	}

	for _, tt := range []struct {
		name  string
		scope rapport.Scope
		want  int
	}{
		{"Author", f.sales, 3},
		{"OtherTeam", f.deals, 1},
		{"NoTeam", f.loner, 1},
		{"AdminDoesNotReadPrivateNotes", f.admin, 1},
		{"System", system, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			notes, _, err := db.FindNotes(ctx, tt.scope, rapport.NoteFilter{CustomerID: c.ID})
			must(t, err)
			if len(notes) != tt.want {
				t.Errorf("got %d notes, want %d", len(notes), tt.want)
			}
			_, err = db.FindNoteByID(ctx, tt.scope, private.ID)
			if tt.want == 3 {
				must(t, err)
			} else {
				wantCode(t, err, rapport.ENOTFOUND)
			}
			entries, _, err := db.FindTimeline(ctx, tt.scope, rapport.InteractionFilter{CustomerID: c.ID})
			must(t, err)
			if len(entries) != tt.want {
				t.Errorf("got %d timeline entries, want %d notes", len(entries), tt.want)
			}
		})
	}

	t.Run("Validation", func(t *testing.T) {
		wantField(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: c.ID, Body: "  ", Visibility: "staff"}), "body")
		wantField(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: c.ID, Body: "x", Visibility: "team"}), "team_id")
		wantField(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: c.ID, Body: "x", Visibility: "everyone"}), "visibility")
		wantField(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: c.ID, Body: "x", Visibility: "team", TeamID: rapport.NewID()}), "team_id")
		wantCode(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: rapport.NewID(), Body: "x", Visibility: "staff"}), rapport.ENOTFOUND)
	})

	t.Run("OnlyAuthorsChange", func(t *testing.T) {
		_, err := db.UpdateNote(ctx, f.loner, shared.ID, rapport.NoteUpdate{Body: ptr("changed")})
		wantCode(t, err, rapport.EFORBIDDEN)
		_, err = db.UpdateNote(ctx, f.deals, private.ID, rapport.NoteUpdate{Body: ptr("changed")})
		wantCode(t, err, rapport.ENOTFOUND)
		n, err := db.UpdateNote(ctx, f.sales, private.ID, rapport.NoteUpdate{Visibility: ptr(rapport.VisibilityStaff)})
		must(t, err)
		if n.Visibility != rapport.VisibilityStaff {
			t.Errorf("got visibility %q, want staff", n.Visibility)
		}
		_, err = db.FindNoteByID(ctx, f.deals, private.ID)
		must(t, err)
		wantCode(t, db.DeleteNote(ctx, f.loner, private.ID), rapport.EFORBIDDEN)
		must(t, db.DeleteNote(ctx, f.sales, private.ID))
		_, err = db.FindNoteByID(ctx, f.sales, private.ID)
		wantCode(t, err, rapport.ENOTFOUND)
	})
}

func testInteractions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	c := mustPerson(t, db, "Ivo", "Interact", "")
	amount := rapport.Amount(1234500)
	in := &rapport.Interaction{CustomerID: c.ID, Type: "order", Channel: "web", OccurredAt: time.Date(2024, 5, 1, 14, 30, 0, 123456789, time.FixedZone("CEST", 7200)),
		Summary: "Order #1001", Amount: &amount, Currency: "eur", Attributes: json.RawMessage(`{"items": 3}`)}
	must(t, db.CreateInteraction(ctx, f.sales, in))
	got, err := db.FindInteractionByID(ctx, f.sales, in.ID)
	must(t, err)
	if !got.OccurredAt.Equal(time.Date(2024, 5, 1, 12, 30, 0, 123456000, time.UTC)) {
		t.Errorf("got occurred_at %v, want 2024-05-01 12:30:00.123456 UTC (microseconds kept)", got.OccurredAt)
	}
	if got.Amount == nil || *got.Amount != amount || got.Currency != "EUR" {
		t.Errorf("got amount %v %s, want 123.45 EUR", got.Amount, got.Currency)
	}
	if got.ActorKind != rapport.ActorStaff || got.ActorID != f.sales.UserID.String() {
		t.Errorf("got actor %s %s, want the staff user who logged it", got.ActorKind, got.ActorID)
	}

	for _, tt := range []struct {
		name  string
		in    rapport.Interaction
		field string
	}{
		{"NoType", rapport.Interaction{CustomerID: c.ID, Channel: "web", OccurredAt: time.Now(), Summary: "x"}, "type"},
		{"BadChannel", rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "pigeon", OccurredAt: time.Now(), Summary: "x"}, "channel"},
		{"NoTime", rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", Summary: "x"}, "occurred_at"},
		{"FarFuture", rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: time.Now().AddDate(5, 0, 0), Summary: "x"}, "occurred_at"},
		{"AmountWithoutCurrency", rapport.Interaction{CustomerID: c.ID, Type: "order", Channel: "web", OccurredAt: time.Now(), Summary: "x", Amount: &amount}, "currency"},
		{"NoSummary", rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: time.Now()}, "summary"},
		{"PersonAsOrganisation", rapport.Interaction{CustomerID: c.ID, OrganisationID: c.ID, Type: "call", Channel: "phone", OccurredAt: time.Now(), Summary: "x"}, "organisation_id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			wantField(t, db.CreateInteraction(ctx, f.sales, &in), tt.field)
		})
	}
	wantCode(t, db.CreateInteraction(ctx, f.loner, &rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: time.Now(), Summary: "x"}), rapport.EFORBIDDEN)
}

func testIngestInteractions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	c := mustPerson(t, db, "Bulk", "Buyer", "bulk@example.com")
	cres, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{{Source: "billing", SourceKey: "C-1", Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bulk", Emails: []rapport.ContactPoint{{Value: "BULK@example.com"}}}}})
	must(t, err)
	if cres.Items[0].Result != "linked" || cres.Items[0].CustomerID != c.ID {
		t.Fatalf("got %+v, want the billing record linked to the customer by e-mail", cres.Items)
	}

	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []rapport.IncomingInteraction
	for i := 0; i < 1200; i++ { // more than one INSERT's worth
		r := rapport.IncomingInteraction{Interaction: rapport.Interaction{Type: "transaction", Channel: "web",
			OccurredAt: base.Add(time.Duration(i) * time.Hour), Source: "billing", SourceKey: atf("T-%d", i), Summary: atf("Invoice %d", i)}}
		if i%2 == 0 {
			r.CustomerID = c.ID
		} else {
			r.CustomerSource, r.CustomerSourceKey = "billing", "C-1"
		}
		rows = append(rows, r)
	}
	rows = append(rows,
		rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: c.ID, Type: "teleport", Channel: "web", OccurredAt: base, Source: "billing", SourceKey: "bad-1", Summary: "x"}},
		rapport.IncomingInteraction{Interaction: rapport.Interaction{Type: "call", Channel: "phone", OccurredAt: base, Source: "billing", SourceKey: "bad-2", Summary: "x"}, CustomerSource: "billing", CustomerSourceKey: "C-404"},
		rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: base, Summary: "no key"}},
		rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: rapport.NewID(), Type: "call", Channel: "phone", OccurredAt: base, Source: "billing", SourceKey: "bad-4", Summary: "x"}},
	)
	res, err := db.IngestInteractions(ctx, f.sales, rows)
	must(t, err)
	if res.Received != 1204 || res.Created != 1200 || res.Updated != 0 || res.Rejected != 4 {
		t.Fatalf("got %+v, want 1204 received, 1200 created, 4 rejected", res)
	}
	wantErrors := []struct {
		line  int
		field string
	}{{1201, "type"}, {1202, "customer_source_id"}, {1203, "source"}, {1204, "customer_id"}} // 1203 has neither source nor source_id
	for i, w := range wantErrors {
		if e := res.Errors[i]; e.Line != w.line || e.Field != w.field || e.Message == "" {
			t.Errorf("got error %+v, want line %d about %s with a message", e, w.line, w.field)
		}
	}

	// A retry changes nothing; a correction updates in place.
	rows[0].Summary = "Invoice 0 (corrected)"
	res, err = db.IngestInteractions(ctx, f.sales, rows[:1200])
	must(t, err)
	if res.Created != 0 || res.Updated != 1 || res.Unchanged != 1199 {
		t.Fatalf("got %+v on retry, want 0 created, 1 updated and 1199 unchanged", res)
	}
	var all []*rapport.Interaction
	cursor := ""
	for {
		page, next, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: c.ID, Limit: 500, Cursor: cursor})
		must(t, err)
		all = append(all, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 1200 {
		t.Fatalf("got %d interactions after two ingests, want 1200: a retry must not duplicate", len(all))
	}
	for i := 1; i < len(all); i++ {
		if !all[i].OccurredAt.Before(all[i-1].OccurredAt) {
			t.Fatalf("timeline not newest first at %d: %v then %v", i, all[i-1].OccurredAt, all[i].OccurredAt)
		}
	}
	if last := all[len(all)-1]; last.Summary != "Invoice 0 (corrected)" || last.Source != "billing" || last.SourceKey != "T-0" {
		t.Errorf("got oldest %q from %s/%s, want the corrected Invoice 0 from billing/T-0", last.Summary, last.Source, last.SourceKey)
	}

	t.Run("DuplicateKeysInOneBatch", func(t *testing.T) {
		dup := []rapport.IncomingInteraction{
			{Interaction: rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: base, Source: "pbx", SourceKey: "D-1", Summary: "first"}},
			{Interaction: rapport.Interaction{CustomerID: c.ID, Type: "call", Channel: "phone", OccurredAt: base, Source: "pbx", SourceKey: "D-1", Summary: "second"}},
		}
		res, err := db.IngestInteractions(ctx, f.sales, dup)
		must(t, err)
		if res.Created != 1 || res.Updated != 1 {
			t.Errorf("got %+v, want the second row to update the first", res)
		}
		page, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: c.ID, Sources: []string{"pbx"}})
		must(t, err)
		if len(page) != 1 || page[0].Summary != "second" {
			t.Errorf("got %d pbx interactions, want 1 saying second", len(page))
		}
	})

	t.Run("Filters", func(t *testing.T) {
		for _, tt := range []struct {
			name   string
			filter rapport.InteractionFilter
			want   int
		}{
			{"Type", rapport.InteractionFilter{CustomerID: c.ID, Types: []rapport.InteractionType{"call"}}, 1},
			{"Channel", rapport.InteractionFilter{CustomerID: c.ID, Channels: []rapport.Channel{"web"}, Limit: 500}, 500},
			{"Source", rapport.InteractionFilter{CustomerID: c.ID, Sources: []string{"nowhere"}}, 0},
		} {
			t.Run(tt.name, func(t *testing.T) {
				page, _, err := db.FindInteractions(ctx, f.sales, tt.filter)
				must(t, err)
				if len(page) != tt.want {
					t.Errorf("got %d, want %d", len(page), tt.want)
				}
			})
		}
	})
}

func testIngestCustomers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	rec := func(key, given, family, email string) rapport.IncomingCustomer {
		r := rapport.IncomingCustomer{Source: "shop", SourceKey: key, Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: given, FamilyName: family},
			Raw: json.RawMessage(atf(`{"source":"shop","source_id":%q,"given_name":%q}`, key, given))}
		if email != "" {
			r.Emails = []rapport.ContactPoint{{Value: email}}
		}
		return r
	}
	res, err := db.IngestCustomers(ctx, f.sales, []rapport.IncomingCustomer{
		rec("S-1", "Ada", "Lovelace", "ada@example.com"),
		rec("S-2", "Charles", "Babbage", "cb@example.com"),
		rec("S-3", "A.", "Lovelace", "ADA@example.com"), // same e-mail: the same customer
		{Source: "shop", SourceKey: "S-4", Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bad", Emails: []rapport.ContactPoint{{Value: "nope"}}}},
		{Source: "Shop!", SourceKey: "S-5", Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bad"}},
		rec("S-2", "Chas", "Babbage", "cb@example.com"), // S-2 again: the record created above, updated
	})
	must(t, err)
	if res.Created != 2 || res.Linked != 1 || res.Updated != 1 || res.Rejected != 2 {
		t.Fatalf("got %+v, want 2 created, 1 linked, 1 updated, 2 rejected", res)
	}
	if res.Errors[0].Line != 4 || res.Errors[0].Field != "emails[0]" || res.Errors[1].Line != 5 || res.Errors[1].Field != "source" {
		t.Errorf("got errors %+v, want line 4 about emails[0] and line 5 about source", res.Errors)
	}
	ada := res.Items[0].CustomerID
	if res.Items[2].CustomerID != ada || res.Items[2].Result != "linked" {
		t.Errorf("got %+v, want S-3 linked to Ada", res.Items[2])
	}
	charles := res.Items[1].CustomerID
	if res.Items[3].CustomerID != charles || res.Items[3].Result != "updated" {
		t.Errorf("got %+v, want the second S-2 to update Charles", res.Items[3])
	}
	recs, err := db.FindSourceRecords(ctx, f.sales, charles)
	must(t, err)
	if len(recs) != 1 || !strings.Contains(string(recs[0].Fields), `"Chas"`) {
		t.Errorf("got Charles's records %+v, want S-2 once, as last sent", recs)
	}

	// Sending S-1 again with a new phone updates the same customer.
	again := rec("S-1", "Ada", "King", "ada@example.com")
	again.Phones = []rapport.ContactPoint{{Value: "+44 1234 567890"}}
	res, err = db.IngestCustomers(ctx, f.sales, []rapport.IncomingCustomer{again})
	must(t, err)
	if res.Created != 0 || res.Items[0].Result != "updated" || res.Items[0].CustomerID != ada {
		t.Fatalf("got %+v, want S-1 to update Ada", res)
	}
	c, err := db.FindCustomerByID(ctx, f.sales, ada)
	must(t, err)
	if c.Name != "Ada King" || c.PrimaryPhone() != "+44 1234 567890" || len(c.Emails) != 1 {
		t.Errorf("got %q %v %v, want Ada King with the new phone and one e-mail", c.Name, c.Phones, c.Emails)
	}
	recs, err = db.FindSourceRecords(ctx, f.sales, ada)
	must(t, err)
	if len(recs) != 2 || recs[0].SourceKey != "S-1" || recs[1].SourceKey != "S-3" {
		t.Fatalf("got %d source records, want S-1 and S-3", len(recs))
	}
	var fields map[string]any
	must(t, json.Unmarshal(recs[0].Fields, &fields))
	if fields["given_name"] != "Ada" {
		t.Errorf("got fields %s, want the record as received", recs[0].Fields)
	}
	n, err := db.CountCustomers(ctx, f.sales, rapport.CustomerFilter{})
	must(t, err)
	if n != 2 {
		t.Errorf("got %d customers, want 2", n)
	}
}

func testTimeline(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	org := mustOrg(t, db, "Timeline Corp")
	p := mustPerson(t, db, "Tim", "Line", "")
	hidden := mustPerson(t, db, "Hid", "Den", "")
	mustLink(t, db, p, org, rapport.LinkWorksAt)
	mustWall(t, db, "Hidden", []rapport.ID{f.dealsTeam.ID}, hidden)

	base := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	var rows []rapport.IncomingInteraction
	for i := 0; i < 30; i++ {
		who := org.ID
		switch i % 3 {
		case 1:
			who = p.ID
		case 2:
			who = hidden.ID
		}
		rows = append(rows, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: who, OrganisationID: org.ID,
			Type: "meeting", Channel: "in_person", OccurredAt: base.Add(time.Duration(i) * time.Hour), Source: "crm", SourceKey: atf("M-%d", i), Summary: atf("Meeting %d", i)}})
	}
	res, err := db.IngestInteractions(ctx, system, rows)
	must(t, err)
	if res.Created != 30 {
		t.Fatalf("got %+v, want 30 created", res)
	}
	must(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: org.ID, Body: "Org note", Visibility: rapport.VisibilityStaff}))

	collect := func(s rapport.Scope, filter rapport.InteractionFilter) []rapport.TimelineEntry {
		var out []rapport.TimelineEntry
		filter.CustomerID, filter.Limit = org.ID, 7
		for pages := 0; pages < 20; pages++ {
			page, next, err := db.FindTimeline(ctx, s, filter)
			must(t, err)
			out = append(out, page...)
			if next == "" {
				return out
			}
			filter.Cursor = next
		}
		t.Fatal("paging does not end")
		return nil
	}
	// The organisation's own 10, its visible person's 10, and the note; the hidden
	// person's 10 are left out for someone outside their wall.
	all := collect(f.sales, rapport.InteractionFilter{})
	if len(all) != 21 {
		t.Fatalf("got %d entries, want 21", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].At.After(all[i-1].At) {
			t.Fatalf("entries out of order at %d", i)
		}
	}
	if got := collect(f.deals, rapport.InteractionFilter{}); len(got) != 31 {
		t.Errorf("got %d entries for the wall team, want 31", len(got))
	}
	if got := collect(f.sales, rapport.InteractionFilter{Types: []rapport.InteractionType{rapport.TypeNote}}); len(got) != 1 || got[0].Note == nil {
		t.Errorf("got %d entries filtering notes, want the 1 note", len(got))
	}
	if got := collect(f.sales, rapport.InteractionFilter{Channels: []rapport.Channel{"in_person"}}); len(got) != 20 {
		t.Errorf("got %d entries filtering a channel, want 20 interactions and no note", len(got))
	}
}
