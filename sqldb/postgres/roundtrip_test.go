package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// BenchmarkRoundTrips prices what a page pays for running its short reads one after
// another: seven single-row reads through database/sql, as the profile page's views
// ran them, against the same seven sent at once in a pgx batch, as its views now send
// them (sqldb/batch.go). Besides the time, it reports the CPU per statement of this
// process and of the server's backend (from /proc, when the server runs on this
// machine):
//
//	RAPPORT_TEST_POSTGRES=postgres://… go test -run '^$' -bench RoundTrips -benchtime 5000x ./sqldb/postgres
func BenchmarkRoundTrips(b *testing.B) {
	const reads = 7
	url := sqldbtest.PostgresURL(b)
	ctx := context.Background()
	setup, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer setup.Close()
	if _, err := setup.Exec(`CREATE TABLE t (id INT PRIMARY KEY, name TEXT NOT NULL, n BIGINT NOT NULL);
		INSERT INTO t SELECT i, 'name ' || i, i * 7 FROM generate_series(1, 10000) i`); err != nil {
		b.Fatal(err)
	}
	const query = `SELECT id, name, n FROM t WHERE id = $1`

	b.Run("one-by-one", func(b *testing.B) {
		db, err := sql.Open("pgx", url)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		stmt, err := db.Prepare(query)
		if err != nil {
			b.Fatal(err)
		}
		var pid int
		if err := db.QueryRow(`SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			b.Fatal(err)
		}
		defer cpuPerStatement(b, pid, reads)()
		for b.Loop() {
			for i := range reads {
				var id int
				var name string
				var n int64
				if err := stmt.QueryRow(i+1).Scan(&id, &name, &n); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("batched", func(b *testing.B) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		var pid int
		if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			b.Fatal(err)
		}
		defer cpuPerStatement(b, pid, reads)()
		for b.Loop() {
			batch := &pgx.Batch{}
			for i := range reads {
				batch.Queue(query, i+1)
			}
			results := conn.SendBatch(ctx, batch)
			for range reads {
				var id int
				var name string
				var n int64
				if err := results.QueryRow().Scan(&id, &name, &n); err != nil {
					b.Fatal(err)
				}
			}
			if err := results.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cpuPerStatement reads the CPU time of this process and of the server process pid,
// and returns a function that reports what each used per statement since (the
// server's only when /proc shows it).
func cpuPerStatement(b *testing.B, pid, perOp int) func() {
	server := func() (int, bool) {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, false
		}
		f := strings.Fields(string(data))
		user, err1 := strconv.Atoi(f[13])
		system, err2 := strconv.Atoi(f[14])
		return user + system, err1 == nil && err2 == nil
	}
	client := func() time.Duration {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	serverStart, ok := server()
	clientStart := client()
	return func() {
		statements := float64(b.N * perOp)
		b.ReportMetric(float64(client()-clientStart)/statements, "client-ns/stmt")
		if end, ok2 := server(); ok && ok2 {
			// Clock ticks are hundredths of a second on Linux.
			b.ReportMetric(float64(end-serverStart)*1e7/statements, "server-ns/stmt")
		}
	}
}
