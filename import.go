package rapport

import (
	"context"
	"time"
)

// Import is the progress of one file's import from a source system. It is saved with
// every batch of rows, in the same transaction, so that an import stopped at any point
// resumes after the last batch written.
type Import struct {
	ID     ID     `json:"id"`
	Source string `json:"source"`
	Kind   string `json:"kind"` // customers or interactions
	// File identifies the file: its name, size and a hash of its first MiB.
	File      string    `json:"file"`
	Name      string    `json:"name"`
	Size      int64     `json:"size"`
	Offset    int64     `json:"offset"` // where the next row starts in the (decompressed) file
	Line      int       `json:"line"`   // lines before it
	Read      int       `json:"read"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Linked    int       `json:"linked"`
	Unchanged int       `json:"unchanged"`
	Rejected  int       `json:"rejected"`
	Done      bool      `json:"done"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ImportBatch says where in its file a batch of rows ends, for the database to record
// with the rows.
type ImportBatch struct {
	Import   ID
	Offset   int64
	Line     int
	Read     int         // rows read in the batch, rejected ones included
	Rejected []LineError // rows rejected before they reached the database
	// Text returns a row as written in the file, for the rejects the database finds.
	Text func(line int) string
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
	// ImportCustomers and ImportInteractions write a batch as IngestCustomers and
	// IngestInteractions do, and in the same transaction move the import to where
	// the batch ends and record its rejects.
	ImportCustomers(ctx context.Context, s Scope, rows []IncomingCustomer, at *ImportBatch) (IngestResult, error)
	ImportInteractions(ctx context.Context, s Scope, rows []IncomingInteraction, at *ImportBatch) (IngestResult, error)
	// ImportRejects calls fn with each row the import rejected, in line order.
	ImportRejects(ctx context.Context, s Scope, id ID, fn func(Reject) error) error
}
