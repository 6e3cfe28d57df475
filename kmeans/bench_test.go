package kmeans

import (
	"math"
	"math/rand/v2"
	"testing"
)

// customerFeatures are the eight columns of the synthetic customers.
var customerFeatures = []Feature{
	{Name: "recency_days", Label: "days since last purchase", Log: true, Low: "bought recently", High: "lapsed"},
	{Name: "purchases", Label: "purchases", Log: true, High: "frequent buyers", Low: "rare buyers"},
	{Name: "spend", Label: "spend", Log: true},
	{Name: "avg_order", Label: "average order"},
	{Name: "tenure_days", Label: "days as a customer"},
	{Name: "tickets", Label: "support tickets", Log: true},
	{Name: "open_rate", Label: "e-mail open rate"},
	{Name: "returns", Label: "returns", Log: true},
}

// customers draws n synthetic customers of four kinds, in the columns of
// customerFeatures: loyal big spenders, regulars, new one-off buyers, lapsed ones.
func customers(n int, seed uint64) [][]float64 {
	type kind struct {
		share                                                                   float64
		recency, purchases, logSpend, order, tenure, tickets, openRate, returns float64
	}
	kinds := []kind{
		{0.10, 20, 25, 8, 110, 1500, 1, 0.6, 2},
		{0.35, 60, 8, 6.5, 70, 900, 0.5, 0.35, 0.5},
		{0.30, 40, 1, 4, 55, 60, 0.2, 0.2, 0.1},
		{0.25, 400, 3, 5.5, 60, 1200, 1.5, 0.05, 0.3},
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	around := func(mean, sd float64) float64 { return max(0, mean+sd*rng.NormFloat64()) }
	rows := make([][]float64, n)
	for i := range rows {
		u, k := rng.Float64(), kinds[len(kinds)-1]
		for _, c := range kinds {
			if u -= c.share; u < 0 {
				k = c
				break
			}
		}
		rows[i] = []float64{
			math.Round(around(k.recency, k.recency/3)),
			math.Round(around(k.purchases, k.purchases/3+0.5)),
			math.Exp(k.logSpend + 0.5*rng.NormFloat64()),
			around(k.order, 15),
			math.Round(around(k.tenure, k.tenure/4)),
			math.Round(rng.ExpFloat64() * k.tickets),
			min(1, around(k.openRate, 0.1)),
			math.Round(rng.ExpFloat64() * k.returns),
		}
	}
	return rows
}

// BenchmarkRun clusters 100,000 rows of 8 features, trying k from 2 to 8 with the
// default options (3 restarts each, the silhouette on a sample of 5,000): synthetic
// customers of four kinds, and uniform noise, which has no clusters, so that Lloyd's
// iterations run to their cap (the worst case).
func BenchmarkRun(b *testing.B) {
	b.Run("customers-100kx8", func(b *testing.B) {
		res := benchmarkRun(b, customerFeatures, customers(100_000, 1))
		for _, c := range res.Clusters {
			b.Logf("%6d  %s", c.Size, c.Description)
		}
	})
	b.Run("uniform-100kx8", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		rows := make([][]float64, 100_000)
		for i := range rows {
			rows[i] = make([]float64, 8)
			for j := range rows[i] {
				rows[i][j] = rng.Float64()
			}
		}
		benchmarkRun(b, make([]Feature, 8), rows)
	})
}

func benchmarkRun(b *testing.B, features []Feature, rows [][]float64) *Result {
	var res *Result
	for b.Loop() {
		var err error
		if res, err = Run(features, rows, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.K), "k")
	b.ReportMetric(res.Silhouette, "silhouette")
	return res
}
