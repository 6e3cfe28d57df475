package sqldb

import (
	"context"

	"github.com/rapportckm/rapport"
)

// readLog records the reads of customer data in the audit trail, through DB.readLog. A
// request that reads waits until its event is stored, but the events of requests that
// arrive together share one transaction (see groupQueue).
type readLog = groupQueue[readEvent]

type readEvent struct {
	scope                rapport.Scope
	entity, detail       string
	entityID, customerID rapport.ID
	throughWall          bool
	done                 chan error
}

// auditRead records a read of one customer's data; admins reading through a wall are
// marked so that such reads can be reviewed.
func (db *DB) auditRead(ctx context.Context, s rapport.Scope, entity string, entityID, customerID rapport.ID, detail string) error {
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
	if err := db.reads.send(ev, 256, db.writeReads); err != nil {
		return err
	}
	return waitFor(ctx, ev.done)
}

// writeReads stores queued events, as many as have arrived, in one transaction.
func (db *DB) writeReads(queue <-chan readEvent) {
	for {
		batch, ok := gather(queue, 500, 0, nil)
		if !ok {
			return
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
