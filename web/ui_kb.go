package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

// The staff side of the knowledge base: the list, an article, the editor, the
// workflow, categories, the review page and experts. History and files have files of
// their own (ui_kb_history.go, ui_kb_file.go).

// kbIndexPage lists articles with filters and counts.
type kbIndexPage struct {
	Articles      []rapport.Article
	Counts        *rapport.ArticleCounts
	Statuses      []option
	StatusCounts  []option // the statuses with their counts, for the row of links
	Status        string
	Categories    []option
	Owners        []option
	Product, Tag  string
	Overdue       bool
	Filtered      bool
	CategoryNames map[rapport.ID]string
	pageLinks
	CanPublish bool
	CanWrite   bool // analysts read: they are not offered New article
}

func (s *Server) handleKBIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.ArticleFilter{Status: rapport.ArticleStatus(q.Get("status")), Product: strings.TrimSpace(q.Get("product")),
		Tag: strings.TrimSpace(q.Get("tag")), Overdue: q.Get("overdue") != "", Cursor: q.Get("cursor")}
	if f.Status != "" && !f.Status.Valid() {
		return rapport.FieldError("status", "status must be one of %s", strings.Join(statusNames(), ", "))
	}
	var err error
	if f.CategoryID, err = queryID(q, "category"); err != nil {
		return err
	}
	if f.OwnerID, err = queryID(q, "owner"); err != nil {
		return err
	}
	ctx := r.Context()
	page, err := s.Store.ListArticles(ctx, c.scope, f)
	if err != nil {
		return err
	}
	counts, err := s.Store.CountArticles(ctx, c.scope)
	if err != nil {
		return err
	}
	cats, err := s.Store.ListCategories(ctx, c.scope)
	if err != nil {
		return err
	}
	users, err := s.Store.FindUsers(ctx, c.scope)
	if err != nil {
		return err
	}
	v := kbIndexPage{Articles: page.Articles, Counts: counts, Statuses: options(rapport.ArticleStatuses, string(f.Status)),
		Categories: categoryOptions(cats, f.CategoryID), Owners: userOptions(users, f.OwnerID), Product: f.Product, Tag: f.Tag,
		Overdue: f.Overdue, CategoryNames: categoryNames(cats), CanPublish: c.scope.CanPublish(), CanWrite: c.scope.CanWriteArticles(),
		Filtered: f.Status != "" || !f.CategoryID.IsZero() || !f.OwnerID.IsZero() || f.Product != "" || f.Tag != "" || f.Overdue}
	v.Status = string(f.Status)
	for _, o := range v.Statuses {
		o.Label += " " + strconv.Itoa(counts.ByStatus[rapport.ArticleStatus(o.Value)])
		v.StatusCounts = append(v.StatusCounts, o)
	}
	v.pageLinks = pagerLinks("/kb", q, page.NextCursor)
	return s.render(w, r, http.StatusOK, "kb", c, "Knowledge base", v)
}

func statusNames() []string {
	out := make([]string, len(rapport.ArticleStatuses))
	for i, st := range rapport.ArticleStatuses {
		out[i] = string(st)
	}
	return out
}

// categoryOptions lists the category tree for a select, children indented.
func categoryOptions(cats []rapport.Category, selected rapport.ID) []option {
	depth := map[rapport.ID]int{}
	out := make([]option, len(cats))
	for i, c := range cats {
		d := 0
		if !c.ParentID.IsZero() {
			d = depth[c.ParentID] + 1
		}
		depth[c.ID] = d
		out[i] = option{Value: c.ID.String(), Label: strings.Repeat("\u00a0\u00a0", d) + c.Name, Selected: c.ID == selected}
	}
	return out
}

func categoryNames(cats []rapport.Category) map[rapport.ID]string {
	out := make(map[rapport.ID]string, len(cats))
	for _, c := range cats {
		out[c.ID] = c.Name
	}
	return out
}

func userOptions(users []*rapport.User, selected ...rapport.ID) []option {
	var out []option
	for _, u := range users {
		if !u.Active {
			continue
		}
		chosen := false
		for _, id := range selected {
			chosen = chosen || id == u.ID
		}
		out = append(out, option{Value: u.ID.String(), Label: u.Name, Selected: chosen})
	}
	return out
}

