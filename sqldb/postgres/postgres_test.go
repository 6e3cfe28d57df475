package postgres_test

import (
	"testing"

	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

func TestContract(t *testing.T) {
	sqldbtest.Run(t, sqldbtest.Postgres)
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
