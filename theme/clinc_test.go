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

// TestCLINC150 groups the CLINC150 test utterances without being told the number of
// intents, and with the baseline told it, and prints both scores (go test -run CLINC -v).
func TestCLINC150(t *testing.T) {
	texts, intents := clincTest(t)
	c := NewCorpus(texts)
	res := Cluster(c, Options{Seed: 1})
	for _, s := range res.Scores {
		t.Logf("threshold %.2f: silhouette %.4f, modularity %.4f, %d themes", s.Threshold, s.Silhouette, s.Modularity, s.Themes)
	}
	ari, nmi := ARI(intents, res.Themes), NMI(intents, res.Themes)
	t.Logf("themes: threshold %.2f, %d themes, %d passes: ARI %.4f NMI %.4f", res.Threshold, res.Model.Len(), res.Passes, ari, nmi)
	for seed := uint64(2); seed <= 5; seed++ {
		r := Cluster(c, Options{Seed: seed})
		t.Logf("themes, seed %d: threshold %.2f, %d themes: ARI %.4f NMI %.4f", seed, r.Threshold, r.Model.Len(), ARI(intents, r.Themes), NMI(intents, r.Themes))
	}
	for seed := uint64(1); seed <= 5; seed++ {
		base := KMeans(c.Vectors, len(c.Vocabulary.Terms), 150, seed)
		t.Logf("baseline, seed %d: spherical k-means, k = 150: ARI %.4f NMI %.4f", seed, ARI(intents, base), NMI(intents, base))
	}
	for i := 0; i < 10; i++ {
		t.Logf("theme %d (%d items): %s", i, res.Model.Size(i), res.Model.Label(i))
	}
}
