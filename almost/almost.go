// Package almost works out the almost-customers list: valuable customers slipping
// away, frustrated customers, and young low-value customers who behave as the best
// customers did at the same stage, each with reasons in plain words, a score and a
// suggested next step. The method and its parameters are described in
// docs/almost-customers.md.
package almost

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
	"gonum.org/v1/gonum/mathext"
)

// Options are the parameters of the signals.
type Options struct {
	// Slipping: once valuable means a monetary score of at least MinMonetary; the
	// chance of still buying is low below LowPAlive, or falling when it has dropped by
	// FallBy since the last purchase and is below FallingBelow.
	MinMonetary  int
	LowPAlive    float64
	FallBy       float64
	FallingBelow float64
	// Frustration, over the last rapport.AlmostWindow.
	MinComplaints    int
	MinBurst         int     // contacts within rapport.AlmostBurstDays …
	BurstChance      float64 // … that their usual rate makes less likely than this by chance
	MinEmptySearches int
	MinOpenItems     int
	// Look-alikes: customers with a monetary score of at most MaxMonetary whose first
	// purchase is less than a year old, compared with the K nearest of at most
	// MaxReferences customers of a year or more, per stage; listed when at least
	// MinShare of those became the top fifth by spend.
	MaxMonetary   int
	K             int
	MaxReferences int
	MinShare      float64
}

// Defaults are the parameters the almost job uses.
var Defaults = Options{
	MinMonetary: 4, LowPAlive: 0.5, FallBy: 0.25, FallingBelow: 0.75,
	MinComplaints: 2, MinBurst: 3, BurstChance: 0.005, MinEmptySearches: 2, MinOpenItems: 1,
	MaxMonetary: 2, K: 10, MaxReferences: 5000, MinShare: 0.5,
}

// Summary says what a run did.
type Summary struct {
	Customers, Listed               int
	Slipping, Frustrated, Lookalike int
	Took                            time.Duration
}

func (s Summary) String() string {
	return fmt.Sprintf("almost customers: %d listed of %d customers with a value or a signal (slipping %d, frustrated %d, look-alikes %d) in %s",
		s.Listed, s.Customers, s.Slipping, s.Frustrated, s.Lookalike, s.Took.Round(time.Millisecond))
}

// Run works out the list from the store's facts and replaces the stored one.
func Run(ctx context.Context, store rapport.AlmostService, s rapport.Scope, now time.Time) (Summary, error) {
	start := time.Now()
	facts, err := store.AlmostFacts(ctx, s, now)
	if err != nil {
		return Summary{}, err
	}
	list, baselines := Score(facts, now, Defaults)
	sum := Summary{Customers: len(facts), Listed: len(list)}
	for i := range list {
		for k, n := range map[rapport.AlmostKind]*int{rapport.AlmostSlipping: &sum.Slipping, rapport.AlmostFrustrated: &sum.Frustrated, rapport.AlmostLookalike: &sum.Lookalike} {
			if list[i].Has(k) {
				*n++
			}
		}
	}
	if err := store.ReplaceAlmostCustomers(ctx, s, list, baselines); err != nil {
		return sum, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// Score lists the customers with at least one reason, highest score first, and returns
// the P(alive) baselines that are new or changed.
//
// score = 100 × max(stake, 0.1) × (1 − Π (1 − strength of each reason)), where stake is
// the customer's rank by revenue plus lifetime value among the customers of their
// currency (from 0 to 1), or for a look-alike the share of their neighbours who became
// top-fifth customers if that is higher.
func Score(facts []rapport.AlmostFacts, now time.Time, o Options) ([]rapport.AlmostCustomer, []rapport.AlmostBaseline) {
	var baselines []rapport.AlmostBaseline
	stake := valueRanks(facts)
	looks := lookalikes(facts, now, o)
	var out []rapport.AlmostCustomer
	for i := range facts {
		f := &facts[i]
		base := 0.0
		if v := f.Value; v != nil {
			base = v.PAlive
			if f.HasBaseline && f.BaselineAt.Equal(v.LastAt) {
				base = f.BaselinePAlive
			} else {
				baselines = append(baselines, rapport.AlmostBaseline{CustomerID: f.CustomerID, LastAt: v.LastAt, PAlive: v.PAlive})
			}
		}
		var reasons []rapport.AlmostReason
		if r, ok := slipping(f, base, o); ok {
			reasons = append(reasons, r)
		}
		reasons = append(reasons, frustration(f, o)...)
		look, isLook := looks[i]
		if isLook {
			reasons = append(reasons, look.reason)
		}
		if len(reasons) == 0 {
			continue
		}
		s := stake[i]
		if isLook {
			s = max(s, look.share)
		}
		calm := 1.0
		for _, r := range reasons {
			calm *= 1 - r.Strength
		}
		a := rapport.AlmostCustomer{ID: f.CustomerID, Reasons: reasons, Score: math.Round(1000*max(s, 0.1)*(1-calm)) / 10}
		a.NextStep = nextStep(reasons)
		if v := f.Value; v != nil {
			p := v.PAlive
			a.Currency, a.Revenue, a.LifetimeValue, a.PAlive = v.Currency, v.Revenue, v.LifetimeValue, &p
		}
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b rapport.AlmostCustomer) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out, baselines
}

// valueRanks ranks each valued customer's revenue plus lifetime value among those of
// the same currency: the share ranked below, ties counted half.
func valueRanks(facts []rapport.AlmostFacts) []float64 {
	out := make([]float64, len(facts))
	byCurrency := map[string][]int{}
	worth := func(v *rapport.CustomerValue) float64 { return v.Revenue.Float() + v.LifetimeValue }
	for i, f := range facts {
		if f.Value != nil {
			byCurrency[f.Value.Currency] = append(byCurrency[f.Value.Currency], i)
		}
	}
	for _, idx := range byCurrency {
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(worth(facts[a].Value), worth(facts[b].Value)) })
		for i := 0; i < len(idx); {
			j := i
			for j < len(idx) && worth(facts[idx[j]].Value) == worth(facts[idx[i]].Value) {
				j++
			}
			rank := (float64(i) + float64(j-i)/2) / float64(len(idx))
			for _, at := range idx[i:j] {
				out[at] = rank
			}
			i = j
		}
	}
	return out
}

