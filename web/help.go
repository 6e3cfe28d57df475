package web

// The help centre at /help: the firm's knowledge base for its customers, public and
// signed-in at the same addresses. It has its own layout (templates/help/) and its own
// session cookie; staff sessions play no part in it. Every read is made in the
// reader's scope: rapport.PortalScope for a visitor, rapport.CustomerScope for a
// signed-in customer, so what they may not read is simply not found.

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

//go:embed templates/help/*.html
var helpFiles embed.FS

const (
	portalSessionCookie = "rapport_portal"
	visitorCookie       = "rapport_visitor"
)

// helpPages are the help centre's templates, each parsed with its layout.
type helpPages map[string]*template.Template

func (s *Server) parseHelpPages() helpPages {
	funcs := s.pages.funcs()
	funcs["markdown"] = markdown.Render
	funcs["scale"] = func() []int { return []int{1, 2, 3, 4, 5} }
	funcs["clip"] = func(s string) string { return markdown.Shorten(s, 200) }
	// An article's key points in a list: their text, without the Markdown.
	funcs["summary"] = func(id rapport.ID, src string) string {
		return markdown.Shorten(s.articleKeyPoints(id, src).Plain, 200)
	}
	funcs["add"] = func(a, b int) int { return a + b }
	funcs["consentLabels"] = func() map[rapport.Purpose]string {
		return map[rapport.Purpose]string{"marketing": "send you news and offers", "surveys": "ask you about your experience", "research": "invite you to research and betas"}
	}
	funcs["feedbackStatus"] = func(st rapport.FeedbackStatus) string {
		switch st {
		case rapport.FeedbackNew:
			return "Received"
		case rapport.FeedbackTriaged, rapport.FeedbackInProgress:
			return "We are working on it"
		case rapport.FeedbackResolved, rapport.FeedbackInformed:
			return "Done"
		}
		return human(string(st))
	}
	base := template.Must(template.Must(template.New("").Funcs(funcs).ParseFS(files, "templates/partials.html")).ParseFS(helpFiles, "templates/help/layout.html"))
	names, err := fs.Glob(helpFiles, "templates/help/*.html")
	if err != nil {
		panic(err)
	}
	out := helpPages{}
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".html")
		if page == "layout" {
			continue
		}
		out[page] = template.Must(template.Must(base.Clone()).ParseFS(helpFiles, name))
	}
	return out
}

// helpCall is one request to the help centre: the signed-in customer's account (nil
// for a visitor), the reader's scope and the visitor's cookie.
type helpCall struct {
	account *rapport.PortalAccount
	scope   rapport.Scope
	visitor string
}

type helpHandler func(w http.ResponseWriter, r *http.Request, c *helpCall) error

// help serves a page of the help centre to anyone.
func (s *Server) help(h helpHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		c := &helpCall{}
		c.account, c.scope = s.portalReader(r)
		if cookie, err := r.Cookie(visitorCookie); err == nil && len(cookie.Value) <= 64 {
			c.visitor = cookie.Value
		}
		// A form that cannot be read (over the limit, say) reads as empty to
		// PostFormValue: it must not be taken for one sent with its fields blank.
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if !errors.As(err, &tooBig) {
					err = rapport.Errorf(rapport.EINVALID, "the form could not be read; please send it again")
				}
				s.helpFail(w, r, c, err)
				return
			}
		}
		if err := h(w, r, c); err != nil {
			s.helpFail(w, r, c, err)
		}
	})
}

// portalReader is who reads the help centre: the customer signed in to it, else an
// anonymous visitor.
func (s *Server) portalReader(r *http.Request) (*rapport.PortalAccount, rapport.Scope) {
	if cookie, err := r.Cookie(portalSessionCookie); err == nil && cookie.Value != "" {
		if a, err := s.Store.FindPortalSession(r.Context(), cookie.Value); err == nil {
			return a, rapport.CustomerScope(a.CustomerID, s.clientAddr(r))
		}
	}
	return nil, rapport.PortalScope(s.clientAddr(r))
}

// customerOnly serves a page for signed-in customers; visitors are sent to sign in.
func (s *Server) customerOnly(h helpHandler) helpHandler {
	return func(w http.ResponseWriter, r *http.Request, c *helpCall) error {
		if c.account == nil {
			return rapport.Errorf(rapport.EUNAUTHORIZED, "sign in first")
		}
		return h(w, r, c)
	}
}

