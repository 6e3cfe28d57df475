package sentiment

import (
	"strings"
	"testing"
)

func TestSign(t *testing.T) {
	tests := []struct {
		text string
		want string // negative, neutral or positive
	}{
		{"The delivery was late and the box was damaged.", "negative"},
		{"Your staff were rude and unhelpful.", "negative"},
		{"I am very disappointed with the service", "negative"},
		{"This is the worst support I have ever had", "negative"},
		{"Great service, thank you so much!", "positive"},
		{"The new app is fast and easy to use", "positive"},
		{"Anna was friendly and helpful on the phone", "positive"},
		{"Please send the invoice to my office address", "neutral"},
		{"When does the shop open on Sunday?", "neutral"},
		{"", "neutral"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			s := Text(tt.text)
			if got := tone(s.Compound); got != tt.want {
				t.Errorf("got %s (%.3f), want %s", got, s.Compound, tt.want)
			}
		})
	}
}

func tone(c float64) string {
	switch {
	case c <= -0.05:
		return "negative"
	case c >= 0.05:
		return "positive"
	}
	return "neutral"
}

func TestNegation(t *testing.T) {
	for _, tt := range []struct{ plain, negated string }{
		{"The service was good", "The service was not good"},
		{"The staff were helpful", "The staff weren't helpful"},
		{"The app is bad", "The app is not bad"},
		{"I was happy with it", "I was never happy with it"},
	} {
		p, n := Text(tt.plain).Compound, Text(tt.negated).Compound
		if p == 0 || n == 0 || (p > 0) == (n > 0) {
			t.Errorf("%q scores %.3f and %q %.3f; want opposite signs", tt.plain, p, tt.negated, n)
		}
		if abs(n) >= abs(p) {
			t.Errorf("%q scores %.3f, as strong as %q (%.3f); want a negation to weaken", tt.negated, n, tt.plain, p)
		}
	}
}

func TestIntensifiers(t *testing.T) {
	for _, tt := range []struct{ plain, stronger string }{
		{"The wait was long and slow", "The wait was long and extremely slow"},
		{"The room was clean", "The room was very clean"},
		{"The staff were rude", "The staff were really rude"},
		{"The staff were rude", "The staff were rude!!!"},
		{"The staff were rude to me today", "The staff were RUDE to me today"},
	} {
		p, s := Text(tt.plain).Compound, Text(tt.stronger).Compound
		if abs(s) <= abs(p) || (p > 0) != (s > 0) {
			t.Errorf("%q scores %.3f, %q %.3f; want the second stronger in the same direction", tt.plain, p, tt.stronger, s)
		}
	}
	if p, d := Text("The food was good").Compound, Text("The food was slightly good").Compound; d >= p || d <= 0 {
		t.Errorf("a dampener: got %.3f for slightly good, %.3f for good; want weaker but positive", d, p)
	}
	if caps := Text("TERRIBLE SERVICE").Compound; caps != Text("terrible service").Compound {
		t.Errorf("a text all in capitals: got %.3f, want the same as in lower case", caps)
	}
}

func TestBut(t *testing.T) {
	// The clause after "but" decides.
	if c := Text("The staff were friendly but the delivery was terrible").Compound; c >= 0 {
		t.Errorf("friendly but terrible: got %.3f, want negative", c)
	}
	if c := Text("The delivery was late but the staff were wonderful").Compound; c <= 0 {
		t.Errorf("late but wonderful: got %.3f, want positive", c)
	}
}

func TestBounds(t *testing.T) {
	long := strings.Repeat("terrible awful horrible! ", 5000)
	if c := Text(long).Compound; c < -1 || c > -0.9 {
		t.Errorf("a very negative text: got %.3f, want in [-1, -0.9]", c)
	}
	if c := Text("good \xff\xfe great").Compound; c <= 0 {
		t.Errorf("malformed UTF-8 around good words: got %.3f, want positive", c)
	}
	if s := Text("good good"); s.Words != 2 {
		t.Errorf("got %d sentiment words, want 2", s.Words)
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// BenchmarkText scores a typical complaint of about 40 words.
func BenchmarkText(b *testing.B) {
	text := "I ordered the standing desk three weeks ago and it still has not arrived. The courier was rude on the phone, " +
		"and nobody called me back although I was promised a refund. Very disappointed, but Anna in the shop was helpful!"
	for b.Loop() {
		Text(text)
	}
}
