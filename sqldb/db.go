// Package sqldb implements Rapport's services in SQL that SQLite and PostgreSQL share.
// What differs between the two lives in sqldb/sqlite and sqldb/postgres behind Dialect.
package sqldb

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// Dialect is what one database does differently.
type Dialect interface {
	Name() string // "sqlite" or "postgres"
	Migrations() fs.FS
	// LockMigrations keeps two processes from migrating at once.
	LockMigrations(ctx context.Context, tx *sql.Tx) error
	// Translate turns a driver error into a *rapport.Error where it has a meaning for
	// users (unique or foreign-key violations), by error code, never by message text.
	Translate(err error) error
	// Rebind rewrites a statement written with $1, $2 … placeholders, and its
	// arguments, into the form the driver binds fastest.
	Rebind(query string, args []any) (string, []any)
	// MatchCustomers restricts customers c to those whose search document matches all
	// terms (each as a prefix). It returns a join to add after "FROM customers c", a
	// condition and an expression to order by (best first).
	MatchCustomers(q *Query, terms []string) (join, where, rank string)
}

// DB is a Rapport database. On SQLite, writes go through a single connection and reads
// through a pool; on PostgreSQL both are the same pool.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	dialect Dialect
	Now     func() time.Time
}

// New wraps open connection pools.
func New(write, read *sql.DB, d Dialect) *DB {
	return &DB{write: write, read: read, dialect: d, Now: time.Now}
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.Name() }

// Close closes both pools.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Stats describes the connection pools, for metrics.
func (db *DB) Stats() map[string]sql.DBStats {
	if db.read == db.write {
		return map[string]sql.DBStats{"main": db.write.Stats()}
	}
	return map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
}

// Tx is a transaction with the time it started and the scope it acts for.
type Tx struct {
	tx       *sql.Tx
	ctx      context.Context
	db       *DB
	now      time.Time
	scope    rapport.Scope
	prepared map[string]*sql.Stmt // closed with the transaction
}

// update runs fn in a write transaction and commits if it returns nil.
func (db *DB) update(ctx context.Context, s rapport.Scope, fn func(*Tx) error) error {
	return db.run(ctx, db.write, s, fn)
}

// view runs fn in a transaction on the read pool.
func (db *DB) view(ctx context.Context, s rapport.Scope, fn func(*Tx) error) error {
	return db.run(ctx, db.read, s, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, s rapport.Scope, fn func(*Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return db.translate(err)
	}
	tx := &Tx{tx: sqlTx, ctx: ctx, db: db, now: db.Now().UTC().Truncate(time.Microsecond), scope: s}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return db.translate(err)
	}
	return db.translate(sqlTx.Commit())
}

func (db *DB) translate(err error) error {
	if err == nil {
		return nil
	}
	var e *rapport.Error
	if errors.As(err, &e) {
		return err
	}
	return db.dialect.Translate(err)
}

func (tx *Tx) exec(query string, args ...any) (sql.Result, error) {
	query, args = tx.db.dialect.Rebind(query, args)
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

// queryPrepared runs a statement that a bulk write repeats many times in one
// transaction, preparing it once: parsing a statement of thousands of values costs
// about as much as running it.
func (tx *Tx) queryPrepared(query string, args ...any) (*sql.Rows, error) {
	query, args = tx.db.dialect.Rebind(query, args)
	stmt, ok := tx.prepared[query]
	if !ok {
		var err error
		if stmt, err = tx.tx.PrepareContext(tx.ctx, query); err != nil {
			return nil, err
		}
		if tx.prepared == nil {
			tx.prepared = map[string]*sql.Stmt{}
		}
		tx.prepared[query] = stmt
	}
	return stmt.QueryContext(tx.ctx, args...)
}

func (tx *Tx) query(query string, args ...any) (*sql.Rows, error) {
	query, args = tx.db.dialect.Rebind(query, args)
	return tx.tx.QueryContext(tx.ctx, query, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	query, args = tx.db.dialect.Rebind(query, args)
	return tx.tx.QueryRowContext(tx.ctx, query, args...)
}

// Query collects the arguments of a statement built in pieces; Arg returns the
// placeholder of the value it adds.
type Query struct {
	args []any
}

func (q *Query) Arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// Args returns the arguments collected so far.
func (q *Query) Args() []any { return q.args }

// In adds every value and returns "($1, $2, …)".
func (q *Query) In(values ...any) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(q.Arg(v))
	}
	b.WriteByte(')')
	return b.String()
}

