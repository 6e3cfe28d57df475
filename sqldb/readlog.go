package sqldb

import (
	"context"
	"errors"
	"sync"

	"github.com/rapportckm/rapport"
)

// readLog records the reads of customer data in the audit trail, through DB.readLog. A
// request that reads waits until its event is stored, but the events of requests that
// arrive together share one transaction (group commit): on SQLite, with its single
// writer, a commit per read would cost more than the read itself.
type readLog struct {
	start   sync.Once
	mu      sync.Mutex // guards closed against a send after stop
	closed  bool
	queue   chan readEvent
	stopped chan struct{}
}

type readEvent struct {
	scope                rapport.Scope
	entity, detail       string
	entityID, customerID rapport.ID
	throughWall          bool
	done                 chan error
}

var errClosed = errors.New("sqldb: the database is closed")

// auditRead records a read of one customer's data; admins reading through a wall are
// marked so that such reads can be reviewed.
func (db *DB) auditRead(ctx context.Context, s rapport.Scope, entity string, entityID, customerID rapport.ID, detail string) error {
	l := &db.reads
	l.start.Do(func() {
		l.queue = make(chan readEvent, 256)
		l.stopped = make(chan struct{})
		go db.writeReads()
	})
	ev := readEvent{scope: s, entity: entity, entityID: entityID, customerID: customerID, detail: detail, done: make(chan error, 1)}
	if s.Kind == rapport.ActorStaff && s.SeesThroughWalls() {
		// Here, not in writeReads: the walls are in the main database, which the read
		// log's writer may not see.
		err := db.view(ctx, s, func(tx *Tx) (err error) {
			ev.throughWall, err = tx.walled(customerID)
			return err
		})
		if err != nil {
			return err
		}
	}
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return errClosed
	}
	l.queue <- ev
	l.mu.Unlock()
	select {
	case err := <-ev.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeReads stores queued events, as many as have arrived, in one transaction.
func (db *DB) writeReads() {
	defer close(db.reads.stopped)
	for first := range db.reads.queue {
		batch := []readEvent{first}
	more:
		for len(batch) < 500 {
			select {
			case ev, ok := <-db.reads.queue:
				if !ok {
					break more
				}
				batch = append(batch, ev)
			default:
				break more
			}
		}
		err := db.run(context.Background(), db.readLog, rapport.Scope{}, func(tx *Tx) error {
			for _, ev := range batch {
				tx.scope = ev.scope
				if err := tx.audit("read", ev.entity, ev.entityID, ev.customerID, ev.throughWall, ev.detail); err != nil {
					return err
				}
			}
			return nil
		})
		for _, ev := range batch {
			ev.done <- err
		}
	}
}

// stop lets the queued events be written, then ends the writer.
func (l *readLog) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed || l.queue == nil {
		l.closed = true
		return
	}
	l.closed = true
	close(l.queue)
	<-l.stopped
}
