package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

var ctx = context.Background()

func TestWorker(t *testing.T) {
	for name, open := range map[string]sqldbtest.Opener{"sqlite": sqldbtest.SQLite, "postgres": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) { testWorker(t, open(t)) })
	}
}

func testWorker(t *testing.T, db *sqldb.DB) {
	system := rapport.SystemScope("test")
	runs, fail := 0, true
	w := &jobs.Worker{Queue: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Handlers: map[string]jobs.Handler{
		"count": func(context.Context, *rapport.Job) (string, error) {
			runs++
			if fail {
				return "", errors.New("the disk is full")
			}
			return "counted", nil
		},
	}}
	if ran, err := w.RunOnce(ctx); ran || err != nil {
		t.Fatalf("got %v, %v on an empty queue, want nothing to run", ran, err)
	}
	// Queued twice before it runs: it runs once.
	for range 2 {
		if err := db.EnqueueJob(ctx, system, "count", "", 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.EnqueueJob(ctx, system, "later", "", time.Hour); err != nil {
		t.Fatal(err)
	}
	if ran, err := w.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("got %v, %v, want the job run", ran, err)
	}
	if ran, _ := w.RunOnce(ctx); ran || runs != 1 {
		t.Fatalf("ran %d times, want 1: the failed job waits before it is tried again", runs)
	}
	list, err := db.FindJobs(ctx, system, "count", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].State != rapport.JobQueued || list[0].Error != "the disk is full" || !list[0].RunAt.After(time.Now()) {
		t.Fatalf("got %+v, want one job queued again for later with its error", list)
	}
	// A job whose worker died is claimed again when its lease runs out.
	if err := db.EnqueueJob(ctx, system, "count", "", 0); err != nil { // the failed one is queued: no new job
		t.Fatal(err)
	}
	if list, _ := db.FindJobs(ctx, system, "count", 10); len(list) != 1 {
		t.Fatalf("got %d jobs, want the queued one only", len(list))
	}
	dead := &jobs.Worker{Queue: db, Handlers: map[string]jobs.Handler{"other": nil}}
	if ran, _ := dead.RunOnce(ctx); ran {
		t.Fatal("a worker ran a job of a kind it has no handler for")
	}
	job, err := db.ClaimJob(ctx, []string{"later"}, time.Millisecond)
	if err != nil || job != nil {
		t.Fatalf("got %v, %v, want nothing due yet", job, err)
	}
	fail = false
	db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) } // past the retry delay
	job, err = db.ClaimJob(ctx, []string{"count"}, time.Minute)          // a worker takes it and dies
	if err != nil || job == nil || job.Attempts != 2 {
		t.Fatalf("got %+v, %v, want the second attempt", job, err)
	}
	if ran, _ := w.RunOnce(ctx); ran {
		t.Fatal("a leased job was taken while its lease ran")
	}
	db.Now = func() time.Time { return time.Now().Add(4 * time.Minute) }
	if ran, err := w.RunOnce(ctx); !ran || err != nil || runs != 2 {
		t.Fatalf("got %v, %v after %d runs, want the job taken again after its lease", ran, err, runs)
	}
	list, _ = db.FindJobs(ctx, system, "count", 10)
	if list[0].State != rapport.JobDone || list[0].Result != "counted" || list[0].Attempts != 3 || list[0].FinishedAt == nil {
		t.Fatalf("got %+v, want done on the third attempt", list[0])
	}
}

// TestLease runs a job for longer than its lease: its worker keeps it by renewing the
// lease, and stops it once another worker has claimed it.
func TestLease(t *testing.T) {
	for name, open := range map[string]sqldbtest.Opener{"sqlite": sqldbtest.SQLite, "postgres": sqldbtest.Postgres} {
		t.Run(name, func(t *testing.T) { testLease(t, open(t)) })
	}
}

func testLease(t *testing.T, db *sqldb.DB) {
	system := rapport.SystemScope("test")
	var later atomic.Int64 // moves the database's clock while a worker reads it
	db.Now = func() time.Time { return time.Now().Add(time.Duration(later.Load())) }
	started, release := make(chan string, 1), make(chan struct{})
	w := &jobs.Worker{Queue: db, Lease: 300 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: map[string]jobs.Handler{"slow": func(ctx context.Context, job *rapport.Job) (string, error) {
			started <- job.Arg
			select {
			case <-release:
				return "finished " + job.Arg, nil
			case <-ctx.Done():
				return "", context.Cause(ctx)
			}
		}}}
	runOnce := func() chan error {
		done := make(chan error, 1)
		go func() { _, err := w.RunOnce(ctx); done <- err }()
		if arg := <-started; arg == "" {
			t.Fatal("the job started without its argument")
		}
		return done
	}
	if err := db.EnqueueJob(ctx, system, "slow", "first", 0); err != nil {
		t.Fatal(err)
	}
	done := runOnce()
	time.Sleep(time.Second) // three leases
	if job, err := db.ClaimJob(ctx, []string{"slow"}, time.Minute); err != nil || job != nil {
		t.Fatalf("got %+v, %v: a job whose worker renews its lease was claimed by another", job, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	list, _ := db.FindJobs(ctx, system, "slow", 10)
	if len(list) != 1 || list[0].State != rapport.JobDone || list[0].Result != "finished first" || list[0].Attempts != 1 {
		t.Fatalf("got %+v, want the job done at its first attempt", list[0])
	}

	// Another worker takes the job (its lease ran out while the database was away, say):
	// the first stops it and leaves its outcome to the other.
	release = make(chan struct{})
	if err := db.EnqueueJob(ctx, system, "slow", "second", 0); err != nil {
		t.Fatal(err)
	}
	done = runOnce()
	later.Store(int64(time.Hour))
	taken, err := db.ClaimJob(ctx, []string{"slow"}, time.Hour)
	if err != nil || taken == nil || taken.Attempts != 2 {
		t.Fatalf("got %+v, %v, want the job claimed again", taken, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the worker went on with a job another worker had claimed")
	}
	list, _ = db.FindJobs(ctx, system, "slow", 10)
	if list[0].Arg != "second" || list[0].State != rapport.JobRunning || list[0].Attempts != 2 {
		t.Errorf("got %+v, want the job still running in the other worker's hands", list[0])
	}
}
