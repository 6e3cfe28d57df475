package theme

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// synthetic makes n texts with topic structure for the speed benchmarks: a vocabulary
// of 20,000 made-up words of three syllables ("bakodi"); 2,000 topics of 15 words each
// drawn from it; each text 6 to 14 words, each word from its topic (uniformly) with
// probability one half, otherwise from the whole vocabulary by a Zipf law (s = 1.1), so
// that a few background words are in many texts, as "order" or "account" are in
// customer feedback. It returns the texts and their topics.
func synthetic(n int, seed uint64) ([]string, []int) {
	const vocab, topics, perTopic = 20000, 2000, 15
	syllables := []string{}
	for _, c := range "bdfgklmnprtvz" {
		for _, v := range "aeiou" {
			syllables = append(syllables, string(c)+string(v))
		}
	}
	s := len(syllables)
	word := func(i int) string { return syllables[i%s] + syllables[i/s%s] + syllables[i/s/s%s] }
	r := rand.New(rand.NewPCG(seed, 9))
	topicWords := make([][]string, topics)
	for t := range topicWords {
		for k := 0; k < perTopic; k++ {
			topicWords[t] = append(topicWords[t], word(r.IntN(vocab)))
		}
	}
	zipf := rand.NewZipf(r, 1.1, 1, vocab-1)
	texts, truth := make([]string, n), make([]int, n)
	var b strings.Builder
	for i := range texts {
		t := r.IntN(topics)
		b.Reset()
		for k, words := 0, 6+r.IntN(9); k < words; k++ {
			if k > 0 {
				b.WriteByte(' ')
			}
			if r.IntN(2) == 0 {
				b.WriteString(topicWords[t][r.IntN(perTopic)])
			} else {
				b.WriteString(word(int(zipf.Uint64())))
			}
		}
		texts[i], truth[i] = b.String(), t
	}
	return texts, truth
}

// BenchmarkCluster100k is a full clustering of 100,000 synthetic texts, from the texts
// (vocabulary and vectors included) to the themes, threshold chosen.
func BenchmarkCluster100k(b *testing.B) {
	texts, truth := synthetic(100_000, 1)
	b.ResetTimer()
	for b.Loop() {
		res := mustCluster(b, NewCorpus(texts), Options{Seed: 1})
		b.ReportMetric(float64(res.Model.Len()), "themes")
		b.ReportMetric(res.Threshold, "threshold")
		b.ReportMetric(ARI(truth, res.Themes), "ARI")
	}
}

// BenchmarkAssign1M is putting one new text in its theme when 1,000,000 items are
// already grouped: 100,000 by a full clustering, then 900,000 one by one with Assign
// (the set-up, timed and logged apart). Each timed Assign reads, folds and weighs the
// text, scores the themes that share its terms and updates the theme it joins. It runs
// with the threshold chosen, then with 0.3, which makes many more themes to score.
func BenchmarkAssign1M(b *testing.B) {
	texts, _ := synthetic(1_010_000, 2)
	for _, threshold := range []float64{0, 0.3} {
		b.Run(fmt.Sprintf("threshold=%v", threshold), func(b *testing.B) {
			start := time.Now()
			res := mustCluster(b, NewCorpus(texts[:100_000]), Options{Seed: 1, Threshold: threshold})
			clustered := time.Since(start)
			m := res.Model
			for _, t := range texts[100_000:1_000_000] {
				m.Assign(t)
			}
			b.Logf("set-up: clustered 100,000 in %v (threshold %.2f), assigned 900,000 more in %v: %d items in %d themes",
				clustered.Round(time.Millisecond), res.Threshold, (time.Since(start) - clustered).Round(time.Millisecond), m.Items(), m.Len())
			fresh := texts[1_000_000:]
			b.ResetTimer()
			i := 0
			for b.Loop() {
				m.Assign(fresh[i%len(fresh)])
				i++
			}
		})
	}
}
