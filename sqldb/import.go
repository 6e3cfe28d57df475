package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.ImportService = (*DB)(nil)

const importColumns = `i.id, s.name, i.kind, i.file, i.name, i.size, i.offset_bytes, i.line, i.read_rows,
	i.created, i.updated, i.linked, i.unchanged, i.rejected, i.done, i.started_at, i.updated_at,
	i.user_id, COALESCE(u.name, ''), i.mapping, i.run_started_at, i.run_offset, i.run_read, j.state, j.error, j.run_at, j.leased_until`

// importFrom joins an import to its source, its job and the user who started it.
const importFrom = ` FROM imports i JOIN sources s ON s.id = i.source_id LEFT JOIN jobs j ON j.id = i.job_id
	LEFT JOIN users u ON u.id = i.user_id `

// scanImport reads an import and works out its state, as of now.
func scanImport(row interface{ Scan(...any) error }, imp *rapport.Import, now time.Time) error {
	var runStarted, retryAt, leased sql.NullTime
	var jobState, jobError sql.NullString
	err := row.Scan(&imp.ID, &imp.Source, &imp.Kind, &imp.File, &imp.Name, &imp.Size, &imp.Offset, &imp.Line, &imp.Read,
		&imp.Created, &imp.Updated, &imp.Linked, &imp.Unchanged, &imp.Rejected, &imp.Done, &imp.StartedAt, &imp.UpdatedAt,
		&imp.UserID, &imp.UserName, &imp.Mapping, &runStarted, &imp.RunOffset, &imp.RunRead, &jobState, &jobError, &retryAt, &leased)
	imp.RunStartedAt = runStarted.Time
	job := rapport.JobState(jobState.String)
	if job == rapport.JobRunning && leased.Time.Before(now) {
		job = rapport.JobQueued // its worker stopped: it waits for one to take it up
	}
	imp.State, imp.Error, imp.RetryAt = importState(imp, job), jobError.String, time.Time{}
	if imp.State == rapport.ImportQueued && imp.Error != "" {
		imp.RetryAt = retryAt.Time
	}
	if imp.State == rapport.ImportDone {
		imp.Error = ""
	}
	return err
}

// importState is where an import stands, from its own record and its job's.
func importState(imp *rapport.Import, job rapport.JobState) rapport.ImportState {
	switch {
	case imp.Done:
		return rapport.ImportDone
	case job == rapport.JobQueued:
		return rapport.ImportQueued
	case job == rapport.JobRunning:
		return rapport.ImportRunning
	case job != "": // failed, or done without finishing the import, which no job does
		return rapport.ImportFailed
	case imp.UserID.IsZero():
		return rapport.ImportUnfinished
	}
	return rapport.ImportDraft
}

// visibleImport is the condition on imports i that the scope may see: its own, or all
// for admins.
func visibleImport(q *Query, s rapport.Scope) string {
	if s.IsAdmin() {
		return "TRUE"
	}
	return "i.user_id = " + q.Arg(s.UserID)
}

// StartImport resumes the unfinished import of the same file, or starts one afresh.
func (db *DB) StartImport(ctx context.Context, s rapport.Scope, imp *rapport.Import) (resumed bool, err error) {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return false, err
	}
	if imp.Kind != "customers" && imp.Kind != "interactions" {
		return false, rapport.FieldError("kind", "an import is of customers or of interactions, not %q", imp.Kind)
	}
	if imp.File == "" {
		return false, rapport.FieldError("file", "an import needs the identity of its file")
	}
	err = db.update(ctx, s, func(tx *Tx) error {
		sources, err := tx.sourceIDs([]string{imp.Source}, true)
		if err != nil {
			return err
		}
		source := sources[imp.Source]
		var stored rapport.Import
		err = scanImport(tx.queryRow(`SELECT `+importColumns+importFrom+`
			WHERE i.source_id = $1 AND i.kind = $2 AND i.file = $3`, source, imp.Kind, imp.File), &stored, tx.now)
		switch {
		case err == nil && !stored.Done:
			*imp, resumed = stored, true
			imp.RunStartedAt, imp.RunOffset, imp.RunRead = tx.now, imp.Offset, imp.Read
			_, err = tx.exec(`UPDATE imports SET run_started_at = $1, run_offset = offset_bytes, run_read = read_rows WHERE id = $2`, tx.now, imp.ID)
			return err
		case err == nil: // finished before: start again, forgetting what it rejected
			imp.ID = stored.ID
			if _, err := tx.exec(`DELETE FROM import_rejects WHERE import_id = $1`, imp.ID); err != nil {
				return err
			}
			_, err = tx.exec(`UPDATE imports SET name = $1, size = $2, offset_bytes = 0, line = 0, read_rows = 0, created = 0,
				updated = 0, linked = 0, unchanged = 0, rejected = 0, done = FALSE, started_at = $3, updated_at = $3,
				run_started_at = $3, run_offset = 0, run_read = 0 WHERE id = $4`,
				imp.Name, imp.Size, tx.now, imp.ID)
		case errors.Is(err, sql.ErrNoRows):
			imp.ID = rapport.NewID()
			_, err = tx.exec(`INSERT INTO imports (id, source_id, kind, file, name, size, started_at, updated_at, run_started_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7)`, imp.ID, source, imp.Kind, imp.File, imp.Name, imp.Size, tx.now)
		}
		if err != nil {
			return err
		}
		*imp = rapport.Import{ID: imp.ID, Source: imp.Source, Kind: imp.Kind, File: imp.File, Name: imp.Name, Size: imp.Size,
			State: rapport.ImportUnfinished, StartedAt: tx.now, UpdatedAt: tx.now, RunStartedAt: tx.now}
		return nil
	})
	return resumed, err
}

