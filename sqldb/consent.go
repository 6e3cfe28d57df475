package sqldb

import (
	"context"
	"fmt"

	"github.com/rapportckm/rapport"
)

var _ rapport.ConsentService = (*DB)(nil)

// FindConsents returns a visible customer's latest decision per purpose.
func (db *DB) FindConsents(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.Consent, error) {
	var out []rapport.Consent
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		var err error
		out, err = tx.consents(customerID)
		return err
	})
	return out, err
}

// consents returns a profile's latest decision per purpose, in the order of Purposes.
func (tx *Tx) consents(customerID rapport.ID) (out []rapport.Consent, err error) {
	return out, tx.reads(func(b *batch) { b.consents(customerID, &out) })
}

// consents reads into out a profile's latest decision per purpose, in the order of
// Purposes.
func (b *batch) consents(customerID rapport.ID, out *[]rapport.Consent) {
	var all []rapport.Consent
	appendRows(b, &all, `SELECT purpose, granted, decided_at, source, recorded_by, recorded_at FROM consents
		WHERE customer_id = $1 ORDER BY decided_at DESC, recorded_at DESC`, []any{customerID}, func(rows Scanner) (rapport.Consent, error) {
		var c rapport.Consent
		err := rows.Scan(&c.Purpose, &c.Granted, &c.DecidedAt, &c.Source, &c.RecordedBy, &c.RecordedAt)
		return c, err
	})
	b.then(func() error {
		*out = []rapport.Consent{}
		for _, p := range rapport.Purposes {
			for _, c := range all {
				if c.Purpose == p {
					*out = append(*out, c)
					break
				}
			}
		}
		return nil
	})
}

// RecordConsent records a decision for a visible customer's profile.
func (db *DB) RecordConsent(ctx context.Context, s rapport.Scope, customerID rapport.ID, c rapport.Consent) (*rapport.Consent, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "record consents"); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := c.Validate(tx.now); err != nil {
			return err
		}
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		c.RecordedBy, c.RecordedAt = s.UserID, tx.now
		if _, err := tx.exec(`INSERT INTO consents (recorded_customer_id, purpose, customer_id, granted, decided_at, source, recorded_by, recorded_at)
			VALUES ($1, $2, $1, $3, $4, $5, $6, $7)
			ON CONFLICT (recorded_customer_id, purpose) DO UPDATE SET customer_id = excluded.customer_id, granted = excluded.granted,
				decided_at = excluded.decided_at, source = excluded.source, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
			customerID, c.Purpose, c.Granted, c.DecidedAt, c.Source, c.RecordedBy, c.RecordedAt); err != nil {
			return err
		}
		verb := "withdrawn"
		if c.Granted {
			verb = "granted"
		}
		return tx.audit("record", "consent", rapport.ID{}, customerID, false, fmt.Sprintf("%s %s (%s)", c.Purpose, verb, c.Source))
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// consentGranted is the condition that the customer in column col has granted
// consent for the purpose: their latest decision about it is a yes.
func consentGranted(q *Query, col string, p rapport.Purpose) string {
	arg := q.Arg(string(p))
	return fmt.Sprintf(`EXISTS (SELECT 1 FROM consents k WHERE k.customer_id = %[1]s AND k.purpose = %[2]s AND k.granted
		AND NOT EXISTS (SELECT 1 FROM consents w WHERE w.customer_id = %[1]s AND w.purpose = %[2]s AND NOT w.granted
			AND w.decided_at > k.decided_at))`, col, arg)
}
