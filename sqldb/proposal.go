package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.ProposalService = (*DB)(nil)

// EachCustomerFeatures reads the features of every customer with a value: the value's
// own columns, and their contacts since the given time counted in one pass over the
// interactions.
func (db *DB) EachCustomerFeatures(ctx context.Context, s rapport.Scope, contactsSince time.Time, fn func(rapport.CustomerFeatures) error) error {
	if err := rapport.Require(s.IsAdmin(), "read every customer's features"); err != nil {
		return err
	}
	return db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		types := make([]any, len(rapport.ContactTypes))
		for i, t := range rapport.ContactTypes {
			types[i] = string(t)
		}
		return tx.each(`SELECT v.customer_id, v.currency, v.last_at, v.purchases, v.revenue, v.p_alive, v.lifetime_value, COALESCE(k.n, 0)
			FROM customer_values v LEFT JOIN (
				SELECT customer_id, COUNT(*) AS n FROM interactions
				WHERE type IN `+q.In(types...)+` AND occurred_at >= `+q.Arg(contactsSince)+` GROUP BY customer_id
			) k ON k.customer_id = v.customer_id
			ORDER BY v.customer_id`, q.Args(), func(r Scanner) error {
			var f rapport.CustomerFeatures
			if err := r.Scan(&f.CustomerID, &f.Currency, &f.LastPurchase, &f.Purchases, &f.Revenue, &f.PAlive, &f.CLV, &f.Contacts); err != nil {
				return err
			}
			return fn(f)
		})
	})
}

// ReplaceSegmentProposals keeps these proposals instead of the last ones.
func (db *DB) ReplaceSegmentProposals(ctx context.Context, s rapport.Scope, p *rapport.SegmentProposals) error {
	if err := rapport.Require(s.IsAdmin(), "propose segments"); err != nil {
		return err
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM segment_proposals`); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO segment_proposals (computed_at, proposals) VALUES ($1, $2)`, p.ComputedAt, string(body))
		return err
	})
}

// FindSegmentProposals returns the latest proposals, or nil if there are none yet.
// They are aggregates over every customer, readable by all staff.
func (db *DB) FindSegmentProposals(ctx context.Context, s rapport.Scope) (*rapport.SegmentProposals, error) {
	if err := rapport.Require(s.Kind == rapport.ActorStaff || s.IsAdmin(), "read the proposed segments"); err != nil {
		return nil, err
	}
	var p *rapport.SegmentProposals
	err := db.view(ctx, s, func(tx *Tx) error {
		var body string
		err := tx.queryRow(`SELECT proposals FROM segment_proposals`).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		p = &rapport.SegmentProposals{}
		return json.NewDecoder(strings.NewReader(body)).Decode(p)
	})
	return p, err
}
