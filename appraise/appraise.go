// Package appraise works out every customer's value from their purchases: RFM scores,
// and what the BG/NBD and Gamma–Gamma models (package clv) expect of them.
package appraise

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/clv"
)

// minSpenders is how many customers with repeat purchases in a group (a currency and
// a kind of buyer) the spend model needs; with fewer, a customer's expected spend
// is their own mean purchase.
const minSpenders = 10

// Summary says what a run did.
type Summary struct {
	Customers, Currencies int
	Model                 clv.BGNBD
	OwnMeans              []string // groups with no spend model, such as "EUR people", whose customers are expected to spend their own mean
	Took                  time.Duration
}

func (s Summary) String() string {
	if s.Customers == 0 {
		return "no customer has bought anything yet"
	}
	own := ""
	if len(s.OwnMeans) > 0 {
		own = "; no spend model for " + strings.Join(s.OwnMeans, ", ") + ", so each of them is expected to spend their own mean"
	}
	return fmt.Sprintf("%d customers with purchases in %d currencies valued (r %.3f, alpha %.3f, a %.3f, b %.3f)%s in %s",
		s.Customers, s.Currencies, s.Model.R, s.Model.Alpha, s.Model.A, s.Model.B, own, s.Took.Round(time.Millisecond))
}

// customer is one customer's purchases in their main currency, summarised.
type customer struct {
	id        rapport.ID
	buyer     rapport.Buyer
	currency  string
	summary   clv.Customer
	purchases int
	revenue   rapport.Amount
	first     time.Time
	last      time.Time
}

