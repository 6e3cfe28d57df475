package resolve

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/linkage"
)

// savedModel is what a full run keeps for New: the model it learnt and the calibration
// the reviewers' decisions gave it.
type savedModel struct {
	Trained     *linkage.Trained `json:"trained"`
	Calibration calibration      `json:"calibration"`
}

// batch is how many waiting customers New resolves at a time.
const batch = 2000

// New resolves the customers created or changed since they were last resolved (the
// queue), against every other customer, with the model the last full run learnt: each
// arriving record is compared with the records that share one of its blocking keys,
// found through the keys stored for every record, not by reading them all. It merges
// and proposes as Run does, and adds to the review queue without withdrawing what is
// there.
//
// Without a model, with a model learnt on another config, or when more customers wait
// than half the records the model was learnt from (a first import), it makes a full Run
// instead: a model learnt on a few records would judge the many arriving badly.
func New(ctx context.Context, store Store, s rapport.Scope, opt Options) (Summary, error) {
	start := time.Now()
	var saved *savedModel
	sum := Summary{Arrivals: true}
	for {
		queued, waiting, err := store.QueuedIdentities(ctx, s, batch)
		if err != nil || len(queued) == 0 {
			sum.Took = time.Since(start)
			return sum, err
		}
		if saved == nil {
			if saved, err = loadModel(ctx, store, s); err != nil {
				return sum, err
			}
			if saved != nil {
				sum.Calibration = saved.Calibration.String()
			}
		}
		if saved == nil || saved.Trained.Records < 2*waiting {
			return Run(ctx, store, s, opt)
		}
		if err := resolveArrivals(ctx, store, s, opt, saved, queued, &sum); err != nil {
			return sum, err
		}
	}
}

// loadModel reads the stored model, nil if there is none or it was learnt with
// another config than this version's.
func loadModel(ctx context.Context, store Store, s rapport.Scope) (*savedModel, error) {
	data, err := store.IdentityModel(ctx, s)
	if err != nil || data == nil {
		return nil, err
	}
	var m savedModel
	if err := json.Unmarshal(data, &m); err != nil || m.Trained == nil {
		return nil, nil // unreadable: learn it again
	}
	if !reflect.DeepEqual(m.Trained.Config.Fields, Config.Fields) || !reflect.DeepEqual(m.Trained.Config.Blocking, Config.Blocking) {
		return nil, nil
	}
	return &m, nil
}

// ruleKey is a blocking key under one rule.
type ruleKey struct {
	rule int
	key  int64
}

func keyOf(k rapport.IdentityKey) ruleKey { return ruleKey{k.Rule, k.Key} }

// resolveArrivals resolves one batch of waiting customers.
func resolveArrivals(ctx context.Context, store Store, s rapport.Scope, opt Options, saved *savedModel, queued []rapport.QueuedIdentity, sum *Summary) error {
	arriving := make(map[rapport.ID]bool, len(queued))
	ids := make([]rapport.ID, len(queued))
	for i, q := range queued {
		arriving[q.CustomerID], ids[i] = true, q.CustomerID
	}
	// A key more records share than a rule pairs pairs none of them, as in Link.
	maxBlock := cmp.Or(saved.Trained.Config.MaxBlock, linkage.DefaultMaxBlock)
	recs, arrivingKeys, stored, err := neighbourhood(ctx, store, s, saved.Trained, ids, arriving, maxBlock)
	if err != nil {
		return err
	}
	t := table(recs)
	scores, err := saved.Trained.Score(t)
	if err != nil {
		return err
	}
	pairs := arrivalPairs(scores, recs, arriving, stored, maxBlock)
	sum.Records += len(recs)
	sum.Customers += len(queued)
	sum.Compared += len(pairs)

	decided, err := store.DecidedPairs(ctx, s)
	if err != nil {
		return err
	}
	rejected := rejectedPairs(decided)
	g := newGroups(recs, rejected)
	g.bindProfiles()
	// Certain pairs join, most likely first, unless the records of the two customers,
	// taken together, say they are different people (as Link's clustering checks).
	for _, p := range pairs {
		if p.Probability < opt.Merge || conflict(scores, p.L, p.R) {
			continue
		}
		if a, b := g.Find(p.L), g.Find(p.R); a != b && scores.Favours(g.Members(a), g.Members(b)) {
			g.join(p.L, p.R, p.Probability)
		}
	}
	joinDeterministic(g, scores, t, opt)
	merged, err := mergeGroups(ctx, store, s, recs, g)
	sum.Merged += merged
	if err != nil {
		return err
	}

	proposals := map[[2]rapport.ID]rapport.ScoredPair{}
	for _, p := range pairs {
		propose(proposals, recs, g, scores, saved.Calibration, opt, rejected, p.L, p.R, p.Weight)
	}
	proposed, err := store.AddMatches(ctx, s, sorted(proposals))
	sum.Proposed += proposed
	if err != nil {
		return err
	}
	return store.SaveResolution(ctx, s, &rapport.Resolved{Keys: arrivingKeys, Of: ids, Done: queued})
}

