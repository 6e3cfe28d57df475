package rapport

import (
	"context"
	"strings"
	"time"
)

// ArticleStep is a move of an article through the workflow.
type ArticleStep string

const (
	// StepSubmit asks reviewers to review the latest version: draft → review.
	StepSubmit ArticleStep = "submit"
	// StepWithdraw takes a version out of review, to change it or because a reviewer
	// asks for changes: review → draft.
	StepWithdraw ArticleStep = "withdraw"
	// StepPublish makes the latest version what readers see: draft or review → published.
	StepPublish ArticleStep = "publish"
	// StepArchive hides the article from readers: any state → archived.
	StepArchive ArticleStep = "archive"
	// StepUnarchive shows it again: archived → published (or draft, if the latest
	// version was never published).
	StepUnarchive ArticleStep = "unarchive"
)

var ArticleSteps = []ArticleStep{StepSubmit, StepWithdraw, StepPublish, StepArchive, StepUnarchive}

func (s ArticleStep) Valid() bool { return oneOf(s, ArticleSteps) }

// From reports whether the step can be taken from the status.
func (s ArticleStep) From(status ArticleStatus) bool {
	switch s {
	case StepSubmit:
		return status == ArticleDraft
	case StepWithdraw:
		return status == ArticleReview
	case StepPublish:
		return status == ArticleDraft || status == ArticleReview
	case StepArchive:
		return status != ArticleArchived
	case StepUnarchive:
		return status == ArticleArchived
	}
	return false
}

// Label is how pages name the step, as a button.
func (s ArticleStep) Label() string {
	switch s {
	case StepSubmit:
		return "Send for review"
	case StepWithdraw:
		return "Back to draft"
	case StepPublish:
		return "Publish"
	case StepArchive:
		return "Archive"
	case StepUnarchive:
		return "Unarchive"
	}
	return string(s)
}

// PublisherOnly reports whether only knowledge managers (Scope.CanPublish) may take
// the step; authors submit and withdraw.
func (s ArticleStep) PublisherOnly() bool {
	return s == StepPublish || s == StepArchive || s == StepUnarchive
}

// ArticleTransition is a step an actor asks for, with the reviewers a submission goes
// to and a note for the history.
type ArticleTransition struct {
	Step      ArticleStep `json:"step"`
	Reviewers []ID        `json:"reviewers,omitempty"` // for StepSubmit: at least one staff user
	Note      string      `json:"note,omitempty"`
}

// Validate checks a transition before it is taken.
func (t *ArticleTransition) Validate() error {
	p := Problems{}
	t.Note = strings.TrimSpace(t.Note)
	if !t.Step.Valid() {
		p.Add("step", "step must be one of %s", list(ArticleSteps))
	}
	if t.Step == StepSubmit && len(t.Reviewers) == 0 {
		p.Add("reviewers", "choose at least one reviewer to send the article to")
	}
	if t.Step != StepSubmit && len(t.Reviewers) > 0 {
		p.Add("reviewers", "reviewers are chosen only when the article is sent for review")
	}
	if len(t.Reviewers) > 20 {
		p.Add("reviewers", "at most 20 reviewers may be chosen")
	}
	checkText(p, "note", t.Note, 500)
	return p.Err()
}

