package clv

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"
	"time"
)

// The CDNOW sample of Fader, Hardie & Lee (2005): 2,357 customers, calibration in
// weeks 1–39 (to 1997-09-30), hold-out in weeks 40–78 (to 1998-06-30).
const cdnow = "../../shared/data/cdnow/"

var (
	calibrationEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	holdoutEnd     = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
)

func cdnowCustomers(t testing.TB) []Customer {
	t.Helper()
	f, err := os.Open(cdnow + "CDNOW_sample.txt")
	if err != nil {
		t.Skipf("the CDNOW sample is not here: %v", err)
	}
	defer f.Close()
	// Columns: master id, sample id, date (YYYYMMDD), CDs, dollars; no header.
	purchases, err := ReadPurchases(f, Columns{Customer: "2", Date: "3", Amount: "5"})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := Summarise(purchases, calibrationEnd, holdoutEnd, Week)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// threeFigures reports whether v written to three significant figures is want so
// written.
func threeFigures(v, want float64) bool {
	round := func(x float64) float64 {
		scale := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(x))))
		return math.Round(x*scale) / scale
	}
	return round(v) == round(want)
}

// TestSummariseCDNOW rebuilds, from the transactions, the published calibration
// summary (x, t_x, T and mean repeat spend per customer) and the hold-out count.
func TestSummariseCDNOW(t *testing.T) {
	cs := cdnowCustomers(t)
	f, err := os.Open(cdnow + "cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:] // ID,x,t_x,T,zbar
	if len(cs) != len(rows) {
		t.Fatalf("got %d customers, want %d", len(cs), len(rows))
	}
	byID := map[string]Customer{}
	for _, c := range cs {
		id, _ := strconv.Atoi(c.ID)
		byID[strconv.Itoa(id)] = c
	}
	holdout := 0
	for _, row := range rows {
		c := byID[row[0]]
		num := func(i int) float64 { v, _ := strconv.ParseFloat(row[i], 64); return v }
		if float64(c.X) != num(1) || math.Abs(c.Tx-num(2)) > 0.006 || math.Abs(c.T-num(3)) > 0.006 || math.Abs(c.Spend-num(4)) > 0.006 {
			t.Errorf("customer %s: got x %d, t_x %.3f, T %.3f, spend %.3f; the summary says %v", row[0], c.X, c.Tx, c.T, c.Spend, row[1:])
		}
		holdout += c.HoldoutX
	}
	if holdout != 1882 {
		t.Errorf("got %d repeat purchase days in the hold-out, want 1,882", holdout)
	}
}

// TestFitCDNOW reproduces the published estimates: BG/NBD r 0.243, α 4.414, a 0.793,
// b 2.426 with log-likelihood −9582.4 (Fader, Hardie & Lee 2005, Marketing Science),
// and Gamma–Gamma p 6.25, q 3.74, γ 15.44 (Fader, Hardie & Lee 2005, JMR).
func TestFitCDNOW(t *testing.T) {
	cs := cdnowCustomers(t)
	bg, ll, err := FitBGNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"r", bg.R, 0.243}, {"alpha", bg.Alpha, 4.414}, {"a", bg.A, 0.793}, {"b", bg.B, 2.426}} {
		if !threeFigures(p.got, p.want) {
			t.Errorf("BG/NBD %s = %.5f, published %v", p.name, p.got, p.want)
		}
	}
	if math.Abs(ll-(-9582.4)) > 0.05 {
		t.Errorf("log-likelihood %.3f, published −9582.4", ll)
	}
	gg, _, err := FitGammaGamma(cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name      string
		got, want float64
	}{{"p", gg.P, 6.25}, {"q", gg.Q, 3.74}, {"gamma", gg.Gamma, 15.44}} {
		if !threeFigures(p.got, p.want) {
			t.Errorf("Gamma-Gamma %s = %.5f, published %v", p.name, p.got, p.want)
		}
	}
}

