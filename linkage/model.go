package linkage

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Model holds what linkage learned: for every field and comparison level the m and u
// probabilities, and the prior probability that two random records match.
type Model struct {
	Fields []FieldModel `json:"fields"`
	// Prior is the probability that two records drawn at random are the same person.
	Prior float64 `json:"prior"`
	// RulePairs is how many new pairs each blocking rule produced.
	RulePairs []int `json:"rule_pairs"`
	// Sampled is how many random pairs u was counted on.
	Sampled int `json:"u_sampled_pairs"`
	// Iterations of expectation–maximisation, per blocking rule.
	Iterations []int `json:"em_iterations"`

	tfWeight [][]float64 // per field, per dictionary value: weight of an exact agreement on it
}

// FieldModel is the model of one field.
type FieldModel struct {
	Column        string       `json:"column"`
	Kind          Kind         `json:"type"`
	TermFrequency bool         `json:"term_frequency"`
	Levels        []LevelModel `json:"levels"`
	// Estimated is false when every blocking rule uses the field, so that no rule's pairs
	// could show how often matching records agree on it; m is then a default.
	Estimated bool `json:"m_estimated"`
}

// LevelModel is one comparison level of a field.
type LevelModel struct {
	Name   string  `json:"name"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	Weight float64 `json:"weight"` // log₂(m/u)
}

func newModel(recs *records) *Model {
	m := &Model{}
	for _, fd := range recs.fields {
		fm := FieldModel{Column: fd.Column, Kind: fd.Kind, TermFrequency: fd.termFrequency()}
		for i, name := range fd.cmp.levels {
			fm.Levels = append(fm.Levels, LevelModel{Name: name, M: startM(i, len(fd.cmp.levels))})
		}
		m.Fields = append(m.Fields, fm)
	}
	return m
}

// startM is the m that expectation–maximisation starts from for level i of n: most
// matching pairs agree exactly, few disagree.
func startM(i, n int) float64 {
	switch i {
	case 0:
		return 0.9
	case n - 1:
		return 0.05
	}
	return 0.05 / float64(max(n-2, 1))
}

// uSample is how many random pairs u is counted on: enough that a level seen once in
// 100,000 non-matching pairs is measured from ten.
const uSample = 1_000_000

// estimateU counts the comparison levels of random pairs. Almost every random pair is
// two different people, so the share of pairs at each level is its u probability.
func (m *Model) estimateU(recs *records) {
	pairs := float64(recs.n) * float64(recs.n-1) / 2
	if recs.firstB < recs.n {
		pairs = float64(recs.firstB) * float64(recs.n-recs.firstB)
	}
	if pairs < 1 {
		for f := range m.Fields {
			for lv := range m.Fields[f].Levels {
				m.Fields[f].Levels[lv].U = 1 / float64(len(m.Fields[f].Levels))
			}
		}
		return
	}
	// Random pairs, drawn in parallel from a fixed number of deterministic streams, so
	// that the result does not depend on the number of processors.
	const workers = 8
	counts := make([][][]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		counts[w] = make([][]float64, len(m.Fields))
		for f := range counts[w] {
			counts[w][f] = make([]float64, len(m.Fields[f].Levels))
		}
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(1, uint64(w)))
			for range uSample / workers {
				var l, r int32
				if recs.firstB < recs.n {
					l, r = int32(rng.IntN(recs.firstB)), int32(recs.firstB+rng.IntN(recs.n-recs.firstB))
				} else {
					l, r = int32(rng.IntN(recs.n)), int32(rng.IntN(recs.n-1))
					if r >= l {
						r++ // any record but l
					}
				}
				p := recs.pattern(min(l, r), max(l, r))
				for f := range counts[w] {
					if lv := level(p, f); lv != missing {
						counts[w][f][lv]++
					}
				}
			}
		})
	}
	wg.Wait()
	m.Sampled = uSample / workers * workers
	for f := range m.Fields {
		c := make([]float64, len(m.Fields[f].Levels))
		total := 0.0
		for w := range workers {
			for lv, n := range counts[w][f] {
				c[lv] += n
				total += n
			}
		}
		for lv, n := range c {
			// Half a pair added to every level keeps a level never seen at random from
			// getting an infinite weight.
			m.Fields[f].Levels[lv].U = (n + 0.5) / (total + 0.5*float64(len(c)))
		}
	}
}

// estimateM learns m by expectation–maximisation on the pairs of each blocking rule.
// Within a rule's pairs, the fields the rule blocks on agree by construction, so they say
// nothing there and are left out. A field that goes with a rule's keys (the town with
// the postcode) is biased towards agreement in that rule's pairs, so each level's m is
// the median over the rules that estimate it, not the mean: one such rule cannot pull it.
func (m *Model) estimateM(recs *records, training []map[uint64]int) {
	estimates := make([][][]float64, len(m.Fields)) // field → level → one m per rule
	for f := range estimates {
		estimates[f] = make([][]float64, len(m.Fields[f].Levels))
	}
	m.Iterations = make([]int, len(training))
	for r, patterns := range training {
		active := make([]bool, len(m.Fields))
		for f, fd := range recs.fields {
			active[f] = !recs.ruleCols[r][fd.Column]
		}
		est, matches, iterations := m.em(patterns, active)
		m.Iterations[r] = iterations
		if matches < minMatches {
			continue // too few matches to learn from
		}
		for f := range m.Fields {
			if active[f] {
				for lv := range est[f] {
					estimates[f][lv] = append(estimates[f][lv], est[f][lv])
				}
			}
		}
	}
	for f := range m.Fields {
		if len(estimates[f][0]) == 0 {
			continue
		}
		m.Fields[f].Estimated = true
		sum := 0.0
		for lv := range m.Fields[f].Levels {
			m.Fields[f].Levels[lv].M = median(estimates[f][lv])
			sum += m.Fields[f].Levels[lv].M
		}
		for lv := range m.Fields[f].Levels {
			m.Fields[f].Levels[lv].M = math.Max(m.Fields[f].Levels[lv].M/sum, 1e-6)
		}
	}
}

// minMatches is how many matching pairs a rule must be expected to hold for its
// estimate of m to count.
const minMatches = 10

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// em runs expectation–maximisation over the distinct patterns of one rule's pairs and
// returns m per active field and level, the expected number of matching pairs, and the
// iterations it took.
//
// The non-matching pairs a rule produces are not random pairs: they agree on the rule's
// keys and so, more often than random pairs, on what goes with those keys (the town with
// the postcode, an e-mail address made of the name with the name). With u fixed at its
// random-pair value, that agreement counts as evidence of a match, and the namesakes of a
// rule on name and postcode become matches whose dates of birth differ. So each rule
// learns its own u, the level shares of its non-matching pairs, starting from the
// random-pair u and drawn towards it by a prior worth as many pairs as the rule's
// expected matches. A rule whose pairs are mostly non-matches learns what they look like;
// a rule whose pairs nearly all match (a shared e-mail address) keeps the random-pair u,
// so that its few unusual matches (people who moved) cannot become a class of their own.
func (m *Model) em(patterns map[uint64]int, active []bool) ([][]float64, float64, int) {
	type row struct {
		pattern uint64
		count   float64
	}
	var rows []row
	total := 0.0
	for p, n := range patterns {
		rows = append(rows, row{p, float64(n)})
		total += float64(n)
	}
	estM, nextM := make([][]float64, len(m.Fields)), make([][]float64, len(m.Fields))
	estU, nextU := make([][]float64, len(m.Fields)), make([][]float64, len(m.Fields))
	for f := range estM {
		n := len(m.Fields[f].Levels)
		estM[f], nextM[f] = make([]float64, n), make([]float64, n)
		estU[f], nextU[f] = make([]float64, n), make([]float64, n)
		for lv := range n {
			estM[f][lv] = m.Fields[f].Levels[lv].M
			estU[f][lv] = m.Fields[f].Levels[lv].U
		}
	}
	if total == 0 {
		return estM, 0, 0
	}
	lambda, matches := 0.1, 0.0
	iteration := 0
	for iteration = 1; iteration <= maxIterations; iteration++ {
		for f := range nextM {
			clear(nextM[f])
			clear(nextU[f])
		}
		matches = 0
		for _, rw := range rows {
			pm, pu := lambda, 1-lambda
			for f := range estM {
				if lv := level(rw.pattern, f); active[f] && lv != missing {
					pm *= estM[f][lv]
					pu *= estU[f][lv]
				}
			}
			w := pm / (pm + pu)
			matches += rw.count * w
			for f := range estM {
				if lv := level(rw.pattern, f); active[f] && lv != missing {
					nextM[f][lv] += rw.count * w
					nextU[f][lv] += rw.count * (1 - w)
				}
			}
		}
		change := math.Abs(matches/total - lambda)
		lambda = math.Min(math.Max(matches/total, 1e-9), 1-1e-9)
		for f := range estM {
			if active[f] {
				change = math.Max(change, normalise(estM[f], nextM[f]))
				for lv := range nextU[f] {
					nextU[f][lv] += matches * m.Fields[f].Levels[lv].U
				}
				change = math.Max(change, normalise(estU[f], nextU[f]))
			}
		}
		if change < 1e-5 {
			break
		}
	}
	return estM, matches, min(iteration, maxIterations)
}

const maxIterations = 200

// normalise sets est to the shares of counts (each at least 10⁻⁶) and returns the
// largest change; it leaves est alone when there are no counts.
func normalise(est, counts []float64) float64 {
	seen := 0.0
	for _, v := range counts {
		seen += v
	}
	if seen == 0 {
		return 0
	}
	change := 0.0
	for lv := range est {
		v := math.Max(counts[lv]/seen, 1e-6)
		change = math.Max(change, math.Abs(v-est[lv]))
		est[lv] = v
	}
	return change
}

// estimatePrior finds the prior probability of a match. The expected number of matches
// is the sum of the match probabilities of the compared pairs (pairs the blocking rules
// do not produce are taken as non-matches), and those probabilities depend on the
// prior: iterate to the fixed point.
func (m *Model) estimatePrior(recs *records, cands []candidate) {
	total := float64(recs.n) * float64(recs.n-1) / 2
	if recs.firstB < recs.n {
		total = float64(recs.firstB) * float64(recs.n-recs.firstB)
	}
	if total < 1 || len(cands) == 0 {
		m.Prior = 1e-9
		return
	}
	counts := map[uint64]float64{}
	for _, c := range cands {
		counts[c.pattern]++
	}
	bayes := map[uint64]float64{} // log₂ Bayes factor of each pattern, without term frequencies
	for p := range counts {
		w := 0.0
		for f := range m.Fields {
			if lv := level(p, f); lv != missing {
				l := m.Fields[f].Levels[lv]
				w += math.Log2(l.M / l.U)
			}
		}
		bayes[p] = w
	}
	prior := math.Min(0.5*float64(len(cands))/total, 0.5)
	for range 200 {
		odds := math.Log2(prior / (1 - prior))
		expected := 0.0
		for p, n := range counts {
			expected += n * Probability(odds+bayes[p])
		}
		next := math.Max(expected/total, 1e-12)
		done := math.Abs(next-prior) < 1e-6*prior
		prior = next
		if done {
			break
		}
	}
	m.Prior = prior
}

// finish computes the weights used to score pairs.
func (m *Model) finish(recs *records) {
	m.tfWeight = make([][]float64, len(m.Fields))
	for f, fd := range recs.fields {
		fm := &m.Fields[f]
		for lv := range fm.Levels {
			fm.Levels[lv].Weight = math.Log2(fm.Levels[lv].M / fm.Levels[lv].U)
		}
		if !fm.TermFrequency || fd.present == 0 {
			continue
		}
		// Two different people share the value v with probability tf(v), its share of
		// the records, where the average value's u is only the mean of that.
		w := make([]float64, len(fd.values))
		for id := 1; id < len(w); id++ {
			tf := float64(fd.counts[id]) / float64(fd.present)
			w[id] = math.Log2(fm.Levels[0].M / tf)
		}
		m.tfWeight[f] = w
	}
}

// weight is the match weight of a pair with the given comparison pattern.
func (m *Model) weight(recs *records, l, r int32, pattern uint64) float64 {
	w := m.priorWeight()
	for f := range m.Fields {
		fw, _ := m.fieldWeight(recs, f, l, level(pattern, f))
		w += fw
	}
	return w
}

func (m *Model) priorWeight() float64 { return math.Log2(m.Prior / (1 - m.Prior)) }

// fieldWeight is what field f at level lv adds to a pair whose left record is l, and
// whether it comes from the rarity of the value they share.
func (m *Model) fieldWeight(recs *records, f int, l int32, lv int) (float64, bool) {
	switch {
	case lv == missing:
		return 0, false
	case lv == 0 && m.tfWeight[f] != nil:
		return m.tfWeight[f][recs.fields[f].ids[l]], true
	}
	return m.Fields[f].Levels[lv].Weight, false
}

// Explanation is why two records do or do not match: the weights that add up to the
// total.
type Explanation struct {
	Prior       float64            `json:"prior_weight"` // log₂ of the prior odds
	Fields      []FieldExplanation `json:"fields"`
	Weight      float64            `json:"weight"`
	Probability float64            `json:"probability"`
}

// FieldExplanation is one field's part in an Explanation.
type FieldExplanation struct {
	Column      string  `json:"column"`
	Left, Right string  `json:"-"`
	Level       string  `json:"level"` // "missing" when either value is
	Weight      float64 `json:"weight"`
	// Rarity is true when the weight of an exact agreement comes from how rare the
	// value is.
	Rarity bool `json:"term_frequency_adjusted,omitempty"`
}

// Weight is the match weight of records l and r.
func (s *Scores) Weight(l, r int32) float64 {
	return s.Model.weight(s.recs, l, r, s.recs.pattern(l, r))
}

// Differ returns the columns of the kinds given on which records l and r are at the
// last level, different.
func (s *Scores) Differ(l, r int32, kinds ...Kind) []string {
	pattern := s.recs.pattern(l, r)
	var out []string
	for f, fm := range s.Model.Fields {
		if lv := level(pattern, f); slices.Contains(kinds, fm.Kind) && lv == len(fm.Levels)-1 {
			out = append(out, fm.Column)
		}
	}
	return out
}

// Explain scores records l and r field by field.
func (s *Scores) Explain(l, r int32) Explanation {
	m, recs := s.Model, s.recs
	pattern := recs.pattern(l, r)
	e := Explanation{Prior: m.priorWeight()}
	for f, fd := range recs.fields {
		fe := FieldExplanation{Column: fd.Column, Left: fd.values[fd.ids[l]], Right: fd.values[fd.ids[r]], Level: "missing"}
		lv := level(pattern, f)
		if lv != missing {
			fe.Level = m.Fields[f].Levels[lv].Name
		}
		fe.Weight, fe.Rarity = m.fieldWeight(recs, f, l, lv)
		e.Fields = append(e.Fields, fe)
	}
	e.Weight = s.Weight(l, r)
	e.Probability = Probability(e.Weight)
	return e
}
