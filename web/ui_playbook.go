package web

import (
	"net/http"
	"strings"

	"github.com/rapportckm/rapport"
)

// playbookPage lists the tips and the question rules, with the forms that add one or
// change one.
type playbookPage struct {
	Tips     []*rapport.Tip
	Rules    []*rapport.QuestionRule
	CanWrite bool
	Tip      *rapport.Tip          // the tip form's values
	Rule     *rapport.QuestionRule // the rule form's values
	Editing  string                // "tip" or "rule" on an edit page, "" on the list
	Errors   map[string]string
	Channels []option
	Preview  *rulePreview
}

// rulePreview is a question rule tried on the customers found by a search.
type rulePreview struct {
	Query   string
	Results []previewResult
}

type previewResult struct {
	Customer *rapport.Customer
	Met      bool
}

func (s *Server) playbookPage(r *http.Request, c *call, tip *rapport.Tip, rule *rapport.QuestionRule, err error) (*playbookPage, error) {
	page := &playbookPage{CanWrite: c.scope.CanWritePlaybook(), Tip: tip, Rule: rule, Errors: fieldErrors(err),
		Channels: options(rapport.Channels, string(tip.Channel))}
	var ferr error
	if page.Tips, ferr = s.Store.FindTips(r.Context(), c.scope); ferr != nil {
		return nil, ferr
	}
	if page.Rules, ferr = s.Store.FindQuestionRules(r.Context(), c.scope); ferr != nil {
		return nil, ferr
	}
	return page, nil
}

func (s *Server) showPlaybook(w http.ResponseWriter, r *http.Request, c *call, status int, tip *rapport.Tip, rule *rapport.QuestionRule, err error, preview *rulePreview) error {
	page, ferr := s.playbookPage(r, c, tip, rule, err)
	if ferr != nil {
		return ferr
	}
	page.Preview = preview
	return s.render(w, r, status, "playbook", c, "Playbook", page)
}

func (s *Server) handlePlaybook(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showPlaybook(w, r, c, http.StatusOK, &rapport.Tip{}, &rapport.QuestionRule{Active: true}, nil, nil)
}

func tipForm(r *http.Request) *rapport.Tip {
	return &rapport.Tip{RequestType: r.PostFormValue("request_type"), Product: r.PostFormValue("product"),
		Channel: rapport.Channel(r.PostFormValue("channel")), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
}

func ruleForm(r *http.Request) *rapport.QuestionRule {
	return &rapport.QuestionRule{Name: r.PostFormValue("name"), Rule: r.PostFormValue("rule"),
		Question: r.PostFormValue("question"), Active: r.PostFormValue("active") != ""}
}

func (s *Server) handleTipCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	tip := tipForm(r)
	err := s.Store.CreateTip(r.Context(), c.scope, tip)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showPlaybook(w, r, c, http.StatusBadRequest, tip, &rapport.QuestionRule{Active: true}, err, nil)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#tips", "Tip “"+tip.Title+"” saved.")
}

func (s *Server) handleTipShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showTip(w, r, c, http.StatusOK, nil, nil)
}

// showTip shows a tip's edit page, with the posted values and their problems if any.
func (s *Server) showTip(w http.ResponseWriter, r *http.Request, c *call, status int, posted *rapport.Tip, err error) error {
	id, ferr := pathID(r, "id", "tip")
	if ferr != nil {
		return ferr
	}
	tip, ferr := s.Store.FindTipByID(r.Context(), c.scope, id)
	if ferr != nil {
		return ferr
	}
	if posted != nil {
		posted.ID = id
		tip = posted
	}
	page, ferr := s.playbookPage(r, c, tip, nil, err)
	if ferr != nil {
		return ferr
	}
	page.Editing = "tip"
	return s.render(w, r, status, "playbook", c, "Tip: "+tip.Title, page)
}

func (s *Server) handleTipUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "tip")
	if err != nil {
		return err
	}
	tip := tipForm(r)
	tip.ID = id
	err = s.Store.UpdateTip(r.Context(), c.scope, tip)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showTip(w, r, c, http.StatusBadRequest, tip, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#tips", "Tip “"+tip.Title+"” saved.")
}

func (s *Server) handleTipDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "tip")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTip(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#tips", "The tip was deleted.")
}

// preview tries the posted rule on up to five customers found by the posted search.
func (s *Server) preview(r *http.Request, c *call, rule string) (*rulePreview, error) {
	if err := rapport.Require(c.scope.CanWritePlaybook(), "try question rules"); err != nil {
		return nil, err
	}
	p := &rulePreview{Query: strings.TrimSpace(r.PostFormValue("customer"))}
	if p.Query == "" {
		return nil, rapport.FieldError("customer", "name a customer to try the rule on: a name, an e-mail address or a phone number")
	}
	found, _, err := s.Store.FindCustomers(r.Context(), c.scope, rapport.CustomerFilter{Query: p.Query, Limit: 5})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, rapport.FieldError("customer", "no customer you may see matches %q", p.Query)
	}
	for _, cust := range found {
		met, err := s.Store.TestQuestionRule(r.Context(), c.scope, rule, cust.ID)
		if err != nil {
			return nil, err
		}
		p.Results = append(p.Results, previewResult{Customer: cust, Met: met})
	}
	return p, nil
}

func (s *Server) handleQuestionRuleCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	rule := ruleForm(r)
	if r.PostFormValue("action") == "preview" {
		p, err := s.preview(r, c, rule.Rule)
		if code := rapport.ErrorCode(err); code != "" && code != rapport.EINVALID {
			return err
		}
		return s.showPlaybook(w, r, c, http.StatusOK, &rapport.Tip{}, rule, err, p)
	}
	err := s.Store.CreateQuestionRule(r.Context(), c.scope, rule)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		return s.showPlaybook(w, r, c, http.StatusBadRequest, &rapport.Tip{}, rule, err, nil)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#questions", "Question rule “"+rule.Name+"” saved.")
}

func (s *Server) handleQuestionRuleShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showQuestionRule(w, r, c, http.StatusOK, nil, nil, nil)
}

func (s *Server) showQuestionRule(w http.ResponseWriter, r *http.Request, c *call, status int, posted *rapport.QuestionRule, err error, preview *rulePreview) error {
	id, ferr := pathID(r, "id", "question rule")
	if ferr != nil {
		return ferr
	}
	rule, ferr := s.Store.FindQuestionRuleByID(r.Context(), c.scope, id)
	if ferr != nil {
		return ferr
	}
	if posted != nil {
		posted.ID = id
		rule = posted
	}
	page, ferr := s.playbookPage(r, c, &rapport.Tip{}, rule, err)
	if ferr != nil {
		return ferr
	}
	page.Editing, page.Preview = "rule", preview
	return s.render(w, r, status, "playbook", c, "Question rule: "+rule.Name, page)
}

func (s *Server) handleQuestionRuleUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question rule")
	if err != nil {
		return err
	}
	rule := ruleForm(r)
	rule.ID = id
	if r.PostFormValue("action") == "preview" {
		p, err := s.preview(r, c, rule.Rule)
		if code := rapport.ErrorCode(err); code != "" && code != rapport.EINVALID {
			return err
		}
		return s.showQuestionRule(w, r, c, http.StatusOK, rule, err, p)
	}
	err = s.Store.UpdateQuestionRule(r.Context(), c.scope, rule)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		return s.showQuestionRule(w, r, c, http.StatusBadRequest, rule, err, nil)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#questions", "Question rule “"+rule.Name+"” saved.")
}

func (s *Server) handleQuestionRuleDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "question rule")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteQuestionRule(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/playbook#questions", "The question rule was deleted.")
}
