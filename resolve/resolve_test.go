package resolve_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/linkage/synth"
	"github.com/rapportckm/rapport/resolve"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

var ctx = context.Background()

var system = rapport.SystemScope("test")

// loadPeople imports synthetic people (30 % duplicates) as customers of one source, each
// keeping its ground truth in the attribute person_id, and returns the number of rows.
func loadPeople(t *testing.T, db *sqldb.DB, n int) {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.Generate(&buf, synth.Options{Records: n, Duplicates: 0.3, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var in []rapport.IncomingCustomer
	for _, r := range rows[1:] { // id,person_id,given_name,family_name,date_of_birth,email,phone,street,city,postcode
		attrs, _ := json.Marshal(map[string]string{"person_id": r[1], "date_of_birth": r[4]})
		c := rapport.IncomingCustomer{Source: "synth", SourceKey: r[0], Customer: rapport.Customer{Kind: rapport.KindPerson,
			GivenName: r[2], FamilyName: r[3], Attributes: attrs}}
		if c.GivenName == "" && c.FamilyName == "" {
			c.Name = "(no name)"
		}
		if r[5] != "" {
			c.Emails = []rapport.ContactPoint{{Value: r[5]}}
		}
		if r[6] != "" {
			c.Phones = []rapport.ContactPoint{{Value: r[6]}}
		}
		if r[7]+r[8]+r[9] != "" {
			c.Addresses = []rapport.Address{{Street: r[7], City: r[8], Postcode: r[9]}}
		}
		in = append(in, c)
	}
	res, err := db.IngestCustomers(ctx, system, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected > 0 {
		t.Fatalf("rejected %d rows: %+v", res.Rejected, res.Errors[:1])
	}
}

// personOf reads the ground truth of a customer.
func personOf(t *testing.T, db *sqldb.DB, id rapport.ID) string {
	c, err := db.FindCustomerByID(ctx, system, id)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		PersonID string `json:"person_id"`
	}
	json.Unmarshal(c.Attributes, &a)
	return a.PersonID
}

func TestRun(t *testing.T) {
	db := sqldbtest.SQLite(t)
	loadPeople(t, db, 3000)
	before := map[string]int{} // customers per person
	customers := 0
	for cursor := ""; ; {
		page, next, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			before[personOf(t, db, c.ID)]++
			customers++
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	duplicates := customers - len(before)
	sum, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d customers of %d people before: %s", customers, len(before), sum)
	if sum.Merged == 0 || sum.Proposed == 0 {
		t.Fatalf("got %s, want merges and proposals", sum)
	}

	// Every automatic merge joined records of one person (a merged customer keeps its
	// own attributes, so its ground truth is still there).
	wrong, merged := 0, 0
	for cursor := ""; ; {
		page, next, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			merges, err := db.FindMerges(ctx, system, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range merges {
				merged++
				if m.Reason != rapport.MergeAutomatic {
					t.Errorf("got reason %s, want automatic", m.Reason)
				}
				if personOf(t, db, m.MergedID) != personOf(t, db, c.ID) {
					wrong++
				}
			}
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	if merged != sum.Merged || float64(wrong) > 0.02*float64(merged) {
		t.Errorf("%d of %d automatic merges joined different people (found %d merges), want at most 2 %%", wrong, merged, sum.Merged)
	}
	t.Logf("merged %d of %d duplicates, %d wrongly", merged, duplicates, wrong)
	if merged-wrong < duplicates/2 {
		t.Errorf("merged %d correctly of %d duplicates, want at least half without asking anyone", merged-wrong, duplicates)
	}
	// The review queue holds the likely pairs, most likely first; pairs above the merge
	// threshold are there when clustering declined to join them.
	cands, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for i, c := range cands {
		if i > 0 && c.Probability > cands[i-1].Probability {
			t.Fatalf("candidates out of order at %d", i)
		}
		if c.Probability < resolve.DefaultOptions.Review {
			t.Errorf("candidate with probability %.3f below the review threshold", c.Probability)
		}
		if personOf(t, db, c.Left.ID) == personOf(t, db, c.Right.ID) {
			same++
		}
	}
	t.Logf("review queue: %d of %d pairs are the same person", same, len(cands))

	// A second run finds nothing new to merge, and keeps a rejected pair rejected.
	if _, err := db.DecideMatch(ctx, system, cands[0].ID, false); err != nil {
		t.Fatal(err)
	}
	again, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second run: %s", again)
	if again.Merged > sum.Merged/10 {
		t.Errorf("second run merged %d, want few: the first merged what was certain", again.Merged)
	}
	// The merged records keep the model knowing what duplicates look like, so the queue
	// survives a second run instead of being withdrawn as unlikely.
	if again.Proposed < sum.Proposed/2 {
		t.Errorf("second run proposed %d, want most of the first run's %d again", again.Proposed, sum.Proposed)
	}
	rejected, err := db.FindMatchCandidate(ctx, system, cands[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if rejected.Status != rapport.MatchRejected {
		t.Errorf("the rejected pair is %s after a second run", rejected.Status)
	}
	l, _ := db.FindCustomerByID(ctx, system, cands[0].Left.ID)
	r, _ := db.FindCustomerByID(ctx, system, cands[0].Right.ID)
	if l.MergedInto == r.ID || r.MergedInto == l.ID {
		t.Errorf("a second run merged the pair a reviewer rejected")
	}
}
