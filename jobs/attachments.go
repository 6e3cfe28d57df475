package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
)

// ContentQueue is what the purge job needs of the database.
type ContentQueue interface {
	ContentsToDelete(ctx context.Context, n int) ([]string, error)
	ContentsDeleted(ctx context.Context, keys []string) error
}

// Purger runs the purge-attachments job: it deletes from the blob store the contents
// whose attachments the database has deleted (queued by the same transaction), and
// then their keys. A content that cannot be deleted keeps its key queued, the job
// fails and is tried again, and rapport serve queues it again on every start.
type Purger struct {
	Queue ContentQueue
	Blobs blob.Store
}

// Run deletes every queued content, a batch at a time.
func (p *Purger) Run(ctx context.Context, _ *rapport.Job) (string, error) {
	deleted, failed := 0, 0
	var firstErr error
	tried := map[string]bool{}
	for {
		keys, err := p.Queue.ContentsToDelete(ctx, 500)
		if err != nil {
			return "", err
		}
		var done []string
		fresh := 0
		for _, key := range keys {
			if tried[key] {
				continue
			}
			tried[key], fresh = true, fresh+1
			err := p.Blobs.Delete(ctx, key)
			if errors.Is(err, blob.ErrInvalidKey) {
				err = nil // no store could hold it: there is nothing to delete
			}
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			done = append(done, key)
		}
		if err := p.Queue.ContentsDeleted(ctx, done); err != nil {
			return "", err
		}
		deleted += len(done)
		if fresh == 0 {
			break
		}
	}
	result := fmt.Sprintf("attachment contents deleted: %d", deleted)
	if failed > 0 {
		return result, fmt.Errorf("%s; %d could not be deleted and will be tried again, the first because: %w", result, failed, firstErr)
	}
	return result, nil
}
