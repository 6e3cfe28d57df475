package resolve

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCalibration(t *testing.T) {
	// Decisions drawn from a model that is too sure of itself: the true probability of
	// a pair of weight w is σ(0.5·w·ln 2 − 1).
	rng := rand.New(rand.NewPCG(3, 4))
	var weights []float64
	var same []bool
	for range 4000 {
		w := 2 + 8*rng.Float64()
		p := 1 / (1 + math.Exp(-(0.5*w*math.Ln2 - 1)))
		weights = append(weights, w)
		same = append(same, rng.Float64() < p)
	}
	c := fitCalibration(weights, same)
	if math.Abs(c.A-0.5) > 0.08 || math.Abs(c.B+1) > 0.3 {
		t.Errorf("fitted a %.3f, b %.3f; the decisions were drawn with 0.5 and -1", c.A, c.B)
	}
	if p := c.probability(5); math.Abs(p-1/(1+math.Exp(-(0.5*5*math.Ln2-1)))) > 0.03 {
		t.Errorf("calibrated probability at weight 5: %.3f", p)
	}

	// A few decisions move the model's probability part of the way; too few, or of
	// one kind, leave it.
	model, truth := 1/(1+math.Exp2(-5)), 1/(1+math.Exp(-(0.5*5*math.Ln2-1)))
	few := fitCalibration(weights[:12], same[:12]).probability(5)
	if few >= model || few <= truth+0.05 {
		t.Errorf("12 decisions moved the probability at weight 5 from %.3f to %.3f; want part of the way to %.3f", model, few, truth)
	}
	for _, c := range []calibration{fitCalibration(weights[:5], same[:5]), fitCalibration([]float64{3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, make([]bool, 10))} {
		if c.A != 1 || c.B != 0 {
			t.Errorf("got a %.3f, b %.3f, want the model's own probability", c.A, c.B)
		}
		if p := c.probability(3); math.Abs(p-1/(1+math.Exp2(-3))) > 1e-12 {
			t.Errorf("uncalibrated probability %.4f", p)
		}
	}
}
