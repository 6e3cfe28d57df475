// Package sqlite opens a Rapport database in an SQLite file: the embedded default,
// with nothing to install. It holds what SQLite does differently from PostgreSQL:
// connection settings, error codes, FTS5 search and the migrations.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Open opens (creating it if needed) the database file at path. Writes go through one
// connection, as SQLite allows one writer at a time; reads use a pool of read-only
// connections, which WAL mode lets run beside the writer.
//
// The audit events of reads are kept in a file of their own beside it (ReadLogPath),
// with a writer of its own: SQLite empties a connection's page cache whenever another
// has committed to the file since its last read, and recording reads in the main file,
// hundreds of commits a second under load, made every read start from a cold cache.
// The read pool sees the read log as the schema "reads", for the audit trail.
func Open(path string) (*sqldb.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create the database directory: %w", err)
		}
	}
	write, err := open(path, "&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	readLog, err := open(ReadLogPath(path), "&_txlock=immediate&_pragma=cache_size(-65536)")
	if err != nil {
		write.Close()
		return nil, err
	}
	readLog.SetMaxOpenConns(1)
	readLog.SetConnMaxIdleTime(0)
	if _, err := readLog.Exec(readLogSchema); err != nil {
		write.Close()
		readLog.Close()
		return nil, fmt.Errorf("open %s: %w", ReadLogPath(path), err)
	}
	// Reads map the file (up to 2 GiB, the most this build of SQLite maps): a page
	// fetched from the mapping costs no read system call and no copy, and a read
	// connection's cache, which SQLite empties whenever another connection has
	// committed, fills again cheaply. (With the audit events of reads in the main
	// file, hundreds of commits a second, remapping made mapped reads the slower.)
	// Their caches are small, 8 MiB: SQLite empties them after every commit by another
	// connection, freeing each page with a system call under a lock that all
	// connections share; one sign-in stalled every read for 0.8 s with 64 MiB caches,
	// 0.5 s with these. The mapping and the operating system's cache serve the rest.
	connector, err := sqlite.NewConnector(dsn(path, "&_query_only=1&_pragma=mmap_size(2147418112)&_pragma=cache_size(-8192)"))
	if err != nil {
		write.Close()
		readLog.Close()
		return nil, err
	}
	read := sql.OpenDB(attachReadLog{Connector: connector, path: ReadLogPath(path)})
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return sqldb.New(write, read, readLog, dialect{}), nil
}

// ReadLogPath is the file that keeps the audit events of reads of the database at path:
// data/rapport.db keeps them in data/rapport-reads.db.
func ReadLogPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-reads" + ext
}

// readLogSchema is the audit_events table of the read log, the same as the main file's
// (migrations/0001_init.sql); TestReadLogSchema checks that they agree.
const readLogSchema = `CREATE TABLE IF NOT EXISTS audit_events (
	id           BLOB PRIMARY KEY,
	at           TIMESTAMP NOT NULL,
	actor_kind   TEXT NOT NULL,
	user_id      BLOB,
	token_id     BLOB,
	via          TEXT NOT NULL,
	addr         TEXT NOT NULL,
	action       TEXT NOT NULL,
	entity       TEXT NOT NULL,
	entity_id    BLOB,
	customer_id  BLOB,
	through_wall BOOLEAN NOT NULL DEFAULT FALSE,
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_events_at ON audit_events (at DESC, id DESC);
CREATE INDEX IF NOT EXISTS audit_events_user ON audit_events (user_id, at DESC);
CREATE INDEX IF NOT EXISTS audit_events_customer ON audit_events (customer_id, at DESC);`

// open opens a pool on the file at path with Rapport's settings and more DSN parameters.
func open(path, more string) (*sql.DB, error) {
	return sql.Open("sqlite", dsn(path, more))
}

// dsn is the address of the file at path with Rapport's settings: busy_timeout comes
// first so that the other settings wait for a lock instead of failing; times are
// written as UTC text, which sorts in time order.
func dsn(path, more string) string {
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", "foreign_keys(ON)")
	params.Set("_time_format", "sqlite")
	params.Set("_timezone", "UTC")
	params.Set("_dqs", "false")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params.Encode() + more
}

// attachReadLog opens read connections that see the read log as the schema "reads".
type attachReadLog struct {
	driver.Connector
	path string
}

func (a attachReadLog) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := a.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	_, err = conn.(driver.ExecerContext).ExecContext(ctx, `ATTACH DATABASE ? AS reads`, []driver.NamedValue{{Ordinal: 1, Value: a.path}})
	if err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

