package sqldb

import (
	"context"

	"github.com/rapportckm/rapport"
)

// FindProfile reads what the profile page shows of a customer, besides its
// ProfileFacts, in one view. Reading the customer checks that the scope may see it;
// what follows reads only what belongs to it, each query still filtering by walls and
// note visibility what it reaches beyond (linked customers, an organisation's people).
func (db *DB) FindProfile(ctx context.Context, s rapport.Scope, f rapport.InteractionFilter) (*rapport.Profile, error) {
	id := f.CustomerID
	p := &rapport.Profile{}
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		var has holdings
		if p.Customer, err = tx.findCustomerHolding(id, &has); err != nil || !p.Customer.MergedInto.IsZero() {
			return err
		}
		if has.notes {
			if p.Pinned, _, err = tx.findNotes(rapport.NoteFilter{CustomerID: id, PinnedOnly: true, Limit: 10}); err != nil {
				return err
			}
		}
		if has.links {
			if p.Links, err = tx.findLinks(id); err != nil {
				return err
			}
		}
		if p.Timeline, p.Next, err = tx.timeline(f, p.Customer.Kind, has.notes); err != nil {
			return err
		}
		if has.merges {
			p.Merges, err = tx.findMerges(`m.target_id = $1`+newestMerges, id)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, db.auditRead(ctx, s, "customer", id, id, "profile")
}
