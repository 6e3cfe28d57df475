package postgres_test

import (
	"context"
	"testing"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

func TestContract(t *testing.T) {
	sqldbtest.Run(t, sqldbtest.Postgres)
}

// TestSharedDatabase runs sqldbtest.SharedDatabase on two pools on one database, as two
// processes would have.
func TestSharedDatabase(t *testing.T) {
	url := sqldbtest.PostgresURL(t)
	open := func() *sqldb.DB {
		db, err := postgres.Open(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}
	sqldbtest.SharedDatabase(t, open)
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
			sqldbtest.BenchmarkIngest(b, sqldbtest.Postgres(b), grouped)
		})
	}
}