func slipping(f *rapport.AlmostFacts, base float64, o Options) (rapport.AlmostReason, bool) {
	v := f.Value
	if v == nil || v.Monetary < o.MinMonetary {
		return rapport.AlmostReason{}, false
	}
	drop := base - v.PAlive
	low, falling := v.PAlive < o.LowPAlive, drop >= o.FallBy && v.PAlive < o.FallingBelow
	if !low && !falling {
		return rapport.AlmostReason{}, false
	}
	fifth := "top fifth"
	if v.Monetary == 4 {
		fifth = "second fifth"
	}
	text := fmt.Sprintf("Spent %s over %s since %s (%s by spend); ", money(v.Revenue.Float(), v.Currency), thousands.Count(v.Purchases, "purchase"),
		v.FirstAt.Format("January 2006"), fifth)
	if drop >= 0.05 {
		text += fmt.Sprintf("chance still active fell from %s to %s since their last purchase on %s", percent(base), percent(v.PAlive), day(v.LastAt))
	} else {
		text += fmt.Sprintf("chance still active is %s (no purchase since %s)", percent(v.PAlive), day(v.LastAt))
	}
	return rapport.AlmostReason{Kind: rapport.AlmostSlipping, Signal: rapport.SignalSlipping, Text: text, Strength: 1 - v.PAlive}, true
}

func frustration(f *rapport.AlmostFacts, o Options) []rapport.AlmostReason {
	var out []rapport.AlmostReason
	add := func(signal string, strength float64, format string, args ...any) {
		out = append(out, rapport.AlmostReason{Kind: rapport.AlmostFrustrated, Signal: signal, Text: fmt.Sprintf(format, args...), Strength: min(1, strength)})
	}
	days := int(rapport.AlmostWindow.Hours() / 24)
	if f.Complaints >= o.MinComplaints {
		add(rapport.SignalComplaints, float64(f.Complaints)/4, "%s in the last %d days, the latest on %s", thousands.Count(f.Complaints, "complaint"), days, day(f.LastComplaintAt))
	}
	// Their usual number of contacts in AlmostBurstDays: over the year, or since their
	// first contact in it, but over at least 90 days, so that a new customer's first
	// contacts do not make their own yardstick.
	usual := float64(f.ContactsYear) * rapport.AlmostBurstDays / float64(min(365, max(90, f.ContactSpanDays)))
	if f.ContactBurst >= o.MinBurst && countTail(f.ContactBurst, usual, f.ContactVariance) < o.BurstChance {
		add(rapport.SignalContacts, float64(f.ContactBurst)/6, "%s (tickets, calls, chats, e-mails) within %d days, up to %s; usually about %s in %d days",
			thousands.Count(f.ContactBurst, "contact"), rapport.AlmostBurstDays, day(f.BurstAt), rate(usual), rapport.AlmostBurstDays)
	}
	if f.EmptySearches >= o.MinEmptySearches {
		text := fmt.Sprintf("%s in the portal found nothing in the last %d days", thousands.Count(f.EmptySearches, "search"), days)
		if q := clip(f.EmptySearch, 60); q != "" {
			text += fmt.Sprintf(", such as “%s”", q)
		}
		add(rapport.SignalSearches, float64(f.EmptySearches)/5, "%s", text)
	}
	if f.OpenItems >= o.MinOpenItems {
		add(rapport.SignalOpenItems, float64(f.OpenItems)/3, "%s open for more than %d days", thousands.Count(f.OpenItems, "feedback item"),
			int(rapport.AlmostOpenItemAge.Hours()/24))
	}
	return out
}

