package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.JobService = (*DB)(nil)

// EnqueueJob queues a job of the kind and argument unless one is queued.
func (db *DB) EnqueueJob(ctx context.Context, s rapport.Scope, kind, arg string, delay time.Duration) error {
	return db.update(ctx, s, func(tx *Tx) error {
		_, err := tx.queueJob(kind, arg, delay)
		return err
	})
}

// enqueueJob queues a job without an argument in the transaction's writes: it exists
// if they commit.
func (tx *Tx) enqueueJob(kind string, delay time.Duration) error {
	_, err := tx.queueJob(kind, "", delay)
	return err
}

// queueJob queues a job of the kind and argument unless one is queued, and returns the
// id of the job queued, new or not. The look and the insert are made under a lock on
// the two, so that two servers queueing the same job at once queue it once.
func (tx *Tx) queueJob(kind, arg string, delay time.Duration) (rapport.ID, error) {
	if err := tx.lock("job " + kind + " " + arg); err != nil {
		return rapport.ID{}, err
	}
	var id rapport.ID
	err := tx.queryRow(`SELECT id FROM jobs WHERE kind = $1 AND arg = $2 AND state = 'queued'`, kind, arg).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	id = rapport.NewID()
	_, err = tx.exec(`INSERT INTO jobs (id, kind, arg, state, run_at, created_at) VALUES ($1, $2, $3, 'queued', $4, $5)`,
		id, kind, arg, tx.now.Add(delay), tx.now)
	return id, err
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
		kindIn := q.In(anySlice(kinds)...)
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

// RenewJob extends the lease of a running job, unless another worker has claimed it
// since.
func (db *DB) RenewJob(ctx context.Context, job *rapport.Job, lease time.Duration) error {
	return db.updateClaim(ctx, job, `leased_until = $1`, db.now().Add(lease))
}

// FinishJob records the outcome of a claimed job, if it is still the caller's claim:
// a worker whose lease ran out while it worked must not finish, or queue again, the
// job another worker has claimed since.
func (db *DB) FinishJob(ctx context.Context, job *rapport.Job, result string, jobErr error) error {
	now := db.now()
	switch {
	case jobErr == nil:
		return db.updateClaim(ctx, job, `state = 'done', result = $1, error = '', finished_at = $2`, result, now)
	case job.Attempts >= rapport.JobMaxAttempts:
		return db.updateClaim(ctx, job, `state = 'failed', error = $1, finished_at = $2`, jobErr.Error(), now)
	}
	// Retried after a minute, then after two: time for whatever failed to recover.
	return db.updateClaim(ctx, job, `state = 'queued', error = $1, run_at = $2, leased_until = NULL`,
		jobErr.Error(), now.Add(time.Duration(job.Attempts)*time.Minute))
}

// updateClaim sets the columns of set (whose placeholders are args) of a job the caller
// claimed, if the claim is still theirs: running, at the attempt they claimed.
func (db *DB) updateClaim(ctx context.Context, job *rapport.Job, set string, args ...any) error {
	return db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		n := len(args)
		res, err := tx.exec(`UPDATE jobs SET `+set+` WHERE id = $`+strconv.Itoa(n+1)+` AND state = 'running' AND attempts = $`+strconv.Itoa(n+2),
			append(args, job.ID, job.Attempts)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, rapport.Errorf(rapport.ECONFLICT, "the job %s is no longer this worker's: its lease ran out", job.ID))
		}
		return nil
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

const jobColumns = `id, kind, arg, state, attempts, run_at, result, error, created_at, finished_at`

func scanJob(rows Scanner) (*rapport.Job, error) {
	j := &rapport.Job{}
	var finished sql.NullTime
	err := rows.Scan(&j.ID, &j.Kind, &j.Arg, &j.State, &j.Attempts, &j.RunAt, &j.Result, &j.Error, &j.CreatedAt, &finished)
	if finished.Valid {
		j.FinishedAt = &finished.Time
	}
	return j, err
}
