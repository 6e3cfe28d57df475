package web

import (
	"net/http"
	"strconv"

	"github.com/rapportckm/rapport"
)

// The API of questions customers asked experts: staff list, read and answer them, and
// turn an answered one into a draft article. Who sees which is as on /kb/questions.

func (s *Server) apiKBQuestionIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.QuestionFilter{Status: rapport.QuestionStatus(q.Get("status")), Cursor: q.Get("cursor")}
	var err error
	for name, into := range map[string]*rapport.ID{"expert_id": &f.ExpertID, "customer_id": &f.CustomerID} {
		if *into, err = queryID(q, name); err != nil {
			return err
		}
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 || f.Limit > 200 {
			return rapport.FieldError("limit", "limit must be a whole number from 1 to 200, not %q", v)
		}
	}
	list, next, err := s.Store.FindQuestions(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next))
	return nil
}

func (s *Server) apiKBQuestionShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	q, err := s.Store.FindQuestion(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) apiKBQuestionAnswer(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	q, err := s.Store.AnswerQuestion(r.Context(), c.scope, id, in.Answer, s.portalMail(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) apiKBQuestionArticle(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	var in rapport.QuestionArticle
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.Store.QuestionToArticle(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/kb/articles/"+a.ID.String())
	writeJSON(w, http.StatusCreated, a)
	return nil
}
