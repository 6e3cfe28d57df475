package theme

import (
	"cmp"
	"context"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Options tune Cluster; the zero value asks for the defaults.
type Options struct {
	// Threshold is the least cosine similarity between an item and its theme's
	// centroid. 0 chooses it among Thresholds on a sample of the items (see
	// chooseThreshold).
	Threshold float64
	TopTerms  int    // centroid terms indexed per theme; DefaultTopTerms when 0
	Passes    int    // refinement passes at most; 10 when 0
	Sample    int    // items the threshold is chosen on; 20,000 when 0
	Seed      uint64 // the same seed and items give the same themes
	Workers   int    // goroutines for the refinement passes; GOMAXPROCS when 0
}

// Thresholds are the similarity thresholds Cluster chooses from.
var Thresholds = []float64{0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70}

// ThresholdScore is the mean silhouette of the sample's grouping at one threshold.
type ThresholdScore struct {
	Threshold, Silhouette, Modularity float64
	Themes                            int
}

// NoTheme is the theme of an item without a single term of the vocabulary (empty, or
// only stop words, numbers and words no other item uses): there is nothing to compare
// it on.
const NoTheme = -1

// Result is a grouping of items into themes.
type Result struct {
	Model     *Model
	Themes    []int // by item, its theme: 0 is the largest, then by size; or NoTheme
	Threshold float64
	Scores    []ThresholdScore // the thresholds tried, when Cluster chose it
	Passes    int              // refinement passes made
}

// Cluster groups the corpus's items into themes without being told how many there
// are (DP-means on the unit sphere):
//
//  1. In a random order, each item joins the theme whose centroid it is most similar
//     to, or starts a new theme when no centroid is at least Threshold similar.
//  2. Refinement passes then move every item to its most similar centroid (again a
//     new theme below the threshold) and recompute the centroids, until fewer than
//     1 in 200 items move or Passes is reached.
//
// Each pass costs, per item, the index entries of its terms: about n × terms per item
// × themes sharing a term, far below the n² of comparing every pair.
//
// Cluster stops with ctx's error between passes once ctx is done.
func Cluster(ctx context.Context, c *Corpus, opt Options) (*Result, error) {
	if opt.TopTerms <= 0 {
		opt.TopTerms = DefaultTopTerms
	}
	if opt.Passes <= 0 {
		opt.Passes = 10
	}
	if opt.Sample <= 0 {
		opt.Sample = 20000
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	res := &Result{Threshold: opt.Threshold}
	if res.Threshold <= 0 {
		var err error
		if res.Threshold, res.Scores, err = chooseThreshold(ctx, c, opt); err != nil {
			return nil, err
		}
	}
	m, labels, passes, err := dpMeans(ctx, c.Vocabulary, c.Vectors, res.Threshold, opt)
	if err != nil {
		return nil, err
	}
	res.Model, res.Themes = bySize(m, c.Vectors, labels)
	res.Passes = passes
	return res, nil
}

// chooseThreshold groups a sample at each of Thresholds and returns the threshold whose
// grouping has the highest product of mean silhouette and modularity on the sample's
// nearest-neighbour graph (the smaller threshold on a tie). The silhouette rewards
// themes that are tight and apart, and alone keeps rising as themes split into
// near-duplicates; modularity rewards themes that keep each item's nearest
// neighbours with it, and alone keeps rising as themes merge. Their product is highest
// where both are fair. Thresholds are tried from the lowest up, and the search stops
// when the product has fallen twice in a row since its best.
func chooseThreshold(ctx context.Context, c *Corpus, opt Options) (float64, []ThresholdScore, error) {
	vecs := c.Vectors
	if len(vecs) > opt.Sample {
		r := rand.New(rand.NewPCG(opt.Seed, 1))
		perm := r.Perm(len(vecs))[:opt.Sample]
		slices.Sort(perm)
		vecs = make([]Vector, len(perm))
		for i, p := range perm {
			vecs[i] = c.Vectors[p]
		}
	}
	var scores []ThresholdScore
	best := 0
	adj := knnGraph(vecs, opt.Workers)
	for i, th := range Thresholds {
		m, labels, _, err := dpMeans(ctx, c.Vocabulary, vecs, th, opt)
		if err != nil {
			return 0, nil, err
		}
		s := ThresholdScore{Threshold: th, Silhouette: Silhouette(vecs, labels), Modularity: Modularity(adj, labels), Themes: m.Len()}
		scores = append(scores, s)
		if s.Silhouette*s.Modularity > scores[best].Silhouette*scores[best].Modularity {
			best = i
		} else if i >= best+2 {
			break // fallen twice in a row since the best: higher thresholds only split more
		}
	}
	return scores[best].Threshold, scores, nil
}

// dpMeans is Cluster's leader pass and refinement passes at one threshold.
func dpMeans(ctx context.Context, v *Vocabulary, vecs []Vector, threshold float64, opt Options) (*Model, []int, int, error) {
	m := NewModel(v, threshold, opt.TopTerms)
	labels := make([]int, len(vecs))
	r := rand.New(rand.NewPCG(opt.Seed, 2))
	for _, i := range r.Perm(len(vecs)) {
		labels[i] = NoTheme
		if len(vecs[i].Terms) > 0 {
			labels[i] = m.Add(vecs[i])
		}
	}
	passes := 0
	for merged := true; merged; {
		for passes < opt.Passes {
			if err := ctx.Err(); err != nil {
				return nil, nil, 0, err
			}
			m.reindexAll()
			next, changed := refine(m, vecs, labels, opt.Workers)
			m = next
			passes++
			if changed*200 < len(vecs) {
				break
			}
		}
		m, merged = mergeThemes(m, vecs, labels)
	}
	return m, labels, passes, nil
}

// mergeThemes joins each theme, smallest first, to the most similar larger theme when
// their centroids are at least Threshold similar, the test an item passes to join a
// theme; it reports whether any did. A theme that has taken others in is not itself
// merged in the same round, so that merges do not chain into one large theme (as
// single linkage does); the next round sees the new centroids. The leader pass splits a theme when its first
// items happen to share few words; this puts it back together.
func mergeThemes(m *Model, vecs []Vector, labels []int) (*Model, bool) {
	m.reindexAll()
	order := make([]int, m.Len())
	rank := make([]int, m.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(m.themes[b].size, m.themes[a].size) })
	for r, t := range order {
		rank[t] = r
	}
	parent := make([]int, m.Len())
	for i := range parent {
		parent[i] = i
	}
	find := func(t int) int {
		for parent[t] != t {
			parent[t] = parent[parent[t]]
			t = parent[t]
		}
		return t
	}
	merged := false
	received := make([]bool, m.Len())
	var sc scorer
	for r := len(order) - 1; r > 0; r-- {
		t := order[r]
		if received[t] {
			continue // a theme that took others in stays: merges do not chain
		}
		// The centroid's heaviest terms, in term order, as a vector to score.
		terms, weights := m.centroid(t)
		idx := make([]int, len(terms))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(terms[a], terms[b]) })
		sorted := Vector{Terms: make([]int32, len(idx)), Weights: make([]float32, len(idx))}
		for i, k := range idx {
			sorted.Terms[i], sorted.Weights[i] = terms[k], weights[k]
		}
		if u, sim := sc.bestOf(m, sorted, func(u int) bool { return rank[u] < r }); u >= 0 && sim >= m.Threshold {
			parent[t], received[u] = u, true
			merged = true
		}
	}
	if !merged {
		return m, false
	}
	next := NewModel(m.Vocabulary, m.Threshold, m.TopTerms)
	renumber := make([]int, m.Len())
	for i := range renumber {
		renumber[i] = -1
	}
	for i, t := range labels {
		if t == NoTheme {
			continue
		}
		root := find(t)
		if renumber[root] < 0 {
			renumber[root] = next.newTheme()
		}
		labels[i] = renumber[root]
		next.addSum(labels[i], vecs[i])
	}
	next.reindexAll()
	return next, true
}

