package sqldbtest

import (
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// SharedDatabase checks what a visitor reads through one process after staff change
// the knowledge base through another: first and second are two handles on one database,
// each with the caches of its own process. The page kept for visitors and the index of
// related articles must follow the change at once, since the change counts in the
// database (kb_revision), not in the process that made it.
func SharedDatabase(t *testing.T, first, second *sqldb.DB) {
	manager := scopeOf(mustUser(t, second, "kim@example.com", rapport.RoleManager))
	cat, err := second.CreateCategory(ctx, manager, rapport.Category{Name: "Accounts"})
	must(t, err)
	create := func(title string) *rapport.Article {
		t.Helper()
		a, err := second.CreateArticle(ctx, manager, rapport.ArticleInput{Title: title, CategoryID: cat.ID, Publish: true})
		must(t, err)
		return a
	}
	reset := create("Reset your password")
	create("Two-step sign-in")
	visitor := rapport.PortalScope("198.51.100.7")
	read := func() *rapport.ArticleReading {
		t.Helper()
		p, err := first.ReadArticle(ctx, visitor, reset.Slug, "visitor-1", 5)
		must(t, err)
		return p
	}
	related := func(p *rapport.ArticleReading) (titles []string) {
		for _, l := range p.Related {
			titles = append(titles, l.Title)
		}
		return titles
	}
	if p := read(); len(p.Related) != 1 || p.Related[0].Title != "Two-step sign-in" {
		t.Fatalf("related before the change: %q", related(p))
	}

	// A new article in the category is related at once; a new version shows at once.
	create("Passkeys")
	_, err = second.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "Open your profile.", CategoryID: cat.ID, Publish: true})
	must(t, err)
	p := read()
	if got := related(p); len(got) != 2 || got[0] != "Passkeys" || got[1] != "Two-step sign-in" {
		t.Errorf("related after another process added an article: %q", got)
	}
	if p.Article.Body != "Open your profile." {
		t.Errorf("the body after another process published a version: %q", p.Article.Body)
	}

	// Made staff-only by another process, the article is gone for visitors at once.
	_, err = second.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "Open your profile.", CategoryID: cat.ID,
		Audience: rapport.AudienceStaff, Publish: true})
	must(t, err)
	_, err = first.ReadArticle(ctx, visitor, reset.Slug, "visitor-1", 5)
	wantCode(t, err, rapport.ENOTFOUND)
}
