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
		// The sections that hold anything, and the timeline, read together.
		err = tx.reads(func(b *batch) {
			if has.notes {
				var more string
				b.notes(rapport.NoteFilter{CustomerID: id, PinnedOnly: true, Limit: 10}, &p.Pinned, &more)
			}
			if has.links {
				b.links(id, &p.Links)
			}
			b.timeline(f, p.Customer.Kind, has.notes, &p.Timeline, &p.Next)
			if has.merges {
				b.merges(&p.Merges, `m.target_id = $1`+newestMerges, id)
			}
		})
		if err == nil && p.Customer.Kind == rapport.KindOrganisation {
			p.People, err = tx.actingPeople(id, p.Timeline, p.Links)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return p, db.auditRead(ctx, s, "customer", id, id, "profile")
}

// actingPeople names the people whose interactions on an organisation's behalf its
// timeline holds: from the organisation's links, or, for one who acted for it without
// a link, read (those the timeline holds are visible to the scope already).
func (tx *Tx) actingPeople(orgID rapport.ID, timeline []rapport.TimelineEntry, links []*rapport.Link) (map[rapport.ID]string, error) {
	linked := map[rapport.ID]string{}
	for _, l := range links {
		linked[l.FromID] = l.FromName
	}
	names := map[rapport.ID]string{}
	var unlinked []any
	for _, e := range timeline {
		if e.Interaction == nil || e.Interaction.CustomerID == orgID {
			continue
		}
		id := e.Interaction.CustomerID
		if _, seen := names[id]; seen {
			continue
		}
		name, ok := linked[id]
		names[id] = name
		if !ok {
			unlinked = append(unlinked, id)
		}
	}
	if len(unlinked) == 0 {
		return names, nil
	}
	q := &Query{}
	read, err := queryAll(tx, `SELECT c.id, c.name FROM customers c WHERE c.id IN `+q.In(unlinked...)+` AND `+visibleCustomer(q, tx.scope, "c.id"), q.Args(),
		func(rows Scanner) (rapport.CustomerRef, error) {
			var c rapport.CustomerRef
			return c, rows.Scan(&c.ID, &c.Name)
		})
	for _, c := range read {
		names[c.ID] = c.Name
	}
	return names, err
}