// refine moves every item to its most similar centroid of m, or to a new theme, and
// returns the themes so made; labels is updated. It returns how many items moved.
func refine(m *Model, vecs []Vector, labels []int, workers int) (*Model, int) {
	nearest := make([]int, len(vecs))
	var wg sync.WaitGroup
	chunk := (len(vecs) + workers - 1) / workers
	for lo := 0; lo < len(vecs); lo += chunk {
		hi := min(lo+chunk, len(vecs))
		wg.Go(func() {
			var sc scorer
			for i := lo; i < hi; i++ {
				if labels[i] == NoTheme {
					nearest[i] = NoTheme
					continue
				}
				t, sim := sc.best(m, vecs[i])
				if t < 0 || sim < m.Threshold {
					t = -1
				}
				nearest[i] = t
			}
		})
	}
	wg.Wait()
	next := NewModel(m.Vocabulary, m.Threshold, m.TopTerms)
	renumber := make([]int, m.Len())
	for i := range renumber {
		renumber[i] = -1
	}
	changed := 0
	var orphans []int
	for i, t := range nearest {
		if t == NoTheme {
			continue
		}
		if t != labels[i] {
			changed++
		}
		if t < 0 {
			orphans = append(orphans, i)
			continue
		}
		if renumber[t] < 0 {
			renumber[t] = next.newTheme()
		}
		labels[i] = renumber[t]
		next.addSum(labels[i], vecs[i])
	}
	next.reindexAll()
	for _, i := range orphans {
		labels[i] = next.Add(vecs[i])
	}
	return next, changed
}