// FinishImport marks an import done: the next import of its file starts afresh.
func (db *DB) FinishImport(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE imports SET done = TRUE, updated_at = $1 WHERE id = $2`, tx.now, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, rapport.NotFound("import"))
		}
		return nil
	})
}

// AbandonImport forgets an import of rapport import that wrote no row. It has no
// rejects to lose: they are written with the batches.
func (db *DB) AbandonImport(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM imports WHERE id = $1 AND user_id IS NULL AND NOT done AND read_rows = 0`, id)
		return err
	})
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// ImportBatchesAtOnce is two on PostgreSQL, where each batch is written by a backend
// of its own while the next is read and resolved, and one on SQLite, whose one writer
// would take them in turn (or wherever the pool has a single connection).
func (db *DB) ImportBatchesAtOnce() int {
	return max(1, min(2, db.write.Stats().MaxOpenConnections))
}

// placeBatch, first in a batch's transaction, holds the batch's place in its import's
// order until the transaction ends: a lock named for where the batch ends, which the
// next batch waits for in recordBatch. A nil at is a write that belongs to no import.
func (tx *Tx) placeBatch(at *rapport.ImportBatch) error {
	if at == nil {
		return nil
	}
	if err := tx.lock(batchEnd(at, at.Offset)); err != nil {
		return err
	}
	if at.Placed != nil {
		at.Placed()
	}
	return nil
}

// batchEnd names the lock of the batch of at's import or bulk request that ends at
// offset.
func batchEnd(at *rapport.ImportBatch, offset int64) string {
	if at.Import.IsZero() {
		return fmt.Sprintf("bulk request %s batch ending at %d", at.Request, offset)
	}
	return fmt.Sprintf("import %s batch ending at %d", at.Import, offset)
}

// recordBatch moves an import past a batch and keeps the batch's rejects, in the
// batch's transaction, once the batch before it has committed: it waits for that
// batch's transaction to end (its lock, see placeBatch), and writes nothing unless the
// import then stands where the batch starts. PostgreSQL sees the wait, so two batches
// that also wait for each other's rows end in a deadlock error, not a hang. A bulk
// request's batch waits the same way, and asks at.Before whether the one before it
// was written.
func (tx *Tx) recordBatch(at *rapport.ImportBatch, res rapport.IngestResult) error {
	if at == nil {
		return nil
	}
	if err := tx.lock(batchEnd(at, at.From)); err != nil {
		return err
	}
	if at.Import.IsZero() {
		if at.Before != nil && !at.Before() {
			return rapport.Errorf(rapport.ECONFLICT, "the batch before the one ending at byte %d was not written", at.Offset)
		}
		return nil
	}
	rejects := append(append([]rapport.LineError(nil), at.Rejected...), res.Errors...)
	r, err := tx.exec(`UPDATE imports SET offset_bytes = $1, line = $2, read_rows = read_rows + $3, created = created + $4,
		updated = updated + $5, linked = linked + $6, unchanged = unchanged + $7, rejected = rejected + $8, updated_at = $9
		WHERE id = $10 AND NOT done AND offset_bytes = $11`,
		at.Offset, at.Line, at.Read, res.Created, res.Updated, res.Linked, res.Unchanged, len(rejects), tx.now, at.Import, at.From)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return cmpErr(err, rapport.Errorf(rapport.ECONFLICT,
			"the import %s is finished, gone, or not at byte %d where this batch starts (a batch before it failed, or another run of it wrote there): run the import again to resume it", at.Import, at.From))
	}
	return execChunks(tx, `INSERT INTO import_rejects (id, import_id, line, code, field, message, text) VALUES %s`, rejects, 7, ", ",
		func(q *Query, e rapport.LineError) string {
			text := ""
			if at.Text != nil {
				text = at.Text(e.Line)
			}
			return q.In(rapport.NewID(), at.Import, e.Line, e.Code, e.Field, e.Message, text)
		})
}

// ImportRejects calls fn with each row the import rejected, in line order.
func (db *DB) ImportRejects(ctx context.Context, s rapport.Scope, id rapport.ID, fn func(rapport.Reject) error) error {
	if err := rapport.Require(s.CanWriteCustomers(), "read imports"); err != nil {
		return err
	}
	return db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findImport(id); err != nil {
			return err
		}
		return tx.each(`SELECT line, code, field, message, text FROM import_rejects WHERE import_id = $1 ORDER BY line, id`, []any{id}, func(row Scanner) error {
			var r rapport.Reject
			if err := row.Scan(&r.Line, &r.Code, &r.Field, &r.Message, &r.Text); err != nil {
				return err
			}
			return fn(r)
		})
	})
}

