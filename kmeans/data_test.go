package kmeans

import (
	"math"
	"math/rand/v2"
)

// blob is a group of synthetic customers: size rows, each feature normal around mean
// with standard deviation sd, or log-normal (around exp(mean)) when logNormal.
type blob struct {
	size      int
	mean, sd  []float64
	logNormal bool
}

// draw returns the blobs' rows, blob after blob, and for each row its blob.
func draw(seed uint64, blobs ...blob) (rows [][]float64, truth []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for b, bl := range blobs {
		for range bl.size {
			row := make([]float64, len(bl.mean))
			for j := range row {
				row[j] = bl.mean[j] + bl.sd[j]*rng.NormFloat64()
				if bl.logNormal {
					row[j] = math.Exp(row[j])
				}
			}
			rows = append(rows, row)
			truth = append(truth, b)
		}
	}
	return rows, truth
}

// shopFeatures are the columns of the three shop blobs.
var shopFeatures = []Feature{
	{Name: "spend", Label: "spend"},
	{Name: "purchases", Label: "purchases"},
	{Name: "recency_days", Label: "days since last purchase", Low: "bought recently", High: "lapsed"},
	{Name: "tenure_years", Label: "years as a customer"},
}

// shopBlobs are three well-separated groups of customers of different sizes: regulars,
// big spenders who bought recently, and lapsed small spenders. Tenure is the same for
// all and should never be named.
func shopBlobs(seed uint64) ([][]float64, []int) {
	sd := []float64{20, 2, 15, 1}
	return draw(seed,
		blob{size: 300, mean: []float64{100, 12, 100, 5}, sd: sd},
		blob{size: 200, mean: []float64{500, 30, 20, 5}, sd: sd},
		blob{size: 100, mean: []float64{50, 2, 300, 5}, sd: sd},
	)
}
