package rapport

import (
	"context"
	"time"
)

// KnowledgeWeek is one week of the knowledge base's use by readers.
type KnowledgeWeek struct {
	Start     time.Time `json:"start"`
	Views     int       `json:"views"`
	Searches  int       `json:"searches"`  // by customers and visitors, not staff
	NoResult  int       `json:"no_result"` // searches that found nothing
	NoClick   int       `json:"no_click"`  // searches that found something but led to no article read
	Helpful   int       `json:"helpful"`   // "was this helpful?" answered yes, by when it was last answered
	Unhelpful int       `json:"unhelpful"`
	Ratings   int       `json:"ratings"` // quality ratings given
	RatingSum int       `json:"rating_sum"`
}

// MeanRating is the week's mean quality rating, 0 without ratings.
func (w KnowledgeWeek) MeanRating() float64 {
	if w.Ratings == 0 {
		return 0
	}
	return float64(w.RatingSum) / float64(w.Ratings)
}

// SumWeeks adds weeks up; the sum has no start.
func SumWeeks(weeks []KnowledgeWeek) KnowledgeWeek {
	var t KnowledgeWeek
	for _, w := range weeks {
		t.Views += w.Views
		t.Searches += w.Searches
		t.NoResult += w.NoResult
		t.NoClick += w.NoClick
		t.Helpful += w.Helpful
		t.Unhelpful += w.Unhelpful
		t.Ratings += w.Ratings
		t.RatingSum += w.RatingSum
	}
	return t
}

// ArticleUse is what readers did with one article over a span.
type ArticleUse struct {
	ID         ID      `json:"id"`
	Slug       string  `json:"slug"`
	Title      string  `json:"title"`
	Status     string  `json:"status"`
	Views      int     `json:"views"`
	Helpful    int     `json:"helpful"`
	Unhelpful  int     `json:"unhelpful"`
	Ratings    int     `json:"ratings"`
	MeanRating float64 `json:"mean_rating"`
}

// HelpfulShare is the share of "yes" among the article's helpfulness answers, in
// percent; -1 without answers.
func (a ArticleUse) HelpfulShare() float64 {
	if n := a.Helpful + a.Unhelpful; n > 0 {
		return 100 * float64(a.Helpful) / float64(n)
	}
	return -1
}

// ContentGap is a query readers searched for that the knowledge base did not answer:
// it found nothing, or nothing they opened.
type ContentGap struct {
	Query     string    `json:"query"` // as most recently typed
	Searches  int       `json:"searches"`
	NoResult  int       `json:"no_result"`
	NoClick   int       `json:"no_click"`
	Customers int       `json:"customers"`      // distinct signed-in customers who asked it, of those the reader may see
	Value     float64   `json:"lifetime_value"` // their lifetime value in all
	Currency  string    `json:"currency,omitempty"`
	LastAt    time.Time `json:"last_at"`
}

// KnowledgeInsights are the knowledge managers' measures over the last weeks.
type KnowledgeInsights struct {
	Since    time.Time       `json:"since"`
	Weeks    []KnowledgeWeek `json:"weeks"`
	Articles []ArticleUse    `json:"articles"` // the most read, at most 50
	Gaps     []ContentGap    `json:"gaps"`     // the most asked, at most 50
}

// MaxInsightWeeks bounds the span of the measures.
const MaxInsightWeeks = 104

// KnowledgeInsightService measures the knowledge base's use. Searches and customers
// behind a wall the reader is not in are left out of the gaps; counts of views and
// ratings are of every reader.
type KnowledgeInsightService interface {
	// KnowledgeInsights returns the measures of the last weeks (1 to MaxInsightWeeks).
	KnowledgeInsights(ctx context.Context, s Scope, weeks int) (*KnowledgeInsights, error)
	// ArticleWeeks returns one article's views and judgements by week.
	ArticleWeeks(ctx context.Context, s Scope, articleID ID, weeks int) ([]KnowledgeWeek, error)
}
