package postgres_test

import (
	"strings"
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

// TestSharedSetup runs sqldbtest.SharedSetup on two pools on one database.
func TestSharedSetup(t *testing.T) {
	url := sqldbtest.PostgresURL(t)
	sqldbtest.SharedSetup(t, func() (*sqldb.DB, error) { return postgres.Open(url) })
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

// TestPoolSize reads pool_max_conns from the URL, as pgxpool does, and refuses a
// value that is not a count; the read log's writer has a connection besides.
func TestPoolSize(t *testing.T) {
	base := sqldbtest.PostgresURL(t)
	db, err := postgres.Open(base + "&pool_max_conns=3")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Stats()["main"].MaxOpenConnections; got != 3 {
		t.Errorf("pool_max_conns=3 opened a pool of %d", got)
	}
	if got := db.Stats()["read_log"].MaxOpenConnections; got != 1 {
		t.Errorf("the read log has %d connections, want one of its own", got)
	}
	if _, err := postgres.Open(base + "&pool_max_conns=many"); err == nil || !strings.Contains(err.Error(), `pool_max_conns in the PostgreSQL URL must be a whole number of at least 1, not "many"`) {
		t.Errorf("pool_max_conns=many: got %v", err)
	}
}
