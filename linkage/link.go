// Package linkage finds the records that describe the same person, within one table
// (deduplication) or across two (linkage), by probabilistic record linkage in the
// Fellegi–Sunter framework:
//
//   - blocking rules choose the pairs worth comparing;
//   - each field of a pair is graded into comparison levels (exact, close, …, different);
//   - each level has m, the probability of that level when the records match, and u,
//     the probability when they do not; u is counted on random pairs, m is estimated by
//     expectation–maximisation without labels;
//   - a pair's match weight is the sum of log₂(m/u) over its fields, with an exact
//     agreement weighed by how rare the shared value is (term frequency);
//   - pairs above a threshold are clustered, refusing a join of two groups when the
//     pairs across them, taken together, say they are different people.
//
// docs/linkage.md explains the method and the config for users.
package linkage

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// A Table is one input: named columns and rows of text values.
type Table struct {
	Name    string
	Columns []string
	Rows    [][]string
}

// A Pair is two records and how likely they are the same person. L and R index the
// records: the rows of the first table, then those of the second.
type Pair struct {
	L, R        int32
	Weight      float64 // match weight in bits: log₂ of the odds that they match
	Probability float64
}

// Result is what Link found.
type Result struct {
	Scores
	// Pairs are the compared pairs whose probability reached the threshold, most likely
	// first.
	Pairs []Pair
	// Cluster gives each record the index of the first record of its cluster.
	Cluster []int32
	// Compared is how many pairs the blocking rules produced and were scored.
	Compared int
	// Refused counts joins of two groups the clustering declined because the pairs across
	// them, taken together, said they were different people.
	Refused int
	// TooCommon lists the key values shared by more records than Config.MaxBlock, whose
	// records the rule did not pair.
	TooCommon []TooCommon
}

// Scores weighs any two records of a set with a model: Weight, Differ and Explain.
type Scores struct {
	Model *Model
	recs  *records
}

// TooCommon is a value of a rule's keys shared by too many records to pair them all.
type TooCommon struct {
	Rule    string `json:"rule"`
	Records int    `json:"records"`
}

// records is the input prepared for comparison: per field, each record's value as an
// index into that field's dictionary of distinct prepared values.
type records struct {
	n, firstB int // number of records; index of the first record of the second table (n if none)
	fields    []*fieldData
	rules     [][]uint64 // per rule, each record's blocking key hash (0: not blocked)
	ruleCols  []map[string]bool
	swaps     [][2]int // name fields whose values may be in each other's column
}

type fieldData struct {
	Field
	cmp     comparison
	ids     []int32  // per record; 0 = missing
	values  []string // dictionary; values[0] = ""
	counts  []int32  // records holding each value
	present int      // records with a value
}

// Link compares the records of one table with each other, or of two tables with each
// other, and returns the pairs that match and the clusters they form.
func Link(ctx context.Context, tables []*Table, cfg *Config) (*Result, error) {
	if len(tables) == 0 || len(tables) > 2 {
		return nil, fmt.Errorf("link: give one table to deduplicate or two to link, not %d", len(tables))
	}
	for _, t := range tables {
		if err := cfg.Check(t.Columns); err != nil {
			return nil, fmt.Errorf("%s: %w", t.Name, err)
		}
	}
	threshold := cfg.Threshold
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	recs, err := prepare(tables, cfg)
	if err != nil {
		return nil, err
	}
	maxBlock := cfg.MaxBlock
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBlock
	}
	tooCommon := recs.dropCommonKeys(cfg.Blocking, maxBlock)
	model := newModel(recs)
	model.estimateU(recs)
	cands, training, perRule := recs.candidates(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	model.RulePairs = perRule
	model.estimateM(recs, training)
	model.estimatePrior(recs, cands)
	model.finish(recs)

	res := &Result{Scores: Scores{Model: model, recs: recs}, Compared: len(cands), TooCommon: tooCommon}
	for _, c := range cands {
		w := model.weight(recs, c.l, c.r, c.pattern)
		if p := Probability(w); p >= threshold {
			res.Pairs = append(res.Pairs, Pair{L: c.l, R: c.r, Weight: w, Probability: p})
		}
	}
	slices.SortFunc(res.Pairs, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), cmp.Compare(a.L, b.L), cmp.Compare(a.R, b.R))
	})
	res.Cluster, res.Refused = cluster(recs, model, res.Pairs)
	return res, nil
}