// bySize renumbers the themes largest first (on a tie, by their first item).
func bySize(m *Model, vecs []Vector, labels []int) (*Model, []int) {
	first := make([]int, m.Len())
	for i := range first {
		first[i] = len(labels)
	}
	for i, t := range labels {
		if t != NoTheme {
			first[t] = min(first[t], i)
		}
	}
	order := make([]int, m.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(m.themes[b].size, m.themes[a].size); c != 0 {
			return c
		}
		return cmp.Compare(first[a], first[b])
	})
	renumber := make([]int, m.Len())
	next := NewModel(m.Vocabulary, m.Threshold, m.TopTerms)
	for _, t := range order {
		renumber[t] = len(next.themes)
		next.themes = append(next.themes, m.themes[t])
	}
	out := make([]int, len(labels))
	for i, t := range labels {
		out[i] = NoTheme
		if t != NoTheme {
			out[i] = renumber[t]
		}
	}
	next.reindexAll()
	return next, out
}

// addSum adds x to theme t without touching the index.
func (m *Model) addSum(t int, x Vector) {
	th := m.themes[t]
	for i, term := range x.Terms {
		th.sum[term] += x.Weights[i]
	}
	th.size++
}

// reindexAll builds the index afresh from every theme's centroid.
func (m *Model) reindexAll() {
	for i := range m.post {
		m.post[i] = m.post[i][:0]
		m.live[i] = 0
	}
	for t, th := range m.themes {
		th.gen++
		th.indexed = nil
		terms, weights := m.centroid(t)
		for i, term := range terms {
			m.post[term] = append(m.post[term], posting{int32(t), th.gen, weights[i]})
			m.live[term]++
		}
		th.indexed = terms
		th.refreshAt = th.size + max(1, th.size/4)
	}
}

// Silhouette is the mean silhouette coefficient of a grouping of unit vectors under the
// cosine distance (1 − similarity): for each item, b − a over the larger of the two,
// where a is its mean distance to the other items of its group and b the least mean
// distance to the items of another group; an item alone in its group counts 0. The
// mean distances come exactly from the groups' summed vectors, so it costs about what
// one refinement pass does, not n².
func Silhouette(vecs []Vector, labels []int) float64 {
	k := 0
	for _, l := range labels {
		k = max(k, l+1)
	}
	if k < 2 || len(vecs) == 0 {
		return 0
	}
	sums := make([]map[int32]float64, k)
	sizes := make([]int, k)
	for i, l := range labels {
		if l == NoTheme {
			continue
		}
		if sums[l] == nil {
			sums[l] = map[int32]float64{}
		}
		for j, term := range vecs[i].Terms {
			sums[l][term] += float64(vecs[i].Weights[j])
		}
		sizes[l]++
	}
	type entry struct {
		group int32
		w     float64
	}
	post := map[int32][]entry{}
	for g, s := range sums {
		for term, w := range s {
			post[term] = append(post[term], entry{int32(g), w})
		}
	}
	acc := make([]float64, k)
	var touched []int32
	var total float64
	n := 0
	for i, x := range vecs {
		own := labels[i]
		if own == NoTheme {
			continue
		}
		if n++; sizes[own] == 1 {
			continue
		}
		for j, term := range x.Terms {
			for _, e := range post[term] {
				if acc[e.group] == 0 {
					touched = append(touched, e.group)
				}
				acc[e.group] += float64(x.Weights[j]) * e.w
			}
		}
		var selfSim float64
		for _, w := range x.Weights {
			selfSim += float64(w) * float64(w)
		}
		a := 1 - (acc[own]-selfSim)/float64(sizes[own]-1)
		b := 1.0 // to a group sharing no term with the item
		for _, g := range touched {
			if int(g) != own {
				b = min(b, 1-acc[g]/float64(sizes[g]))
			}
			acc[g] = 0
		}
		touched = touched[:0]
		if d := max(a, b); d > 0 {
			total += (b - a) / d
		}
	}
	if n == 0 {
		return 0
	}
	return total / float64(n)
}