// Run values every customer with purchases up to now and replaces the stored values.
func Run(ctx context.Context, store rapport.ValueService, s rapport.Scope, now time.Time) (Summary, error) {
	start := time.Now()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	customers, err := read(ctx, store, s, today)
	if err != nil {
		return Summary{}, err
	}
	summaries := make([]clv.Customer, len(customers))
	for i, c := range customers {
		summaries[i] = c.summary
	}
	sum := Summary{Customers: len(customers)}
	if len(customers) == 0 {
		return sum, nil // nothing to value until a first order or transaction arrives
	}
	bg, _, err := clv.FitBGNBD(summaries)
	if err != nil {
		return sum, fmt.Errorf("the purchase model could not be fitted: %w", err)
	}
	sum.Model = bg
	weekly := math.Pow(1+rapport.ValueDiscount, 7/365.25) - 1
	valuation := clv.Valuation{Horizon: rapport.ValueHorizon.Hours() / 24 / 7, Margin: 1, Discount: weekly}

	// The spend model is fitted in each currency to each kind of buyer apart: a firm's
	// business customers, and the people who buy for them, spend on another scale than
	// its consumers, and one model over both has so heavy a tail that it often has no
	// finite mean.
	values := make([]rapport.CustomerValue, len(customers))
	type group struct {
		currency string
		buyer    rapport.Buyer
	}
	groups, byCurrency := map[group][]int{}, map[string][]int{}
	for i, c := range customers {
		g := group{c.currency, c.buyer}
		groups[g] = append(groups[g], i)
		byCurrency[c.currency] = append(byCurrency[c.currency], i)
	}
	sum.Currencies = len(byCurrency)
	order := slices.SortedFunc(maps.Keys(groups), func(a, b group) int {
		return cmp.Or(cmp.Compare(a.currency, b.currency), cmp.Compare(a.buyer, b.buyer))
	})
	for _, g := range order {
		idx := groups[g]
		members := make([]clv.Customer, len(idx))
		for j, i := range idx {
			members[j] = summaries[i]
		}
		var spend *clv.GammaGamma
		if countSpenders(members) >= minSpenders {
			if gg, _, err := clv.FitGammaGamma(members); err == nil {
				spend = &gg
			}
		}
		if spend == nil {
			sum.OwnMeans = append(sum.OwnMeans, g.currency+" "+string(g.buyer))
		}
		scores := valuation.ScoreAll(bg, spend, members)
		for j, i := range idx {
			c, sc := customers[i], scores[j]
			if spend == nil {
				// Without a spend model, a purchase is expected to cost what this
				// customer's purchases cost on average.
				sc.Spend = c.revenue.Float() / float64(c.purchases)
				sc.Value *= sc.Spend
			}
			values[i] = rapport.CustomerValue{CustomerID: c.id, Currency: c.currency, Purchases: c.purchases, Revenue: c.revenue,
				FirstAt: c.first, LastAt: c.last, PAlive: sc.PAlive, ExpectedPurchases: sc.Purchases, ExpectedSpend: sc.Spend,
				LifetimeValue: sc.Value, ComputedAt: now}
		}
	}
	for _, idx := range byCurrency {
		quintiles(values, idx, func(v *rapport.CustomerValue) float64 { return v.Revenue.Float() }, func(v *rapport.CustomerValue, q int) { v.Monetary = q })
	}
	all := make([]int, len(values))
	for i := range all {
		all[i] = i
	}
	quintiles(values, all, func(v *rapport.CustomerValue) float64 { return float64(v.LastAt.Unix()) }, func(v *rapport.CustomerValue, q int) { v.Recency = q })
	quintiles(values, all, func(v *rapport.CustomerValue) float64 { return float64(v.Purchases) }, func(v *rapport.CustomerValue, q int) { v.Frequency = q })
	if err := store.ReplaceCustomerValues(ctx, s, values); err != nil {
		return sum, err
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// read summarises every customer's purchases in their main currency (the one of most
// purchases), up to the day before today.
func read(ctx context.Context, store rapport.ValueService, s rapport.Scope, today time.Time) ([]customer, error) {
	var out []customer
	var current rapport.ID
	var bought []rapport.Purchase
	flush := func() {
		if len(bought) == 0 {
			return
		}
		c, ok := summarise(current, bought, today)
		bought = bought[:0]
		if ok {
			out = append(out, c)
		}
	}
	err := store.EachPurchase(ctx, s, func(p rapport.Purchase) error {
		if p.CustomerID != current {
			flush()
			current = p.CustomerID
		}
		if p.At.Before(today) {
			bought = append(bought, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	flush()
	return out, nil
}

// summarise turns one customer's purchases into what the models need.
func summarise(id rapport.ID, bought []rapport.Purchase, today time.Time) (customer, bool) {
	count := map[string]int{}
	for _, p := range bought {
		count[p.Currency]++
	}
	currency := ""
	for cur, n := range count {
		if n > count[currency] || n == count[currency] && cur < currency {
			currency = cur
		}
	}
	c := customer{id: id, buyer: bought[0].Buyer, currency: currency}
	var purchases []clv.Purchase
	for _, p := range bought {
		if p.Currency != currency {
			continue
		}
		day := time.Date(p.At.Year(), p.At.Month(), p.At.Day(), 0, 0, 0, 0, time.UTC)
		purchases = append(purchases, clv.Purchase{Customer: "c", Day: day, Amount: p.Amount.Float()})
		c.revenue += p.Amount
		if c.first.IsZero() || p.At.Before(c.first) {
			c.first = p.At
		}
		if p.At.After(c.last) {
			c.last = p.At
		}
	}
	// The calibration period ends with yesterday: today is not over.
	summaries, err := clv.Summarise(purchases, today.AddDate(0, 0, -1), today.AddDate(0, 0, -1), clv.Week)
	if err != nil || len(summaries) != 1 {
		return c, false
	}
	c.summary = summaries[0]
	c.summary.ID = id.String()
	c.purchases = c.summary.X + 1
	return c, true
}

func countSpenders(cs []clv.Customer) int {
	n := 0
	for _, c := range cs {
		if c.X > 0 && c.Spend > 0 {
			n++
		}
	}
	return n
}

// quintiles scores the values at idx from 1 to 5 by key, 5 for the highest fifth;
// equal keys get equal scores.
func quintiles(values []rapport.CustomerValue, idx []int, key func(*rapport.CustomerValue) float64, set func(*rapport.CustomerValue, int)) {
	order := slices.Clone(idx)
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(key(&values[a]), key(&values[b])) })
	rank := 0
	for i, at := range order {
		if i > 0 && key(&values[at]) != key(&values[order[i-1]]) {
			rank = i
		}
		set(&values[at], 1+5*rank/len(order))
	}
}
