package sqldb

import "context"

// Scanner reads the columns of a result's current row: *sql.Rows, or a row of reads
// sent in one batch.
type Scanner interface {
	Scan(dest ...any) error
}

// A Read is a statement of a batch and what reads each row it returns.
type Read struct {
	Query string
	Args  []any
	Row   func(Scanner) error
}

// Batcher is a Dialect whose driver can send several reads at once, on conn (the
// driver's connection, as sql.Conn.Raw gives it), and read their rows in order.
type Batcher interface {
	SendReads(ctx context.Context, conn any, reads []Read) error
}

// batch gathers reads that do not depend on each other, and sends them together when
// run: on PostgreSQL in one round trip, which costs both sides more than most of a
// profile page's short reads do themselves (BenchmarkRoundTrips: 50 µs of CPU a
// statement one by one, 12 µs in a batch); on SQLite, or in a write transaction, one
// by one. What a read's rows mean beyond themselves is worked out in then, once all
// the rows are in, so that a read may be queued before the one whose result it needs.
type batch struct {
	tx    *Tx
	reads []Read
	after []func() error
	err   error // the first failure to queue a read
}

// reads runs the reads that queue queues on b, as one batch.
func (tx *Tx) reads(queue func(b *batch)) error {
	b := &batch{tx: tx}
	queue(b)
	return b.run()
}

// query queues a statement written with $1, $2 … placeholders; row reads each row.
func (b *batch) query(query string, args []any, row func(Scanner) error) {
	query, args = b.tx.db.dialect.Rebind(query, args)
	b.reads = append(b.reads, Read{Query: query, Args: args, Row: row})
}

// queryRow queues a statement that returns at most one row, scanned into dest; found,
// unless nil, says whether it did.
func (b *batch) queryRow(query string, args []any, found *bool, dest ...any) {
	b.query(query, args, func(r Scanner) error {
		if found != nil {
			*found = true
		}
		return r.Scan(dest...)
	})
}

// then runs fn once all the batch's rows are read, in the order queued, unless a read
// failed.
func (b *batch) then(fn func() error) { b.after = append(b.after, fn) }

// fail records that a read could not be queued: run sends nothing and returns err.
func (b *batch) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// appendRows queues a query whose rows scan appends to out.
func appendRows[T any](b *batch, out *[]T, query string, args []any, scan func(Scanner) (T, error)) {
	b.query(query, args, func(r Scanner) error {
		v, err := scan(r)
		*out = append(*out, v)
		return err
	})
}

func (b *batch) run() error {
	if b.err != nil {
		return b.err
	}
	if err := b.send(); err != nil {
		return err
	}
	for _, fn := range b.after {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// send runs the reads: as one batch where the dialect can and there is more than one
// (a lone read keeps database/sql's prepared statement), else one by one.
func (b *batch) send() error {
	tx := b.tx
	if batcher, ok := tx.db.dialect.(Batcher); ok && len(b.reads) > 1 && tx.tx == nil {
		conn, err := tx.db.read.Conn(tx.ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.Raw(func(dc any) error { return batcher.SendReads(tx.ctx, dc, b.reads) })
	}
	for _, r := range b.reads {
		if err := tx.readRows(r); err != nil {
			return err
		}
	}
	return nil
}

// readRows runs one read.
func (tx *Tx) readRows(r Read) error {
	rows, err := tx.rows(r.Query, r.Args)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := r.Row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
