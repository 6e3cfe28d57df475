package sqldbtest

import (
	"testing"

	"github.com/rapportckm/rapport"
)

// newReaders sets up the knowledge base's tests: a manager who writes the articles,
// the organisation Acme with Ana working there, and Bob, on his own.
func newReaders(t *testing.T, open Opener) (f *fixture, manager rapport.Scope, acme, ana, bob *rapport.Customer) {
	t.Helper()
	f = newFixture(t, open)
	manager = scopeOf(mustUser(t, f.db, "kim@example.com", rapport.RoleManager))
	acme = mustOrg(t, f.db, "Acme")
	ana = mustPerson(t, f.db, "Ana", "Silva", "ana@example.com")
	mustLink(t, f.db, ana, acme, rapport.LinkWorksAt)
	bob = mustPerson(t, f.db, "Bob", "Stone", "bob@example.com")
	return f, manager, acme, ana, bob
}

// testKnowledge: who may read an article follows its audience and status, for
// visitors, signed-in customers (through their organisation and segments) and staff;
// a new version stays unseen until published; chosen customers follow merges.
func testKnowledge(t *testing.T, open Opener) {
	f, manager, acme, ana, bob := newReaders(t, open)
	db := f.db
	dup := mustPerson(t, db, "Bob", "Stone", "bob.stone@example.com")

	create := func(s rapport.Scope, in rapport.ArticleInput) *rapport.Article {
		t.Helper()
		a, err := db.CreateArticle(ctx, s, in)
		must(t, err)
		return a
	}
	public := create(manager, rapport.ArticleInput{Title: "Reset your password", KeyPoints: "Use the link.", Body: "# Steps", Tags: []string{"Account", "account "}, Products: []string{"Web app"}, Publish: true})
	draft := create(f.sales, rapport.ArticleInput{Title: "Unfinished thoughts", Body: "draft"})
	everyone := create(manager, rapport.ArticleInput{Title: "Invoices explained", Audience: rapport.AudienceCustomers, Publish: true})
	forAcme := create(manager, rapport.ArticleInput{Title: "Acme rollout plan", Audience: rapport.AudienceChosen, Customers: []rapport.ID{acme.ID}, Publish: true})
	forDup := create(manager, rapport.ArticleInput{Title: "Bob's contract", Audience: rapport.AudienceChosen, Customers: []rapport.ID{dup.ID}, Publish: true})
	staffOnly := create(manager, rapport.ArticleInput{Title: "Internal escalation guide", Audience: rapport.AudienceStaff, Publish: true})

	if public.Slug != "reset-your-password" || len(public.Tags) != 1 || public.Tags[0] != "account" || public.Status != rapport.ArticlePublished {
		t.Errorf("public article: slug %q tags %v status %s", public.Slug, public.Tags, public.Status)
	}
	if again := create(manager, rapport.ArticleInput{Title: "Reset your password"}); again.Slug != "reset-your-password-2" {
		t.Errorf("a second article of the same title has slug %q, want reset-your-password-2", again.Slug)
	}

	sees := func(s rapport.Scope) map[string]bool {
		t.Helper()
		page, err := db.ListArticles(ctx, s, rapport.ArticleFilter{})
		must(t, err)
		out := map[string]bool{}
		for _, a := range page.Articles {
			out[a.Title] = true
		}
		return out
	}
	visitor := rapport.PortalScope("198.51.100.7")
	cases := []struct {
		name  string
		scope rapport.Scope
		want  []*rapport.Article
	}{
		{"visitor", visitor, []*rapport.Article{public}},
		{"Ana of Acme", rapport.CustomerScope(ana.ID, "198.51.100.7"), []*rapport.Article{public, everyone, forAcme}},
		{"Bob", rapport.CustomerScope(bob.ID, "198.51.100.7"), []*rapport.Article{public, everyone}},
		{"Bob's duplicate", rapport.CustomerScope(dup.ID, "198.51.100.7"), []*rapport.Article{public, everyone, forDup}},
	}
	for _, c := range cases {
		got := sees(c.scope)
		if len(got) != len(c.want) {
			t.Errorf("%s sees %v, want %d articles", c.name, got, len(c.want))
		}
		for _, a := range c.want {
			if !got[a.Title] {
				t.Errorf("%s does not see %q", c.name, a.Title)
			}
		}
		for _, hidden := range []*rapport.Article{draft, staffOnly} {
			if _, err := db.FindArticle(ctx, c.scope, hidden.Slug); rapport.ErrorCode(err) != rapport.ENOTFOUND {
				t.Errorf("%s finds %q: %v", c.name, hidden.Title, err)
			}
		}
	}
	if _, err := db.FindArticle(ctx, rapport.CustomerScope(bob.ID, ""), forAcme.ID.String()); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("Bob reads Acme's article: %v", err)
	}
	if page, err := db.ListArticles(ctx, f.loner, rapport.ArticleFilter{}); err != nil || len(page.Articles) != 7 {
		t.Errorf("staff see %v (%v), want all 7 articles", page, err)
	}
	if a, err := db.FindArticle(ctx, rapport.CustomerScope(ana.ID, ""), forAcme.Slug); err != nil || a.Customers != nil {
		t.Errorf("Ana reads Acme's article: %v; chosen customers shown to her: %v", err, a)
	}

	// A new version waits for publishing; readers keep the published one.
	_, err := db.SaveArticle(ctx, f.sales, public.ID, rapport.ArticleInput{Slug: public.Slug, Title: "Reset your password (new)", Tags: []string{"account"}})
	must(t, err)
	read, err := db.FindArticle(ctx, visitor, public.Slug)
	must(t, err)
	if read.Title != "Reset your password" || read.Version != 2 || read.PublishedVersion != 1 || read.Status != rapport.ArticleDraft {
		t.Errorf("after a draft of version 2 readers see %q, version %d, published %d, status %s", read.Title, read.Version, read.PublishedVersion, read.Status)
	}
	_, err = db.SaveArticle(ctx, f.sales, public.ID, rapport.ArticleInput{Slug: public.Slug, Title: "x", Publish: true})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.SaveArticle(ctx, manager, public.ID, rapport.ArticleInput{Slug: public.Slug, Title: "Reset your password, step by step", Publish: true})
	must(t, err)
	if read, err = db.FindArticle(ctx, visitor, public.Slug); err != nil || read.Title != "Reset your password, step by step" || read.PublishedVersion != 3 {
		t.Errorf("after publishing version 3 readers see %v, %v", read, err)
	}

	// Bad input names the field; analysts write no articles; hidden customers cannot be chosen.
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "x", Slug: "Not A Slug!"})
	wantField(t, err, "slug")
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "x", Audience: rapport.AudienceChosen})
	wantField(t, err, "audience")
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "x", Audience: rapport.AudienceChosen, Customers: []rapport.ID{rapport.NewID()}})
	wantField(t, err, "customers")
	_, err = db.CreateArticle(ctx, f.loner, rapport.ArticleInput{Title: "x"})
	wantCode(t, err, rapport.EFORBIDDEN)
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	_, err = db.CreateArticle(ctx, f.sales, rapport.ArticleInput{Title: "x", Audience: rapport.AudienceChosen, Customers: []rapport.ID{secret.ID}})
	wantField(t, err, "customers")

	// Chosen customers follow a merge and go back on unmerge.
	_, err = db.MergeCustomers(ctx, f.sales, bob.ID, dup.ID, rapport.MergeManual, 0)
	must(t, err)
	if !sees(rapport.CustomerScope(bob.ID, ""))[forDup.Title] {
		t.Error("after the merge Bob does not see the article chosen for his duplicate")
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
	must(t, err)
	if sees(rapport.CustomerScope(bob.ID, ""))[forDup.Title] || !sees(rapport.CustomerScope(dup.ID, ""))[forDup.Title] {
		t.Error("after the unmerge the article chosen for the duplicate is not back with it alone")
	}

	// Categories come as a tree: parents before their children.
	parent, err := db.CreateCategory(ctx, manager, rapport.Category{Name: "Billing"})
	must(t, err)
	_, err = db.CreateCategory(ctx, manager, rapport.Category{Name: "Refunds", ParentID: parent.ID})
	must(t, err)
	_, err = db.CreateCategory(ctx, manager, rapport.Category{Name: "Accounts", Position: 1})
	must(t, err)
	_, err = db.CreateCategory(ctx, f.sales, rapport.Category{Name: "Mine"})
	wantCode(t, err, rapport.EFORBIDDEN)
	cats, err := db.ListCategories(ctx, visitor)
	must(t, err)
	if len(cats) != 3 || cats[0].Name != "Billing" || cats[1].Name != "Refunds" || cats[2].Name != "Accounts" {
		t.Errorf("categories in order: %v", cats)
	}
}
