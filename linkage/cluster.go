package linkage

// cluster joins the records of the matching pairs, most likely pair first. Plain
// connected components would chain different people through records that resemble
// both (a father and son sharing a name and an address, each matching a record with no
// date of birth); so before two groups join, every pair across them is scored (compared
// by the blocking rules or not) and the join goes ahead only if the evidence of all those
// pairs together favours it. It returns each record's cluster (the index of its first
// record) and the number of joins refused.
func cluster(recs *records, model *Model, pairs []Pair) ([]int32, int) {
	parent := make([]int32, recs.n)
	members := make(map[int32][]int32) // root → records, for groups of more than one
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	group := func(root int32) []int32 {
		if m, ok := members[root]; ok {
			return m
		}
		return []int32{root}
	}
	refused := 0
	for _, p := range pairs {
		a, b := find(p.L), find(p.R)
		if a == b {
			continue
		}
		ga, gb := group(a), group(b)
		if len(ga) > 1 || len(gb) > 1 {
			if !evidenceFavours(recs, model, ga, gb) {
				refused++
				continue
			}
		}
		if a > b { // the root is the first record, so cluster ids are stable
			a, b, ga, gb = b, a, gb, ga
		}
		parent[b] = a
		members[a] = append(append(make([]int32, 0, len(ga)+len(gb)), ga...), gb...)
		delete(members, b)
	}
	out := make([]int32, recs.n)
	for i := range out {
		out[i] = find(int32(i))
	}
	return out, refused
}

// evidenceFavours reports whether the pairs across two groups, taken together, say the
// groups are one person: the sum of their match weights (log-odds) is positive. Joining
// the groups changes the log-likelihood of the clustering by exactly that sum, so this is
// greedy correlation clustering.
func evidenceFavours(recs *records, model *Model, ga, gb []int32) bool {
	sum := 0.0
	for _, x := range ga {
		for _, y := range gb {
			l, r := min(x, y), max(x, y)
			sum += model.weight(recs, l, r, recs.pattern(l, r))
		}
	}
	return sum > 0
}
