package rapport

import (
	"context"
	"time"
)

// JobState is where a background job stands.
type JobState string

const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed" // after its last attempt
)

// Job is background work kept in the database, so that it survives restarts and any
// rapport serve process sharing the database can run it.
type Job struct {
	ID         ID         `json:"id"`
	Kind       string     `json:"kind"`          // such as "resolve"
	Arg        string     `json:"arg,omitempty"` // what the job works on, such as an import's id; "" for none
	State      JobState   `json:"state"`
	Attempts   int        `json:"attempts"`
	RunAt      time.Time  `json:"run_at"`
	Result     string     `json:"result,omitempty"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// JobResolve is the kind of job that runs identity resolution over all customers: it
// learns the model again. It runs daily (ResolveInterval), when asked, and when
// JobResolveNew finds no model fit for the customers waiting.
//
// JobResolveNew resolves the customers created or changed since they were last
// resolved against the others, with the model the last full run learnt. It is queued
// whenever customers are created or changed, ResolveDelay later, so that an import's
// batches are resolved together.
const (
	JobResolve      = "resolve"
	JobResolveNew   = "resolve-new"
	ResolveDelay    = 5 * time.Second
	ResolveInterval = 24 * time.Hour
)

// JobImport is the kind of job that imports a file uploaded through the web app or the
// API; its argument is the import's id.
const JobImport = "import"

// JobMaxAttempts is how many times a failing job runs before it is given up.
const JobMaxAttempts = 3

// JobService keeps the queue of background jobs.
type JobService interface {
	// EnqueueJob queues a job of the kind with the argument (often "") to run after
	// delay, unless one with the same kind and argument is queued already: that one
	// will see whatever the new one would have.
	EnqueueJob(ctx context.Context, s Scope, kind, arg string, delay time.Duration) error
	// ClaimJob takes the next due job of the kinds for lease, or returns nil. A job
	// whose lease ran out (its worker died) is due again.
	ClaimJob(ctx context.Context, kinds []string, lease time.Duration) (*Job, error)
	// RenewJob extends the lease of a claimed job while it runs. It returns
	// ECONFLICT when the job is no longer the caller's: its lease ran out and another
	// worker claimed it (job.Attempts tells the claims apart).
	RenewJob(ctx context.Context, job *Job, lease time.Duration) error
	// FinishJob records a claimed job's outcome; a failed job is retried later until
	// it has had JobMaxAttempts. It returns ECONFLICT, recording nothing, when the job
	// is no longer the caller's (as RenewJob).
	FinishJob(ctx context.Context, job *Job, result string, jobErr error) error
	// FindJobs lists the latest jobs of a kind, newest first.
	FindJobs(ctx context.Context, s Scope, kind string, limit int) ([]*Job, error)
}
