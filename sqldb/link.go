package sqldb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/rapportckm/rapport"
)

var _ rapport.LinkService = (*DB)(nil)

// FindLinks returns the links from and to a visible customer whose other end is also
// visible: links from people first, then from organisations, each by name.
func (db *DB) FindLinks(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Link, error) {
	var links []*rapport.Link
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		var err error
		links, err = tx.findLinks(customerID)
		return err
	})
	return links, err
}

// findLinks returns the links of a customer whom the caller has found visible.
func (tx *Tx) findLinks(customerID rapport.ID) (links []*rapport.Link, err error) {
	return links, tx.reads(func(b *batch) { b.links(customerID, &links) })
}

// links reads into out the links of a customer whom the caller has found visible.
func (b *batch) links(customerID rapport.ID, out *[]*rapport.Link) {
	q := &Query{}
	id := q.Arg(customerID)
	scope := b.tx.scope
	appendRows(b, out, `SELECT l.id, l.from_id, f.name, f.kind, l.to_id, t.name, l.kind, l.role, l.created_at
		FROM customer_links l JOIN customers f ON f.id = l.from_id JOIN customers t ON t.id = l.to_id
		WHERE (l.from_id = `+id+` OR l.to_id = `+id+`)
		AND `+visibleCustomer(q, scope, "l.from_id")+` AND `+visibleCustomer(q, scope, "l.to_id")+`
		ORDER BY f.kind DESC, f.sort_name, t.sort_name`, q.Args(), scanLink)
}

func scanLink(rows Scanner) (*rapport.Link, error) {
	l := &rapport.Link{}
	err := rows.Scan(&l.ID, &l.FromID, &l.FromName, &l.FromKind, &l.ToID, &l.ToName, &l.Kind, &l.Role, &l.CreatedAt)
	return l, err
}

// findCustomerKind returns the kind of a visible customer, or ENOTFOUND; for a record
// merged into a visible customer, one that says which, since what the record held is
// that customer's now.
func (tx *Tx) findCustomerKind(id rapport.ID) (rapport.CustomerKind, error) {
	q := &Query{}
	var kind rapport.CustomerKind
	err := tx.queryRow(`SELECT c.kind FROM customers c WHERE c.id = `+q.Arg(id)+` AND c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id"), q.Args()...).Scan(&kind)
	if !errors.Is(err, sql.ErrNoRows) {
		return kind, err
	}
	// findCustomer finds a merged record as visible as the customer it went into.
	c, err := tx.findCustomer(id)
	if err != nil {
		return "", err
	}
	if c.MergedInto.IsZero() { // unmerged between the two reads
		return "", rapport.NotFound("customer")
	}
	return "", rapport.Errorf(rapport.ENOTFOUND, "%s was merged into customer %s, which holds its records now: use that customer, or undo the merge first", c.Name, c.MergedInto)
}

// CreateLink links two visible customers.
func (db *DB) CreateLink(ctx context.Context, s rapport.Scope, l *rapport.Link) error {
	if err := rapport.Require(s.CanWriteCustomers(), "link customers"); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		from, err := tx.findCustomerKind(l.FromID)
		if err != nil {
			return rapport.FieldError("from_id", "customer %s not found", l.FromID)
		}
		to, err := tx.findCustomerKind(l.ToID)
		if err != nil {
			return rapport.FieldError("to_id", "customer %s not found", l.ToID)
		}
		if err := l.ValidateEnds(from, to); err != nil {
			return err
		}
		if l.Kind == rapport.LinkSubsidiaryOf {
			if err := tx.checkNoCycle(l.FromID, l.ToID); err != nil {
				return err
			}
		}
		l.ID, l.CreatedAt = rapport.NewID(), tx.now
		if _, err := tx.exec(`INSERT INTO customer_links (id, from_id, to_id, kind, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			l.ID, l.FromID, l.ToID, string(l.Kind), l.Role, l.CreatedAt); err != nil {
			return err
		}
		if err := tx.queryRow(`SELECT f.name, f.kind, t.name FROM customers f, customers t WHERE f.id = $1 AND t.id = $2`, l.FromID, l.ToID).Scan(&l.FromName, &l.FromKind, &l.ToName); err != nil {
			return err
		}
		if err := tx.refreshWallCoverage(); err != nil {
			return err
		}
		return tx.audit("create", "link", l.ID, l.FromID, false, string(l.Kind)+" "+l.ToName)
	})
}

// checkNoCycle refuses to make an organisation a subsidiary of one of its own subsidiaries.
func (tx *Tx) checkNoCycle(child, parent rapport.ID) error {
	var n int
	err := tx.queryRow(`WITH RECURSIVE below(id) AS (
			SELECT id FROM customers WHERE id = $1
			UNION SELECT l.from_id FROM customer_links l JOIN below ON l.to_id = below.id WHERE l.kind = 'subsidiary_of')
		SELECT COUNT(*) FROM below WHERE id = $2`, child, parent).Scan(&n)
	if err == nil && n > 0 {
		return rapport.FieldError("to_id", "that organisation is already a subsidiary of this one; ownership cannot go round in a circle")
	}
	return err
}

// DeleteLink removes a link between two visible customers.
func (db *DB) DeleteLink(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "unlink customers"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		q := &Query{}
		var from rapport.ID
		var kind string
		err := tx.queryRow(`SELECT l.from_id, l.kind FROM customer_links l WHERE l.id = `+q.Arg(id)+
			` AND `+visibleCustomer(q, tx.scope, "l.from_id")+` AND `+visibleCustomer(q, tx.scope, "l.to_id"), q.Args()...).Scan(&from, &kind)
		if err != nil {
			return notFound(err, "link")
		}
		if _, err := tx.exec(`DELETE FROM customer_links WHERE id = $1`, id); err != nil {
			return err
		}
		if err := tx.refreshWallCoverage(); err != nil {
			return err
		}
		return tx.audit("delete", "link", id, from, false, kind)
	})
}
