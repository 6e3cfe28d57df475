// Package jobs runs the background work queued in the database: each rapport serve
// process runs a worker, and a job is claimed by one of them at a time.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rapportckm/rapport"
)

// Handler does the work of one kind of job and says in a line what it did.
type Handler func(ctx context.Context, job *rapport.Job) (string, error)

// Worker claims due jobs and runs them one at a time.
type Worker struct {
	Queue    rapport.JobService
	Handlers map[string]Handler
	Poll     time.Duration // how often to look for work when there is none; default 2s
	// Lease is how long a job is the worker's without news from it; the worker renews
	// it every third of that while the job runs, so that the job of a worker that died
	// is taken up by another within a lease. Default 1 min.
	Lease time.Duration
	Log   *slog.Logger
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
		lease = time.Minute
	}
	job, err := w.Queue.ClaimJob(ctx, kinds, lease)
	if err != nil || job == nil {
		return false, err
	}
	start := time.Now()
	jobCtx, cancel := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	go func() { defer close(renewed); w.renew(jobCtx, cancel, job, lease) }()
	result, jobErr := w.run(jobCtx, job)
	cancel(nil)
	<-renewed
	if lost := context.Cause(jobCtx); errors.Is(lost, errLeaseLost) {
		w.Log.Error("job abandoned", "kind", job.Kind, "arg", job.Arg, "error", lost)
		return true, nil // another worker has it, or will
	}
	if ctx.Err() != nil {
		return true, ctx.Err() // shutting down: the lease runs out and the job runs again
	}
	if jobErr != nil {
		w.Log.Error("job failed", "kind", job.Kind, "attempt", job.Attempts, "error", jobErr)
	} else {
		w.Log.Info("job done", "kind", job.Kind, "result", result, "took", time.Since(start).Round(time.Millisecond))
	}
	err = w.Queue.FinishJob(context.WithoutCancel(ctx), job, result, jobErr)
	if rapport.ErrorCode(err) == rapport.ECONFLICT {
		w.Log.Error("job finished too late", "kind", job.Kind, "arg", job.Arg, "error", err)
		return true, nil // its lease ran out while it worked: the new claim's outcome counts
	}
	return true, err
}

var errLeaseLost = errors.New("the job's lease was lost")

// renew extends the job's lease until ctx is done. If the job is no longer the
// worker's, or the lease cannot be renewed before it runs out, it stops the job.
func (w *Worker) renew(ctx context.Context, stop context.CancelCauseFunc, job *rapport.Job, lease time.Duration) {
	renewed := time.Now()
	tick := time.NewTicker(lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		err := w.Queue.RenewJob(ctx, job, lease)
		switch {
		case err == nil:
			renewed = time.Now()
		case rapport.ErrorCode(err) == rapport.ECONFLICT || time.Since(renewed) > lease*2/3:
			stop(fmt.Errorf("%w: %w", errLeaseLost, err))
			return
		case ctx.Err() == nil:
			w.Log.Warn("renew job lease", "kind", job.Kind, "error", err) // tried again at the next tick
		}
	}
}

// run calls the handler, turning a panic into the job's error.
func (w *Worker) run(ctx context.Context, job *rapport.Job) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return w.Handlers[job.Kind](ctx, job)
}
