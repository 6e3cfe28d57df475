package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

var _ rapport.SegmentService = (*DB)(nil)

// CountSegment counts the visible customers that meet the rule now.
func (db *DB) CountSegment(ctx context.Context, s rapport.Scope, rule string) (int, error) {
	var n int
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		cond, err := tx.compileRule(q, rule)
		if err != nil {
			return err
		}
		return tx.queryRow(`SELECT COUNT(*) FROM `+ruleFrom+` WHERE c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id")+
			` AND `+cond, q.Args()...).Scan(&n)
	})
	return n, err
}

const segmentColumns = `g.id, g.name, g.description, g.rule, g.owner_id, COALESCE(u.name, ''), g.refreshed_at, g.created_at, g.updated_at`

// findSegments reads segments with their size as the scope sees it.
func (tx *Tx) findSegments(where string, args ...any) ([]*rapport.Segment, error) {
	q := &Query{args: args}
	return queryAll(tx, `SELECT `+segmentColumns+`, (SELECT COUNT(*) FROM segment_members m WHERE m.segment_id = g.id AND `+
		visibleCustomer(q, tx.scope, "m.customer_id")+`) FROM segments g LEFT JOIN users u ON u.id = g.owner_id WHERE `+where+
		` ORDER BY g.name`, q.Args(), func(rows Scanner) (*rapport.Segment, error) {
		g := &rapport.Segment{}
		err := rows.Scan(&g.ID, &g.Name, &g.Description, &g.Rule, &g.OwnerID, &g.OwnerName, &g.RefreshedAt, &g.CreatedAt, &g.UpdatedAt, &g.Size)
		return g, err
	})
}

func (tx *Tx) findSegment(id rapport.ID) (*rapport.Segment, error) {
	gs, err := tx.findSegments(`g.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, rapport.NotFound("segment")
	}
	return gs[0], nil
}

// FindSegments lists every segment by name. Segments are seen by all staff; their
// sizes count only the members the reader may see.
func (db *DB) FindSegments(ctx context.Context, s rapport.Scope) ([]*rapport.Segment, error) {
	var out []*rapport.Segment
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = tx.findSegments(`TRUE`)
		return err
	})
	return out, err
}

func (db *DB) FindSegmentByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Segment, error) {
	var g *rapport.Segment
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		g, err = tx.findSegment(id)
		return err
	})
	return g, err
}

