// Package resolve finds the customers that are the same person and acts on what it
// finds: it links every person record with the linkage package (Fellegi–Sunter, m and u
// estimated from the customers themselves), merges the pairs it is certain of, and
// proposes the uncertain ones to reviewers. Records merged before take part: they keep
// the model knowing what duplicates look like once most are merged, and a new record
// that matches any record of a customer matches the customer. Pairs that agree on a deterministic key,
// such as the same e-mail address, merge whatever their probability. A pair a reviewer
// rejected is never merged nor proposed again, and records that differ outright on a
// date of birth or an identifier are only ever proposed. The reviewers' decisions also
// calibrate the probabilities of the pairs between the thresholds, which decides which
// pairs are worth their time (calibrate.go).
package resolve

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/linkage"
	"github.com/rapportckm/rapport/thousands"
)

// Store is what resolution reads and writes.
type Store interface {
	IdentityRecords(ctx context.Context, s rapport.Scope) ([]rapport.IdentityRecord, error)
	DecidedPairs(ctx context.Context, s rapport.Scope) (map[[2]rapport.ID]bool, error)
	MergeCustomers(ctx context.Context, s rapport.Scope, targetID, mergedID rapport.ID, reason rapport.MergeReason, probability float64) (*rapport.Merge, error)
	ProposeMatches(ctx context.Context, s rapport.Scope, pairs []rapport.ScoredPair) (int, error)
	AddMatches(ctx context.Context, s rapport.Scope, pairs []rapport.ScoredPair) (int, error)
	IdentityRecordsOf(ctx context.Context, s rapport.Scope, ids []rapport.ID) ([]rapport.IdentityRecord, error)
	QueuedIdentities(ctx context.Context, s rapport.Scope, limit int) ([]rapport.QueuedIdentity, int, error)
	IdentityCandidates(ctx context.Context, s rapport.Scope, keys []rapport.IdentityKey) ([]rapport.IdentityKey, error)
	IdentityModel(ctx context.Context, s rapport.Scope) ([]byte, error)
	SaveResolution(ctx context.Context, s rapport.Scope, r *rapport.Resolved) error
}

// Options are the thresholds and rules of a run.
type Options struct {
	// Merge is the match probability from which two customers are merged without asking.
	Merge float64
	// Review is the probability from which a pair goes to the review queue.
	Review float64
	// Deterministic names the fields on which agreement alone merges two customers:
	// "email", "phone", "national_id".
	Deterministic []string
}

// DefaultOptions merge above 0.99, ask between 0.8 and 0.99, and merge customers with
// the same e-mail address (as importing does).
var DefaultOptions = Options{Merge: 0.99, Review: 0.8, Deterministic: []string{"email"}}

// Config is how customers are compared: the fields of an IdentityRecord and the
// blocking rules that choose which pairs to compare (docs/linkage.md explains both).
var Config = linkage.Config{
	Fields: []linkage.Field{
		{Column: "given_name", Kind: linkage.KindName, SwapsWith: "family_name"},
		{Column: "family_name", Kind: linkage.KindName},
		{Column: "date_of_birth", Kind: linkage.KindDate},
		{Column: "email", Kind: linkage.KindEmail},
		{Column: "phone", Kind: linkage.KindPhone},
		{Column: "national_id", Kind: linkage.KindIdentifier},
		// One field for the address: street, postcode and town say where one home is,
		// and compared apart they would count that agreement three times over.
		{Column: "address", Kind: linkage.KindAddress},
	},
	Blocking: []linkage.Rule{
		{"email"},
		{"phone"},
		{"national_id"},
		{"date_of_birth", "soundex(family_name)"},
		{"date_of_birth", "soundex(given_name)"},
		{"postcode", "soundex(family_name)", "prefix1(given_name)"},
		{"address"},
	},
}

// blockingOnly are the columns that blocking rules read and no field compares.
var blockingOnly = []string{"postcode"}

