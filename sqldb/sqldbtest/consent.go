package sqldbtest

import (
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testConsents: a profile's consent is its latest decision per purpose, across the
// records merged into it, and unmerge gives each record its own decisions back.
func testConsents(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	march := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	record := func(s rapport.Scope, id rapport.ID, p rapport.Purpose, granted bool, at time.Time) error {
		_, err := db.RecordConsent(ctx, s, id, rapport.Consent{Purpose: p, Granted: granted, DecidedAt: at, Source: "test"})
		return err
	}
	state := func(id rapport.ID) map[rapport.Purpose]bool {
		t.Helper()
		cs, err := db.FindConsents(ctx, f.sales, id)
		must(t, err)
		out := map[rapport.Purpose]bool{}
		for _, c := range cs {
			out[c.Purpose] = c.Granted
		}
		return out
	}
	must(t, record(f.sales, ana.ID, "marketing", true, march))
	must(t, record(f.sales, ana.ID, "surveys", true, march))
	must(t, record(f.sales, ana.ID, "surveys", false, march.AddDate(0, 1, 0))) // replaces the yes
	must(t, record(f.sales, dup.ID, "marketing", false, march.AddDate(0, 2, 0)))
	must(t, record(f.sales, dup.ID, "research", true, march))
	if got := state(ana.ID); len(got) != 2 || !got["marketing"] || got["surveys"] {
		t.Errorf("Ana's consents: %v, want marketing yes and surveys no", got)
	}

	// The later withdrawal given for the duplicate holds for the merged profile.
	_, err := db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
	must(t, err)
	if got := state(ana.ID); len(got) != 3 || got["marketing"] || got["surveys"] || !got["research"] {
		t.Errorf("merged consents: %v, want marketing and surveys no, research yes", got)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
	must(t, err)
	if got := state(ana.ID); len(got) != 2 || !got["marketing"] {
		t.Errorf("Ana's consents after unmerge: %v, want her own back", got)
	}
	if got := state(dup.ID); len(got) != 2 || got["marketing"] || !got["research"] {
		t.Errorf("the duplicate's consents after unmerge: %v", got)
	}

	wantCode(t, record(f.sales, ana.ID, "telepathy", true, march), rapport.EINVALID)
	wantCode(t, record(f.sales, ana.ID, "marketing", true, time.Now().AddDate(1, 0, 0)), rapport.EINVALID)
	wantCode(t, record(f.loner, ana.ID, "marketing", true, march), rapport.EFORBIDDEN)
	wantCode(t, record(f.sales, secret.ID, "marketing", true, march), rapport.ENOTFOUND)
	_, err = db.FindConsents(ctx, f.sales, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	must(t, record(f.deals, secret.ID, "marketing", true, march))
}
