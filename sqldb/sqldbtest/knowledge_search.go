package sqldbtest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// testKnowledgeSearch: ranked search ranks by BM25 exactly as a reference computed
// here does (so both databases rank alike), stems, completes the word being typed,
// corrects typing mistakes, counts facets, offers "did you mean", logs searches, and
// never shows, counts or suggests what the reader may not see.
func testKnowledgeSearch(t *testing.T, open Opener) {
	f, manager, acme, ana, bob := newReaders(t, open)
	db := f.db

	category := func(name string, parent rapport.ID) rapport.ID {
		t.Helper()
		c, err := db.CreateCategory(ctx, manager, rapport.Category{Name: name, ParentID: parent})
		must(t, err)
		return c.ID
	}
	accounts, billing := category("Accounts", rapport.ID{}), category("Billing", rapport.ID{})
	refunds, acmeCat := category("Refunds", billing), category("Acme", rapport.ID{})
	create := func(in rapport.ArticleInput) *rapport.Article {
		t.Helper()
		a, err := db.CreateArticle(ctx, manager, in)
		must(t, err)
		return a
	}
	reset := create(rapport.ArticleInput{Title: "Reset your password", KeyPoints: "Use the reset link we e-mail you.",
		Body:       "Open **Settings**, choose Security, then *Reset password*. The link expires after an hour.",
		CategoryID: accounts, Products: []string{"Web app"}, Publish: true})
	email := create(rapport.ArticleInput{Title: "Change your e-mail address", KeyPoints: "Settings holds your address.",
		Body:       "Open Settings and choose Profile to change the e-mail address you sign in with. You will need your password.",
		CategoryID: accounts, Products: []string{"Web app"}, Publish: true})
	invoices := create(rapport.ArticleInput{Title: "Invoices and payments", Body: "Download an invoice as a PDF from Billing. Payments are made by card or by bank transfer.",
		CategoryID: billing, Products: []string{"Billing portal"}, Publish: true})
	refund := create(rapport.ArticleInput{Title: "Refund a payment", Body: "Refunds go back to the card used for the payment within five working days.",
		CategoryID: refunds, Publish: true})
	export := create(rapport.ArticleInput{Title: "Export reports", Body: "Reports export to CSV or to Excel spreadsheets. Scheduling exports runs them nightly; they need your passwrd.",
		Products: []string{"Analytics"}, Publish: true})
	mobile := create(rapport.ArticleInput{Title: "Connecting the mobile app", Body: "Install the app, then sign in with your password; connecting needs the network.",
		Products: []string{"Mobile app"}, Publish: true})
	forAcme := create(rapport.ArticleInput{Title: "Acme rollout plan", Body: "The Zanzibar migration schedule for Acme: a quarterly rollout of widgets.",
		CategoryID: acmeCat, Products: []string{"Acme suite"}, Audience: rapport.AudienceChosen, Customers: []rapport.ID{acme.ID}, Publish: true})
	draft := create(rapport.ArticleInput{Title: "Unreleased xylophone feature", Body: "The xylophone is not announced."})
	staffOnly := create(rapport.ArticleInput{Title: "Internal escalation of quarterly widgets", Body: "Escalate widgets to the on-call engineer.",
		Audience: rapport.AudienceStaff, Publish: true})
	_, _, _ = invoices, draft, staffOnly

	visitor := rapport.PortalScope("198.51.100.7")
	anaScope, bobScope := rapport.CustomerScope(ana.ID, "198.51.100.7"), rapport.CustomerScope(bob.ID, "198.51.100.7")
	search := func(s rapport.Scope, q rapport.SearchQuery) *rapport.SearchResult {
		t.Helper()
		res, err := db.SearchArticles(ctx, s, q)
		must(t, err)
		return res
	}
	titles := func(res *rapport.SearchResult) []string {
		out := []string{}
		for _, h := range res.Hits {
			out = append(out, h.Title)
		}
		return out
	}

	// Ranking: the scores are BM25 as computed here, from the articles' terms, on
	// either database; the title counts above the body.
	page, err := db.ListArticles(ctx, f.admin, rapport.ArticleFilter{})
	must(t, err)
	docs := map[string]textsearch.Document{}
	for _, a := range page.Articles {
		docs[a.Title] = textsearch.Analyze(a.Title, a.KeyPoints, a.Body)
	}
	// With a floor of 1, the words that two articles or more hold are common: they only
	// rank what the others match (or, all common, match together).
	queries := []struct {
		text  string
		floor int
	}{{"reset password", 0}, {"password settings app", 0}, {"card payment refund", 0}, {"quarterly widgets", 0},
		{"the app your password", 0}, {"reset password", 1}, {"password settings expires", 1}, {"password settings", 1}}
	for _, qf := range queries {
		query := qf.text
		db.CommonTermFloor = qf.floor
		res := search(f.admin, rapport.SearchQuery{Text: query, Limit: 20})
		db.CommonTermFloor = 0
		want := referenceRanking(docs, textsearch.Terms(query), qf.floor)
		if qf.floor > 0 && len(want.titles) >= len(referenceRanking(docs, textsearch.Terms(query), 0).titles) {
			t.Errorf("%q: the floor makes no word common", query)
		}
		if got := titles(res); !slices.Equal(got, want.titles) {
			t.Errorf("%q ranks %q, want %q", query, got, want.titles)
			continue
		}
		for i, h := range res.Hits {
			if math.Abs(h.Score-want.scores[i]) > 1e-9*math.Max(1, want.scores[i]) {
				t.Errorf("%q: %q scores %.12f, want %.12f", query, h.Title, h.Score, want.scores[i])
			}
		}
		if res.Total != len(want.titles) {
			t.Errorf("%q: total %d, want %d", query, res.Total, len(want.titles))
		}
	}
	if got := titles(search(visitor, rapport.SearchQuery{Text: "reset password"})); len(got) < 3 || got[0] != reset.Title {
		t.Errorf("reset password finds %q first, want %q", got, reset.Title)
	}

	// Stemming: other forms of the words find the article.
	if got := titles(search(visitor, rapport.SearchQuery{Text: "resetting passwords"})); len(got) == 0 || got[0] != reset.Title {
		t.Errorf("resetting passwords finds %q", got)
	}
	// The word being typed matches as a prefix.
	if got := titles(search(visitor, rapport.SearchQuery{Text: "export rep", Prefix: true})); len(got) == 0 || got[0] != export.Title {
		t.Errorf("type-ahead export rep finds %q", got)
	}
	if got := titles(search(visitor, rapport.SearchQuery{Text: "connecti", Prefix: true})); !slices.Equal(got, []string{mobile.Title}) {
		t.Errorf("type-ahead connecti finds %q", got)
	}
	// Typed after common words only, the word being typed is looked for in titles, and
	// an article must hold the common words too: "password" (common with a floor of 1)
	// is in the mobile app's article, not in the refund's.
	db.CommonTermFloor = 1
	if got := titles(search(visitor, rapport.SearchQuery{Text: "password con", Prefix: true})); !slices.Equal(got, []string{mobile.Title}) {
		t.Errorf("type-ahead password con finds %q", got)
	}
	if got := titles(search(visitor, rapport.SearchQuery{Text: "password ref", Prefix: true})); len(got) != 0 {
		t.Errorf("type-ahead password ref finds %q, which do not say password", got)
	}
	if got := titles(search(visitor, rapport.SearchQuery{Text: "ref", Prefix: true})); !slices.Equal(got, []string{refund.Title}) {
		t.Errorf("type-ahead ref finds %q", got)
	}
	db.CommonTermFloor = 0
	// Type-ahead scores only the best matches into Go, with spares: when the reader may
	// read none of those, all the matches are scored.
	for i := range 30 {
		create(rapport.ArticleInput{Title: fmt.Sprintf("Quokka quokka quokka %d", i), Audience: rapport.AudienceStaff, Publish: true})
	}
	quokka := create(rapport.ArticleInput{Title: "Quokka care", Publish: true})
	if got := titles(search(visitor, rapport.SearchQuery{Text: "quok", Prefix: true, Limit: 1})); !slices.Equal(got, []string{quokka.Title}) {
		t.Errorf("type-ahead quok finds %q for a visitor, want the one public article below 30 for staff", got)
	}
	if res := search(f.admin, rapport.SearchQuery{Text: "quok", Prefix: true, Limit: 3}); len(res.Hits) != 3 || res.Hits[0].Title == quokka.Title || res.Hits[0].Snippet != nil {
		t.Errorf("type-ahead quok for staff: %q, snippet %v", titles(res), res.Hits[0].Snippet)
	}
	if res := search(visitor, rapport.SearchQuery{Text: "connecti"}); res.Total != 0 && titles(res)[0] != mobile.Title {
		t.Errorf("a whole-word search for connecti finds %q", titles(res))
	}
	// Snippets mark the matching words, as plain text.
	res := search(visitor, rapport.SearchQuery{Text: "expires"})
	if len(res.Hits) != 1 || !hasMatch(res.Hits[0].Snippet, "expires") || strings.Contains(snippetText(res.Hits[0].Snippet), "**") {
		t.Errorf("snippet of expires: %+v", res.Hits)
	}

	// A typing mistake finds what the right word finds, and says so.
	res = search(visitor, rapport.SearchQuery{Text: "refnd"})
	if got := titles(res); len(got) == 0 || got[0] != refund.Title || res.DidYouMean != "refunds" && res.DidYouMean != "refund" {
		t.Errorf("refnd finds %q, did you mean %q", got, res.DidYouMean)
	}
	// A rare word that is a common one mistyped: the few results, and the suggestion.
	res = search(visitor, rapport.SearchQuery{Text: "passwrd"})
	if got := titles(res); !slices.Equal(got, []string{export.Title}) || res.DidYouMean != "password" {
		t.Errorf("passwrd finds %q, did you mean %q; want the one article and password", got, res.DidYouMean)
	}

	// Facets count every match the reader may see; a category counts its children's.
	res = search(visitor, rapport.SearchQuery{Text: "payment card", Limit: 1})
	if res.Total != 2 || len(res.Hits) != 1 {
		t.Errorf("payment card: total %d, %d hits", res.Total, len(res.Hits))
	}
	wantFacets(t, "categories of payment card", res.Categories, map[string]int{"Billing": 2, "Refunds": 1})
	wantFacets(t, "products of payment card", res.Products, map[string]int{"Billing portal": 1})
	if res := search(visitor, rapport.SearchQuery{Text: "payment card", CategoryID: refunds}); res.Total != 1 || titles(res)[0] != refund.Title {
		t.Errorf("payment card in Refunds: %q", titles(res))
	}
	if res := search(visitor, rapport.SearchQuery{Text: "payment card", CategoryID: billing}); res.Total != 2 {
		t.Errorf("payment card in Billing (and Refunds): total %d", res.Total)
	}
	if res := search(visitor, rapport.SearchQuery{Text: "password", Product: "Web app"}); res.Total != 2 {
		t.Errorf("password in the Web app: %q", titles(res))
	}

	// Access: Acme's article, the draft and the staff article are nowhere for others —
	// not in hits, totals, facets, type-ahead or corrections.
	for _, c := range []struct {
		name string
		s    rapport.Scope
	}{{"visitor", visitor}, {"Bob", bobScope}} {
		for _, q := range []rapport.SearchQuery{{Text: "zanzibar"}, {Text: "zanzibr"}, {Text: "zanz", Prefix: true}, {Text: "xylophone"},
			{Text: "xylophon"}, {Text: "escalation"}, {Text: "quartely widgts"}, {Text: "acme"}} {
			if res := search(c.s, q); res.Total != 0 || len(res.Hits) != 0 || res.DidYouMean != "" || len(res.Categories)+len(res.Products) != 0 {
				t.Errorf("%s searching %q (prefix %v) learns %q, total %d, did you mean %q, facets %v %v", c.name, q.Text, q.Prefix,
					titles(res), res.Total, res.DidYouMean, res.Categories, res.Products)
			}
		}
		res := search(c.s, rapport.SearchQuery{Text: "schedule rollout"})
		if res.Total != 1 || titles(res)[0] != export.Title {
			t.Errorf("%s searching schedule rollout finds %q (total %d)", c.name, titles(res), res.Total)
		}
		for _, fc := range append(res.Categories, res.Products...) {
			if strings.Contains(fc.Label, "Acme") {
				t.Errorf("%s sees the facet %q", c.name, fc.Label)
			}
		}
	}
	res = search(anaScope, rapport.SearchQuery{Text: "schedule rollout"})
	if res.Total != 2 || titles(res)[0] != forAcme.Title {
		t.Errorf("Ana searching schedule rollout finds %q", titles(res))
	}
	wantFacets(t, "Ana's products", res.Products, map[string]int{"Acme suite": 1, "Analytics": 1})
	if res := search(anaScope, rapport.SearchQuery{Text: "zanzibr"}); res.DidYouMean != "zanzibar" || res.Total != 1 {
		t.Errorf("Ana searching zanzibr: %q, did you mean %q", titles(res), res.DidYouMean)
	}
	if res := search(f.loner, rapport.SearchQuery{Text: "xylophone"}); res.Total != 1 {
		t.Errorf("staff searching xylophone: total %d", res.Total)
	}

	// The index follows the published content: a draft of a new version is not found,
	// its publication is.
	_, err = db.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Slug: reset.Slug, Title: "Recover your account",
		Body: "Recover access.", CategoryID: accounts})
	must(t, err)
	if res := search(visitor, rapport.SearchQuery{Text: "recover"}); res.Total != 0 {
		t.Errorf("a draft's word is found: %q", titles(res))
	}
	_, err = db.SaveArticle(ctx, manager, reset.ID, rapport.ArticleInput{Slug: reset.Slug, Title: "Recover your account",
		Body: "Recover access.", CategoryID: accounts, Publish: true})
	must(t, err)
	if res := search(visitor, rapport.SearchQuery{Text: "recover"}); res.Total != 1 {
		t.Errorf("the published word is not found: %q", titles(res))
	}
	if res := search(visitor, rapport.SearchQuery{Text: "expires"}); res.Total != 0 {
		t.Errorf("the unpublished version's word is still found: %q", titles(res))
	}
	if res := search(f.admin, rapport.SearchQuery{Text: "expirs"}); res.DidYouMean != "" || res.Total != 0 {
		t.Errorf("a word no article holds any more is offered: %q, %q", res.DidYouMean, titles(res))
	}

	// Logged searches: an id to count clicks by, and a customer's on their timeline.
	res = search(anaScope, rapport.SearchQuery{Text: "Change e-mail", Log: true})
	if res.SearchID.IsZero() || res.Total == 0 || titles(res)[0] != email.Title {
		t.Errorf("a logged search: id %v, %q", res.SearchID, titles(res))
	}
	entries, _, err := db.FindTimeline(ctx, f.admin, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	if len(entries) == 0 || entries[0].Interaction == nil || !strings.Contains(entries[0].Interaction.Summary, `"Change e-mail"`) {
		t.Errorf("Ana's timeline after her search: %+v", entries)
	}
	if res := search(visitor, rapport.SearchQuery{Text: "nothing like it", Log: true}); res.SearchID.IsZero() {
		t.Error("a visitor's logged search has no id")
	}
	if res := search(visitor, rapport.SearchQuery{Text: "password", Prefix: true}); !res.SearchID.IsZero() {
		t.Error("an unlogged search has an id")
	}

	// Hostile input: empty, huge, malformed.
	if res := search(visitor, rapport.SearchQuery{Text: "  the of  "}); res.Total != 0 || res.Hits == nil {
		t.Errorf("a query of stop words: %+v", res)
	}
	search(visitor, rapport.SearchQuery{Text: strings.Repeat("password ", 10000) + "\xff\xfe\"*^():"})
	_, err = db.SearchArticles(ctx, visitor, rapport.SearchQuery{Text: "x", Offset: -1})
	wantField(t, err, "offset")
}

