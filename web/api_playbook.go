package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// tipInput is a tip as the API writes it.
type tipInput struct {
	RequestType string          `json:"request_type"`
	Product     string          `json:"product"`
	Channel     rapport.Channel `json:"channel"`
	Title       string          `json:"title"`
	Body        string          `json:"body"`
}

func (in tipInput) tip() *rapport.Tip {
	return &rapport.Tip{RequestType: in.RequestType, Product: in.Product, Channel: in.Channel, Title: in.Title, Body: in.Body}
}

// ruleInput is a question rule as the API writes it; a rule is on unless active is false.
type ruleInput struct {
	Name     string `json:"name"`
	Rule     string `json:"rule"`
	Question string `json:"question"`
	Active   *bool  `json:"active"`
}

func (in ruleInput) questionRule() *rapport.QuestionRule {
	return &rapport.QuestionRule{Name: in.Name, Rule: in.Rule, Question: in.Question, Active: in.Active == nil || *in.Active}
}

func (s *Server) apiTipIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	tips, err := s.Store.FindTips(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(tips, ""))
	return nil
}

func (s *Server) apiTipCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in tipInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	tip := in.tip()
	if err := s.Store.CreateTip(r.Context(), c.scope, tip); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tip)
	return nil
}

func (s *Server) apiTipShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "tip")
	if err != nil {
		return err
	}
	tip, err := s.Store.FindTipByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tip)
	return nil
}

func (s *Server) apiTipReplace(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "tip")
	if err != nil {
		return err
	}
	var in tipInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	tip := in.tip()
	tip.ID = id
	if err := s.Store.UpdateTip(r.Context(), c.scope, tip); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tip)
	return nil
}

func (s *Server) apiTipDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "tip")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTip(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiQuestionRuleIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	rules, err := s.Store.FindQuestionRules(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(rules, ""))
	return nil
}

func (s *Server) apiQuestionRuleCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in ruleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rule := in.questionRule()
	if err := s.Store.CreateQuestionRule(r.Context(), c.scope, rule); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, rule)
	return nil
}

func (s *Server) apiQuestionRuleShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question rule")
	if err != nil {
		return err
	}
	rule, err := s.Store.FindQuestionRuleByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) apiQuestionRuleReplace(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question rule")
	if err != nil {
		return err
	}
	var in ruleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rule := in.questionRule()
	rule.ID = id
	if err := s.Store.UpdateQuestionRule(r.Context(), c.scope, rule); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) apiQuestionRuleDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question rule")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteQuestionRule(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiQuestionRuleTest tries a rule on one customer: the preview of a rule being written.
func (s *Server) apiQuestionRuleTest(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Rule       string `json:"rule"`
		CustomerID string `json:"customer_id"` // a string, so that a malformed id is reported on customer_id
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := rapport.Require(c.scope.CanWritePlaybook(), "try question rules"); err != nil {
		return err
	}
	id, err := rapport.ParseID(in.CustomerID)
	if err != nil {
		return rapport.FieldError("customer_id", "customer_id must be the id of the customer to try the rule on: %s", rapport.ErrorMessage(err))
	}
	met, err := s.Store.TestQuestionRule(r.Context(), c.scope, in.Rule, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"meets": met})
	return nil
}

// apiCustomerQuestions lists the questions the playbook proposes to ask a customer now.
func (s *Server) apiCustomerQuestions(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	questions, err := s.Store.SuggestQuestions(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(questions, ""))
	return nil
}
