package sqldbtest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testJobs queues jobs with arguments, one queued per kind and argument, and renews a
// claimed job's lease only for the worker that holds it.
func testJobs(t *testing.T, open Opener) {
	db := open(t)
	for _, arg := range []string{"a", "a", "b", ""} {
		must(t, db.EnqueueJob(ctx, system, "work", arg, 0))
	}
	jobs, err := db.FindJobs(ctx, system, "work", 10)
	must(t, err)
	var args []string
	for _, j := range jobs {
		args = append(args, j.Arg)
	}
	if len(jobs) != 3 {
		t.Fatalf("got jobs with the arguments %q, want one each of a, b and none", args)
	}
	// Servers queueing the same job at once queue it once.
	for round := range 20 {
		kind := fmt.Sprint("together-", round)
		must(t, errors.Join(atOnce(4, func(int) error { return db.EnqueueJob(ctx, system, kind, "x", 0) })...))
		if together, err := db.FindJobs(ctx, system, kind, 10); err != nil || len(together) != 1 {
			t.Fatalf("4 queued at once: %d jobs (%v), want 1", len(together), err)
		}
	}

	first, err := db.ClaimJob(ctx, []string{"work"}, time.Minute)
	must(t, err)
	if first == nil || first.Arg != "a" || first.State != rapport.JobRunning {
		t.Fatalf("got %+v, want the first job queued, with its argument", first)
	}
	must(t, db.EnqueueJob(ctx, system, "work", "a", 0)) // a is running, not queued: queued again
	if jobs, _ := db.FindJobs(ctx, system, "work", 10); len(jobs) != 4 {
		t.Fatalf("got %d jobs, want a queued again while it runs", len(jobs))
	}
	must(t, db.RenewJob(ctx, first, time.Minute))

	// Its worker stops renewing; after the lease another claims it, and the first
	// worker's renewal is refused.
	db.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	var again *rapport.Job
	for again == nil || again.ID != first.ID {
		again, err = db.ClaimJob(ctx, []string{"work"}, time.Minute)
		must(t, err)
		if again == nil {
			t.Fatal("the job whose lease ran out was not claimed again")
		}
	}
	if again.Attempts != 2 {
		t.Errorf("got attempt %d, want 2", again.Attempts)
	}
	wantCode(t, db.RenewJob(ctx, first, time.Minute), rapport.ECONFLICT)
	// Nor may it finish the job, or queue it again, when its work ends late.
	wantCode(t, db.FinishJob(ctx, first, "did a, late", nil), rapport.ECONFLICT)
	wantCode(t, db.FinishJob(ctx, first, "", errors.New("late and failed")), rapport.ECONFLICT)
	must(t, db.RenewJob(ctx, again, time.Minute))
	must(t, db.FinishJob(ctx, again, "did a", nil))
	wantCode(t, db.RenewJob(ctx, again, time.Minute), rapport.ECONFLICT) // finished
	jobs, _ = db.FindJobs(ctx, system, "work", 10)
	done := 0
	for _, j := range jobs {
		if j.State == rapport.JobDone {
			done++
			if got := fmt.Sprint(j.Arg, " ", j.Result); got != "a did a" {
				t.Errorf("got %q, want the finished job's argument and result", got)
			}
		}
	}
	if done != 1 {
		t.Errorf("got %d jobs done, want 1", done)
	}
}
