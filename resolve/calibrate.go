package resolve

import (
	"fmt"
	"math"
)

// calibration turns a pair's match weight into the probability that the reviewers'
// decisions give it: p = σ(a·w·ln 2 + b). The model's own probability is a = 1, b = 0.
// Reviewers decide the pairs the model was least sure of, so their decisions say how
// far to trust it there: a model that proposes many pairs reviewers reject gets lower
// probabilities for pairs like them, and fewer are proposed. Only the probabilities
// between the review and merge thresholds are calibrated: the decisions say nothing of
// the pairs above, which nobody reviews.
type calibration struct {
	A         float64 `json:"a"`
	B         float64 `json:"b"`
	Decisions int     `json:"decisions"`
}

// calibrationPrior is how many decisions' worth of belief the model's own probability
// keeps: a few decisions nudge it, many overrule it.
const calibrationPrior = 20.0

// minDecisions is how many decisions, of both kinds, calibration needs at all.
const minDecisions = 10

// fitCalibration fits a and b to the weights of decided pairs and whether each was
// one customer, by maximum likelihood. The model's own opinion takes part as
// calibrationPrior decisions more, spread over the same weights, each as sure as the
// model is: that holds a and b near (1, 0) whatever the scale of the weights.
func fitCalibration(weights []float64, same []bool) calibration {
	c := calibration{A: 1, Decisions: len(weights)}
	accepted := 0
	for _, s := range same {
		if s {
			accepted++
		}
	}
	n := len(weights)
	if n < minDecisions || accepted == 0 || accepted == n {
		return c
	}
	// Each decision with the model's share of the prior: a soft label y and a weight k.
	k := 1 + calibrationPrior/float64(n)
	xs, ys := make([]float64, n), make([]float64, n)
	for i, w := range weights {
		xs[i] = w * math.Ln2
		model := sigmoid(xs[i])
		if same[i] {
			ys[i] = 1
		}
		ys[i] = (ys[i] + (k-1)*model) / k
	}
	logLikelihood := func(a, b float64) float64 {
		ll := 0.0
		for i, x := range xs {
			z := a*x + b
			// log σ(z) and log σ(−z), written to stay finite for large |z|
			ll += k * (ys[i]*-softplus(-z) + (1-ys[i])*-softplus(z))
		}
		return ll
	}
	// Newton's method on a concave log-likelihood in two parameters, halving a step
	// that would lower it.
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, x := range xs {
			p := sigmoid(c.A*x + c.B)
			ga += k * (ys[i] - p) * x
			gb += k * (ys[i] - p)
			v := k * p * (1 - p)
			haa -= v * x * x
			hab -= v * x
			hbb -= v
		}
		det := haa*hbb - hab*hab
		if det == 0 {
			break
		}
		da, db := (hbb*ga-hab*gb)/det, (haa*gb-hab*ga)/det
		before := logLikelihood(c.A, c.B)
		for step := 1.0; step > 1e-6; step /= 2 {
			if logLikelihood(c.A-step*da, c.B-step*db) >= before {
				c.A, c.B = c.A-step*da, c.B-step*db
				break
			}
		}
		if math.Abs(da)+math.Abs(db) < 1e-9 {
			break
		}
	}
	return c
}

// probability is the calibrated probability of a pair of the weight.
func (c calibration) probability(weight float64) float64 {
	return sigmoid(c.A*weight*math.Ln2 + c.B)
}

// sigmoid is the logistic function, 1 / (1 + e⁻ᶻ).
func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// softplus is log(1 + eˣ).
func softplus(x float64) float64 {
	if x > 30 {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func (c calibration) String() string {
	if c.A == 1 && c.B == 0 {
		return fmt.Sprintf("%d decisions, too few to calibrate", c.Decisions)
	}
	return fmt.Sprintf("calibrated by %d decisions (a %.2f, b %.2f)", c.Decisions, c.A, c.B)
}
