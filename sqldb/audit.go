package sqldb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.AuditService = (*DB)(nil)

// FindAuditEvents returns a page of the audit trail, newest first.
func (db *DB) FindAuditEvents(ctx context.Context, s rapport.Scope, f rapport.AuditFilter) ([]*rapport.AuditEvent, string, error) {
	if err := rapport.Require(s.IsAdmin(), "read the audit trail"); err != nil {
		return nil, "", err
	}
	n := limit(f.Limit, 50, 500)
	q := &Query{}
	conds := []string{"TRUE"}
	if !f.UserID.IsZero() {
		conds = append(conds, "e.user_id = "+q.Arg(f.UserID))
	}
	if !f.CustomerID.IsZero() {
		conds = append(conds, "e.customer_id = "+q.Arg(f.CustomerID))
	}
	if f.Action != "" {
		conds = append(conds, "e.action = "+q.Arg(f.Action))
	}
	if len(f.Entities) > 0 {
		conds = append(conds, "e.entity IN "+q.In(anySlice(f.Entities)...))
	}
	if f.ThroughWall {
		conds = append(conds, "e.through_wall")
	}
	if !f.Since.IsZero() {
		conds = append(conds, "e.at >= "+q.Arg(f.Since.UTC()))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "e.at < "+q.Arg(f.Until.UTC()))
	}
	conds, err := pastCursor(q, conds, f.Cursor, "e.at", "e.id")
	if err != nil {
		return nil, "", err
	}
	from := func(table string) string {
		return `SELECT e.id, e.at, e.actor_kind, e.user_id, COALESCE(u.name, ''), e.token_id, e.via, e.addr,
			e.action, e.entity, e.entity_id, e.customer_id, COALESCE(c.name, ''), e.through_wall, e.detail
			FROM ` + table + ` e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN customers c ON c.id = e.customer_id
			WHERE ` + strings.Join(conds, " AND ")
	}
	query := from("audit_events")
	if readLog := db.dialect.ReadLog(); readLog != "" {
		// The reads are in the read log: the two tables' pages, each read in index
		// order, are merged.
		query += " UNION ALL " + from(readLog)
	}
	var events []*rapport.AuditEvent
	err = db.view(ctx, s, func(tx *Tx) (err error) {
		events, err = queryAll(tx, query+` ORDER BY 2 DESC, 1 DESC LIMIT `+strconv.Itoa(n+1), q.Args(),
			func(rows Scanner) (*rapport.AuditEvent, error) {
				e := &rapport.AuditEvent{}
				err := rows.Scan(&e.ID, &e.At, &e.ActorKind, &e.UserID, &e.UserName, &e.TokenID, &e.Via, &e.Addr,
					&e.Action, &e.Entity, &e.EntityID, &e.CustomerID, &e.Customer, &e.ThroughWall, &e.Detail)
				return e, err
			})
		return err
	})
	events, next := pageOf(events, n, func(e *rapport.AuditEvent) (time.Time, rapport.ID) { return e.At, e.ID })
	return events, next, err
}

// pruneBatch is how many records of reads one transaction deletes, so that the reads
// being recorded meanwhile never wait long.
const pruneBatch = 5000

// PruneReads deletes the records of reads made before the time given, oldest first,
// a batch at a time.
func (db *DB) PruneReads(ctx context.Context, s rapport.Scope, before time.Time) (int, error) {
	if err := rapport.Require(s.IsAdmin(), "delete records from the audit trail"); err != nil {
		return 0, err
	}
	total := 0
	for {
		var n int64
		err := db.run(ctx, db.readLog, s, func(tx *Tx) error {
			res, err := tx.exec(`DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events
				WHERE action = 'read' AND at < $1 ORDER BY at LIMIT `+strconv.Itoa(pruneBatch)+`)`, before.UTC())
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		total += int(n)
		if err != nil || n < pruneBatch {
			if total == 0 {
				return 0, err
			}
			// Whatever stopped it, even the end of ctx, what was deleted is on the record.
			return total, errors.Join(err, db.update(context.WithoutCancel(ctx), s, func(tx *Tx) error {
				return tx.audit("delete", "audit_events", rapport.ID{}, rapport.ID{}, false,
					fmt.Sprintf("%d records of reads made before %s", total, before.UTC().Format(time.RFC3339)))
			}))
		}
	}
}
