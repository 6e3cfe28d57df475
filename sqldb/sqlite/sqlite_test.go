package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqlite"

	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

func TestContract(t *testing.T) {
	sqldbtest.Run(t, sqldbtest.SQLite)
}

func TestMigrateTwice(t *testing.T) {
	db := sqldbtest.SQLite(t)
	applied, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("got %v applied again, want none", applied)
	}
}

// TestSharedDatabase runs sqldbtest.SharedDatabase on two handles on one file, as two
// processes would have.
func TestSharedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rapport.db")
	sqldbtest.SharedDatabase(t, func() (*sqldb.DB, error) { return sqlite.Open(path) })
}

// migratedFile opens a new, migrated database in a file of the test's, for tests that
// also read the file behind the store's back; it is closed when the test ends.
func migratedFile(t *testing.T) (*sqldb.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rapport.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// TestAttemptsKeptOneWindow: a sign-in attempt that has left the window in which it
// counts is deleted, with the addresses it holds, when the next is recorded.
func TestAttemptsKeptOneWindow(t *testing.T) {
	ctx := context.Background()
	db, path := migratedFile(t)
	clock := time.Now()
	db.Now = func() time.Time { return clock }
	if _, err := db.Authenticate(ctx, "old@example.com", "a wrong guess", "10.0.0.1"); err == nil {
		t.Fatal("a sign-in of no one succeeded")
	}
	clock = clock.Add(25 * time.Hour)
	if _, err := db.Authenticate(ctx, "new@example.com", "a wrong guess", "10.0.0.2"); err == nil {
		t.Fatal("a sign-in of no one succeeded")
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var emails string
	if err := raw.QueryRow(`SELECT group_concat(email) FROM sign_in_attempts`).Scan(&emails); err != nil {
		t.Fatal(err)
	}
	if emails != "new@example.com" {
		t.Errorf("the attempts kept are of %q, want only the one in the window", emails)
	}
}

// TestRatingAddressesKeptOneDay: the network address of an anonymous rating, which
// limits new ratings from it for a day, is forgotten when the next rating comes after
// that day; a signed-in customer's rating keeps none.
func TestRatingAddressesKeptOneDay(t *testing.T) {
	ctx := context.Background()
	db, path := migratedFile(t)
	clock := time.Now()
	db.Now = func() time.Time { return clock }
	sys := rapport.SystemScope("test")
	a, err := db.CreateArticle(ctx, sys, rapport.ArticleInput{Title: "Reset your password", Publish: true})
	if err != nil {
		t.Fatal(err)
	}
	c := &rapport.Customer{Kind: rapport.KindPerson, Name: "Otto Open"}
	if err := db.CreateCustomer(ctx, sys, c); err != nil {
		t.Fatal(err)
	}
	rate := func(s rapport.Scope, visitor string) {
		t.Helper()
		if _, err := db.RateArticle(ctx, s, a.ID, visitor, rapport.ArticleRating{Rating: 4}); err != nil {
			t.Fatal(err)
		}
	}
	rate(rapport.PortalScope("10.0.0.1"), "yesterday")
	clock = clock.Add(25 * time.Hour)
	rate(rapport.PortalScope("10.0.0.2"), "today")
	rate(rapport.CustomerScope(c.ID, "10.0.0.3"), "")
	raw, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var addrs string
	if err := raw.QueryRow(`SELECT group_concat(reader || '=' || addr, ' ') FROM (SELECT reader, addr FROM kb_ratings ORDER BY created_at)`).Scan(&addrs); err != nil {
		t.Fatal(err)
	}
	if want := "v:yesterday= v:today=10.0.0.2 c:" + c.ID.String() + "="; addrs != want {
		t.Errorf("the ratings keep the addresses %q, want %q", addrs, want)
	}
}

// TestMailedKeysCut: mails that reached timelines before their links' keys were cut
// lose them when the database is migrated; other text stays as it was.
func TestMailedKeysCut(t *testing.T) {
	ctx := context.Background()
	db, path := migratedFile(t)
	c := &rapport.Customer{Kind: rapport.KindPerson, Name: "Otto Open"}
	if err := db.CreateCustomer(ctx, rapport.SystemScope("test"), c); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	mail := "Answer here: https://crm.example/portal/survey/AbC-123_xyz\nOr call us."
	note := "Sent him /portal/survey/AbC-123_xyz by hand"
	for _, in := range []struct{ id, actor, body string }{{"01a20b20-0000-7000-8000-000000000001", "rapport", mail}, {"01a20b20-0000-7000-8000-000000000002", "someone", note}} {
		id, _ := rapport.ParseID(in.id)
		if _, err := raw.Exec(`INSERT INTO interactions (id, customer_id, recorded_customer_id, type, channel, occurred_at, actor_kind, actor_id, summary, body, currency, attributes, created_at)
			VALUES (?, ?, ?, 'email', 'email', ?, 'system', ?, 'Your opinion', ?, '', '{}', ?)`, id, c.ID, c.ID, time.Now().UTC(), in.actor, in.body, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = '0045_cut_mailed_keys.go'`); err != nil {
		t.Fatal(err)
	}
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) != 1 {
		t.Fatalf("migrate again: %v, %v", applied, err)
	}
	var bodies []string
	rows, err := raw.Query(`SELECT body FROM interactions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var b string
		rows.Scan(&b)
		bodies = append(bodies, b)
	}
	rows.Close()
	if len(bodies) != 2 || bodies[0] != "Answer here: https://crm.example/portal/survey/…\nOr call us." || bodies[1] != note {
		t.Errorf("the bodies after migrating: %q", bodies)
	}
}

// TestSharedSetup runs sqldbtest.SharedSetup on two handles on one file.
func TestSharedSetup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rapport.db")
	sqldbtest.SharedSetup(t, func() (*sqldb.DB, error) { return sqlite.Open(path) })
}
