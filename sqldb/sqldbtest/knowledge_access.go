package sqldbtest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rapportckm/rapport"
)

// testArticleAccess checks that search, which decides who may read an article from the
// catalogue kept in memory, finds exactly the articles that reading one by one, which
// decides it in SQL (visibleArticle), lets each kind of reader see: every audience, in
// every state, for staff, a visitor, a customer it was chosen for and one it was not.
func testArticleAccess(t *testing.T, open Opener) {
	f, manager, acme, ana, bob := newReaders(t, open)
	db := f.db

	var articles []*rapport.Article
	for _, audience := range rapport.Audiences {
		for _, state := range []string{"published", "draft", "archived", "editing"} {
			in := rapport.ArticleInput{Title: fmt.Sprintf("Zephyr %s %s", audience, state), Body: "About the zephyr.",
				Audience: audience, Publish: state != "draft"}
			if audience == rapport.AudienceChosen {
				in.Customers = []rapport.ID{acme.ID}
			}
			a, err := db.CreateArticle(ctx, manager, in)
			must(t, err)
			switch state {
			case "archived":
				a, err = db.ChangeArticleStatus(ctx, manager, a.ID, rapport.ArticleTransition{Step: rapport.StepArchive})
			case "editing": // published, with a new draft on top
				in.Body, in.Publish = "About the zephyr, rewritten.", false
				a, err = db.SaveArticle(ctx, manager, a.ID, in)
			}
			must(t, err)
			articles = append(articles, a)
		}
	}
	for name, s := range map[string]rapport.Scope{"staff": manager, "visitor": rapport.PortalScope("198.51.100.7"),
		"chosen customer": rapport.CustomerScope(ana.ID, "198.51.100.7"), "other customer": rapport.CustomerScope(bob.ID, "198.51.100.7")} {
		res, err := db.SearchArticles(ctx, s, rapport.SearchQuery{Text: "zephyr", Limit: 100})
		must(t, err)
		var searched, read []string
		for _, h := range res.Hits {
			searched = append(searched, h.Title)
		}
		for _, a := range articles {
			if _, err := db.FindArticle(ctx, s, a.ID.String()); err == nil {
				read = append(read, a.Title)
			} else if rapport.ErrorCode(err) != rapport.ENOTFOUND {
				t.Fatal(err)
			}
		}
		slices.Sort(searched)
		slices.Sort(read)
		if !slices.Equal(searched, read) || len(read) == 0 {
			t.Errorf("%s: search finds %q, reading one by one %q", name, searched, read)
		}
	}
}
