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
	patterns := simulate(7, pairs, lambda, trueM, trueU)
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

// simulate draws pairs of a rule from two classes, each with its own level probabilities
// per field, and counts their patterns.
func simulate(seed uint64, pairs int, lambda float64, m, u [][]float64) map[uint64]int {
	rng := rand.New(rand.NewPCG(seed, seed))
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
		probs := u
		if rng.Float64() < lambda {
			probs = m
		}
		var p uint64
		for f := range probs {
			p |= draw(probs[f]) << (3 * f)
		}
		patterns[p]++
	}
	return patterns
}

func modelWithU(u [][]float64) *Model {
	m := &Model{}
	for f := range u {
		fm := FieldModel{}
		for lv := range u[f] {
			fm.Levels = append(fm.Levels, LevelModel{M: startM(lv, len(u[f])), U: u[f][lv]})
		}
		m.Fields = append(m.Fields, fm)
	}
	return m
}

// TestEMNamesakes is the pairs of a rule on name and postcode: the people who share a
// name in one postcode (nine pairs in ten) also share the town, which random pairs
// rarely do. Taking the town's agreement as evidence of a match, as an estimator with u
// fixed at its random-pair value does, makes the namesakes matches whose dates of birth
// differ (m of "date different" came out at 0.6 here). Learning the rule's own u finds
// the true m again.
func TestEMNamesakes(t *testing.T) {
	trueM := [][]float64{
		{0.90, 0.08, 0.02}, // date of birth: exact, close, different
		{0.95, 0.05},       // town: same, different
		{0.70, 0.05, 0.25}, // e-mail: exact, close, different
		{0.80, 0.20},       // street: same, different
	}
	ruleU := [][]float64{ // the namesakes the rule produces
		{0.0001, 0.01, 0.9899},
		{0.97, 0.03},
		{0.0001, 0.05, 0.9499},
		{0.02, 0.98},
	}
	randomU := [][]float64{ // random pairs
		{0.0001, 0.01, 0.9899},
		{0.008, 0.992},
		{0.00001, 0.0003, 0.99969},
		{0.0001, 0.9999},
	}
	const pairs, lambda = 200_000, 0.1
	est, matches, _ := modelWithU(randomU).em(simulate(3, pairs, lambda, trueM, ruleU), []bool{true, true, true, true})
	if got := matches / pairs; math.Abs(got-lambda) > 0.01 {
		t.Errorf("share of matches %.4f, want %.2f", got, lambda)
	}
	for f := range trueM {
		for lv := range trueM[f] {
			if math.Abs(est[f][lv]-trueM[f][lv]) > 0.02 {
				t.Errorf("field %d level %d: m %.4f, want %.2f", f, lv, est[f][lv], trueM[f][lv])
			}
		}
	}
}

// TestEMNearlyAllMatch is the pairs of a rule on e-mail address: nearly all match, and one
// match in ten has moved (another town and street). The rule's own u must not turn the
// moved matches into a class of non-matches.
func TestEMNearlyAllMatch(t *testing.T) {
	trueM := [][]float64{
		{0.90, 0.08, 0.02},
		{0.90, 0.10},
		{0.85, 0.15},
	}
	u := [][]float64{
		{0.0001, 0.01, 0.9899},
		{0.008, 0.992},
		{0.0001, 0.9999},
	}
	// Moved matches differ on town and street together, which two conditionally
	// independent fields would rarely do: the hardest case for a free non-matching class.
	patterns := simulate(5, 50_000, 0.99, trueM[:1], u[:1])
	rng := rand.New(rand.NewPCG(9, 9))
	moved := map[uint64]int{}
	for p, n := range patterns {
		for range n {
			q := p | 0<<3 | 0<<6
			if rng.Float64() < 0.1 {
				q = p | 1<<3 | 1<<6
			}
			moved[q]++
		}
	}
	est, _, _ := modelWithU(u).em(moved, []bool{true, true, true})
	for f, want := range []float64{0.02, 0.10, 0.10} {
		if got := est[f][len(est[f])-1]; math.Abs(got-want) > 0.02 {
			t.Errorf("field %d: m of different %.4f, want %.2f", f, got, want)
		}
	}
}
