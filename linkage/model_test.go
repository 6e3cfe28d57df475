package linkage

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestEMRecoversM simulates pairs from a known model (three fields, conditionally
// independent levels) and checks that expectation–maximisation, given u, finds m and
// the share of matches again.
func TestEMRecoversM(t *testing.T) {
	trueM := [][]float64{{0.80, 0.15, 0.05}, {0.70, 0.20, 0.10}, {0.90, 0.02, 0.08}}
	trueU := [][]float64{{0.01, 0.04, 0.95}, {0.05, 0.10, 0.85}, {0.001, 0.009, 0.99}}
	const pairs, lambda = 200_000, 0.2
	rng := rand.New(rand.NewPCG(7, 7))
	draw := func(p []float64) uint64 {
		x := rng.Float64()
		for i, v := range p {
			if x < v {
				return uint64(i)
			}
			x -= v
		}
		return uint64(len(p) - 1)
	}
	patterns := map[uint64]int{}
	for range pairs {
		probs := trueU
		if rng.Float64() < lambda {
			probs = trueM
		}
		var p uint64
		for f := range probs {
			p |= draw(probs[f]) << (3 * f)
		}
		patterns[p]++
	}
	m := &Model{}
	for f := range trueU {
		fm := FieldModel{}
		for lv := range trueU[f] {
			fm.Levels = append(fm.Levels, LevelModel{M: 1.0 / 3, U: trueU[f][lv]})
		}
		m.Fields = append(m.Fields, fm)
	}
	est, matches, iterations := m.em(patterns, []bool{true, true, true})
	if got := matches / pairs; math.Abs(got-lambda) > 0.01 {
		t.Errorf("share of matches %.4f, want %.2f", got, lambda)
	}
	for f := range trueM {
		for lv := range trueM[f] {
			if math.Abs(est[f][lv]-trueM[f][lv]) > 0.015 {
				t.Errorf("field %d level %d: m %.4f, want %.2f", f, lv, est[f][lv], trueM[f][lv])
			}
		}
	}
	if iterations >= 100 {
		t.Errorf("did not converge in %d iterations", iterations)
	}
}

// TestEMSkipsInactiveFields checks that a field a blocking rule uses neither informs nor
// is changed by that rule's estimate.
func TestEMSkipsInactiveFields(t *testing.T) {
	m := &Model{Fields: []FieldModel{
		{Levels: []LevelModel{{M: 0.9, U: 0.01}, {M: 0.1, U: 0.99}}},
		{Levels: []LevelModel{{M: 0.5, U: 0.1}, {M: 0.5, U: 0.9}}},
	}}
	patterns := map[uint64]int{0<<0 | 0<<3: 500, 0<<0 | 1<<3: 9500}
	est, _, _ := m.em(patterns, []bool{false, true})
	if est[0][0] != 0.9 || est[0][1] != 0.1 {
		t.Errorf("inactive field changed: %v", est[0])
	}
}
