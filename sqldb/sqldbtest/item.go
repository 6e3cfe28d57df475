package sqldbtest

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// itemEvents returns the item events on a customer's timeline, oldest first, as
// "event:title" with the actor.
func itemEvents(t *testing.T, db *sqldb.DB, customerID rapport.ID) (events []string, actors []string) {
	t.Helper()
	page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: customerID, Limit: 500})
	must(t, err)
	for i := len(page) - 1; i >= 0; i-- {
		var attrs map[string]string
		_ = json.Unmarshal(page[i].Attributes, &attrs)
		if attrs["item_id"] != "" {
			events = append(events, attrs["item_event"]+":"+attrs["item_kind"])
			actors = append(actors, string(page[i].ActorKind)+":"+page[i].ActorID)
		}
	}
	return events, actors
}

// testItems: items of business open, close and reopen with entries on the timeline,
// list by urgency, stay behind walls, follow merges and come from source systems.
func testItems(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Items", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Items", "ana.items@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	today := time.Now().UTC().Format(rapport.DateLayout)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(rapport.DateLayout)
	nextWeek := time.Now().UTC().AddDate(0, 0, 7).Format(rapport.DateLayout)

	refund := &rapport.Item{CustomerID: ana.ID, Kind: "ticket", Title: "Refund for order 1042", RequestType: "refund",
		Product: "Desk", Channel: "phone", Due: nextWeek, TeamID: f.salesTeam.ID}
	must(t, db.CreateItem(ctx, f.sales, refund))
	if refund.Status != rapport.ItemOpen || refund.OpenedBy != f.sales.UserID || refund.TeamName != "Sales" {
		t.Errorf("got status %q, opened by %s, team %q; want open, by the agent, Sales", refund.Status, refund.OpenedBy, refund.TeamName)
	}
	late := &rapport.Item{CustomerID: ana.ID, Kind: "request", Title: "Address change", Due: yesterday}
	must(t, db.CreateItem(ctx, f.sales, late))
	undated := &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "Call back about the invoice"}
	must(t, db.CreateItem(ctx, f.sales, undated))

	t.Run("Order", func(t *testing.T) {
		got, _, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: ana.ID})
		must(t, err)
		var titles []string
		for _, it := range got {
			titles = append(titles, it.Title)
		}
		if want := []string{"Address change", "Refund for order 1042", "Call back about the invoice"}; !eq(titles, want) {
			t.Errorf("got %q, want overdue first, then by due date, then the undated", titles)
		}
		if !got[0].Overdue(today) || got[1].Overdue(today) {
			t.Errorf("overdue: got %v and %v, want the first only", got[0].Overdue(today), got[1].Overdue(today))
		}
	})

	t.Run("Pages", func(t *testing.T) {
		// Ties on the due date, and items without one, page in the same order as one page.
		bo := mustPerson(t, db, "Bo", "Pages", "bo.pages@example.com")
		for i, due := range []string{"", nextWeek, yesterday, "", nextWeek, yesterday, nextWeek} {
			must(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: bo.ID, Kind: "task", Title: fmt.Sprintf("task %d", i), Due: due}))
		}
		whole, next, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: bo.ID})
		must(t, err)
		if len(whole) != 7 || next != "" {
			t.Fatalf("got %d items and next cursor %q, want 7 on one page", len(whole), next)
		}
		var paged []*rapport.Item
		cursor := ""
		for range 10 {
			page, next, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: bo.ID, Limit: 2, Cursor: cursor})
			must(t, err)
			paged = append(paged, page...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if len(paged) != len(whole) {
			t.Fatalf("paging gave %d items, want %d", len(paged), len(whole))
		}
		for i := range whole {
			if paged[i].ID != whole[i].ID {
				t.Errorf("item %d: paging gave %q (due %q), one page %q (due %q)", i, paged[i].Title, paged[i].Due, whole[i].Title, whole[i].Due)
			}
		}
		for _, bad := range []string{"garbage", "eA", base64.RawURLEncoding.EncodeToString([]byte("2026-13-40\x002026-01-01T00:00:00Z\x00" + bo.ID.String()))} {
			if _, _, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: bo.ID, Cursor: bad}); !isFieldError(err, "cursor") {
				t.Errorf("cursor %q: got %v, want an error on the field cursor", bad, err)
			}
		}
	})

	t.Run("StatusWritesTimeline", func(t *testing.T) {
		done := rapport.ItemDone
		it, err := db.UpdateItem(ctx, f.sales, refund.ID, rapport.ItemUpdate{Status: &done})
		must(t, err)
		if it.ClosedAt == nil {
			t.Fatal("a done item has no closed_at")
		}
		waiting, open := rapport.ItemWaiting, rapport.ItemOpen
		_, err = db.UpdateItem(ctx, f.deals, refund.ID, rapport.ItemUpdate{Status: &waiting}) // reopened, waiting
		must(t, err)
		it, err = db.UpdateItem(ctx, f.deals, refund.ID, rapport.ItemUpdate{Status: &open}) // no event
		must(t, err)
		if it.ClosedAt != nil {
			t.Errorf("a reopened item keeps closed_at %v", it.ClosedAt)
		}
		events, actors := itemEvents(t, db, ana.ID)
		want := []string{"opened:ticket", "opened:request", "opened:task", "closed:ticket", "reopened:ticket"}
		if !eq(events, want) {
			t.Errorf("got events %q, want %q", events, want)
		}
		if len(actors) == 5 && (actors[3] != "staff:"+f.sales.UserID.String() || actors[4] != "staff:"+f.deals.UserID.String()) {
			t.Errorf("got actors %q, want the staff who closed and reopened", actors)
		}
		got, _, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: ana.ID, All: true})
		must(t, err)
		if len(got) != 3 {
			t.Errorf("got %d items, want 3", len(got))
		}
		cancelled := rapport.ItemCancelled
		_, err = db.UpdateItem(ctx, f.sales, undated.ID, rapport.ItemUpdate{Status: &cancelled})
		must(t, err)
		if got, _, _ := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: ana.ID}); len(got) != 2 {
			t.Errorf("got %d open items, want 2 after cancelling one", len(got))
		}
		w, err := workbenchOf(db, f.sales, ana.ID)
		must(t, err)
		if w.OpenCount != 2 || len(w.OpenItems) != 2 {
			t.Errorf("workbench: %d open of %d, want 2 of 2", len(w.OpenItems), w.OpenCount)
		}
	})

	t.Run("Validation", func(t *testing.T) {
		bad := rapport.ItemStatus("maybe")
		_, err := db.UpdateItem(ctx, f.sales, late.ID, rapport.ItemUpdate{Status: &bad})
		wantField(t, err, "status")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "chore", Title: "x"}), "kind")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: " "}), "title")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x", Due: "31/12/2026"}), "due")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x\xff"}), "title")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x", OwnerID: rapport.NewID()}), "owner_id")
		wantField(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x", TeamID: rapport.NewID()}), "team_id")
		wantCode(t, db.CreateItem(ctx, f.loner, &rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x"}), rapport.EFORBIDDEN)
	})

	t.Run("Walls", func(t *testing.T) {
		hidden := &rapport.Item{CustomerID: secret.ID, Kind: "task", Title: "Prepare the deal"}
		must(t, db.CreateItem(ctx, f.deals, hidden))
		wantCode(t, db.CreateItem(ctx, f.sales, &rapport.Item{CustomerID: secret.ID, Kind: "task", Title: "x"}), rapport.ENOTFOUND)
		_, _, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: secret.ID})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.FindItemByID(ctx, f.sales, hidden.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		done := rapport.ItemDone
		_, err = db.UpdateItem(ctx, f.sales, hidden.ID, rapport.ItemUpdate{Status: &done})
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = workbenchOf(db, f.sales, secret.ID)
		wantCode(t, err, rapport.ENOTFOUND)
		// A source system's row for the walled item is refused, unwritten, to an outsider.
		src := rapport.IncomingItem{Item: rapport.Item{CustomerID: ana.ID, Kind: "task", Title: "x", Source: "desk", SourceKey: "D-1"}}
		res, err := db.IngestItems(ctx, f.deals, []rapport.IncomingItem{{Item: rapport.Item{CustomerID: secret.ID, Kind: "task", Title: "Deal paperwork", Source: "desk", SourceKey: "D-1"}}})
		must(t, err)
		if res.Created != 1 {
			t.Fatalf("got %+v, want the walled item created for the insider", res)
		}
		res, err = db.IngestItems(ctx, f.sales, []rapport.IncomingItem{src})
		must(t, err)
		if res.Rejected != 1 || res.Created+res.Updated != 0 {
			t.Errorf("got %+v, want the row rejected: its item belongs to a customer behind a wall", res)
		}
		it, err := db.FindItemByID(ctx, f.deals, itemIDByTitle(t, db, f.deals, secret.ID, "Deal paperwork"))
		must(t, err)
		if it.CustomerID != secret.ID || it.Title != "Deal paperwork" {
			t.Errorf("the walled item was changed by an outsider: %+v", it)
		}
	})

	t.Run("MergeUnmerge", func(t *testing.T) {
		moved := &rapport.Item{CustomerID: dup.ID, Kind: "feedback", Title: "Loves the new desk"}
		must(t, db.CreateItem(ctx, f.sales, moved))
		_, err := db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
		must(t, err)
		it, err := db.FindItemByID(ctx, f.sales, moved.ID)
		must(t, err)
		if it.CustomerID != ana.ID {
			t.Errorf("after merge the item belongs to %s, want the profile %s", it.CustomerID, ana.ID)
		}
		done := rapport.ItemDone
		_, err = db.UpdateItem(ctx, f.sales, moved.ID, rapport.ItemUpdate{Status: &done})
		must(t, err)
		_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
		must(t, err)
		it, err = db.FindItemByID(ctx, f.sales, moved.ID)
		must(t, err)
		if it.CustomerID != dup.ID {
			t.Errorf("after unmerge the item belongs to %s, want %s", it.CustomerID, dup.ID)
		}
		// Its entries, the one written while merged too, go back with it.
		if events, _ := itemEvents(t, db, dup.ID); !eq(events, []string{"opened:feedback", "closed:feedback"}) {
			t.Errorf("the duplicate's item events after unmerge: %q", events)
		}
		got, _, err := db.FindItems(ctx, f.sales, rapport.ItemFilter{CustomerID: ana.ID, All: true})
		must(t, err)
		if len(got) != 3 {
			t.Errorf("Ana has %d items after unmerge, want her own 3", len(got))
		}
	})

	t.Run("Ingest", func(t *testing.T) {
		opened := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
		row := rapport.IncomingItem{Item: rapport.Item{Kind: "ticket", Title: "Broken hinge", Status: "open", Source: "helpdesk",
			SourceKey: "HD-7", OpenedAt: opened, RequestType: "repair"}, CustomerSource: "", CustomerSourceKey: ""}
		row.CustomerID = ana.ID
		bad := rapport.IncomingItem{Item: rapport.Item{CustomerID: ana.ID, Kind: "ticket", Title: "No key"}}
		res, err := db.IngestItems(ctx, f.sales, []rapport.IncomingItem{row, bad})
		must(t, err)
		if res.Created != 1 || res.Rejected != 1 || res.Errors[0].Line != 2 || res.Errors[0].Field != "source" {
			t.Fatalf("got %+v, want one created and line 2 rejected for its missing source", res)
		}
		res, err = db.IngestItems(ctx, f.sales, []rapport.IncomingItem{row})
		must(t, err)
		if res.Unchanged != 1 || res.Created+res.Updated != 0 {
			t.Errorf("sent again: got %+v, want unchanged", res)
		}
		row.Status = "done"
		res, err = db.IngestItems(ctx, f.sales, []rapport.IncomingItem{row})
		must(t, err)
		if res.Updated != 1 {
			t.Errorf("closed at the source: got %+v, want updated", res)
		}
		it, err := db.FindItemByID(ctx, f.sales, res.Items[0].ID)
		must(t, err)
		if it.Status != rapport.ItemDone || !it.OpenedAt.Equal(opened) || it.Source != "helpdesk" || it.SourceKey != "HD-7" {
			t.Errorf("got %+v", it)
		}
		events, actors := itemEvents(t, db, ana.ID)
		if n := len(events); n < 2 || events[n-1] != "closed:ticket" || actors[n-1] != "staff:"+f.sales.UserID.String() {
			t.Errorf("got events %q by %q, want the ingest's close last", events, actors)
		}
	})
}

