package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

func TestContract(t *testing.T) {
	sqldbtest.Run(t, Open)
}

// Open gives each test its own schema in the server named by RAPPORT_TEST_POSTGRES,
// dropped when the test ends. Without the variable the test is skipped, unless
// RAPPORT_TEST_REQUIRE names postgres (as the test script sets it), so that CI cannot
// pass by skipping.
func Open(t *testing.T) *sqldb.DB { return OpenTB(t) }

// OpenTB is Open for tests and benchmarks.
func OpenTB(t testing.TB) *sqldb.DB {
	t.Helper()
	base := os.Getenv("RAPPORT_TEST_POSTGRES")
	if base == "" {
		if strings.Contains(os.Getenv("RAPPORT_TEST_REQUIRE"), "postgres") {
			t.Fatal("RAPPORT_TEST_POSTGRES is not set, and RAPPORT_TEST_REQUIRE says PostgreSQL tests must run")
		}
		t.Skip("RAPPORT_TEST_POSTGRES is not set; PostgreSQL tests skipped (scripts/test sets it)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "test_" + strings.ReplaceAll(rapport.NewID().String(), "-", "")
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(fmt.Errorf("migrate: %w", err))
	}
	return db
}

// BenchmarkIngestInteractions writes interactions for 10,000 customers in
// transactions of 10,000 rows: go test -bench Ingest ./sqldb/postgres/
func BenchmarkIngestInteractions(b *testing.B) {
	for _, grouped := range []bool{false, true} {
		name := "scattered"
		if grouped {
			name = "grouped"
		}
		b.Run(name, func(b *testing.B) {
			sqldbtest.BenchmarkIngest(b, OpenTB(b), grouped)
		})
	}
}