// countTail is the chance of k or more events where mean are expected: how likely a
// burst is by chance at the customer's usual rate. Counts that vary more than a Poisson
// count would (variance over the mean: a busy account whose volume rises and falls)
// follow a negative binomial of that mean and variance, whose tail is longer; else a
// Poisson count. Both tails are regularised incomplete gamma and beta functions, which
// neither underflow at large means nor lose tiny tails to 1 − CDF.
func countTail(k int, mean, variance float64) float64 {
	switch {
	case k <= 0:
		return 1
	case mean <= 0:
		return 0 // nothing expected: any contact is unusual
	case float64(k) <= mean:
		return 1 // no more than usual: not a burst, whatever the threshold
	case variance > mean:
		r := mean * mean / (variance - mean) // the negative binomial's shape
		return mathext.RegIncBeta(float64(k), r, mean/(r+mean))
	}
	return mathext.GammaIncReg(float64(k), mean)
}

// nextSteps are what to do first, by the signal of the strongest reason; on a tie, the
// signal listed first wins.
var nextSteps = []struct{ signal, step string }{
	{rapport.SignalComplaints, "Resolve the open complaint first: call them, own the problem until it is fixed, then tell them what changed."},
	{rapport.SignalOpenItems, "Close their open feedback: tell them what was done about it, or when it will be."},
	{rapport.SignalContacts, "Call once and settle the request end to end, so that they need not contact us again."},
	{rapport.SignalSlipping, "Call: ask how their last order went and what has changed for them; offer a reason to come back."},
	{rapport.SignalSearches, "Send them the answer they searched the portal for, and add it to the help centre."},
	{rapport.SignalLookalike, "Invite them to the loyalty programme and introduce their account manager."},
}

func nextStep(reasons []rapport.AlmostReason) string {
	best, step := -1.0, ""
	for _, n := range nextSteps {
		for _, r := range reasons {
			if r.Signal == n.signal && r.Strength > best {
				best, step = r.Strength, n.step
			}
		}
	}
	return step
}

// lookalike is a young customer's look-alike reason and the share behind it.
type lookalike struct {
	reason rapport.AlmostReason
	share  float64
}