// Summary is what a run did.
type Summary struct {
	// Arrivals is true for New: only the waiting customers were resolved.
	Arrivals  bool `json:"arrivals,omitempty"`
	Records   int  `json:"records"`   // people compared, merged ones included
	Customers int  `json:"customers"` // of which active; for New, those that were waiting
	Compared  int  `json:"compared"`  // pairs scored
	Merged    int  `json:"merged"`    // customers merged into another
	Proposed  int  `json:"proposed"`  // pairs waiting for review
	// Calibration says how the reviewers' decisions adjusted the probabilities.
	Calibration string `json:"calibration"`
	// TooCommon are the values shared by too many customers for a blocking rule to
	// pair them all, such as a switchboard phone number.
	TooCommon []linkage.TooCommon `json:"too_common,omitempty"`
	Took      time.Duration       `json:"took_ns"`
}

func (s Summary) String() string {
	common := ""
	for _, tc := range s.TooCommon {
		common += fmt.Sprintf("; a value of %s shared by %d customers left out", tc.Rule, tc.Records)
	}
	what := fmt.Sprintf("all %s of %s", thousands.Count(s.Records, "record"), thousands.Count(s.Customers, "customer"))
	if s.Arrivals {
		if s.Customers == 0 {
			return "no new or changed customers"
		}
		what = fmt.Sprintf("%s new or changed against %s", thousands.Count(s.Customers, "customer"), thousands.Count(s.Records, "record"))
	}
	return fmt.Sprintf("%s: %s compared, %s merged, %s to review (%s%s), in %.1fs",
		what, thousands.Count(s.Compared, "pair"), thousands.Int(s.Merged), thousands.Int(s.Proposed), s.Calibration, common, s.Took.Seconds())
}

