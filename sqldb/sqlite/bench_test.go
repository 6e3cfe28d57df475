package sqlite_test

import (
	"fmt"
	"testing"

	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// BenchmarkIngestInteractions writes interactions for 10,000 customers in
// transactions of 10,000 rows: go test -bench Ingest ./sqldb/sqlite/
func BenchmarkIngestInteractions(b *testing.B) {
	for _, order := range []string{"scattered", "grouped"} {
		b.Run(fmt.Sprint(order), func(b *testing.B) {
			sqldbtest.BenchmarkIngest(b, sqldbtest.SQLite(b), order == "grouped")
		})
	}
}