// CreateImport records a draft import of an uploaded file, started by the scope's user.
func (db *DB) CreateImport(ctx context.Context, s rapport.Scope, imp *rapport.Import) error {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	if s.Kind != rapport.ActorStaff {
		return rapport.Errorf(rapport.EFORBIDDEN, "an upload is imported as the staff user who sent it")
	}
	if err := imp.Validate(); err != nil {
		return err
	}
	if !strings.HasPrefix(imp.File, rapport.UploadPrefix) {
		return rapport.FieldError("file", "an uploaded file is named %s and its upload's id", rapport.UploadPrefix)
	}
	return db.update(ctx, s, func(tx *Tx) error {
		sources, err := tx.sourceIDs([]string{imp.Source}, true)
		if err != nil {
			return err
		}
		imp.ID = rapport.NewID()
		if _, err := tx.exec(`INSERT INTO imports (id, source_id, kind, file, name, size, user_id, mapping, started_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
			imp.ID, sources[imp.Source], imp.Kind, imp.File, imp.Name, imp.Size, s.UserID, imp.Mapping, tx.now); err != nil {
			return err
		}
		stored, err := tx.findImport(imp.ID)
		if err == nil {
			*imp = *stored
		}
		return err
	})
}

// QueueImport sets the mapping of a draft or failed import and queues its job.
func (db *DB) QueueImport(ctx context.Context, s rapport.Scope, id rapport.ID, mapping string) error {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		imp, err := tx.findStoppedImport(id, "started")
		if err != nil {
			return err
		}
		job, err := tx.queueJob(rapport.JobImport, imp.ID.String(), 0)
		if err != nil {
			return err
		}
		_, err = tx.exec(`UPDATE imports SET mapping = $1, job_id = $2, updated_at = $3 WHERE id = $4`, mapping, job, tx.now, imp.ID)
		return err
	})
}

// findStoppedImport returns a draft or failed import, the only ones that can be
// started or deleted (what, for the message); ECONFLICT for any other.
func (tx *Tx) findStoppedImport(id rapport.ID, what string) (*rapport.Import, error) {
	imp, err := tx.findImport(id)
	if err != nil {
		return nil, err
	}
	if imp.State != rapport.ImportDraft && imp.State != rapport.ImportFailed {
		return nil, rapport.Errorf(rapport.ECONFLICT, "the import of %s is %s: only a draft or a failed import can be %s", imp.Name, imp.State, what)
	}
	return imp, nil
}

// DeleteImport forgets a draft or failed import.
func (db *DB) DeleteImport(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findStoppedImport(id, "deleted"); err != nil {
			return err
		}
		_, err := tx.exec(`DELETE FROM imports WHERE id = $1`, id) // its rejects go with it
		return err
	})
}

// FindImport returns an import the scope may see.
func (db *DB) FindImport(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Import, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "read imports"); err != nil {
		return nil, err
	}
	var imp *rapport.Import
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		imp, err = tx.findImport(id)
		return err
	})
	return imp, err
}

func (tx *Tx) findImport(id rapport.ID) (*rapport.Import, error) {
	q := &Query{}
	imp := &rapport.Import{}
	err := scanImport(tx.queryRow(`SELECT `+importColumns+importFrom+`WHERE i.id = `+q.Arg(id)+` AND `+visibleImport(q, tx.scope), q.Args()...), imp, tx.now)
	return imp, notFound(err, "import")
}

// FindImports returns a page of the imports the scope may see, newest first: ids are
// time-ordered, so the last id of a page is the cursor of the next.
func (db *DB) FindImports(ctx context.Context, s rapport.Scope, f rapport.ImportFilter) ([]*rapport.Import, string, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "read imports"); err != nil {
		return nil, "", err
	}
	q := &Query{}
	where := visibleImport(q, s)
	if f.Cursor != "" {
		parts, err := decodeCursor(f.Cursor, 1)
		if err != nil {
			return nil, "", err
		}
		after, err := rapport.ParseID(parts[0])
		if err != nil {
			return nil, "", badCursor()
		}
		where += " AND i.id < " + q.Arg(after)
	}
	n := limit(f.Limit, 50, 500)
	var imports []*rapport.Import
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		imports, err = queryAll(tx, `SELECT `+importColumns+importFrom+`WHERE `+where+` ORDER BY i.id DESC LIMIT `+strconv.Itoa(n+1),
			q.Args(), func(rows Scanner) (*rapport.Import, error) {
				imp := &rapport.Import{}
				return imp, scanImport(rows, imp, tx.now)
			})
		return err
	})
	next := ""
	if len(imports) > n {
		imports = imports[:n]
		next = encodeCursor(imports[n-1].ID.String())
	}
	return imports, next, err
}
