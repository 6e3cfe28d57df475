package sqldb

import (
	"context"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.IdempotencyService = (*DB)(nil)

const idempotencyLifetime = 24 * time.Hour

// abandonedClaim is how long after its claim a request with a key is taken to have
// stopped with its server: it was given rapport.IdempotentRunLimit, and finishing takes
// moments more.
const abandonedClaim = rapport.IdempotentRunLimit + 5*time.Minute

// BeginIdempotent claims an idempotency key, or returns what it answered before. The
// claim is the time it was made, which FinishIdempotent matches.
func (db *DB) BeginIdempotent(ctx context.Context, userID rapport.ID, key, requestHash string) (*rapport.StoredResponse, time.Time, error) {
	var stored *rapport.StoredResponse
	var claim time.Time
	err := db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM idempotency_keys WHERE user_id = $1 AND created_at < $2`, userID, tx.now.Add(-idempotencyLifetime)); err != nil {
			return err
		}
		claim = tx.now
		res, err := tx.exec(`INSERT INTO idempotency_keys (user_id, idem_key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4)
			ON CONFLICT (user_id, idem_key) DO NOTHING`, userID, key, requestHash, claim)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var hash string
		var claimed time.Time
		prev := &rapport.StoredResponse{}
		if err := tx.queryRow(`SELECT request_hash, status, location, body, created_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2`,
			userID, key).Scan(&hash, &prev.Status, &prev.Location, &prev.Body, &claimed); err != nil {
			return err
		}
		switch {
		case hash != requestHash:
			return rapport.Errorf(rapport.ECONFLICT, "Idempotency-Key %q was used for a different request: use a new key for each new request", key)
		case prev.Status == 0 && claimed.After(tx.now.Add(-abandonedClaim)):
			return rapport.Errorf(rapport.ECONFLICT, "a request with Idempotency-Key %q is still running: retry in a moment", key)
		case prev.Status == 0:
			// Its server stopped while it ran: this request runs in its place.
			res, err := tx.exec(`UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND idem_key = $3 AND status = 0 AND created_at = $4`,
				claim, userID, key, claimed)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return rapport.Errorf(rapport.ECONFLICT, "a request with Idempotency-Key %q is still running: retry in a moment", key)
			}
			return nil
		}
		stored = prev
		return nil
	})
	if err != nil || stored != nil {
		return stored, time.Time{}, err
	}
	return nil, claim, nil
}

// FinishIdempotent stores the response of a claimed key, or releases it after a failure.
func (db *DB) FinishIdempotent(ctx context.Context, userID rapport.ID, key string, claim time.Time, res rapport.StoredResponse) error {
	return db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		const claimed = ` WHERE user_id = $1 AND idem_key = $2 AND status = 0 AND created_at = $3`
		if res.Status >= 500 {
			_, err := tx.exec(`DELETE FROM idempotency_keys`+claimed, userID, key, claim)
			return err
		}
		_, err := tx.exec(`UPDATE idempotency_keys SET status = $4, location = $5, body = $6`+claimed,
			userID, key, claim, res.Status, res.Location, res.Body)
		return err
	})
}
