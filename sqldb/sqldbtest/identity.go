package sqldbtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// customerState is everything Rapport holds about a customer, as JSON, with the
// version and update time left out: they record that a change happened, not what.
func customerState(t *testing.T, db *sqldb.DB, s rapport.Scope, id rapport.ID) string {
	t.Helper()
	c, err := db.FindCustomerByID(ctx, s, id)
	must(t, err)
	c.Version, c.UpdatedAt = 0, time.Time{}
	interactions, _, err := db.FindInteractions(ctx, s, rapport.InteractionFilter{CustomerID: id, Limit: 500})
	must(t, err)
	notes, _, err := db.FindNotes(ctx, s, rapport.NoteFilter{CustomerID: id})
	must(t, err)
	links, err := db.FindLinks(ctx, s, id)
	must(t, err)
	records, err := db.FindSourceRecords(ctx, s, id)
	must(t, err)
	b, err := json.MarshalIndent(map[string]any{"profile": c, "interactions": interactions, "notes": notes, "links": links, "records": records}, "", " ")
	must(t, err)
	return string(b)
}

func testMergeUnmerge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	org := mustOrg(t, db, "Quinta do Vale")
	other := mustOrg(t, db, "Other Lda")
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	_, err := db.UpdateCustomer(ctx, system, ana.ID, rapport.CustomerUpdate{Tags: &[]string{"vip"}, Attributes: ptr(json.RawMessage(`{"tier":"gold"}`))})
	must(t, err)
	res, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{{Source: "shop", SourceKey: "S-9", Customer: rapport.Customer{
		Kind: rapport.KindPerson, GivenName: "Ana Maria", FamilyName: "Silva", Language: "pt",
		Emails:     []rapport.ContactPoint{{Value: "anamaria@example.pt"}},
		Phones:     []rapport.ContactPoint{{Value: "+351 912 345 678"}},
		Addresses:  []rapport.Address{{Street: "Rua Nova 1", City: "Porto", Country: "PT"}},
		Tags:       []string{"newsletter"},
		Attributes: json.RawMessage(`{"tier":"silver","shoe_size":38}`)}}})
	must(t, err)
	dup := res.Items[0].CustomerID
	mustLink(t, db, &rapport.Customer{ID: dup}, org, "works_at")
	mustLink(t, db, ana, other, "works_at")
	must(t, db.CreateNote(ctx, f.sales, &rapport.Note{CustomerID: dup, Visibility: rapport.VisibilityStaff, Body: "Prefers calls after six."}))
	day := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, id := range []rapport.ID{ana.ID, dup, dup} {
		must(t, db.CreateInteraction(ctx, system, &rapport.Interaction{CustomerID: id, Type: "call", Channel: "phone",
			OccurredAt: day.Add(time.Duration(i) * time.Hour), Summary: atf("Call %d", i)}))
	}
	before := map[rapport.ID]string{}
	for _, id := range []rapport.ID{ana.ID, dup, org.ID} {
		before[id] = customerState(t, db, f.sales, id)
	}

	m, err := db.MergeCustomers(ctx, f.sales, ana.ID, dup, rapport.MergeManual, 0)
	must(t, err)
	merged, err := db.FindCustomerByID(ctx, f.sales, ana.ID)
	must(t, err)
	// The merge is answered as the list of merges shows it: with both names, the merged
	// record's first e-mail address and who merged.
	if m.TargetName != merged.Name || m.MergedName == "" || m.MergedEmail == "" || m.UserName == "" {
		t.Errorf("merge answered as %+v, want the target's name %q, the merged record's name and e-mail, and the user's name", m, merged.Name)
	}
	// The golden fields come from the most recent record (the default rule): the shop's.
	if merged.Name != "Ana Maria Silva" || merged.Language != "pt" || len(merged.Emails) != 2 || merged.PrimaryEmail() != "anamaria@example.pt" ||
		len(merged.Phones) != 1 || len(merged.Addresses) != 1 || !eq(merged.Tags, []string{"newsletter", "vip"}) {
		t.Errorf("merged profile: got %s %q %v %v %v %v, want the shop's name, language and e-mail first, both e-mails, the phone, address and tags",
			merged.Name, merged.Language, merged.Emails, merged.Phones, merged.Addresses, merged.Tags)
	}
	var attrs map[string]any
	must(t, json.Unmarshal(merged.Attributes, &attrs))
	if attrs["tier"] != "gold" || attrs["shoe_size"] != float64(38) {
		t.Errorf("merged attributes: got %v, want the target's tier and the other's shoe size", attrs)
	}
	gone, err := db.FindCustomerByID(ctx, f.sales, dup)
	must(t, err)
	if gone.MergedInto != ana.ID {
		t.Errorf("got merged_into %v, want %v", gone.MergedInto, ana.ID)
	}
	list, _, err := db.FindCustomers(ctx, f.sales, rapport.CustomerFilter{Kind: rapport.KindPerson})
	must(t, err)
	if !eq(names(list), []string{"Ana Maria Silva"}) {
		t.Errorf("got people %v, want only the merged profile", names(list))
	}
	interactions, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	notes, _, err := db.FindNotes(ctx, f.sales, rapport.NoteFilter{CustomerID: ana.ID})
	must(t, err)
	links, err := db.FindLinks(ctx, f.sales, ana.ID)
	must(t, err)
	records, err := db.FindSourceRecords(ctx, f.sales, ana.ID)
	must(t, err)
	// The records: the shop's, and what staff entered for Ana.
	if len(interactions) != 3 || len(notes) != 1 || len(links) != 2 || len(records) != 2 {
		t.Errorf("got %d interactions, %d notes, %d links, %d source records on the merged profile, want 3, 1, 2, 2",
			len(interactions), len(notes), len(links), len(records))
	}
	merges, err := db.FindMerges(ctx, f.sales, ana.ID)
	must(t, err)
	if len(merges) != 1 || merges[0].ID != m.ID || merges[0].MergedName != "Ana Maria Silva" || merges[0].UserName != "sam" {
		t.Errorf("got merges %+v, want the one just made by sam", merges)
	}
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, dup, rapport.MergeManual, 0)
	wantCode(t, err, rapport.ECONFLICT)
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, ana.ID, rapport.MergeManual, 0)
	wantField(t, err, "merged_id")
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, org.ID, rapport.MergeManual, 0)
	wantField(t, err, "merged_id")
	_, err = db.MergeCustomers(ctx, f.loner, org.ID, other.ID, rapport.MergeManual, 0)
	wantCode(t, err, rapport.EFORBIDDEN)

	// Unmerge restores both customers and the organisation exactly.
	_, err = db.UnmergeCustomer(ctx, f.sales, dup)
	must(t, err)
	for id, want := range before {
		if got := customerState(t, db, f.sales, id); got != want {
			t.Errorf("customer %v after merge and unmerge:\n%s\nwant\n%s", id, got, want)
		}
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, dup)
	wantCode(t, err, rapport.ECONFLICT)
	merges, err = db.FindMerges(ctx, f.sales, ana.ID)
	must(t, err)
	if len(merges) != 1 || merges[0].UndoneAt == nil {
		t.Errorf("got merges %+v, want the merge marked undone", merges)
	}

	// An edit made while merged survives the unmerge; what the merge brought goes.
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, dup, rapport.MergeManual, 0)
	must(t, err)
	_, err = db.UpdateCustomer(ctx, f.sales, ana.ID, rapport.CustomerUpdate{Language: ptr("en"), Tags: &[]string{"newsletter", "vip", "golf"}})
	must(t, err)
	// A record that arrives for the merged customer's source lands on the merged profile,
	// and goes back with it.
	_, err = db.IngestInteractions(ctx, system, []rapport.IncomingInteraction{{Interaction: rapport.Interaction{Type: "order", Channel: "web",
		OccurredAt: day, Source: "shop", SourceKey: "O-1", Summary: "Order"}, CustomerSource: "shop", CustomerSourceKey: "S-9"}})
	must(t, err)
	orders, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID, Types: []rapport.InteractionType{"order"}})
	must(t, err)
	if len(orders) != 1 {
		t.Errorf("got %d orders on the merged profile, want the one sent for the merged customer's record", len(orders))
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, dup)
	must(t, err)
	back, err := db.FindCustomerByID(ctx, f.sales, ana.ID)
	must(t, err)
	if back.Language != "en" || !eq(back.Tags, []string{"golf", "vip"}) || len(back.Emails) != 1 {
		t.Errorf("got language %q, tags %v, e-mails %v, want the edit kept and the merged customer's tag and e-mail gone", back.Language, back.Tags, back.Emails)
	}
	orders, _, err = db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: dup, Types: []rapport.InteractionType{"order"}})
	must(t, err)
	if len(orders) != 1 {
		t.Errorf("got %d orders on the unmerged customer, want the one recorded for it while merged", len(orders))
	}

	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID})
	must(t, err)
	actions := map[string]int{}
	for _, e := range events {
		actions[e.Action]++
	}
	if actions["merge"] != 2 || actions["unmerge"] != 2 {
		t.Errorf("got audit actions %v, want 2 merges and 2 unmerges", actions)
	}
}

