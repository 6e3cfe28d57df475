package sqldbtest

import (
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testArticleReading checks ReadArticle, the help centre's article page in one read,
// and QueueView: what the page shows is as of now for the article, its score and the
// reader's rating; the related and also-read lists kept for visitors never show an
// article that stopped being readable, nor an old title; a queued view is recorded.
func testArticleReading(t *testing.T, open Opener) {
	f, manager, acme, ana, _ := newReaders(t, open)
	db := f.db
	cat, err := db.CreateCategory(ctx, manager, rapport.Category{Name: "Accounts"})
	must(t, err)
	create := func(in rapport.ArticleInput) *rapport.Article {
		t.Helper()
		in.Publish = true
		a, err := db.CreateArticle(ctx, manager, in)
		must(t, err)
		return a
	}
	reset := create(rapport.ArticleInput{Title: "Reset your password", Body: "Open **settings**.", CategoryID: cat.ID, Tags: []string{"account"}})
	login := create(rapport.ArticleInput{Title: "Sign in with a passkey", Tags: []string{"account"}})
	two := create(rapport.ArticleInput{Title: "Two-step sign-in", CategoryID: cat.ID})
	secret := create(rapport.ArticleInput{Title: "Acme rollout plan", Tags: []string{"account"}, Audience: rapport.AudienceChosen, Customers: []rapport.ID{acme.ID}})
	invoices := create(rapport.ArticleInput{Title: "Invoices explained"})

	visitor := rapport.PortalScope("198.51.100.7")
	anaS := rapport.CustomerScope(ana.ID, "198.51.100.7")
	titles := func(ls []rapport.ArticleLink) string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Title)
		}
		return strings.Join(out, ",")
	}
	read := func(s rapport.Scope, slug, reader string) *rapport.ArticleReading {
		t.Helper()
		p, err := db.ReadArticle(ctx, s, slug, reader, 5)
		must(t, err)
		return p
	}

	// A visitor's page: the article, its category, related (the category and the tag
	// shared count one each), no rating yet.
	p := read(visitor, reset.Slug, "visitor-1")
	if p.Article.ID != reset.ID || p.Category == nil || p.Category.ID != cat.ID {
		t.Fatalf("the page of the reset article: %+v, category %+v", p.Article, p.Category)
	}
	if got := titles(p.Related); got != "Sign in with a passkey,Two-step sign-in" {
		t.Errorf("related for a visitor: %q", got)
	}
	if p.Mine != nil || p.Score == nil || p.Score.Ratings != 0 {
		t.Errorf("before any rating: mine %+v, score %+v", p.Mine, p.Score)
	}
	// The same as the separate reads.
	related, err := db.RelatedArticles(ctx, visitor, reset.ID, 5)
	must(t, err)
	if titles(related) != titles(p.Related) {
		t.Errorf("RelatedArticles %q, the page %q", titles(related), titles(p.Related))
	}
	// Ana sees the article chosen for Acme among the related.
	if got := titles(read(anaS, reset.Slug, "").Related); got != "Acme rollout plan,Sign in with a passkey,Two-step sign-in" {
		t.Errorf("related for Ana: %q", got)
	}
	_, err = db.ReadArticle(ctx, visitor, secret.Slug, "visitor-1", 5)
	wantCode(t, err, rapport.ENOTFOUND)

	// A rating shows at once, to its writer and in the score.
	yes := true
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-1", rapport.ArticleRating{Helpful: &yes, Rating: 4})
	must(t, err)
	p = read(visitor, reset.Slug, "visitor-1")
	if p.Mine == nil || p.Mine.Rating != 4 || p.Score.Ratings != 1 || p.Score.Helpful != 1 {
		t.Errorf("after rating: mine %+v, score %+v", p.Mine, p.Score)
	}
	if p := read(visitor, reset.Slug, "visitor-2"); p.Mine != nil || p.Score.Ratings != 1 {
		t.Errorf("another visitor: mine %+v, score %+v", p.Mine, p.Score)
	}

	// The ranking is kept for visitors, but a related article renamed shows its new
	// title at once, and one archived is gone at once.
	_, err = db.SaveArticle(ctx, manager, login.ID, rapport.ArticleInput{Title: "Sign in with a security key", Tags: []string{"account"}, Publish: true})
	must(t, err)
	if got := titles(read(visitor, reset.Slug, "visitor-1").Related); got != "Sign in with a security key,Two-step sign-in" {
		t.Errorf("related after a rename: %q", got)
	}
	_, err = db.ChangeArticleStatus(ctx, manager, two.ID, rapport.ArticleTransition{Step: rapport.StepArchive})
	must(t, err)
	if got := titles(read(visitor, reset.Slug, "visitor-1").Related); got != "Sign in with a security key" {
		t.Errorf("related after archiving: %q", got)
	}
	// A new version of the article itself shows at once.
	_, err = db.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Title: "Reset your password", Body: "Open **your profile**.", CategoryID: cat.ID, Tags: []string{"account"}, Publish: true})
	must(t, err)
	if p := read(visitor, reset.Slug, "visitor-1"); p.Article.Body != "Open **your profile**." {
		t.Errorf("the body after a new version: %q", p.Article.Body)
	}

	// Queued views are recorded: a view waited for is written after those queued
	// before it. A view of an article the reader may not read is not.
	must(t, db.QueueView(ctx, visitor, rapport.ArticleView{ArticleID: invoices.ID, Reader: "visitor-3"}))
	must(t, db.QueueView(ctx, visitor, rapport.ArticleView{ArticleID: secret.ID, Reader: "visitor-3"}))
	must(t, db.QueueView(ctx, anaS, rapport.ArticleView{ArticleID: secret.ID}))
	wantCode(t, db.QueueView(ctx, visitor, rapport.ArticleView{ArticleID: reset.ID}), rapport.EINVALID) // no cookie
	must(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: reset.ID, Reader: "visitor-3"}))
	also, err := db.AlsoRead(ctx, visitor, reset.ID, 5)
	must(t, err)
	if got := titles(also); got != "Invoices explained" {
		t.Errorf("also read by the reset article's readers: %q", got)
	}
	popular, err := db.PopularArticles(ctx, anaS, time.Now().Add(-time.Hour), 1)
	must(t, err)
	if got := titles(popular); got != "Acme rollout plan" && got != "Invoices explained" && got != "Reset your password" {
		t.Errorf("popular for Ana: %q", got)
	}
	es, _, err := db.FindTimeline(ctx, system, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	found := false
	for _, e := range es {
		if e.Interaction != nil && strings.Contains(e.Interaction.Summary, "Acme rollout plan") {
			found = true
		}
	}
	if !found {
		t.Errorf("Ana's queued view is not on her timeline")
	}
	// A view queued just before a merge moves with the customer.
	must(t, db.QueueView(ctx, anaS, rapport.ArticleView{ArticleID: invoices.ID}))
	target := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	_, err = db.MergeCustomers(ctx, f.sales, target.ID, ana.ID, rapport.MergeManual, 0)
	must(t, err)
	es, _, err = db.FindTimeline(ctx, system, rapport.InteractionFilter{CustomerID: target.ID})
	must(t, err)
	found = false
	for _, e := range es {
		if e.Interaction != nil && strings.Contains(e.Interaction.Summary, "Invoices explained") {
			found = true
		}
	}
	if !found {
		t.Errorf("the view queued before the merge is not on the merged timeline")
	}
	if n := db.ViewErrors(); n != 0 {
		t.Errorf("%d queued views failed", n)
	}
}
