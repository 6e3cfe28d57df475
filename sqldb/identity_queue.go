package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
)

// queueIdentities queues the people among the customers for resolution, and the job
// that resolves them, in the transaction's writes. Each gets a new ticket, so that a
// customer changed while it is being resolved stays queued.
func (tx *Tx) queueIdentities(ids ...rapport.ID) error {
	people, err := tx.idsIn(`SELECT id FROM customers WHERE kind = 'person' AND id IN `, ids)
	if err != nil || len(people) == 0 {
		return err
	}
	err = execChunks(tx, `INSERT INTO identity_queue (customer_id, ticket) VALUES %s
		ON CONFLICT (customer_id) DO UPDATE SET ticket = excluded.ticket`, people, 2, ", ",
		func(q *Query, id rapport.ID) string { return q.In(id, rapport.NewID()) })
	if err != nil {
		return err
	}
	return tx.enqueueJob(rapport.JobResolveNew, rapport.ResolveDelay)
}

// IdentityRecordsOf returns the records of the customers' profiles: the active customer
// each is or was merged into, and every record merged into that.
func (db *DB) IdentityRecordsOf(ctx context.Context, s rapport.Scope, ids []rapport.ID) ([]rapport.IdentityRecord, error) {
	if err := rapport.Require(s.IsAdmin(), "read every customer for identity resolution"); err != nil {
		return nil, err
	}
	var out []rapport.IdentityRecord
	err := db.view(ctx, s, func(tx *Tx) error {
		for start := 0; start < len(ids); start += ingestChunk {
			q := &Query{}
			recs, err := tx.identityRecords(`COALESCE(c.merged_into, c.id) IN (SELECT COALESCE(merged_into, id) FROM customers WHERE id IN `+
				q.In(anySlice(ids[start:min(start+ingestChunk, len(ids))])...)+`)`, q.Args())
			if err != nil {
				return err
			}
			out = append(out, recs...)
		}
		return tx.addWalls(out)
	})
	return out, err
}

// QueuedIdentities returns up to limit customers waiting for resolution, and how many
// wait in all.
func (db *DB) QueuedIdentities(ctx context.Context, s rapport.Scope, limit int) ([]rapport.QueuedIdentity, int, error) {
	if err := rapport.Require(s.IsAdmin(), "read the customers waiting for identity resolution"); err != nil {
		return nil, 0, err
	}
	var out []rapport.QueuedIdentity
	waiting := 0
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if err := tx.queryRow(`SELECT COUNT(*) FROM identity_queue`).Scan(&waiting); err != nil {
			return err
		}
		out, err = queryAll(tx, `SELECT customer_id, ticket FROM identity_queue LIMIT $1`, []any{limit},
			func(rows Scanner) (rapport.QueuedIdentity, error) {
				var q rapport.QueuedIdentity
				return q, rows.Scan(&q.CustomerID, &q.Ticket)
			})
		return err
	})
	return out, waiting, err
}

// IdentityCandidates returns the stored keys equal to any of keys, each with its customer.
func (db *DB) IdentityCandidates(ctx context.Context, s rapport.Scope, keys []rapport.IdentityKey) ([]rapport.IdentityKey, error) {
	if err := rapport.Require(s.IsAdmin(), "read every customer for identity resolution"); err != nil {
		return nil, err
	}
	var out []rapport.IdentityKey
	err := db.view(ctx, s, func(tx *Tx) error {
		const chunk = ingestChunk / 2 // two parameters a key
		for start := 0; start < len(keys); start += chunk {
			q := &Query{}
			var where []string
			for _, k := range keys[start:min(start+chunk, len(keys))] {
				where = append(where, "(rule = "+q.Arg(k.Rule)+" AND key = "+q.Arg(k.Key)+")")
			}
			found, err := queryAll(tx, `SELECT rule, key, customer_id FROM identity_keys WHERE `+strings.Join(where, " OR "), q.Args(),
				func(rows Scanner) (rapport.IdentityKey, error) {
					var k rapport.IdentityKey
					return k, rows.Scan(&k.Rule, &k.Key, &k.CustomerID)
				})
			if err != nil {
				return err
			}
			out = append(out, found...)
		}
		return nil
	})
	return out, err
}

// IdentityModel returns the stored model of identity resolution, nil if none.
func (db *DB) IdentityModel(ctx context.Context, s rapport.Scope) ([]byte, error) {
	if err := rapport.Require(s.IsAdmin(), "read the model of identity resolution"); err != nil {
		return nil, err
	}
	var model string
	err := db.view(ctx, s, func(tx *Tx) error {
		err := tx.queryRow(`SELECT model FROM identity_model WHERE id = 1`).Scan(&model)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	if err != nil || model == "" {
		return nil, err
	}
	return []byte(model), nil
}

// SaveResolution stores the model, the keys and the dequeued customers of a run in one
// transaction.
func (db *DB) SaveResolution(ctx context.Context, s rapport.Scope, r *rapport.Resolved) error {
	if err := rapport.Require(s.IsAdmin(), "store identity resolution"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if r.Model != nil {
			if _, err := tx.exec(`INSERT INTO identity_model (id, model, fitted_at) VALUES (1, $1, $2)
				ON CONFLICT (id) DO UPDATE SET model = excluded.model, fitted_at = excluded.fitted_at`, string(r.Model), tx.now); err != nil {
				return err
			}
		}
		if err := tx.execIDs(`DELETE FROM identity_keys WHERE customer_id IN %s`, r.Of); err != nil {
			return err
		}
		keys, err := tx.existingKeys(r.Keys)
		if err != nil {
			return err
		}
		err = execChunks(tx, `INSERT INTO identity_keys (rule, key, customer_id) VALUES %s ON CONFLICT DO NOTHING`, keys, 3, ", ",
			func(q *Query, k rapport.IdentityKey) string { return q.In(k.Rule, k.Key, k.CustomerID) })
		if err != nil {
			return err
		}
		return execChunks(tx, `DELETE FROM identity_queue WHERE %s`, r.Done, 2, " OR ",
			func(q *Query, d rapport.QueuedIdentity) string {
				return "(customer_id = " + q.Arg(d.CustomerID) + " AND ticket = " + q.Arg(d.Ticket) + ")"
			})
	})
}

// existingKeys leaves out the keys of customers deleted since the run read them.
func (tx *Tx) existingKeys(keys []rapport.IdentityKey) ([]rapport.IdentityKey, error) {
	ids := make([]rapport.ID, len(keys))
	for i, k := range keys {
		ids[i] = k.CustomerID
	}
	found, err := tx.idsIn(`SELECT id FROM customers WHERE id IN `, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	exists := make(map[rapport.ID]bool, len(found))
	for _, id := range found {
		exists[id] = true
	}
	return slices.DeleteFunc(slices.Clone(keys), func(k rapport.IdentityKey) bool { return !exists[k.CustomerID] }), nil
}
