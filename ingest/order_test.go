package ingest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/tabular"
)

// TestBatchesWrittenAtOnceCommitInOrder writes batches two at a time on PostgreSQL,
// those of an import and those of a bulk request, holding the first until the second
// waits for it to commit, then making the first fail: by losing a deadlock over a row
// both write, or by being cancelled. The run must end as one written a batch at a
// time: every row once, the later of two lines with the same key kept, the counts (and
// an import's place in the file) of a serial run; and once batches have collided, the
// rest are written one at a time.
func TestBatchesWrittenAtOnceCommitInOrder(t *testing.T) {
	for _, tt := range []struct {
		name   string
		bulk   bool // a bulk request's batches, not an import's
		cancel bool // the first batch is cancelled instead of writing on into the row the second wrote
	}{{"import/deadlock", false, false}, {"import/first fails", false, true},
		{"bulk/deadlock", true, false}, {"bulk/first fails", true, true}} {
		t.Run(tt.name, func(t *testing.T) {
			db, raw := sqldbtest.PostgresAndSQL(t)
			if n := db.ImportBatchesAtOnce(); n != 2 {
				t.Fatalf("PostgreSQL writes %d batches at once, want 2", n)
			}
			system := rapport.SystemScope("test")
			c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Acme"}
			if err := db.CreateCustomer(ctx, system, c); err != nil {
				t.Fatal(err)
			}
			// Two batches of three; both hold the order X, the second first.
			var input strings.Builder
			var second int64  // where the second batch starts
			var later []int64 // where the fourth and fifth batches start
			for i, key := range []string{"a", "b", "X", "X", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m"} {
				switch i {
				case 3:
					second = int64(input.Len())
				case 9, 12:
					later = append(later, int64(input.Len()))
				}
				fmt.Fprintf(&input, `{"customer_id":%q,"type":"order","channel":"web","occurred_at":"2024-01-02T03:04:05Z","source_id":%q,"summary":"Order %s, line %d"}`+"\n", c.ID, key, key, i+1)
			}
			svc := &stallFirst{DB: db, t: t, raw: raw, cancel: tt.cancel, tries: map[int64]int{}, firstErr: map[int64]error{}}
			var imp *rapport.Import
			var res rapport.IngestResult
			var err error
			if tt.bulk {
				res, err = ingest.Interactions(ctx, strings.NewReader(input.String()), svc, system, ingest.Options{Source: "shop", BatchSize: 3})
			} else {
				imp = &rapport.Import{Source: "shop", Kind: "interactions", File: "orders", Name: "orders.ndjson", Size: int64(input.Len())}
				if _, err := db.StartImport(ctx, system, imp); err != nil {
					t.Fatal(err)
				}
				rows, err := ingest.OpenRows(strings.NewReader(input.String()), nil, tabular.Options{Format: tabular.NDJSON})
				if err != nil {
					t.Fatal(err)
				}
				var r ingest.Result
				r, err = ingest.ImportInteractions(ctx, rows, nil, svc, system, ingest.Options{Source: "shop", BatchSize: 3, Import: imp})
				res = r.IngestResult
			}
			if err != nil {
				t.Fatalf("the run failed: %v (first attempts %v)", err, svc.failures())
			}
			if res.Received != 15 || res.Created != 14 || res.Updated != 1 || res.Rejected != 0 {
				t.Errorf("got %+v, want 15 received, 14 created, X updated by its second line", res)
			}
			var summary string
			if err := raw.QueryRow(`SELECT summary FROM interactions WHERE customer_id = $1 AND summary LIKE 'Order X%'`, c.ID).Scan(&summary); err != nil || summary != "Order X, line 4" {
				t.Errorf("got X's summary %q (%v), want its later line's, %q", summary, err, "Order X, line 4")
			}
			// Once batches have collided, the rest are written one at a time, each once.
			for _, from := range later {
				if n := svc.tries[from]; n != 1 {
					t.Errorf("the batch at byte %d was tried %d times, want once", from, n)
				}
			}
			if imp != nil {
				got, err := db.FindImport(ctx, system, imp.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Offset != int64(input.Len()) || got.Line != 15 || got.Read != 15 || got.Created != 14 || got.Updated != 1 {
					t.Errorf("got the import at byte %d, line %d, %d read, %d created, %d updated; want byte %d, line 15, 15, 14, 1",
						got.Offset, got.Line, got.Read, got.Created, got.Updated, input.Len())
				}
			}
			var n int
			if err := raw.QueryRow(`SELECT COUNT(*) FROM interactions WHERE customer_id = $1`, c.ID).Scan(&n); err != nil || n != 14 {
				t.Errorf("got %d interactions (%v), want 14", n, err)
			}
			// How the first attempts failed: the batch that lost the deadlock, or the
			// first cancelled; a second batch whose first had not committed wrote nothing.
			failed := svc.failures()
			if tt.cancel {
				if !errors.Is(failed[0], context.Canceled) || rapport.ErrorCode(failed[second]) != rapport.ECONFLICT {
					t.Errorf("got first attempts failing with %v, want the first cancelled and the second refused", failed)
				}
			} else {
				// PostgreSQL's deadlock error, as Rapport says it.
				if !strings.Contains(fmt.Sprint(failed[0], failed[second]), "at the same moment") {
					t.Errorf("got first attempts failing with %v, want one a deadlock", failed)
				}
			}
		})
	}
}

// stallFirst writes through the database, but holds the first attempt at the first
// batch, once placed, until the next batch waits for it to commit; then cancels it, or
// lets it go on.
type stallFirst struct {
	*sqldb.DB
	t        *testing.T
	raw      *sql.DB
	cancel   bool
	mu       sync.Mutex
	tries    map[int64]int   // attempts at each batch, by where it starts
	firstErr map[int64]error // what their first attempt returned
}

func (s *stallFirst) ImportInteractions(ctx context.Context, scope rapport.Scope, rows []rapport.IncomingInteraction, at *rapport.ImportBatch) (rapport.IngestResult, error) {
	s.mu.Lock()
	first, retry := len(s.tries) == 0, s.tries[at.From] > 0
	s.tries[at.From]++
	s.mu.Unlock()
	batch := *at
	if first {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		batch.Placed = func() {
			at.Placed() // the next batch starts
			s.waitForNext(at)
			if s.cancel {
				cancel()
			}
		}
	}
	res, err := s.DB.ImportInteractions(ctx, scope, rows, &batch)
	if !retry {
		s.mu.Lock()
		s.firstErr[at.From] = err
		s.mu.Unlock()
	}
	return res, err
}

// waitForNext waits until a transaction waits for the lock the first batch holds:
// the lock the next batch takes, in recordBatch, before it commits (named as sqldb's
// batchEnd names it).
func (s *stallFirst) waitForNext(at *rapport.ImportBatch) {
	key := fmt.Sprintf("import %s batch ending at %d", at.Import, at.Offset)
	if at.Import.IsZero() {
		key = fmt.Sprintf("bulk request %s batch ending at %d", at.Request, at.Offset)
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var waiting int
		err := s.raw.QueryRow(`SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND (classid::bigint << 32) | objid::bigint = hashtextextended($1, 0)`, key).Scan(&waiting)
		if err != nil {
			s.t.Error(err)
			return
		}
		if waiting > 0 {
			return
		}
	}
	s.t.Error("the second batch never waited for the first to commit")
}

// failures returns the first attempts' errors, by where their batches start.
func (s *stallFirst) failures() map[int64]error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstErr
}