// itemIDByTitle finds the id of a customer's item by title.
func itemIDByTitle(t *testing.T, db *sqldb.DB, s rapport.Scope, customerID rapport.ID, title string) rapport.ID {
	t.Helper()
	items, _, err := db.FindItems(ctx, s, rapport.ItemFilter{CustomerID: customerID, All: true})
	must(t, err)
	for _, it := range items {
		if it.Title == title {
			return it.ID
		}
	}
	t.Fatalf("no item %q", title)
	return rapport.ID{}
}

// testLastContacts: the last contact by each team is the latest interaction of any of
// its members, and the customer's habit shows when their own contacts cluster.
func testLastContacts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	bo := mustPerson(t, db, "Bo", "Contact", "")
	day := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC) // a Monday
	log := func(s rapport.Scope, summary string, at time.Time) {
		t.Helper()
		must(t, db.CreateInteraction(ctx, s, &rapport.Interaction{CustomerID: bo.ID, Type: "call", Channel: "phone", Summary: summary, OccurredAt: at}))
	}
	w, err := workbenchOf(db, f.sales, bo.ID)
	must(t, err)
	if len(w.LastContacts) != 0 || w.Habit != nil || w.OpenCount != 0 {
		t.Errorf("a new customer's workbench: %+v, want empty", w)
	}
	log(f.sales, "First sales call", day)
	log(f.sales, "Latest sales call", day.AddDate(0, 0, 3))
	log(f.deals, "Deals call", day.AddDate(0, 0, 1))
	log(f.admin, "Admin call, in no team", day.AddDate(0, 0, 5))
	// A second sales member, in both teams, called last of all.
	both := scopeOf(mustUser(t, db, "bea@example.com", rapport.RoleAgent, f.salesTeam.ID, f.dealsTeam.ID))
	log(both, "Bea's call", day.AddDate(0, 0, 4))
	log(f.deals, "Deals call before", day.AddDate(0, 0, -10))
	// A team's only member, whose latest call was logged first.
	support := mustTeam(t, db, "Support", "service")
	cy := scopeOf(mustUser(t, db, "cy@example.com", rapport.RoleAgent, support.ID))
	log(cy, "Support call, latest", day.AddDate(0, 0, 2))
	log(cy, "Support call, earlier", day.AddDate(0, 0, -2))

	lastContacts := func() []rapport.LastContact {
		t.Helper()
		w, err := workbenchOf(db, f.deals, bo.ID)
		must(t, err)
		return w.LastContacts
	}
	named := func(contacts []rapport.LastContact) (got []string) {
		for _, c := range contacts {
			got = append(got, c.TeamName+": "+c.Summary+" by "+c.UserName)
		}
		return got
	}
	contacts := lastContacts()
	want := []string{"Deals: Bea's call by bea", "Sales: Bea's call by bea", "Support: Support call, latest by cy"}
	if got := named(contacts); !eq(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if len(contacts) > 0 && !contacts[0].At.Equal(day.AddDate(0, 0, 4)) {
		t.Errorf("got at %v, want %v", contacts[0].At, day.AddDate(0, 0, 4))
	}
	// A member who has left still made the contact; one who moves to another team
	// takes their contacts along, at once.
	off := false
	_, err = db.UpdateUser(ctx, system, cy.UserID, rapport.UserUpdate{Active: &off})
	must(t, err)
	_, err = db.UpdateUser(ctx, system, both.UserID, rapport.UserUpdate{TeamIDs: &[]rapport.ID{f.dealsTeam.ID}})
	must(t, err)
	want = []string{"Deals: Bea's call by bea", "Sales: Latest sales call by sam", "Support: Support call, latest by cy"}
	if got := named(lastContacts()); !eq(got, want) {
		t.Errorf("after cy left and bea left Sales: got %q, want %q", got, want)
	}

	// The customer's own contacts: ten on weekday mornings, two on a Saturday evening.
	var rows []rapport.IncomingInteraction
	for i := range 12 {
		at := day.AddDate(0, 0, 7*i).Add(time.Duration(i%3) * time.Hour)
		if i >= 10 {
			at = time.Date(2026, 2, 7, 19, i, 0, 0, time.UTC)
		}
		rows = append(rows, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: bo.ID, Type: "web_event", Channel: "web",
			Source: "web", SourceKey: atf("EV-%d", i), OccurredAt: at, ActorKind: rapport.ActorCustomer, Summary: "Visited"}})
	}
	_, err = db.IngestInteractions(ctx, system, rows)
	must(t, err)
	w, err = workbenchOf(db, f.sales, bo.ID)
	must(t, err)
	if w.Habit == nil || w.Habit.Time != (rapport.ContactTime{Days: "weekdays", Part: "morning"}) || w.Habit.Matching != 10 || w.Habit.Of != 12 {
		t.Errorf("got habit %+v, want weekday mornings, 10 of 12", w.Habit)
	}
}