// testMergeOrganisations: what people did on an organisation's behalf follows the
// organisation through merges, and goes back with it when a merge is undone.
func testMergeOrganisations(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	target, merged, earlier := mustOrg(t, db, "Vale Limitada"), mustOrg(t, db, "Vale Lda"), mustOrg(t, db, "Vale")
	rui := mustPerson(t, db, "Rui", "Costa", "rui@example.pt")
	day := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i, org := range []*rapport.Customer{target, merged, earlier} {
		must(t, db.CreateInteraction(ctx, system, &rapport.Interaction{CustomerID: rui.ID, OrganisationID: org.ID, Type: "order",
			Channel: "phone", OccurredAt: day.Add(time.Duration(i) * time.Hour), Summary: "Order for " + org.Name}))
	}
	timeline := func(org *rapport.Customer) []string {
		t.Helper()
		page, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: org.ID})
		must(t, err)
		var got []string
		for _, in := range page {
			got = append(got, in.Summary+" ("+map[rapport.ID]string{target.ID: "target", merged.ID: "merged", earlier.ID: "earlier"}[in.OrganisationID]+")")
		}
		return got
	}
	_, err := db.MergeCustomers(ctx, f.sales, merged.ID, earlier.ID, rapport.MergeManual, 0)
	must(t, err)
	_, err = db.MergeCustomers(ctx, f.sales, target.ID, merged.ID, rapport.MergeManual, 0)
	must(t, err)
	if got, want := timeline(target), []string{"Order for Vale (target)", "Order for Vale Lda (target)", "Order for Vale Limitada (target)"}; !eq(got, want) {
		t.Errorf("the merged organisation's timeline: got %q, want %q", got, want)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, merged.ID)
	must(t, err)
	if got, want := timeline(target), []string{"Order for Vale Limitada (target)"}; !eq(got, want) {
		t.Errorf("after the unmerge: got %q, want %q", got, want)
	}
	if got, want := timeline(merged), []string{"Order for Vale (merged)", "Order for Vale Lda (merged)"}; !eq(got, want) {
		t.Errorf("the unmerged organisation, with the one merged into it before: got %q, want %q", got, want)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, earlier.ID)
	must(t, err)
	if got, want := timeline(earlier), []string{"Order for Vale (earlier)"}; !eq(got, want) {
		t.Errorf("the first merge undone: got %q, want %q", got, want)
	}
}

