package sqldb

import (
	"context"
	"strings"

	"github.com/rapportckm/rapport"
)

var _ rapport.WallService = (*DB)(nil)

// FindWalls lists every wall with its teams and chosen customers.
func (db *DB) FindWalls(ctx context.Context, s rapport.Scope) ([]*rapport.Wall, error) {
	if err := rapport.Require(s.IsAdmin(), "manage walls"); err != nil {
		return nil, err
	}
	var walls []*rapport.Wall
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if walls, err = queryAll(tx, `SELECT w.id, w.name, w.description, w.created_at, w.updated_at,
			(SELECT COUNT(*) FROM wall_coverage wc WHERE wc.wall_id = w.id) FROM walls w ORDER BY w.name`, nil, scanWall); err != nil {
			return err
		}
		return tx.loadWallDetails(walls)
	})
	return walls, err
}

func scanWall(rows Scanner) (*rapport.Wall, error) {
	w := &rapport.Wall{Teams: []rapport.TeamRef{}, Customers: []rapport.CustomerRef{}}
	err := rows.Scan(&w.ID, &w.Name, &w.Description, &w.CreatedAt, &w.UpdatedAt, &w.Covered)
	return w, err
}

func (tx *Tx) loadWallDetails(walls []*rapport.Wall) error {
	byID := make(map[rapport.ID]*rapport.Wall, len(walls))
	for _, w := range walls {
		byID[w.ID] = w
	}
	return tx.reads(func(b *batch) {
		b.query(`SELECT wt.wall_id, t.id, t.name FROM wall_teams wt JOIN teams t ON t.id = wt.team_id ORDER BY t.name`, nil, func(r Scanner) error {
			var wallID rapport.ID
			var t rapport.TeamRef
			if err := r.Scan(&wallID, &t.ID, &t.Name); err != nil {
				return err
			}
			if w := byID[wallID]; w != nil {
				w.Teams = append(w.Teams, t)
			}
			return nil
		})
		b.query(`SELECT wm.wall_id, c.id, c.name, c.kind FROM wall_members wm JOIN customers c ON c.id = wm.customer_id ORDER BY c.sort_name`, nil, func(r Scanner) error {
			var wallID rapport.ID
			var c rapport.CustomerRef
			if err := r.Scan(&wallID, &c.ID, &c.Name, &c.Kind); err != nil {
				return err
			}
			if w := byID[wallID]; w != nil {
				w.Customers = append(w.Customers, c)
			}
			return nil
		})
	})
}

// FindWallByID returns one wall.
func (db *DB) FindWallByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Wall, error) {
	walls, err := db.FindWalls(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, w := range walls {
		if w.ID == id {
			return w, nil
		}
	}
	return nil, rapport.NotFound("wall")
}

// CreateWall makes a wall over the chosen customers for the listed teams.
func (db *DB) CreateWall(ctx context.Context, s rapport.Scope, w *rapport.Wall, teamIDs, customerIDs []rapport.ID) error {
	if err := rapport.Require(s.IsAdmin(), "manage walls"); err != nil {
		return err
	}
	if err := w.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		w.ID, w.CreatedAt, w.UpdatedAt = rapport.NewID(), tx.now, tx.now
		if _, err := tx.exec(`INSERT INTO walls (id, name, description, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)`,
			w.ID, w.Name, w.Description, w.CreatedAt, w.UpdatedAt); err != nil {
			return tx.nameTaken(err, "wall", w.Name)
		}
		if err := tx.setWallMembers(w.ID, &teamIDs, &customerIDs); err != nil {
			return err
		}
		if err := tx.audit("create", "wall", w.ID, rapport.ID{}, false, w.Name); err != nil {
			return err
		}
		return tx.reloadWall(w)
	})
}

