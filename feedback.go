package rapport

import (
	"context"
	"strings"
	"time"
)

// FeedbackKind is what sort of thing a customer told the firm.
type FeedbackKind string

// FeedbackKinds are the kinds of feedback staff log: something went wrong (complaint),
// something went well (compliment), an idea (suggestion), something the customer
// wanted to know (question), something they lack (need), and what staff saw for
// themselves (observation).
var FeedbackKinds = []FeedbackKind{"complaint", "compliment", "suggestion", "question", "need", "observation"}

func (k FeedbackKind) Valid() bool { return oneOf(k, FeedbackKinds) }

// Severity is how much a piece of feedback matters to the customer or the firm.
type Severity string

var Severities = []Severity{"low", "medium", "high", "critical"}

func (s Severity) Valid() bool { return oneOf(s, Severities) }

// FeedbackStatus is where feedback stands on its way to the customer being told what
// was done: new, triaged, in_progress, resolved, informed (see feedback_status.go).
type FeedbackStatus string

const FeedbackNew FeedbackStatus = "new"

var FeedbackStatuses = []FeedbackStatus{FeedbackNew, FeedbackTriaged, FeedbackInProgress, FeedbackResolved, FeedbackInformed}

func (s FeedbackStatus) Valid() bool { return oneOf(s, FeedbackStatuses) }

// MaxFeedbackText is the longest text of one piece of feedback, in characters.
const MaxFeedbackText = 10_000

