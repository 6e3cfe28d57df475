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

// TestTabsSayWhichIsCurrent: the tabs of the Duplicates section say which one is
// open to a screen reader too, not by colour alone.
func TestTabsSayWhichIsCurrent(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	agent := e.signIn("agent@example.com")
	for path, want := range map[string]string{"/matches": "/matches", "/matches/merged": "/matches/merged", "/matches?status=rejected": "/matches?status=rejected"} {
		_, body := agent.get(path)
		nav := regexp.MustCompile(`(?s)<nav [^>]*aria-label="Duplicates">(.*?)</nav>`).FindStringSubmatch(body)
		if nav == nil {
			t.Fatalf("%s: no tabs: %s", path, body)
		}
		current := regexp.MustCompile(`href="([^"]*)" aria-current="page"`).FindAllStringSubmatch(nav[1], -1)
		if len(current) != 1 || current[0][1] != want {
			t.Errorf("%s: the tabs mark %q as current, want only %s: %s", path, current, want, nav[1])
		}
	}
}

// TestAdminTabsSayWhichIsCurrent: the administration tabs mark the open one, a page
// of a team or a wall under its list's tab.
func TestAdminTabsSayWhichIsCurrent(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	admin := e.signIn("admin@example.com")
	for path, want := range map[string]string{"/admin/users": "/admin/users", "/admin/teams": "/admin/teams", "/admin/teams/" + e.team.ID.String(): "/admin/teams",
		"/admin/walls": "/admin/walls", "/admin/audit": "/admin/audit", "/admin/sources": "/admin/sources", "/admin/outbox": "/admin/outbox", "/admin/portal": "/admin/portal"} {
		status, body := admin.get(path)
		nav := regexp.MustCompile(`(?s)<nav [^>]*aria-label="Administration"[^>]*>(.*?)</nav>`).FindStringSubmatch(body)
		if status != 200 || nav == nil {
			t.Fatalf("%s: %d, no tabs", path, status)
		}
		current := regexp.MustCompile(`href="([^"]*)" aria-current="page"`).FindAllStringSubmatch(nav[1], -1)
		if len(current) != 1 || current[0][1] != want {
			t.Errorf("%s: the tabs mark %q as current, want only %s", path, current, want)
		}
	}
}
