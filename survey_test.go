package rapport

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f", what, got, want)
	}
}

// The intervals against values worked out by hand (see the comments).
func TestSurveyStatistics(t *testing.T) {
	// NPS: 10 answers, 5 promoters, 2 detractors: p+ = .5, p− = .2, NPS = 30;
	// var = (.5 + .2 − .3²)/10 = .061, se = .24698, half = 1.96 × .24698 = .48407.
	nps, lo, hi := NPSInterval(5, 2, 10)
	near(t, "NPS", nps, 30, 1e-9)
	near(t, "NPS low", lo, -18.407, 0.01)
	near(t, "NPS high", hi, 78.407, 0.01)
	// Clamped to ±100: all promoters out of 3.
	if _, _, hi := NPSInterval(3, 0, 3); hi != 100 {
		t.Errorf("NPS high of all promoters = %v, want 100", hi)
	}
	// Wilson, 8 of 10: centre (.8 + 3.8415/20)/(1 + .38415) = .71673, half =
	// 1.96/1.38415 × √(.016 + .0096037) = .22658.
	p, lo, hi := WilsonInterval(8, 10)
	near(t, "CSAT share", p, 0.8, 1e-9)
	near(t, "CSAT low", lo, 0.49016, 0.0005)
	near(t, "CSAT high", hi, 0.94331, 0.0005)
	// Mean of 1..5: 3, s = √2.5 = 1.5811, t(4) = 2.776, half = 2.776 × 1.5811/√5 = 1.9629.
	m, lo, hi := MeanInterval([]int{1, 2, 3, 4, 5})
	near(t, "CES mean", m, 3, 1e-9)
	near(t, "CES low", lo, 1.0371, 0.001)
	near(t, "CES high", hi, 4.9629, 0.001)
	// t beyond the table: t(60) = 2.0003, t(120) = 1.9799.
	near(t, "t(60)", T975(60), 2.0003, 0.001)
	near(t, "t(120)", T975(120), 1.9799, 0.001)

	s := ScoreOf(SurveyNPS, []int{10, 9, 9, 10, 9, 7, 8, 3, 0, 8})
	if s.N != 10 || s.Value != 30 || s.Categories["promoter"] != 50 || s.Categories["detractor"] != 20 {
		t.Errorf("ScoreOf NPS = %+v", s)
	}
	if c := ScoreOf(SurveyCSAT, []int{5, 4, 3, 2}); c.Value != 50 {
		t.Errorf("CSAT of 5,4,3,2 = %v, want 50", c.Value)
	}
}

func TestSurveyCategories(t *testing.T) {
	for _, c := range []struct {
		k     SurveyKind
		score int
		cat   string
		low   bool
	}{
		{SurveyNPS, 6, "detractor", true}, {SurveyNPS, 7, "passive", false}, {SurveyNPS, 9, "promoter", false},
		{SurveyCSAT, 2, "dissatisfied", true}, {SurveyCSAT, 3, "neutral", false}, {SurveyCSAT, 4, "satisfied", false},
		{SurveyCES, 5, "hard", true}, {SurveyCES, 4, "neutral", false}, {SurveyCES, 3, "easy", false},
		{SurveyCustom, 1, "", false},
	} {
		if got := c.k.Category(c.score); got != c.cat || c.k.NeedsFollowUp(c.score) != c.low {
			t.Errorf("%s %d: %q, follow up %v", c.k, c.score, got, c.k.NeedsFollowUp(c.score))
		}
	}
}

// TestSurveyScoreSentiment checks that a score's sentiment agrees with its category:
// negative for every score that logs a complaint, zero for neutral ones, and the
// scale's ends at -1 and 1.
func TestSurveyScoreSentiment(t *testing.T) {
	for _, c := range []struct {
		k     SurveyKind
		score int
		want  float64
	}{
		{SurveyNPS, 0, -1}, {SurveyNPS, 6, -1.0 / 7}, {SurveyNPS, 7, 0}, {SurveyNPS, 8, 0}, {SurveyNPS, 9, 0.5}, {SurveyNPS, 10, 1},
		{SurveyCSAT, 1, -1}, {SurveyCSAT, 2, -0.5}, {SurveyCSAT, 3, 0}, {SurveyCSAT, 5, 1},
		{SurveyCES, 1, 1}, {SurveyCES, 4, 0}, {SurveyCES, 5, -1.0 / 3}, {SurveyCES, 7, -1},
		{SurveyCustom, 1, -1}, {SurveyCustom, 4, 0.5},
	} {
		if got := c.k.Sentiment(c.score); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s %d: sentiment %v, want %v", c.k, c.score, got, c.want)
		}
	}
	for _, k := range []SurveyKind{SurveyNPS, SurveyCSAT, SurveyCES} {
		lo, hi := k.Scale()
		for score := lo; score <= hi; score++ {
			if s := k.Sentiment(score); k.NeedsFollowUp(score) != (s < 0) || (k.Category(score) == "neutral" || k.Category(score) == "passive") != (s == 0) {
				t.Errorf("%s %d (%s): sentiment %v", k, score, k.Category(score), s)
			}
		}
	}
}

