package clv

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// BGNBD is the beta-geometric/negative binomial model of repeat purchases: while a
// customer is active they buy at a rate drawn from Gamma(R, Alpha); after each purchase
// they drop out with a probability drawn from Beta(A, B).
type BGNBD struct {
	R     float64 `json:"r"`
	Alpha float64 `json:"alpha"`
	A     float64 `json:"a"`
	B     float64 `json:"b"`
}

// FitBGNBD estimates the model by maximum likelihood and returns it with its
// log-likelihood.
func FitBGNBD(cs []Customer) (BGNBD, float64, error) {
	if len(cs) == 0 {
		return BGNBD{}, 0, errors.New("there are no customers to fit the model to")
	}
	meanT := 0.0
	for _, c := range cs {
		meanT += c.T / float64(len(cs))
	}
	hs := histories(cs)
	p, err := fitPositive([]float64{1, max(meanT, 1e-3), 1, 1}, len(cs), func(p, grad []float64) float64 {
		return BGNBD{p[0], p[1], p[2], p[3]}.logLikelihood(hs, grad)
	})
	if err != nil {
		return BGNBD{}, 0, fmt.Errorf("BG/NBD: %w", err)
	}
	m := BGNBD{p[0], p[1], p[2], p[3]}
	return m, m.logLikelihood(hs, nil), nil
}

// history is what BG/NBD knows of a customer, and how many customers share it: with
// times counted in whole days, many do, and each is computed once.
type history struct {
	x     int
	tx, t float64
	n     float64
}

type historyKey struct {
	x     int
	tx, t float64
}

func keyOf(c Customer) historyKey { return historyKey{c.X, c.Tx, c.T} }

// histories groups the customers by history.
func histories(cs []Customer) []history {
	index := map[historyKey]int{}
	var hs []history
	for _, c := range cs {
		k := keyOf(c)
		i, ok := index[k]
		if !ok {
			i = len(hs)
			index[k] = i
			hs = append(hs, history{x: c.X, tx: c.Tx, t: c.T})
		}
		hs[i].n++
	}
	return hs
}

// LogLikelihood is the log-likelihood of the customers' calibration purchases.
func (m BGNBD) LogLikelihood(cs []Customer) float64 { return m.logLikelihood(histories(cs), nil) }

// logLikelihood also sets grad, when not nil, to the gradient with respect to the
// logarithms of r, α, a and b.
func (m BGNBD) logLikelihood(cs []history, grad []float64) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	// The gamma functions of x depend on x alone: sums of logarithms over k < x,
	// tabled once for every x.
	maxX := 0
	for _, h := range cs {
		maxX = max(maxX, h.x)
	}
	lr, gr := make([]float64, maxX+1), make([]float64, maxX+1) // Σ ln(r+k), Σ 1/(r+k)
	lab, ga, gb := make([]float64, maxX+1), make([]float64, maxX+1), make([]float64, maxX+1)
	for x := 1; x <= maxX; x++ {
		k := float64(x - 1)
		lr[x] = lr[x-1] + math.Log(r+k)
		gr[x] = gr[x-1] + 1/(r+k)
		lab[x] = lab[x-1] + math.Log(b+k) - math.Log(a+b+k)
		ga[x] = ga[x-1] - 1/(a+b+k)
		gb[x] = gb[x-1] + 1/(b+k) - 1/(a+b+k)
	}
	lnAlpha, lnA := math.Log(alpha), math.Log(a)
	type part struct{ ll, dr, dalpha, da, db float64 }
	parts := inParallel(len(cs), func(lo, hi int) part {
		var p part
		for _, h := range cs[lo:hi] {
			x := float64(h.x)
			lnT := math.Log(alpha + h.t)
			a3 := -(r + x) * lnT
			ll, w4 := a3, 0.0
			lnTx := 0.0
			if h.x > 0 {
				lnTx = math.Log(alpha + h.tx)
				a4 := lnA - math.Log(b+x-1) - (r+x)*lnTx
				hi := max(a3, a4)
				e3, e4 := math.Exp(a3-hi), math.Exp(a4-hi)
				ll = hi + math.Log(e3+e4)
				w4 = e4 / (e3 + e4)
			}
			w3 := 1 - w4
			p.ll += h.n * (lr[h.x] + r*lnAlpha + lab[h.x] + ll)
			if grad != nil {
				dr := gr[h.x] + lnAlpha - w3*lnT - w4*lnTx
				dalpha := r/alpha - w3*(r+x)/(alpha+h.t)
				da := ga[h.x] + w4/a
				db := gb[h.x]
				if h.x > 0 {
					dalpha -= w4 * (r + x) / (alpha + h.tx)
					db -= w4 / (b + x - 1)
				}
				p.dr += h.n * dr
				p.dalpha += h.n * dalpha
				p.da += h.n * da
				p.db += h.n * db
			}
		}
		return p
	})
	var total part
	for _, p := range parts {
		total.ll += p.ll
		total.dr += p.dr
		total.dalpha += p.dalpha
		total.da += p.da
		total.db += p.db
	}
	if grad != nil {
		// d/d ln p = p · d/dp
		grad[0], grad[1], grad[2], grad[3] = r*total.dr, alpha*total.dalpha, a*total.da, b*total.db
	}
	return total.ll
}

