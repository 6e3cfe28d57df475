package sqldb

import (
	"context"
	"strconv"

	"github.com/rapportckm/rapport"
)

var _ rapport.IdeaService = (*DB)(nil)

const ideaColumns = `i.id, i.title, i.description, i.status, i.theme_id, i.created_by, COALESCE(u.name, ''), i.created_at, i.updated_at
	FROM ideas i LEFT JOIN users u ON u.id = i.created_by`

func scanIdea(rows Scanner) (*rapport.Idea, error) {
	var i rapport.Idea
	err := rows.Scan(&i.ID, &i.Title, &i.Description, &i.Status, &i.ThemeID, &i.CreatedBy, &i.CreatorName, &i.CreatedAt, &i.UpdatedAt)
	return &i, err
}

// checkIdeaTheme reports a theme id that names no theme as the input's mistake.
func (tx *Tx) checkIdeaTheme(id rapport.ID) error {
	if id.IsZero() {
		return nil
	}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM themes WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return rapport.FieldError("theme_id", "no theme has the id %s", id)
	}
	return nil
}

func (db *DB) CreateIdea(ctx context.Context, s rapport.Scope, in rapport.IdeaInput) (*rapport.Idea, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "propose ideas"); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	id := rapport.NewID()
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := tx.checkIdeaTheme(in.ThemeID); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO ideas (id, title, description, status, theme_id, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, in.Title, in.Description, in.Status, in.ThemeID, s.UserID, tx.now); err != nil {
			return err
		}
		return tx.audit("create", "idea", id, rapport.ID{}, false, in.Title)
	})
	if err != nil {
		return nil, err
	}
	return db.FindIdea(ctx, s, id)
}

func (db *DB) UpdateIdea(ctx context.Context, s rapport.Scope, id rapport.ID, in rapport.IdeaInput) (*rapport.Idea, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change ideas"); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := tx.checkIdeaTheme(in.ThemeID); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE ideas SET title = $2, description = $3, status = $4, theme_id = $5, updated_at = $6 WHERE id = $1`,
			id, in.Title, in.Description, in.Status, in.ThemeID, tx.now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return rapport.Errorf(rapport.ENOTFOUND, "no idea has the id %s", id)
		}
		return tx.audit("update", "idea", id, rapport.ID{}, false, in.Title+" ("+string(in.Status)+")")
	})
	if err != nil {
		return nil, err
	}
	return db.FindIdea(ctx, s, id)
}

func (db *DB) FindIdea(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Idea, error) {
	if err := rapport.Require(s.IsStaff(), "read ideas"); err != nil {
		return nil, err
	}
	var out []*rapport.Idea
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = queryAll(tx, `SELECT `+ideaColumns+` WHERE i.id = $1`, []any{id}, scanIdea)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "no idea has the id %s", id)
	}
	return out[0], nil
}

func (db *DB) FindIdeas(ctx context.Context, s rapport.Scope, f rapport.IdeaFilter) ([]*rapport.Idea, error) {
	if err := rapport.Require(s.IsStaff(), "read ideas"); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = 100
	case f.Limit < 1 || f.Limit > 500:
		return nil, rapport.FieldError("limit", "limit must be from 1 to 500")
	}
	q := &Query{}
	where := "TRUE"
	if !f.ThemeID.IsZero() {
		where += " AND i.theme_id = " + q.Arg(f.ThemeID)
	}
	if f.Status != "" {
		where += " AND i.status = " + q.Arg(string(f.Status))
	}
	var out []*rapport.Idea
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = queryAll(tx, `SELECT `+ideaColumns+` WHERE `+where+` ORDER BY i.updated_at DESC, i.id LIMIT `+strconv.Itoa(f.Limit), q.Args(), scanIdea)
		return err
	})
	if out == nil {
		out = []*rapport.Idea{}
	}
	return out, err
}