// UpdateWall changes a wall; the coverage follows at once.
func (db *DB) UpdateWall(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.WallUpdate) (*rapport.Wall, error) {
	if err := rapport.Require(s.IsAdmin(), "manage walls"); err != nil {
		return nil, err
	}
	w := &rapport.Wall{ID: id}
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := tx.reloadWall(w); err != nil {
			return err
		}
		u.Apply(w)
		if err := w.Validate(); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE walls SET name = $1, description = $2, updated_at = $3 WHERE id = $4`, w.Name, w.Description, tx.now, id); err != nil {
			return tx.nameTaken(err, "wall", w.Name)
		}
		if err := tx.setWallMembers(id, u.TeamIDs, u.CustomerIDs); err != nil {
			return err
		}
		if err := tx.audit("update", "wall", id, rapport.ID{}, false, w.Name); err != nil {
			return err
		}
		return tx.reloadWall(w)
	})
	return w, err
}

func (tx *Tx) reloadWall(w *rapport.Wall) error {
	walls, err := queryAll(tx, `SELECT w.id, w.name, w.description, w.created_at, w.updated_at,
		(SELECT COUNT(*) FROM wall_coverage wc WHERE wc.wall_id = w.id) FROM walls w WHERE w.id = $1`, []any{w.ID}, scanWall)
	if err != nil {
		return err
	} else if len(walls) == 0 {
		return rapport.NotFound("wall")
	}
	if err := tx.loadWallDetails(walls); err != nil {
		return err
	}
	*w = *walls[0]
	return nil
}

// setWallMembers replaces the wall's teams and customers where the lists are given.
func (tx *Tx) setWallMembers(wallID rapport.ID, teamIDs, customerIDs *[]rapport.ID) error {
	if teamIDs != nil {
		if _, err := tx.exec(`DELETE FROM wall_teams WHERE wall_id = $1`, wallID); err != nil {
			return err
		}
		for _, id := range *teamIDs {
			if _, err := tx.exec(`INSERT INTO wall_teams (wall_id, team_id) SELECT $1, id FROM teams WHERE id = $2`, wallID, id); err != nil {
				return err
			}
		}
		if err := tx.checkAllExist("teams", "team_ids", *teamIDs); err != nil {
			return err
		}
	}
	if customerIDs != nil {
		if _, err := tx.exec(`DELETE FROM wall_members WHERE wall_id = $1`, wallID); err != nil {
			return err
		}
		for _, id := range *customerIDs {
			if _, err := tx.exec(`INSERT INTO wall_members (wall_id, customer_id) SELECT $1, id FROM customers WHERE id = $2 ON CONFLICT DO NOTHING`, wallID, id); err != nil {
				return err
			}
		}
		if err := tx.checkAllExist("customers", "customer_ids", *customerIDs); err != nil {
			return err
		}
	}
	return tx.refreshWallCoverage()
}

// checkAllExist reports ids that name no row of table.
func (tx *Tx) checkAllExist(table, field string, ids []rapport.ID) error {
	var missing []string
	for _, id := range ids {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			missing = append(missing, id.String())
		}
	}
	if len(missing) > 0 {
		return rapport.FieldError(field, "no such %s: %s", strings.TrimSuffix(table, "s"), strings.Join(missing, ", "))
	}
	return nil
}

// refreshWallCoverage derives wall_coverage again from wall_members, links and merges:
// each chosen customer; the people and subsidiaries of a covered organisation; the
// organisations a covered customer owns, whose affairs are the owner's; and the profile
// a covered customer was merged into, so that a merge never carries walled knowledge
// out of its wall. Walls are few and coverage is small, so it is recomputed whole
// whenever members, links or merges change.
func (tx *Tx) refreshWallCoverage() error {
	if _, err := tx.exec(`DELETE FROM wall_coverage`); err != nil {
		return err
	}
	_, err := tx.exec(`INSERT INTO wall_coverage (customer_id, wall_id)
		WITH RECURSIVE reach(from_id, to_id) AS (
			SELECT to_id, from_id FROM customer_links
			UNION ALL SELECT from_id, to_id FROM customer_links WHERE kind = 'owns'
			UNION ALL SELECT id, merged_into FROM customers WHERE merged_into IS NOT NULL
		), covered(wall_id, customer_id) AS (
			SELECT wall_id, customer_id FROM wall_members
			UNION
			SELECT covered.wall_id, r.to_id FROM reach r JOIN covered ON r.from_id = covered.customer_id)
		SELECT customer_id, wall_id FROM covered`)
	return err
}

// DeleteWall removes a wall: its customers become visible to all staff.
func (db *DB) DeleteWall(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.IsAdmin(), "manage walls"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var name string
		if err := tx.queryRow(`SELECT name FROM walls WHERE id = $1`, id).Scan(&name); err != nil {
			return notFound(err, "wall")
		}
		if _, err := tx.exec(`DELETE FROM walls WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "wall", id, rapport.ID{}, false, name)
	})
}
