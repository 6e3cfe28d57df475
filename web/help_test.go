package web_test

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// visitor is a browser on the help centre that is not signed in: it keeps cookies.
func (e *env) visitor() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// helpArticles publishes a public article (in a category, with a script in its body), a
// related one, one for the customer Otto only, and one for staff.
func (e *env) helpArticles() (public, related, forOtto, staff *rapport.Article) {
	e.t.Helper()
	sys := rapport.SystemScope("test")
	cat, err := e.db.CreateCategory(ctx, sys, rapport.Category{Name: "Your account", Description: "Signing in and passwords"})
	must(e.t, err)
	mk := func(in rapport.ArticleInput) *rapport.Article {
		in.Publish, in.OwnerID = true, e.admin.ID
		a, err := e.db.CreateArticle(ctx, sys, in)
		must(e.t, err)
		return a
	}
	public = mk(rapport.ArticleInput{Title: "Reset your password", CategoryID: cat.ID, KeyPoints: "Open *Settings*.\nChoose Reset.",
		Body: "## Steps\n\n1. Open **Settings**\n\n<script>alert('body')</script>", Tags: []string{"password"}, Products: []string{"Web app"}})
	related = mk(rapport.ArticleInput{Title: "Choose a strong password", Tags: []string{"password"}})
	forOtto = mk(rapport.ArticleInput{Title: "Otto's rollout plan", Tags: []string{"password"}, Audience: rapport.AudienceChosen, Customers: []rapport.ID{e.open.ID}})
	staff = mk(rapport.ArticleInput{Title: "Escalation guide", Tags: []string{"password"}, Audience: rapport.AudienceStaff})
	return
}

// TestHelpCentre reads the help centre as a visitor: home, category, article (key
// points, rendered and sanitised body, related articles), search with highlighted
// snippets, rating with a stored-script attempt, sitemap; articles for others are not
// found anywhere.
func TestHelpCentre(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, related, forOtto, staff := e.helpArticles()
			v := e.visitor()

			status, body := v.get("/help")
			if status != 200 || !strings.Contains(body, `action="/help/search"`) || !strings.Contains(body, `href="/help/categories/your-account"`) ||
				!strings.Contains(body, "Reset your password") || !strings.Contains(body, "<title>Help centre</title>") {
				t.Fatalf("home: %d, want the search box, the topic and the articles", status)
			}
			// Key points in a list are their text: their Markdown shows nowhere.
			if _, body := v.get("/help"); !strings.Contains(body, "<p>Open Settings. Choose Reset.</p>") || strings.Contains(body, "*Settings*") {
				t.Errorf("home lists the key points as %s", body)
			}
			for _, hidden := range []string{forOtto.Title, staff.Title, "Otto&#39;s rollout plan"} {
				if strings.Contains(body, hidden) {
					t.Errorf("home shows %q to a visitor", hidden)
				}
			}
			if strings.Contains(body, "Customers") && strings.Contains(body, `href="/customers"`) {
				t.Errorf("the help centre shows the staff navigation")
			}

			status, body = v.get("/help/categories/your-account")
			if status != 200 || !strings.Contains(body, "Reset your password") || strings.Contains(body, related.Title) ||
				!strings.Contains(body, "<p>Open Settings. Choose Reset.</p>") {
				t.Errorf("category: %d; want its one article with its key points as text", status)
			}

			status, body = v.get("/help/articles/" + public.Slug)
			if status != 200 {
				t.Fatalf("article: got %d", status)
			}
			// Key points are Markdown, rendered as staff see them, a point a line; the
			// description is their text.
			for _, want := range []string{`class="key-points"`, "<p>Open <em>Settings</em>.<br>\nChoose Reset.</p>", "<strong>Settings</strong>", `<meta name="description" content="Open Settings. Choose Reset.">`,
				"Related articles", related.Title, `action="/help/articles/reset-your-password/rating"`} {
				if !strings.Contains(body, want) {
					t.Errorf("article page lacks %q", want)
				}
			}
			if strings.Contains(body, "alert('body')") || strings.Contains(body, "<script>alert") {
				t.Errorf("the article's script reached the page")
			}
			if strings.Index(body, "key-points") > strings.Index(body, "<strong>Settings</strong>") {
				t.Errorf("key points come after the body")
			}
			for _, hidden := range []string{forOtto.Slug, staff.Slug} {
				if status, _ := v.get("/help/articles/" + hidden); status != 404 {
					t.Errorf("a visitor opens %s: got %d, want 404", hidden, status)
				}
				if strings.Contains(body, hidden) {
					t.Errorf("the article page links %s", hidden)
				}
			}
			if status, _ := v.get("/help/articles/" + public.ID.String()); status != http.StatusMovedPermanently {
				t.Errorf("an article by id: got %d, want a redirect to its slug", status)
			}

			// Rating: helpful, then stars with a script in the comment.
			res, _ := v.post("/help/articles/"+public.Slug+"/rating", url.Values{"part": {"helpful"}, "helpful": {"yes"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("helpful: got %d", res.StatusCode)
			}
			res, _ = v.post("/help/articles/"+public.Slug+"/rating", url.Values{"part": {"rating"}, "rating": {"4"}, "comment": {`<script>alert("x")</script>`}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("rating: got %d", res.StatusCode)
			}
			_, body = v.get("/help/articles/" + public.Slug)
			if !strings.Contains(body, `value="4" checked`) || !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") ||
				strings.Contains(body, `<script>alert("x")`) || !strings.Contains(body, "1 of 1 readers found it helpful") || !strings.Contains(body, "Change my rating") {
				t.Errorf("after rating, the page does not show the reader's rating, escaped")
			}
			res, body = v.post("/help/articles/"+public.Slug+"/rating", url.Values{"part": {"rating"}, "rating": {"9"}})
			if res.StatusCode != 400 || !strings.Contains(body, "1 to 5") {
				t.Errorf("a rating of 9: got %d", res.StatusCode)
			}
			if res, _ := v.post("/help/articles/"+forOtto.Slug+"/rating", url.Values{"rating": {"1"}}); res.StatusCode != 404 {
				t.Errorf("a visitor rates Otto's article: got %d, want 404", res.StatusCode)
			}

			// Search: hits, highlighted, within the scope.
			status, body = v.get("/help/search?q=password")
			if status != 200 || !strings.Contains(body, public.Title) || !strings.Contains(body, "<title>Search: password · Help centre</title>") {
				t.Errorf("search: %d; want the public article", status)
			}
			if strings.Contains(body, forOtto.Title) || strings.Contains(body, "Otto&#39;s") || strings.Contains(body, staff.Title) {
				t.Errorf("search shows articles a visitor may not read")
			}
			if status, body := v.get("/help/search?q=zzqx"); status != 200 || !strings.Contains(body, "We found nothing") {
				t.Errorf("a search without results: %d", status)
			}

			status, body = v.get("/sitemap.xml")
			if status != 200 || !strings.Contains(body, "/help/articles/"+public.Slug+"</loc>") || strings.Contains(body, forOtto.Slug) || strings.Contains(body, staff.Slug) {
				t.Errorf("sitemap: %d %s", status, body)
			}
		})
	}
}

