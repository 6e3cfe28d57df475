package sqldb

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.JobService = (*DB)(nil)

// EnqueueJob queues a job of the kind unless one is queued.
func (db *DB) EnqueueJob(ctx context.Context, s rapport.Scope, kind string, delay time.Duration) error {
	return db.update(ctx, s, func(tx *Tx) error { return tx.enqueueJob(kind, delay) })
}

// enqueueJob queues a job in the transaction's writes: it exists if they commit.
func (tx *Tx) enqueueJob(kind string, delay time.Duration) error {
	var queued int
	if err := tx.queryRow(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND state = 'queued'`, kind).Scan(&queued); err != nil || queued > 0 {
		return err
	}
	_, err := tx.exec(`INSERT INTO jobs (id, kind, state, run_at, created_at) VALUES ($1, $2, 'queued', $3, $4)`,
		rapport.NewID(), kind, tx.now.Add(delay), tx.now)
	return err
}

// ClaimJob takes the next due job. The condition is repeated outside the subquery so
// that of two workers racing for one job (PostgreSQL re-checks it after waiting for
// the row), only one gets it.
func (db *DB) ClaimJob(ctx context.Context, kinds []string, lease time.Duration) (*rapport.Job, error) {
	var job *rapport.Job
	err := db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		q := &Query{}
		now := q.Arg(tx.now)
		due := `((state = 'queued' AND run_at <= ` + now + `) OR (state = 'running' AND leased_until < ` + now + `))`
		list := make([]any, len(kinds))
		for i, k := range kinds {
			list[i] = k
		}
		kindIn := q.In(list...)
		jobs, err := queryAll(tx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_until = `+q.Arg(tx.now.Add(lease))+`
			WHERE id = (SELECT id FROM jobs WHERE kind IN `+kindIn+` AND `+due+` ORDER BY run_at LIMIT 1) AND `+due+`
			RETURNING `+jobColumns, q.Args(), scanJob)
		if len(jobs) > 0 {
			job = jobs[0]
		}
		return err
	})
	return job, err
}

// FinishJob records the outcome of a claimed job.
func (db *DB) FinishJob(ctx context.Context, id rapport.ID, result string, jobErr error) error {
	return db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		if jobErr == nil {
			_, err := tx.exec(`UPDATE jobs SET state = 'done', result = $1, error = '', finished_at = $2 WHERE id = $3`, result, tx.now, id)
			return err
		}
		var attempts int
		if err := tx.queryRow(`SELECT attempts FROM jobs WHERE id = $1`, id).Scan(&attempts); err != nil {
			return notFound(err, "job")
		}
		if attempts >= rapport.JobMaxAttempts {
			_, err := tx.exec(`UPDATE jobs SET state = 'failed', error = $1, finished_at = $2 WHERE id = $3`, jobErr.Error(), tx.now, id)
			return err
		}
		// Retried after a minute, then after two: time for whatever failed to recover.
		_, err := tx.exec(`UPDATE jobs SET state = 'queued', error = $1, run_at = $2, leased_until = NULL WHERE id = $3`,
			jobErr.Error(), tx.now.Add(time.Duration(attempts)*time.Minute), id)
		return err
	})
}

// FindJobs lists the latest jobs of a kind.
func (db *DB) FindJobs(ctx context.Context, s rapport.Scope, kind string, n int) ([]*rapport.Job, error) {
	var jobs []*rapport.Job
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		jobs, err = queryAll(tx, `SELECT `+jobColumns+` FROM jobs WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT `+
			strconv.Itoa(limit(n, 10, 100)), []any{kind}, scanJob)
		return err
	})
	return jobs, err
}

const jobColumns = `id, kind, state, attempts, run_at, result, error, created_at, finished_at`

func scanJob(rows *sql.Rows) (*rapport.Job, error) {
	j := &rapport.Job{}
	var finished sql.NullTime
	err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempts, &j.RunAt, &j.Result, &j.Error, &j.CreatedAt, &finished)
	if finished.Valid {
		j.FinishedAt = &finished.Time
	}
	return j, err
}
