package sqldbtest

import (
	"slices"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// queued returns the customers waiting for resolution.
func queued(t *testing.T, db *sqldb.DB) []rapport.QueuedIdentity {
	t.Helper()
	q, waiting, err := db.QueuedIdentities(ctx, system, 100)
	must(t, err)
	if waiting != len(q) {
		t.Fatalf("%d waiting, %d listed", waiting, len(q))
	}
	return q
}

func ticketOf(q []rapport.QueuedIdentity, id rapport.ID) rapport.ID {
	for _, e := range q {
		if e.CustomerID == id {
			return e.Ticket
		}
	}
	return rapport.ID{}
}

// testIdentityQueue checks what incremental resolution keeps between runs: the queue of
// arriving customers, the keys of every record, the model.
func testIdentityQueue(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	bo := mustPerson(t, db, "Bo", "Lind", "bo@example.com")
	mustOrg(t, db, "Lind AB") // organisations are not resolved
	q := queued(t, db)
	if len(q) != 2 || ticketOf(q, ana.ID).IsZero() || ticketOf(q, bo.ID).IsZero() {
		t.Fatalf("queue after two new people and an organisation: %+v", q)
	}
	jobs, err := db.FindJobs(ctx, system, rapport.JobResolveNew, 5)
	must(t, err)
	if len(jobs) != 1 || jobs[0].State != rapport.JobQueued {
		t.Fatalf("jobs to resolve arrivals: %+v, want one queued", jobs)
	}

	// Ana changes while she is being resolved: finishing with the ticket read before
	// leaves her queued; Bo is done.
	_, err = db.UpdateCustomer(ctx, system, ana.ID, rapport.CustomerUpdate{GivenName: ptr("Ana Maria")})
	must(t, err)
	must(t, db.SaveResolution(ctx, system, &rapport.Resolved{
		Keys: []rapport.IdentityKey{{Rule: 0, Key: 42, CustomerID: ana.ID}, {Rule: 1, Key: -7, CustomerID: bo.ID}, {Rule: 0, Key: 42, CustomerID: bo.ID}},
		Of:   []rapport.ID{ana.ID, bo.ID}, Done: q}))
	if q2 := queued(t, db); len(q2) != 1 || q2[0].CustomerID != ana.ID || q2[0].Ticket == ticketOf(q, ana.ID) {
		t.Errorf("queue after resolving with old tickets: %+v, want Ana with a new ticket", q2)
	}
	found, err := db.IdentityCandidates(ctx, system, []rapport.IdentityKey{{Rule: 0, Key: 42}, {Rule: 1, Key: -7}, {Rule: 1, Key: 42}})
	must(t, err)
	if len(found) != 3 {
		t.Errorf("candidates: %+v, want Ana and Bo under rule 0 and Bo under rule 1", found)
	}

	// A customer who renames themselves in the portal is queued again.
	_, err = db.UpdateMyProfile(ctx, rapport.CustomerScope(bo.ID, "test"), rapport.MyProfileUpdate{Name: "Bo Lindqvist"})
	must(t, err)
	if q3 := queued(t, db); ticketOf(q3, bo.ID).IsZero() {
		t.Errorf("queue after Bo renamed himself: %+v, want him in it", q3)
	}

	// Keys are replaced for the customers resolved, and those of a customer deleted
	// meanwhile are left out.
	cy := mustPerson(t, db, "Cy", "Berg", "")
	must(t, db.DeleteCustomer(ctx, system, cy.ID))
	must(t, db.SaveResolution(ctx, system, &rapport.Resolved{
		Keys: []rapport.IdentityKey{{Rule: 2, Key: 5, CustomerID: ana.ID}, {Rule: 2, Key: 5, CustomerID: cy.ID}}, Of: []rapport.ID{ana.ID, cy.ID}}))
	found, err = db.IdentityCandidates(ctx, system, []rapport.IdentityKey{{Rule: 0, Key: 42}, {Rule: 2, Key: 5}})
	must(t, err)
	if len(found) != 2 || !slices.ContainsFunc(found, func(k rapport.IdentityKey) bool { return k.CustomerID == bo.ID && k.Rule == 0 }) ||
		!slices.ContainsFunc(found, func(k rapport.IdentityKey) bool { return k.CustomerID == ana.ID && k.Rule == 2 }) {
		t.Errorf("candidates after replacing Ana's keys: %+v", found)
	}
	// A full run replaces the keys of the records it read and stores the model.
	if m, err := db.IdentityModel(ctx, system); err != nil || m != nil {
		t.Errorf("model before any run: %q, %v", m, err)
	}
	must(t, db.SaveResolution(ctx, system, &rapport.Resolved{Model: []byte(`{"v":1}`), Of: []rapport.ID{ana.ID, bo.ID},
		Keys: []rapport.IdentityKey{{Rule: 3, Key: 9, CustomerID: bo.ID}}}))
	found, err = db.IdentityCandidates(ctx, system, []rapport.IdentityKey{{Rule: 0, Key: 42}, {Rule: 2, Key: 5}, {Rule: 3, Key: 9}})
	must(t, err)
	if len(found) != 1 || found[0].CustomerID != bo.ID {
		t.Errorf("candidates after a full run: %+v, want Bo's one key", found)
	}
	if m, err := db.IdentityModel(ctx, system); err != nil || string(m) != `{"v":1}` {
		t.Errorf("model after a run: %q, %v", m, err)
	}

	// The records of a customer's profile: the customer it was merged into and every
	// record merged there.
	dup := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	_, err = db.MergeCustomers(ctx, system, ana.ID, dup.ID, rapport.MergeReviewed, 1)
	must(t, err)
	recs, err := db.IdentityRecordsOf(ctx, system, []rapport.ID{dup.ID})
	must(t, err)
	if len(recs) != 2 || recs[0].ProfileID != ana.ID || recs[1].ProfileID != ana.ID {
		t.Errorf("records of the merged customer's profile: %+v, want Ana's two", recs)
	}

	// Adding proposals leaves the others pending; proposing replaces them.
	eve := mustPerson(t, db, "Eve", "Lind", "")
	pair := func(a, b rapport.ID) []rapport.ScoredPair {
		return []rapport.ScoredPair{{LeftID: a, RightID: b, Probability: 0.9, Weight: 3}}
	}
	_, err = db.ProposeMatches(ctx, system, pair(bo.ID, eve.ID))
	must(t, err)
	_, err = db.AddMatches(ctx, system, pair(ana.ID, eve.ID))
	must(t, err)
	cands, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 10})
	must(t, err)
	if len(cands) != 2 {
		t.Errorf("after adding a pair: %d pending, want 2", len(cands))
	}
	_, err = db.ProposeMatches(ctx, system, pair(ana.ID, eve.ID))
	must(t, err)
	if cands, _, err = db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 10}); err != nil || len(cands) != 1 {
		t.Errorf("after proposing one pair: %d pending (%v), want 1", len(cands), err)
	}

	// Only staff-wide system scopes read the queue.
	if _, _, err := db.QueuedIdentities(ctx, f.sales, 10); rapport.ErrorCode(err) != rapport.EFORBIDDEN {
		t.Errorf("an agent read the queue: %v", err)
	}
}