// Feedback is something a customer told the firm, or staff noticed, as heard by a
// member of staff or sent by a system. It may have no known customer (heard at an
// event); when it has one it lands on their timeline. Sentiment is scored from the
// text when it is logged, from -1 (very negative) to 1 (very positive).
type Feedback struct {
	ID           ID             `json:"id"`
	CustomerID   ID             `json:"customer_id,omitzero"`
	CustomerName string         `json:"customer_name,omitempty"`
	Kind         FeedbackKind   `json:"kind"`
	Text         string         `json:"text"`
	Channel      Channel        `json:"channel,omitempty"`
	Product      string         `json:"product,omitempty"`
	Area         string         `json:"area,omitempty"`
	Severity     Severity       `json:"severity"`
	Sentiment    float64        `json:"sentiment"`
	Status       FeedbackStatus `json:"status"`
	HeardBy      ID             `json:"heard_by,omitzero"` // the staff member who heard it
	HeardByName  string         `json:"heard_by_name,omitempty"`
	HeardAt      time.Time      `json:"heard_at"`
	Source       string         `json:"source,omitempty"`    // the system it came from
	SourceKey    string         `json:"source_id,omitempty"` // its id in that system
	NoteID       ID             `json:"note_id,omitzero"`    // the note it was logged from, a line of a visit report
	CreatedBy    ID             `json:"created_by,omitzero"`
	CreatedAt    time.Time      `json:"created_at"`
	UpdatedAt    time.Time      `json:"updated_at"`
	// When each status was reached (the last time), the resolution and how the
	// customer was told; reopening clears what was resolved and informed.
	TriagedAt   *time.Time `json:"triaged_at,omitempty"`
	StartedAt   *time.Time `json:"in_progress_at,omitempty"`
	ResolvedAt  *time.Time `json:"resolved_at,omitempty"`
	ResolvedBy  ID         `json:"resolved_by,omitzero"`
	Resolution  string     `json:"resolution,omitempty"`
	InformedAt  *time.Time `json:"informed_at,omitempty"`
	InformedBy  ID         `json:"informed_by,omitzero"`
	InformedVia Channel    `json:"informed_via,omitempty"`
	// The customer's answer to what was done (feedback_loop.go): resolved for them or
	// not, a rating from 1 to 5 (0: none), a comment.
	Confirmed       *bool      `json:"confirmed,omitempty"`
	Rating          int        `json:"rating,omitempty"`
	CustomerComment string     `json:"customer_comment,omitempty"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
	// Actions are its action items, in the order they were made (see routing.go).
	ActionItems []ActionRef `json:"actions,omitempty"`
	// The theme it was grouped in (see theme.go); zero until the grouping has seen it.
	ThemeID    ID     `json:"theme_id,omitzero"`
	ThemeTitle string `json:"theme,omitempty"`
}

// FromCustomer reports whether the customer gave the feedback themselves, in their own
// words (the portal, their e-mail, a survey answer): no member of staff heard it, it is
// no line of a staff note and no observation (what staff saw for themselves), unless it
// is an e-mail the intake took (channel and source "email"), which is observation when
// the address it went to names no kind. Only such feedback is shown or quoted back to
// the customer; what staff logged is in staff's words, which may hold what the
// customer should not read. sqldb's fromCustomer is the same test in SQL.
func (f *Feedback) FromCustomer() bool {
	return f.HeardBy.IsZero() && f.NoteID.IsZero() && (f.Kind != "observation" || f.Channel == "email" && f.Source == "email")
}

// Normalize trims text and fills defaults: complaints are of medium severity unless
// said otherwise, everything else low; new feedback is new.
func (f *Feedback) Normalize() {
	f.Text = strings.TrimSpace(f.Text)
	f.Product = strings.Join(strings.Fields(f.Product), " ")
	f.Area = strings.Join(strings.Fields(f.Area), " ")
	f.Source = strings.TrimSpace(f.Source)
	f.SourceKey = strings.TrimSpace(f.SourceKey)
	if f.Severity == "" {
		f.Severity = "low"
		if f.Kind == "complaint" {
			f.Severity = "medium"
		}
	}
	if f.Status == "" {
		f.Status = FeedbackNew
	}
	f.HeardAt = f.HeardAt.UTC().Truncate(time.Microsecond)
}

// Validate reports every problem with the feedback, at now.
func (f *Feedback) Validate(now time.Time) error {
	p := Problems{}
	if f.Kind == "" {
		p.Add("kind", "kind is required; use one of %s", list(FeedbackKinds))
	} else if !f.Kind.Valid() {
		p.Add("kind", "kind %q is unknown; use one of %s", f.Kind, list(FeedbackKinds))
	}
	if f.Text == "" {
		p.Add("text", "text is required: what the customer said, in their words where you can")
	}
	checkText(p, "text", f.Text, MaxFeedbackText)
	if f.Channel != "" && !f.Channel.Valid() {
		p.Add("channel", "channel %q is unknown; use one of %s", f.Channel, list(Channels))
	}
	checkText(p, "product", f.Product, 100)
	checkText(p, "area", f.Area, 100)
	if !f.Severity.Valid() {
		p.Add("severity", "severity %q is unknown; use one of %s", f.Severity, list(Severities))
	}
	if !f.Status.Valid() {
		p.Add("status", "status %q is unknown; use one of %s", f.Status, list(FeedbackStatuses))
	} else if f.Status != FeedbackNew {
		p.Add("status", "new feedback starts as new; triage comes later")
	}
	if !f.HeardAt.IsZero() && (f.HeardAt.Year() < 1900 || f.HeardAt.After(now.Add(time.Hour))) {
		p.Add("heard_at", "the time %s is out of range: it must be after 1900 and not in the future", f.HeardAt.UTC().Format(readableTime))
	}
	checkSourceKey(p, f.Source, f.SourceKey, false)
	checkName(p, "source", f.Source)
	checkText(p, "source_id", f.SourceKey, 200)
	return p.Err()
}

// ValidateGiven reports the problems of what a customer gives as feedback in the
// portal, in words for them and naming the fields as the portal's form does; Validate's
// messages are for staff ("what the customer said").
func (f *Feedback) ValidateGiven() error {
	p := Problems{}
	if f.Text == "" {
		p.Add("text", "write your feedback")
	}
	checkTextNamed(p, "text", "Your feedback", f.Text, MaxFeedbackText)
	checkTextNamed(p, "product", "The product or area", f.Product, 100)
	return p.Err()
}

// Tone is the word for a sentiment score: negative, neutral or positive, with the
// customary thresholds of ±0.05.
func Tone(score float64) string {
	switch {
	case score <= -0.05:
		return "negative"
	case score >= 0.05:
		return "positive"
	}
	return "neutral"
}

// FeedbackFilter selects feedback; zero fields do not filter.
type FeedbackFilter struct {
	CustomerID ID
	Kind       FeedbackKind
	Status     FeedbackStatus
	Cursor     string // next_cursor of the previous page
	Limit      int
}

// Validate checks the filter's choices.
func (f FeedbackFilter) Validate() error {
	p := Problems{}
	if f.Kind != "" && !f.Kind.Valid() {
		p.Add("kind", "kind %q is unknown; use one of %s", f.Kind, list(FeedbackKinds))
	}
	if f.Status != "" && !f.Status.Valid() {
		p.Add("status", "status %q is unknown; use one of %s", f.Status, list(FeedbackStatuses))
	}
	return p.Err()
}

// CustomerFeedback is what a profile shows of a customer's feedback: the latest few,
// and how many there are.
type CustomerFeedback struct {
	Recent []*Feedback
	Count  int
	// Open is the feedback not yet resolved, oldest first, with its action items:
	// open items of business, as the profile counts them (OpenCount in all).
	Open      []*Feedback
	OpenCount int
}

// FeedbackService keeps what customers tell the firm.
type FeedbackService interface {
	// CreateFeedback logs feedback, for a visible customer or none, scores its
	// sentiment and, with a customer, writes its timeline entry. Feedback from a
	// system with a source and source id already logged is not logged again: the
	// stored feedback is returned with created false.
	CreateFeedback(ctx context.Context, s Scope, f *Feedback) (created bool, err error)
	// FindFeedbackByID returns feedback the scope may see and records the read.
	FindFeedbackByID(ctx context.Context, s Scope, id ID) (*Feedback, error)
	// FindFeedback lists the feedback the scope may see, newest heard first, with the
	// cursor of the next page; a list of one customer's feedback records the read.
	FindFeedback(ctx context.Context, s Scope, f FeedbackFilter) ([]*Feedback, string, error)
	// ChangeFeedbackStatus moves visible feedback to another status by the rules of
	// FeedbackStatus.Next, audits it and, with a customer, writes its timeline entry.
	ChangeFeedbackStatus(ctx context.Context, s Scope, id ID, c FeedbackChange) (*Feedback, error)
	// FindFeedbackHistory returns visible feedback with its history, oldest first,
	// and records the read.
	FindFeedbackHistory(ctx context.Context, s Scope, id ID) (*Feedback, []FeedbackStep, error)
}
