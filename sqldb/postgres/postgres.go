// Package postgres opens a Rapport database on PostgreSQL, for several app servers
// sharing one database. It holds what PostgreSQL does differently from SQLite:
// the driver, error codes, full-text search and the migrations.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at url (postgres://user:password@host:port/name).
func Open(url string) (*sqldb.DB, error) {
	config, conns, err := connConfig(url)
	if err != nil {
		return nil, err
	}
	pool := openPool(*config, conns)
	// The reads' audit events are written by one goroutine (sqldb.readLog) through a
	// connection of its own: taking one from the pool, it made views holding a turn
	// wait for a connection (profile page at 32 clients, ten alternated pairs: server
	// p50 1-2 ms lower, a little less CPU a page; the p99 within the runs' spread).
	readLog := openPool(*config, 1)
	if err := pool.Ping(); err != nil {
		pool.Close()
		readLog.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return sqldb.New(pool, pool, readLog, dialect{}), nil
}

func openPool(config pgx.ConnConfig, conns int) *sql.DB {
	// Times come back in UTC, as they do from SQLite, not in the server's zone.
	pool := stdlib.OpenDB(config, stdlib.OptionAfterConnect(func(_ context.Context, conn *pgx.Conn) error {
		conn.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}))
	pool.SetMaxOpenConns(conns)
	pool.SetMaxIdleConns(conns)
	return pool
}

// connConfig reads the URL, with Rapport's settings where it sets none, and the size
// of the pool (see poolSize).
func connConfig(url string) (*pgx.ConnConfig, int, error) {
	config, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, 0, fmt.Errorf("the PostgreSQL URL is not valid: %w", err)
	}
	conns, err := poolSize(config)
	if err != nil {
		return nil, 0, err
	}
	for name, value := range sessionDefaults {
		if _, set := config.RuntimeParams[name]; !set {
			config.RuntimeParams[name] = value
		}
	}
	return config, conns, nil
}

// sessionDefaults are the settings Rapport's connections run with where the URL sets
// none.
var sessionDefaults = map[string]string{
	// JIT compilation pays off for long analytical queries, not for these short ones:
	// on the recursive query that derives wall coverage it added 100 ms to a 1 ms query.
	"jit": "off",
	// Every read is a prepared statement. PostgreSQL plans one anew on each call while
	// it estimates the plan made for the values cheaper than the generic one, and on a
	// profile page that was a fifth of the server's time: the suggested questions'
	// statement took 0.30 ms to plan and 0.04 ms to run. The generic plans serve as
	// well (pages 409 -> 552 a second; searches, timelines and segment counts the same).
	"plan_cache_mode": "force_generic_plan",
}

// poolSize is how many connections a server keeps open, pool_max_conns in the URL as
// pgxpool reads it, or pgxpool's own default: more queries at once than the database
// has cores to run them only share the cores, and make each wait longer (the customer
// search's p99 was 87 ms with 16 connections, 60 ms with 4, on two cores).
func poolSize(config *pgx.ConnConfig) (int, error) {
	v, set := config.RuntimeParams["pool_max_conns"]
	if !set {
		return max(4, runtime.NumCPU()), nil
	}
	delete(config.RuntimeParams, "pool_max_conns") // Rapport's, not a server setting
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("pool_max_conns in the PostgreSQL URL must be a whole number of at least 1, not %q", v)
	}
	return n, nil
}

type dialect struct{}

func (dialect) Name() string { return "postgres" }

func (dialect) ReadLog() string { return "" }

func (dialect) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// migrationLock is the advisory lock key that serialises migrations across servers.
const migrationLock = 727727

func (dialect) LockMigrations(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock)
	return err
}

func (dialect) Lock(ctx context.Context, tx *sql.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, key)
	return err
}

func (dialect) ForUpdate() string { return " FOR UPDATE" }

// Translate maps SQLSTATE codes to Rapport errors.
func (dialect) Translate(err error) error {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case "23505": // unique_violation
		return &rapport.Error{Code: rapport.ECONFLICT, Message: "it conflicts with a record that exists already"}
	case "23503": // foreign_key_violation
		return &rapport.Error{Code: rapport.EINVALID, Message: "it refers to a record that does not exist"}
	case "40001", "40P01": // serialization failure, deadlock: another change came first
		return &rapport.Error{Code: rapport.ECONFLICT, Message: "someone else changed the same records at the same moment: try again"}
	case "22P02", "22007", "22008": // invalid text representation, datetime format, datetime overflow
		return &rapport.Error{Code: rapport.EINVALID, Message: "a value is not in the expected form"}
	}
	return err
}

// Rebind leaves statements as they are: $1, $2 … is PostgreSQL's own form.
func (dialect) Rebind(query string, args []any) (string, []any) { return query, args }

// SendReads sends the reads as one pgx batch: one round trip, its statements
// prepared once a connection, as database/sql's are.
func (dialect) SendReads(ctx context.Context, conn any, reads []sqldb.Read) error {
	b := &pgx.Batch{}
	for _, r := range reads {
		b.Queue(r.Query, r.Args...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := r.Row(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	return conn.(*stdlib.Conn).Conn().SendBatch(ctx, b).Close()
}

// MatchCustomers searches the tsvector column, every term as a prefix. Terms hold only
// letters and digits, so they cannot change the query's syntax. The rows come from the
// index's scan of the table, so ranking them reads no customer a second time.
func (dialect) MatchCustomers(q *sqldb.Query, terms []string, limit int) string {
	prefixed := make([]string, len(terms))
	for i, t := range terms {
		prefixed[i] = t + ":*"
	}
	return "(SELECT * FROM customers WHERE search @@ to_tsquery('simple', " + q.Arg(strings.Join(prefixed, " & ")) +
		") LIMIT " + strconv.Itoa(limit) + ") c"
}

// Attribute reads the key with ->>; the cast settles which ->> (by key or by index).
func (dialect) Attribute(q *sqldb.Query, col, key string) string {
	return "(" + col + " ->> CAST(" + q.Arg(key) + " AS TEXT))"
}

// Statistics is ANALYZE, and the rows it counted (reltuples, -1 before the first).
// table is one of Rapport's own, never input.
func (dialect) Statistics(table string) (analyze, rows string) {
	return "ANALYZE " + table, "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = '" + table + "'::regclass"
}

func (dialect) Day(col string) string {
	return "to_char(" + col + " AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
}

// AddDays adds an interval of n days.
func (dialect) AddDays(col string, n int) string {
	return "(" + col + " + interval '" + strconv.Itoa(n) + " days')"
}
