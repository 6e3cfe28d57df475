package theme

import "testing"

func TestTmp(t *testing.T) {
	texts, truth := synthetic(20000, 1)
	c := NewCorpus(texts)
	t.Log(texts[:3], len(c.Vocabulary.Terms))
	for _, th := range []float64{0, 0.2, 0.3, 0.4} {
		res := Cluster(c, Options{Seed: 1, Threshold: th})
		t.Logf("%.2f→%.2f: %d themes ARI %.4f NMI %.4f sizes %d %d %d", th, res.Threshold, res.Model.Len(), ARI(truth, res.Themes), NMI(truth, res.Themes), res.Model.Size(0), res.Model.Size(1), res.Model.Size(100))
	}
	base := KMeans(c.Vectors, len(c.Vocabulary.Terms), 2000, 1)
	t.Logf("kmeans ARI %.4f", ARI(truth, base))
}