func testMergeWalls(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	open1 := mustPerson(t, db, "Olga", "Open", "olga@example.com")
	secret := mustPerson(t, db, "Olga", "Open", "olga.open@falcon.example")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	// An outsider cannot merge what they cannot see.
	_, err := db.MergeCustomers(ctx, f.sales, open1.ID, secret.ID, rapport.MergeManual, 0)
	wantCode(t, err, rapport.ENOTFOUND)
	// Merged by an insider, the walled customer takes its wall to the merged profile.
	_, err = db.MergeCustomers(ctx, f.deals, open1.ID, secret.ID, rapport.MergeManual, 0)
	must(t, err)
	_, err = db.FindCustomerByID(ctx, f.sales, open1.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.UnmergeCustomer(ctx, f.sales, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.UnmergeCustomer(ctx, f.deals, secret.ID)
	must(t, err)
	_, err = db.FindCustomerByID(ctx, f.sales, open1.ID)
	must(t, err)

	// A record merged into a walled customer is behind the wall too: to an outsider it
	// does not exist (reading it would name the customer it went into), so they can
	// neither change nor delete it and what it brought to the walled customer.
	stub := mustPerson(t, db, "Xavi", "Stub", "xavi@example.com")
	walled := mustPerson(t, db, "Wanda", "Wall", "wanda@falcon.example")
	mustWall(t, db, "Falcon deals", []rapport.ID{f.dealsTeam.ID}, walled)
	_, err = db.MergeCustomers(ctx, f.deals, walled.ID, stub.ID, rapport.MergeManual, 0)
	must(t, err)
	outsider := scopeOf(mustUser(t, db, "max@example.com", rapport.RoleManager, f.salesTeam.ID))
	insider := scopeOf(mustUser(t, db, "ines@example.com", rapport.RoleManager, f.dealsTeam.ID))
	_, err = db.FindCustomerByID(ctx, outsider, stub.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	rename := "Renamed"
	_, err = db.UpdateCustomer(ctx, outsider, stub.ID, rapport.CustomerUpdate{GivenName: &rename})
	wantCode(t, err, rapport.ENOTFOUND)
	wantCode(t, db.DeleteCustomer(ctx, outsider, stub.ID), rapport.ENOTFOUND)
	// Nobody changes or deletes a merged record: it is part of the customer now.
	_, err = db.UpdateCustomer(ctx, insider, stub.ID, rapport.CustomerUpdate{GivenName: &rename})
	wantCode(t, err, rapport.ECONFLICT)
	wantCode(t, db.DeleteCustomer(ctx, insider, stub.ID), rapport.ECONFLICT)
	if got, err := db.FindCustomerByID(ctx, insider, stub.ID); err != nil || got.GivenName != "Xavi" || got.MergedInto != walled.ID {
		t.Errorf("after the refused changes the merged record is %+v (%v), want it as it was, merged into the walled customer", got, err)
	}
	if merges, err := db.FindMerges(ctx, insider, walled.ID); err != nil || len(merges) != 1 {
		t.Errorf("the walled customer holds %d merges (%v), want the one still there", len(merges), err)
	}
	// What the merged record held is the customer's now: asked for it, an insider is
	// told where it went, an outsider only that there is no such customer.
	_, _, err = db.FindInteractions(ctx, insider, rapport.InteractionFilter{CustomerID: stub.ID})
	wantCode(t, err, rapport.ENOTFOUND)
	if msg := err.Error(); !strings.Contains(msg, "Xavi Stub was merged into customer "+walled.ID.String()) {
		t.Errorf("an insider reading the merged record's interactions was told %q, want where it went", msg)
	}
	_, _, err = db.FindInteractions(ctx, outsider, rapport.InteractionFilter{CustomerID: stub.ID})
	if msg := err.Error(); rapport.ErrorCode(err) != rapport.ENOTFOUND || strings.Contains(msg, "merged") || strings.Contains(msg, walled.ID.String()) {
		t.Errorf("an outsider reading the merged record's interactions was told %q, want only that there is no such customer", msg)
	}
}

// testDecideAtOnce: a match accepted and rejected at the same moment is decided once,
// and the customers are merged exactly when it ends accepted.
func testDecideAtOnce(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	for i := range 10 {
		a := mustPerson(t, db, "Ana", fmt.Sprint("Twin ", i), fmt.Sprintf("ana.%d@example.com", i))
		b := mustPerson(t, db, "Ana", fmt.Sprint("Twin ", i), fmt.Sprintf("ana.twin.%d@example.com", i))
		_, err := db.ProposeMatches(ctx, system, []rapport.ScoredPair{{LeftID: a.ID, RightID: b.ID, Probability: 0.9, Weight: 3}})
		must(t, err)
		queue, _, err := db.FindMatchCandidates(ctx, f.admin, rapport.MatchFilter{})
		must(t, err)
		if len(queue) != 1 {
			t.Fatalf("%d pairs to review, want 1", len(queue))
		}
		errs := atOnce(2, func(i int) error { // accept, reject
			_, err := db.DecideMatch(ctx, f.admin, queue[0].ID, i == 0)
			return err
		})
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("accept: %v, reject: %v; want one decision and one conflict", errs[0], errs[1])
		}
		got, err := db.FindMatchCandidate(ctx, f.admin, queue[0].ID)
		must(t, err)
		merged, err := db.FindMerges(ctx, f.admin, a.ID)
		must(t, err)
		if (got.Status == rapport.MatchAccepted) != (len(merged) == 1) || (got.Status == rapport.MatchAccepted) != (errs[0] == nil) {
			t.Fatalf("the match ends %s with %d merges (accept: %v)", got.Status, len(merged), errs[0])
		}
	}
}

// testMergeAtOnce: merges of the same customers made at the same moment never leave a
// customer merged into itself or into a record that is merged in turn.
func testMergeAtOnce(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	for i := range 10 {
		a := mustPerson(t, db, "Ana", fmt.Sprint("Cross ", i), "")
		b := mustPerson(t, db, "Ana", fmt.Sprint("Cross ", i), "")
		d := mustPerson(t, db, "Ana", fmt.Sprint("Cross ", i), "")
		for _, pairs := range [][2][2]rapport.ID{{{a.ID, b.ID}, {b.ID, a.ID}}, {{d.ID, b.ID}, {b.ID, a.ID}}} {
			errs := atOnce(2, func(i int) error {
				_, err := db.MergeCustomers(ctx, f.admin, pairs[i][0], pairs[i][1], rapport.MergeManual, 0)
				return err
			})
			for _, err := range errs {
				if err != nil && rapport.ErrorCode(err) != rapport.ECONFLICT {
					t.Fatalf("a merge made at the same moment as another: %v, want success or a conflict", err)
				}
			}
			for _, id := range []rapport.ID{a.ID, b.ID, d.ID} {
				c, err := db.FindCustomerByID(ctx, f.admin, id)
				must(t, err)
				if c.MergedInto == c.ID {
					t.Fatalf("%v is merged into itself", id)
				}
				if !c.MergedInto.IsZero() {
					into, err := db.FindCustomerByID(ctx, f.admin, c.MergedInto)
					must(t, err)
					if !into.MergedInto.IsZero() {
						t.Fatalf("%v is merged into %v, which is merged into %v", id, into.ID, into.MergedInto)
					}
				}
			}
		}
	}
}

func testMatchReview(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	a := mustPerson(t, db, "Rui", "Costa", "rui@example.com")
	b := mustPerson(t, db, "Rui", "Costa", "rui.costa@example.com")
	c := mustPerson(t, db, "Rui", "Kosta", "")
	walled := mustPerson(t, db, "Rui", "Costa", "rc@falcon.example")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, walled)
	explain := []rapport.MatchField{{Field: "family_name", Left: "costa", Right: "costa", Level: "exact", Weight: 8.5}}
	pairs := []rapport.ScoredPair{
		{LeftID: b.ID, RightID: a.ID, Probability: 0.9, Weight: 3.2, Explanation: explain},
		{LeftID: a.ID, RightID: c.ID, Probability: 0.7, Weight: 1.2, Explanation: explain},
		{LeftID: a.ID, RightID: walled.ID, Probability: 0.95, Weight: 4.2, Explanation: explain},
	}
	n, err := db.ProposeMatches(ctx, system, pairs)
	must(t, err)
	if n != 3 {
		t.Fatalf("proposed %d, want 3", n)
	}
	_, err = db.ProposeMatches(ctx, f.sales, pairs)
	wantCode(t, err, rapport.EFORBIDDEN)

	// The walled customer is never a candidate to an outsider.
	got, _, err := db.FindMatchCandidates(ctx, f.sales, rapport.MatchFilter{})
	must(t, err)
	if len(got) != 2 || got[0].Probability != 0.9 || got[1].Probability != 0.7 {
		t.Fatalf("sales sees %d candidates, want the 2 without the walled customer, most likely first", len(got))
	}
	if got[0].Left == nil || got[0].Right == nil || got[0].Explanation[0].Weight != 8.5 {
		t.Errorf("got %+v, want both customers and the explanation", got[0])
	}
	inside, _, err := db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{})
	must(t, err)
	if len(inside) != 3 || inside[0].Probability != 0.95 {
		t.Fatalf("deals sees %d candidates, want all 3", len(inside))
	}
	_, err = db.FindMatchCandidate(ctx, f.sales, inside[0].ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.DecideMatch(ctx, f.sales, inside[0].ID, true)
	wantCode(t, err, rapport.ENOTFOUND)
	page1, next, err := db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{Limit: 2})
	must(t, err)
	page2, _, err := db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{Limit: 2, Cursor: next})
	must(t, err)
	for _, bad := range []string{"!!", "bm90IGEgY3Vyc29y"} { // not base64; base64 of no cursor
		_, _, err = db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{Cursor: bad})
		wantField(t, err, "cursor")
	}
	_, _, err = db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{Status: "maybe"})
	wantField(t, err, "status")
	if len(page1) != 2 || len(page2) != 1 || page2[0].ID != inside[2].ID {
		t.Errorf("got pages of %d and %d, want 2 and the last 1", len(page1), len(page2))
	}

	// Reject one, accept the other: the older customer survives the merge.
	_, err = db.DecideMatch(ctx, f.loner, got[1].ID, false)
	wantCode(t, err, rapport.EFORBIDDEN)
	rejected, err := db.DecideMatch(ctx, f.sales, got[1].ID, false)
	must(t, err)
	if rejected.Status != rapport.MatchRejected || rejected.DecidedAt == nil {
		t.Errorf("got %+v, want rejected", rejected)
	}
	accepted, err := db.DecideMatch(ctx, f.sales, got[0].ID, true)
	must(t, err)
	if accepted.Status != rapport.MatchAccepted {
		t.Errorf("got status %s, want accepted", accepted.Status)
	}
	_, err = db.DecideMatch(ctx, f.sales, got[0].ID, false)
	wantCode(t, err, rapport.ECONFLICT)
	survivor, err := db.FindCustomerByID(ctx, f.sales, b.ID)
	must(t, err)
	if survivor.MergedInto != a.ID {
		t.Errorf("b merged into %v, want into the older a %v", survivor.MergedInto, a.ID)
	}
	merges, err := db.FindMerges(ctx, f.sales, a.ID)
	must(t, err)
	if len(merges) != 1 || merges[0].Reason != rapport.MergeReviewed || merges[0].Probability != 0.9 {
		t.Errorf("got merges %+v, want one reviewed merge at 0.9", merges)
	}

	// Decisions are kept when resolution runs again; stale proposals are withdrawn.
	decided, err := db.DecidedPairs(ctx, system)
	must(t, err)
	if same, ok := decided[rapport.OrderedPair(c.ID, a.ID)]; !ok || same || !decided[rapport.OrderedPair(a.ID, b.ID)] || len(decided) != 2 {
		t.Errorf("got decided pairs %v, want a–b accepted and a–c rejected", decided)
	}
	_, err = db.ProposeMatches(ctx, system, pairs[1:2])
	must(t, err)
	pending, _, err := db.FindMatchCandidates(ctx, f.deals, rapport.MatchFilter{})
	must(t, err)
	if len(pending) != 0 {
		t.Errorf("got %d pending after proposing a rejected pair again, want 0 (the walled pair withdrawn, a–c still rejected)", len(pending))
	}
	done, _, err := db.FindMatchCandidates(ctx, f.sales, rapport.MatchFilter{Status: rapport.MatchRejected})
	must(t, err)
	if len(done) != 1 || done[0].ID != got[1].ID {
		t.Errorf("got %d rejected, want the one", len(done))
	}
}