// Probability is the match probability of a match weight in bits.
func Probability(weight float64) float64 { return 1 / (1 + math.Exp2(-weight)) }

// prepare dictionary-encodes each field and computes the blocking keys.
func prepare(tables []*Table, cfg *Config) (*records, error) {
	recs := &records{}
	for _, t := range tables {
		recs.n += len(t.Rows)
	}
	recs.firstB = recs.n
	if len(tables) == 2 {
		recs.firstB = len(tables[0].Rows)
	}
	if recs.n > math.MaxInt32 {
		return nil, fmt.Errorf("link: at most %d records", math.MaxInt32)
	}
	for _, f := range cfg.Fields {
		fd := &fieldData{Field: f, cmp: comparisons[f.Kind], ids: make([]int32, recs.n), values: []string{""}, counts: []int32{0}}
		index := map[string]int32{}
		i := 0
		for _, t := range tables {
			col := slices.Index(t.Columns, f.Column)
			for _, row := range t.Rows {
				v := ""
				if col < len(row) {
					v = fd.cmp.prepare(row[col])
				}
				if v != "" {
					id, ok := index[v]
					if !ok {
						id = int32(len(fd.values))
						index[v] = id
						fd.values = append(fd.values, v)
						fd.counts = append(fd.counts, 0)
					}
					fd.ids[i] = id
					fd.counts[id]++
					fd.present++
				}
				i++
			}
		}
		recs.fields = append(recs.fields, fd)
	}
	for f, field := range cfg.Fields {
		if field.SwapsWith != "" {
			recs.swaps = append(recs.swaps, [2]int{f, slices.IndexFunc(cfg.Fields, func(o Field) bool { return o.Column == field.SwapsWith })})
		}
	}
	for _, rule := range cfg.Blocking {
		hashes := make([]uint64, 0, recs.n)
		for _, t := range tables {
			hash := ruleHash(cfg.Fields, rule, t.Columns)
			for _, row := range t.Rows {
				hashes = append(hashes, hash(row))
			}
		}
		recs.rules = append(recs.rules, hashes)
		recs.ruleCols = append(recs.ruleCols, rule.columns())
	}
	return recs, nil
}

const fnvOffset = 14695981039346656037

// fnv adds s and a separator to a 64-bit FNV-1a hash; the result is never 0, which
// means "no key".
func fnv(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	h ^= 0xff
	h *= 1099511628211
	return max(h, 1)
}

// pattern grades every field of a pair: 3 bits a field, 7 for a missing value.
func (recs *records) pattern(l, r int32) uint64 {
	var p uint64
	for f, fd := range recs.fields {
		a, b := fd.ids[l], fd.ids[r]
		var level uint64
		switch {
		case a == 0 || b == 0:
			level = missing
		case a == b:
			level = 0
		default:
			level = uint64(fd.cmp.compare(fd.values[a], fd.values[b]))
		}
		p |= level << (3 * f)
	}
	for _, s := range recs.swaps {
		p = recs.swapped(p, l, r, s[0], s[1])
	}
	return p
}

// swapped grades name fields f and g of a pair again, crosswise, when straight they
// agree poorly: a record whose one name is in the other's column ("dickinson" as a
// given name, no family name; "joseph dickinson"), or two names swapped ("heyes jan";
// "jan hayes"). A crosswise agreement puts the columns that hold it at the level
// nameSwapped, and a column left empty at missing.
func (recs *records) swapped(p uint64, l, r int32, f, g int) uint64 {
	ff, fg := recs.fields[f], recs.fields[g]
	// crosswise grades x's value of fx against y's of fy, nameDifferent if one is missing.
	crosswise := func(x int32, fx *fieldData, y int32, fy *fieldData) int {
		a, b := fx.ids[x], fy.ids[y]
		switch {
		case a == 0 || b == 0:
			return nameDifferent
		case fx.values[a] == fy.values[b]:
			return 0
		}
		return compareName(fx.values[a], fy.values[b])
	}
	set := func(field int, lv uint64) { p = p&^(7<<(3*field)) | lv<<(3*field) }
	lf, lg := level(p, f), level(p, g)
	if lf == nameDifferent && lg == nameDifferent {
		// Both swapped: one agreeing closely, the other at least loosely.
		a, b := crosswise(l, ff, r, fg), crosswise(l, fg, r, ff)
		if min(a, b) <= nameClose && max(a, b) <= nameLoose {
			set(f, nameSwapped)
			set(g, nameSwapped)
		}
		return p
	}
	// One name, in the wrong column: a record without g whose f agrees with the
	// other's g, or without f whose g agrees with the other's f, when straight that
	// field agrees loosely at best.
	weak := func(lv int) bool { return lv >= nameLoose }
	for _, x := range [2][2]int32{{l, r}, {r, l}} {
		a, b := x[0], x[1]
		if fg.ids[a] == 0 && weak(lf) && crosswise(a, ff, b, fg) <= nameClose {
			set(g, nameSwapped)
			set(f, missing)
			return p
		}
		if ff.ids[a] == 0 && weak(lg) && crosswise(a, fg, b, ff) <= nameClose {
			set(f, nameSwapped)
			set(g, missing)
			return p
		}
	}
	return p
}

