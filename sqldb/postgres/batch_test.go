package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestSendReads checks reads sent as one batch: each read's rows reach its own
// function, in order, scanned into the types the store scans into through
// database/sql; a read that fails stops the batch with PostgreSQL's error, and the
// connection serves the next statement.
func TestSendReads(t *testing.T) {
	ctx := context.Background()
	pool, err := sql.Open("pgx", sqldbtest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	send := func(reads ...sqldb.Read) error {
		return conn.Raw(func(dc any) error { return postgres.Dialect.SendReads(ctx, dc, reads) })
	}

	id := rapport.NewID()
	var gotID rapport.ID
	var kind rapport.CustomerKind
	var attrs []byte
	var missing sql.NullTime
	var numbers []int
	err = send(
		sqldb.Read{Query: `SELECT $1::uuid, 'organisation', '{"a": 1}'::jsonb, NULL::timestamptz`, Args: []any{id},
			Row: func(r sqldb.Scanner) error { return r.Scan(&gotID, &kind, &attrs, &missing) }},
		sqldb.Read{Query: `SELECT n FROM generate_series(1, $1::int) n ORDER BY n`, Args: []any{3},
			Row: func(r sqldb.Scanner) error {
				var n int
				err := r.Scan(&n)
				numbers = append(numbers, n)
				return err
			}},
	)
	if err != nil {
		t.Fatal(err)
	}
	if gotID != id || kind != rapport.KindOrganisation || string(attrs) != `{"a": 1}` || missing.Valid {
		t.Errorf("first read: %v %q %s %v; want %v organisation {\"a\": 1} NULL", gotID, kind, attrs, missing, id)
	}
	if len(numbers) != 3 || numbers[0] != 1 || numbers[2] != 3 {
		t.Errorf("second read: %v, want [1 2 3]", numbers)
	}

	var reached []string
	row := func(name string) func(sqldb.Scanner) error {
		return func(r sqldb.Scanner) error {
			var v int
			reached = append(reached, name)
			return r.Scan(&v)
		}
	}
	err = send(sqldb.Read{Query: `SELECT 1`, Row: row("first")},
		sqldb.Read{Query: `SELECT 1 / (random() * 0)::int`, Row: row("failing")},
		sqldb.Read{Query: `SELECT 3`, Row: row("after")})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "22012" {
		t.Fatalf("a failing read: %v, want division_by_zero (22012)", err)
	}
	if len(reached) != 1 || reached[0] != "first" {
		t.Errorf("rows read: %v, want only the first read's", reached)
	}
	var one int
	if err := conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Errorf("the connection after a failed batch: %d, %v", one, err)
	}
}
