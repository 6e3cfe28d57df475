package sqldbtest

import (
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testKnowledgeInsights: views, searches (with no result, with no click, with a click),
// judgements by week; the most read articles; content gaps with the customers' value,
// leaving out customers behind a wall the reader is not in, and staff searches.
func testKnowledgeInsights(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	system := rapport.SystemScope("test")
	manager := scopeOf(mustUser(t, db, "kim@example.com", rapport.RoleManager))
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	bob := mustPerson(t, db, "Bob", "Stone", "bob@example.com")
	secret := mustPerson(t, db, "Sid", "Secret", "sid@example.com")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	day := time.Now().UTC().Add(-24 * time.Hour)
	value := func(c *rapport.Customer, clv float64) rapport.CustomerValue {
		return rapport.CustomerValue{CustomerID: c.ID, Currency: "EUR", Purchases: 2, Revenue: rapport.Amount(4250), FirstAt: day, LastAt: day,
			Recency: 5, Frequency: 4, Monetary: 3, PAlive: 0.8, ExpectedPurchases: 1.5, ExpectedSpend: 21.25, LifetimeValue: clv, ComputedAt: day}
	}
	must(t, db.ReplaceCustomerValues(ctx, system, []rapport.CustomerValue{value(ana, 300), value(bob, 50), value(secret, 9000)}))

	reset, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Reset your password", Body: "Open settings and choose reset.", Publish: true})
	must(t, err)
	invoices, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Invoices explained", Body: "Every month.", Publish: true})
	must(t, err)

	visitor := rapport.PortalScope("198.51.100.7")
	anaS, bobS, sidS := rapport.CustomerScope(ana.ID, "198.51.100.7"), rapport.CustomerScope(bob.ID, "198.51.100.7"), rapport.CustomerScope(secret.ID, "198.51.100.7")
	search := func(s rapport.Scope, text string) *rapport.SearchResult {
		t.Helper()
		res, err := db.SearchArticles(ctx, s, rapport.SearchQuery{Text: text, Limit: 10, Log: true})
		must(t, err)
		return res
	}
	// A search that led to a read, one that found but led nowhere, and three that found
	// nothing: two customers and a walled one asked for refunds, a visitor too.
	found := search(anaS, "reset password")
	must(t, db.RecordView(ctx, anaS, rapport.ArticleView{ArticleID: reset.ID, SearchID: found.SearchID}))
	search(bobS, "invoices")
	search(anaS, "Refund policy")
	search(bobS, "refund  POLICY")
	search(sidS, "refund policy")
	search(visitor, "refund policy")
	search(manager, "staff looking for a refund policy") // staff searches are not gaps
	must(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: reset.ID, Reader: "visitor-1"}))
	must(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: invoices.ID, Reader: "visitor-1"}))
	yes, no := true, false
	_, err = db.RateArticle(ctx, anaS, reset.ID, ana.ID.String(), rapport.ArticleRating{Helpful: &yes, Rating: 5})
	must(t, err)
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-1", rapport.ArticleRating{Helpful: &no, Rating: 2})
	must(t, err)

	_, err = db.KnowledgeInsights(ctx, visitor, 4)
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.KnowledgeInsights(ctx, manager, 0)
	wantCode(t, err, rapport.EINVALID)

	in, err := db.KnowledgeInsights(ctx, f.sales, 4)
	must(t, err)
	if len(in.Weeks) != 4 || !in.Weeks[0].Start.Equal(in.Since) || in.Weeks[3].Start.Weekday() != time.Monday {
		t.Fatalf("weeks: %+v", in.Weeks)
	}
	total := rapport.SumWeeks(in.Weeks)
	total.Start = in.Weeks[3].Start
	if this := in.Weeks[3]; this.Views != 3 || this != total {
		t.Errorf("this week %+v, all weeks %+v: want everything in this week", this, total)
	}
	want := rapport.KnowledgeWeek{Start: in.Weeks[3].Start, Views: 3, Searches: 6, NoResult: 4, NoClick: 1, Helpful: 1, Unhelpful: 1, Ratings: 2, RatingSum: 7}
	if total != want {
		t.Errorf("the week's measures: %+v, want %+v", total, want)
	}
	if got := total.MeanRating(); got != 3.5 {
		t.Errorf("mean rating %v, want 3.5", got)
	}

	if len(in.Articles) != 2 || in.Articles[0].ID != reset.ID || in.Articles[0].Views != 2 || in.Articles[0].Helpful != 1 ||
		in.Articles[0].Unhelpful != 1 || in.Articles[0].MeanRating != 3.5 || in.Articles[0].HelpfulShare() != 50 || in.Articles[1].Views != 1 {
		t.Errorf("articles: %+v", in.Articles)
	}

	// Sales do not see Sid: his search counts in the weeks above but not in the gaps.
	if len(in.Gaps) != 2 {
		t.Fatalf("gaps: %+v, want refund policy and invoices", in.Gaps)
	}
	refund := in.Gaps[0]
	if refund.Searches != 3 || refund.NoResult != 3 || refund.Customers != 2 || refund.Value != 350 || refund.Currency != "EUR" || refund.LastAt.IsZero() {
		t.Errorf("the refund gap for sales: %+v", refund)
	}
	if g := in.Gaps[1]; g.Query != "invoices" || g.NoClick != 1 || g.NoResult != 0 || g.Customers != 1 || g.Value != 50 {
		t.Errorf("the invoices gap: %+v", g)
	}
	in, err = db.KnowledgeInsights(ctx, f.deals, 4)
	must(t, err)
	if refund := in.Gaps[0]; refund.Searches != 4 || refund.Customers != 3 || refund.Value != 9350 {
		t.Errorf("the refund gap for deals, who see Sid: %+v", refund)
	}

	weeks, err := db.ArticleWeeks(ctx, manager, invoices.ID, 2)
	must(t, err)
	if len(weeks) != 2 || weeks[1].Views != 1 || weeks[1].Ratings != 0 || weeks[0].Views != 0 {
		t.Errorf("the invoices article by week: %+v", weeks)
	}
	_, err = db.ArticleWeeks(ctx, manager, rapport.NewID(), 2)
	wantCode(t, err, rapport.ENOTFOUND)
}