func TestSurveyValidate(t *testing.T) {
	v := &Survey{Name: "  Loyalty ", Kind: SurveyNPS, Translations: map[string]SurveyText{"de": {Question: "Wie wahrscheinlich …?"}}}
	v.Normalize()
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if v.Name != "Loyalty" || v.AskEveryDays != 90 || v.Question == "" {
		t.Errorf("normalized: %+v", v)
	}
	if got := v.Text("de-AT").Question; got != "Wie wahrscheinlich …?" {
		t.Errorf("German question: %q", got)
	}
	if got := v.Text("fr").Question; got != SurveyNPS.DefaultQuestion() {
		t.Errorf("French falls back to English: %q", got)
	}
	bad := &Survey{Name: "x", Kind: "mood", FollowUps: []FollowUp{{Text: "Which?", Kind: "choice", Choices: []string{"a"}}},
		Triggers: []SurveyTrigger{{Event: "birthday"}}, Translations: map[string]SurveyText{"not a tag!": {}}}
	bad.Normalize()
	err := bad.Validate()
	for _, field := range []string{"kind", "follow_ups", "triggers", "translations"} {
		if _, ok := err.(*Error).Fields[field]; !ok {
			t.Errorf("no problem with %s: %v", field, err)
		}
	}
	a := SurveyAnswer{Score: 11}
	if a.Validate(v) == nil {
		t.Error("NPS 11 accepted")
	}
}

// An answer to a follow-up scale is a whole number on its scale, refused at its field
// otherwise; answers to questions not asked are dropped.
func TestSurveyAnswerFollowUps(t *testing.T) {
	v := &Survey{Kind: SurveyNPS, FollowUps: []FollowUp{{Text: "Why?", Kind: "text"},
		{Text: "How well did we deliver?", Kind: "scale", Max: 5}, {Text: "Which?", Kind: "choice", Choices: []string{"Desk", "Chair"}}}}
	for _, tt := range []struct {
		answers map[string]string
		field   string // at fault, or ""
		want    string // the scale's answer as kept
	}{
		{map[string]string{"2": "3"}, "", "3"},
		{map[string]string{"2": "5", "1": "Fine"}, "", "5"},
		{map[string]string{"2": "03"}, "", "3"},
		{map[string]string{"2": ""}, "", ""},
		{map[string]string{"2": "999"}, "answers.2", "999"},
		{map[string]string{"2": "0"}, "answers.2", "0"},
		{map[string]string{"2": "-1"}, "answers.2", "-1"},
		{map[string]string{"2": "banana"}, "answers.2", "banana"},
		{map[string]string{"2": "2.5"}, "answers.2", "2.5"},
		{map[string]string{"3": "Sofa"}, "answers.3", ""},
		{map[string]string{"4": "x", "02": "x", "1/": "x", "+1": "x"}, "", ""},
	} {
		a := SurveyAnswer{Score: 7, Answers: tt.answers}
		err := a.Validate(v)
		var e *Error
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%v: %v, want no error", tt.answers, err)
		case tt.field != "" && (!errors.As(err, &e) || e.Fields[tt.field] == ""):
			t.Errorf("%v: %v, want an error at %s", tt.answers, err, tt.field)
		}
		if got := a.Answers["2"]; got != tt.want {
			t.Errorf("%v: the scale's answer is kept as %q, want %q", tt.answers, got, tt.want)
		}
		for k := range a.Answers {
			if k != "1" && k != "2" && k != "3" {
				t.Errorf("%v: the answer %q to no question is kept", tt.answers, k)
			}
		}
	}
	a := SurveyAnswer{Score: 7, Answers: map[string]string{"2": "999"}}
	if err := a.Validate(v); err == nil || !strings.Contains(err.Error(), "from 1 to 5") {
		t.Errorf("the message %v should say the scale", err)
	}
	// The customer reads the message: it names their answer, not the field's number.
	a = SurveyAnswer{Score: 7, Answers: map[string]string{"1": strings.Repeat("x", 2001)}}
	var e *Error
	if err := a.Validate(v); !errors.As(err, &e) || !strings.HasPrefix(e.Fields["answers.1"], "Your answer: 2001 characters") {
		t.Errorf("the message %v should name the answer in words", err)
	}
}