// ensureVisitor gives a visitor the cookie their views and ratings are kept under.
func (s *Server) ensureVisitor(w http.ResponseWriter, r *http.Request, c *helpCall) {
	if c.visitor != "" || c.account != nil {
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	c.visitor = base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, s.cookie(r, visitorCookie, c.visitor, 365*24*time.Hour))
}

// helpView is what every help centre page gets.
type helpView struct {
	Title       string
	Description string // the meta description
	Canonical   string
	Account     *rapport.PortalAccount
	Flash       string
	Query       string // in the search box
	Data        any
}

func (s *Server) renderHelp(w http.ResponseWriter, r *http.Request, c *helpCall, status int, name, title, description string, data any) error {
	page, err := s.helpHTML(w, r, c, name, title, description, data)
	if err != nil {
		return err
	}
	return writeHelp(w, c, status, page)
}

// helpHTML renders a help centre page.
func (s *Server) helpHTML(w http.ResponseWriter, r *http.Request, c *helpCall, name, title, description string, data any) ([]byte, error) {
	t, ok := s.portal[name]
	if !ok {
		return nil, fmt.Errorf("no help page template %q", name)
	}
	v := helpView{Title: title, Description: markdown.Shorten(description, 160), Account: c.account, Flash: s.takeFlash(w, r), Data: data,
		Canonical: s.baseURL(r) + r.URL.Path}
	if r.URL.Path == "/help/search" {
		v.Query = r.URL.Query().Get("q")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("render help %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func writeHelp(w http.ResponseWriter, c *helpCall, status int, page []byte) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if c.account != nil {
		w.Header().Set("Cache-Control", "private, no-store")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}

// helpFail answers with the help centre's own error page; a visitor who must sign in
// is sent to its sign-in page.
func (s *Server) helpFail(w http.ResponseWriter, r *http.Request, c *helpCall, err error) {
	status := Status(err)
	if s.logFailure(r, status, err) {
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/help/sign-in?next="+url.QueryEscape(safeNext(r.URL.RequestURI())), http.StatusSeeOther)
		return
	}
	if status == http.StatusUnauthorized {
		s.helpSignInAgain(w, r, c)
		return
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		status, err = http.StatusRequestEntityTooLarge, rapport.Errorf(rapport.ETOOLARGE, "that is too long; please shorten it")
	}
	heading := customerHeading(status, "We could not find that page")
	data := struct{ Heading, Message string }{heading, sentence(rapport.ErrorMessage(err))}
	if rerr := s.renderHelp(w, r, c, status, "error", heading, "", data); rerr != nil {
		s.Logger.Error("render help error page", "error", rerr)
		http.Error(w, data.Message, status)
	}
}

// helpSignInAgain answers a form sent by a customer whose session has ended: the
// sign-in link leads back to the form, and what they wrote is shown to copy, since
// that form opens empty.
func (s *Server) helpSignInAgain(w http.ResponseWriter, r *http.Request, c *helpCall) {
	d := struct{ Next, Kept string }{Next: r.URL.Path}
	if strings.HasPrefix(d.Next, "/help/experts/") && strings.HasSuffix(d.Next, "/questions") {
		d.Next = strings.TrimSuffix(d.Next, "/questions") + "#ask" // the form is on the expert's page
	}
	for _, field := range []string{"text", "question"} { // feedback's and a question's
		if v := r.PostFormValue(field); v != "" {
			d.Kept = v
		}
	}
	if err := s.renderHelp(w, r, c, http.StatusUnauthorized, "signin-again", "Please sign in again", "", d); err != nil {
		s.Logger.Error("render help sign-in page", "error", err)
		http.Error(w, "Please sign in again.", http.StatusUnauthorized)
	}
}

// categoryIndex maps categories by id, for labels and breadcrumbs.
func categoryIndex(cs []rapport.Category) map[rapport.ID]rapport.Category {
	m := make(map[rapport.ID]rapport.Category, len(cs))
	for _, c := range cs {
		m[c.ID] = c
	}
	return m
}

// nonEmptyTopics returns the categories in which the reader finds an article, in the
// category itself or in one of its subcategories, from the counts of the articles they
// may see (CountCategoryArticles). The help centre lists only these: a topic that
// opens on nothing is a dead end. cats is a tree in ListCategories' order, parents
// before their children.
func nonEmptyTopics(cats []rapport.Category, counts map[rapport.ID]int) map[rapport.ID]bool {
	total := make(map[rapport.ID]int, len(cats))
	for i := len(cats) - 1; i >= 0; i-- { // children first, adding to their parents
		c := cats[i]
		total[c.ID] += counts[c.ID]
		if !c.ParentID.IsZero() {
			total[c.ParentID] += total[c.ID]
		}
	}
	out := make(map[rapport.ID]bool, len(total))
	for id, n := range total {
		if n > 0 {
			out[id] = true
		}
	}
	return out
}

// readerTopics lists the categories and those in which the reader finds an article.
func (s *Server) readerTopics(r *http.Request, c *helpCall) ([]rapport.Category, map[rapport.ID]bool, error) {
	cats, err := s.Store.ListCategories(r.Context(), c.scope)
	if err != nil {
		return nil, nil, err
	}
	counts, err := s.Store.CountCategoryArticles(r.Context(), c.scope)
	if err != nil {
		return nil, nil, err
	}
	return cats, nonEmptyTopics(cats, counts), nil
}

type helpHome struct {
	Categories []rapport.Category // top level
	Popular    []rapport.ArticleLink
	Recent     []rapport.Article
}

func (s *Server) handleHelpHome(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	cats, nonEmpty, err := s.readerTopics(r, c)
	if err != nil {
		return err
	}
	d := helpHome{}
	for _, cat := range cats {
		if cat.ParentID.IsZero() && nonEmpty[cat.ID] {
			d.Categories = append(d.Categories, cat)
		}
	}
	if d.Popular, err = s.Store.PopularArticles(r.Context(), c.scope, time.Now().AddDate(0, 0, -30), 6); err != nil {
		return err
	}
	page, err := s.Store.ListArticles(r.Context(), c.scope, rapport.ArticleFilter{Limit: 6})
	if err != nil {
		return err
	}
	d.Recent = page.Articles
	return s.renderHelp(w, r, c, http.StatusOK, "home", "", "Answers to your questions: search our help centre or browse by topic.", d)
}

type helpCategory struct {
	Category rapport.Category
	Parent   *rapport.Category
	Children []rapport.Category
	Articles []rapport.Article
	Next     string
}

func (s *Server) handleHelpCategory(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	cats, nonEmpty, err := s.readerTopics(r, c)
	if err != nil {
		return err
	}
	d := helpCategory{}
	found := false
	for _, cat := range cats {
		if cat.Slug == r.PathValue("slug") {
			d.Category, found = cat, true
		}
	}
	if !found {
		return rapport.NotFound("category")
	}
	for _, cat := range cats {
		if cat.ParentID == d.Category.ID && nonEmpty[cat.ID] {
			d.Children = append(d.Children, cat)
		}
		if cat.ID == d.Category.ParentID {
			p := cat
			d.Parent = &p
		}
	}
	page, err := s.Store.ListArticles(r.Context(), c.scope, rapport.ArticleFilter{CategoryID: d.Category.ID, Limit: 50, Cursor: r.URL.Query().Get("after")})
	if err != nil {
		return err
	}
	d.Articles, d.Next = page.Articles, page.NextCursor
	desc := d.Category.Description
	if desc == "" {
		desc = "Articles about " + d.Category.Name + " in our help centre."
	}
	return s.renderHelp(w, r, c, http.StatusOK, "category", d.Category.Name, desc, d)
}

type helpArticle struct {
	Article   *rapport.Article
	Body      template.HTML // the article's Markdown, rendered
	KeyPoints keyPoints
	Category  *rapport.Category
	Related   []rapport.ArticleLink
	AlsoRead  []rapport.ArticleLink
	Score     *rapport.ArticleScore
	Mine      *rapport.ArticleRating // the reader's rating, if any
	Experts   []articleExpert        // to ask about the article's tags and products
	Errors    map[string]string
	Form      rapport.ArticleRating // sent back with errors
}

// robot matches the user agents of search engines' crawlers and link previews
// ("Googlebot/2.1", "bingbot/2.0", "Slackbot-LinkExpanding", "facebookexternalhit"),
// whose visits are not readers' views of an article.
var robot = regexp.MustCompile(`(?i)(bot|crawler|spider|slurp)([/ ;)-]|$)|facebookexternalhit`)

func (s *Server) handleHelpArticle(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	s.ensureVisitor(w, r, c)
	d, err := s.helpArticleData(r, c)
	if err != nil {
		return err
	}
	var search rapport.ID
	if id, err := rapport.ParseID(r.URL.Query().Get("s")); err == nil {
		search = id
	}
	if !robot.MatchString(r.UserAgent()) {
		if err := s.Store.QueueView(r.Context(), c.scope, rapport.ArticleView{ArticleID: d.Article.ID, Reader: c.visitor, SearchID: search}); err != nil {
			return err
		}
	}
	if d.Article.Slug != r.PathValue("slug") { // reached by id: the slug is the address
		http.Redirect(w, r, "/help/articles/"+d.Article.Slug, http.StatusMovedPermanently)
		return nil
	}
	// Every visitor who is not signed in, has no message waiting and has not rated the
	// article gets the same page; it says on which day the article changed, not how long
	// ago, since the page is kept.
	if _, err := r.Cookie(flashCookie); err == nil || c.account != nil || d.Mine != nil {
		return s.renderHelp(w, r, c, http.StatusOK, "article", d.Article.Title, d.KeyPoints.Plain, d)
	}
	address := s.baseURL(r) + r.URL.Path
	// Served again only for data equal to what it was rendered from.
	page, ok := s.articlePages.get(address, d, func(a, b *helpArticle) bool { return reflect.DeepEqual(a, b) })
	if !ok {
		if page, err = s.helpHTML(w, r, c, "article", d.Article.Title, d.KeyPoints.Plain, d); err != nil {
			return err
		}
		s.articlePages.put(address, d, page, len(page), maxRenderedPageBytes)
	}
	return writeHelp(w, c, http.StatusOK, page)
}

// Budgets of the rendered article bodies (their Markdown and HTML), of their key points
// and of the rendered article pages kept.
const (
	maxRenderedBodyBytes      = 64 << 20
	maxRenderedKeyPointsBytes = 4 << 20
	maxRenderedPageBytes      = 32 << 20
)

// articleBody is an article's Markdown rendered, which costs more than reading the
// article: an article page renders the same body for every reader. It is kept for the
// very text it was rendered from, so a new version shows at once.
func (s *Server) articleBody(id rapport.ID, src string) template.HTML {
	if html, ok := s.articleBodies.get(id, src, func(a, b string) bool { return a == b }); ok {
		return html
	}
	html := markdown.Render(src)
	s.articleBodies.put(id, src, html, len(src)+len(html), maxRenderedBodyBytes)
	return html
}

// keyPoints are an article's key points as customers read them: Markdown rendered as
// staff see it (markdown.RenderLines), and plain text for the meta description and
// lists, where markup would show as asterisks.
type keyPoints struct {
	HTML  template.HTML
	Plain string
}

// articleKeyPoints renders an article's key points, kept for the very text they were
// rendered from, as the body is: the lists of the help centre show many.
func (s *Server) articleKeyPoints(id rapport.ID, src string) keyPoints {
	if src == "" {
		return keyPoints{}
	}
	if kp, ok := s.keyPoints.get(id, src, func(a, b string) bool { return a == b }); ok {
		return kp
	}
	kp := keyPoints{HTML: markdown.RenderLines(src), Plain: markdown.PlainText(src)}
	s.keyPoints.put(id, src, kp, len(src)+len(kp.HTML)+len(kp.Plain), maxRenderedKeyPointsBytes)
	return kp
}

// helpArticleData reads an article and what surrounds it, in the reader's scope.
func (s *Server) helpArticleData(r *http.Request, c *helpCall) (*helpArticle, error) {
	page, err := s.Store.ReadArticle(r.Context(), c.scope, r.PathValue("slug"), c.visitor, 5)
	if err != nil {
		return nil, err
	}
	d := &helpArticle{Article: page.Article, Body: s.articleBody(page.Article.ID, page.Article.Body),
		KeyPoints: s.articleKeyPoints(page.Article.ID, page.Article.KeyPoints), Category: page.Category,
		Related: page.Related, AlsoRead: page.AlsoRead, Score: page.Score, Mine: page.Mine}
	if d.Experts, err = s.articleExperts(r, c, page.Article); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) handleHelpRate(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	s.ensureVisitor(w, r, c)
	in := rapport.ArticleRating{Comment: r.PostForm.Get("comment")}
	switch r.PostForm.Get("helpful") {
	case "yes":
		yes := true
		in.Helpful = &yes
	case "no":
		no := false
		in.Helpful = &no
	}
	if v := r.PostForm.Get("rating"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		in.Rating = n
	}
	a, err := s.Store.FindArticle(r.Context(), c.scope, r.PathValue("slug"))
	if err != nil {
		return err
	}
	// The yes/no buttons keep the stars and comment given before, and the other way round.
	if old, err := s.Store.FindRating(r.Context(), c.scope, a.ID, c.visitor); err == nil {
		if r.PostForm.Get("part") == "helpful" {
			in.Rating, in.Comment = old.Rating, old.Comment
		} else if in.Helpful == nil {
			in.Helpful = old.Helpful
		}
	}
	if _, err := s.Store.RateArticle(r.Context(), c.scope, a.ID, c.visitor, in); err != nil {
		status := http.StatusBadRequest
		switch rapport.ErrorCode(err) {
		case rapport.EINVALID:
		case rapport.ERATELIMIT:
			status = http.StatusTooManyRequests
		default:
			return err
		}
		d, derr := s.helpArticleData(r, c)
		if derr != nil {
			return derr
		}
		d.Errors, d.Form = fieldErrors(err), in
		return s.renderHelp(w, r, c, status, "article", d.Article.Title, d.KeyPoints.Plain, d)
	}
	return s.redirect(w, r, "/help/articles/"+a.Slug+"#rate", "Thank you for your rating.")
}

type helpSearch struct {
	Query      string
	Category   string
	Product    string
	Result     *rapport.SearchResult
	Categories map[rapport.ID]rapport.Category
	Page       int
	Prev, Next string
	// Browse lists the articles about Product, asked for without words (an article's
	// product link): not a search, so not logged as one that found nothing.
	Browse   bool
	Articles []rapport.Article
}

const helpSearchPage = 10

func (s *Server) handleHelpSearch(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	q := r.URL.Query()
	d := helpSearch{Query: strings.TrimSpace(q.Get("q")), Category: q.Get("category"), Product: q.Get("product"), Page: 1}
	if len(d.Query) > 200 {
		d.Query = d.Query[:200]
	}
	d.Query = strings.ToValidUTF8(d.Query, "")
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 50 {
		d.Page = n
	}
	title, desc := "Search", "Search our help centre."
	if d.Query != "" {
		sq := rapport.SearchQuery{Text: d.Query, Product: d.Product, Limit: helpSearchPage, Offset: (d.Page - 1) * helpSearchPage, Log: true}
		if id, err := rapport.ParseID(d.Category); err == nil {
			sq.CategoryID = id
		}
		res, err := s.Store.SearchArticles(r.Context(), c.scope, sq)
		if err != nil {
			return err
		}
		d.Result = res
		cats, err := s.Store.ListCategories(r.Context(), c.scope)
		if err != nil {
			return err
		}
		d.Categories = categoryIndex(cats)
		if d.Page > 1 {
			d.Prev = withParam(r.URL.Query(), "page", strconv.Itoa(d.Page-1))
		}
		if d.Page*helpSearchPage < res.Total {
			d.Next = withParam(r.URL.Query(), "page", strconv.Itoa(d.Page+1))
		}
		title = "Search: " + d.Query
	} else if d.Product != "" {
		page, err := s.Store.ListArticles(r.Context(), c.scope, rapport.ArticleFilter{Product: d.Product, Limit: 50, Cursor: q.Get("after")})
		if err != nil {
			return err
		}
		d.Browse, d.Articles = true, page.Articles
		if page.NextCursor != "" {
			d.Next = withParam(q, "after", page.NextCursor)
		}
		title, desc = d.Product, "Articles about "+d.Product+" in our help centre."
	}
	return s.renderHelp(w, r, c, http.StatusOK, "search", title, desc, d)
}

// handleSitemap lists the articles anyone may read, for search engines.
func (s *Server) handleSitemap(w http.ResponseWriter, r *http.Request) {
	entries, err := s.Store.Sitemap(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type url struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	}
	set := struct {
		XMLName xml.Name `xml:"urlset"`
		NS      string   `xml:"xmlns,attr"`
		URLs    []url    `xml:"url"`
	}{NS: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	base := s.baseURL(r)
	set.URLs = append(set.URLs, url{Loc: base + "/help", LastMod: time.Now().UTC().Format("2006-01-02")})
	for _, e := range entries {
		set.URLs = append(set.URLs, url{Loc: base + "/help/articles/" + e.Slug, LastMod: e.UpdatedAt.UTC().Format("2006-01-02")})
	}
	// The expert directory and the listed experts' pages, as a visitor sees them.
	experts, err := s.Store.ListExperts(r.Context(), rapport.PortalScope(""), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(experts) > 0 {
		set.URLs = append(set.URLs, url{Loc: base + "/help/experts", LastMod: time.Now().UTC().Format("2006-01-02")})
	}
	for _, e := range experts {
		lastMod := time.Now().UTC()
		if e.UpdatedAt != nil {
			lastMod = e.UpdatedAt.UTC()
		}
		set.URLs = append(set.URLs, url{Loc: base + "/help/experts/" + e.UserID.String(), LastMod: lastMod.Format("2006-01-02")})
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	enc.Encode(set)
}
