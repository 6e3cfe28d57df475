// Package sqlite opens a Rapport database in an SQLite file: the embedded default,
// with nothing to install. It holds what SQLite does differently from PostgreSQL:
// connection settings, error codes, FTS5 search and the migrations.
package sqlite

import (
	"context"
	"database/sql"
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
func Open(path string) (*sqldb.DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create the database directory: %w", err)
		}
	}
	// busy_timeout comes first so that the other settings wait for a lock instead of
	// failing; times are written as UTC text, which sorts in time order.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", "foreign_keys(ON)")
	params.Add("_pragma", "cache_size(-65536)")
	params.Set("_time_format", "sqlite")
	params.Set("_timezone", "UTC")
	params.Set("_dqs", "false")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?"

	write, err := sql.Open("sqlite", dsn+params.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn+params.Encode()+"&_query_only=1")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return sqldb.New(write, read, dialect{}), nil
}

type dialect struct{}

func (dialect) Name() string { return "sqlite" }

func (dialect) Migrations() fs.FS {
	sub, _ := fs.Sub(migrations, "migrations")
	return sub
}

// LockMigrations does nothing: the write connection begins every transaction with
// BEGIN IMMEDIATE, which already keeps other writers out.
func (dialect) LockMigrations(context.Context, *sql.Tx) error { return nil }

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
	var b strings.Builder
	b.Grow(len(query))
	out := make([]any, 0, len(args))
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
			if n >= 1 && n <= len(args) {
				out = append(out, args[n-1])
				b.WriteByte('?')
				i = j - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String(), out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// MatchCustomers searches the FTS5 index, every term as a quoted prefix.
func (dialect) MatchCustomers(q *sqldb.Query, terms []string, limit int) string {
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"*`
	}
	return "JOIN (SELECT rowid AS seq FROM customer_fts WHERE customer_fts MATCH " + q.Arg(strings.Join(quoted, " ")) +
		" LIMIT " + strconv.Itoa(limit) + ") f ON f.seq = c.seq"
}

// Attribute quotes the key in a JSON path, so that dots and spaces stay in the name.
func (dialect) Attribute(q *sqldb.Query, col, key string) string {
	return "CAST(json_extract(" + col + ", " + q.Arg(`$."`+strings.ReplaceAll(key, `"`, `\"`)+`"`) + ") AS TEXT)"
}
