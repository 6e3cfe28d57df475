package sqldb

import (
	"context"
	"slices"

	"github.com/rapportckm/rapport"
)

// FindProfile reads what the profile page shows of a customer in one view, in three
// batches at most. The first reads the customer, which checks that the scope may see
// it and says which sections hold anything, together with the facts that do not
// depend on that; should the check fail, what they read is dropped. The second reads
// the timeline and the sections that hold anything; the third what depends on those.
// What follows the check reads only what belongs to the customer, each query still
// filtering by walls and note visibility what it reaches beyond (linked customers, an
// organisation's people).
func (db *DB) FindProfile(ctx context.Context, s rapport.Scope, f rapport.InteractionFilter) (*rapport.Profile, error) {
	id := f.CustomerID
	c := &rapport.Customer{ID: id}
	p := &rapport.Profile{Customer: c}
	facts := &p.Facts
	facts.Work, facts.Feedback = &rapport.Workbench{Closed: []*rapport.Item{}}, &rapport.CustomerFeedback{}
	err := db.view(ctx, s, func(tx *Tx) error {
		var has holdings
		err := tx.reads(func(b *batch) {
			b.customer(c, &has, &facts.Quality)
			b.sourcesOf(id, &c.Kind, &facts.Sources)
			b.customerValue(id, &facts.Value)
			b.customerSegments(id, &facts.Segments)
			b.suggestQuestions(id, &facts.Questions)
			b.lastContacts(id, &facts.Work.LastContacts)
			b.contactHabit(id, &facts.Work.Habit)
		})
		if err != nil {
			return err
		} else if !c.MergedInto.IsZero() {
			p.Facts = rapport.ProfileFacts{} // the customer alone, shown as the one it was merged into
			return nil
		}
		st, err := tx.setup()
		if err != nil {
			return err
		}
		facts.Systems, facts.Work.Staff, facts.Work.Teams = st.sources, st.staff, st.teams
		err = tx.reads(func(b *batch) {
			if has.notes {
				var more string
				b.notes(rapport.NoteFilter{CustomerID: id, PinnedOnly: true, Limit: 10}, &p.Pinned, &more)
			}
			if has.links {
				b.links(id, &p.Links)
			}
			b.timeline(f, c.Kind, has.notes, &p.Timeline, &p.Next)
			if has.merges {
				b.merges(&p.Merges, `m.target_id = $1`+newestMerges, id)
			}
			if has.consents {
				b.consents(id, &facts.Consents)
			}
			if has.items {
				b.workbenchItems(facts.Work, id)
			}
			if has.feedback {
				b.customerFeedback(id, profileFeedback, facts.Feedback)
			}
			if s.IsStaff() && has.portal { // as FindPortalAccounts
				b.portalAccounts(id, &facts.Portal)
			}
		})
		if err != nil {
			return err
		}
		keys := make([]rapport.TipKey, len(facts.Work.OpenItems))
		for i, it := range facts.Work.OpenItems {
			keys[i] = rapport.TipKey{RequestType: it.RequestType, Product: it.Product, Channel: it.Channel}
		}
		err = tx.reads(func(b *batch) {
			b.matchTips(keys, &facts.Tips)
			b.attachActions(slices.Concat(facts.Feedback.Recent, facts.Feedback.Open))
		})
		if err == nil && c.Kind == rapport.KindOrganisation {
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