// kbArticlePage shows an article to staff: what readers see, and the work on it.
type kbArticlePage struct {
	Article    *rapport.Article
	Latest     *rapport.ArticleVersion // the version staff edit, when it is not what readers see
	Body       template.HTML
	KeyPoints  template.HTML
	Category   string
	Work       *rapport.ArticleWork
	Files      []kbFileView
	Readers    *articleReaders
	Steps      []rapport.ArticleStep
	Reviewers  []option
	Chosen     []chosenCustomer
	Segments   []string
	CanWrite   bool
	CanPublish bool
	Overdue    bool
	Errors     map[string]string
}

type chosenCustomer struct {
	ID   rapport.ID
	Name string
}

func (s *Server) handleKBArticle(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showKBArticle(w, r, c, http.StatusOK, nil)
}

func (s *Server) showKBArticle(w http.ResponseWriter, r *http.Request, c *call, status int, errs map[string]string) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, err := s.Store.FindArticle(ctx, c.scope, id.String())
	if err != nil {
		return err
	}
	work, err := s.Store.ArticleWork(ctx, c.scope, id)
	if err != nil {
		return err
	}
	cats, err := s.Store.ListCategories(ctx, c.scope)
	if err != nil {
		return err
	}
	files, err := s.Store.ListArticleFiles(ctx, c.scope, id)
	if err != nil {
		return err
	}
	users, err := s.Store.FindUsers(ctx, c.scope)
	if err != nil {
		return err
	}
	v := kbArticlePage{Article: a, Body: markdown.Render(a.Body), KeyPoints: markdown.RenderLines(a.KeyPoints), Category: categoryNames(cats)[a.CategoryID],
		Work: work, CanWrite: c.scope.CanWriteArticles(), CanPublish: c.scope.CanPublish(), Errors: errs,
		Overdue: a.ReviewBy != nil && a.ReviewBy.Before(time.Now()) && a.Status != rapport.ArticleArchived}
	if a.PublishedVersion > 0 && a.Version != a.PublishedVersion {
		if v.Latest, err = s.Store.FindArticleVersion(ctx, c.scope, id, a.Version); err != nil {
			return err
		}
	}
	for _, f := range files {
		v.Files = append(v.Files, newKBFileView(f, c.scope))
	}
	if v.Readers, err = s.articleReaders(r, c, id); err != nil {
		return err
	}
	var reviewerIDs []rapport.ID
	for _, u := range work.Reviewers {
		reviewerIDs = append(reviewerIDs, u.ID)
	}
	v.Reviewers = userOptions(users, reviewerIDs...)
	for _, st := range rapport.ArticleSteps {
		if st.From(a.Status) && (!st.PublisherOnly() || v.CanPublish) && (v.CanWrite || st == rapport.StepWithdraw) {
			v.Steps = append(v.Steps, st)
		}
	}
	if v.Chosen, err = s.chosenCustomers(r, c, a.Customers); err != nil {
		return err
	}
	if len(a.Segments) > 0 {
		segs, err := s.Store.FindSegments(ctx, c.scope)
		if err != nil {
			return err
		}
		for _, g := range segs {
			if has(a.Segments, g.ID.String()) {
				v.Segments = append(v.Segments, g.Name)
			}
		}
	}
	return s.render(w, r, status, "kb_article", c, a.Title, v)
}

// chosenCustomers names the customers an article is chosen for (those the user may see).
func (s *Server) chosenCustomers(r *http.Request, c *call, ids []rapport.ID) ([]chosenCustomer, error) {
	var out []chosenCustomer
	for _, id := range ids {
		cu, err := s.Store.FindCustomerByID(r.Context(), c.scope, id)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, chosenCustomer{ID: cu.ID, Name: cu.Name})
	}
	return out, nil
}

func (s *Server) handleKBStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	t := rapport.ArticleTransition{Step: rapport.ArticleStep(r.PostFormValue("step")), Note: r.PostFormValue("note")}
	if t.Step == rapport.StepSubmit {
		t.Reviewers = formIDs(r, "reviewers")
	}
	a, err := s.Store.ChangeArticleStatus(r.Context(), c.scope, id, t)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showKBArticle(w, r, c, http.StatusBadRequest, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/articles/"+id.String(), fmt.Sprintf("%s is %s.", a.Title, articleStatusWords(a.Status)))
}