// lookalikes scores the young, low-value customers against the mature ones at the same
// stage: features standardised over the mature customers of the stage (spend within
// its currency), Euclidean distance, k nearest. It returns the ones listed, by index.
func lookalikes(facts []rapport.AlmostFacts, now time.Time, o Options) map[int]lookalike {
	const year = 365
	type ref struct {
		i   int
		top bool
	}
	stages := len(rapport.AlmostStages)
	refs := make([][]ref, stages)
	young := make([][]int, stages)
	for i, f := range facts {
		v := f.Value
		if v == nil || len(f.Stages) != stages {
			continue
		}
		tenure := int(now.Sub(v.FirstAt).Hours() / 24)
		if tenure >= year {
			for k := range stages {
				refs[k] = append(refs[k], ref{i, v.Monetary == 5})
			}
			continue
		}
		if v.Monetary > o.MaxMonetary || tenure < rapport.AlmostStages[0] {
			continue
		}
		k := 0
		for k+1 < stages && rapport.AlmostStages[k+1] <= tenure {
			k++
		}
		young[k] = append(young[k], i)
	}
	out := map[int]lookalike{}
	for k := range stages {
		if len(young[k]) == 0 || len(refs[k]) < o.K {
			continue
		}
		rs := refs[k]
		slices.SortFunc(rs, func(a, b ref) int { return bytes.Compare(facts[a.i].CustomerID[:], facts[b.i].CustomerID[:]) })
		if len(rs) > o.MaxReferences { // an even sample, the same on every run
			sample := make([]ref, o.MaxReferences)
			for j := range sample {
				sample[j] = rs[j*len(rs)/o.MaxReferences]
			}
			rs = sample
		}
		raw := func(i int) []float64 {
			s := facts[i].Stages[k]
			return []float64{math.Log1p(float64(s.Purchases)), math.Log1p(max(s.Spend, 0)), math.Log1p(float64(s.Lines)),
				math.Log1p(float64(s.Channels)), math.Log1p(float64(s.Contacts)), math.Log1p(float64(s.WebEvents))}
		}
		const spend = 1
		// Means and deviations over the references: of spend per currency, of the
		// others over all.
		type moments struct{ n, sum, sq float64 }
		all := make([]moments, 6)
		byCurrency := map[string]*moments{}
		for _, r := range rs {
			x := raw(r.i)
			for j, xj := range x {
				if j == spend {
					m := byCurrency[facts[r.i].Value.Currency]
					if m == nil {
						m = &moments{}
						byCurrency[facts[r.i].Value.Currency] = m
					}
					m.n, m.sum, m.sq = m.n+1, m.sum+xj, m.sq+xj*xj
					continue
				}
				all[j].n, all[j].sum, all[j].sq = all[j].n+1, all[j].sum+xj, all[j].sq+xj*xj
			}
		}
		z := func(m *moments, x float64) float64 {
			if m == nil || m.n < 2 {
				return 0
			}
			mean := m.sum / m.n
			sd := math.Sqrt(max(m.sq/m.n-mean*mean, 0))
			if sd < 1e-9 {
				return 0
			}
			return (x - mean) / sd
		}
		standard := func(i int) []float64 {
			x := raw(i)
			for j := range x {
				if j == spend {
					x[j] = z(byCurrency[facts[i].Value.Currency], x[j])
				} else {
					x[j] = z(&all[j], x[j])
				}
			}
			return x
		}
		points := make([][]float64, len(rs))
		for j, r := range rs {
			points[j] = standard(r.i)
		}
		nearest := make([]int, 0, o.K) // indexes into rs, nearest first
		dist := make([]float64, len(rs))
		for _, i := range young[k] {
			x := standard(i)
			nearest = nearest[:0]
			for j, p := range points {
				d := 0.0
				for c := range x {
					d += (x[c] - p[c]) * (x[c] - p[c])
				}
				dist[j] = d
				switch {
				case len(nearest) < o.K:
					nearest = append(nearest, j)
				case d < dist[nearest[o.K-1]]:
					nearest[o.K-1] = j
				default:
					continue
				}
				for m := len(nearest) - 1; m > 0 && dist[nearest[m]] < dist[nearest[m-1]]; m-- {
					nearest[m], nearest[m-1] = nearest[m-1], nearest[m]
				}
			}
			tops := 0
			for _, j := range nearest {
				if rs[j].top {
					tops++
				}
			}
			share := float64(tops) / float64(len(nearest))
			if share < o.MinShare {
				continue
			}
			s, v := facts[i].Stages[k], facts[i].Value
			did := []string{thousands.Count(s.Purchases, "purchase")}
			if s.Lines > 0 { // orders without a product line say nothing of it
				did = append(did, thousands.Count(s.Lines, "product line"))
			}
			did = append(did, money(s.Spend, v.Currency))
			text := fmt.Sprintf("In their first %d days: %s; %d of the %d most similar customers at that stage became top-fifth customers",
				rapport.AlmostStages[k], strings.Join(did, ", "), tops, len(nearest))
			out[i] = lookalike{rapport.AlmostReason{Kind: rapport.AlmostLookalike, Signal: rapport.SignalLookalike, Text: text, Strength: share}, share}
		}
	}
	return out
}

// money writes a whole amount with thousands separators: 4,210 EUR.
func money(v float64, currency string) string {
	return strings.TrimSpace(thousands.Group(strconv.FormatInt(int64(math.Round(v)), 10)) + " " + currency)
}

func percent(p float64) string { return strconv.Itoa(int(math.Round(100*p))) + " %" }

// rate writes how many times something usually happens: to a tenth below ten ("0.3",
// "2.5", "6" rather than "6.0"), whole from ten on ("87", not "87.3").
func rate(x float64) string {
	if x >= 9.95 {
		return thousands.Int(int(math.Round(x)))
	}
	return strings.TrimSuffix(strconv.FormatFloat(x, 'f', 1, 64), ".0")
}

func day(t time.Time) string { return t.UTC().Format("2 January 2006") }

// clip keeps a customer's text short and valid: at most n characters, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
