package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

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