// Run resolves every active person once, and keeps the model it learnt and every
// record's keys for New. s must see every customer (a system scope).
func Run(ctx context.Context, store Store, s rapport.Scope, opt Options) (Summary, error) {
	start := time.Now()
	// The customers waiting now are resolved by this run: it reads them after.
	queued, _, err := store.QueuedIdentities(ctx, s, math.MaxInt32)
	if err != nil {
		return Summary{}, err
	}
	recs, err := store.IdentityRecords(ctx, s)
	if err != nil {
		return Summary{}, err
	}
	decided, err := store.DecidedPairs(ctx, s)
	if err != nil {
		return Summary{}, err
	}
	rejected := rejectedPairs(decided)
	sum := Summary{Records: len(recs)}
	for _, r := range recs {
		if r.ID == r.ProfileID {
			sum.Customers++
		}
	}
	if len(recs) < 2 {
		_, err := store.ProposeMatches(ctx, s, nil)
		return sum, errors.Join(err, store.SaveResolution(ctx, s, &rapport.Resolved{Done: queued}))
	}
	cfg := Config
	cfg.Threshold = opt.Review
	t := table(recs)
	res, err := linkage.Link(ctx, []*linkage.Table{t}, &cfg)
	if err != nil {
		return sum, err
	}
	sum.Compared, sum.TooCommon = res.Compared, res.TooCommon
	cal := calibrate(recs, res, decided)
	sum.Calibration = cal.String()

	g := newGroups(recs, rejected)
	// Records already merged stay together; certain pairs join, unless the clustering
	// found them to be different people taken together or a reviewer said so.
	g.bindProfiles()
	for _, p := range res.Pairs {
		if p.Probability >= opt.Merge && res.Cluster[p.L] == res.Cluster[p.R] && !conflict(&res.Scores, p.L, p.R) {
			g.join(p.L, p.R, p.Probability)
		}
	}
	joinDeterministic(g, &res.Scores, t, opt)
	merged, err := mergeGroups(ctx, store, s, recs, g)
	sum.Merged = merged
	if err != nil {
		return sum, err
	}

	// The likely pairs between the customers that remain go to review.
	proposals := map[[2]rapport.ID]rapport.ScoredPair{}
	for _, p := range res.Pairs {
		propose(proposals, recs, g, &res.Scores, cal, opt, rejected, p.L, p.R, p.Weight)
	}
	if sum.Proposed, err = store.ProposeMatches(ctx, s, sorted(proposals)); err != nil {
		return sum, err
	}
	model, err := json.Marshal(savedModel{Trained: res.Trained(&cfg), Calibration: cal})
	if err != nil {
		return sum, err
	}
	// The keys of the records this run read are replaced; a customer that arrived since
	// keeps those New gave it.
	ids := make([]rapport.ID, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	if err := store.SaveResolution(ctx, s, &rapport.Resolved{Model: model, Keys: keys(&res.Scores, recs, nil), Of: ids, Done: queued}); err != nil {
		return sum, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// keys lists the records' keys under every blocking rule (of those in only, if not
// nil). Scores of Link leave out the keys it found too common.
func keys(scores *linkage.Scores, recs []rapport.IdentityRecord, only map[rapport.ID]bool) []rapport.IdentityKey {
	var out []rapport.IdentityKey
	for i, r := range recs {
		if only != nil && !only[r.ID] {
			continue
		}
		for rule := range Config.Blocking {
			if k := scores.Key(rule, int32(i)); k != 0 {
				out = append(out, rapport.IdentityKey{Rule: rule, Key: int64(k), CustomerID: r.ID})
			}
		}
	}
	return out
}

// rejectedPairs are the decided pairs a reviewer kept apart.
func rejectedPairs(decided map[[2]rapport.ID]bool) map[[2]rapport.ID]bool {
	rejected := map[[2]rapport.ID]bool{}
	for pair, same := range decided {
		if !same {
			rejected[pair] = true
		}
	}
	return rejected
}

// joinDeterministic joins the records that agree on a deterministic key, unless they
// differ outright on a date of birth or an identifier.
func joinDeterministic(g *groups, scores *linkage.Scores, t *linkage.Table, opt Options) {
	for _, field := range opt.Deterministic {
		for _, same := range sameValue(t, field) {
			for _, r := range same[1:] {
				if g.Find(same[0]) != g.Find(r) && !conflict(scores, same[0], r) {
					g.join(same[0], r, 1)
				}
			}
		}
	}
}

// mergeGroups makes each group one customer and returns how many customers it merged.
func mergeGroups(ctx context.Context, store Store, s rapport.Scope, recs []rapport.IdentityRecord, g *groups) (int, error) {
	merged := 0
	for _, m := range g.merges() {
		if _, err := store.MergeCustomers(ctx, s, recs[m.target].ID, recs[m.merged].ID, rapport.MergeAutomatic, m.probability); err != nil {
			if rapport.ErrorCode(err) == rapport.EINTERNAL {
				return merged, err
			}
			continue // changed meanwhile (merged, deleted, invalid together): the next run sees it anew
		}
		merged++
	}
	return merged, nil
}

// propose adds the pair of records l and r to the proposals, as a pair of the customers
// they now belong to, if it is likely enough, not one customer and not kept apart.
func propose(proposals map[[2]rapport.ID]rapport.ScoredPair, recs []rapport.IdentityRecord, g *groups, scores *linkage.Scores,
	cal calibration, opt Options, rejected map[[2]rapport.ID]bool, l, r int32, weight float64) {
	pl, pr := g.profile(l), g.profile(r)
	key := rapport.OrderedPair(recs[pl].ID, recs[pr].ID)
	// Reviewers decide pairs between the thresholds, so their decisions calibrate the
	// probability there only; above, the model's own stands.
	probability := linkage.Probability(weight)
	if probability < opt.Merge {
		probability = cal.probability(weight)
	}
	if pl == pr || rejected[key] || probability < opt.Review {
		return
	}
	if prev, ok := proposals[key]; ok && prev.Probability >= probability {
		return
	}
	proposals[key] = rapport.ScoredPair{LeftID: recs[pl].ID, RightID: recs[pr].ID, Probability: probability,
		Weight: weight, Explanation: explain(scores, l, r)}
}

// sorted lists the proposals most likely first.
func sorted(proposals map[[2]rapport.ID]rapport.ScoredPair) []rapport.ScoredPair {
	pairs := make([]rapport.ScoredPair, 0, len(proposals))
	for _, p := range proposals {
		pairs = append(pairs, p)
	}
	slices.SortFunc(pairs, func(a, b rapport.ScoredPair) int { return cmp.Compare(b.Probability, a.Probability) })
	return pairs
}

// calibrate fits the calibration to the decided pairs, weighed by the model of this
// run, between the records each decision was about (an accepted pair's records are one
// customer now, but they are still two records).
func calibrate(recs []rapport.IdentityRecord, res *linkage.Result, decided map[[2]rapport.ID]bool) calibration {
	index := make(map[rapport.ID]int32, len(recs))
	for i, r := range recs {
		index[r.ID] = int32(i)
	}
	var weights []float64
	var same []bool
	for pair, accepted := range decided {
		l, okL := index[pair[0]]
		r, okR := index[pair[1]]
		if okL && okR {
			weights = append(weights, res.Weight(l, r))
			same = append(same, accepted)
		}
	}
	return fitCalibration(weights, same)
}

// table lays the records out as linkage reads them, in the columns of Config.
func table(recs []rapport.IdentityRecord) *linkage.Table {
	t := &linkage.Table{Name: "customers"}
	for _, f := range Config.Fields {
		t.Columns = append(t.Columns, f.Column)
	}
	t.Columns = append(t.Columns, blockingOnly...)
	t.Rows = make([][]string, len(recs))
	for i, r := range recs {
		given, family := r.GivenName, r.FamilyName
		if given == "" && family == "" {
			family = r.Name
		}
		address := strings.Join(slices.DeleteFunc([]string{r.Street, r.Postcode, r.City}, func(s string) bool { return s == "" }), ", ")
		t.Rows[i] = []string{given, family, r.DateOfBirth, r.Email, r.Phone, r.NationalID, address, r.Postcode}
	}
	return t
}

// sameValue returns the groups of records that share a value of the column, each of
// more than one record.
func sameValue(t *linkage.Table, column string) [][]int32 {
	col := slices.Index(t.Columns, column)
	by := map[string][]int32{}
	for i, row := range t.Rows {
		if v := row[col]; v != "" {
			by[v] = append(by[v], int32(i))
		}
	}
	var out [][]int32
	for _, g := range by {
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// conflicts returns the fields that name one person on which two records differ
// outright: a date of birth, an identifier, or a name (not a typo, nickname, initial or
// swap: another name). Two namesakes in one town, or two people of one household
// sharing the family name, the address and the phone, can outweigh such a difference
// in the model's sum; a reviewer, not the machine, decides those.
func conflicts(scores *linkage.Scores, l, r int32) []string {
	return scores.Differ(l, r, linkage.KindDate, linkage.KindIdentifier, linkage.KindName)
}

func conflict(scores *linkage.Scores, l, r int32) bool { return len(conflicts(scores, l, r)) > 0 }

// explain turns linkage's explanation of records l and r into the form stored for
// reviewers, marking the fields that keep them from being merged without one.
func explain(scores *linkage.Scores, l, r int32) []rapport.MatchField {
	e, held := scores.Explain(l, r), conflicts(scores, l, r)
	out := []rapport.MatchField{{Field: "prior", Level: "before comparing", Weight: e.Prior}}
	for _, f := range e.Fields {
		out = append(out, rapport.MatchField{Field: f.Column, Left: f.Left, Right: f.Right, Level: f.Level, Weight: f.Weight,
			Rarity: f.Rarity, Conflict: slices.Contains(held, f.Column)})
	}
	return out
}