func articleStatusWords(st rapport.ArticleStatus) string {
	switch st {
	case rapport.ArticleReview:
		return "in review"
	case rapport.ArticleDraft:
		return "a draft"
	}
	return string(st)
}

// kbEditPage is the editor of an article's next version.
type kbEditPage struct {
	Article    *rapport.Article // nil for a new article
	In         rapport.ArticleInput
	ReviewBy   string
	Categories []option
	Owners     []option
	Segments   []option
	Audiences  []option
	Chosen     []chosenCustomer
	AddLines   string
	Files      []kbFileView
	Preview    template.HTML
	PreviewKP  template.HTML
	Previewed  bool
	CanPublish bool
	Errors     map[string]string
	Action     string
}

func (s *Server) handleKBNew(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanWriteArticles(), "write knowledge base articles"); err != nil {
		return err
	}
	in := rapport.ArticleInput{Audience: rapport.AudiencePublic, OwnerID: c.user.ID}
	if id, err := queryID(r.URL.Query(), "category"); err == nil {
		in.CategoryID = id
	}
	// A content gap's query starts the title of the article that answers it.
	if title := []rune(strings.TrimSpace(r.URL.Query().Get("title"))); len(title) > 0 {
		in.Title = string(title[:min(len(title), rapport.MaxArticleTitle)])
	}
	return s.showKBEditor(w, r, c, http.StatusOK, nil, in, "", nil)
}

func (s *Server) handleKBEdit(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticle(r.Context(), c.scope, id.String())
	if err != nil {
		return err
	}
	// The editor starts from the latest version, which may be newer than what readers see.
	latest, err := s.Store.FindArticleVersion(r.Context(), c.scope, id, a.Version)
	if err != nil {
		return err
	}
	in := rapport.ArticleInput{Slug: a.Slug, Title: latest.Title, KeyPoints: latest.KeyPoints, Body: latest.Body, CategoryID: latest.CategoryID,
		Tags: latest.Tags, Products: latest.Products, Audience: a.Audience, Customers: a.Customers, Segments: a.Segments,
		OwnerID: a.OwnerID, ReviewBy: a.ReviewBy}
	return s.showKBEditor(w, r, c, http.StatusOK, a, in, "", nil)
}

func (s *Server) showKBEditor(w http.ResponseWriter, r *http.Request, c *call, status int, a *rapport.Article, in rapport.ArticleInput, addLines string, errs map[string]string) error {
	ctx := r.Context()
	cats, err := s.Store.ListCategories(ctx, c.scope)
	if err != nil {
		return err
	}
	users, err := s.Store.FindUsers(ctx, c.scope)
	if err != nil {
		return err
	}
	segs, err := s.Store.FindSegments(ctx, c.scope)
	if err != nil {
		return err
	}
	v := kbEditPage{Article: a, In: in, Categories: categoryOptions(cats, in.CategoryID), Owners: userOptions(users, in.OwnerID),
		Audiences: options(rapport.Audiences, string(in.Audience)), AddLines: addLines, CanPublish: c.scope.CanPublish(), Errors: errs,
		Action: "/kb/articles"}
	if in.ReviewBy != nil {
		v.ReviewBy = in.ReviewBy.UTC().Format(time.DateOnly)
	}
	for _, g := range segs {
		v.Segments = append(v.Segments, option{Value: g.ID.String(), Label: g.Name, Selected: has(in.Segments, g.ID.String())})
	}
	if v.Chosen, err = s.chosenCustomers(r, c, in.Customers); err != nil {
		return err
	}
	if a != nil {
		v.Action = "/kb/articles/" + a.ID.String() + "/edit"
		files, err := s.Store.ListArticleFiles(ctx, c.scope, a.ID)
		if err != nil {
			return err
		}
		for _, f := range files {
			v.Files = append(v.Files, newKBFileView(f, c.scope))
		}
	}
	if r.Method == http.MethodPost && r.PostFormValue("action") == "preview" {
		v.Previewed, v.Preview, v.PreviewKP = true, markdown.Render(in.Body), markdown.RenderLines(in.KeyPoints)
	}
	title := "New article"
	if a != nil {
		title = "Edit " + a.Title
	}
	return s.render(w, r, status, "kb_edit", c, title, v)
}

