// Package grouping keeps feedback in themes in the server: the Assigner puts each new
// item in a theme within seconds of its arrival, and Regroup groups all feedback again
// from scratch (daily, and on demand), mapping the new groups to the stored themes so
// that their ids, names and the decisions of staff persist. The grouping itself is
// package theme's; docs/themes.md explains the design.
package grouping

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/theme"
)

// TermsKept is how many characteristic terms are stored with a theme.
const TermsKept = 10

// Assigner puts new feedback in themes. It holds a model of the stored themes in
// memory, built from the items the first time it runs, and rebuilt when staff or a
// re-grouping change themes (the shared generation moves) or when the items have
// grown by a quarter since (so that new words are known). Items other processes
// assigned since are added to it first, inside the locked transaction, so that
// processes sharing one database assign against the same themes.
type Assigner struct {
	Store rapport.ThemeGrouper
	Scope rapport.Scope
	Batch int // items per transaction; 500 when 0

	mu    sync.Mutex
	model *theme.Model
	ids   []rapport.ID // by model theme, its stored id
	index map[rapport.ID]int
	gen   int64 // the generation the model was built at
	seq   int64 // the last assignment the model has seen
	docs  int   // items the vocabulary was made from
	since int   // items assigned since
	fresh bool  // just rebuilt: items without a theme are tried again
}

// Summary says what a run did.
type Summary struct {
	Assigned, NewThemes, NoTheme int
	Rebuilt                      bool
}

func (s Summary) String() string {
	out := fmt.Sprintf("feedback put in themes: %d (%d new themes, %d without a word to compare)", s.Assigned, s.NewThemes, s.NoTheme)
	if s.Rebuilt {
		out += "; model rebuilt"
	}
	return out
}

// Run assigns every item not yet looked at, a batch per transaction.
func (a *Assigner) Run(ctx context.Context, _ *rapport.Job) (string, error) {
	sum, err := a.AssignAll(ctx)
	return sum.String(), err
}

// AssignAll assigns every item not yet looked at.
func (a *Assigner) AssignAll(ctx context.Context) (Summary, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var sum Summary
	for {
		n, rebuild, err := a.batch(ctx, &sum)
		if err != nil {
			return sum, err
		}
		if rebuild {
			if err := a.rebuild(ctx); err != nil {
				return sum, err
			}
			sum.Rebuilt = true
			continue
		}
		if n == 0 {
			return sum, nil
		}
	}
}

// Reset drops the model, so that the next run rebuilds it (for benchmarks and tests).
func (a *Assigner) Reset() {
	a.mu.Lock()
	a.model = nil
	a.mu.Unlock()
}

// Warm builds the model now rather than at the first new item.
func (a *Assigner) Warm(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.rebuild(ctx)
}