// TestHelpProductLinks: an article's product leads to the articles about that
// product, which is no search: it is not logged as one that found nothing.
func TestHelpProductLinks(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, related, _, staff := e.helpArticles()
			_, err := e.db.SaveArticle(ctx, rapport.SystemScope("test"), staff.ID, rapport.ArticleInput{Title: staff.Title,
				Products: []string{"Web app"}, Audience: rapport.AudienceStaff, Publish: true})
			must(t, err)
			v := e.visitor()
			_, body := v.get("/help/articles/" + public.Slug)
			link := regexp.MustCompile(`<a class="tag" href="([^"]+)">Web app</a>`).FindStringSubmatch(body)
			if link == nil || link[1] != "/help/search?product=Web%20app" {
				t.Fatalf("the article's product links to %q, want its articles", link)
			}
			status, body := v.get(html.UnescapeString(link[1]))
			if status != 200 || !strings.Contains(body, `href="/help/articles/`+public.Slug+`"`) || !strings.Contains(body, "<title>Web app · Help centre</title>") ||
				strings.Contains(body, "No results") || strings.Contains(body, "Type what you are looking for") {
				t.Errorf("the product's page: %d, want its article listed", status)
			}
			if strings.Contains(body, related.Title) || strings.Contains(body, staff.Title) {
				t.Errorf("the product's page lists an article of no product, or one for staff")
			}
			if _, body := v.get("/help/search?product=Nothing+of+ours"); !strings.Contains(body, "We have no articles about Nothing of ours yet") {
				t.Errorf("a product without articles should say so")
			}
			in, err := e.db.KnowledgeInsights(ctx, rapport.SystemScope("test"), 4)
			must(t, err)
			if w := rapport.SumWeeks(in.Weeks); w.Searches != 0 || w.NoResult != 0 || len(in.Gaps) != 0 {
				t.Errorf("browsing a product was logged as a search: %+v, gaps %+v", w, in.Gaps)
			}
		})
	}
}

