package sqldb

import (
	"context"
	"errors"
	"sync"
)

// groupQueue feeds one writer goroutine that stores what is queued in groups, one
// transaction a group (group commit): on SQLite, with its single writer, a commit per
// event would cost more than the request that made it. The read audit (readlog.go) and
// the help centre's views (portal_views.go) each run one, with their own way of
// gathering a group.
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
