package demo_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/demo"
	"github.com/rapportckm/rapport/resolve"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

var (
	ctx    = context.Background()
	system = rapport.SystemScope("test")
	end    = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
)

func mustFill(tb testing.TB, db *sqldb.DB, opts demo.Options) demo.Summary {
	tb.Helper()
	sum, err := demo.Fill(ctx, db, opts, nil)
	if err != nil {
		tb.Fatalf("fill: %v", err)
	}
	return sum
}

// allCustomers lists every customer the scope sees.
func allCustomers(t *testing.T, db *sqldb.DB, s rapport.Scope) []*rapport.Customer {
	t.Helper()
	var out []*rapport.Customer
	for cursor := ""; ; {
		page, next, err := db.FindCustomers(ctx, s, rapport.CustomerFilter{Cursor: cursor, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if cursor = next; cursor == "" {
			return out
		}
	}
}

func sortedNames(cs []*rapport.Customer) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	slices.Sort(names)
	return names
}

// ownInteractions returns the interactions recorded for the customer itself, leaving
// out those of its people that an organisation's timeline also shows.
func ownInteractions(t *testing.T, db *sqldb.DB, id rapport.ID) []*rapport.Interaction {
	t.Helper()
	var out []*rapport.Interaction
	for cursor := ""; ; {
		page, next, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: id, Cursor: cursor, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range page {
			if in.CustomerID == id {
				out = append(out, in)
			}
		}
		if cursor = next; cursor == "" {
			return out
		}
	}
}

func count(t *testing.T, db *sqldb.DB, s rapport.Scope, f rapport.CustomerFilter) int {
	t.Helper()
	n, err := db.CountCustomers(ctx, s, f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func userByEmail(t *testing.T, db *sqldb.DB, email string) *rapport.User {
	t.Helper()
	users, err := db.FindUsers(ctx, system)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Email == email {
			return u
		}
	}
	t.Fatalf("no user %s", email)
	return nil
}

// fillAll fills a new database for each of the options at once, as each fill spends
// most of its time in its own database.
func fillAll(t *testing.T, opts ...demo.Options) ([]*sqldb.DB, []demo.Summary) {
	t.Helper()
	dbs, sums, errs := make([]*sqldb.DB, len(opts)), make([]demo.Summary, len(opts)), make([]error, len(opts))
	var wg sync.WaitGroup
	for i, o := range opts {
		dbs[i] = sqldbtest.SQLite(t)
		wg.Go(func() { sums[i], errs[i] = demo.Fill(ctx, dbs[i], o, nil) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("fill: %v", err)
	}
	return dbs, sums
}

func TestFill(t *testing.T) {
	const customers = 300
	opts := demo.Options{Customers: customers, Seed: 42, End: end, Password: "correct horse battery"}
	otherSeed := demo.Options{Customers: customers, Seed: 43, End: end} // and a generated password
	dbs, sums := fillAll(t, opts, opts, otherSeed)
	db, sum := dbs[0], sums[0]
	customerList := allCustomers(t, db, system)

	t.Run("SummaryMatchesDatabase", func(t *testing.T) {
		if got := count(t, db, system, rapport.CustomerFilter{Kind: rapport.KindOrganisation}); got != sum.Organisations {
			t.Errorf("got %d organisations, want %d as summarised", got, sum.Organisations)
		}
		if got := count(t, db, system, rapport.CustomerFilter{Kind: rapport.KindPerson}); got != sum.People+sum.Duplicates+sum.Households {
			t.Errorf("got %d people, want %d as summarised (%d, %d of them again in the web shop, %d of their households)",
				got, sum.People+sum.Duplicates+sum.Households, sum.People, sum.Duplicates, sum.Households)
		}
		if got := sum.Organisations + sum.People; got != customers {
			t.Errorf("got %d customers, want %d", got, customers)
		}
		if got, want := float64(sum.Organisations)/customers, 0.2; math.Abs(got-want) > 0.02 {
			t.Errorf("got %.2f organisations per customer, want about %.2f", got, want)
		}
		interactions, links, notes, openings, feedback, questions := 0, 0, 0, 0, 0, 0
		for _, c := range customerList {
			for _, in := range ownInteractions(t, db, c.ID) {
				// Items' and feedback's steps are on the timeline too.
				attrs := string(in.Attributes)
				switch {
				case strings.Contains(attrs, `"question_id"`): // a question to an expert, or its answer
					if strings.Contains(attrs, `"expert_question"`) {
						questions++
					}
				case strings.Contains(attrs, `"item_event":"opened"`):
					openings++
				case strings.Contains(attrs, `"feedback_id"`):
					if !strings.Contains(attrs, `"feedback_event"`) && !strings.Contains(attrs, `"action_event"`) { // not a change of status, nor an action item
						feedback++
					}
				case !strings.Contains(attrs, `"item_id"`):
					interactions++
				}
			}
			ls, err := db.FindLinks(ctx, system, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			links += len(ls)
			ns, _, err := db.FindNotes(ctx, system, rapport.NoteFilter{CustomerID: c.ID, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			notes += len(ns)
		}
		if questions != sum.Questions || sum.Questions == 0 {
			t.Errorf("got %d questions to experts on the timelines, want %d as summarised", questions, sum.Questions)
		}
		if interactions != sum.Interactions {
			t.Errorf("got %d interactions in the timelines, want %d as summarised", interactions, sum.Interactions)
		}
		if openings != sum.Items || sum.Items == 0 {
			t.Errorf("got %d items opened on the timelines, want %d as summarised", openings, sum.Items)
		}
		if feedback != sum.Feedback || sum.Feedback == 0 {
			t.Errorf("got %d pieces of feedback logged on the timelines, want %d as summarised", feedback, sum.Feedback)
		}
		if links/2 != sum.Links { // each link shows at both ends
			t.Errorf("got %d links, want %d as summarised", links/2, sum.Links)
		}
		if notes != sum.Notes || notes == 0 {
			t.Errorf("got %d notes, want %d as summarised (and some)", notes, sum.Notes)
		}
		if got := len(sum.Users); got < 10 || sum.Users[0] != "admin@demo.example" {
			t.Errorf("got users %v, want about a dozen starting with admin@demo.example", sum.Users)
		}
		if !slices.Contains(sum.Teams, "Corporate Finance") || len(sum.Teams) < 5 {
			t.Errorf("got teams %v, want several including Corporate Finance", sum.Teams)
		}
	})

	t.Run("InteractionVolume", func(t *testing.T) {
		want := 100 * customers
		if got := sum.Interactions; math.Abs(float64(got-want)) > 0.15*float64(want) {
			t.Errorf("got %d interactions, want %d ± 15%%", got, want)
		}
	})

	t.Run("SomeStoppedBuying", func(t *testing.T) {
		// About a fifth of the customers who bought often bought for the last time months ago.
		buyers, stopped := 0, 0
		for _, c := range customerList {
			var last time.Time
			orders := 0
			for _, in := range ownInteractions(t, db, c.ID) {
				if in.Type == "order" {
					orders++
					if in.OccurredAt.After(last) {
						last = in.OccurredAt
					}
				}
			}
			if orders >= 5 {
				buyers++
				if last.Before(end.AddDate(0, 0, -120)) {
					stopped++
				}
			}
		}
		if share := float64(stopped) / float64(buyers); buyers < 50 || share < 0.14 || share > 0.4 { // without any lapsing, some 8 %
			t.Errorf("%d of %d customers with five orders or more last ordered over 120 days ago, want about a fifth", stopped, buyers)
		}
	})

	t.Run("InteractionsLookReal", func(t *testing.T) {
		big, _, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Tag: "key-account", Limit: 500})
		if err != nil || len(big) == 0 {
			t.Fatalf("got %d key accounts (%v), want some", len(big), err)
		}
		start := end.AddDate(-3, 0, 0)
		types := map[rapport.InteractionType]bool{}
		for _, in := range ownInteractions(t, db, big[0].ID) {
			types[in.Type] = true
			if in.Source == "" || in.SourceKey == "" {
				t.Errorf("interaction %q has no source key", in.Summary)
			}
			if in.OccurredAt.Before(start) || !in.OccurredAt.Before(end) {
				t.Errorf("interaction %q occurred at %s, want within the three years before %s", in.Summary, in.OccurredAt, end)
			}
			if (in.Type == "order" || in.Type == "transaction") && (in.Amount == nil || in.Currency == "") {
				t.Errorf("%s %q has amount %v %q, want an amount and a currency", in.Type, in.Summary, in.Amount, in.Currency)
			}
		}
		if len(types) < 8 {
			t.Errorf("got interactions of %d types on the largest account, want a varied history", len(types))
		}
	})

	t.Run("Deterministic", func(t *testing.T) {
		again, sum2 := dbs[1], sums[1]
		if !slices.Equal(sortedNames(allCustomers(t, again, system)), sortedNames(customerList)) {
			t.Error("got different customer names from the same seed, want the same")
		}
		if sum2.Interactions != sum.Interactions || sum2.Links != sum.Links || sum2.Notes != sum.Notes {
			t.Errorf("got %d interactions, %d links, %d notes from the same seed, want %d, %d, %d",
				sum2.Interactions, sum2.Links, sum2.Notes, sum.Interactions, sum.Links, sum.Notes)
		}

		other, sum3 := dbs[2], sums[2]
		if slices.Equal(sortedNames(allCustomers(t, other, system)), sortedNames(customerList)) {
			t.Error("got the same customer names from another seed, want different ones")
		}
		if len(sum3.Password) < 12 {
			t.Errorf("got generated password %q, want at least 12 characters", sum3.Password)
		}
		if _, err := other.Authenticate(ctx, "admin@demo.example", sum3.Password, "127.0.0.1"); err != nil {
			t.Errorf("sign in with the generated password: got %v, want success", err)
		}
	})

	t.Run("Wall", func(t *testing.T) {
		walls, err := db.FindWalls(ctx, system)
		if err != nil || len(walls) != 1 {
			t.Fatalf("got %d walls (%v), want 1", len(walls), err)
		}
		w := walls[0]
		if w.Name != sum.Wall || w.Covered != sum.Walled {
			t.Errorf("got wall %q covering %d, want %q covering %d as summarised", w.Name, w.Covered, sum.Wall, sum.Walled)
		}
		if share := float64(w.Covered) / customers; share < 0.01 || share > 0.08 {
			t.Errorf("got %.1f%% of customers behind the wall, want 2-5%% (1-8%% at this size)", 100*share)
		}
		admin := rapport.StaffScope(userByEmail(t, db, "admin@demo.example"), "test", "")
		agent := rapport.StaffScope(userByEmail(t, db, "liam.oconnor@demo.example"), "test", "")
		finance := rapport.StaffScope(userByEmail(t, db, "margaret.ellis@demo.example"), "test", "")
		all := count(t, db, admin, rapport.CustomerFilter{})
		if got := count(t, db, agent, rapport.CustomerFilter{}); got != all-w.Covered {
			t.Errorf("got %d customers for a sales agent, want %d (all %d but the %d behind the wall)", got, all-w.Covered, all, w.Covered)
		}
		if got := count(t, db, finance, rapport.CustomerFilter{}); got != all {
			t.Errorf("got %d customers for Corporate Finance, want all %d", got, all)
		}
	})

	t.Run("FillTwice", func(t *testing.T) {
		before := count(t, db, system, rapport.CustomerFilter{})
		users, _ := db.CountUsers(ctx)
		_, err := demo.Fill(ctx, db, opts, nil)
		if got := rapport.ErrorCode(err); got != rapport.ECONFLICT {
			t.Fatalf("got error %v (code %q), want %q", err, got, rapport.ECONFLICT)
		}
		if got := count(t, db, system, rapport.CustomerFilter{}); got != before {
			t.Errorf("got %d customers after the refused fill, want %d", got, before)
		}
		if got, _ := db.CountUsers(ctx); got != users {
			t.Errorf("got %d users after the refused fill, want %d", got, users)
		}
	})

	// Last, as it merges customers: identity resolution finds the web shop's second
	// records, and leaves the members of a household to a reviewer.
	t.Run("WebShopDuplicates", func(t *testing.T) {
		if sum.Duplicates == 0 || sum.Households == 0 {
			t.Fatalf("got %d duplicates and %d household members, want some of each", sum.Duplicates, sum.Households)
		}
		res, err := resolve.Run(ctx, db, system, resolve.DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		merged := 0
		for _, c := range allCustomers(t, db, system) {
			merges, err := db.FindMerges(ctx, system, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range merges {
				merged++
				given, _, _ := strings.Cut(c.Name, " ")
				other, _, _ := strings.Cut(m.MergedName, " ")
				if !sameGivenName(given, other) {
					t.Errorf("%s was merged into %s: different people of one household", m.MergedName, c.Name)
				}
			}
		}
		if merged != res.Merged || merged < sum.Duplicates/2 {
			t.Errorf("got %d merges (the run says %d), want at least half of the %d duplicates", merged, res.Merged, sum.Duplicates)
		}
		queue, _, err := db.FindMatchCandidates(ctx, system, rapport.MatchFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		// Few household members wait for review: their shared family name and address
		// count once each, against a different given name. Those that do are marked.
		households := 0
		for _, m := range queue {
			left, _, _ := strings.Cut(m.Left.Name, " ")
			right, _, _ := strings.Cut(m.Right.Name, " ")
			if sameGivenName(left, right) {
				continue
			}
			households++
			if !slices.Contains(m.Conflicts(), "given_name") {
				t.Errorf("%s and %s wait for review without the given name marked as the difference: %+v", m.Left.Name, m.Right.Name, m.Explanation)
			}
		}
		if households > sum.Households/2 {
			t.Errorf("%d of the %d household members wait for review as likely duplicates", households, sum.Households)
		}
	})
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		opts demo.Options
	}{
		{"TooFewCustomers", demo.Options{Customers: 3}},
		{"ShortPassword", demo.Options{Customers: 100, Password: "short"}},
		{"EndFarAhead", demo.Options{Customers: 100, End: time.Now().AddDate(2, 0, 0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqldbtest.SQLite(t)
			_, err := demo.Fill(ctx, db, tt.opts, nil)
			if got := rapport.ErrorCode(err); got != rapport.EINVALID {
				t.Errorf("got error %v (code %q), want %q", err, got, rapport.EINVALID)
			}
			if n, _ := db.CountUsers(ctx); n != 0 {
				t.Errorf("got %d users after invalid options, want none written", n)
			}
		})
	}
}

// BenchmarkFill fills a new SQLite database with 10,000 customers (about a million
// interactions) per iteration: go test -run XXX -bench Fill -benchtime 1x ./demo/
func BenchmarkFill(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		db := sqldbtest.SQLite(b)
		b.StartTimer()
		sum := mustFill(b, db, demo.Options{Customers: 10_000, Seed: 1, End: end, Password: "correct horse battery"})
		b.ReportMetric(float64(sum.Interactions), "interactions")
	}
}

// sameGivenName reports whether two given names are one, or one is the other's initial
// ("M." for "Margaux"), as the web shop's second records write them.
func sameGivenName(a, b string) bool {
	initial := func(s string) string { return string([]rune(s)[:1]) + "." }
	return a == b || a == initial(b) || b == initial(a)
}

// TestFillWithClock fills as rapport demo does, with the store's clock turned, so that
// twelve weeks of help centre reading are written too: many anonymous visitors rate an
// article on one day, each from an address of their own. Its 400 customers are enough
// for web shop records, households, feedback and overdue action items, each of which
// must keep to the customers' dates; its end is long past, as a demo made a while ago.
func TestFillWithClock(t *testing.T) {
	db := sqldbtest.SQLite(t)
	opts := demo.Options{Customers: 400, Seed: 1, End: end, Password: "correct horse battery",
		SetNow: func(now func() time.Time) { db.Now = now }}
	mustFill(t, db, opts)
	db.Now = func() time.Time { return end }
	in, err := db.KnowledgeInsights(ctx, system, 12)
	if err != nil {
		t.Fatal(err)
	}
	ratings := 0
	for _, w := range in.Weeks {
		ratings += w.Ratings
	}
	if ratings == 0 {
		t.Errorf("got no ratings of articles in the last twelve weeks, want the demo's")
	}

	// Customers came in over the three years, each no later than its first interaction,
	// so some records are a year old and unchanged (stale) and some are new.
	// Notes are written on days of the last two years, none before its customer came in,
	// in office hours: those on customers in Germany and Austria (UTC+1 in the demo) on
	// weekdays from 8:00 to 18:00 their time. No customer has the same note twice.
	start, yearAgo := end.AddDate(-3, 0, 0), end.AddDate(-1, 0, 0)
	var old, recent, notes, oldNotes, localNotes int
	for _, c := range allCustomers(t, db, system) {
		ns, _, err := db.FindNotes(ctx, system, rapport.NoteFilter{CustomerID: c.ID, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		said := map[string]bool{}
		for _, n := range ns {
			if n.CreatedAt.Before(c.CreatedAt) || n.CreatedAt.Before(end.AddDate(-2, 0, 0)) || n.CreatedAt.After(end) {
				t.Errorf("a note on %s (came in on %s) was written on %s, want within the two years before %s", c.Name, c.CreatedAt, n.CreatedAt, end)
			}
			if notes++; n.CreatedAt.Before(yearAgo) {
				oldNotes++
			}
			if said[n.Body] {
				t.Errorf("%s has the note %q twice", c.Name, n.Body)
			}
			said[n.Body] = true
			if local := n.CreatedAt.Add(time.Hour); c.Language == "de" && !n.CreatedAt.Equal(c.CreatedAt) {
				localNotes++
				if local.Weekday() == time.Saturday || local.Weekday() == time.Sunday || local.Hour() < 8 || local.Hour() >= 18 {
					t.Errorf("a note on %s was written at %s local time, want a weekday between 8:00 and 18:00", c.Name, local.Format("Mon 15:04"))
				}
			}
		}
		if c.CreatedAt.Before(start) || c.CreatedAt.After(end) {
			t.Errorf("%s came in on %s, outside the data's three years", c.Name, c.CreatedAt)
		}
		if c.UpdatedAt.Before(yearAgo) {
			old++
		} else if c.CreatedAt.After(yearAgo) {
			recent++
		}
		for _, in := range ownInteractions(t, db, c.ID) {
			if in.OccurredAt.Before(c.CreatedAt) {
				t.Fatalf("%s came in on %s, after its interaction of %s (%s %s %s)", c.Name, c.CreatedAt, in.OccurredAt, in.Type, in.Source, in.Summary)
			}
		}
	}
	if old == 0 || recent == 0 {
		t.Errorf("customers unchanged for a year: %d, come in within the year: %d; want some of each", old, recent)
	}
	if oldNotes == 0 || oldNotes == notes {
		t.Errorf("%d of %d notes are over a year old; want some, not all", oldNotes, notes)
	}
	if localNotes == 0 {
		t.Errorf("no notes on customers in Germany or Austria to check the hours of")
	}
}

// TestFillOwnersReview: with the clock turned, account managers keep their customers'
// records current, some more than others, so that Data quality tells them apart. The
// demo ends today here, as rapport demo's does.
func TestFillOwnersReview(t *testing.T) {
	db := sqldbtest.SQLite(t)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	mustFill(t, db, demo.Options{Customers: 300, Seed: 1, End: today, Password: "correct horse battery",
		SetNow: func(now func() time.Time) { db.Now = now }})
	owners, err := db.OwnerQualities(ctx, system)
	if err != nil {
		t.Fatal(err)
	}
	least, most, counted := 101, -1, 0
	for _, o := range owners {
		if !o.OwnerID.IsZero() && o.Customers >= 10 {
			least, most, counted = min(least, o.Current()), max(most, o.Current()), counted+1
		}
	}
	if counted < 3 || most-least < 35 {
		t.Errorf("%d owners of ten customers or more keep %d–%d %% of them current, want three or more, further apart: %+v", counted, least, most, owners)
	}
}
