package rapport

import (
	"context"
	"strings"
	"time"
)

// The playbook is what the firm has learnt about serving its customers, shown on the
// workbench where it applies: handling tips for kinds of request, and rules that
// propose the next question to ask a customer. Managers and admins write it.

// Tip is handling advice for a kind of request, about a product, on a channel. An
// empty key matches any: a tip with only a request type applies to every product
// and channel.
type Tip struct {
	ID          ID        `json:"id"`
	RequestType string    `json:"request_type"`
	Product     string    `json:"product"`
	Channel     Channel   `json:"channel"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	AuthorID    ID        `json:"author_id,omitzero"`
	AuthorName  string    `json:"author_name,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Normalize tidies the tip's text; keys are compared without regard to case.
func (t *Tip) Normalize() {
	t.RequestType = strings.Join(strings.Fields(t.RequestType), " ")
	t.Product = strings.Join(strings.Fields(t.Product), " ")
	t.Title = strings.TrimSpace(t.Title)
	t.Body = strings.TrimSpace(t.Body)
}

// Validate reports every problem with the tip.
func (t *Tip) Validate() error {
	p := Problems{}
	if t.RequestType == "" && t.Product == "" && t.Channel == "" {
		p.Add("request_type", "say what the tip is for: a request type, a product or a channel")
	}
	if t.Channel != "" && !t.Channel.Valid() {
		p.Add("channel", "channel %q is unknown; use one of %s", t.Channel, list(Channels))
	}
	if t.Title == "" {
		p.Add("title", "a tip needs a title")
	}
	if t.Body == "" {
		p.Add("body", "write the tip")
	}
	checkText(p, "request_type", t.RequestType, 100)
	checkText(p, "product", t.Product, 100)
	checkText(p, "title", t.Title, 200)
	checkText(p, "body", t.Body, 10000)
	return p.Err()
}

// TipKey is what a piece of open business is about, to find the tips for it.
type TipKey struct {
	RequestType, Product string
	Channel              Channel
}

// QuestionRule proposes a question to ask a customer who meets its rule, written in
// the segment language (package segment) so that it can look at what just happened:
// `count(type = ticket, attr.category = complaint, attr.status = resolved, since 7d ago) >= 1`
// proposes asking for a rating.
type QuestionRule struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	Rule      string    `json:"rule"`
	Question  string    `json:"question"`
	Active    bool      `json:"active"`
	AuthorID  ID        `json:"author_id,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the rule's own fields; the store checks the rule itself.
func (q *QuestionRule) Validate() error {
	p := Problems{}
	q.Name = strings.Join(strings.Fields(q.Name), " ")
	q.Question = strings.TrimSpace(q.Question)
	if q.Name == "" {
		p.Add("name", "a rule needs a name")
	}
	if strings.TrimSpace(q.Rule) == "" {
		p.Add("rule", "write when to ask, as a segment rule")
	}
	if q.Question == "" {
		p.Add("question", "write the question to ask")
	}
	checkText(p, "name", q.Name, 100)
	checkText(p, "question", q.Question, 1000)
	return p.Err()
}

// SuggestedQuestion is a question proposed for a customer, with the rule that
// proposed it.
type SuggestedQuestion struct {
	RuleID   ID     `json:"rule_id"`
	RuleName string `json:"rule_name"`
	Question string `json:"question"`
}

// PlaybookService keeps the tips and the question rules. Everyone reads them; managers
// and admins write them.
type PlaybookService interface {
	FindTips(ctx context.Context, s Scope) ([]*Tip, error)
	FindTipByID(ctx context.Context, s Scope, id ID) (*Tip, error)
	CreateTip(ctx context.Context, s Scope, t *Tip) error
	// UpdateTip replaces the tip's keys and text.
	UpdateTip(ctx context.Context, s Scope, t *Tip) error
	DeleteTip(ctx context.Context, s Scope, id ID) error
	// MatchTips returns the tips for any of the keys, the most specific first.
	MatchTips(ctx context.Context, s Scope, keys []TipKey) ([]*Tip, error)

	FindQuestionRules(ctx context.Context, s Scope) ([]*QuestionRule, error)
	FindQuestionRuleByID(ctx context.Context, s Scope, id ID) (*QuestionRule, error)
	// CreateQuestionRule and UpdateQuestionRule check the rule: a mistake is
	// EINVALID on "rule", with where it is.
	CreateQuestionRule(ctx context.Context, s Scope, q *QuestionRule) error
	UpdateQuestionRule(ctx context.Context, s Scope, q *QuestionRule) error
	DeleteQuestionRule(ctx context.Context, s Scope, id ID) error
	// SuggestQuestions returns the questions of the active rules a visible customer
	// meets now.
	SuggestQuestions(ctx context.Context, s Scope, customerID ID) ([]SuggestedQuestion, error)
	// TestQuestionRule says whether a visible customer meets a rule now: the preview
	// of a rule being written.
	TestQuestionRule(ctx context.Context, s Scope, rule string, customerID ID) (bool, error)
}

// CanWritePlaybook reports whether the actor may write tips and question rules.
func (s Scope) CanWritePlaybook() bool {
	return s.IsAdmin() || (s.Kind == ActorStaff && s.Role == RoleManager)
}
