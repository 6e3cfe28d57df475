// Package propose proposes segments: it clusters the customers with purchases on their
// value and behaviour (package kmeans), describes each cluster in words, and writes it
// as a rule of the segment language that a user can save as a segment.
package propose

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/kmeans"
)

// MinCustomers is how many customers with purchases a clustering needs.
const MinCustomers = 50

// features are the columns clustered on, in the order of row. Each has a rule that
// tests it (see bound.rule), so that a cluster can be written as a segment.
var features = []kmeans.Feature{
	{Name: "recency_days", Label: "days since the last purchase", Log: true, High: "not bought for a while", Low: "bought recently"},
	{Name: "purchases", Label: "purchases", Log: true, High: "buy often", Low: "bought rarely"},
	{Name: "revenue", Label: "spend to date", Log: true, High: "big spenders", Low: "small spenders"},
	{Name: "p_alive", Label: "% chance of still buying", High: "more likely still buying", Low: "less likely still buying"},
	{Name: "clv", Label: "lifetime value", Log: true},
	{Name: "contacts", Label: "contacts in the last year", Log: true, High: "in touch often", Low: "rarely in touch"},
}

// contactDays is the window of the contacts feature, in days before today.
const contactDays = 365

func row(f rapport.CustomerFeatures, today time.Time) []float64 {
	last := time.Date(f.LastPurchase.Year(), f.LastPurchase.Month(), f.LastPurchase.Day(), 0, 0, 0, 0, time.UTC)
	return []float64{
		max(0, math.Round(today.Sub(last).Hours()/24)),
		float64(f.Purchases),
		max(0, f.Revenue.Float()),
		100 * f.PAlive, // in percent, as people read it
		max(0, f.CLV),
		float64(f.Contacts),
	}
}

// Summary says what a run did.
type Summary struct {
	Currency            string // of the customers clustered
	Customers, Segments int
	Elsewhere           int // customers with purchases in other currencies
	Silhouette          float64
	Took                time.Duration
}

func (s Summary) String() string {
	if s.Segments == 0 {
		return fmt.Sprintf("no segments proposed: %d customers have purchases in %s, the most used currency; at least %d are needed",
			s.Customers, cmp.Or(s.Currency, "any currency"), MinCustomers)
	}
	return fmt.Sprintf("%d segments proposed from %d customers buying in %s (mean silhouette %.2f; %d in other currencies left out) in %s",
		s.Segments, s.Customers, s.Currency, s.Silhouette, s.Elsewhere, s.Took.Round(time.Millisecond))
}