// batch assigns up to a batch of items in one transaction; it reports how many were
// looked at, or that the model must be rebuilt first.
func (a *Assigner) batch(ctx context.Context, sum *Summary) (int, bool, error) {
	size := a.Batch
	if size <= 0 {
		size = 500
	}
	looked, rebuild := 0, false
	err := a.Store.AssignThemes(ctx, a.Scope, func(b rapport.ThemeBatch) error {
		st := b.State()
		if a.model == nil || st.Generation != a.gen {
			rebuild = true
			return nil
		}
		// Catch up with what other processes assigned.
		others, err := b.Since(a.seq)
		if err != nil {
			return err
		}
		for _, it := range others {
			if !it.ThemeID.IsZero() {
				a.model.AddTo(a.theme(it.ThemeID), a.model.Vocabulary.VectorOf(it.Text))
			}
			a.since++
		}
		if 4*a.since > a.docs+8 {
			// The vocabulary is from far fewer items than there are now: new words
			// would be left out, and an item without a known word gets no theme.
			rebuild = true
			return nil
		}
		retry := a.fresh
		items, err := b.Unthemed(size, retry, rapport.ID{})
		if err != nil {
			return err
		}
		if len(items) == 0 && !retry {
			return nil
		}
		touched := map[int]bool{}
		for {
			for _, it := range items {
				x := a.model.Vocabulary.VectorOf(it.Text)
				before := a.model.Len()
				t := a.model.Add(x)
				var id rapport.ID
				if t != theme.NoTheme {
					if t >= before {
						label, terms := a.model.Label(t), a.model.Terms(t, TermsKept)
						if id, err = b.NewTheme(label, terms); err != nil {
							return err
						}
						a.ids = append(a.ids, id)
						a.index[id] = t
						sum.NewThemes++
					} else {
						id = a.ids[t]
						if a.model.Size(t) <= 20 {
							touched[t] = true // a small theme's label still changes with each item
						}
					}
				}
				ok, err := b.Assign(it, id)
				if err != nil {
					return err
				}
				if ok {
					looked++
					if t == theme.NoTheme {
						sum.NoTheme++
					} else {
						sum.Assigned++
					}
				}
			}
			if !retry || len(items) < size {
				break
			}
			// Retrying items without a theme after a rebuild: all of them, page by page.
			if items, err = b.Unthemed(size, true, items[len(items)-1].ID); err != nil {
				return err
			}
		}
		for t := range touched {
			if err := b.Relabel(a.ids[t], a.model.Label(t), a.model.Terms(t, TermsKept)); err != nil {
				return err
			}
		}
		// Everything up to the state's seq is in the model now, and our own assignments.
		a.seq = st.Seq + int64(looked)
		if !retry {
			a.since += looked // retried items are in the vocabulary already
		}
		if retry {
			a.fresh = false
			looked = max(looked, 1) // go round again for new items
		}
		return nil
	})
	if err != nil {
		a.model = nil // it may hold assignments that were rolled back
		return 0, false, err
	}
	return looked, rebuild, nil
}

// theme is the model's number for a stored theme, made when the model has none.
func (a *Assigner) theme(id rapport.ID) int {
	if t, ok := a.index[id]; ok {
		return t
	}
	t := len(a.ids)
	a.ids = append(a.ids, id)
	a.index[id] = t
	a.model.AddTo(t, theme.Vector{})
	return t
}

// rebuild makes the model afresh from the stored items and their themes: the
// vocabulary of all items looked at, each theme the sum of its items.
func (a *Assigner) rebuild(ctx context.Context) error {
	c, err := a.Store.ReadThemeCorpus(ctx, a.Scope, false)
	if err != nil {
		return err
	}
	texts := make([]string, len(c.Items))
	for i, it := range c.Items {
		texts[i] = it.Text
	}
	corpus := theme.NewCorpus(texts)
	a.ids, a.index = nil, map[rapport.ID]int{}
	labels := make([]int, len(c.Items))
	for i, it := range c.Items {
		labels[i] = theme.NoTheme
		if it.ThemeID.IsZero() {
			continue
		}
		t, ok := a.index[it.ThemeID]
		if !ok {
			t = len(a.ids)
			a.ids = append(a.ids, it.ThemeID)
			a.index[it.ThemeID] = t
		}
		labels[i] = t
	}
	threshold := c.State.Threshold
	if threshold <= 0 {
		threshold = rapport.DefaultThreshold
	}
	a.model = theme.ModelOf(corpus.Vocabulary, threshold, corpus.Vectors, labels)
	for a.model.Len() < len(a.ids) {
		a.model.AddTo(a.model.Len(), theme.Vector{})
	}
	a.gen, a.seq, a.docs, a.since, a.fresh = c.State.Generation, c.State.Seq, len(c.Items), 0, true
	return nil
}