// testPreferredTime: the preferred time is validated, stored, combined by merges and
// taken back by unmerge.
func testPreferredTime(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	cy := mustPerson(t, db, "Cy", "Time", "")
	_, err := db.UpdateCustomer(ctx, f.sales, cy.ID, rapport.CustomerUpdate{PreferredTime: &rapport.ContactTime{Days: "sometimes"}})
	wantField(t, err, "preferred_time.days")
	_, err = db.UpdateCustomer(ctx, f.sales, cy.ID, rapport.CustomerUpdate{PreferredTime: &rapport.ContactTime{Part: "night"}})
	wantField(t, err, "preferred_time.part")
	_, err = db.UpdateCustomer(ctx, f.sales, cy.ID, rapport.CustomerUpdate{PreferredTime: &rapport.ContactTime{Part: "evening"}})
	must(t, err)
	c, err := db.FindCustomerByID(ctx, f.sales, cy.ID)
	must(t, err)
	if want := (rapport.ContactTime{Days: "any", Part: "evening"}); c.PreferredTime != want {
		t.Errorf("got %+v, want %+v", c.PreferredTime, want)
	}
	if got := c.PreferredTime.String(); got != "any day, evenings" {
		t.Errorf("got %q", got)
	}
	// A merge gives the target the time it lacks; unmerge takes it back.
	target := mustPerson(t, db, "Cy", "Target", "")
	_, err = db.MergeCustomers(ctx, f.sales, target.ID, cy.ID, rapport.MergeManual, 0)
	must(t, err)
	got, err := db.FindCustomerByID(ctx, f.sales, target.ID)
	must(t, err)
	if got.PreferredTime.Part != "evening" {
		t.Errorf("merged target's time: %+v, want the merged customer's", got.PreferredTime)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, cy.ID)
	must(t, err)
	if got, _ = db.FindCustomerByID(ctx, f.sales, target.ID); !got.PreferredTime.IsZero() {
		t.Errorf("after unmerge the target keeps %+v", got.PreferredTime)
	}
	if got, _ = db.FindCustomerByID(ctx, f.sales, cy.ID); got.PreferredTime.Part != "evening" {
		t.Errorf("after unmerge Cy has %+v", got.PreferredTime)
	}
}

// testItemEditsAtOnce: two people change different fields of one item at the same
// moment, and both changes are kept.
func testItemEditsAtOnce(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Edits", "ana@example.com")
	for round := range 10 {
		it := &rapport.Item{CustomerID: ana.ID, Kind: "ticket", Title: fmt.Sprint("Refund ", round)}
		must(t, db.CreateItem(ctx, f.sales, it))
		title, body := fmt.Sprint("Refund for order ", round), "The customer sent the receipt"
		updates := []rapport.ItemUpdate{{Title: &title}, {Body: &body}}
		errs := atOnce(2, func(i int) error {
			_, err := db.UpdateItem(ctx, f.sales, it.ID, updates[i])
			return err
		})
		must(t, errors.Join(errs...))
		got, err := db.FindItemByID(ctx, f.sales, it.ID)
		must(t, err)
		if got.Title != title || got.Body != body {
			t.Fatalf("after two edits at once: title %q, body %q; want both", got.Title, got.Body)
		}
	}
}

// isFieldError says whether err is a validation error naming field.
func isFieldError(err error, field string) bool {
	e := (*rapport.Error)(nil)
	return errors.As(err, &e) && e.Code == rapport.EINVALID && e.Fields[field] != ""
}
