package sqldb

import (
	"context"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.IdempotencyService = (*DB)(nil)

const idempotencyLifetime = 24 * time.Hour

// BeginIdempotent claims an idempotency key, or returns what it answered before.
func (db *DB) BeginIdempotent(ctx context.Context, userID rapport.ID, key, requestHash string) (*rapport.StoredResponse, error) {
	var stored *rapport.StoredResponse
	err := db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM idempotency_keys WHERE user_id = $1 AND created_at < $2`, userID, tx.now.Add(-idempotencyLifetime)); err != nil {
			return err
		}
		res, err := tx.exec(`INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4)
			ON CONFLICT (user_id, idem_key) DO NOTHING`, userID, key, requestHash, tx.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var hash string
		prev := &rapport.StoredResponse{}
		if err := tx.queryRow(`SELECT request_hash, status, location, body FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2`, userID, key).Scan(&hash, &prev.Status, &prev.Location, &prev.Body); err != nil {
			return err
		}
		switch {
		case hash != requestHash:
			return rapport.Errorf(rapport.ECONFLICT, "Idempotency-Key %q was used for a different request: use a new key for each new request", key)
		case prev.Status == 0:
			return rapport.Errorf(rapport.ECONFLICT, "a request with Idempotency-Key %q is still running: retry in a moment", key)
		}
		stored = prev
		return nil
	})
	return stored, err
}

// FinishIdempotent stores the response of a claimed key, or releases it after a failure.
func (db *DB) FinishIdempotent(ctx context.Context, userID rapport.ID, key string, res rapport.StoredResponse) error {
	return db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		if res.Status >= 500 {
			_, err := tx.exec(`DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2`, userID, key)
			return err
		}
		_, err := tx.exec(`UPDATE idempotency_keys SET status = $1, location = $2, body = $3 WHERE user_id = $4 AND idem_key = $5`,
			res.Status, res.Location, res.Body, userID, key)
		return err
	})
}