// ArticleVersion is one saved version of an article's content.
type ArticleVersion struct {
	ArticleID  ID        `json:"article_id"`
	Version    int       `json:"version"`
	Title      string    `json:"title"`
	KeyPoints  string    `json:"key_points"`
	Body       string    `json:"body"`
	CategoryID ID        `json:"category_id,omitzero"`
	Tags       []string  `json:"tags"`
	Products   []string  `json:"products"`
	Note       string    `json:"note"`
	AuthorID   ID        `json:"author_id,omitzero"`
	AuthorName string    `json:"author_name,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Published  bool      `json:"published"` // the version readers see
}

// ArticleEvent is a step of an article's workflow, for its history.
type ArticleEvent struct {
	Step     ArticleStep   `json:"step"`
	From     ArticleStatus `json:"from"`
	To       ArticleStatus `json:"to"`
	Version  int           `json:"version"`
	Note     string        `json:"note,omitempty"`
	UserID   ID            `json:"user_id,omitzero"`
	UserName string        `json:"user_name,omitempty"`
	At       time.Time     `json:"at"`
}

// ArticleWork is what staff see of an article beyond its content: its versions
// (newest first), the steps it went through (newest first) and its reviewers.
type ArticleWork struct {
	Versions  []ArticleVersion `json:"versions"`
	Events    []ArticleEvent   `json:"events"`
	Reviewers []UserRef        `json:"reviewers"`
}

// ArticleCounts are the numbers the knowledge base's index shows: articles by status,
// and what waits for the one asking.
type ArticleCounts struct {
	ByStatus map[ArticleStatus]int `json:"by_status"`
	Total    int                   `json:"total"`
	// Overdue counts the asker's articles past their review-by date.
	Overdue int `json:"overdue"`
	// ToReview counts the articles in review that the asker is a reviewer of.
	ToReview int `json:"to_review"`
}

// ArticleFile is a file used in articles (an image, a PDF). Its content is in the
// blob store, as an attachment's is; readers reach it only when they may read its
// article.
type ArticleFile struct {
	ID          ID        `json:"id"`
	ArticleID   ID        `json:"article_id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	StorageKey  string    `json:"-"`
	AddedBy     ID        `json:"added_by,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
}

// URL is where readers fetch the file; articles link to it.
func (f *ArticleFile) URL() string {
	return "/kb/files/" + f.ID.String() + "/" + urlName(f.Name)
}

// Attachment describes the file as an attachment, to validate and serve it the same way.
func (f *ArticleFile) Attachment() *Attachment {
	return &Attachment{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256,
		StorageKey: f.StorageKey, AddedBy: f.AddedBy, CreatedAt: f.CreatedAt}
}

// urlName makes a file's name fit a URL path segment: letters, digits, dots, hyphens
// and underscores; anything else becomes a hyphen.
func urlName(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	if s := strings.Trim(b.String(), "-."); s != "" {
		return s
	}
	return "file"
}

// KnowledgeWork is the staff side of the knowledge base: the workflow, versions,
// the category tree and the files used in articles.
type KnowledgeWork interface {
	// ChangeArticleStatus takes a workflow step; authors submit and withdraw, knowledge
	// managers publish, archive and unarchive. A step not allowed from the article's
	// status is ECONFLICT.
	ChangeArticleStatus(ctx context.Context, s Scope, id ID, t ArticleTransition) (*Article, error)
	// ArticleWork returns an article's versions, workflow steps and reviewers; staff only.
	ArticleWork(ctx context.Context, s Scope, id ID) (*ArticleWork, error)
	// FindArticleVersion returns one version of an article; staff only.
	FindArticleVersion(ctx context.Context, s Scope, id ID, version int) (*ArticleVersion, error)
	// RestoreArticleVersion saves the content of an old version as a new draft version.
	RestoreArticleVersion(ctx context.Context, s Scope, id ID, version int, note string) (*Article, error)
	// CountArticles counts articles by status, and the asker's overdue articles and
	// articles to review; staff only.
	CountArticles(ctx context.Context, s Scope) (*ArticleCounts, error)
	// UpdateCategory renames, describes or moves a category (to another parent or
	// position); a category cannot move under itself.
	UpdateCategory(ctx context.Context, s Scope, c Category) (*Category, error)
	// MoveCategory moves a category one place up (delta < 0) or down among its siblings.
	MoveCategory(ctx context.Context, s Scope, id ID, delta int) error
	// DeleteCategory deletes a category with no articles and no children.
	DeleteCategory(ctx context.Context, s Scope, id ID) error
	// CreateArticleFile records a stored content as a file of an article.
	CreateArticleFile(ctx context.Context, s Scope, f *ArticleFile) error
	// ListArticleFiles lists an article's files, oldest first; staff only.
	ListArticleFiles(ctx context.Context, s Scope, articleID ID) ([]*ArticleFile, error)
	// FindArticleFile returns a file of an article the reader may read.
	FindArticleFile(ctx context.Context, s Scope, id ID) (*ArticleFile, error)
	// DeleteArticleFile deletes a file and queues its content's deletion.
	DeleteArticleFile(ctx context.Context, s Scope, id ID) error
}
