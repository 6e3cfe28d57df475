package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

func TestContract(t *testing.T) {
	sqldbtest.Run(t, open)
}

func open(t *testing.T) *sqldb.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMigrateTwice(t *testing.T) {
	db := open(t)
	applied, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("got %v applied again, want none", applied)
	}
}

func openBench(b *testing.B) *sqldb.DB {
	db, err := sqlite.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return db
}
