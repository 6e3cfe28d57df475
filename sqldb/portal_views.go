package sqldb

import (
	"context"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
)

// viewLog writes the help centre's views of articles. Every article page records one,
// so on SQLite a transaction per view would cost more than the page (measured with
// `rapport bench help`): besides the commit, every commit to the database file empties
// the page caches of all read connections, which must then read and parse their pages
// again. So views are written in groups: RecordView waits until its view is stored,
// sharing the transaction with whatever views are queued (group commit, as the read
// audit does, readlog.go); QueueView, which the article page uses, does not wait, and
// its view is written with those that arrive within viewDelay, in one transaction.
type viewLog = groupQueue[viewEvent]

type viewEvent struct {
	scope  rapport.Scope
	view   rapport.ArticleView
	reader string
	done   chan error // nil for a view no one waits for
	flush  bool       // no view: its writing tells that those queued before it are stored
}

// flushViews waits until the views queued so far are stored: reads that count views
// for staff, and merges, which move views, call it first.
func (db *DB) flushViews(ctx context.Context) error {
	return db.sendView(ctx, viewEvent{flush: true}, true)
}

// maxViewBatch bounds the views written in one transaction; viewDelay is how long a
// queued view may wait for others to be written with, at most: the delay between a
// page and its view being in the database (and on a customer's timeline).
const (
	maxViewBatch = 1000
	viewDelay    = 1000 * time.Millisecond
)

// sendView queues the view and, if wait, waits until it is stored.
func (db *DB) sendView(ctx context.Context, ev viewEvent, wait bool) error {
	if wait {
		ev.done = make(chan error, 1)
	}
	if err := db.views.send(ev, 1024, db.writeViews); err != nil || !wait {
		return err
	}
	return waitFor(ctx, ev.done)
}

// write stores queued views in one transaction: as many as arrive within viewDelay of
// the first, or at once those that have arrived if someone waits for one. A view of an
// article its reader may not read (or that is gone) fails alone; if the transaction
// fails otherwise, each view of the group is tried again in its own, so that one bad
// view never costs the others theirs.
func (db *DB) writeViews(queue <-chan viewEvent) {
	for {
		batch, ok := gather(queue, maxViewBatch, viewDelay, func(ev viewEvent) bool { return ev.done != nil })
		if !ok {
			return
		}
		errs := make([]error, len(batch))
		if !slices.ContainsFunc(batch, func(ev viewEvent) bool { return !ev.flush }) {
			// Only flushes: everything queued before them is stored already, and an
			// empty transaction would still take the single writer's lock.
			for _, ev := range batch {
				ev.done <- nil
			}
			continue
		}
		err := db.update(context.Background(), rapport.Scope{}, func(tx *Tx) error {
			for i, ev := range batch {
				if ev.flush {
					continue
				}
				tx.scope = ev.scope
				if err := tx.recordView(ev.view, ev.reader); err != nil {
					if rapport.ErrorCode(err) != rapport.ENOTFOUND {
						return err
					}
					errs[i] = err // nothing was written for it
				}
			}
			return nil
		})
		if err != nil && len(batch) > 1 {
			for i, ev := range batch {
				if ev.flush {
					continue
				}
				errs[i] = db.update(context.Background(), ev.scope, func(tx *Tx) error {
					return tx.recordView(ev.view, ev.reader)
				})
			}
		} else if err != nil {
			errs[0] = err
		}
		for i, ev := range batch {
			if ev.done != nil {
				ev.done <- errs[i]
			} else if errs[i] != nil && rapport.ErrorCode(errs[i]) != rapport.ENOTFOUND {
				db.viewErrors.Add(1)
			}
		}
	}
}
