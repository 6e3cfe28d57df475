package sqldb

import (
	"context"
	"errors"
	"sync"
	"time"
)

// groupQueue feeds one writer goroutine that stores what is queued in groups, one
// transaction a group (group commit): on SQLite, with its single writer, a commit per
// event would cost more than the request that made it. The read audit (readlog.go) and
// the help centre's views (portal_views.go) each run one, gathering their groups with
// gather.
type groupQueue[T any] struct {
	start   sync.Once
	mu      sync.Mutex // guards closed against a send after stop
	closed  bool
	queue   chan T
	stopped chan struct{}
}

var errClosed = errors.New("sqldb: the database is closed")

// send queues ev, starting the writer with the first; write must drain the queue and
// return when it is closed.
func (q *groupQueue[T]) send(ev T, size int, write func(queue <-chan T)) error {
	q.start.Do(func() {
		q.queue = make(chan T, size)
		q.stopped = make(chan struct{})
		go func() {
			defer close(q.stopped)
			write(q.queue)
		}()
	})
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errClosed
	}
	q.queue <- ev
	return nil
}

// waitFor waits for a queued event's result.
func waitFor(ctx context.Context, done <-chan error) error {
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stop lets the queued events be written, then ends the writer.
func (q *groupQueue[T]) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.queue == nil {
		q.closed = true
		return
	}
	q.closed = true
	close(q.queue)
	<-q.stopped
}

// gather takes the next event on queue and what follows it into one group of at most
// max. It waits up to delay for more, but no longer once the group holds an urgent
// event (one someone waits for); with no delay it takes only what has arrived. ok is
// false once the queue is closed and drained.
func gather[T any](queue <-chan T, max int, delay time.Duration, urgent func(T) bool) (group []T, ok bool) {
	first, ok := <-queue
	if !ok {
		return nil, false
	}
	group = []T{first}
	waiting := delay > 0 && !urgent(first)
	var timeout <-chan time.Time
	if waiting {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		timeout = timer.C
	}
	for len(group) < max {
		if !waiting {
			select {
			case ev, ok := <-queue:
				if !ok {
					return group, true
				}
				group = append(group, ev)
				continue
			default:
				return group, true
			}
		}
		select {
		case ev, ok := <-queue:
			if !ok {
				return group, true
			}
			group = append(group, ev)
			waiting = !urgent(ev)
		case <-timeout:
			return group, true
		}
	}
	return group, true
}