func testRecentMerges(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	pair := func(family string) (*rapport.Customer, *rapport.Customer) {
		return mustPerson(t, db, "Ana", family, ""), mustPerson(t, db, "Ana", family, "")
	}
	a1, a2 := mustPerson(t, db, "Ana", "Alves", "ana@alves.example"), mustPerson(t, db, "Ana", "Alves", "a.alves@shop.example")
	b1, b2 := pair("Borges")
	c1, c2 := pair("Costa")
	mustWall(t, db, "Deals only", []rapport.ID{f.dealsTeam.ID}, c1, c2)
	_, err := db.MergeCustomers(ctx, system, a1.ID, a2.ID, rapport.MergeAutomatic, 0.995)
	must(t, err)
	_, err = db.MergeCustomers(ctx, f.sales, b1.ID, b2.ID, rapport.MergeManual, 0)
	must(t, err)
	_, err = db.MergeCustomers(ctx, system, c1.ID, c2.ID, rapport.MergeAutomatic, 0.999)
	must(t, err)
	_, err = db.UnmergeCustomer(ctx, f.sales, b2.ID)
	must(t, err)

	list := func(s rapport.Scope, f rapport.MergeFilter) ([]string, string) {
		t.Helper()
		merges, next, err := db.FindRecentMerges(ctx, s, f)
		must(t, err)
		var got []string
		for _, m := range merges {
			got = append(got, fmt.Sprintf("%s %s %v", m.TargetName, m.Reason, m.UndoneAt != nil))
		}
		return got, next
	}
	all := []string{"Ana Costa automatic false", "Ana Borges manual true", "Ana Alves automatic false"}
	if got, next := list(f.admin, rapport.MergeFilter{}); !eq(got, all) || next != "" {
		t.Errorf("admin: got %q (next %q), want %q on one page", got, next, all)
	}
	// A merged record is told apart from its namesake by its first e-mail address.
	merges, _, err := db.FindRecentMerges(ctx, f.admin, rapport.MergeFilter{Reason: rapport.MergeAutomatic})
	must(t, err)
	if m := merges[len(merges)-1]; m.MergedEmail != "a.alves@shop.example" {
		t.Errorf("the Alves merge names the merged record's e-mail %q, want its own", m.MergedEmail)
	}
	if m := merges[0]; m.MergedEmail != "" {
		t.Errorf("the Costa merge names the merged record's e-mail %q, want none", m.MergedEmail)
	}
	// A merge of walled customers does not exist for whoever the wall keeps out.
	if got, _ := list(f.sales, rapport.MergeFilter{}); !eq(got, all[1:]) {
		t.Errorf("outside the wall: got %q, want %q", got, all[1:])
	}
	if got, _ := list(f.deals, rapport.MergeFilter{Reason: rapport.MergeAutomatic}); !eq(got, []string{all[0], all[2]}) {
		t.Errorf("automatic only: got %q, want %q", got, []string{all[0], all[2]})
	}
	// One at a time, the cursor carries on where the last page ended.
	var paged []string
	cursor := ""
	for range len(all) + 1 {
		got, next := list(f.admin, rapport.MergeFilter{Limit: 1, Cursor: cursor})
		paged = append(paged, got...)
		if cursor = next; cursor == "" {
			break
		}
	}
	if !eq(paged, all) {
		t.Errorf("page by page: got %q, want %q", paged, all)
	}
	_, _, err = db.FindRecentMerges(ctx, f.admin, rapport.MergeFilter{Reason: "sometimes"})
	wantField(t, err, "reason")
	_, _, err = db.FindRecentMerges(ctx, f.admin, rapport.MergeFilter{Cursor: "not a cursor"})
	wantField(t, err, "cursor")
}