// neighbourhood reads the arriving customers' records, the records that share one of
// their keys held by at most maxBlock records, and every record of those records'
// customers. It returns them, the arriving records' keys, and how many stored records
// hold each key looked up.
func neighbourhood(ctx context.Context, store Store, s rapport.Scope, trained *linkage.Trained, ids []rapport.ID,
	arriving map[rapport.ID]bool, maxBlock int) ([]rapport.IdentityRecord, []rapport.IdentityKey, map[ruleKey]int, error) {
	recs, err := store.IdentityRecordsOf(ctx, s, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	scores, err := trained.Score(table(recs))
	if err != nil {
		return nil, nil, nil, err
	}
	arrivingKeys := keys(scores, recs, arriving)
	stored := map[ruleKey]int{}
	var lookup []rapport.IdentityKey
	for _, k := range arrivingKeys {
		if _, ok := stored[keyOf(k)]; !ok {
			stored[keyOf(k)] = 0
			lookup = append(lookup, k)
		}
	}
	found, err := store.IdentityCandidates(ctx, s, lookup)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, k := range found {
		stored[keyOf(k)]++
	}
	loaded := make(map[rapport.ID]bool, len(recs))
	for _, r := range recs {
		loaded[r.ID] = true
	}
	wanted := map[rapport.ID]bool{}
	for _, k := range found {
		if !loaded[k.CustomerID] && stored[keyOf(k)] <= maxBlock {
			wanted[k.CustomerID] = true
		}
	}
	more, err := store.IdentityRecordsOf(ctx, s, slices.Collect(maps.Keys(wanted)))
	if err != nil {
		return nil, nil, nil, err
	}
	for _, r := range more {
		if !loaded[r.ID] { // two candidates of one customer bring its records twice
			loaded[r.ID] = true
			recs = append(recs, r)
		}
	}
	return recs, arrivingKeys, stored, nil
}

// arrivalPairs scores every arriving record against each record that shares a key with
// it, leaving out keys held by more than maxBlock records, and returns the pairs most
// likely first.
func arrivalPairs(scores *linkage.Scores, recs []rapport.IdentityRecord, arriving map[rapport.ID]bool, stored map[ruleKey]int, maxBlock int) []linkage.Pair {
	var pairs []linkage.Pair
	compared := map[[2]int32]bool{}
	for rule := range Config.Blocking {
		block := map[uint64][]int32{}
		for i := range recs {
			if k := scores.Key(rule, int32(i)); k != 0 {
				block[k] = append(block[k], int32(i))
			}
		}
		for i, r := range recs {
			k := scores.Key(rule, int32(i))
			if k == 0 || !arriving[r.ID] || max(stored[ruleKey{rule, int64(k)}], len(block[k])) > maxBlock {
				continue
			}
			for _, j := range block[k] {
				l, r := min(int32(i), j), max(int32(i), j)
				if l == r || compared[[2]int32{l, r}] {
					continue
				}
				compared[[2]int32{l, r}] = true
				w := scores.Weight(l, r)
				pairs = append(pairs, linkage.Pair{L: l, R: r, Weight: w, Probability: linkage.Probability(w)})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b linkage.Pair) int { return cmp.Compare(b.Weight, a.Weight) })
	return pairs
}
