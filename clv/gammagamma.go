package clv

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// GammaGamma is the model of what customers spend on a purchase: each customer's
// amounts are gamma distributed with shape P around a mean of their own, whose scale
// parameter is drawn from Gamma(Q, Gamma) across customers (Fader, Hardie & Lee 2005,
// "RFM and CLV").
type GammaGamma struct {
	P     float64 `json:"p"`
	Q     float64 `json:"q"`
	Gamma float64 `json:"gamma"`
}

// spender is a customer with repeat purchases of a positive mean amount, as the spend
// model is fitted on them, with the logarithms that do not change while it is.
type spender struct {
	x        int
	z        float64 // mean spend
	lnZ, lnX float64
}

func spenders(cs []Customer) []spender {
	var out []spender
	for _, c := range cs {
		if fitsSpend(c) {
			out = append(out, spender{c.X, c.Spend, math.Log(c.Spend), math.Log(float64(c.X))})
		}
	}
	return out
}

// fitsSpend reports whether the spend model rests on the customer: repeat purchases
// whose mean amount is above 0. The others are valued at the population's mean.
func fitsSpend(c Customer) bool { return c.X > 0 && c.Spend > 0 }

// LeftOutOfSpend counts the repeat buyers the spend model leaves out: their mean amount
// is 0 or less (refunds as large as their purchases).
func LeftOutOfSpend(cs []Customer) int {
	n := 0
	for _, c := range cs {
		if c.X > 0 && !fitsSpend(c) {
			n++
		}
	}
	return n
}

// FitGammaGamma estimates the model by maximum likelihood from the customers with
// repeat purchases, and returns it with its log-likelihood.
func FitGammaGamma(cs []Customer) (GammaGamma, float64, error) {
	ss := spenders(cs)
	if len(ss) == 0 {
		return GammaGamma{}, 0, errors.New("no customer has repeat purchases with an amount to fit the spend model to")
	}
	mean := 0.0
	for _, s := range ss {
		mean += s.z / float64(len(ss))
	}
	p, err := fitPositive([]float64{1, 1, mean}, len(ss), func(p, grad []float64) float64 {
		return GammaGamma{p[0], p[1], p[2]}.logLikelihood(ss, grad)
	})
	if err != nil {
		return GammaGamma{}, 0, fmt.Errorf("Gamma-Gamma: %w", err)
	}
	m := GammaGamma{p[0], p[1], p[2]}
	if m.Q <= 1 {
		// The customers' mean spends have no finite mean across customers: a few
		// spend so much more than the rest that the model would expect negative or
		// unbounded amounts of those with few purchases.
		return m, 0, fmt.Errorf("Gamma-Gamma: the fitted q is %.3g, at most 1, so the model has no finite mean spend; it needs more customers with repeat purchases, or fewer extreme amounts", m.Q)
	}
	return m, m.logLikelihood(ss, nil), nil
}

// LogLikelihood is the log-likelihood of the mean spend of the customers with repeat
// purchases.
func (m GammaGamma) LogLikelihood(cs []Customer) float64 { return m.logLikelihood(spenders(cs), nil) }

// logLikelihood also sets grad, when not nil, to the gradient with respect to the
// logarithms of p, q and γ.
func (m GammaGamma) logLikelihood(ss []spender, grad []float64) float64 {
	p, q, g := m.P, m.Q, m.Gamma
	// The gamma functions depend on x alone: tabled once for every x.
	maxX := 0
	for _, s := range ss {
		maxX = max(maxX, s.x)
	}
	lgq, _ := math.Lgamma(q)
	psiQ := mathext.Digamma(q)
	lnG := math.Log(g)
	lgRatio, psiSum, psiPX := make([]float64, maxX+1), make([]float64, maxX+1), make([]float64, maxX+1)
	for x := 1; x <= maxX; x++ {
		px := p * float64(x)
		a, _ := math.Lgamma(px + q)
		b, _ := math.Lgamma(px)
		lgRatio[x] = a - b - lgq
		if grad != nil {
			psiSum[x], psiPX[x] = mathext.Digamma(px+q), mathext.Digamma(px)
		}
	}
	type part struct{ ll, dp, dq, dg float64 }
	parts := inParallel(len(ss), func(lo, hi int) part {
		var t part
		for _, s := range ss[lo:hi] {
			x := float64(s.x)
			px := p * x
			gxz := g + x*s.z
			lnGxz := math.Log(gxz)
			t.ll += lgRatio[s.x] + q*lnG + (px-1)*s.lnZ + px*s.lnX - (px+q)*lnGxz
			if grad != nil {
				t.dp += x * (psiSum[s.x] - psiPX[s.x] + s.lnZ + s.lnX - lnGxz)
				t.dq += psiSum[s.x] - psiQ + lnG - lnGxz
				t.dg += q/g - (px+q)/gxz
			}
		}
		return t
	})
	var t part
	for _, s := range parts {
		t.ll, t.dp, t.dq, t.dg = t.ll+s.ll, t.dp+s.dp, t.dq+s.dq, t.dg+s.dg
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = p*t.dp, q*t.dq, g*t.dg
	}
	return t.ll
}

// ExpectedSpend is the expected amount of the customer's future purchases: their own
// mean, shrunk towards the population's by how few purchases it rests on.
func (m GammaGamma) ExpectedSpend(c Customer) float64 {
	if !fitsSpend(c) {
		return m.P * m.Gamma / (m.Q - 1)
	}
	x := float64(c.X)
	return m.P * (m.Gamma + x*c.Spend) / (m.P*x + m.Q - 1)
}