type dialect struct{}

func (dialect) Name() string { return "sqlite" }

func (dialect) ReadLog() string { return "reads.audit_events" }

func (dialect) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// LockMigrations does nothing: the write connection begins every transaction with
// BEGIN IMMEDIATE, which already keeps other writers out.
func (dialect) LockMigrations(context.Context, *sql.Tx) error { return nil }

func (dialect) Lock(context.Context, *sql.Tx, string) error { return nil }

func (dialect) ForUpdate() string { return "" }

// Translate maps SQLite's extended result codes to Rapport errors.
func (dialect) Translate(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return &rapport.Error{Code: rapport.ECONFLICT, Message: "it conflicts with a record that exists already"}
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return &rapport.Error{Code: rapport.EINVALID, Message: "it refers to a record that does not exist"}
	}
	return err
}

// Rebind turns $N placeholders into plain ? with the arguments in the order they are
// used (repeated where a placeholder repeats). SQLite keeps named and numbered
// parameters in a list it searches, so a bulk insert with thousands of $N parameters
// parses and binds in quadratic time; with ? it takes linear time.
func (dialect) Rebind(query string, args []any) (string, []any) {
	if !strings.Contains(query, "$") {
		return query, args
	}
	r := rebindOf(query, len(args))
	out := make([]any, len(r.order))
	for i, n := range r.order {
		out[i] = args[n]
	}
	return r.query, out
}

// rebound is a query as Rebind rewrites it: the text, and the argument each ? takes.
type rebound struct {
	query string
	order []int
}

type rebindKey struct {
	query string
	args  int
}

// rebinds keeps the rewriting of the queries seen, as the same few hundred statements
// run again and again, a bulk insert's 70 KB among them; up to maxRebindBytes of them, as
// IN lists and last chunks of every length make new ones.
var (
	rebinds     sync.Map // rebindKey → rebound
	rebindBytes atomic.Int64
)

const maxRebindBytes = 32 << 20

func rebindOf(query string, args int) rebound {
	key := rebindKey{query, args}
	if r, ok := rebinds.Load(key); ok {
		return r.(rebound)
	}
	var b strings.Builder
	b.Grow(len(query))
	var order []int
	quoted := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			quoted = !quoted // '' inside a literal flips twice
		}
		if c == '$' && !quoted && i+1 < len(query) && isDigit(query[i+1]) {
			j := i + 1
			for j < len(query) && isDigit(query[j]) {
				j++
			}
			n, _ := strconv.Atoi(query[i+1 : j])
			if n >= 1 && n <= args {
				order = append(order, n-1)
				b.WriteByte('?')
				i = j - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	r := rebound{b.String(), order}
	if size := int64(2*len(query) + 8*len(order)); rebindBytes.Load()+size <= maxRebindBytes {
		if _, loaded := rebinds.LoadOrStore(key, r); !loaded {
			rebindBytes.Add(size)
		}
	}
	return r
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// MatchCustomers searches the FTS5 index, every term as a quoted prefix.
func (dialect) MatchCustomers(q *sqldb.Query, terms []string, limit int) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return "customers c JOIN (SELECT rowid AS seq FROM customer_fts WHERE customer_fts MATCH " + q.Arg(strings.Join(quoted, " ")) +
		" LIMIT " + strconv.Itoa(limit) + ") f ON f.seq = c.seq"
}

// Attribute quotes the key in a JSON path, so that dots and spaces stay in the name.
func (dialect) Attribute(q *sqldb.Query, col, key string) string {
	return "CAST(json_extract(" + col + ", " + q.Arg(`$."`+strings.ReplaceAll(key, `"`, `\"`)+`"`) + ") AS TEXT)"
}

// Statistics is none: with no statistics (Rapport never runs ANALYZE on SQLite),
// SQLite's planner takes an index on the columns compared as selective.
func (dialect) Statistics(string) (analyze, rows string) { return "", "" }

// Day: times are stored as UTC text that begins with the date.
func (dialect) Day(col string) string { return "substr(" + col + ", 1, 10)" }

// AddDays writes the time as the driver stores times (2006-01-02 15:04:05.999+00:00),
// so that it compares with them as text; it keeps milliseconds.
func (dialect) AddDays(col string, n int) string {
	return "(strftime('%Y-%m-%d %H:%M:%f', " + col + ", '" + strconv.Itoa(n) + " days') || '+00:00')"
}
