package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// TestReadLog checks that reads are recorded in the read log, not in the main file, and
// that its audit_events table is the main file's as migrated: the audit trail reads
// both as one. A migration that changes audit_events must change the read log's too.
func TestReadLog(t *testing.T) {
	ctx := context.Background()
	db, path := migratedFile(t)
	sys := rapport.SystemScope("test")
	c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Read Ltd"}
	if err := db.CreateCustomer(ctx, sys, c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindCustomerByID(ctx, sys, c.ID); err != nil {
		t.Fatal(err)
	}

	raw, err := sql.Open("sqlite", "file:"+path+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`ATTACH DATABASE ? AS reads`, sqlite.ReadLogPath(path)); err != nil {
		t.Fatal(err)
	}
	count := func(schema, action string) (n int) {
		if err := raw.QueryRow(`SELECT COUNT(*) FROM `+schema+`.audit_events WHERE action = ?`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if m, r, w := count("main", "read"), count("reads", "read"), count("main", "create"); m != 0 || r != 1 || w != 1 {
		t.Errorf("got %d reads in the main file, %d in the read log and %d creations in the main file, want 0, 1, 1", m, r, w)
	}

	describe := func(schema string) []string {
		rows, err := raw.Query(`SELECT 'column ' || name || ' ' || type || ' ' || "notnull" || ' ' || COALESCE(dflt_value, '') || ' ' || pk
			FROM pragma_table_info('audit_events', ?1)
			UNION ALL SELECT 'index ' || l.name || ' ' || (SELECT group_concat(i.name || ' ' || i.desc, ', ') FROM pragma_index_xinfo(l.name, ?1) i WHERE i.key)
			FROM pragma_index_list('audit_events', ?1) l`, schema)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	if main, reads := describe("main"), describe("reads"); !slices.Equal(main, reads) {
		t.Errorf("the read log's audit_events differs from the main file's:\nmain  %v\nreads %v", main, reads)
	} else if len(main) < 14 {
		t.Errorf("got %s, want the columns and indexes of audit_events", fmt.Sprint(main))
	}
}
