package web_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestHeaderCellsHaveNames: a table's column of buttons has a header a screen reader
// can name (shown to it only), so that a cell is not read under an empty header; and
// the class that hides such words from the eye, not from screen readers, is styled.
func TestHeaderCellsHaveNames(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	agent := e.signIn("agent@example.com")
	status, body := agent.get("/account")
	head := regexp.MustCompile(`(?s)<thead>(.*?)</thead>`).FindStringSubmatch(body)
	if status != 200 || head == nil {
		t.Fatalf("got %d, want the account page with its table of tokens: %s", status, body)
	}
	tags := regexp.MustCompile(`<[^>]*>`)
	for _, th := range regexp.MustCompile(`(?s)<th[^>]*>(.*?)</th>`).FindAllStringSubmatch(head[1], -1) {
		if strings.TrimSpace(tags.ReplaceAllString(th[1], "")) == "" {
			t.Errorf("an empty header cell in the tokens table: %s", head[1])
		}
	}
	_, css := agent.get("/static/app.css")
	rule := regexp.MustCompile(`\.visually-hidden\s*\{([^}]*)\}`).FindStringSubmatch(css)
	if rule == nil || !strings.Contains(rule[1], "position: absolute") || !strings.Contains(rule[1], "clip") || strings.Contains(rule[1], "display: none") {
		t.Errorf("app.css styles .visually-hidden as %q; want it out of sight and still read", rule)
	}
}