// Run clusters the customers with a value as of now who buy in the most used currency,
// and keeps the proposals. Amounts in different currencies do not compare, so the
// others are left out, and every rule begins with the currency. With fewer than
// MinCustomers it keeps the last proposals and says so.
func Run(ctx context.Context, store rapport.ProposalService, s rapport.Scope, now time.Time) (Summary, error) {
	start := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	byCurrency := map[string][][]float64{}
	err := store.EachCustomerFeatures(ctx, s, today.AddDate(0, 0, -contactDays), func(f rapport.CustomerFeatures) error {
		byCurrency[f.Currency] = append(byCurrency[f.Currency], row(f, today))
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	all := 0
	for cur, rows := range byCurrency {
		all += len(rows)
		if n := len(byCurrency[sum.Currency]); len(rows) > n || len(rows) == n && cur < sum.Currency {
			sum.Currency = cur
		}
	}
	rows := byCurrency[sum.Currency]
	sum.Customers, sum.Elsewhere = len(rows), all-len(rows)
	if len(rows) < MinCustomers {
		return sum, nil
	}
	p, err := Propose(rows, sum.Currency, now)
	if err != nil {
		return sum, err
	}
	p.Currency, p.Elsewhere = sum.Currency, sum.Elsewhere
	for i := range p.Segments {
		p.Segments[i].Rule = "currency = " + sum.Currency + " AND " + p.Segments[i].Rule
	}
	sum.Segments, sum.Silhouette = len(p.Segments), p.Silhouette
	sum.Took = time.Since(start)
	return sum, store.ReplaceSegmentProposals(ctx, s, p)
}

// Propose clusters the rows (one per customer, in the order of features, amounts in
// currency) and writes each cluster as a rule.
func Propose(rows [][]float64, currency string, now time.Time) (*rapport.SegmentProposals, error) {
	features := slices.Clone(features)
	for i, f := range features {
		if f.Name == "revenue" || f.Name == "clv" {
			features[i].Unit = currency
		}
	}
	res, err := kmeans.Run(features, rows, kmeans.Options{Seed: 1})
	if err != nil {
		return nil, err
	}
	p := &rapport.SegmentProposals{ComputedAt: now.UTC(), Customers: len(rows), K: res.K, Silhouette: res.Silhouette}
	for j, f := range features {
		var total float64
		for _, r := range rows {
			total += r[j]
		}
		p.Features = append(p.Features, rapport.ProposalFeature{Name: f.Name, Label: f.Label, Mean: total / float64(len(rows))})
	}
	for _, sc := range res.Scores {
		p.Scores = append(p.Scores, rapport.ProposalScore{K: sc.K, Silhouette: sc.Silhouette})
	}
	lo, hi := columnRange(rows)
	everyone := make([]float64, len(p.Features))
	for j, f := range p.Features {
		everyone[j] = f.Mean
	}
	for c, cl := range res.Clusters {
		bounds := boundsOf(cl, lo, hi, everyone)
		rules := make([]string, len(bounds))
		for i, b := range bounds {
			rules[i] = b.rule()
		}
		seg := rapport.ProposedSegment{Description: cl.Description, Share: float64(cl.Size) / float64(len(rows)),
			Means: cl.Centroid, Rule: strings.Join(rules, " AND ")}
		seg.Recall, seg.Precision = agreement(rows, res.Assign, c, bounds)
		p.Segments = append(p.Segments, seg)
	}
	return p, nil
}

// bound is one condition of a proposed rule: feature j at least (or at most) value.
type bound struct {
	j     int
	least bool
	value float64
}

// boundsOf approximates a cluster by a box on the features that set it apart most:
// those on which kmeans.SetsApart, the strongest mostBounds of them. Members above the average are those at least at
// the cluster's 10th percentile, members below it those at most at its 90th. Bounds
// that every customer meets are left out. A cluster that nothing sets apart is bounded
// on its most distinctive feature.
func boundsOf(cl kmeans.Cluster, lo, hi, everyone []float64) []bound {
	var bounds []bound
	for _, j := range byStrength(cl.Z) {
		b := bound{j: j, least: cl.Z[j] > 0, value: roundDown(cl.Low[j], j)}
		if !b.least {
			b.value = roundUp(cl.High[j], j)
		}
		if (b.least && b.value <= lo[j]) || (!b.least && b.value >= hi[j]) {
			continue // every customer meets it
		}
		if len(bounds) > 0 && (len(bounds) == mostBounds || !kmeans.SetsApart(cl.Z[j], cl.Centroid[j], everyone[j])) {
			break
		}
		bounds = append(bounds, b)
	}
	return bounds
}

// mostBounds is how many conditions a proposed rule has at most: each one leaves out
// up to a tenth of the cluster, and a rule is read by people.
const mostBounds = 3

// byStrength is the features' indexes, the farthest from everyone's mean first.
func byStrength(z []float64) []int {
	order := make([]int, len(z))
	for j := range order {
		order[j] = j
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(math.Abs(z[b]), math.Abs(z[a])) })
	return order
}

func (b bound) meets(r []float64) bool {
	if b.least {
		return r[b.j] >= b.value
	}
	return r[b.j] <= b.value
}

// rule writes the bound in the segment language. Days since the last purchase become
// the day of the last purchase: at least 60 days is on or before 60 days ago.
func (b bound) rule() string {
	op := map[bool]string{true: ">=", false: "<="}[b.least]
	v := strconv.FormatFloat(b.value, 'f', -1, 64)
	switch features[b.j].Name {
	case "recency_days":
		op = map[bool]string{true: "<=", false: ">="}[b.least]
		return "last_purchase " + op + " " + v + "d ago"
	case "contacts":
		types := make([]string, len(rapport.ContactTypes))
		for i, t := range rapport.ContactTypes {
			types[i] = string(t)
		}
		return fmt.Sprintf("count(type in (%s), since %dd ago) %s %s", strings.Join(types, ", "), contactDays, op, v)
	case "p_alive":
		return "p_alive " + op + " " + strconv.FormatFloat(b.value/100, 'f', -1, 64)
	default:
		return features[b.j].Name + " " + op + " " + v
	}
}

// agreement is how well the bounds find cluster c: the share of its members they
// find (recall), and the share of the rows they find that are members (precision).
func agreement(rows [][]float64, assign []int, c int, bounds []bound) (recall, precision float64) {
	var members, found, both int
	for i, r := range rows {
		in := assign[i] == c
		meets := len(bounds) > 0
		for _, b := range bounds {
			meets = meets && b.meets(r)
		}
		if in {
			members++
		}
		if meets {
			found++
			if in {
				both++
			}
		}
	}
	if members > 0 {
		recall = float64(both) / float64(members)
	}
	if found > 0 {
		precision = float64(both) / float64(found)
	}
	return recall, precision
}

func columnRange(rows [][]float64) (lo, hi []float64) {
	lo, hi = append([]float64(nil), rows[0]...), append([]float64(nil), rows[0]...)
	for _, r := range rows[1:] {
		for j, v := range r {
			lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
		}
	}
	return lo, hi
}

// roundDown and roundUp make a bound readable, widening it a little: to a whole
// percent for the chance of still buying, else to two significant figures, whole
// numbers for counts and days.
func roundDown(v float64, j int) float64 { return round(v, j, math.Floor) }
func roundUp(v float64, j int) float64   { return round(v, j, math.Ceil) }

func round(v float64, j int, to func(float64) float64) float64 {
	if features[j].Name == "p_alive" {
		return to(v)
	}
	if v <= 0 {
		return 0
	}
	step := math.Max(1, math.Pow10(int(math.Floor(math.Log10(v)))-1))
	return to(v/step) * step
}
