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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/textsearch"
)

// Dialect is what one database does differently.
type Dialect interface {
	Name() string // "sqlite" or "postgres"
	Migrations() fs.FS
	// LockMigrations keeps two processes from migrating at once.
	LockMigrations(ctx context.Context, tx *sql.Tx) error
	// Lock holds a lock named key until the write transaction ends, for checks that
	// read what is not there yet (counts of attempts): nothing on SQLite, whose single
	// writer already keeps other writes out.
	Lock(ctx context.Context, tx *sql.Tx, key string) error
	// ForUpdate ends a SELECT in a write transaction so that the rows it reads are
	// locked until the transaction ends (FOR UPDATE); "" on SQLite, as for Lock.
	ForUpdate() string
	// Translate turns a driver error into a *rapport.Error where it has a meaning for
	// users (unique or foreign-key violations), by error code, never by message text.
	Translate(err error) error
	// Rebind rewrites a statement written with $1, $2 … placeholders, and its
	// arguments, into the form the driver binds fastest.
	Rebind(query string, args []any) (string, []any)
	// MatchCustomers returns a table, to put in FROM in place of "customers c", of the
	// customers (all their columns, named c) whose search document matches all terms
	// (each as a prefix): the first limit the engine finds.
	MatchCustomers(q *Query, terms []string, limit int) (from string)
	// Attribute is the value of key in the JSON object column col, as text; NULL
	// where the object has no such key.
	Attribute(q *Query, col, key string) string
	// AddDays is the time in column col plus n days, comparable with stored times (to
	// the millisecond on SQLite).
	AddDays(col string, n int) string
	// Day is the UTC date of the time in column col, as text: 2026-03-01.
	Day(col string) string
	// ReadLog is the read log's audit_events table as read connections see it, where
	// the events of reads are kept in a database of their own (SQLite's read log file,
	// "reads.audit_events"), or "" where they are kept in the main audit_events.
	ReadLog() string
	// Statistics returns the statement that refreshes the planner's statistics of
	// table, and a query of how many rows they count, for tables that bulk writes
	// grow (statistics.go); "" where plans do not depend on statistics kept apart.
	Statistics(table string) (analyze, rows string)

	// The knowledge base's search index (see knowledge_search.go).
	//
	// IndexArticle returns the statements that make the index hold doc for the article
	// seq, in place of what it held.
	IndexArticle(seq int64, doc *textsearch.Document) []Statement
	// IndexNewArticles returns the statements that index articles the index does not
	// hold yet, many at once (a bulk load), each term's count of articles changed once.
	IndexNewArticles(seqs []int64, docs []textsearch.Document) []Statement
	// ArticleMatches returns a subquery of the seq of each article the terms match,
	// once: those holding any term not Common, or, when all are, every term.
	ArticleMatches(q *Query, terms []SearchTerm) string
	// RankArticles returns a subquery of (seq, score) of the articles the terms match
	// (as ArticleMatches), score their BM25 score over all the terms (higher is better).
	RankArticles(q *Query, terms []SearchTerm) string
	// ArticleVocabulary returns a query of (term, articles holding it) of the indexed
	// terms that begin with prefix and have minLen to maxLen letters.
	ArticleVocabulary(q *Query, prefix string, minLen, maxLen int) string
	// SearchedArticles is kb_articles aliased a, as searches join it to every match:
	// through the narrow index of what they read.
	SearchedArticles() string
	// ArticleTermDocs returns a query of (term, articles holding it) for the terms.
	ArticleTermDocs(q *Query, terms []string) string
	// ArticleCount returns a query of the number of articles indexed, and how to read
	// its one column.
	ArticleCount() (query string, read func(src any) (int64, error))
	// OptimizeArticleIndex returns the statements that tidy the index after a bulk load.
	OptimizeArticleIndex() []Statement
}