const missing = 7

func level(pattern uint64, field int) int { return int(pattern >> (3 * field) & 7) }

type candidate struct {
	l, r    int32
	pattern uint64
}

// candidates enumerates the pairs each blocking rule produces, each pair once (under the
// first rule that produces it), with its comparison pattern. It also counts, per rule,
// the patterns of every pair the rule produces: the training data of the m estimates.
func (recs *records) candidates(ctx context.Context) ([]candidate, []map[uint64]int, []int) {
	training := make([]map[uint64]int, len(recs.rules))
	perRule := make([]int, len(recs.rules))
	var all []candidate
	for r, keys := range recs.rules {
		blocks := recs.blocks(keys)
		workers := runtime.GOMAXPROCS(0)
		type out struct {
			cands    []candidate
			patterns map[uint64]int
		}
		outs := make([]out, workers)
		var wg sync.WaitGroup
		for w := range workers {
			outs[w].patterns = map[uint64]int{}
			wg.Go(func() {
				o := &outs[w]
				for b := w; b < len(blocks); b += workers {
					if b%1024 == 0 && ctx.Err() != nil {
						return
					}
					block := blocks[b]
					for x := 0; x < len(block); x++ {
						for y := x + 1; y < len(block); y++ {
							l, rr := block[x], block[y]
							if l > rr {
								l, rr = rr, l
							}
							if recs.firstB < recs.n && (int(l) >= recs.firstB || int(rr) < recs.firstB) {
								continue // linking two tables compares across them only
							}
							p := recs.pattern(l, rr)
							o.patterns[p]++
							if !recs.earlierRule(r, l, rr) {
								o.cands = append(o.cands, candidate{l, rr, p})
							}
						}
					}
				}
			})
		}
		wg.Wait()
		training[r] = map[uint64]int{}
		for _, o := range outs {
			for p, n := range o.patterns {
				training[r][p] += n
			}
			perRule[r] += len(o.cands)
			all = append(all, o.cands...)
		}
	}
	return all, training, perRule
}

// dropCommonKeys takes out of each rule the key values more than max records share, so
// that the rule pairs none of them (and no later rule takes them for its own), and
// reports them.
func (recs *records) dropCommonKeys(rules []Rule, max int) []TooCommon {
	var out []TooCommon
	for r, keys := range recs.rules {
		count := map[uint64]int{}
		for _, k := range keys {
			if k != 0 {
				count[k]++
			}
		}
		for k, n := range count {
			if n > max {
				out = append(out, TooCommon{Rule: strings.Join(rules[r], " + "), Records: n})
			} else {
				delete(count, k)
			}
		}
		if len(count) == 0 {
			continue
		}
		for i, k := range keys {
			if _, common := count[k]; common {
				keys[i] = 0
			}
		}
	}
	slices.SortFunc(out, func(a, b TooCommon) int {
		return cmp.Or(cmp.Compare(b.Records, a.Records), cmp.Compare(a.Rule, b.Rule))
	})
	return out
}

// blocks groups the records that share a key, leaving out records without one and
// groups of one.
func (recs *records) blocks(keys []uint64) [][]int32 {
	order := make([]int32, 0, len(keys))
	for i, k := range keys {
		if k != 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(a, b)) })
	var blocks [][]int32
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && keys[order[j]] == keys[order[i]] {
			j++
		}
		if j-i > 1 {
			blocks = append(blocks, order[i:j])
		}
		i = j
	}
	return blocks
}

func (recs *records) earlierRule(r int, a, b int32) bool {
	for e := range r {
		if k := recs.rules[e][a]; k != 0 && k == recs.rules[e][b] {
			return true
		}
	}
	return false
}