// Regroup groups all feedback again (theme.Cluster, the threshold chosen afresh),
// maps each new group to the stored theme it continues, and writes the outcome:
//
//   - A group continues the stored theme with which it shares the most items (not
//     counting pinned ones), when those are at least half of the group's items seen
//     before, or at least half of the theme's; the pairs are matched largest overlap
//     first, one group to a theme, except that a theme staff merged others into may
//     take several (so it stays merged). So ids, names, fixed status and alerts stay.
//   - A group that continues none is a new theme.
//   - Items staff moved or split off (pinned) stay where they were put.
//   - A stored theme left without items is removed, unless it carries a decision.
func Regroup(ctx context.Context, store rapport.ThemeGrouper, scope rapport.Scope, opt theme.Options) (string, error) {
	c, err := store.ReadThemeCorpus(ctx, scope, true)
	if err != nil {
		return "", err
	}
	r, err := Plan(ctx, c, opt)
	if err != nil {
		return "", err
	}
	continued := 0
	for _, g := range r.Groups {
		if !g.ThemeID.IsZero() {
			continued++
		}
	}
	if err := store.ApplyRegrouping(ctx, scope, r); err != nil {
		return "", err
	}
	return fmt.Sprintf("feedback re-grouped: %d items, %d themes (%d continued, %d new), %d removed, threshold %.2f",
		len(c.Items), len(r.Groups), continued, len(r.Groups)-continued, len(r.Remove), r.Threshold), nil
}

// Plan works out a re-grouping of the corpus (see Regroup); it writes nothing.
func Plan(ctx context.Context, c *rapport.ThemeCorpus, opt theme.Options) (*rapport.ThemeRegrouping, error) {
	texts := make([]string, len(c.Items))
	for i, it := range c.Items {
		texts[i] = it.Text
	}
	corpus := theme.NewCorpus(texts)
	res, err := theme.Cluster(ctx, corpus, opt)
	if err != nil {
		return nil, err
	}
	r := &rapport.ThemeRegrouping{Generation: c.State.Generation, Threshold: res.Threshold}

	// Overlap of each new group with each stored theme, over items not pinned.
	type pair struct {
		group int
		theme rapport.ID
		n     int
	}
	type key struct {
		group int
		theme rapport.ID
	}
	overlap := map[key]int{}
	seen := make([]int, res.Model.Len()) // items of each group that had a theme
	stored := map[rapport.ID]int{}       // items of each stored theme, not pinned
	for i, it := range c.Items {
		g := res.Themes[i]
		if it.Pinned || it.ThemeID.IsZero() {
			continue
		}
		stored[it.ThemeID]++
		if g == theme.NoTheme {
			continue
		}
		seen[g]++
		overlap[key{g, it.ThemeID}]++
	}
	pairs := make([]pair, 0, len(overlap))
	for k, n := range overlap {
		pairs = append(pairs, pair{k.group, k.theme, n})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		return cmp.Compare(a.theme.String(), b.theme.String())
	})
	whole := map[rapport.ID]bool{}
	for _, t := range c.Themes {
		if t.KeptWhole {
			whole[t.ID] = true
		}
	}
	to := make([]rapport.ID, res.Model.Len())
	taken := map[rapport.ID]bool{}
	for _, p := range pairs {
		if !to[p.group].IsZero() || taken[p.theme] && !whole[p.theme] {
			continue
		}
		if 2*p.n >= seen[p.group] || 2*p.n >= stored[p.theme] {
			to[p.group], taken[p.theme] = p.theme, true
		}
	}
	r.Groups = make([]rapport.ThemeGroup, res.Model.Len())
	for g := range r.Groups {
		r.Groups[g] = rapport.ThemeGroup{ThemeID: to[g], Label: res.Model.Label(g), Terms: res.Model.Terms(g, TermsKept)}
	}
	for i, it := range c.Items {
		if it.Pinned {
			continue
		}
		if g := res.Themes[i]; g == theme.NoTheme {
			r.Unthemed = append(r.Unthemed, it.ID)
		} else {
			r.Groups[g].Items = append(r.Groups[g].Items, it.ID)
		}
	}
	// Several groups continuing one theme (kept whole) become one group: the largest
	// names it.
	merged := r.Groups[:0]
	at := map[rapport.ID]int{}
	for _, g := range r.Groups {
		if k, ok := at[g.ThemeID]; ok && !g.ThemeID.IsZero() {
			merged[k].Items = append(merged[k].Items, g.Items...)
			continue
		}
		if !g.ThemeID.IsZero() {
			at[g.ThemeID] = len(merged)
		}
		merged = append(merged, g)
	}
	r.Groups = merged
	for _, t := range c.Themes {
		if !taken[t.ID] && !t.Decided {
			r.Remove = append(r.Remove, t.ID) // the store keeps it if pinned items are in it
		}
	}
	return r, nil
}
