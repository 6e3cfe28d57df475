package jobs_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// stuckStore is a disk store whose deletes fail for one key, as a file on a volume
// gone read-only would.
type stuckStore struct {
	*blob.Disk
	stuck string
}

func (s *stuckStore) Delete(ctx context.Context, key string) error {
	if key == s.stuck {
		return errors.New("read-only file system")
	}
	return s.Disk.Delete(ctx, key)
}

func TestPurger(t *testing.T) {
	db := sqldbtest.SQLite(t)
	disk, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	system := rapport.SystemScope("test")
	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva"}
	if err := db.CreateCustomer(ctx, system, c); err != nil {
		t.Fatal(err)
	}
	in := &rapport.Interaction{CustomerID: c.ID, Type: "letter", Channel: "post", OccurredAt: time.Now(), Summary: "Letters"}
	var keys []string
	for _, text := range []string{"first letter", "second letter", "third letter"} {
		key := blob.NewKey()
		if _, err := disk.Put(ctx, key, strings.NewReader(text)); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(text))
		in.Attachments = append(in.Attachments, &rapport.Attachment{Name: text + ".txt", ContentType: "text/plain",
			Size: int64(len(text)), SHA256: hex.EncodeToString(sum[:]), StorageKey: key})
		keys = append(keys, key)
	}
	if err := db.CreateInteraction(ctx, system, in); err != nil {
		t.Fatal(err)
	}
	// An unrelated content stays.
	other := blob.NewKey()
	disk.Put(ctx, other, strings.NewReader("someone else's letter"))

	if err := db.DeleteCustomer(ctx, system, c.ID); err != nil {
		t.Fatal(err)
	}
	store := &stuckStore{Disk: disk, stuck: keys[1]}
	p := &jobs.Purger{Queue: db, Blobs: store}
	result, err := p.Run(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "read-only file system") {
		t.Fatalf("a purge with a stuck content: %q, %v; want an error that says why", result, err)
	}
	for i, key := range keys {
		_, err := disk.Stat(ctx, key)
		if gone := errors.Is(err, blob.ErrNotFound); gone != (i != 1) {
			t.Errorf("content %d: gone %v, want gone unless stuck (%v)", i, gone, err)
		}
	}
	if queued, _ := db.ContentsToDelete(ctx, 10); len(queued) != 1 || queued[0] != keys[1] {
		t.Errorf("still queued: %v, want only the stuck content %s", queued, keys[1])
	}

	// Once the store works again, the next run deletes it.
	store.stuck = ""
	if result, err := p.Run(ctx, nil); err != nil || result != "attachment contents deleted: 1" {
		t.Fatalf("second run: %q, %v", result, err)
	}
	if _, err := disk.Stat(ctx, keys[1]); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("the stuck content after the second run: %v, want it gone", err)
	}
	if queued, _ := db.ContentsToDelete(ctx, 10); len(queued) != 0 {
		t.Errorf("still queued after the second run: %v", queued)
	}
	if _, err := disk.Stat(ctx, other); err != nil {
		t.Errorf("another customer's content: %v, want it kept", err)
	}
}