// CreateSegment saves a segment and works out its members.
func (db *DB) CreateSegment(ctx context.Context, s rapport.Scope, g *rapport.Segment) error {
	if err := rapport.Require(s.Kind != rapport.ActorCustomer, "create segments"); err != nil {
		return err
	}
	if err := g.Validate(); err != nil {
		return err
	}
	var saved *rapport.Segment
	err := db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.compileRule(&Query{}, g.Rule); err != nil {
			return err
		}
		g.ID, g.OwnerID, g.CreatedAt, g.UpdatedAt = rapport.NewID(), s.UserID, tx.now, tx.now
		if _, err := tx.exec(`INSERT INTO segments (id, name, description, rule, owner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			g.ID, g.Name, g.Description, g.Rule, g.OwnerID, g.CreatedAt, g.UpdatedAt); err != nil {
			return tx.nameTaken(err, "segment", g.Name)
		}
		if err := tx.refreshSegment(g.ID, g.Rule); err != nil {
			return err
		}
		var err error
		if saved, err = tx.findSegment(g.ID); err != nil {
			return err
		}
		return tx.audit("create", "segment", g.ID, rapport.ID{}, false, g.Name+": "+g.Rule)
	})
	if err == nil {
		*g = *saved
	}
	return err
}

// nameTaken says which name a conflict is about: there is a segment (or other thing
// of that kind) of that name already. err is the statement's own, not yet translated:
// only the unique name can clash in the statements it is given.
func (tx *Tx) nameTaken(err error, kind, name string) error {
	return tx.taken(err, "name", "there is a %s named %q already", kind, name)
}

// taken answers a statement's error (not yet translated) that is a conflict, a value a
// unique column holds already, as a conflict about the field the value came in, in the
// words given; other errors as they are.
func (tx *Tx) taken(err error, field, format string, args ...any) error {
	if rapport.ErrorCode(tx.db.translate(err)) == rapport.ECONFLICT {
		return rapport.ConflictError(field, format, args...)
	}
	return err
}

// mayChange checks that the scope may change or delete the segment.
func mayChange(s rapport.Scope, g *rapport.Segment) error {
	return rapport.Require(g.CanChange(s), "change a segment someone else made")
}

func (db *DB) UpdateSegment(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.SegmentUpdate) (*rapport.Segment, error) {
	var g *rapport.Segment
	err := db.update(ctx, s, func(tx *Tx) error {
		var err error
		if g, err = tx.findSegment(id); err != nil {
			return err
		}
		if err := mayChange(s, g); err != nil {
			return err
		}
		ruleChanged := u.Rule != nil && *u.Rule != g.Rule
		set(&g.Name, u.Name)
		set(&g.Description, u.Description)
		set(&g.Rule, u.Rule)
		if err := g.Validate(); err != nil {
			return err
		}
		if _, err := tx.compileRule(&Query{}, g.Rule); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE segments SET name = $1, description = $2, rule = $3, updated_at = $4 WHERE id = $5`,
			g.Name, g.Description, g.Rule, tx.now, id); err != nil {
			return tx.nameTaken(err, "segment", g.Name)
		}
		if ruleChanged {
			if err := tx.refreshSegment(id, g.Rule); err != nil {
				return err
			}
		}
		if g, err = tx.findSegment(id); err != nil {
			return err
		}
		return tx.audit("update", "segment", id, rapport.ID{}, false, g.Name+": "+g.Rule)
	})
	return g, err
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func (db *DB) DeleteSegment(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	return db.update(ctx, s, func(tx *Tx) error {
		g, err := tx.findSegment(id)
		if err != nil {
			return err
		}
		if err := mayChange(s, g); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM segments WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "segment", id, rapport.ID{}, false, g.Name)
	})
}

func (db *DB) RefreshSegment(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Segment, error) {
	var g *rapport.Segment
	err := db.update(ctx, s, func(tx *Tx) error {
		var err error
		if g, err = tx.findSegment(id); err != nil {
			return err
		}
		if err := tx.refreshSegment(id, g.Rule); err != nil {
			return err
		}
		g, err = tx.findSegment(id)
		return err
	})
	return g, err
}

func (db *DB) RefreshSegments(ctx context.Context, s rapport.Scope) (int, []string, error) {
	if err := rapport.Require(s.Kind == rapport.ActorSystem, "refresh every segment"); err != nil {
		return 0, nil, err
	}
	var all []*rapport.Segment
	if err := db.view(ctx, s, func(tx *Tx) (err error) {
		all, err = tx.findSegments(`TRUE`)
		return err
	}); err != nil {
		return 0, nil, err
	}
	// One transaction per segment: a big segment does not hold up writes for the others.
	// Each reads its rule again, locked: one changed or deleted since the list was read
	// is refreshed by its new rule, or not at all.
	var failed []string
	for _, g := range all {
		err := db.update(ctx, s, func(tx *Tx) error {
			var rule string
			err := tx.queryRow(`SELECT rule FROM segments WHERE id = $1`+tx.db.dialect.ForUpdate(), g.ID).Scan(&rule)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			} else if err != nil {
				return err
			}
			return tx.refreshSegment(g.ID, rule)
		})
		if rapport.ErrorCode(err) == rapport.EINVALID {
			failed = append(failed, fmt.Sprintf("%s: %s", g.Name, rapport.ErrorMessage(err)))
		} else if err != nil {
			return len(all) - len(failed), failed, err
		}
	}
	return len(all) - len(failed), failed, nil
}