// articleForm reads the editor. Customers to add are written one a line, by name,
// e-mail address or id; each must match exactly one customer the user may see.
func (s *Server) articleForm(r *http.Request, c *call) (rapport.ArticleInput, string, error) {
	in := rapport.ArticleInput{Slug: r.PostFormValue("slug"), Title: r.PostFormValue("title"), KeyPoints: r.PostFormValue("key_points"),
		Body: r.PostFormValue("body"), Tags: formList(r, "tags"), Products: formList(r, "products"),
		Audience: rapport.Audience(r.PostFormValue("audience")), Note: r.PostFormValue("note"), Publish: r.PostFormValue("publish") != "",
		Customers: formIDs(r, "customers"), Segments: formIDs(r, "segments")}
	var err error
	if in.CategoryID, err = kbFormID(r, "category_id"); err != nil {
		return in, "", err
	}
	if in.OwnerID, err = kbFormID(r, "owner_id"); err != nil {
		return in, "", err
	}
	if day := strings.TrimSpace(r.PostFormValue("review_by")); day != "" {
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return in, "", rapport.FieldError("review_by", "write the review-by date as YYYY-MM-DD")
		}
		in.ReviewBy = &t
	}
	add := r.PostFormValue("add_customers")
	lines := formLines(r, "add_customers")
	if len(lines) > 50 {
		return in, add, rapport.FieldError("customers", "add at most 50 customers at once")
	}
	for _, line := range lines {
		id, err := s.findOneCustomer(r, c, line)
		if err != nil {
			return in, add, err
		}
		in.Customers = append(in.Customers, id)
	}
	return in, "", nil
}

// kbFormID reads an optional id from a form field, an error about the field if malformed.
func kbFormID(r *http.Request, name string) (rapport.ID, error) {
	id, err := formID(r.PostForm, name)
	if err != nil {
		return id, rapport.FieldError(name, "%s is not a valid id", name)
	}
	return id, nil
}

// findOneCustomer finds the customer a line names: an id, or words of a name or an
// e-mail address that one visible customer alone matches (or matches exactly).
func (s *Server) findOneCustomer(r *http.Request, c *call, line string) (rapport.ID, error) {
	if id, err := rapport.ParseID(line); err == nil {
		return id, nil
	}
	if len(line) > 200 {
		return rapport.ID{}, rapport.FieldError("customers", "a customer's name is at most 200 characters")
	}
	found, _, err := s.Store.FindCustomers(r.Context(), c.scope, rapport.CustomerFilter{Query: line, Limit: 5})
	if err != nil {
		return rapport.ID{}, err
	}
	if len(found) == 1 {
		return found[0].ID, nil
	}
	for _, cu := range found {
		if strings.EqualFold(cu.Name, line) {
			return cu.ID, nil
		}
	}
	if len(found) == 0 {
		return rapport.ID{}, rapport.FieldError("customers", "no customer matches %q", line)
	}
	return rapport.ID{}, rapport.FieldError("customers", "%q matches several customers; write more of the name, or the e-mail address", line)
}

func (s *Server) handleKBCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.saveKBArticle(w, r, c, nil)
}

func (s *Server) handleKBSave(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "article")
	if err != nil {
		return err
	}
	a, err := s.Store.FindArticle(r.Context(), c.scope, id.String())
	if err != nil {
		return err
	}
	return s.saveKBArticle(w, r, c, a)
}

func (s *Server) saveKBArticle(w http.ResponseWriter, r *http.Request, c *call, a *rapport.Article) error {
	in, add, err := s.articleForm(r, c)
	if err == nil && r.PostFormValue("action") == "preview" {
		return s.showKBEditor(w, r, c, http.StatusOK, a, in, add, nil)
	}
	if err == nil {
		if a == nil {
			a, err = s.Store.CreateArticle(r.Context(), c.scope, in)
		} else {
			a, err = s.Store.SaveArticle(r.Context(), c.scope, a.ID, in)
		}
	}
	if formMistake(err) {
		return s.showKBEditor(w, r, c, http.StatusBadRequest, a, in, add, fieldErrors(err))
	} else if err != nil {
		return err
	}
	msg := fmt.Sprintf("Version %d of %s is saved as a draft.", a.Version, a.Title)
	if in.Publish {
		msg = fmt.Sprintf("Version %d of %s is published.", a.Version, a.Title)
	}
	return s.redirect(w, r, "/kb/articles/"+a.ID.String(), msg)
}

// Review.

