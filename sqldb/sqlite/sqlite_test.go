package sqlite_test

import (
	"context"
	"testing"

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