// odds is the odds that the customer has dropped out, against being active.
func (m BGNBD) odds(c Customer) float64 {
	if c.X == 0 {
		return 0
	}
	x := float64(c.X)
	return m.A / (m.B + x - 1) * math.Pow((m.Alpha+c.T)/(m.Alpha+c.Tx), m.R+x)
}

// PAlive is the probability that the customer is still active at the end of the
// calibration period.
func (m BGNBD) PAlive(c Customer) float64 { return 1 / (1 + m.odds(c)) }

// ExpectedPurchases is the number of purchases the customer is expected to make in the
// t units after the calibration period.
func (m BGNBD) ExpectedPurchases(c Customer, t float64) float64 {
	x := float64(c.X)
	z := t / (m.Alpha + c.T + t)
	f := mathext.Hypergeo(m.R+x, m.B+x, m.A+m.B+x-1, z)
	front := (m.A + m.B + x - 1) / (m.A - 1)
	return front * (1 - math.Pow((m.Alpha+c.T)/(m.Alpha+c.T+t), m.R+x)*f) / (1 + m.odds(c))
}

// fitPositive maximises a log-likelihood of n customers over positive parameters,
// from start. ll sets grad, when not nil, to its gradient with respect to the
// logarithms of the parameters. The search runs over the logarithms, which keeps the
// parameters positive, on the likelihood divided by n, so that the optimiser's
// tolerances mean the same at any size.
func fitPositive(start []float64, n int, ll func(p, grad []float64) float64) ([]float64, error) {
	exp := func(theta []float64) []float64 {
		p := make([]float64, len(theta))
		for i, t := range theta {
			p[i] = math.Exp(t)
		}
		return p
	}
	negative := func(theta, grad []float64) float64 {
		v := ll(exp(theta), grad)
		for i := range grad {
			grad[i] /= -float64(n)
		}
		return -v / float64(n)
	}
	theta0 := make([]float64, len(start))
	for i, v := range start {
		theta0[i] = math.Log(v)
	}
	problem := optimize.Problem{
		Func: func(theta []float64) float64 { return negative(theta, nil) },
		Grad: func(grad, theta []float64) { negative(theta, grad) },
	}
	settings := &optimize.Settings{GradientThreshold: 1e-7, MajorIterations: 500}
	res, err := optimize.Minimize(problem, theta0, settings, &optimize.BFGS{})
	if err != nil && !(res != nil && stalledFlat(res.X, negative)) {
		return nil, err
	}
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("the fit did not converge")
		}
	}
	return exp(res.X), nil
}

// stalledFlat reports whether a search that failed stopped where the mean
// log-likelihood is flat: its line search finds no step that changes the value beyond
// rounding. That happens on a ridge, where the data fix one combination of the
// parameters and not the others (customers' spends alike, so the spend model's q and γ
// grow together without end); any point there fits as well as the next.
func stalledFlat(theta []float64, negative func(theta, grad []float64) float64) bool {
	grad := make([]float64, len(theta))
	if v := negative(theta, grad); math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	return floats.Norm(grad, 2) < 1e-4
}

// inParallel splits n items into one range per processor and returns what fn makes
// of each.
func inParallel[T any](n int, fn func(lo, hi int) T) []T {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/10000))
	out := make([]T, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { out[w] = fn(n*w/workers, n*(w+1)/workers) })
	}
	wg.Wait()
	return out
}
