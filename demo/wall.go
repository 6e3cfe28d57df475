package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// chooseWall picks the organisations the wall is over: the group being acquired (a
// holding and its subsidiaries, about 3% of the customers with their people), then
// others in random order while fewer than 2.5% of the customers are covered, skipping
// any that would take the cover over 5%. It follows links as the store does (see
// rapport.Wall): to the people and subsidiaries of a covered organisation, and to the
// organisations a covered person owns.
func (p *population) chooseWall(r *rand.Rand) {
	n := len(p.customers)
	low, high := max(1, n*25/1000), max(1, n*5/100)
	reached := make([][]int, n) // the customers a cover of each customer extends to
	for _, l := range p.links {
		reached[l.to] = append(reached[l.to], l.from)
		if l.kind == rapport.LinkOwns {
			reached[l.from] = append(reached[l.from], l.to)
		}
	}
	covered := make([]bool, n)
	count := 0
	// reach returns the customers not covered yet that a wall over org would cover.
	reach := func(org int) []int {
		seen := map[int]bool{org: true}
		queue := []int{org}
		for k := 0; k < len(queue); k++ {
			for _, next := range reached[queue[k]] {
				if !seen[next] {
					seen[next] = true
					queue = append(queue, next)
				}
			}
		}
		return slices.DeleteFunc(queue, func(i int) bool { return covered[i] })
	}
	add := func(org int, more []int) {
		p.wall = append(p.wall, org)
		for _, i := range more {
			covered[i] = true
		}
		count += len(more)
	}
	for _, org := range p.orgs {
		if p.customers[org].falcon {
			add(org, reach(org))
		}
	}
	for _, k := range r.Perm(len(p.orgs)) {
		if count >= low {
			break
		}
		org := p.orgs[k]
		if p.customers[org].big || covered[org] {
			continue
		}
		if more := reach(org); count+len(more) <= high || len(p.wall) == 0 {
			add(org, more)
		}
	}
	for i, c := range p.customers {
		c.walled = covered[i]
	}
}

// createWall puts up the wall: only Corporate Finance sees the customers behind it.
func (f *filler) createWall(ctx context.Context) error {
	var ids []rapport.ID
	for _, i := range f.pop.wall {
		ids = append(ids, f.pop.customers[i].id)
	}
	w := &rapport.Wall{
		Name: wallName,
		Description: "Confidential: Corporate Finance is preparing the acquisition of these companies. " +
			"Nobody else may see them or their people until the deal is announced; ask Margaret Ellis before any contact.",
	}
	if err := f.store.CreateWall(ctx, f.system, w, []rapport.ID{f.team(teamFinance).ID}, ids); err != nil {
		return fmt.Errorf("create the wall %s: %w", wallName, err)
	}
	f.sum.Wall, f.sum.Walled = w.Name, w.Covered
	f.log("wall: %s over %d organisations covers %s customers", w.Name, len(ids), thousands.Int(w.Covered))
	return f.learnWalled(ctx)
}

// learnWalled asks the store which customers the wall hides from a user outside its
// team, so that notes about them go to authors who may see them whatever the rules
// of coverage become.
func (f *filler) learnWalled(ctx context.Context) error {
	outsider := rapport.StaffScope(f.users[staffIndex("ravi.patel")], "cli", "demo")
	visible := make(map[rapport.ID]bool, len(f.pop.customers))
	for cursor := ""; ; {
		page, next, err := f.store.FindCustomers(ctx, outsider, rapport.CustomerFilter{Cursor: cursor, Limit: 500})
		if err != nil {
			return fmt.Errorf("list the customers outside the wall: %w", err)
		}
		for _, c := range page {
			visible[c.ID] = true
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	for _, c := range f.pop.customers {
		c.walled = !visible[c.id]
	}
	return nil
}
