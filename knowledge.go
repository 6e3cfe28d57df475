package rapport

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rapportckm/rapport/fold"
)

// ArticleStatus is where an article's latest version is in the workflow.
type ArticleStatus string

const (
	ArticleDraft     ArticleStatus = "draft"
	ArticleReview    ArticleStatus = "review" // waiting for its reviewers
	ArticlePublished ArticleStatus = "published"
	ArticleArchived  ArticleStatus = "archived" // no longer shown to readers
)

var ArticleStatuses = []ArticleStatus{ArticleDraft, ArticleReview, ArticlePublished, ArticleArchived}

func (s ArticleStatus) Valid() bool { return oneOf(s, ArticleStatuses) }

// Audience says who may read a published article.
type Audience string

const (
	AudiencePublic    Audience = "public"    // anyone, signed in or not
	AudienceCustomers Audience = "customers" // every signed-in customer
	AudienceChosen    Audience = "chosen"    // the chosen customers (and organisations' people) and segments
	AudienceStaff     Audience = "staff"     // staff only
)

var Audiences = []Audience{AudiencePublic, AudienceCustomers, AudienceChosen, AudienceStaff}

func (a Audience) Valid() bool { return oneOf(a, Audiences) }

// Article is a knowledge base article. Every article has the same shape: a title, key
// points (a short summary for busy readers, shown first) and a Markdown body.
//
// The fields are what readers see: the published version's content, or the latest
// draft's while the article was never published. Version is the latest version, the
// one staff edit; Status is that version's place in the workflow.
type Article struct {
	ID               ID            `json:"id"`
	Slug             string        `json:"slug"`
	Title            string        `json:"title"`
	KeyPoints        string        `json:"key_points"`
	Body             string        `json:"body"` // Markdown
	CategoryID       ID            `json:"category_id,omitzero"`
	Tags             []string      `json:"tags"`
	Products         []string      `json:"products"`
	Audience         Audience      `json:"audience"`
	Customers        []ID          `json:"customers,omitempty"` // for AudienceChosen, as the reader may see them
	Segments         []ID          `json:"segments,omitempty"`  // for AudienceChosen
	Status           ArticleStatus `json:"status"`
	Version          int           `json:"version"`
	PublishedVersion int           `json:"published_version"` // 0: never published
	OwnerID          ID            `json:"owner_id,omitzero"`
	OwnerName        string        `json:"owner_name,omitempty"`
	ReviewBy         *time.Time    `json:"review_by,omitempty"` // when the content should be checked again
	PublishedAt      *time.Time    `json:"published_at,omitempty"`
	CreatedAt        time.Time     `json:"created_at"`
	UpdatedAt        time.Time     `json:"updated_at"`
}

// Readable reports whether readers other than staff can see the article at all.
func (a *Article) Readable() bool {
	return a.PublishedVersion > 0 && a.Status != ArticleArchived && a.Audience != AudienceStaff
}

// ArticleInput is a new version of an article as an author writes it.
type ArticleInput struct {
	Slug       string     `json:"slug"` // empty: made from the title
	Title      string     `json:"title"`
	KeyPoints  string     `json:"key_points"`
	Body       string     `json:"body"`
	CategoryID ID         `json:"category_id,omitzero"`
	Tags       []string   `json:"tags"`
	Products   []string   `json:"products"`
	Audience   Audience   `json:"audience"`
	Customers  []ID       `json:"customers"`
	Segments   []ID       `json:"segments"`
	OwnerID    ID         `json:"owner_id,omitzero"` // zero: the author
	ReviewBy   *time.Time `json:"review_by,omitempty"`
	Note       string     `json:"note"` // what changed, for the history
	// Publish publishes the version at once; only those who may publish can.
	Publish bool `json:"publish"`
}

