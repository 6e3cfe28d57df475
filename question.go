package rapport

import (
	"context"
	"strings"
	"time"
)

// ExpertQuestion is a question a signed-in customer asked a listed expert from the help
// centre, and the answer. It belongs to the customer (it follows them through merges
// and is on their timeline) and is addressed to the expert.
type ExpertQuestion struct {
	ID           ID     `json:"id"`
	ExpertID     ID     `json:"expert_id"`
	ExpertName   string `json:"expert_name"`
	CustomerID   ID     `json:"customer_id"`
	CustomerName string `json:"customer_name"`
	Area         string `json:"area,omitempty"`
	Question     string `json:"question"`
	Answer       string `json:"answer,omitempty"`
	// AnsweredBy is the staff member who answered: the expert, or a knowledge manager
	// who answered for them.
	AnsweredBy     ID         `json:"answered_by,omitzero"`
	AnsweredByName string     `json:"answered_by_name,omitempty"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
	// ArticleID is the draft article the answer was turned into, if it was.
	ArticleID    ID             `json:"article_id,omitzero"`
	ArticleTitle string         `json:"article_title,omitempty"`
	Status       QuestionStatus `json:"status"` // open or answered
	CreatedAt    time.Time      `json:"created_at"`
}

// Answered reports whether the question has its answer.
func (q *ExpertQuestion) Answered() bool { return q.AnsweredAt != nil }

// QuestionStatus is where a question stands.
type QuestionStatus string

const (
	QuestionOpen     QuestionStatus = "open"
	QuestionAnswered QuestionStatus = "answered"
)

var QuestionStatuses = []QuestionStatus{QuestionOpen, QuestionAnswered}

func (s QuestionStatus) Valid() bool { return oneOf(s, QuestionStatuses) }

// Limits of questions.
const (
	MaxQuestion = 5000
	MaxAnswer   = 20000
	// MaxOpenQuestions is how many unanswered questions a customer may have at once.
	MaxOpenQuestions = 5
	// MaxQuestionsPerDay is how many questions a customer may ask in 24 hours.
	MaxQuestionsPerDay = 10
)

// Question is what a customer asks: of which expert, about which of their areas (or
// none), and the question.
type Question struct {
	ExpertID ID     `json:"expert_id"`
	Area     string `json:"area"`
	Text     string `json:"question"`
	// AccountID is the portal account asking, where the answer is mailed.
	AccountID ID `json:"-"`
}

// Normalize trims the question and folds the area as expert areas are folded.
func (q *Question) Normalize() {
	q.Text = strings.TrimSpace(q.Text)
	q.Area = strings.ToLower(strings.Join(strings.Fields(q.Area), " "))
}

// Validate checks a normalized question.
func (q *Question) Validate() error {
	p := Problems{}
	if q.Text == "" {
		p.Add("question", "write your question")
	}
	checkText(p, "question", q.Text, MaxQuestion)
	checkText(p, "area", q.Area, 60)
	return p.Err()
}

// CheckAnswer checks an answer before it is kept.
func CheckAnswer(answer string) error {
	p := Problems{}
	if strings.TrimSpace(answer) == "" {
		p.Add("answer", "write the answer")
	}
	checkText(p, "answer", answer, MaxAnswer)
	return p.Err()
}

// QuestionFilter selects questions for staff; zero fields do not filter.
type QuestionFilter struct {
	Status   QuestionStatus `json:"status"`
	ExpertID ID             `json:"expert_id"`
	// CustomerID selects one customer's questions (the profile they are on now).
	CustomerID ID     `json:"customer_id"`
	Limit      int    `json:"limit"`
	Cursor     string `json:"cursor"`
}

// QuestionArticle is how an answered question becomes an article.
type QuestionArticle struct {
	// Audience is who may read the article once it is published: staff or the public
	// (the default). It is a draft either way, for a reviewer to check first.
	Audience Audience `json:"audience"`
}

// ExpertQuestionService keeps the questions customers ask experts.
//
// Staff see the questions addressed to them; admins and knowledge managers
// (Scope.CanPublish) see every question. Walls apply to everyone: a question from a
// customer behind a wall is not found by those outside it, even by the expert asked.
type ExpertQuestionService interface {
	// ExpertsFor lists up to limit experts the reader may see with an area among labels
	// (an article's tags and products, folded to lower case), without article counts:
	// whom an article's page offers to ask.
	ExpertsFor(ctx context.Context, s Scope, labels []string, limit int) ([]Expert, error)
	// AskExpert stores a signed-in customer's question to a listed expert, puts it on
	// the customer's timeline and mails it to the expert, within the limits of open
	// questions and questions a day (ERATELIMIT).
	AskExpert(ctx context.Context, s Scope, q Question, m PortalMail) (*ExpertQuestion, error)
	// MyQuestions lists the signed-in customer's own questions, newest first.
	MyQuestions(ctx context.Context, s Scope) ([]ExpertQuestion, error)
	// FindQuestions lists the questions staff may see: the asker's own first, then
	// newest first.
	FindQuestions(ctx context.Context, s Scope, f QuestionFilter) ([]ExpertQuestion, string, error)
	// FindQuestion returns one question staff may see; the read is audited.
	FindQuestion(ctx context.Context, s Scope, id ID) (*ExpertQuestion, error)
	// AnswerQuestion keeps the answer (changing an answer is allowed), mails it to the
	// customer and puts it on their timeline. The expert asked, admins and knowledge
	// managers may answer.
	AnswerQuestion(ctx context.Context, s Scope, id ID, answer string, m PortalMail) (*ExpertQuestion, error)
	// QuestionToArticle turns an answered question into a draft article owned by the
	// expert and links it to the question; a question has at most one (ECONFLICT).
	QuestionToArticle(ctx context.Context, s Scope, id ID, in QuestionArticle) (*Article, error)
}
