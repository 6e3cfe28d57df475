package clv

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// simulate draws customers from a BG/NBD model: each buys at a rate from
// Gamma(r, α) while active, and after each repeat purchase drops out with a probability
// from Beta(a, b). Calibration periods run 26 to 39 units; the hold-out lasts h.
func simulate(m BGNBD, n int, h float64, seed uint64) []Customer {
	src := rand.NewPCG(seed, seed+1)
	rng := rand.New(src)
	rates := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: src}
	drops := distuv.Beta{Alpha: m.A, Beta: m.B, Src: src}
	cs := make([]Customer, n)
	for i := range cs {
		lambda, p := rates.Rand(), drops.Rand()
		c := Customer{T: 26 + 13*rng.Float64()}
		for t := 0.0; ; {
			t += rng.ExpFloat64() / lambda
			if t > c.T+h {
				break
			}
			if t <= c.T {
				c.X++
				c.Tx = t
			} else {
				c.HoldoutX++
			}
			if rng.Float64() < p {
				break
			}
		}
		cs[i] = c
	}
	return cs
}

// TestRecoversSimulated fits customers simulated from known parameters: the estimates
// come back close, and the forecast of each group of customers matches what the
// simulated customers went on to buy.
func TestRecoversSimulated(t *testing.T) {
	truth := BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 3}
	cs := simulate(truth, 40000, 39, 7)
	m, _, err := FitBGNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"r", m.R, truth.R}, {"alpha", m.Alpha, truth.Alpha}, {"a", m.A, truth.A}, {"b", m.B, truth.B}} {
		if math.Abs(p.got-p.want) > 0.15*p.want {
			t.Errorf("%s: estimated %.3f, simulated with %v", p.name, p.got, p.want)
		}
	}
	// Forecasts with the true parameters, against the simulated hold-out, by number of
	// calibration purchases.
	type group struct {
		n                 int
		predicted, actual float64
	}
	groups := map[int]*group{}
	for _, c := range cs {
		g := groups[min(c.X, 5)]
		if g == nil {
			g = &group{}
			groups[min(c.X, 5)] = g
		}
		g.n++
		g.predicted += truth.ExpectedPurchases(c, 39)
		g.actual += float64(c.HoldoutX)
	}
	for x, g := range groups {
		// The hold-out counts are over-dispersed; allow four standard errors of a
		// Poisson total, and no less than 3 %.
		tolerance := max(4*math.Sqrt(g.actual), 0.03*g.actual)
		if math.Abs(g.predicted-g.actual) > tolerance {
			t.Errorf("customers with %d calibration purchases (%d): predicted %.1f in the hold-out, simulated %.0f", x, g.n, g.predicted, g.actual)
		}
	}
}

// withSpend gives each repeat buyer a mean spend drawn from a Gamma–Gamma model.
func withSpend(cs []Customer, m GammaGamma, seed uint64) {
	src := rand.NewPCG(seed, seed+1)
	scales := distuv.Gamma{Alpha: m.Q, Beta: m.Gamma, Src: src}
	for i := range cs {
		if cs[i].X == 0 {
			continue
		}
		// The mean of x amounts drawn from Gamma(p, ν) is drawn from Gamma(px, xν).
		nu, x := scales.Rand(), float64(cs[i].X)
		cs[i].Spend = distuv.Gamma{Alpha: m.P * x, Beta: nu * x, Src: src}.Rand()
	}
}

// inDays rounds the times of simulated customers, in weeks, to whole days, as
// Summarise counts them from dated transactions.
func inDays(cs []Customer) {
	for i := range cs {
		cs[i].Tx = math.Round(cs[i].Tx*7) / 7
		cs[i].T = math.Round(cs[i].T*7) / 7
	}
}

// BenchmarkFitAndScore fits both models to 1,000,000 simulated customers and scores
// every one of them (P(alive), expected purchases and spend, a year's lifetime value).
// Times are in weeks, counted in whole days as from real transactions.
func BenchmarkFitAndScore(b *testing.B) {
	cs := simulate(BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 3}, 1_000_000, 0, 11)
	inDays(cs)
	withSpend(cs, GammaGamma{P: 6, Q: 4, Gamma: 15}, 12)
	b.ResetTimer()
	for b.Loop() {
		bg, _, err := FitBGNBD(cs)
		if err != nil {
			b.Fatal(err)
		}
		gg, _, err := FitGammaGamma(cs)
		if err != nil {
			b.Fatal(err)
		}
		scores := Valuation{Horizon: 52, Margin: 0.3, Discount: 0.002}.ScoreAll(bg, &gg, cs)
		if len(scores) != len(cs) {
			b.Fatal("not every customer was scored")
		}
	}
	b.ReportMetric(float64(len(cs)), "customers")
}

// TestHeavyTailedSpend: spend simulated with q under 1, where the model has no finite
// mean spend and would expect negative amounts of customers with one repeat purchase,
// is refused rather than fitted; the same customers simulated with q over 1 fit.
func TestHeavyTailedSpend(t *testing.T) {
	cs := simulate(BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 3}, 5000, 39, 3)
	withSpend(cs, GammaGamma{P: 6, Q: 0.6, Gamma: 15}, 5)
	if m, _, err := FitGammaGamma(cs); err == nil || !strings.Contains(err.Error(), "no finite mean spend") {
		t.Errorf("q 0.6: got %+v and error %v, want the model refused", m, err)
	}
	withSpend(cs, GammaGamma{P: 6, Q: 3.8, Gamma: 15}, 5)
	m, _, err := FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if s := m.ExpectedSpend(c); !(s > 0) {
			t.Fatalf("q %.2f: expected spend %v for %+v", m.Q, s, c)
		}
	}
}

// TestAlikeSpenders: when every customer's purchases are drawn from one spread (evenly
// between 10 and 70), the likelihood keeps rising, ever more slowly, as q and γ grow
// together; the fit stops on that ridge and expects of everyone about the common mean.
func TestAlikeSpenders(t *testing.T) {
	cs := simulate(BGNBD{R: 0.5, Alpha: 6, A: 0.8, B: 3}, 2000, 39, 7)
	r := rand.New(rand.NewPCG(8, 9))
	for i := range cs {
		sum := 0.0
		for range cs[i].X {
			sum += 10 + 60*r.Float64() // mean 40
		}
		cs[i].Spend = sum / float64(max(1, cs[i].X))
	}
	m, _, err := FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	if s := m.ExpectedSpend(Customer{}); math.Abs(s-40) > 2 {
		t.Errorf("a customer without repeat purchases is expected to spend %.2f (p %.3g, q %.3g, γ %.3g); want about 40", s, m.P, m.Q, m.Gamma)
	}
}
