package resolve

import (
	"bytes"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/linkage"
)

// groups joins records into the sets that will become one customer (union–find), and
// refuses a join that would put together two records a reviewer said are different.
type groups struct {
	*linkage.Sets
	recs     []rapport.IdentityRecord
	rejected map[[2]rapport.ID]bool
	least    map[int32]float64 // per root: the lowest probability of its joins
}

func newGroups(recs []rapport.IdentityRecord, rejected map[[2]rapport.ID]bool) *groups {
	return &groups{Sets: linkage.NewSets(len(recs)), recs: recs, rejected: rejected, least: map[int32]float64{}}
}

// join puts a and b in one group, found alike with probability p, unless a reviewer
// said that a record of one group and a record of the other are different people, or
// walls cover their customers differently: the merge would show a walled customer's
// data to those its wall keeps out, and tell them it exists (their own customer would
// vanish into it). Such pairs go to review instead, where only those who may see both
// customers see them.
func (g *groups) join(a, b int32, p float64) {
	if ra, rb := g.Find(a), g.Find(b); ra != rb && g.walls(ra) == g.walls(rb) && !g.keptApart(ra, rb) {
		g.union(ra, rb, p)
	}
}

// walls are the walls that cover the customers of the group with root r: those of its
// active customers, which joins keep alike.
func (g *groups) walls(r int32) string {
	for _, m := range g.Members(r) {
		if rec := &g.recs[m]; rec.ID == rec.ProfileID {
			return rec.Walls
		}
	}
	return g.recs[r].Walls
}

func (g *groups) keptApart(ra, rb int32) bool {
	if len(g.rejected) == 0 {
		return false
	}
	for _, x := range g.Members(ra) {
		for _, y := range g.Members(rb) {
			if g.rejected[rapport.OrderedPair(g.recs[x].ID, g.recs[y].ID)] {
				return true
			}
		}
	}
	return false
}

// union joins two groups by their roots.
func (g *groups) union(ra, rb int32, p float64) {
	for _, r := range []int32{ra, rb} {
		if q, ok := g.least[r]; ok {
			p = min(p, q)
		}
	}
	g.Union(ra, rb)
	g.least[ra] = p
	delete(g.least, rb)
}

// bindProfiles puts every merged record with the customer it was merged into: a merge
// already made stands, whatever a reviewer decided before it.
func (g *groups) bindProfiles() {
	at := make(map[rapport.ID]int32, len(g.recs))
	for i, r := range g.recs {
		if r.ID == r.ProfileID {
			at[r.ID] = int32(i)
		}
	}
	for i, r := range g.recs {
		if p, ok := at[r.ProfileID]; ok && r.ID != r.ProfileID {
			if rp, ri := g.Find(p), g.Find(int32(i)); rp != ri {
				g.union(rp, ri, 1)
			}
		}
	}
}

// profile is the record of the customer the group of record i becomes: the oldest
// active customer in it. The customer known longest keeps its id, which other systems
// hold.
func (g *groups) profile(i int32) int32 {
	root := g.Find(i)
	best := int32(-1)
	for _, m := range g.Members(root) {
		if r := &g.recs[m]; r.ID == r.ProfileID && (best < 0 || g.older(m, best)) {
			best = m
		}
	}
	return best
}

type merge struct {
	target, merged int32
	probability    float64
}

// merges lists the merges that make each group one customer: every other active
// customer in it into its profile.
func (g *groups) merges() []merge {
	var out []merge
	for root, ms := range g.Joined() {
		target := g.profile(root)
		for _, m := range ms {
			if r := &g.recs[m]; m != target && r.ID == r.ProfileID {
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
