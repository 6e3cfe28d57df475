package web_test

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestHelpArticleFresh checks what the article page keeps between requests: the views
// it queues are recorded, and a new version of the article (whose rendered body is
// kept) shows at once.
func TestHelpArticleFresh(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, related, _, _ := e.helpArticles()
			v := e.visitor()
			if status, body := v.get("/help/articles/" + public.Slug); status != 200 || !strings.Contains(body, "<strong>Settings</strong>") {
				t.Fatalf("article: %d", status)
			}
			if status, _ := v.get("/help/articles/" + related.Slug); status != 200 {
				t.Fatalf("related article: %d", status)
			}
			// A view waited for is written after the queued ones.
			visitor := rapport.PortalScope("")
			must(t, e.db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: public.ID, Reader: "someone else"}))
			also, err := e.db.AlsoRead(ctx, visitor, public.ID, 5)
			must(t, err)
			if len(also) != 1 || also[0].ID != related.ID {
				t.Errorf("the visitor's two views are not both recorded: also read %+v", also)
			}

			_, err = e.db.SaveArticle(ctx, rapport.SystemScope("test"), public.ID, rapport.ArticleInput{Title: public.Title, CategoryID: public.CategoryID,
				KeyPoints: public.KeyPoints, Body: "## Steps\n\n1. Open **Preferences**", Tags: []string{"password"}, Publish: true})
			must(t, err)
			_, body := v.get("/help/articles/" + public.Slug)
			if !strings.Contains(body, "<strong>Preferences</strong>") || strings.Contains(body, "<strong>Settings</strong>") {
				t.Errorf("the page does not show the new version at once")
			}
		})
	}
}
