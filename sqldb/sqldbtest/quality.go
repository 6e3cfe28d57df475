package sqldbtest

import (
	"testing"

	"github.com/rapportckm/rapport"
)

// testQuality: a profile's completeness names what is missing; the owners' report
// counts only the customers its reader may see.
func testQuality(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	full := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva", Language: "pt", PreferredChannel: "email",
		Emails: []rapport.ContactPoint{{Value: "ana@example.com"}}, Phones: []rapport.ContactPoint{{Value: "+351 912 345 678"}},
		Addresses: []rapport.Address{{City: "Porto", Country: "PT"}}, Relationships: []rapport.Relationship{"client"}, OwnerID: f.sales.UserID}
	must(t, db.CreateCustomer(ctx, system, full))
	sparse := mustPerson(t, db, "Bo", "", "bo@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	q, err := db.CustomerQuality(ctx, f.sales, full.ID)
	must(t, err)
	if q.Complete != 100 || len(q.Missing) != 0 || q.Stale {
		t.Errorf("complete profile: %+v", q)
	}
	q, err = db.CustomerQuality(ctx, f.sales, sparse.ID)
	must(t, err)
	if q.Complete != 12 || !eq(q.Missing, []string{"name", "phone", "address", "language", "preferred channel", "relationship", "owner"}) {
		t.Errorf("sparse profile: %+v, want 1 of the 8 key fields (the e-mail address)", q)
	}
	_, err = db.CustomerQuality(ctx, f.sales, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)

	// The profile page reads the same at once, with where each value came from.
	facts, err := profileFacts(db, f.sales, full.ID)
	must(t, err)
	if facts.Quality.Complete != 100 || facts.Value != nil || len(facts.Sources) == 0 || facts.Sources[0].Source != rapport.StaffSource {
		t.Errorf("profile facts: %+v", facts)
	}
	if len(facts.Consents) != 0 || len(facts.Work.Closed) != 0 || facts.Feedback.Count != 0 || len(facts.Portal) != 0 {
		t.Errorf("a new profile's consents %v, closed items %v, feedback %+v, accounts %v: want none", facts.Consents, facts.Work.Closed, facts.Feedback, facts.Portal)
	}
	// Its sections are read once they hold something (the page skips empty ones):
	// Ana's consent, Bo's closed item and feedback from both.
	_, err = db.RecordConsent(ctx, f.sales, full.ID, rapport.Consent{Purpose: "marketing", Granted: true, DecidedAt: db.Now(), Source: "test"})
	must(t, err)
	item := &rapport.Item{CustomerID: sparse.ID, Kind: "task", Title: "Send the brochure"}
	must(t, db.CreateItem(ctx, f.sales, item))
	done := rapport.ItemDone
	_, err = db.UpdateItem(ctx, f.sales, item.ID, rapport.ItemUpdate{Status: &done})
	must(t, err)
	for _, c := range []*rapport.Customer{full, sparse} {
		_, err = db.CreateFeedback(ctx, f.sales, &rapport.Feedback{CustomerID: c.ID, Kind: "complaint", Text: "The brochure came late", Channel: "email"})
		must(t, err)
	}
	facts, err = profileFacts(db, f.sales, full.ID)
	must(t, err)
	if len(facts.Consents) != 1 || len(facts.Work.Closed) != 0 || facts.Feedback.Count != 1 {
		t.Errorf("Ana, with a consent and feedback: consents %v, closed items %v, feedback %+v", facts.Consents, facts.Work.Closed, facts.Feedback)
	}
	facts, err = profileFacts(db, f.sales, sparse.ID)
	must(t, err)
	if len(facts.Consents) != 0 || len(facts.Work.Closed) != 1 || facts.Work.OpenCount != 0 || facts.Feedback.Count != 1 || facts.Feedback.OpenCount != 1 {
		t.Errorf("Bo, with a closed item and open feedback: consents %v, closed items %v, %d open, feedback %+v",
			facts.Consents, facts.Work.Closed, facts.Work.OpenCount, facts.Feedback)
	}
	_, err = profileFacts(db, f.sales, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)

	owners, err := db.OwnerQualities(ctx, f.sales)
	must(t, err)
	if len(owners) != 2 || !owners[0].OwnerID.IsZero() || owners[0].Customers != 1 || owners[1].OwnerName != "sam" || owners[1].Complete != 100 || owners[1].Full != 1 {
		t.Errorf("owners for an outsider: %+v, want the unowned customer (the walled one not counted) least complete first, then sam's", owners)
	}
	inside, err := db.OwnerQualities(ctx, f.deals)
	must(t, err)
	if len(inside) != 2 || inside[0].Customers != 2 {
		t.Errorf("owners for the wall's team: %+v, want both unowned customers counted", inside)
	}
}
