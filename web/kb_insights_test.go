package web_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestKBInsights: what visitors do in the help centre reaches the knowledge managers'
// insights page, its API and the article's own page: a search that led to a read, a
// search that found nothing (holding a script, which stays text), a judgement; a
// search engine's robot reading an article adds no view.
func TestKBInsights(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, _, _, _ := e.helpArticles()
			v := e.visitor()

			_, body := v.get("/help/search?q=reset")
			hit := regexp.MustCompile(`href="(/help/articles/` + public.Slug + `\?s=[0-9a-f-]+)"`).FindStringSubmatch(body)
			if hit == nil {
				t.Fatalf("the search page has no link to %q that carries the search", public.Slug)
			}
			if status, _ := v.get(hit[1]); status != 200 {
				t.Fatalf("open the hit: %d", status)
			}
			// A search engine's robot reading the article is no reader's view.
			if res, _ := e.visitor().fetch("/help/articles/"+public.Slug, "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"); res.StatusCode != 200 {
				t.Fatalf("a robot reads the article: %d", res.StatusCode)
			}
			v.get("/help/search?q=" + url.QueryEscape(`refund <i>policy</i>`))
			v.get("/help/search?q=" + url.QueryEscape(`refund <i>policy</i>`))
			if res, _ := v.post("/help/articles/"+public.Slug+"/rating", url.Values{"helpful": {"no"}, "part": {"helpful"}}); res.StatusCode != 303 {
				t.Fatalf("rate: %d", res.StatusCode)
			}

			agent := e.signIn("agent@example.com")
			status, page := agent.get("/kb/insights?weeks=4")
			if status != 200 {
				t.Fatalf("insights: %d", status)
			}
			for _, want := range []string{"<strong>1</strong><span>article views</span>", "<strong>3</strong><span>searches</span>",
				"<strong>66.7 %</strong><span>of searches found nothing</span>", "<strong>0 %</strong><span>found an article helpful",
				`refund &lt;i&gt;policy&lt;/i&gt;`, `href="/kb/articles/new?title=refund`,
				`href="/kb/articles/` + public.ID.String() + `">Reset your password</a>`, `aria-current="page">4 weeks`} {
				if !strings.Contains(page, want) {
					t.Errorf("the insights page lacks %q", want)
				}
			}
			if strings.Contains(page, `<i>policy`) {
				t.Error("the gap's markup reached the page as markup")
			}
			// An analyst reads the gaps and the list but writes no article: no link to a
			// form that refuses them.
			analyst := e.signIn("outsider@example.com")
			for _, path := range []string{"/kb/insights?weeks=4", "/kb"} {
				if status, page := analyst.get(path); status != 200 || strings.Contains(page, `href="/kb/articles/new`) {
					t.Errorf("%s for an analyst: %d, or a link to write an article", path, status)
				}
			}
			if status, _ := analyst.get("/kb/articles/new"); status != 403 {
				t.Errorf("an analyst's editor: %d, want 403", status)
			}
			if status, _ := agent.get("/kb/insights?weeks=1000"); status != 400 {
				t.Errorf("weeks=1000: %d, want 400", status)
			}
			_, editor := agent.get("/kb/articles/new?title=" + url.QueryEscape("refund policy"))
			if !strings.Contains(editor, `value="refund policy"`) {
				t.Error("the editor does not start from the gap's query")
			}
			_, article := agent.get("/kb/articles/" + public.ID.String())
			if !strings.Contains(article, " · for everyone · ") {
				t.Error("the article page does not say that everyone may read it")
			}
			if !strings.Contains(article, "<strong>1</strong> view · 0 found it helpful, 1 did not") {
				t.Error("the article page does not show its readers")
			}

			res, body := e.do("GET", "/api/v1/kb/insights?weeks=2", "agent@example.com", "")
			var in rapport.KnowledgeInsights
			must(t, json.Unmarshal([]byte(body), &in))
			if res.StatusCode != 200 || len(in.Weeks) != 2 || in.Weeks[1].Searches != 3 || len(in.Gaps) != 1 || in.Gaps[0].NoResult != 2 ||
				len(in.Articles) != 1 || in.Articles[0].Views != 1 {
				t.Errorf("the API: %d %s", res.StatusCode, body)
			}
			res, body = e.do("GET", "/api/v1/kb/articles/"+public.Slug+"/insights?weeks=3", "agent@example.com", "")
			if res.StatusCode != 200 || !strings.Contains(body, `"views":1`) || strings.Count(body, `"start"`) != 3 {
				t.Errorf("the article's weeks: %d %s", res.StatusCode, body)
			}
			if res, _ := e.do("GET", "/api/v1/kb/insights?weeks=x", "agent@example.com", ""); res.StatusCode != 400 {
				t.Errorf("weeks=x: %d", res.StatusCode)
			}
		})
	}
}
