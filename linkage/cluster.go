package linkage

// cluster joins the records of the matching pairs, most likely pair first. Plain
// connected components would chain different people through records that resemble
// both (a father and son sharing a name and an address, each matching a record with no
// date of birth); so before two groups join, every pair across them is scored (compared
// by the blocking rules or not) and the join goes ahead only if the evidence of all those
// pairs together favours it. It returns each record's cluster (the index of its first
// record) and the number of joins refused.
func cluster(recs *records, model *Model, pairs []Pair) ([]int32, int) {
	sets := NewSets(recs.n)
	refused := 0
	for _, p := range pairs {
		a, b := sets.Find(p.L), sets.Find(p.R)
		if a == b {
			continue
		}
		ga, gb := sets.Members(a), sets.Members(b)
		if len(ga) > 1 || len(gb) > 1 {
			if !evidenceFavours(recs, model, ga, gb) {
				refused++
				continue
			}
		}
		if a > b { // the root is the first record, so cluster ids are stable
			a, b = b, a
		}
		sets.Union(a, b)
	}
	out := make([]int32, recs.n)
	for i := range out {
		out[i] = sets.Find(int32(i))
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
