package web_test

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestKBSearch: the API's search and suggestions, and the portal's suggestions, which
// offer a visitor only public articles.
func TestKBSearch(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	system := rapport.SystemScope("test")
	_, err := e.db.CreateArticle(ctx, system, rapport.ArticleInput{Title: "Reset your password", KeyPoints: "Use the <script>alert(1)</script> link.",
		Body: "Open the **settings** and reset it.", Products: []string{"Web app"}, Publish: true})
	must(t, err)
	_, err = e.db.CreateArticle(ctx, system, rapport.ArticleInput{Title: "Password rules for staff", Audience: rapport.AudienceStaff, Publish: true})
	must(t, err)

	res, body := e.do("GET", "/api/v1/kb/search?q=pasword&log=true", "agent@example.com", "")
	got := decode[rapport.SearchResult](t, body)
	if res.StatusCode != 200 || got.Total != 2 || got.DidYouMean != "password" || got.SearchID.IsZero() || len(got.Products) != 1 {
		t.Errorf("staff search for pasword: %d %s", res.StatusCode, body)
	}
	res, body = e.do("GET", "/api/v1/kb/search?q=reset&offset=-1", "agent@example.com", "")
	if res.StatusCode != 400 || !strings.Contains(body, `"offset"`) {
		t.Errorf("a negative offset: %d %s", res.StatusCode, body)
	}
	res, body = e.do("GET", "/api/v1/kb/suggest?q=passw", "agent@example.com", "")
	if res.StatusCode != 200 || !strings.Contains(body, "Password rules for staff") || !strings.Contains(body, "Reset your password") {
		t.Errorf("staff suggestions for passw: %d %s", res.StatusCode, body)
	}
	res, body = e.do("GET", "/help/suggest?q=passw", "", "")
	if res.StatusCode != 200 || strings.Contains(body, "staff") || !strings.Contains(body, `"slug":"reset-your-password"`) {
		t.Errorf("a visitor's suggestions for passw: %d %s", res.StatusCode, body)
	}
	if res, body = e.do("GET", "/help/suggest?q=", "", ""); res.StatusCode != 200 || !strings.Contains(body, `"suggestions":[]`) {
		t.Errorf("suggestions for nothing: %d %s", res.StatusCode, body)
	}
}