type kbReviewPage struct {
	ToReview   []rapport.Article
	Overdue    []rapport.Article
	InReview   []rapport.Article // all waiting, for knowledge managers
	AllOverdue []rapport.Article // everyone's, for knowledge managers
	CanPublish bool
}

func (s *Server) handleKBReview(w http.ResponseWriter, r *http.Request, c *call) error {
	ctx := r.Context()
	v := kbReviewPage{CanPublish: c.scope.CanPublish()}
	lists := []struct {
		into *[]rapport.Article
		f    rapport.ArticleFilter
		when bool
	}{
		{&v.ToReview, rapport.ArticleFilter{ReviewerID: c.user.ID, Limit: 200}, true},
		{&v.Overdue, rapport.ArticleFilter{Overdue: true, OwnerID: c.user.ID, Limit: 200}, true},
		{&v.InReview, rapport.ArticleFilter{Status: rapport.ArticleReview, Limit: 200}, v.CanPublish},
		{&v.AllOverdue, rapport.ArticleFilter{Overdue: true, Limit: 200}, v.CanPublish},
	}
	for _, l := range lists {
		if !l.when {
			continue
		}
		page, err := s.Store.ListArticles(ctx, c.scope, l.f)
		if err != nil {
			return err
		}
		*l.into = page.Articles
	}
	return s.render(w, r, http.StatusOK, "kb_review", c, "Review", v)
}

// Categories.

type kbCategoriesPage struct {
	Categories []kbCategoryRow
	Parents    []option
	CanChange  bool
	Errors     map[string]string
	New        rapport.Category
}

type kbCategoryRow struct {
	rapport.Category
	Depth   int
	Parents []option // where it may move: anywhere but under itself
	First   bool
	Last    bool
}

func (s *Server) handleKBCategories(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showKBCategories(w, r, c, http.StatusOK, rapport.Category{}, nil)
}

func (s *Server) showKBCategories(w http.ResponseWriter, r *http.Request, c *call, status int, in rapport.Category, errs map[string]string) error {
	cats, err := s.Store.ListCategories(r.Context(), c.scope)
	if err != nil {
		return err
	}
	v := kbCategoriesPage{Parents: categoryOptions(cats, in.ParentID), CanChange: c.scope.CanPublish(), Errors: errs, New: in}
	depth := map[rapport.ID]int{}
	parentOf := map[rapport.ID]rapport.ID{}
	for _, cat := range cats {
		parentOf[cat.ID] = cat.ParentID
	}
	under := func(id, ancestor rapport.ID) bool {
		for p := id; !p.IsZero(); p = parentOf[p] {
			if p == ancestor {
				return true
			}
		}
		return false
	}
	for i, cat := range cats {
		d := 0
		if !cat.ParentID.IsZero() {
			d = depth[cat.ParentID] + 1
		}
		depth[cat.ID] = d
		row := kbCategoryRow{Category: cat, Depth: d, First: true, Last: true}
		for j := i - 1; j >= 0; j-- {
			if cats[j].ParentID == cat.ParentID {
				row.First = false
				break
			}
		}
		for j := i + 1; j < len(cats); j++ {
			if cats[j].ParentID == cat.ParentID {
				row.Last = false
				break
			}
		}
		for _, o := range categoryOptions(cats, cat.ParentID) {
			id, _ := rapport.ParseID(o.Value)
			if !under(id, cat.ID) {
				row.Parents = append(row.Parents, o)
			}
		}
		v.Categories = append(v.Categories, row)
	}
	return s.render(w, r, status, "kb_categories", c, "Categories", v)
}

func categoryForm(r *http.Request) (rapport.Category, error) {
	c := rapport.Category{Name: r.PostFormValue("name"), Slug: strings.TrimSpace(r.PostFormValue("slug")), Description: strings.TrimSpace(r.PostFormValue("description"))}
	var err error
	c.ParentID, err = kbFormID(r, "parent_id")
	if p := r.PostFormValue("position"); p != "" {
		c.Position, _ = strconv.Atoi(p)
	}
	return c, err
}

func (s *Server) handleKBCategoryCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	in, err := categoryForm(r)
	if err == nil {
		_, err = s.Store.CreateCategory(r.Context(), c.scope, in)
	}
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		return s.showKBCategories(w, r, c, http.StatusBadRequest, in, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/categories", "Category "+in.Name+" added.")
}

