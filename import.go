package rapport

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Import is the progress of one file's import from a source system. It is saved with
// every batch of rows, in the same transaction, so that an import stopped at any point
// resumes after the last batch written.
type Import struct {
	ID     ID     `json:"id"`
	Source string `json:"source"`
	Kind   string `json:"kind"` // customers or interactions
	// File identifies the file: its name, size and a hash of its first MiB, or for a
	// file uploaded to the server, "upload:" and the upload's id.
	File      string      `json:"-"`
	Name      string      `json:"name"`
	Size      int64       `json:"size"`
	Offset    int64       `json:"offset"` // where the next row starts in the (decompressed) file
	Line      int         `json:"line"`   // lines before it
	Read      int         `json:"read"`
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Linked    int         `json:"linked"`
	Unchanged int         `json:"unchanged"`
	Rejected  int         `json:"rejected"`
	Done      bool        `json:"-"` // State says it
	State     ImportState `json:"state"`
	// Error is why the last attempt of an uploaded file's import failed; when State
	// is queued, RetryAt is when it is tried again.
	Error   string    `json:"error,omitempty"`
	RetryAt time.Time `json:"retry_at,omitzero"`
	// UserID is who uploaded the file, through the web app or the API: the import is
	// run as them. It is zero for rapport import.
	UserID   ID     `json:"user_id,omitzero"`
	UserName string `json:"-"`
	// Mapping is the mapping (YAML) of an uploaded file; "" for a file in Rapport's
	// own shape.
	Mapping   string    `json:"mapping,omitempty"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Where the current run started, for its pace: a resumed import reads faster than
	// its whole history says.
	RunStartedAt time.Time `json:"-"`
	RunOffset    int64     `json:"-"`
	RunRead      int       `json:"-"`
}

// ImportState is where an import stands.
type ImportState string

const (
	ImportDraft   ImportState = "draft"  // uploaded; its mapping is to be confirmed before it runs
	ImportQueued  ImportState = "queued" // waiting for a worker, or for another attempt
	ImportRunning ImportState = "running"
	ImportDone    ImportState = "done"
	ImportFailed  ImportState = "failed" // after its last attempt; it can be resumed
	// ImportUnfinished is a rapport import that has not finished: it is running, or
	// was stopped and resumes when the same command runs again.
	ImportUnfinished ImportState = "unfinished"
)

// UploadPrefix starts the File of an import of a file uploaded to the server.
const UploadPrefix = "upload:"

// Share is the part of the file read, from 0 to 1.
func (imp *Import) Share() float64 {
	if imp.Done {
		return 1
	}
	if imp.Size <= 0 {
		return 0
	}
	return min(float64(imp.Offset)/float64(imp.Size), 1)
}

// Pace is how many rows a second the current run reads, and how long the rest of the
// file takes at its pace, from the bytes left (the rows left are not known). ok is
// false before the run has written a batch.
func (imp *Import) Pace() (rowsPerSecond float64, left time.Duration, ok bool) {
	elapsed := imp.UpdatedAt.Sub(imp.RunStartedAt)
	rows, bytes := imp.Read-imp.RunRead, imp.Offset-imp.RunOffset
	if imp.RunStartedAt.IsZero() || elapsed <= 0 || rows <= 0 {
		return 0, 0, false
	}
	if bytes > 0 && imp.Size > imp.Offset && !imp.Done {
		left = time.Duration(float64(elapsed) * float64(imp.Size-imp.Offset) / float64(bytes))
	}
	return float64(rows) / elapsed.Seconds(), left, true
}

// Validate checks an upload's import: its source, its kind and the file's name.
func (imp *Import) Validate() error {
	p := Problems{}
	imp.Source = strings.TrimSpace(imp.Source)
	if imp.Source == "" {
		p.Add("source", "source is required: the system the records come from, such as billing")
	}
	checkName(p, "source", imp.Source)
	if imp.Kind != "customers" && imp.Kind != "interactions" {
		p.Add("kind", "say what the file holds: customers or interactions")
	}
	if imp.Name == "" {
		p.Add("file", "choose a file to import")
	}
	checkText(p, "file", imp.Name, 200)
	return p.Err()
}

// ImportFilter chooses a page of imports.
type ImportFilter struct {
	Cursor string
	Limit  int
}

// Add counts a run's result into the import's totals: a resumed import's runs add up.
func (imp *Import) Add(res IngestResult) {
	imp.Read += res.Received
	imp.Created += res.Created
	imp.Updated += res.Updated
	imp.Linked += res.Linked
	imp.Unchanged += res.Unchanged
	imp.Rejected += res.Rejected
}

// Totals says what the import did in all, as a line.
func (imp *Import) Totals() string {
	return fmt.Sprintf("read %d, created %d, updated %d, linked %d, unchanged %d, rejected %d",
		imp.Read, imp.Created, imp.Updated, imp.Linked, imp.Unchanged, imp.Rejected)
}

// ImportBatch says where in its file a batch of rows starts and ends, for the database
// to record with the rows. A batch is written only where the import stands, after the
// batches before it: batches written at once commit in file order, or not at all.
//
// The batches of a bulk request are kept in order the same way, but recorded nowhere:
// Import is zero, Request names the request's run, and Before says whether the batch
// before was written.
type ImportBatch struct {
	Import   ID
	Request  ID
	From     int64 // where the batch starts: where the import stands once the batches before it are written
	Offset   int64 // where it ends
	Line     int
	Read     int         // rows read in the batch, rejected ones included
	Rejected []LineError // rows rejected before they reached the database
	// Text returns a row as written in the file, for the rejects the database finds.
	Text func(line int) string
	// Placed, if set, is called once the batch holds its place in the import's order:
	// a batch of the same import started after that commits after this one.
	Placed func()
	// Before, if set, is called in a bulk request's batch once the batch before it has
	// ended, and says whether that batch was written; if not, neither is this one.
	Before func() bool
}

// Reject is a row an import rejected: where, why, and the row as written.
type Reject struct {
	LineError
	Text string `json:"text"`
}

// ImportService records imports of files and writes their batches.
type ImportService interface {
	// StartImport finds the unfinished import of the same file (source, kind and
	// file), to resume, or starts imp afresh: a finished import is started again,
	// its rejects forgotten. It fills in imp and reports whether it resumes.
	StartImport(ctx context.Context, s Scope, imp *Import) (resumed bool, err error)
	FinishImport(ctx context.Context, s Scope, id ID) error
	// AbandonImport forgets an import of rapport import that stopped before writing
	// any row, so that it is neither listed as unfinished nor resumed: there is
	// nothing to resume. An import that wrote rows is kept, to resume where it
	// stopped; so are finished imports and uploaded files' imports.
	AbandonImport(ctx context.Context, s Scope, id ID) error
	// ImportCustomers and ImportInteractions write a batch as IngestCustomers and
	// IngestInteractions do, and in the same transaction move the import to where
	// the batch ends and record its rejects.
	ImportCustomers(ctx context.Context, s Scope, rows []IncomingCustomer, at *ImportBatch) (IngestResult, error)
	ImportInteractions(ctx context.Context, s Scope, rows []IncomingInteraction, at *ImportBatch) (IngestResult, error)
	// ImportBatchesAtOnce is how many batches of interactions are best written at
	// once: each one placed (ImportBatch.Placed) before the next starts.
	ImportBatchesAtOnce() int
	// ImportRejects calls fn with each row the import rejected, in line order.
	ImportRejects(ctx context.Context, s Scope, id ID, fn func(Reject) error) error

	// CreateImport records a file uploaded to the server, to import as the scope's
	// user: imp.File names the upload and imp.Mapping is the mapping sent with it, if
	// any. The import is a draft: nothing runs it until QueueImport.
	CreateImport(ctx context.Context, s Scope, imp *Import) error
	// QueueImport sets the mapping of a draft or failed import ("" for a file in
	// Rapport's own shape) and, in the same transaction, queues the job that runs it
	// (JobImport) as its starter. A failed import resumes where it stopped.
	QueueImport(ctx context.Context, s Scope, id ID, mapping string) error
	// DeleteImport forgets a draft or failed import and its rejects.
	DeleteImport(ctx context.Context, s Scope, id ID) error
	// FindImport returns an import. An import is visible to whoever started it and
	// to admins; those of rapport import, to admins.
	FindImport(ctx context.Context, s Scope, id ID) (*Import, error)
	// FindImports returns a page of the visible imports, newest first, and the cursor
	// of the next page ("" on the last).
	FindImports(ctx context.Context, s Scope, f ImportFilter) ([]*Import, string, error)
}