// TestLogLikelihoodIndependently computes both likelihoods term by term from their
// closed forms with math.Lgamma, apart from the tabled sums the fit uses.
func TestLogLikelihoodIndependently(t *testing.T) {
	cs := []Customer{{X: 0, T: 38.86}, {X: 2, Tx: 30.43, T: 38.86, Spend: 22.35}, {X: 1, Tx: 1.71, T: 38.86, Spend: 11.77},
		{X: 14, Tx: 35, T: 36.1, Spend: 48.2}, {X: 1, Tx: 0.14, T: 27.3, Spend: 9.99}}
	lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	for _, m := range []BGNBD{{0.243, 4.414, 0.793, 2.426}, {1.7, 12, 3.1, 0.6}} {
		want := 0.0
		for _, c := range cs {
			x := float64(c.X)
			a1 := lg(m.R+x) - lg(m.R) + m.R*math.Log(m.Alpha)
			a2 := lg(m.A+m.B) + lg(m.B+x) - lg(m.B) - lg(m.A+m.B+x)
			a3 := -(m.R + x) * math.Log(m.Alpha+c.T)
			l := math.Exp(a3)
			if c.X > 0 {
				l += math.Exp(math.Log(m.A) - math.Log(m.B+x-1) - (m.R+x)*math.Log(m.Alpha+c.Tx))
			}
			want += a1 + a2 + math.Log(l)
		}
		if got := m.LogLikelihood(cs); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("BG/NBD %+v: got %.12f, want %.12f", m, got, want)
		}
	}
	for _, m := range []GammaGamma{{6.25, 3.74, 15.44}, {2, 8, 100}} {
		want := 0.0
		for _, c := range cs {
			if c.X == 0 {
				continue
			}
			x, z := float64(c.X), c.Spend
			px := m.P * x
			// f(z̄ | p, q, γ; x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^px / (γ + x z̄)^(px+q)
			want += lg(px+m.Q) - lg(px) - lg(m.Q) + m.Q*math.Log(m.Gamma) + (px-1)*math.Log(z) + px*math.Log(x) - (px+m.Q)*math.Log(m.Gamma+x*z)
		}
		if got := m.LogLikelihood(cs); math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("Gamma-Gamma %+v: got %.12f, want %.12f", m, got, want)
		}
	}
}

// TestGradients checks the analytic gradients against central differences.
func TestGradients(t *testing.T) {
	cs := cdnowCustomers(t)
	numeric := func(f func([]float64) float64, at []float64, i int) float64 {
		h := 1e-6
		up, down := append([]float64{}, at...), append([]float64{}, at...)
		up[i] += h
		down[i] -= h
		return (f(up) - f(down)) / (2 * h)
	}
	bgAt := func(th []float64) BGNBD {
		return BGNBD{math.Exp(th[0]), math.Exp(th[1]), math.Exp(th[2]), math.Exp(th[3])}
	}
	th := []float64{math.Log(0.3), math.Log(5), math.Log(0.9), math.Log(2)}
	grad := make([]float64, 4)
	bgAt(th).logLikelihood(histories(cs), grad)
	for i := range th {
		want := numeric(func(x []float64) float64 { return bgAt(x).LogLikelihood(cs) }, th, i)
		if math.Abs(grad[i]-want) > 1e-4*max(1, math.Abs(want)) {
			t.Errorf("BG/NBD gradient %d: got %.6f, numerically %.6f", i, grad[i], want)
		}
	}
	ggAt := func(th []float64) GammaGamma { return GammaGamma{math.Exp(th[0]), math.Exp(th[1]), math.Exp(th[2])} }
	th = []float64{math.Log(5), math.Log(3), math.Log(20)}
	grad = make([]float64, 3)
	ggAt(th).logLikelihood(spenders(cs), grad)
	for i := range th {
		want := numeric(func(x []float64) float64 { return ggAt(x).LogLikelihood(cs) }, th, i)
		if math.Abs(grad[i]-want) > 1e-4*max(1, math.Abs(want)) {
			t.Errorf("Gamma-Gamma gradient %d: got %.6f, numerically %.6f", i, grad[i], want)
		}
	}
}

// TestPublishedForecast: the one published hold-out forecast for a CDNOW customer.
// Hardie's spreadsheet for the BG/NBD paper works the conditional expectation through
// for the sample's first customer (x = 2, t_x = 30.43, T = 38.86 weeks) with the
// paper's parameters: 1.226 repeat purchases in the 39 weeks after the calibration
// period. The lifetimes package checks its implementation against the same figure.
func TestPublishedForecast(t *testing.T) {
	paper := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	first := Customer{X: 2, Tx: 30.43, T: 38.86}
	if got := paper.ExpectedPurchases(first, 39); math.Abs(got-1.226) > 5e-4 {
		t.Errorf("got %.4f repeat purchases expected in the hold-out, want the published 1.226", got)
	}
}

// TestHoldoutCDNOW forecasts the 39 hold-out weeks of every customer from the fit and
// compares the total with the purchases made. The model's forecasts themselves are
// checked against simulation in TestRecoversSimulated; here the aggregate is only
// required to be near, and is reported in docs/benchmarks.md.
func TestHoldoutCDNOW(t *testing.T) {
	cs := cdnowCustomers(t)
	bg, _, err := FitBGNBD(cs)
	if err != nil {
		t.Fatal(err)
	}
	predicted, actual := 0.0, 0
	for _, c := range cs {
		predicted += bg.ExpectedPurchases(c, 39)
		actual += c.HoldoutX
	}
	t.Logf("hold-out: predicted %.1f repeat purchases, actual %d", predicted, actual)
	if predicted < 0.8*float64(actual) || predicted > 1.2*float64(actual) {
		t.Errorf("predicted %.1f repeat purchases in the hold-out, actual %d", predicted, actual)
	}
}
