// Package jobs runs the background work queued in the database: each rapport serve
// process runs a worker, and a job is claimed by one of them at a time.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/rapportckm/rapport"
)

// Handler does the work of one kind of job and says in a line what it did.
type Handler func(ctx context.Context) (string, error)

// Worker claims due jobs and runs them one at a time.
type Worker struct {
	Queue    rapport.JobService
	Handlers map[string]Handler
	Poll     time.Duration // how often to look for work when there is none; default 2s
	Lease    time.Duration // how long a job may run before another worker may take it; default 30 min
	Log      *slog.Logger
}

// Run works until ctx is done.
func (w *Worker) Run(ctx context.Context) {
	poll := w.Poll
	if poll == 0 {
		poll = 2 * time.Second
	}
	for {
		ran, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Error("job queue", "error", err)
		}
		if ran && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

// RunOnce runs the next due job, if any, and reports whether there was one.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	kinds := make([]string, 0, len(w.Handlers))
	for k := range w.Handlers {
		kinds = append(kinds, k)
	}
	lease := w.Lease
	if lease == 0 {
		lease = 30 * time.Minute
	}
	job, err := w.Queue.ClaimJob(ctx, kinds, lease)
	if err != nil || job == nil {
		return false, err
	}
	start := time.Now()
	result, jobErr := w.run(ctx, job)
	if ctx.Err() != nil {
		return true, ctx.Err() // shutting down: the lease runs out and the job runs again
	}
	if jobErr != nil {
		w.Log.Error("job failed", "kind", job.Kind, "attempt", job.Attempts, "error", jobErr)
	} else {
		w.Log.Info("job done", "kind", job.Kind, "result", result, "took", time.Since(start).Round(time.Millisecond))
	}
	return true, w.Queue.FinishJob(context.WithoutCancel(ctx), job.ID, result, jobErr)
}

// run calls the handler, turning a panic into the job's error.
func (w *Worker) run(ctx context.Context, job *rapport.Job) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return w.Handlers[job.Kind](ctx)
}
