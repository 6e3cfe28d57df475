package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/rapportckm/rapport"
)

var _ rapport.ImportService = (*DB)(nil)

const importColumns = `i.id, s.name, i.kind, i.file, i.name, i.size, i.offset_bytes, i.line, i.read_rows,
	i.created, i.updated, i.linked, i.unchanged, i.rejected, i.done, i.started_at, i.updated_at`

func scanImport(row interface{ Scan(...any) error }, imp *rapport.Import) error {
	return row.Scan(&imp.ID, &imp.Source, &imp.Kind, &imp.File, &imp.Name, &imp.Size, &imp.Offset, &imp.Line, &imp.Read,
		&imp.Created, &imp.Updated, &imp.Linked, &imp.Unchanged, &imp.Rejected, &imp.Done, &imp.StartedAt, &imp.UpdatedAt)
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
		err = scanImport(tx.queryRow(`SELECT `+importColumns+` FROM imports i JOIN sources s ON s.id = i.source_id
			WHERE i.source_id = $1 AND i.kind = $2 AND i.file = $3`, source, imp.Kind, imp.File), &stored)
		switch {
		case err == nil && !stored.Done:
			*imp, resumed = stored, true
			return nil
		case err == nil: // finished before: start again, forgetting what it rejected
			imp.ID = stored.ID
			if _, err := tx.exec(`DELETE FROM import_rejects WHERE import_id = $1`, imp.ID); err != nil {
				return err
			}
			_, err = tx.exec(`UPDATE imports SET name = $1, size = $2, offset_bytes = 0, line = 0, read_rows = 0, created = 0,
				updated = 0, linked = 0, unchanged = 0, rejected = 0, done = FALSE, started_at = $3, updated_at = $3 WHERE id = $4`,
				imp.Name, imp.Size, tx.now, imp.ID)
		case errors.Is(err, sql.ErrNoRows):
			imp.ID = rapport.NewID()
			_, err = tx.exec(`INSERT INTO imports (id, source_id, kind, file, name, size, started_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, imp.ID, source, imp.Kind, imp.File, imp.Name, imp.Size, tx.now)
		}
		if err != nil {
			return err
		}
		*imp = rapport.Import{ID: imp.ID, Source: imp.Source, Kind: imp.Kind, File: imp.File, Name: imp.Name, Size: imp.Size,
			StartedAt: tx.now, UpdatedAt: tx.now}
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

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// recordBatch moves an import past a batch and keeps the batch's rejects, in the
// batch's transaction. A nil at is a write that belongs to no import.
func (tx *Tx) recordBatch(at *rapport.ImportBatch, res rapport.IngestResult) error {
	if at == nil {
		return nil
	}
	rejects := append(append([]rapport.LineError(nil), at.Rejected...), res.Errors...)
	r, err := tx.exec(`UPDATE imports SET offset_bytes = $1, line = $2, read_rows = read_rows + $3, created = created + $4,
		updated = updated + $5, linked = linked + $6, unchanged = unchanged + $7, rejected = rejected + $8, updated_at = $9
		WHERE id = $10 AND NOT done`,
		at.Offset, at.Line, at.Read, res.Created, res.Updated, res.Linked, res.Unchanged, len(rejects), tx.now, at.Import)
	if err != nil {
		return err
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return cmpErr(err, rapport.Errorf(rapport.ECONFLICT, "the import %s is finished or gone: start it again", at.Import))
	}
	for start := 0; start < len(rejects); start += ingestChunk {
		q := &Query{}
		var values []string
		for _, e := range rejects[start:min(start+ingestChunk, len(rejects))] {
			text := ""
			if at.Text != nil {
				text = at.Text(e.Line)
			}
			values = append(values, q.In(rapport.NewID(), at.Import, e.Line, e.Code, e.Field, e.Message, text))
		}
		if _, err := tx.exec(`INSERT INTO import_rejects (id, import_id, line, code, field, message, text) VALUES `+
			strings.Join(values, ", "), q.Args()...); err != nil {
			return err
		}
	}
	return nil
}

// ImportRejects calls fn with each row the import rejected, in line order.
func (db *DB) ImportRejects(ctx context.Context, s rapport.Scope, id rapport.ID, fn func(rapport.Reject) error) error {
	if err := rapport.Require(s.CanWriteCustomers(), "read imports"); err != nil {
		return err
	}
	return db.view(ctx, s, func(tx *Tx) error {
		rows, err := tx.query(`SELECT line, code, field, message, text FROM import_rejects WHERE import_id = $1 ORDER BY line, id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r rapport.Reject
			if err := rows.Scan(&r.Line, &r.Code, &r.Field, &r.Message, &r.Text); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}
