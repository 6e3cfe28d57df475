package sqldbtest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// SharedDatabase checks what a visitor reads through one process after staff change
// the knowledge base through another: open returns a new handle on one database, with
// the caches of a process of its own. The page kept for visitors and the catalogue of
// articles (which ranks related articles and filters searches) must follow a change at
// once, since the change counts in the database (kb_revision), not in the process that
// made it; and a catalogue brought up to date change by change must equal one built
// from scratch.
func SharedDatabase(t *testing.T, open func() (*sqldb.DB, error)) {
	handle := handles(t, open)
	first, second := handle(), handle()
	manager := scopeOf(mustUser(t, second, "kim@example.com", rapport.RoleManager))
	cat, err := second.CreateCategory(ctx, manager, rapport.Category{Name: "Accounts"})
	must(t, err)
	create := func(title string, products ...string) *rapport.Article {
		t.Helper()
		a, err := second.CreateArticle(ctx, manager, rapport.ArticleInput{Title: title, Body: "How to manage your account.", CategoryID: cat.ID,
			Products: products, Publish: true})
		must(t, err)
		return a
	}
	reset := create("Reset your password")
	two := create("Two-step sign-in", "Web app")
	visitor := rapport.PortalScope("198.51.100.7")
	read := func() *rapport.ArticleReading {
		t.Helper()
		p, err := first.ReadArticle(ctx, visitor, reset.Slug, "visitor-1", 5)
		must(t, err)
		return p
	}
	related := func(links []rapport.ArticleLink) (titles []string) {
		for _, l := range links {
			titles = append(titles, l.Title)
		}
		return titles
	}
	if p := read(); len(p.Related) != 1 || p.Related[0].Title != "Two-step sign-in" {
		t.Fatalf("related before the change: %q", related(p.Related))
	}

	// A new article in the category is related at once; a new version shows at once.
	passkeys := create("Passkeys", "Web app")
	_, err = second.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "Open your profile.", CategoryID: cat.ID,
		Products: []string{"Web app"}, Publish: true})
	must(t, err)
	p := read()
	if got := related(p.Related); !slices.Equal(got, []string{"Passkeys", "Two-step sign-in"}) {
		t.Errorf("related after another process added an article: %q", got)
	}
	if p.Article.Body != "Open your profile." {
		t.Errorf("the body after another process published a version: %q", p.Article.Body)
	}
	// Archived by another process, an article leaves the related list and the search.
	_, err = second.ChangeArticleStatus(ctx, manager, two.ID, rapport.ArticleTransition{Step: rapport.StepArchive})
	must(t, err)
	if got := related(read().Related); !slices.Equal(got, []string{"Passkeys"}) {
		t.Errorf("related after another process archived one: %q", got)
	}
	res, err := first.SearchArticles(ctx, visitor, rapport.SearchQuery{Text: "account"})
	must(t, err)
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].ID != passkeys.ID || len(res.Products) != 1 || res.Products[0].Count != 1 {
		t.Errorf("search after another process archived one (and the other no longer says account): total %d, products %+v", res.Total, res.Products)
	}

	// More changes of every kind, then the catalogue first brought up to date change by
	// change against one built from scratch by a new process: the same related lists,
	// the same searches, for a visitor and for staff.
	_, err = second.SaveArticle(ctx, manager, passkeys.ID, rapport.ArticleInput{Title: "Sign in with a passkey", Body: "How to manage your account.",
		Products: []string{"Mobile app"}, Tags: []string{"security"}, Publish: true})
	must(t, err)
	billing, err := second.CreateCategory(ctx, manager, rapport.Category{Name: "Billing"})
	must(t, err)
	create("Change your card", "Mobile app")
	_, err = second.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "How to manage your account.",
		CategoryID: billing.ID, Tags: []string{"security"}, Publish: true})
	must(t, err)
	_, err = second.ChangeArticleStatus(ctx, manager, two.ID, rapport.ArticleTransition{Step: rapport.StepUnarchive})
	must(t, err)
	fresh := handle()
	for _, s := range []rapport.Scope{visitor, manager} {
		for _, a := range []*rapport.Article{reset, two, passkeys} {
			got, err := first.RelatedArticles(ctx, s, a.ID, 10)
			must(t, err)
			want, err := fresh.RelatedArticles(ctx, s, a.ID, 10)
			must(t, err)
			if !slices.Equal(related(got), related(want)) {
				t.Errorf("related to %s, catalogue brought up to date %q, built anew %q", a.Title, related(got), related(want))
			}
		}
		for _, q := range []rapport.SearchQuery{{Text: "account"}, {Text: "account", Product: "Mobile app"}, {Text: "account", CategoryID: cat.ID}} {
			got, err := first.SearchArticles(ctx, s, q)
			must(t, err)
			want, err := fresh.SearchArticles(ctx, s, q)
			must(t, err)
			if g, w := fmt.Sprint(got.Total, got.Categories, got.Products, len(got.Hits)), fmt.Sprint(want.Total, want.Categories, want.Products, len(want.Hits)); g != w {
				t.Errorf("search %+v: catalogue brought up to date %s, built anew %s", q, g, w)
			}
		}
	}

	// Made staff-only by another process, the article is gone for visitors at once.
	_, err = second.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "Open your profile.", CategoryID: cat.ID,
		Audience: rapport.AudienceStaff, Publish: true})
	must(t, err)
	_, err = first.ReadArticle(ctx, visitor, reset.Slug, "visitor-1", 5)
	wantCode(t, err, rapport.ENOTFOUND)
}

// handles returns a function that opens another handle on the database open reaches,
// migrated, with the caches of a process of its own.
func handles(t *testing.T, open func() (*sqldb.DB, error)) func() *sqldb.DB {
	return func() *sqldb.DB {
		db, err := open()
		must(t, err)
		return migrated(t, db)
	}
}