// refreshSegment works out the members of a segment and records today's size per set
// of walls covering them. Every customer is considered, whoever refreshes: readers see
// only the members they may see.
func (tx *Tx) refreshSegment(id rapport.ID, rule string) error {
	q := &Query{}
	q.Arg(id)
	cond, err := tx.compileRule(q, rule)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM segment_members WHERE segment_id = $1`, id); err != nil {
		return err
	}
	if _, err := tx.exec(`INSERT INTO segment_members (segment_id, customer_id) SELECT $1, c.id FROM `+ruleFrom+
		` WHERE c.merged_into IS NULL AND `+cond, q.Args()...); err != nil {
		return err
	}
	var total int
	if err := tx.queryRow(`SELECT COUNT(*) FROM segment_members WHERE segment_id = $1`, id).Scan(&total); err != nil {
		return err
	}
	covered, err := queryAll(tx, `SELECT wc.customer_id, wc.wall_id FROM segment_members m JOIN wall_coverage wc ON wc.customer_id = m.customer_id
		WHERE m.segment_id = $1 ORDER BY wc.customer_id, wc.wall_id`, []any{id}, func(rows Scanner) ([2]rapport.ID, error) {
		var pair [2]rapport.ID
		err := rows.Scan(&pair[0], &pair[1])
		return pair, err
	})
	if err != nil {
		return err
	}
	sizes := map[string]int{"": total}
	for i := 0; i < len(covered); {
		var walls []string
		j := i
		for ; j < len(covered) && covered[j][0] == covered[i][0]; j++ {
			walls = append(walls, covered[j][1].String())
		}
		sizes[strings.Join(walls, ",")]++
		sizes[""]--
		i = j
	}
	day := tx.now.UTC().Format(time.DateOnly)
	if _, err := tx.exec(`DELETE FROM segment_sizes WHERE segment_id = $1 AND day = $2`, id, day); err != nil {
		return err
	}
	for walls, n := range sizes {
		if _, err := tx.exec(`INSERT INTO segment_sizes (segment_id, day, walls, size) VALUES ($1, $2, $3, $4)`, id, day, walls, n); err != nil {
			return err
		}
	}
	_, err = tx.exec(`UPDATE segments SET refreshed_at = $1 WHERE id = $2`, tx.now, id)
	return err
}

// SegmentHistory sums, per day, the sizes of the sets of walls the scope may see into.
func (db *DB) SegmentHistory(ctx context.Context, s rapport.Scope, id rapport.ID) ([]rapport.SegmentSize, error) {
	var out []rapport.SegmentSize
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findSegment(id); err != nil {
			return err
		}
		open := map[string]bool{}
		if !s.SeesThroughWalls() {
			ids, err := tx.ids(`SELECT DISTINCT wt.wall_id FROM wall_teams wt JOIN team_members tm ON tm.team_id = wt.team_id WHERE tm.user_id = $1`, s.UserID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				open[id.String()] = true
			}
		}
		rows, err := queryAll(tx, `SELECT day, walls, size FROM segment_sizes WHERE segment_id = $1 ORDER BY day`, []any{id},
			func(rows Scanner) (struct {
				day, walls string
				size       int
			}, error) {
				var r struct {
					day, walls string
					size       int
				}
				err := rows.Scan(&r.day, &r.walls, &r.size)
				return r, err
			})
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.walls != "" && !s.SeesThroughWalls() && slices.ContainsFunc(strings.Split(r.walls, ","), func(w string) bool { return !open[w] }) {
				continue
			}
			if n := len(out); n == 0 || out[n-1].Day != r.day {
				out = append(out, rapport.SegmentSize{Day: r.day})
			}
			out[len(out)-1].Size += r.size
		}
		return nil
	})
	return out, err
}

// CustomerSegments lists the segments a visible customer belongs to, by name.
func (db *DB) CustomerSegments(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.SegmentRef, error) {
	var out []rapport.SegmentRef
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		return tx.reads(func(b *batch) { b.customerSegments(customerID, &out) })
	})
	return out, err
}

// customerSegments reads the segments a customer belongs to into out, by name.
func (b *batch) customerSegments(customerID rapport.ID, out *[]rapport.SegmentRef) {
	appendRows(b, out, `SELECT g.id, g.name FROM segment_members m JOIN segments g ON g.id = m.segment_id
		WHERE m.customer_id = $1 ORDER BY g.name`, []any{customerID}, func(rows Scanner) (rapport.SegmentRef, error) {
		var r rapport.SegmentRef
		err := rows.Scan(&r.ID, &r.Name)
		return r, err
	})
}

// ExportSegment streams the visible members who agreed to the purpose.
func (db *DB) ExportSegment(ctx context.Context, s rapport.Scope, id rapport.ID, purpose rapport.Purpose, fn func(rapport.ExportedCustomer) error) (int, error) {
	if err := rapport.Require(s.CanExportCustomers(), "export customers"); err != nil {
		return 0, err
	}
	if !purpose.Valid() {
		return 0, rapport.FieldError("purpose", "purpose must be one of %s: the export leaves out customers who did not agree to it", strings.Join(purposeNames(), ", "))
	}
	n, walled := 0, 0
	var g *rapport.Segment
	err := db.view(ctx, s, func(tx *Tx) error {
		var err error
		if g, err = tx.findSegment(id); err != nil {
			return err
		}
		q := &Query{}
		contact := func(kind string) string {
			return `COALESCE((SELECT x.value FROM customer_contacts x WHERE x.customer_id = c.id AND x.kind = '` + kind + `' ORDER BY x.position LIMIT 1), '')`
		}
		address := func(col string) string {
			return `COALESCE((SELECT x.` + col + ` FROM customer_addresses x WHERE x.customer_id = c.id ORDER BY x.position LIMIT 1), '')`
		}
		// Those who see through walls are audited for it: which members are walled.
		isWalled := "FALSE"
		if s.SeesThroughWalls() {
			isWalled = "EXISTS (SELECT 1 FROM wall_coverage wc WHERE wc.customer_id = c.id)"
		}
		return tx.each(`SELECT c.id, c.kind, c.name, `+contact("email")+`, `+contact("phone")+`, c.language, c.preferred_channel, `+
			address("city")+`, `+address("country")+`, `+isWalled+` FROM segment_members m JOIN customers c ON c.id = m.customer_id
			WHERE m.segment_id = `+q.Arg(id)+` AND c.merged_into IS NULL AND `+visibleCustomer(q, s, "c.id")+` AND `+consentGranted(q, "c.id", purpose)+`
			ORDER BY c.sort_name, c.id`, q.Args(), func(r Scanner) error {
			var e rapport.ExportedCustomer
			var behindWall bool
			if err := r.Scan(&e.ID, &e.Kind, &e.Name, &e.Email, &e.Phone, &e.Language, &e.PreferredChannel, &e.City, &e.Country, &behindWall); err != nil {
				return err
			}
			if behindWall {
				walled++
			}
			if err := fn(e); err != nil {
				return err
			}
			n++
			return nil
		})
	})
	if err != nil {
		return n, err
	}
	return n, db.update(ctx, s, func(tx *Tx) error {
		detail := fmt.Sprintf("%s: %s who agreed to %s", g.Name, thousands.Count(n, "customer"), purpose)
		if walled > 0 {
			detail += fmt.Sprintf(", %s of them behind walls", thousands.Int(walled))
		}
		return tx.audit("export", "segment", id, rapport.ID{}, walled > 0, detail)
	})
}

func purposeNames() []string {
	out := make([]string, len(rapport.Purposes))
	for i, p := range rapport.Purposes {
		out[i] = string(p)
	}
	return out
}
