package theme

import (
	"encoding/json"
	"os"
	"testing"
)

// clincPath is the CLINC150 intent data set (see its README), from this package.
const clincPath = "../../shared/data/clinc150/data_full.json"

// clincTest reads the 4,500 test utterances and their intents, or skips.
func clincTest(t testing.TB) (texts, intents []string) {
	raw, err := os.ReadFile(clincPath)
	if err != nil {
		t.Skipf("CLINC150 is not here: %v", err)
	}
	var data struct {
		Test [][2]string `json:"test"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	for _, p := range data.Test {
		texts = append(texts, p[0])
		intents = append(intents, p[1])
	}
	return texts, intents
}

// TestCLINC150 groups the 4,500 CLINC150 test utterances without being told the
// number of intents, and with the baseline (spherical k-means) told it, five seeds each,
// prints the scores (go test ./theme -run CLINC -v) and fails when the themes do not
// beat the baseline on the mean of both ARI and NMI.
func TestCLINC150(t *testing.T) {
	if testing.Short() {
		t.Skip("the CLINC150 evaluation takes a few seconds")
	}
	texts, intents := clincTest(t)
	c := NewCorpus(texts)
	const seeds = 5
	var ari, nmi, bari, bnmi float64
	for seed := uint64(1); seed <= seeds; seed++ {
		res := mustCluster(t, c, Options{Seed: seed})
		if seed == 1 {
			for _, s := range res.Scores {
				t.Logf("threshold %.2f: silhouette %.4f, modularity %.4f, product %.4f, %d themes", s.Threshold, s.Silhouette, s.Modularity, s.Silhouette*s.Modularity, s.Themes)
			}
			for i := 0; i < 10; i++ {
				t.Logf("theme %d (%d items): %s", i+1, res.Model.Size(i), res.Model.Label(i))
			}
		}
		alone := 0
		for k := 0; k < res.Model.Len(); k++ {
			if res.Model.Size(k) == 1 {
				alone++
			}
		}
		a, n := ARI(intents, res.Themes), NMI(intents, res.Themes)
		ari, nmi = ari+a/seeds, nmi+n/seeds
		t.Logf("themes, seed %d: threshold %.2f, %d themes (%d of one item), %d passes: ARI %.4f NMI %.4f", seed, res.Threshold, res.Model.Len(), alone, res.Passes, a, n)
		base := KMeans(c.Vectors, len(c.Vocabulary.Terms), 150, seed)
		a, n = ARI(intents, base), NMI(intents, base)
		bari, bnmi = bari+a/seeds, bnmi+n/seeds
		t.Logf("baseline, seed %d: spherical k-means, k = 150: ARI %.4f NMI %.4f", seed, a, n)
	}
	t.Logf("mean of %d seeds: themes ARI %.4f NMI %.4f; baseline ARI %.4f NMI %.4f", seeds, ari, nmi, bari, bnmi)
	if ari <= bari || nmi <= bnmi {
		t.Errorf("the themes (ARI %.4f, NMI %.4f) do not beat the baseline (ARI %.4f, NMI %.4f)", ari, nmi, bari, bnmi)
	}
}
