package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestHelpArticleFresh checks what the article page keeps between requests: the views
// it queues are recorded, a new version of the article (whose rendered body is kept)
// shows at once, and the page rendered once for all visitors never stands in for one
// who has rated the article or has a message waiting, nor hides a new score.
func TestHelpArticleFresh(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, related, _, _ := e.helpArticles()
			v := e.visitor()
			if status, body := v.get("/help/articles/" + public.Slug); status != 200 || !strings.Contains(body, "<strong>Settings</strong>") {
				t.Fatalf("article: %d", status)
			} else if want := ">" + public.UpdatedAt.UTC().Format("Monday 2 January 2006") + "</time>"; !strings.Contains(body, want) {
				t.Errorf("the article page, which is kept, should say the day it changed (%s), not how long ago", want)
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

			// Another visitor reads the page (rendered once, then kept); v rates it.
			other := e.visitor()
			for range 2 {
				if _, body := other.get("/help/articles/" + public.Slug); strings.Contains(body, "readers found it helpful") {
					t.Errorf("a score before any rating")
				}
			}
			if res, _ := v.post("/help/articles/"+public.Slug+"/rating", url.Values{"part": {"helpful"}, "helpful": {"yes"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("helpful: got %d", res.StatusCode)
			}
			_, body = v.get("/help/articles/" + public.Slug)
			if !strings.Contains(body, "Thank you for your rating") || !strings.Contains(body, `aria-pressed="true"`) {
				t.Errorf("after rating, the reader does not see the message and their answer")
			}
			if _, body = v.get("/help/articles/" + public.Slug); strings.Contains(body, "Thank you for your rating") || !strings.Contains(body, `aria-pressed="true"`) {
				t.Errorf("on the next visit, the reader's answer is not shown or the message is shown again")
			}
			for range 2 {
				_, body = other.get("/help/articles/" + public.Slug)
				if !strings.Contains(body, "1 of 1 readers found it helpful") || strings.Contains(body, `aria-pressed="true"`) {
					t.Errorf("another visitor does not see the new score, or sees the rater's answer")
				}
			}
			// The other visitor says no: their No is pressed, not their Yes.
			if res, _ := other.post("/help/articles/"+public.Slug+"/rating", url.Values{"part": {"helpful"}, "helpful": {"no"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("not helpful: got %d", res.StatusCode)
			}
			_, body = other.get("/help/articles/" + public.Slug)
			if !strings.Contains(body, `value="no" aria-pressed="true"`) || strings.Contains(body, `value="yes" aria-pressed="true"`) {
				t.Errorf("after answering no, the reader should see No pressed and Yes not")
			}
		})
	}
}
