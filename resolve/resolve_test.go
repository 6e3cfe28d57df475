package resolve_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"strings"
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
// keeping its ground truth in the attribute person_id.
func loadPeople(t testing.TB, db *sqldb.DB, n int) {
	t.Helper()
	ingest(t, db, people(t, n))
}

// people makes n synthetic people (30 % duplicates) as customers of one source, each
// keeping its ground truth in the attribute person_id.
func people(t testing.TB, n int) []rapport.IncomingCustomer {
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
	return in
}

func ingest(t testing.TB, db *sqldb.DB, in []rapport.IncomingCustomer) {
	t.Helper()
	res, err := db.IngestCustomers(ctx, system, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rejected > 0 {
		t.Fatalf("rejected %d rows: %+v", res.Rejected, res.Errors[:1])
	}
}

// groundTruth maps every customer to its person_id. Read it before resolution, while
// every customer is listed.
func groundTruth(t testing.TB, db *sqldb.DB) map[rapport.ID]string {
	truth := map[rapport.ID]string{}
	for cursor := ""; ; {
		page, next, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			var a struct {
				PersonID string `json:"person_id"`
			}
			json.Unmarshal(c.Attributes, &a)
			truth[c.ID] = a.PersonID
		}
		if cursor = next; cursor == "" {
			return truth
		}
	}
}

// outcome counts what resolution did against the ground truth: the duplicates there
// were, the customers merged into another, and how many of those joined two people.
type outcome struct{ duplicates, merged, wrong int }

func measure(t testing.TB, db *sqldb.DB, truth map[rapport.ID]string) (outcome, map[rapport.ID]bool) {
	people := map[string]bool{}
	for _, p := range truth {
		people[p] = true
	}
	o := outcome{duplicates: len(truth) - len(people)}
	recs, err := db.IdentityRecords(ctx, system)
	if err != nil {
		t.Fatal(err)
	}
	profiles := map[rapport.ID]bool{} // customers that others were merged into
	for _, r := range recs {
		if r.ID != r.ProfileID {
			o.merged++
			profiles[r.ProfileID] = true
			if truth[r.ID] != truth[r.ProfileID] {
				o.wrong++
			}
		}
	}
	return o, profiles
}

// profilesOf maps every record to the customer it belongs to now.
func profilesOf(t testing.TB, db *sqldb.DB) map[rapport.ID]rapport.ID {
	recs, err := db.IdentityRecords(ctx, system)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[rapport.ID]rapport.ID, len(recs))
	for _, r := range recs {
		out[r.ID] = r.ProfileID
	}
	return out
}

