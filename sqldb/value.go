package sqldb

import (
	"context"

	"github.com/rapportckm/rapport"
)

var _ rapport.ValueService = (*DB)(nil)

// EachPurchase reads the purchases, customer by customer: orders and transactions of a
// positive amount, on the profiles they belong to now.
func (db *DB) EachPurchase(ctx context.Context, s rapport.Scope, fn func(rapport.Purchase) error) error {
	if err := rapport.Require(s.IsAdmin(), "read every purchase"); err != nil {
		return err
	}
	return db.view(ctx, s, func(tx *Tx) error {
		// The people linked to an organisation, read once rather than looked up for
		// each of millions of purchases.
		q := &Query{}
		atOrganisation := map[rapport.ID]bool{}
		if err := tx.each(`SELECT DISTINCT from_id FROM customer_links WHERE kind IN `+
			q.In(rapport.LinkWorksAt, rapport.LinkOwns, rapport.LinkAdvises), q.Args(), func(r Scanner) error {
			var id rapport.ID
			err := r.Scan(&id)
			atOrganisation[id] = true
			return err
		}); err != nil {
			return err
		}
		return tx.each(`SELECT i.customer_id, c.kind, i.occurred_at, i.amount, i.currency
			FROM interactions i JOIN customers c ON c.id = i.customer_id
			WHERE i.type IN ('order', 'transaction') AND i.amount > 0 ORDER BY i.customer_id, i.occurred_at`, nil, func(r Scanner) error {
			var p rapport.Purchase
			var kind rapport.CustomerKind
			if err := r.Scan(&p.CustomerID, &kind, &p.At, &p.Amount, &p.Currency); err != nil {
				return err
			}
			switch {
			case kind == rapport.KindOrganisation:
				p.Buyer = rapport.BuyerOrganisation
			case atOrganisation[p.CustomerID]:
				p.Buyer = rapport.BuyerAtOrganisation
			default:
				p.Buyer = rapport.BuyerPerson
			}
			return fn(p)
		})
	})
}

// valueColumns are the columns of customer_values in the order of valueRow.
const valueColumns = `customer_id, currency, purchases, revenue, first_at, last_at, recency_score, frequency_score,
	monetary_score, p_alive, expected_purchases, expected_spend, lifetime_value, computed_at`

// valueDest is where a row of valueColumns is scanned; revenue is then v.Revenue.
func valueDest(v *rapport.CustomerValue, revenue *int64) []any {
	return []any{&v.CustomerID, &v.Currency, &v.Purchases, revenue, &v.FirstAt, &v.LastAt, &v.Recency, &v.Frequency,
		&v.Monetary, &v.PAlive, &v.ExpectedPurchases, &v.ExpectedSpend, &v.LifetimeValue, &v.ComputedAt}
}

func valueRow(v *rapport.CustomerValue) []any {
	return []any{v.CustomerID, v.Currency, v.Purchases, int64(v.Revenue), v.FirstAt, v.LastAt, v.Recency, v.Frequency,
		v.Monetary, v.PAlive, v.ExpectedPurchases, v.ExpectedSpend, v.LifetimeValue, v.ComputedAt}
}

// ReplaceCustomerValues replaces every customer's value, in one transaction, so that
// readers see either the last run or this one.
func (db *DB) ReplaceCustomerValues(ctx context.Context, s rapport.Scope, values []rapport.CustomerValue) error {
	if err := rapport.Require(s.IsAdmin(), "replace the customers' values"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM customer_values`); err != nil {
			return err
		}
		// A customer deleted since the purchases were read fails the run; the job runs
		// again and reads the purchases afresh.
		return execChunks(tx, `INSERT INTO customer_values (`+valueColumns+`) VALUES %s`, values, 14, ", ",
			func(q *Query, v rapport.CustomerValue) string { return q.In(valueRow(&v)...) })
	})
}

// FindCustomerValue returns a visible customer's value, or nil when it has none.
func (db *DB) FindCustomerValue(ctx context.Context, s rapport.Scope, customerID rapport.ID) (*rapport.CustomerValue, error) {
	var v *rapport.CustomerValue
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		return tx.reads(func(b *batch) { b.customerValue(customerID, &v) })
	})
	return v, err
}

// customerValue reads a customer's value into out, which stays nil when it has none.
func (b *batch) customerValue(customerID rapport.ID, out **rapport.CustomerValue) {
	v := &rapport.CustomerValue{}
	var revenue int64
	b.query(`SELECT `+valueColumns+` FROM customer_values WHERE customer_id = $1`, []any{customerID}, func(r Scanner) error {
		err := r.Scan(valueDest(v, &revenue)...)
		v.Revenue, *out = rapport.Amount(revenue), v
		return err
	})
}
