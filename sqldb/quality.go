package sqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"

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
	q := &rapport.Quality{}
	err := db.view(ctx, s, func(tx *Tx) error {
		var kind rapport.CustomerKind
		return tx.reads(func(b *batch) { b.customerQuality(customerID, nil, q, &kind) })
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// customerQuality measures a customer's profile into q and says its kind, ENOTFOUND
// if the scope may not see it; given has, the same statement says which of the
// customer's sections hold anything.
func (b *batch) customerQuality(customerID rapport.ID, has *holdings, q *rapport.Quality, kind *rapport.CustomerKind) {
	*q = rapport.Quality{CustomerID: customerID, Missing: []string{}}
	present := make([]int, len(keyFields))
	dest := []any{kind, &q.UpdatedAt}
	for i := range present {
		dest = append(dest, &present[i])
	}
	holding, more := has.facts()
	dest = append(dest, more...)
	query := &Query{}
	var found bool
	b.queryRow(`SELECT c.kind, c.updated_at, `+presence(", ")+holding+` FROM customers c WHERE c.id = `+query.Arg(customerID)+`
		AND `+visibleCustomer(query, b.tx.scope, "c.id"), query.Args(), &found, dest...)
	b.then(func() error {
		if !found {
			return rapport.NotFound("customer")
		}
		have := 0
		for i, p := range present {
			if p == 1 {
				have++
			} else {
				q.Missing = append(q.Missing, keyFields[i].name)
			}
		}
		q.Complete = 100 * have / len(keyFields)
		q.Stale = q.UpdatedAt.Before(b.tx.now.Add(-rapport.StaleAfter))
		return nil
	})
}

// holdings says which sections of a customer's profile hold anything, so that the
// page skips the reads of the empty ones: most customers have no notes, items,
// feedback, merges or help centre account, and a statement that finds none costs
// PostgreSQL a round trip. Each of the page's two views reads its own in its first
// statement.
type holdings struct {
	items, feedback, consents, portal bool // the facts' (customerQuality)
	notes, links, merges              bool // the profile's (findCustomerHolding)
}

// facts returns the columns over the customer c that say which of the facts'
// sections hold anything, and where to scan them; none for a nil h.
func (h *holdings) facts() (columns string, dest []any) {
	if h == nil {
		return "", nil
	}
	return `, EXISTS (SELECT 1 FROM items x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM feedback x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM consents x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM portal_accounts x WHERE x.customer_id = c.id)`,
		[]any{&h.items, &h.feedback, &h.consents, &h.portal}
}

// profile is as facts, for the profile's notes (any, whoever may read them), links and
// merges into the customer.
func (h *holdings) profile() (columns string, dest []any) {
	if h == nil {
		return "", nil
	}
	return `, EXISTS (SELECT 1 FROM notes x WHERE x.customer_id = c.id),
		EXISTS (SELECT 1 FROM customer_links x WHERE x.from_id = c.id) OR EXISTS (SELECT 1 FROM customer_links x WHERE x.to_id = c.id),
		EXISTS (SELECT 1 FROM merges x WHERE x.target_id = c.id)`,
		[]any{&h.notes, &h.links, &h.merges}
}

// profileFeedback is how much of a customer's feedback the profile lists.
const profileFeedback = 5

// FindProfileFacts reads what the profile page shows beside the customer's fields, in
// one view with one check that the scope may see the customer, which also says its
// kind and which sections hold anything. The reads that do not depend on others are
// sent in one batch with the check: should it fail, what they read is dropped. It
// records no read of its own: the page's FindProfile does.
func (db *DB) FindProfileFacts(ctx context.Context, s rapport.Scope, customerID rapport.ID) (*rapport.ProfileFacts, error) {
	f := &rapport.ProfileFacts{Work: &rapport.Workbench{Closed: []*rapport.Item{}}}
	err := db.view(ctx, s, func(tx *Tx) error {
		var has holdings
		var kind rapport.CustomerKind
		err := tx.reads(func(b *batch) {
			b.customerQuality(customerID, &has, &f.Quality, &kind)
			b.sourcesOf(customerID, &kind, &f.Sources)
			b.customerValue(customerID, &f.Value)
			b.customerSegments(customerID, &f.Segments)
			b.suggestQuestions(customerID, &f.Questions)
			b.lastContacts(customerID, &f.Work.LastContacts)
			b.contactHabit(customerID, &f.Work.Habit)
		})
		if err != nil {
			return err
		}
		st, err := tx.setup()
		if err != nil {
			return err
		}
		f.Systems, f.Work.Staff, f.Work.Teams = st.sources, st.staff, st.teams
		// The sections that hold anything, read together; then what depends on them.
		f.Feedback = &rapport.CustomerFeedback{}
		err = tx.reads(func(b *batch) {
			if has.consents {
				b.consents(customerID, &f.Consents)
			}
			if has.items {
				b.workbenchItems(f.Work, customerID)
			}
			if has.feedback {
				b.customerFeedback(customerID, profileFeedback, f.Feedback)
			}
			if s.IsStaff() && has.portal { // as FindPortalAccounts
				b.portalAccounts(customerID, &f.Portal)
			}
		})
		if err != nil {
			return err
		}
		keys := make([]rapport.TipKey, len(f.Work.OpenItems))
		for i, it := range f.Work.OpenItems {
			keys[i] = rapport.TipKey{RequestType: it.RequestType, Product: it.Product, Channel: it.Channel}
		}
		return tx.reads(func(b *batch) {
			b.matchTips(keys, &f.Tips)
			b.attachActions(slices.Concat(f.Feedback.Recent, f.Feedback.Open))
		})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// OwnerQualities measures the visible, unmerged profiles by owner.
func (db *DB) OwnerQualities(ctx context.Context, s rapport.Scope) ([]rapport.OwnerQuality, error) {
	var out []rapport.OwnerQuality
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		staleBefore := q.Arg(tx.now.Add(-rapport.StaleAfter))
		var err error
		out, err = queryAll(tx, `SELECT p.owner_id, COALESCE(u.name, ''), COUNT(*), CAST(AVG(p.present) AS DOUBLE PRECISION), SUM(CASE WHEN p.present = `+fmt.Sprint(len(keyFields))+` THEN 1 ELSE 0 END),
				SUM(CASE WHEN p.updated_at < `+staleBefore+` THEN 1 ELSE 0 END)
			FROM (SELECT c.owner_id, c.updated_at, `+presence(" + ")+` AS present FROM customers c
				WHERE c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id")+`) p
			LEFT JOIN users u ON u.id = p.owner_id
			GROUP BY p.owner_id, u.name ORDER BY AVG(p.present), COUNT(*) DESC`, q.Args(), func(rows Scanner) (rapport.OwnerQuality, error) {
			var o rapport.OwnerQuality
			var mean float64
			err := rows.Scan(&o.OwnerID, &o.OwnerName, &o.Customers, &mean, &o.Full, &o.Stale)
			o.Complete = int(100*mean/float64(len(keyFields)) + 0.5)
			return o, err
		})
		return err
	})
	return out, err
}