type ranking struct {
	titles []string
	scores []float64
}

// referenceRanking ranks docs for the terms by BM25 as documented in sqldb: FTS5's
// formula with the fields weighted.
func referenceRanking(docs map[string]textsearch.Document, terms []string, floor int) ranking {
	n := float64(len(docs))
	total := 0.0
	for _, d := range docs {
		total += float64(d.Len())
	}
	avgdl := total / n
	terms = slices.Compact(slices.Sorted(slices.Values(terms)))
	df := map[string]int{}
	for _, d := range docs {
		for _, fr := range d.Frequencies() {
			df[fr.Term]++
		}
	}
	// Terms that half the articles or more hold are left out while others remain.
	var informative []string
	for _, term := range terms {
		if 2*df[term] < len(docs) {
			informative = append(informative, term)
		}
	}
	if len(informative) > 0 {
		terms = informative
	}
	common := map[string]bool{}
	rare := 0
	for _, term := range terms {
		common[term] = floor > 0 && df[term] > floor && 100*df[term] > len(docs)
		if !common[term] {
			rare++
		}
	}
	type scored struct {
		title string
		score float64
	}
	var out []scored
	for title, d := range docs {
		freq := map[string]float64{}
		for _, fr := range d.Frequencies() {
			freq[fr.Term] = sqldb.TitleWeight*float64(fr.Title) + sqldb.KeyPointsWeight*float64(fr.KeyPoints) + sqldb.BodyWeight*float64(fr.Body)
		}
		score, matched, all := 0.0, false, true
		for _, term := range terms {
			f := freq[term]
			if f == 0 {
				all = false
				continue
			}
			matched = matched || !common[term]
			idf := math.Log((n - float64(df[term]) + 0.5) / (float64(df[term]) + 0.5))
			if idf <= 0 {
				idf = 1e-6
			}
			score += idf * f * 2.2 / (f + 1.2*(0.25+0.75*float64(d.Len())/avgdl))
		}
		if matched || (rare == 0 && all) {
			out = append(out, scored{title, score})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.score > b.score {
			return -1
		} else if a.score < b.score {
			return 1
		}
		return strings.Compare(a.title, b.title)
	})
	var r ranking
	for _, s := range out {
		r.titles = append(r.titles, s.title)
		r.scores = append(r.scores, s.score)
	}
	return r
}