func (s *Server) handleKBCategoryUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	in, err := categoryForm(r)
	in.ID = id
	if err == nil {
		_, err = s.Store.UpdateCategory(r.Context(), c.scope, in)
	}
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		return s.showKBCategories(w, r, c, http.StatusBadRequest, rapport.Category{}, prefixErrors(fieldErrors(err), id))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/categories", "Category "+in.Name+" saved.")
}

// prefixErrors files a row's errors under its id, so the page shows them on that row.
func prefixErrors(errs map[string]string, id rapport.ID) map[string]string {
	out := map[string]string{}
	for k, v := range errs {
		out[id.String()+"."+k] = v
		out[id.String()] = v
	}
	return out
}

func (s *Server) handleKBCategoryMove(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	delta := 1
	if r.PostFormValue("direction") == "up" {
		delta = -1
	}
	if err := s.Store.MoveCategory(r.Context(), c.scope, id, delta); err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/categories#cat-"+id.String(), "")
}

func (s *Server) handleKBCategoryDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "category")
	if err != nil {
		return err
	}
	err = s.Store.DeleteCategory(r.Context(), c.scope, id)
	if rapport.ErrorCode(err) == rapport.ECONFLICT {
		return s.showKBCategories(w, r, c, http.StatusConflict, rapport.Category{}, map[string]string{id.String(): rapport.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/categories", "Category deleted.")
}

// Experts.

type kbExpertsPage struct {
	Experts []rapport.Expert
	Area    string
	Mine    *rapport.Expert
}

func (s *Server) handleKBExperts(w http.ResponseWriter, r *http.Request, c *call) error {
	area := strings.TrimSpace(r.URL.Query().Get("area"))
	list, err := s.Store.ListExperts(r.Context(), c.scope, area)
	if err != nil {
		return err
	}
	v := kbExpertsPage{Experts: list, Area: area}
	if mine, err := s.Store.FindExpert(r.Context(), c.scope, c.user.ID); err == nil {
		v.Mine = mine
	}
	return s.render(w, r, http.StatusOK, "kb_experts", c, "Experts", v)
}

type kbExpertPage struct {
	Expert   *rapport.Expert
	Bio      template.HTML
	Articles []rapport.Article
	IsMe     bool
	Editing  bool
	In       rapport.ExpertInput
	Errors   map[string]string
}

func (s *Server) handleKBExpert(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "expert")
	if err != nil {
		return err
	}
	e, err := s.Store.FindExpert(r.Context(), c.scope, id)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND && id == c.user.ID {
		e, err = &rapport.Expert{UserID: id, Name: c.user.Name, Email: c.user.Email, Areas: []string{}}, nil
	}
	if err != nil {
		return err
	}
	in := rapport.ExpertInput{Headline: e.Headline, Bio: e.Bio, Areas: e.Areas, Listed: e.Listed}
	return s.showKBExpert(w, r, c, http.StatusOK, e, in, r.URL.Query().Get("edit") != "" && id == c.user.ID, nil)
}

func (s *Server) showKBExpert(w http.ResponseWriter, r *http.Request, c *call, status int, e *rapport.Expert, in rapport.ExpertInput, editing bool, errs map[string]string) error {
	page, err := s.Store.ListArticles(r.Context(), c.scope, rapport.ArticleFilter{OwnerID: e.UserID, Limit: 100})
	if err != nil {
		return err
	}
	v := kbExpertPage{Expert: e, Bio: markdown.Render(e.Bio), Articles: page.Articles, IsMe: e.UserID == c.user.ID, Editing: editing || errs != nil,
		In: in, Errors: errs}
	return s.render(w, r, status, "kb_expert", c, e.Name, v)
}

func (s *Server) handleKBExpertSave(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "expert")
	if err != nil {
		return err
	}
	in := rapport.ExpertInput{Headline: r.PostFormValue("headline"), Bio: r.PostFormValue("bio"), Areas: formList(r, "areas"),
		Listed: r.PostFormValue("listed") != ""}
	e, err := s.Store.SaveExpert(r.Context(), c.scope, id, in)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showKBExpert(w, r, c, http.StatusBadRequest, &rapport.Expert{UserID: id, Name: c.user.Name, Areas: []string{}}, in, true, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/experts/"+e.UserID.String(), "Your expert profile is saved.")
}
