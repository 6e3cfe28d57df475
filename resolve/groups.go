package resolve

import (
	"bytes"

	"github.com/rapportckm/rapport"
)

// groups joins records into the sets that will become one customer (union–find), and
// refuses a join that would put together two records a reviewer said are different.
type groups struct {
	recs     []rapport.IdentityRecord
	rejected map[[2]rapport.ID]bool
	parent   []int32
	members  map[int32][]int32 // per root of more than one record
	least    map[int32]float64 // per root: the lowest probability of its joins
}

func newGroups(recs []rapport.IdentityRecord, rejected map[[2]rapport.ID]bool) *groups {
	g := &groups{recs: recs, rejected: rejected, parent: make([]int32, len(recs)),
		members: map[int32][]int32{}, least: map[int32]float64{}}
	for i := range g.parent {
		g.parent[i] = int32(i)
	}
	return g
}

func (g *groups) root(i int32) int32 {
	for g.parent[i] != i {
		g.parent[i] = g.parent[g.parent[i]]
		i = g.parent[i]
	}
	return i
}

func (g *groups) list(root int32) []int32 {
	if m, ok := g.members[root]; ok {
		return m
	}
	return []int32{root}
}

// join puts a and b in one group, found alike with probability p.
func (g *groups) join(a, b int32, p float64) {
	ra, rb := g.root(a), g.root(b)
	if ra == rb {
		return
	}
	ma, mb := g.list(ra), g.list(rb)
	if len(g.rejected) > 0 {
		for _, x := range ma {
			for _, y := range mb {
				if g.rejected[rapport.OrderedPair(g.recs[x].ID, g.recs[y].ID)] {
					return
				}
			}
		}
	}
	least := p
	for _, r := range []int32{ra, rb} {
		if q, ok := g.least[r]; ok && q < least {
			least = q
		}
	}
	g.parent[rb] = ra
	g.members[ra] = append(append([]int32{}, ma...), mb...)
	g.least[ra] = least
	delete(g.members, rb)
	delete(g.least, rb)
}

type merge struct {
	target, merged int32
	probability    float64
}

// merges lists, for every group, the merges of its records into its oldest one: the
// customer known longest keeps its id, which other systems hold.
func (g *groups) merges() []merge {
	var out []merge
	for root, ms := range g.members {
		target := ms[0]
		for _, m := range ms[1:] {
			if g.older(m, target) {
				target = m
			}
		}
		for _, m := range ms {
			if m != target {
				out = append(out, merge{target, m, g.least[root]})
			}
		}
	}
	return out
}

func (g *groups) older(a, b int32) bool {
	ra, rb := &g.recs[a], &g.recs[b]
	if !ra.CreatedAt.Equal(rb.CreatedAt) {
		return ra.CreatedAt.Before(rb.CreatedAt)
	}
	return bytes.Compare(ra.ID[:], rb.ID[:]) < 0
}
