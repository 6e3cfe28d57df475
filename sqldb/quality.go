package sqldb

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.QualityService = (*DB)(nil)

// keyFields are what a complete profile has, each as a condition on the customer c:
// the one definition the profile's measure and the owners' report share.
var keyFields = []struct{ name, present string }{
	{"name", `(c.kind = 'organisation' OR (c.given_name <> '' AND c.family_name <> ''))`},
	{"e-mail", `EXISTS (SELECT 1 FROM customer_contacts x WHERE x.customer_id = c.id AND x.kind = 'email')`},
	{"phone", `EXISTS (SELECT 1 FROM customer_contacts x WHERE x.customer_id = c.id AND x.kind = 'phone')`},
	{"address", `EXISTS (SELECT 1 FROM customer_addresses x WHERE x.customer_id = c.id)`},
	{"language", `c.language <> ''`},
	{"preferred channel", `c.preferred_channel <> ''`},
	{"relationship", `EXISTS (SELECT 1 FROM customer_relationships x WHERE x.customer_id = c.id)`},
	{"owner", `c.owner_id IS NOT NULL`},
}

// presence is 1 or 0 for each key field, joined by sep.
func presence(sep string) string {
	cols := make([]string, len(keyFields))
	for i, f := range keyFields {
		cols[i] = fmt.Sprintf("CASE WHEN %s THEN 1 ELSE 0 END", f.present)
	}
	return strings.Join(cols, sep)
}

// CustomerQuality measures a visible customer's profile.
func (db *DB) CustomerQuality(ctx context.Context, s rapport.Scope, customerID rapport.ID) (*rapport.Quality, error) {
	q := &rapport.Quality{CustomerID: customerID}
	err := db.view(ctx, s, func(tx *Tx) error {
		columns, dest, measure := quality(q, tx.now)
		return tx.reads(func(b *batch) {
			query := &Query{}
			var found bool
			b.queryRow(`SELECT `+columns+` FROM customers c WHERE c.id = `+query.Arg(customerID)+`
				AND `+visibleCustomer(query, tx.scope, "c.id"), query.Args(), &found, dest...)
			b.then(func() error {
				if !found {
					return rapport.NotFound("customer")
				}
				measure()
				return nil
			})
		})
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// quality returns the columns over the customer c that measure its profile (its last
// change, and which of the key fields it has), where to scan them, and what measures q
// from them once they are scanned.
func quality(q *rapport.Quality, now time.Time) (columns string, dest []any, measure func()) {
	present := make([]int, len(keyFields))
	dest = []any{&q.UpdatedAt}
	for i := range present {
		dest = append(dest, &present[i])
	}
	return "c.updated_at, " + presence(", "), dest, func() {
		q.Missing = []string{}
		have := 0
		for i, p := range present {
			if p == 1 {
				have++
			} else {
				q.Missing = append(q.Missing, keyFields[i].name)
			}
		}
		q.Complete = 100 * have / len(keyFields)
		q.Stale = q.UpdatedAt.Before(now.Add(-rapport.StaleAfter))
	}
}

// holdings says which sections of a customer's profile hold anything, so that the
// page skips the reads of the empty ones: most customers have no notes, items,
// feedback, merges or help centre account, and a statement that finds none costs
// PostgreSQL a round trip's share of its work. The page reads them with the customer.
type holdings struct {
	notes, links, merges, items, feedback, consents, portal bool
}

// columns returns the columns over the customer c that say which sections hold
// anything (notes whoever may read them, links either way, merges into the customer),
// and where to scan them; none for a nil h.
func (h *holdings) columns() (columns string, dest []any) {
	if h == nil {
		return "", nil
	}
	return `, EXISTS (SELECT 1 FROM notes x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM customer_links x WHERE x.from_id = c.id) OR EXISTS (SELECT 1 FROM customer_links x WHERE x.to_id = c.id),
		EXISTS (SELECT 1 FROM merges x WHERE x.target_id = c.id),
		EXISTS (SELECT 1 FROM items x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM feedback x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM consents x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM portal_accounts x WHERE x.customer_id = c.id)`,
		[]any{&h.notes, &h.links, &h.merges, &h.items, &h.feedback, &h.consents, &h.portal}
}

// profileFeedback is how much of a customer's feedback the profile lists.
const profileFeedback = 5

// OwnerQualities measures the visible, unmerged profiles by owner.
func (db *DB) OwnerQualities(ctx context.Context, s rapport.Scope) ([]rapport.OwnerQuality, error) {
	type count struct {
		owner          rapport.ID
		name           string
		present, stale int
		n              int
	}
	var counts []count
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		staleBefore := q.Arg(tx.now.Add(-rapport.StaleAfter))
		var err error
		// Counted by owner, fields present and staleness: each customer's fields are
		// then looked up once, where an aggregate over each of them would, on both
		// databases, look them up again for each use.
		counts, err = queryAll(tx, `SELECT p.owner_id, COALESCE(u.name, ''), p.present, p.stale, COUNT(*)
			FROM (SELECT c.owner_id, `+presence(" + ")+` AS present, CASE WHEN c.updated_at < `+staleBefore+` THEN 1 ELSE 0 END AS stale
				FROM customers c WHERE c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id")+`) p
			LEFT JOIN users u ON u.id = p.owner_id
			GROUP BY p.owner_id, u.name, p.present, p.stale`, q.Args(), func(rows Scanner) (count, error) {
			var c count
			err := rows.Scan(&c.owner, &c.name, &c.present, &c.stale, &c.n)
			return c, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	// Each owner's report, with the key fields present summed over their customers.
	type tally struct {
		rapport.OwnerQuality
		present int
	}
	var owners []tally
	index := map[rapport.ID]int{}
	for _, c := range counts {
		i, ok := index[c.owner]
		if !ok {
			i = len(owners)
			index[c.owner] = i
			owners = append(owners, tally{OwnerQuality: rapport.OwnerQuality{OwnerID: c.owner, OwnerName: c.name}})
		}
		o := &owners[i]
		o.Customers += c.n
		o.present += c.present * c.n
		if c.present == len(keyFields) {
			o.Full += c.n
		}
		o.Stale += c.stale * c.n
	}
	// The least complete first (the means compared without dividing); among equals,
	// the owner of more customers.
	slices.SortFunc(owners, func(a, b tally) int {
		return cmp.Or(cmp.Compare(a.present*b.Customers, b.present*a.Customers),
			cmp.Compare(b.Customers, a.Customers), strings.Compare(a.OwnerName, b.OwnerName))
	})
	out := make([]rapport.OwnerQuality, len(owners))
	for i, o := range owners {
		o.Complete = int(100*float64(o.present)/float64(o.Customers*len(keyFields)) + 0.5)
		out[i] = o.OwnerQuality
	}
	return out, nil
}
