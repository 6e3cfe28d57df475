package theme

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// feedback is a small set of three themes written in many ways.
func feedback(n int, seed uint64) (texts []string, truth []int) {
	r := rand.New(rand.NewPCG(seed, 0))
	themes := [][]string{
		{"refund", "refunds", "refunded", "money back", "order", "charged twice", "payment", "card"},
		{"app", "crashes", "crashed", "login", "logging in", "password", "screen", "freezes"},
		{"delivery", "parcel", "courier", "late", "arrived", "tracking", "shipping", "damaged"},
	}
	filler := []string{"today", "again", "really", "annoying", "week", "since", "monday", "help"}
	for i := 0; i < n; i++ {
		g := i % len(themes)
		var words []string
		for k := 0; k < 4+r.IntN(4); k++ {
			words = append(words, themes[g][r.IntN(len(themes[g]))])
		}
		words = append(words, filler[r.IntN(len(filler))])
		texts = append(texts, "My "+strings.Join(words, " the "))
		truth = append(truth, g)
	}
	return texts, truth
}

func TestClusterFindsThemes(t *testing.T) {
	texts, truth := feedback(300, 1)
	texts = append(texts, "", "the and of", "12345")
	truth = append(truth, -1, -1, -1)
	c := NewCorpus(texts)
	res := mustCluster(t, c, Options{Seed: 1})
	if ari := ARI(truth, res.Themes); ari < 0.9 {
		t.Errorf("ARI %.3f against the three themes (threshold %.2f, %d themes); want at least 0.9", ari, res.Threshold, res.Model.Len())
	}
	for _, i := range []int{300, 301, 302} {
		if res.Themes[i] != NoTheme {
			t.Errorf("item %q without words is in theme %d, want NoTheme", texts[i], res.Themes[i])
		}
	}
	if res.Model.Items() != 300 {
		t.Errorf("the themes hold %d items, want 300", res.Model.Items())
	}
	for k := 1; k < res.Model.Len(); k++ {
		if res.Model.Size(k) > res.Model.Size(k-1) {
			t.Fatalf("theme %d (%d items) is larger than theme %d (%d)", k, res.Model.Size(k), k-1, res.Model.Size(k-1))
		}
	}
	// The largest themes are labelled by their own words, written as in the texts.
	want := map[int][]string{0: {"refund", "money", "order", "charged", "payment", "card"}, 1: {"app", "crashes", "crashed", "login", "password", "screen", "freezes", "logging"}, 2: {"delivery", "parcel", "courier", "late", "arrived", "tracking", "shipping", "damaged"}}
	for k := 0; k < 3; k++ {
		label := res.Model.Label(k)
		words := strings.FieldsFunc(label, func(r rune) bool { return r == ' ' || r == ',' })
		if len(words) < 2 || len(words) > 4 {
			t.Errorf("theme %d: label %q has %d words, want 2 to 4", k, label, len(words))
		}
		g := truth[indexOf(res.Themes, k)]
		for _, w := range words {
			if !contains(want[g], w) {
				t.Errorf("theme %d (true theme %d): label %q has %q, not one of its words", k, g, label, w)
			}
		}
	}

	// A new item joins the theme of its kind; one unlike any starts a new theme.
	m := res.Model
	refunds := res.Themes[0] // texts[0] is of the first kind
	if got := m.Assign("I want a REFUND: you charged my card twice for one order"); got != refunds {
		t.Errorf("a refund complaint went to theme %d (%s), want %d (%s)", got, m.Label(got), refunds, m.Label(refunds))
	}
	before := m.Len()
	if got := m.Assign("<script>alert(1)</script> password screen monday"); got < 0 || got >= m.Len() {
		t.Errorf("Assign returned theme %d of %d", got, m.Len())
	}
	if got := m.Assign("zebra giraffe"); got != NoTheme {
		t.Errorf("a text of unknown words went to theme %d, want NoTheme", got)
	}
	if got := m.Assign("week monday"); got != before {
		t.Errorf("filler words alone went to theme %d; want a new theme %d", got, before)
	}
}

// mustCluster is Cluster with a context that is never done.
func mustCluster(tb testing.TB, c *Corpus, opt Options) *Result {
	tb.Helper()
	res, err := Cluster(context.Background(), c, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// TestClusterStops: a done context stops the grouping with its error.
func TestClusterStops(t *testing.T) {
	texts, _ := feedback(200, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, th := range []float64{0, 0.3} {
		if res, err := Cluster(ctx, NewCorpus(texts), Options{Seed: 1, Threshold: th}); !errors.Is(err, context.Canceled) || res != nil {
			t.Errorf("threshold %v: got %v, %v from a cancelled context, want no result and context.Canceled", th, res, err)
		}
	}
}

func TestClusterIsDeterministic(t *testing.T) {
	texts, _ := feedback(200, 2)
	a := mustCluster(t, NewCorpus(texts), Options{Seed: 7})
	b := mustCluster(t, NewCorpus(texts), Options{Seed: 7, Workers: 1})
	if fmt.Sprint(a.Themes) != fmt.Sprint(b.Themes) || a.Threshold != b.Threshold {
		t.Error("the same items and seed gave different themes")
	}
}

func indexOf(xs []int, v int) int {
	for i, x := range xs {
		if x == v {
			return i
		}
	}
	return -1
}

func contains(xs []string, w string) bool {
	for _, x := range xs {
		if strings.Contains(x, w) || strings.Contains(w, x) {
			return true
		}
	}
	return false
}
