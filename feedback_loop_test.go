package rapport

import (
	"strings"
	"testing"
)

// With nothing of the customer's own to quote, every built-in template loses its line
// that would quote them and the blank line after it, and keeps the rest.
func TestFillWithoutQuote(t *testing.T) {
	v := FeedbackMailValues{Customer: "Ana", Resolution: "Sent a new desk", Firm: "Acme"}
	for lang, tmpl := range BuiltInFeedbackTemplates {
		got := v.Fill(tmpl.Body)
		if strings.Contains(got, "{feedback}") || strings.Contains(got, "“”") || strings.Contains(got, "„“") ||
			strings.Contains(got, "\n\n\n") || !strings.Contains(got, "Ana,\n\n") || !strings.Contains(got, "Sent a new desk") {
			t.Errorf("%s: %q", lang, got)
		}
		quoted := FeedbackMailValues{Customer: "Ana", Feedback: "It wobbles", Resolution: "Sent a new desk", Firm: "Acme"}
		if got := quoted.Fill(tmpl.Body); !strings.Contains(got, "It wobbles") {
			t.Errorf("%s with the customer's words: %q", lang, got)
		}
	}
	for _, tt := range []struct{ text, want string }{
		{"{feedback}\n\nDone: {resolution}", "Done: Sent a new desk"},
		{"Hi {customer},\nyou said {feedback}.\nDone.", "Hi Ana,\nDone."},
		{"A\n\nSaid: {feedback}", "A\n"},
	} {
		if got := v.Fill(tt.text); got != tt.want {
			t.Errorf("Fill(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := v.FillSubject("Re:  {feedback} ({firm})"); got != "Re: (Acme)" {
		t.Errorf("FillSubject = %q", got)
	}
}
