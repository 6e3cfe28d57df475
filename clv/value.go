package clv

import "math"

// Score is what the models expect of a customer after the calibration period.
type Score struct {
	Customer  string  `json:"customer"`
	PAlive    float64 `json:"p_alive"`            // still a customer at the end of the calibration period
	Purchases float64 `json:"expected_purchases"` // over the horizon
	Spend     float64 `json:"expected_spend"`     // per purchase; 0 without a spend model
	Value     float64 `json:"clv"`                // discounted expected margin over the horizon
}

// Valuation says how future purchases are valued: over Horizon units, each purchase's
// expected spend times Margin (the share of spend that is profit), discounted at
// Discount per unit. The horizon is counted in valuationSteps equal steps, each
// discounted from its end.
type Valuation struct {
	Horizon  float64
	Margin   float64
	Discount float64
}

const valuationSteps = 12

// outlook is what the purchase model expects of one history over the horizon.
type outlook struct {
	pAlive, purchases float64
	discounted        float64 // purchases, each discounted to the end of the calibration period
}

func (v Valuation) outlook(bg BGNBD, c Customer) outlook {
	o := outlook{pAlive: bg.PAlive(c)}
	step := v.Horizon / valuationSteps
	for k := 1; k <= valuationSteps; k++ {
		upTo := bg.ExpectedPurchases(c, float64(k)*step)
		o.discounted += (upTo - o.purchases) / math.Pow(1+v.Discount, float64(k)*step)
		o.purchases = upTo
	}
	return o
}

func (v Valuation) score(c Customer, o outlook, spend *GammaGamma) Score {
	s := Score{Customer: c.ID, PAlive: o.pAlive, Purchases: o.purchases}
	perPurchase := v.Margin
	if spend != nil {
		s.Spend = spend.ExpectedSpend(c)
		perPurchase *= s.Spend
	}
	s.Value = o.discounted * perPurchase
	return s
}

// Score scores a customer; spend is nil when amounts are unknown, and the value is then
// the discounted number of purchases times the margin.
func (v Valuation) Score(bg BGNBD, spend *GammaGamma, c Customer) Score {
	return v.score(c, v.outlook(bg, c), spend)
}

// ScoreAll scores every customer, working out the outlook of each history once.
func (v Valuation) ScoreAll(bg BGNBD, spend *GammaGamma, cs []Customer) []Score {
	index := map[historyKey]int{}
	var distinct []Customer
	for _, c := range cs {
		if _, ok := index[keyOf(c)]; !ok {
			index[keyOf(c)] = len(distinct)
			distinct = append(distinct, c)
		}
	}
	outlooks := make([]outlook, len(distinct))
	inParallel(len(distinct), func(lo, hi int) struct{} {
		for i := lo; i < hi; i++ {
			outlooks[i] = v.outlook(bg, distinct[i])
		}
		return struct{}{}
	})
	out := make([]Score, len(cs))
	for i, c := range cs {
		out[i] = v.score(c, outlooks[index[keyOf(c)]], spend)
	}
	return out
}