// Limits of an article's fields.
const (
	MaxArticleTitle     = 200
	MaxArticleKeyPoints = 2000
	MaxArticleBody      = 200_000
	MaxArticleTags      = 20
	MaxArticleAudience  = 500
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Normalize trims the input, folds tags and products and makes the slug from the title
// when none is given.
func (in *ArticleInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.KeyPoints = strings.TrimSpace(in.KeyPoints)
	in.Slug = strings.TrimSpace(strings.ToLower(in.Slug))
	if in.Slug == "" {
		in.Slug = Slug(in.Title)
	}
	if in.Audience == "" {
		in.Audience = AudiencePublic
	}
	in.Tags = cleanLabels(in.Tags, true)
	in.Products = cleanLabels(in.Products, false)
	in.Note = strings.TrimSpace(in.Note)
}

// Validate checks a normalized input.
func (in *ArticleInput) Validate() error {
	p := Problems{}
	if in.Title == "" {
		p.Add("title", "title is required")
	}
	checkText(p, "title", in.Title, MaxArticleTitle)
	checkText(p, "key_points", in.KeyPoints, MaxArticleKeyPoints)
	checkText(p, "body", in.Body, MaxArticleBody)
	checkText(p, "note", in.Note, 500)
	if len(in.Slug) > 120 || !slugPattern.MatchString(in.Slug) {
		p.Add("slug", "slug must be 1 to 120 lower-case letters, digits and single hyphens, such as reset-your-password")
	}
	if !in.Audience.Valid() {
		p.Add("audience", "audience must be one of %s", list(Audiences))
	}
	if in.Audience == AudienceChosen && len(in.Customers)+len(in.Segments) == 0 {
		p.Add("audience", "an article for chosen customers needs at least one customer, organisation or segment")
	}
	if in.Audience != AudienceChosen && len(in.Customers)+len(in.Segments) > 0 {
		p.Add("audience", "customers and segments are chosen only for the audience %q", AudienceChosen)
	}
	if len(in.Customers)+len(in.Segments) > MaxArticleAudience {
		p.Add("customers", "at most %d customers and segments may be chosen", MaxArticleAudience)
	}
	for field, labels := range map[string][]string{"tags": in.Tags, "products": in.Products} {
		if len(labels) > MaxArticleTags {
			p.Add(field, "%s has %d entries; at most %d are allowed", field, len(labels), MaxArticleTags)
		}
		for _, l := range labels {
			checkText(p, field, l, 60)
		}
	}
	return p.Err()
}

// Slug makes a URL path segment from a title: folded words joined by hyphens.
func Slug(title string) string {
	ws := fold.Words(title)
	s := ""
	for _, w := range ws {
		if len(s)+len(w)+1 > 80 {
			break
		}
		if s != "" {
			s += "-"
		}
		s += w
	}
	if !slugPattern.MatchString(s) {
		return "article" // a title of no letters or digits in any script fold.Words keeps
	}
	return s
}

// cleanLabels trims, de-duplicates and sorts tags or products; tags are lower case.
func cleanLabels(in []string, lower bool) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range in {
		l = strings.Join(strings.Fields(l), " ")
		if lower {
			l = strings.ToLower(l)
		}
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// Category is a node in the knowledge base's category tree.
type Category struct {
	ID          ID        `json:"id"`
	ParentID    ID        `json:"parent_id,omitzero"`
	Name        string    `json:"name"`
	Slug        string    `json:"slug"`
	Description string    `json:"description"`
	Position    int       `json:"position"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate checks a category before it is saved.
func (c *Category) Validate() error {
	p := Problems{}
	c.Name = strings.TrimSpace(c.Name)
	if c.Slug == "" {
		c.Slug = Slug(c.Name)
	}
	if c.Name == "" {
		p.Add("name", "name is required")
	}
	checkText(p, "name", c.Name, 100)
	checkText(p, "description", c.Description, 1000)
	if len(c.Slug) > 120 || !slugPattern.MatchString(c.Slug) {
		p.Add("slug", "slug must be lower-case letters, digits and single hyphens")
	}
	return p.Err()
}

// ArticleFilter selects articles for a list. Readers other than staff see only what
// they may read, whatever the filter says.
type ArticleFilter struct {
	Status     ArticleStatus // "": any
	CategoryID ID
	Product    string
	Tag        string
	OwnerID    ID
	ReviewerID ID     // articles in review that this staff user is asked to review
	Overdue    bool   // articles past their review-by date, not archived
	Limit      int    // 0: 50; at most 500
	Cursor     string // from the previous page
}

// ArticlePage is one page of articles, newest change first.
type ArticlePage struct {
	Articles   []Article `json:"articles"`
	NextCursor string    `json:"next_cursor,omitempty"`
}

// CanPublish reports whether the actor may publish knowledge base articles: the
// knowledge managers, who are managers and admins.
func (s Scope) CanPublish() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager))
}

// CanWriteArticles reports whether the actor may write drafts: every staff member but
// analysts, who read.
func (s Scope) CanWriteArticles() bool { return s.CanWriteCustomers() }

// IsStaff reports whether the actor is staff or the system (not a portal reader).
func (s Scope) IsStaff() bool { return s.Kind == ActorStaff || s.Kind == ActorSystem }

// KnowledgeService keeps the knowledge base. Every read takes the reader's scope:
// staff see every article; a portal visitor (PortalScope) only published public ones;
// a signed-in customer (CustomerScope) also those for every customer and those chosen
// for them, their organisation or a segment they belong to.
type KnowledgeService interface {
	// CreateArticle saves version 1 of a new article, a draft unless in.Publish.
	CreateArticle(ctx context.Context, s Scope, in ArticleInput) (*Article, error)
	// SaveArticle saves a new version of an article, a draft unless in.Publish; the
	// published version stays what readers see until a new one is published.
	SaveArticle(ctx context.Context, s Scope, id ID, in ArticleInput) (*Article, error)
	// FindArticle returns an article the reader may see, by id or slug.
	FindArticle(ctx context.Context, s Scope, idOrSlug string) (*Article, error)
	// ListArticles returns a page of the articles the reader may see.
	ListArticles(ctx context.Context, s Scope, f ArticleFilter) (*ArticlePage, error)
	// CreateCategory adds a category; only publishers may.
	CreateCategory(ctx context.Context, s Scope, c Category) (*Category, error)
	// ListCategories returns the category tree in order: parents before children.
	ListCategories(ctx context.Context, s Scope) ([]Category, error)
	// CountCategoryArticles counts the articles the reader may see in each category,
	// not those of its subcategories; a category with none is left out.
	CountCategoryArticles(ctx context.Context, s Scope) (map[ID]int, error)
}

// SearchQuery is what a reader searches the knowledge base for.
type SearchQuery struct {
	Text       string
	CategoryID ID     // a facet chosen: only this category (and its children)
	Product    string // a facet chosen: only this product
	Limit      int    // 0: 10; at most 100
	Offset     int
	// Log records the search (and, for a signed-in customer, puts it on their
	// timeline); suggestions while typing are not logged.
	Log bool
	// Prefix is type-ahead: the last word, still being typed, matches as the beginning
	// of a word, and only the hits are found (no facets, no "did you mean", no
	// snippets; Total is the number of hits).
	Prefix bool
}

// SearchResult is one page of ranked hits with the facets of all matches.
type SearchResult struct {
	SearchID   ID          `json:"search_id,omitzero"` // the logged search, for counting clicks
	Total      int         `json:"total"`
	Hits       []SearchHit `json:"hits"`
	Categories []Facet     `json:"categories"`
	Products   []Facet     `json:"products"`
	DidYouMean string      `json:"did_you_mean,omitempty"` // a corrected query, when this one found little
}

// SearchHit is an article found, with a snippet of where it matched.
type SearchHit struct {
	ID         ID        `json:"id"`
	Slug       string    `json:"slug"`
	Title      string    `json:"title"`
	KeyPoints  string    `json:"key_points"`
	CategoryID ID        `json:"category_id,omitzero"`
	Score      float64   `json:"score"`
	Snippet    []Snippet `json:"snippet"`
}

// Snippet is a piece of a hit's text; Match marks the words that matched, for
// highlighting. Pieces are plain text: the page escapes them.
type Snippet struct {
	Text  string `json:"text"`
	Match bool   `json:"match,omitempty"`
}

// Facet is a category or product with the number of matches in it.
type Facet struct {
	Value string `json:"value"` // a category id or a product name
	Label string `json:"label"`
	Count int    `json:"count"`
}

// KnowledgeSearch finds articles: only those the reader may see, in hits, facets,
// counts and suggestions alike.
type KnowledgeSearch interface {
	SearchArticles(ctx context.Context, s Scope, q SearchQuery) (*SearchResult, error)
}