// queryAll runs a query and scans each row with scan.
func queryAll[T any](tx *Tx, query string, args []any, scan func(*sql.Rows) (T, error)) ([]T, error) {
	rows, err := tx.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// limit returns a page size between 1 and max, defaulting to def.
func limit(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}

// Cursors are opaque to clients: the sort key of the last row of a page, so the next
// page starts after it however many rows come before (keyset pagination).
func encodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

func decodeCursor(cursor string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	parts := strings.Split(string(b), "\x00")
	if err != nil || len(parts) != n {
		return nil, rapport.FieldError("cursor", "the cursor is not valid: use the next_cursor of the previous page, or start again without one")
	}
	return parts, nil
}

// timeCursor is the keyset cursor of time-ordered lists: (time, id).
func timeCursor(t time.Time, id rapport.ID) string {
	return encodeCursor(t.UTC().Format(time.RFC3339Nano), id.String())
}

func parseTimeCursor(cursor string) (time.Time, rapport.ID, error) {
	parts, err := decodeCursor(cursor, 2)
	if err != nil {
		return time.Time{}, rapport.ID{}, err
	}
	t, err1 := time.Parse(time.RFC3339Nano, parts[0])
	id, err2 := rapport.ParseID(parts[1])
	if err1 != nil || err2 != nil {
		return time.Time{}, rapport.ID{}, rapport.FieldError("cursor", "the cursor is not valid: use the next_cursor of the previous page, or start again without one")
	}
	return t, id, nil
}

// visibleCustomer is the condition that the customer in column col exists for the
// scope: a customer covered by a wall is visible only to members of the wall's teams
// (and to admins). This is the one place where walls reach the SQL.
func visibleCustomer(q *Query, s rapport.Scope, col string) string {
	if s.SeesThroughWalls() {
		return "TRUE"
	}
	return fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM wall_coverage wc WHERE wc.customer_id = %s
		AND NOT EXISTS (SELECT 1 FROM wall_teams wt JOIN team_members tm ON tm.team_id = wt.team_id
			WHERE wt.wall_id = wc.wall_id AND tm.user_id = %s))`, col, q.Arg(s.UserID))
}

// walled reports whether any wall covers the customer, for auditing admin reads.
func (tx *Tx) walled(customerID rapport.ID) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM wall_coverage WHERE customer_id = $1`, customerID).Scan(&n)
	return n > 0, err
}

// audit records an event under the transaction's scope.
func (tx *Tx) audit(action, entity string, entityID, customerID rapport.ID, throughWall bool, detail string) error {
	s := tx.scope
	_, err := tx.exec(`INSERT INTO audit_events (id, at, actor_kind, user_id, token_id, via, addr, action, entity, entity_id, customer_id, through_wall, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		rapport.NewID(), tx.now, string(s.Kind), s.UserID, s.TokenID, s.Via, s.Addr, action, entity, entityID, customerID, throughWall, detail)
	return err
}

// auditRead records a read of one customer's data; admins reading through a wall are
// marked so that such reads can be reviewed.
func (db *DB) auditRead(ctx context.Context, s rapport.Scope, entity string, entityID, customerID rapport.ID, detail string) error {
	return db.update(ctx, s, func(tx *Tx) error {
		through := false
		if s.Kind == rapport.ActorStaff && s.SeesThroughWalls() {
			var err error
			if through, err = tx.walled(customerID); err != nil {
				return err
			}
		}
		return tx.audit("read", entity, entityID, customerID, through, detail)
	})
}

// notFound turns sql.ErrNoRows into ENOTFOUND for what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return rapport.NotFound(what)
	}
	return err
}