func TestRun(t *testing.T) {
	db := sqldbtest.SQLite(t)
	loadPeople(t, db, 3000)
	truth := groundTruth(t, db)
	sum, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d customers before: %s", len(truth), sum)
	if sum.Merged == 0 || sum.Proposed == 0 {
		t.Fatalf("got %s, want merges and proposals", sum)
	}

	// Every automatic merge joined records of one person (a merged customer keeps its
	// own attributes, so its ground truth is still there).
	o, profiles := measure(t, db, truth)
	for id := range profiles {
		merges, err := db.FindMerges(ctx, system, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range merges {
			if m.Reason != rapport.MergeAutomatic {
				t.Errorf("got reason %s, want automatic", m.Reason)
			}
		}
	}
	if o.merged != sum.Merged || float64(o.wrong) > 0.02*float64(o.merged) {
		t.Errorf("%d of %d automatic merges joined different people (found %d merges), want at most 2 %%", o.wrong, o.merged, sum.Merged)
	}
	t.Logf("merged %d of %d duplicates, %d wrongly", o.merged, o.duplicates, o.wrong)
	if o.merged-o.wrong < o.duplicates/2 {
		t.Errorf("merged %d correctly of %d duplicates, want at least half without asking anyone", o.merged-o.wrong, o.duplicates)
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
		if truth[c.Left.ID] == truth[c.Right.ID] {
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

	// Reviewers work through the queue; the next run learns from their decisions.
	pending, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range pending {
		if _, err := db.DecideMatch(ctx, system, c.ID, truth[c.Left.ID] == truth[c.Right.ID]); err != nil && rapport.ErrorCode(err) != rapport.ECONFLICT {
			t.Fatal(err)
		}
	}
	third, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after %d decisions: %s", len(pending)+1, third)
	if !strings.Contains(third.Calibration, "calibrated by") {
		t.Errorf("the third run did not learn from %d decisions: %s", len(pending)+1, third.Calibration)
	}
}

// TestNew resolves customers as they arrive: the first 2,400 of 3,000 people arrive
// with no model yet, so a full run learns one; the other 600, among them duplicates of
// the first, are resolved against the others with it, as well as a full run would.
func TestNew(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *sqldb.DB{"SQLite": sqldbtest.SQLite, "PostgreSQL": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			in := people(t, 3000)
			rng := rand.New(rand.NewPCG(3, 3))
			rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
			ingest(t, db, in[:2400])
			truth := groundTruth(t, db) // while every customer is listed
			first, err := resolve.New(ctx, db, system, resolve.DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			if first.Arrivals || first.Merged == 0 {
				t.Fatalf("without a model: %s, want a full run that merges", first)
			}
			if waiting := waitingCount(t, db); waiting != 0 {
				t.Fatalf("%d customers still wait after a full run", waiting)
			}
			before, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}

			ingest(t, db, in[2400:])
			maps.Copy(truth, groundTruth(t, db))
			waiting := waitingCount(t, db)
			arrived, err := resolve.New(ctx, db, system, resolve.DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("first: %s; then: %s", first, arrived)
			if !arrived.Arrivals || arrived.Customers != waiting || arrived.Merged == 0 || arrived.Records >= len(truth) {
				t.Fatalf("got %s for %d waiting of %d customers, want only them resolved, with merges", arrived, waiting, len(truth))
			}
			if w := waitingCount(t, db); w != 0 {
				t.Errorf("%d customers still wait", w)
			}
			o, _ := measure(t, db, truth)
			if float64(o.wrong) > 0.02*float64(o.merged) {
				t.Errorf("%d of %d merges joined different people, want at most 2 %%", o.wrong, o.merged)
			}
			// The review queue of the full run is still there.
			for _, c := range before {
				if _, err := db.FindMatchCandidate(ctx, system, c.ID); rapport.ErrorCode(err) == rapport.ENOTFOUND {
					t.Fatalf("resolving arrivals withdrew %s and %s from review", c.Left.Name, c.Right.Name)
				}
			}
			// A full run now finds little that New left: it saw what matters.
			full, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("full run after: %s", full)
			if full.Merged > max(3, arrived.Merged/5) {
				t.Errorf("a full run after New merged %d more, New merged %d", full.Merged, arrived.Merged)
			}
			if again, err := resolve.New(ctx, db, system, resolve.DefaultOptions); err != nil || !again.Arrivals || again.Customers != 0 {
				t.Errorf("with nothing waiting: %s, %v", again, err)
			}
		})
	}
}

func waitingCount(t testing.TB, db *sqldb.DB) int {
	t.Helper()
	_, waiting, err := db.QueuedIdentities(ctx, system, 1)
	if err != nil {
		t.Fatal(err)
	}
	return waiting
}

// BenchmarkRun resolves 100,000 synthetic people imported as customers (the import is
// not timed) and reports the quality of the merges and of the review queue.
//
//	go test -run '^$' -bench Run -benchtime 1x ./resolve
func BenchmarkRun(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db := sqldbtest.SQLite(b)
		loadPeople(b, db, 100_000)
		truth := groundTruth(b, db)
		b.StartTimer()
		sum, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		o, _ := measure(b, db, truth)
		queued, same := 0, 0
		for cursor := ""; ; {
			page, next, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 200, Cursor: cursor})
			if err != nil {
				b.Fatal(err)
			}
			for _, c := range page {
				queued++
				if truth[c.Left.ID] == truth[c.Right.ID] {
					same++
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		b.Logf("%d customers, %d duplicates: %s; %d wrong merges; review queue %d pairs, %d of one person", len(truth), o.duplicates, sum, o.wrong, queued, same)
		b.ReportMetric(float64(o.merged-o.wrong)/float64(o.merged), "precision")
		b.ReportMetric(float64(o.merged-o.wrong)/float64(o.duplicates), "recall")
		b.ReportMetric(float64(same)/float64(max(queued, 1)), "queue-precision")
	}
}

// BenchmarkNew resolves 1,000 customers arriving among 100,000 synthetic people (30 %
// duplicates): the first 99,000 are imported and resolved by a full run, then the last
// 1,000 arrive and New resolves them (timed). A full run over all of them, what each
// arrival cost before New, is timed after for comparison.
//
//	go test -run '^$' -bench New -benchtime 1x ./resolve
func BenchmarkNew(b *testing.B) {
	for range b.N {
		b.StopTimer()
		db := sqldbtest.SQLite(b)
		in := people(b, 100_000)
		rng := rand.New(rand.NewPCG(3, 3))
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		ingest(b, db, in[:99_000])
		truth := groundTruth(b, db)
		first, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
		ingest(b, db, in[99_000:])
		before := profilesOf(b, db)
		maps.Copy(truth, groundTruth(b, db))
		b.StartTimer()
		arrived, err := resolve.New(ctx, db, system, resolve.DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		// What New joined: the records now in another customer than before, wrongly
		// when that customer is another person.
		joined, wrong := 0, 0
		for id, profile := range profilesOf(b, db) {
			if profile != before[id] {
				joined++
				if truth[id] != truth[profile] {
					wrong++
				}
			}
		}
		full, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("full run: %s\narrivals: %s; %d records joined another customer, %d of them another person\nfull run after: %s",
			first, arrived, joined, wrong, full)
		b.ReportMetric(arrived.Took.Seconds(), "new-s")
		b.ReportMetric(full.Took.Seconds(), "full-s")
		b.ReportMetric(float64(full.Merged), "full-merged-after")
	}
}

// TestWallsKeptApart: customers that walls cover differently are never merged
// automatically, even when they share an e-mail address, by a full run or as they
// arrive: the pair goes to review instead. Customers no wall covers merge as before.
func TestWallsKeptApart(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *sqldb.DB{"SQLite": sqldbtest.SQLite, "PostgreSQL": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) {
			db := open(t)
			loadPeople(t, db, 600)
			person := func(email string) *rapport.Customer {
				c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Wilhelmina", FamilyName: "Oyelaran-Brandt",
					Emails: []rapport.ContactPoint{{Value: email}}, Phones: []rapport.ContactPoint{{Value: "+44 20 7946 0321"}}}
				if err := db.CreateCustomer(ctx, system, c); err != nil {
					t.Fatal(err)
				}
				return c
			}
			walled := person("w.oyelaran@example.org")
			team := &rapport.Team{Name: "Deals", Function: "sales"}
			if err := db.CreateTeam(ctx, system, team); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateWall(ctx, system, &rapport.Wall{Name: "Falcon"}, []rapport.ID{team.ID}, []rapport.ID{walled.ID}); err != nil {
				t.Fatal(err)
			}
			if _, err := resolve.Run(ctx, db, system, resolve.DefaultOptions); err != nil {
				t.Fatal(err)
			}
			open := person("w.oyelaran@example.org") // an outsider enters the walled person
			again := person("wilhelmina@example.net")
			sum, err := resolve.New(ctx, db, system, resolve.DefaultOptions)
			if err != nil || !sum.Arrivals {
				t.Fatalf("arrivals: %s, %v", sum, err)
			}
			profiles := profilesOf(t, db)
			if profiles[open.ID] != profiles[again.ID] {
				t.Errorf("two customers no wall covers, alike but for the e-mail, were not merged: the test cannot tell")
			}
			if profiles[open.ID] == walled.ID || profiles[again.ID] == walled.ID {
				t.Errorf("a customer outside the wall was merged into the walled one as it arrived")
			}
			if _, err := resolve.Run(ctx, db, system, resolve.DefaultOptions); err != nil {
				t.Fatal(err)
			}
			if profiles := profilesOf(t, db); profiles[open.ID] == walled.ID || profiles[walled.ID] != walled.ID {
				t.Errorf("a full run merged across the wall")
			}
			candidates, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			proposed := false
			for _, c := range candidates {
				proposed = proposed || c.Left.ID == walled.ID || c.Right.ID == walled.ID
			}
			if !proposed {
				t.Errorf("the pair across the wall is not proposed for review")
			}
		})
	}
}
