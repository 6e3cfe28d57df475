package web

import (
	"html/template"
	"net/http"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

// Questions customers asked experts in the help centre, on the staff side
// (/kb/questions): an expert sees the questions asked of them, admins and knowledge
// managers every question; walls apply to all (the store's SQL sees to it).

type kbQuestionsPage struct {
	Questions []questionRow
	Status    string
	Statuses  []option
	All       bool // the reader sees everyone's questions
	Me        rapport.ID
	pageLinks
}

func (s *Server) handleKBQuestions(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" && !q.Has("status") {
		status = string(rapport.QuestionOpen)
	}
	f := rapport.QuestionFilter{Status: rapport.QuestionStatus(status), Cursor: q.Get("cursor"), Limit: 50}
	list, next, err := s.Store.FindQuestions(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	rows := make([]questionRow, len(list))
	for i, q := range list {
		rows[i] = questionRow{ExpertQuestion: q, Short: markdown.Shorten(q.Question, 140)}
	}
	v := kbQuestionsPage{Questions: rows, Status: status, All: c.scope.CanPublish(), Me: c.user.ID,
		Statuses: options(rapport.QuestionStatuses, status)}
	v.pageLinks = pagerLinks("/kb/questions", q, next)
	return s.render(w, r, http.StatusOK, "kb_questions", c, "Questions to experts", v)
}

// questionRow is a question in the list, with the start of its text.
type questionRow struct {
	rapport.ExpertQuestion
	Short string
}

type kbQuestionPage struct {
	Question  *rapport.ExpertQuestion
	AnswerMD  template.HTML // the answer rendered
	CanAnswer bool
	CanWrite  bool // may turn it into an article
	Answer    string
	Audience  string
	Errors    map[string]string
}

func (s *Server) handleKBQuestion(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showKBQuestion(w, r, c, http.StatusOK, &kbQuestionPage{})
}

func (s *Server) showKBQuestion(w http.ResponseWriter, r *http.Request, c *call, status int, v *kbQuestionPage) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	q, err := s.Store.FindQuestion(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	v.Question = q
	v.AnswerMD = markdown.Render(q.Answer)
	v.CanAnswer = c.scope.CanPublish() || q.ExpertID == c.user.ID
	v.CanWrite = v.CanAnswer && c.scope.CanWriteArticles()
	if v.Answer == "" && v.Errors == nil {
		v.Answer = q.Answer
	}
	if v.Audience == "" {
		v.Audience = string(rapport.AudiencePublic)
	}
	return s.render(w, r, status, "kb_question", c, "Question from "+q.CustomerName, v)
}

func (s *Server) handleKBQuestionAnswer(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	answer := r.PostFormValue("answer")
	if _, err := s.Store.AnswerQuestion(r.Context(), c.scope, id, answer, s.portalMail(r)); rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showKBQuestion(w, r, c, http.StatusBadRequest, &kbQuestionPage{Answer: answer, Errors: fieldErrors(err)})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/questions/"+id.String(), "Your answer is saved and on its way to the customer by e-mail.")
}

func (s *Server) handleKBQuestionArticle(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	audience := r.PostFormValue("audience")
	a, err := s.Store.QuestionToArticle(r.Context(), c.scope, id, rapport.QuestionArticle{Audience: rapport.Audience(audience)})
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		errs := fieldErrors(err)
		if code == rapport.ECONFLICT {
			errs = errorAt("audience", err)
		}
		return s.showKBQuestion(w, r, c, Status(err), &kbQuestionPage{Audience: audience, Errors: errs})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/kb/articles/"+a.ID.String(), "A draft article is made from the question. Check it, remove anything personal, and send it for review.")
}
