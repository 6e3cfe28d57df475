package postgres_test

import (
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
	sqldbtest.SharedDatabase(t, func() (*sqldb.DB, error) { return postgres.Open(url) })
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
