package sqldbtest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// SQLite opens a new, migrated SQLite database in a temporary directory, closed when
// the test ends.
func SQLite(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "rapport.db"))
	if err != nil {
		tb.Fatal(err)
	}
	return migrated(tb, db)
}

// Postgres opens a new, migrated database in a schema of its own on the server that
// RAPPORT_TEST_POSTGRES names, dropped when the test ends. Without the variable the test
// is skipped, unless RAPPORT_TEST_REQUIRE names postgres (as scripts/test sets it), so
// that CI cannot pass by skipping.
func Postgres(tb testing.TB) *sqldb.DB {
	tb.Helper()
	db, err := postgres.Open(PostgresURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return migrated(tb, db)
}

// PostgresAndSQL is Postgres, with a plain pool of connections to the same schema, for
// tests that look at what PostgreSQL itself records; closed when the test ends.
func PostgresAndSQL(tb testing.TB) (*sqldb.DB, *sql.DB) {
	tb.Helper()
	url := PostgresURL(tb)
	db, err := postgres.Open(url)
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := sql.Open("pgx", url)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { raw.Close() })
	return migrated(tb, db), raw
}

// PostgresURL makes an empty schema of its own for a test, dropped when the test ends,
// and returns the address of a database that uses it; the test is skipped as Postgres
// says.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("RAPPORT_TEST_POSTGRES")
	if base == "" {
		if strings.Contains(os.Getenv("RAPPORT_TEST_REQUIRE"), "postgres") {
			tb.Fatal("RAPPORT_TEST_POSTGRES is not set, and RAPPORT_TEST_REQUIRE says PostgreSQL tests must run")
		}
		tb.Skip("RAPPORT_TEST_POSTGRES is not set; PostgreSQL tests skipped (scripts/test sets it)")
	}
	schema := "test_" + strings.ReplaceAll(rapport.NewID().String(), "-", "")
	admin := func(statement string) error {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return err
		}
		defer a.Close()
		_, err = a.Exec(statement)
		return err
	}
	if err := admin("CREATE SCHEMA " + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { admin("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrated(tb testing.TB, db *sqldb.DB) *sqldb.DB {
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}
