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

// evidenceFavours reports whether two groups of records are one person.
//
// A single record joining a group is compared with the person the group describes:
// each field counts at its best agreement with any of the group's records (missing
// values aside), and the prior once. The group's records are variants of one person,
// typos and all; scoring the record against each of them in turn and averaging (as
// below) would count every variant's own errors against it, and that left alone
// thousands of records whose match with one record of their person was certain.
// When a group of one meets a group of one, this is the pair's own weight.
//
// Two groups of several records each must have the pairs across them, taken together,
// favour the join: the sum of their match weights (log-odds) is positive. Joining the
// groups changes the log-likelihood of the clustering by exactly that sum, so this is
// greedy correlation clustering. The best agreement is not used here: among the many
// pairs of two groups of namesakes some agree on almost anything by chance, and joining
// by it put different people together (measured in docs/benchmarks.md).
func evidenceFavours(recs *records, model *Model, ga, gb []int32) bool {
	if len(ga) == 1 || len(gb) == 1 {
		return recordFitsGroup(recs, model, ga, gb)
	}
	sum := 0.0
	for _, x := range ga {
		for _, y := range gb {
			l, r := min(x, y), max(x, y)
			sum += model.weight(recs, l, r, recs.pattern(l, r))
		}
	}
	return sum > 0
}

// recordFitsGroup is evidenceFavours for groups of which at least one holds a single
// record: the prior and, for each field, its best agreement across the groups.
func recordFitsGroup(recs *records, model *Model, ga, gb []int32) bool {
	best := make([]float64, len(model.Fields))
	compared := make([]bool, len(model.Fields))
	for _, x := range ga {
		for _, y := range gb {
			l, r := min(x, y), max(x, y)
			pattern := recs.pattern(l, r)
			for f := range model.Fields {
				lv := level(pattern, f)
				if lv == missing {
					continue
				}
				if w, _ := model.fieldWeight(recs, f, l, lv); !compared[f] || w > best[f] {
					best[f], compared[f] = w, true
				}
			}
		}
	}
	sum := model.priorWeight()
	for _, w := range best {
		sum += w
	}
	return sum > 0
}