// DB is a Rapport database. On SQLite, writes go through a single connection and reads
// through a pool; on PostgreSQL both are the same pool.
type DB struct {
	write   *sql.DB
	read    *sql.DB
	readLog *sql.DB // where reads are recorded: on SQLite a file of its own, on PostgreSQL a connection of its own
	dialect Dialect
	Now     func() time.Time
	// CommonTermFloor is how many articles a word must be in (besides 1% of them) to
	// be a common word in searches, which only ranks; 0 is 1,000. Tests lower it.
	CommonTermFloor int
	// EscalateChunk is how many overdue action items one transaction escalates; 0 is
	// 1,000. Tests lower it.
	EscalateChunk int

	// Statements of reads, prepared once; database/sql keeps one per connection.
	readStmts     sync.Map // query text → *sql.Stmt
	readStmtCount atomic.Int32

	reads      readLog
	views      viewLog // the help centre's views of articles, written in groups
	viewErrors atomic.Int64
	catalogues catalogues                     // what searches and related articles know of every article
	links      keptMap[rapport.ID, keptLinks] // articles' also-read rankings, for visitors
	pages      keptMap[string, keptPage]      // articles' pages as visitors who are not signed in read them
	turns      chan struct{}                  // a view's turn on the read pool, see view
	writes     atomic.Uint64                  // write transactions run, which end the kept setup
	setup      keptSetup
	stats      statistics
}

// maxReadStmts bounds the statement cache: queries with IN lists of varying length
// have many texts, and past this number new texts are run unprepared.
const maxReadStmts = 2000

// New wraps open connection pools. The audit events of reads are written through
// readLog into its audit_events table; where that is a database of its own, the read
// pool must see it as d.ReadLog(), and the audit trail is both tables.
func New(write, read, readLog *sql.DB, d Dialect) *DB {
	db := &DB{write: write, read: read, readLog: readLog, dialect: d, Now: time.Now}
	if n := read.Stats().MaxOpenConnections; n > 0 {
		db.turns = make(chan struct{}, n)
	}
	return db
}

// Dialect names the database: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.Name() }