// TestHelpTopics: the help centre lists a topic only when the reader finds an article
// in it or in one of its subtopics — not one with drafts, archived or staff articles
// only, nor one whose articles are chosen for other customers — and a customer sees the
// topic of an article chosen for them.
func TestHelpTopics(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			topic := func(name string, parent rapport.ID) *rapport.Category {
				c, err := e.db.CreateCategory(ctx, sys, rapport.Category{Name: name, ParentID: parent})
				must(t, err)
				return c
			}
			article := func(title string, cat *rapport.Category, in rapport.ArticleInput) *rapport.Article {
				in.Title, in.CategoryID, in.OwnerID = title, cat.ID, e.admin.ID
				a, err := e.db.CreateArticle(ctx, sys, in)
				must(t, err)
				return a
			}
			orders := topic("Orders", rapport.ID{})        // public articles only in a subtopic
			returns := topic("Returns", orders.ID)         // a public article
			giftCards := topic("Gift cards", orders.ID)    // staff only
			drafts := topic("Coming soon", rapport.ID{})   // a draft
			archive := topic("Old products", rapport.ID{}) // archived
			otto := topic("Otto's plan", rapport.ID{})     // chosen for Otto
			nothing := topic("Nothing yet", rapport.ID{})
			article("Return a parcel", returns, rapport.ArticleInput{Publish: true})
			article("Gift card fraud", giftCards, rapport.ArticleInput{Publish: true, Audience: rapport.AudienceStaff})
			article("Our next product", drafts, rapport.ArticleInput{})
			old := article("The old model", archive, rapport.ArticleInput{Publish: true})
			_, err := e.db.ChangeArticleStatus(ctx, sys, old.ID, rapport.ArticleTransition{Step: rapport.StepArchive})
			must(t, err)
			article("Rollout steps", otto, rapport.ArticleInput{Publish: true, Audience: rapport.AudienceChosen, Customers: []rapport.ID{e.open.ID}})

			topics := func(b *browser, path string) []string {
				t.Helper()
				status, body := b.get(path)
				if status != 200 {
					t.Fatalf("%s: got %d", path, status)
				}
				var out []string
				for _, c := range []*rapport.Category{orders, returns, giftCards, drafts, archive, otto, nothing} {
					if strings.Contains(body, `href="/help/categories/`+c.Slug+`"`) {
						out = append(out, c.Name)
					}
				}
				return out
			}
			v := e.visitor()
			if got := strings.Join(topics(v, "/help"), ", "); got != "Orders" {
				t.Errorf("a visitor's home lists topics %q, want Orders", got)
			}
			if got := strings.Join(topics(v, "/help/categories/"+orders.Slug), ", "); got != "Returns" {
				t.Errorf("a visitor's Orders page lists subtopics %q, want Returns", got)
			}
			if _, body := v.get("/help/categories/" + orders.Slug); strings.Contains(body, "No articles in this topic") {
				t.Errorf("a topic with subtopics says it has no articles")
			}
			if status, body := v.get("/help/categories/" + drafts.Slug); status != 200 || !strings.Contains(body, "No articles in this topic") {
				t.Errorf("an empty topic's own page: %d, want it to say it is empty", status)
			}
			customer := e.helpCustomer(e.signIn("admin@example.com"), e.open, "otto@open.example")
			if got := strings.Join(topics(customer, "/help"), ", "); got != "Orders, Otto's plan" {
				t.Errorf("Otto's home lists topics %q, want Orders, Otto's plan", got)
			}
		})
	}
}

// TestAnonymousRatingLimit: a visitor who clears their cookies is a new reader, so new
// ratings of one article from one network address stop at three a day. Changing one's
// rating, rating another article and rating when signed in still work, and the next day
// the address may rate again (TestRatingAddressesKeptOneDay: it is forgotten).
func TestAnonymousRatingLimit(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, related, _, _ := e.helpArticles()
			rate := func(v *browser, a *rapport.Article, stars string) (*http.Response, string) {
				v.get("/help/articles/" + a.Slug) // the cookie
				return v.post("/help/articles/"+a.Slug+"/rating", url.Values{"part": {"rating"}, "rating": {stars}})
			}
			first := e.visitor()
			for i := range 3 {
				v := first
				if i > 0 {
					v = e.visitor()
				}
				if res, _ := rate(v, public, "5"); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("rating %d: got %d", i+1, res.StatusCode)
				}
			}
			res, body := rate(e.visitor(), public, "5")
			if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "rated from your network address 3 times today") ||
				!strings.Contains(body, `value="5" checked`) {
				t.Errorf("a fourth new reader from the address: got %d, want 429 with the reason and the stars kept", res.StatusCode)
			}
			if res, _ := rate(first, public, "2"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("the first reader changes their rating: got %d", res.StatusCode)
			}
			if res, _ := rate(e.visitor(), related, "4"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("a new reader rates another article: got %d", res.StatusCode)
			}
			if _, err := e.db.RateArticle(ctx, rapport.CustomerScope(e.open.ID, "127.0.0.1"), public.ID, "", rapport.ArticleRating{Rating: 4}); err != nil {
				t.Errorf("a signed-in customer rates: %v", err)
			}
			if _, body := e.visitor().get("/help/articles/" + public.Slug); !strings.Contains(body, "4.0 from 4 ratings") {
				t.Errorf("the score counts the refused rating or misses one")
			}

			e.db.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
			defer func() { e.db.Now = time.Now }()
			if res, _ := rate(e.visitor(), public, "5"); res.StatusCode != http.StatusSeeOther {
				t.Errorf("a new reader the next day: got %d", res.StatusCode)
			}
		})
	}
}