func wantFacets(t *testing.T, what string, got []rapport.Facet, want map[string]int) {
	t.Helper()
	have := map[string]int{}
	for _, f := range got {
		have[f.Label] = f.Count
	}
	if len(have) != len(want) {
		t.Errorf("%s: %v, want %v", what, have, want)
		return
	}
	for k, n := range want {
		if have[k] != n {
			t.Errorf("%s: %v, want %v", what, have, want)
			return
		}
	}
}

func hasMatch(pieces []rapport.Snippet, word string) bool {
	for _, p := range pieces {
		if p.Match && strings.EqualFold(p.Text, word) {
			return true
		}
	}
	return false
}

func snippetText(pieces []rapport.Snippet) string {
	var b strings.Builder
	for _, p := range pieces {
		b.WriteString(p.Text)
	}
	return b.String()
}

// testKnowledgeImport: articles loaded in bulk are published, public, keep their ids,
// and are indexed as those saved one by one are: the same scores, the same vocabulary.
func testKnowledgeImport(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	system := rapport.SystemScope("test")
	batch := []sqldb.ImportedArticle{
		{ExternalID: "doc-1", Title: "Strikethrough in Markdown", Body: "Use ~~tildes~~ around the words to strike them through."},
		{ExternalID: "DOC_2", Title: "", Body: "Tildes and other marks in Markdown tables."},
		{ExternalID: "doc-3", Title: "Delete your account", Body: "Deleting an account cannot be undone; export your data first."},
	}
	n, err := db.ImportArticles(ctx, system, batch)
	must(t, err)
	if n != 3 {
		t.Fatalf("imported %d, want 3", n)
	}
	if n, err = db.ImportArticles(ctx, system, batch[:1]); err != nil || n != 0 {
		t.Errorf("importing an id again writes %d (%v), want 0", n, err)
	}
	_, err = db.CreateArticle(ctx, system, rapport.ArticleInput{Title: "Export your data", Body: "Download an archive of your account's data.", Publish: true})
	must(t, err)
	_, err = db.ImportArticles(ctx, f.sales, batch)
	wantCode(t, err, rapport.EFORBIDDEN)

	page, err := db.ListArticles(ctx, f.admin, rapport.ArticleFilter{})
	must(t, err)
	docs := map[string]textsearch.Document{}
	for _, a := range page.Articles {
		docs[a.Title] = textsearch.Analyze(a.Title, a.KeyPoints, a.Body)
	}
	visitor := rapport.PortalScope("198.51.100.7")
	for _, query := range []string{"markdown tildes", "delete account data", "export"} {
		res, err := db.SearchArticles(ctx, visitor, rapport.SearchQuery{Text: query})
		must(t, err)
		want := referenceRanking(docs, textsearch.Terms(query), 0)
		var got []string
		for i, h := range res.Hits {
			got = append(got, h.Title)
			if i < len(want.scores) && math.Abs(h.Score-want.scores[i]) > 1e-9*math.Max(1, want.scores[i]) {
				t.Errorf("%q: %q scores %.12f, want %.12f", query, h.Title, h.Score, want.scores[i])
			}
		}
		if !slices.Equal(got, want.titles) {
			t.Errorf("%q ranks %q, want %q", query, got, want.titles)
		}
	}
	res, err := db.SearchArticles(ctx, visitor, rapport.SearchQuery{Text: "strikethrugh"})
	must(t, err)
	if res.DidYouMean != "strikethrough" || res.Total != 1 {
		t.Errorf("strikethrugh: did you mean %q, total %d", res.DidYouMean, res.Total)
	}
	ids := make([]rapport.ID, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	ext, err := db.ArticleExternalIDs(ctx, visitor, ids)
	must(t, err)
	if len(ids) != 1 || ext[ids[0]] != "doc-1" {
		t.Errorf("external ids %v", ext)
	}
}
