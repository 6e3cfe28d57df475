package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.NoteService = (*DB)(nil)

const noteColumns = `n.id, n.customer_id, n.author_id, COALESCE(a.name, ''), n.visibility, n.team_id,
	COALESCE(t.name, ''), n.body, n.template, n.sections, n.pinned, n.created_at, n.updated_at`

const noteFrom = `notes n LEFT JOIN users a ON a.id = n.author_id LEFT JOIN teams t ON t.id = n.team_id`

func scanNote(rows Scanner) (*rapport.Note, error) {
	n := &rapport.Note{}
	var sections string
	err := rows.Scan(&n.ID, &n.CustomerID, &n.AuthorID, &n.AuthorName, &n.Visibility, &n.TeamID,
		&n.TeamName, &n.Body, &n.Template, &sections, &n.Pinned, &n.CreatedAt, &n.UpdatedAt)
	if err == nil && sections != "" {
		err = json.Unmarshal([]byte(sections), &n.Sections)
	}
	return n, err
}

// visibleNote is the condition that note n may be read by the scope: private notes by
// their author alone (admins included), team notes by the team, staff notes by all.
func visibleNote(q *Query, s rapport.Scope) string {
	if s.Kind == rapport.ActorSystem {
		return "TRUE"
	}
	u := q.Arg(s.UserID)
	return fmt.Sprintf(`(n.visibility = 'staff' OR n.author_id = %s OR (n.visibility = 'team'
		AND n.team_id IN (SELECT tm.team_id FROM team_members tm WHERE tm.user_id = %s)))`, u, u)
}

// FindNoteByID returns a note the scope may read and records the read.
func (db *DB) FindNoteByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Note, error) {
	var n *rapport.Note
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		n, err = tx.findNote(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return n, db.auditRead(ctx, s, "note", n.ID, n.CustomerID, "")
}

func (tx *Tx) findNote(id rapport.ID) (*rapport.Note, error) {
	q := &Query{}
	notes, err := queryAll(tx, `SELECT `+noteColumns+` FROM `+noteFrom+` WHERE n.id = `+q.Arg(id)+
		` AND `+visibleNote(q, tx.scope)+` AND `+visibleCustomer(q, tx.scope, "n.customer_id"), q.Args(), scanNote)
	if err != nil {
		return nil, err
	} else if len(notes) == 0 {
		return nil, rapport.NotFound("note")
	}
	return notes[0], nil
}

// FindNotes returns a page of a customer's notes that the scope may read, newest first,
// and records the read.
func (db *DB) FindNotes(ctx context.Context, s rapport.Scope, f rapport.NoteFilter) ([]*rapport.Note, string, error) {
	var notes []*rapport.Note
	var next string
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if _, err := tx.findCustomerKind(f.CustomerID); err != nil {
			return err
		}
		notes, next, err = tx.findNotes(f)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return notes, next, db.auditRead(ctx, s, "notes", rapport.ID{}, f.CustomerID, "")
}

func (tx *Tx) findNotes(f rapport.NoteFilter) (notes []*rapport.Note, next string, err error) {
	err = tx.reads(func(b *batch) { b.notes(f, &notes, &next) })
	return notes, next, err
}

// notes reads into out a page of a customer's notes that the scope may read, newest
// first, and the cursor of the next into next.
func (b *batch) notes(f rapport.NoteFilter, out *[]*rapport.Note, next *string) {
	n := limit(f.Limit, 50, 500)
	q := &Query{}
	conds := []string{"n.customer_id = " + q.Arg(f.CustomerID), visibleNote(q, b.tx.scope)}
	if f.PinnedOnly {
		conds = append(conds, "n.pinned")
	}
	conds, err := pastCursor(q, conds, f.Cursor, "n.created_at", "n.id")
	if err != nil {
		b.fail(err)
		return
	}
	var rows []*rapport.Note
	appendRows(b, &rows, `SELECT `+noteColumns+` FROM `+noteFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY n.created_at DESC, n.id DESC LIMIT `+strconv.Itoa(n+1), q.Args(), scanNote)
	b.then(func() error {
		*out, *next = pageOf(rows, n, func(n *rapport.Note) (time.Time, rapport.ID) { return n.CreatedAt, n.ID })
		return nil
	})
}

// CreateNote adds a note to a visible customer.
func (db *DB) CreateNote(ctx context.Context, s rapport.Scope, n *rapport.Note) error {
	if err := rapport.Require(s.CanWriteNotes(), "write notes"); err != nil {
		return err
	}
	if err := n.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(n.CustomerID); err != nil {
			return err
		}
		if err := tx.checkTeam(n.TeamID); err != nil {
			return err
		}
		n.ID, n.AuthorID, n.CreatedAt, n.UpdatedAt = rapport.NewID(), s.UserID, tx.now, tx.now
		if _, err := tx.exec(`INSERT INTO notes (id, customer_id, author_id, visibility, team_id, body, template, sections, pinned, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			n.ID, n.CustomerID, n.AuthorID, string(n.Visibility), n.TeamID, n.Body, n.Template, sectionsJSON(n), n.Pinned, n.CreatedAt, n.UpdatedAt); err != nil {
			return err
		}
		saved, err := tx.findNote(n.ID)
		if err != nil {
			return err
		}
		*n = *saved
		return tx.audit("create", "note", n.ID, n.CustomerID, false, string(n.Visibility))
	})
}

// sectionsJSON is how a structured note's sections are stored: a JSON array, or ""
// for a free note.
func sectionsJSON(n *rapport.Note) string {
	if len(n.Sections) == 0 {
		return ""
	}
	b, _ := json.Marshal(n.Sections) // strings only: cannot fail
	return string(b)
}

func (tx *Tx) checkTeam(id rapport.ID) error {
	if id.IsZero() {
		return nil
	}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM teams WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return rapport.FieldError("team_id", "no team has id %s", id)
	}
	return nil
}

// UpdateNote changes a note the scope may change.
func (db *DB) UpdateNote(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.NoteUpdate) (*rapport.Note, error) {
	var n *rapport.Note
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if n, err = tx.findNote(id); err != nil {
			return err
		}
		if !n.CanChange(s) {
			return rapport.Errorf(rapport.EFORBIDDEN, "only the author of this note may change it")
		}
		u.Apply(n)
		if err := n.Validate(); err != nil {
			return err
		}
		if err := tx.checkTeam(n.TeamID); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE notes SET body = $1, sections = $2, visibility = $3, team_id = $4, pinned = $5, updated_at = $6 WHERE id = $7`,
			n.Body, sectionsJSON(n), string(n.Visibility), n.TeamID, n.Pinned, tx.now, id); err != nil {
			return err
		}
		if n, err = tx.findNote(id); err != nil {
			return err
		}
		return tx.audit("update", "note", id, n.CustomerID, false, string(n.Visibility))
	})
	return n, err
}

// DeleteNote removes a note the scope may change.
func (db *DB) DeleteNote(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	return db.update(ctx, s, func(tx *Tx) error {
		n, err := tx.findNote(id)
		if err != nil {
			return err
		}
		if !n.CanChange(s) {
			return rapport.Errorf(rapport.EFORBIDDEN, "only the author of this note may delete it")
		}
		if _, err := tx.exec(`DELETE FROM notes WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "note", id, n.CustomerID, false, "")
	})
}
