package sqlite_test

import (
	"database/sql"
	"fmt"
	"os"
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

// BenchmarkTimelineQuery reads the first page of the timelines of 3,000 people (every
// 30th) on one read-only connection to the database RAPPORT_BENCH_DB names, such as
// the 100,000-customer demo of docs/benchmarks.md, in three ways: only the index's
// columns, the full rows counted inside SQLite, and the full rows moved into Go as the
// timeline reads them. The gap between the last two is the driver's part.
//
//	RAPPORT_BENCH_DB=/tmp/bench/rapport.db go test -run XXX -bench TimelineQuery ./sqldb/sqlite/
func BenchmarkTimelineQuery(b *testing.B) {
	path := os.Getenv("RAPPORT_BENCH_DB")
	if path == "" {
		b.Skip("RAPPORT_BENCH_DB names no database")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=mmap_size(2147418112)&_pragma=cache_size(-8192)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var ids [][]byte
	rows, err := db.Query(`SELECT id FROM customers WHERE kind = 'person' AND seq % 30 = 0 LIMIT 3000`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id []byte
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		b.Fatalf("no people to read (%v)", err)
	}
	const columns = `i.id, i.customer_id, i.organisation_id, i.type, i.channel, i.occurred_at,
		COALESCE(src.name, ''), COALESCE(i.source_key, ''), i.actor_kind, i.actor_id, i.summary, i.body,
		i.amount, i.currency, i.attributes, i.created_at, i.attachment_count`
	const page = ` FROM interactions i LEFT JOIN sources src ON src.id = i.source_id
		WHERE i.customer_id = ? ORDER BY i.occurred_at DESC, i.id DESC LIMIT 51`
	// Read every page once first, as a server that has run a while has: the mapping's
	// first touch of a page costs a fault, and the operating system may not yet hold it.
	for _, id := range ids {
		if _, err := db.Exec(`SELECT count(*), sum(length(x.body)) FROM (SELECT `+columns+page+`) x`, id); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []struct{ name, query string }{
		{"index", `SELECT i.id, i.occurred_at` + page},
		{"counted", `SELECT count(*), sum(length(x.body)) FROM (SELECT ` + columns + page + `) x`},
		{"scanned", `SELECT ` + columns + page},
	} {
		b.Run(q.name, func(b *testing.B) {
			stmt, err := db.Prepare(q.query)
			if err != nil {
				b.Fatal(err)
			}
			defer stmt.Close()
			read := 0
			for i := 0; b.Loop(); i++ {
				rows, err := stmt.Query(ids[i%len(ids)])
				if err != nil {
					b.Fatal(err)
				}
				cols, _ := rows.Columns()
				values, dest := make([]any, len(cols)), make([]any, len(cols))
				for i := range values {
					dest[i] = &values[i]
				}
				for rows.Next() {
					if err := rows.Scan(dest...); err != nil {
						b.Fatal(err)
					}
					read++
				}
				if err := rows.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(read)/float64(b.N), "rows/op")
		})
	}
}
