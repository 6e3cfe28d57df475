package kbeval_test

import (
	"math"
	"strings"
	"testing"

	"github.com/rapportckm/rapport/kbeval"
)

// Scores worked by hand: q1 has two relevant documents, found at ranks 1 and 3; q2 one,
// not in the top 2 but at 3; q3 is not in the run; q4 has none relevant and is skipped.
func TestEvaluate(t *testing.T) {
	qrels, err := kbeval.ReadQrels(strings.NewReader("query-id\tcorpus-id\tscore\nq1\ta\t1\nq1\tb\t1\nq2\tc\t1\nq3\td\t1\nq4\te\t0\n"))
	if err != nil {
		t.Fatal(err)
	}
	run, err := kbeval.ReadRun(strings.NewReader("q1 Q0 b 2 0.5 x\nq1 Q0 a 1 0.9 x\nq1 Q0 z 3 0.7 x\nq2 Q0 y 1 3 x\nq2 Q0 x 2 2 x\nq2 Q0 c 3 1 x\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := kbeval.Evaluate(run, qrels, 2, 3)
	// q1 by score: a (relevant), z, b (relevant). nDCG@2 = 1 / (1 + 1/log2(3)); recall@3 = 1.
	// q2: nDCG@2 = 0, recall@3 = 1. q3: 0 and 0.
	q1 := 1 / (1 + 1/math.Log2(3))
	if got.Queries != 3 || math.Abs(got.NDCG-q1/3) > 1e-12 || math.Abs(got.Recall-2.0/3) > 1e-12 {
		t.Errorf("Evaluate = %+v, want 3 queries, nDCG %.6f, recall %.6f", got, q1/3, 2.0/3)
	}
}