// Close closes both pools.
func (db *DB) Close() error {
	db.views.stop()
	db.reads.stop()
	db.readStmts.Range(func(_, stmt any) bool { stmt.(*sql.Stmt).Close(); return true })
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	if db.readLog != db.write {
		err = errors.Join(err, db.readLog.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// Stats describes the connection pools, for metrics.
func (db *DB) Stats() map[string]sql.DBStats {
	stats := map[string]sql.DBStats{"main": db.write.Stats()}
	if db.read != db.write {
		stats = map[string]sql.DBStats{"write": db.write.Stats(), "read": db.read.Stats()}
	}
	if db.readLog != db.write {
		stats["read_log"] = db.readLog.Stats()
	}
	return stats
}

// Tx is a transaction with the time it started and the scope it acts for. In a view,
// tx is nil and the reads go to the read pool.
type Tx struct {
	tx          *sql.Tx
	ctx         context.Context
	db          *DB
	now         time.Time
	scope       rapport.Scope
	prepared    map[string]*sql.Stmt  // closed with the transaction
	rules       *rapport.Survivorship // read once a transaction, by survivorship
	staffSource rapport.ID            // once known, by staffSourceID
}

// update runs fn in a write transaction and commits if it returns nil.
func (db *DB) update(ctx context.Context, s rapport.Scope, fn func(*Tx) error) error {
	defer db.writes.Add(1)
	return db.run(ctx, db.write, s, fn)
}

// view runs fn's reads on the read pool. They are not wrapped in a transaction: each
// statement reads the latest committed data, and comes from a cache of prepared
// statements, because for SQLite parsing a short query costs about as much as running it.
//
// Views take turns in the order they arrive, no more at once than the pool has
// connections, so that a view's statements never wait for one: database/sql gives a
// released connection to a random waiter, and under load a page of a dozen statements
// waited a random number of turns for each (measured on the profile page at 32
// clients: 6 % more pages a second, 8 % less CPU a page, p99 74 -> 67 ms). So fn must
// not start another view: with every turn taken, it would wait for itself.
func (db *DB) view(ctx context.Context, s rapport.Scope, fn func(*Tx) error) error {
	if db.turns != nil {
		select {
		case db.turns <- struct{}{}:
			defer func() { <-db.turns }()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return db.translate(fn(&Tx{ctx: ctx, db: db, now: db.now(), scope: s}))
}

// readStmt returns the prepared statement of a read query, or nil when the cache is full.
func (db *DB) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if stmt, ok := db.readStmts.Load(query); ok {
		return stmt.(*sql.Stmt), nil
	}
	if db.readStmtCount.Load() >= maxReadStmts {
		return nil, nil
	}
	stmt, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := db.readStmts.LoadOrStore(query, stmt); loaded {
		stmt.Close()
		return prev.(*sql.Stmt), nil
	}
	db.readStmtCount.Add(1)
	return stmt, nil
}

// now is the time as the database keeps it: UTC, to the microsecond.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

func (db *DB) run(ctx context.Context, pool *sql.DB, s rapport.Scope, fn func(*Tx) error) error {
	sqlTx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return db.translate(err)
	}
	tx := &Tx{tx: sqlTx, ctx: ctx, db: db, now: db.now(), scope: s}
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
	if tx.tx == nil {
		return nil, errors.New("sqldb: a write in a view")
	}
	query, args = tx.db.dialect.Rebind(query, args)
	return tx.tx.ExecContext(tx.ctx, query, args...)
}

// prepare returns a statement that a transaction runs many times, prepared once:
// parsing a statement costs SQLite about as much as running a short one.
func (tx *Tx) prepare(query string) (*sql.Stmt, error) {
	if stmt, ok := tx.prepared[query]; ok {
		return stmt, nil
	}
	stmt, err := tx.tx.PrepareContext(tx.ctx, query)
	if err != nil {
		return nil, err
	}
	if tx.prepared == nil {
		tx.prepared = map[string]*sql.Stmt{}
	}
	tx.prepared[query] = stmt
	return stmt, nil
}

// queryPrepared runs a query through prepare.
func (tx *Tx) queryPrepared(query string, args ...any) (*sql.Rows, error) {
	query, args = tx.db.dialect.Rebind(query, args)
	stmt, err := tx.prepare(query)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(tx.ctx, args...)
}

// rows runs a query already rebound: through the transaction, or in a view as a
// prepared statement of the read pool.
func (tx *Tx) rows(query string, args []any) (*sql.Rows, error) {
	if tx.tx != nil {
		return tx.tx.QueryContext(tx.ctx, query, args...)
	}
	stmt, err := tx.db.readStmt(tx.ctx, query)
	if err != nil {
		return nil, err
	} else if stmt == nil {
		return tx.db.read.QueryContext(tx.ctx, query, args...)
	}
	return stmt.QueryContext(tx.ctx, args...)
}

func (tx *Tx) queryRow(query string, args ...any) *sql.Row {
	query, args = tx.db.dialect.Rebind(query, args)
	if tx.tx != nil {
		return tx.tx.QueryRowContext(tx.ctx, query, args...)
	}
	if stmt, err := tx.db.readStmt(tx.ctx, query); err == nil && stmt != nil {
		return stmt.QueryRowContext(tx.ctx, args...)
	}
	return tx.db.read.QueryRowContext(tx.ctx, query, args...)
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
	b := make([]byte, 0, 2+6*len(values))
	b = append(b, '(')
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		q.args = append(q.args, v)
		b = strconv.AppendInt(append(b, '$'), int64(len(q.args)), 10)
	}
	return string(append(b, ')'))
}

// queryAll runs a query and scans each row with scan.
func queryAll[T any](tx *Tx, query string, args []any, scan func(Scanner) (T, error)) (out []T, err error) {
	err = tx.reads(func(b *batch) { appendRows(b, &out, query, args, scan) })
	return out, err
}

// each runs a query and calls row with each of its rows, as they come.
func (tx *Tx) each(query string, args []any, row func(Scanner) error) error {
	return tx.reads(func(b *batch) { b.query(query, args, row) })
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

// badCursor is the error of a cursor that no page gave.
func badCursor() error {
	return rapport.FieldError("cursor", "the cursor is not valid: use the next_cursor of the previous page, or start again without one")
}

func decodeCursor(cursor string, n int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	parts := strings.Split(string(b), "\x00")
	if err != nil || len(parts) != n {
		return nil, badCursor()
	}
	return parts, nil
}

// timeCursor is the keyset cursor of time-ordered lists: (time, id).
func timeCursor(t time.Time, id rapport.ID) string {
	return encodeCursor(t.UTC().Format(time.RFC3339Nano), id.String())
}

// pastCursor adds to conds the condition that rows come after the cursor's on a page
// ordered by timeCol and idCol, newest first; without a cursor it adds nothing.
func pastCursor(q *Query, conds []string, cursor, timeCol, idCol string) ([]string, error) {
	if cursor == "" {
		return conds, nil
	}
	at, id, err := parseTimeCursor(cursor)
	if err != nil {
		return nil, err
	}
	return append(conds, fmt.Sprintf("(%s, %s) < (%s, %s)", timeCol, idCol, q.Arg(at), q.Arg(id))), nil
}

// pageOf cuts the n+1 rows read for a page of n, newest first, to the page and the
// cursor of the next one ("" on the last page).
func pageOf[T any](rows []T, n int, key func(T) (time.Time, rapport.ID)) ([]T, string) {
	if len(rows) <= n {
		return rows, ""
	}
	rows = rows[:n]
	return rows, timeCursor(key(rows[n-1]))
}

func parseTimeCursor(cursor string) (time.Time, rapport.ID, error) {
	parts, err := decodeCursor(cursor, 2)
	if err != nil {
		return time.Time{}, rapport.ID{}, err
	}
	t, err1 := time.Parse(time.RFC3339Nano, parts[0])
	id, err2 := rapport.ParseID(parts[1])
	if err1 != nil || err2 != nil {
		return time.Time{}, rapport.ID{}, badCursor()
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
	return customerVisibleTo(q.Arg(s.UserID), col)
}

// customerVisibleTo is visibleCustomer for the staff user (not an admin) in the
// expression user, such as a column when choosing whom to tell about a customer: a
// member of a team of every wall that covers the customer.
func customerVisibleTo(user, col string) string {
	return fmt.Sprintf(`NOT EXISTS (SELECT 1 FROM wall_coverage wc WHERE wc.customer_id = %s
		AND NOT EXISTS (SELECT 1 FROM wall_teams wt JOIN team_members tm ON tm.team_id = wt.team_id
			WHERE wt.wall_id = wc.wall_id AND tm.user_id = %s))`, col, user)
}

// walled reports whether any wall covers the customer, for auditing admin reads.
func (tx *Tx) walled(customerID rapport.ID) (bool, error) {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM wall_coverage WHERE customer_id = $1`, customerID).Scan(&n)
	return n > 0, err
}

// lock holds the named locks until the write transaction ends (see Dialect.Lock), taken
// in one order so that two transactions never wait for each other.
func (tx *Tx) lock(keys ...string) error {
	slices.Sort(keys)
	for _, key := range keys {
		if err := tx.db.dialect.Lock(tx.ctx, tx.tx, key); err != nil {
			return err
		}
	}
	return nil
}

// lockRows locks rows of table until the write transaction ends (see
// Dialect.ForUpdate): what is read of them next is what the transaction's writes
// replace, and a change made at the same moment waits for this one, then sees it. The
// rows are taken in id order, so that two transactions locking the same rows never wait
// for each other.
func (tx *Tx) lockRows(table string, ids ...rapport.ID) error {
	q := &Query{}
	_, err := tx.exec(`SELECT id FROM `+table+` WHERE id IN `+q.In(anySlice(ids)...)+` ORDER BY id`+tx.db.dialect.ForUpdate(), q.Args()...)
	return err
}

// audit records an event under the transaction's scope.
func (tx *Tx) audit(action, entity string, entityID, customerID rapport.ID, throughWall bool, detail string) error {
	s := tx.scope
	query, args := tx.db.dialect.Rebind(`INSERT INTO audit_events (id, at, actor_kind, user_id, token_id, via, addr, action, entity, entity_id, customer_id, through_wall, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		[]any{rapport.NewID(), tx.now, string(s.Kind), s.UserID, s.TokenID, s.Via, s.Addr, action, entity, entityID, customerID, throughWall, detail})
	stmt, err := tx.prepare(query)
	if err != nil {
		return err
	}
	_, err = stmt.ExecContext(tx.ctx, args...)
	return err
}

// notFound turns sql.ErrNoRows into ENOTFOUND for what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return rapport.NotFound(what)
	}
	return err
}
