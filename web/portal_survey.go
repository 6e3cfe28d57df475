package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
)

// portalSurveyPage is the customer's page of a survey link: the question, or thanks.
// The question and intro are in the customer's language where the survey has it
// (Lang); the page's own words are English, marked as such (LabelLang) when Lang is
// another language. View is nil for a link that does not work.
type portalSurveyPage struct {
	Token     string
	View      *rapport.SurveyInvitationView
	Lang      string
	LabelLang string // "en" when Lang is not English, for the English words
	Scores    []int
	Score     int // chosen, or -1
	Comment   string
	Answers   map[string]string
	Thanks    bool
	Errors    map[string]string
	LowLabel  string
	TopLabel  string
}

func newPortalSurveyPage(token string, v *rapport.SurveyInvitationView) *portalSurveyPage {
	p := &portalSurveyPage{Token: token, View: v, Score: -1, Answers: map[string]string{},
		Lang: v.Survey.TextLanguage(v.Invitation.Language)}
	if p.Lang != "en" {
		p.LabelLang = "en"
	}
	lo, hi := v.Survey.Kind.Scale()
	for i := lo; i <= hi; i++ {
		p.Scores = append(p.Scores, i)
	}
	switch v.Survey.Kind {
	case rapport.SurveyNPS:
		p.LowLabel, p.TopLabel = "Not at all likely", "Extremely likely"
	case rapport.SurveyCSAT:
		p.LowLabel, p.TopLabel = "Very dissatisfied", "Very satisfied"
	case rapport.SurveyCES:
		p.LowLabel, p.TopLabel = "Strongly agree", "Strongly disagree"
	}
	if r := v.Response; r != nil {
		p.Score, p.Comment, p.Answers, p.Thanks = r.Score, r.Comment, r.Answers, true
	}
	return p
}

// renderSurvey shows the survey's page to the customer, under the question they are
// asked: the survey's name is staff's.
func (s *Server) renderSurvey(w http.ResponseWriter, r *http.Request, status int, p *portalSurveyPage) error {
	return s.renderIn(w, r, status, "portal_survey", p.Lang, nil, p.View.Text.Question, p)
}

func (s *Server) handlePortalSurvey(w http.ResponseWriter, r *http.Request, c *call) error {
	token := r.PathValue("token")
	v, err := s.Store.OpenInvitation(r.Context(), rapport.PortalScope(s.clientAddr(r)), token)
	if err != nil {
		return s.linkNotFound(w, r, err, "portal_survey", &portalSurveyPage{})
	}
	p := newPortalSurveyPage(token, v)
	if v.Expired {
		return s.renderExpired(w, r, p)
	}
	if r.URL.Query().Get("change") != "" {
		p.Thanks = false
	}
	return s.renderSurvey(w, r, http.StatusOK, p)
}

// renderExpired answers an expired link with 404, as an unknown one, and a kind word;
// it no longer shows the answer given, since the link may sit in an old mailbox.
func (s *Server) renderExpired(w http.ResponseWriter, r *http.Request, p *portalSurveyPage) error {
	p.Thanks, p.Score, p.Comment, p.Answers = false, -1, "", map[string]string{}
	p.View.Response = nil
	return s.renderIn(w, r, http.StatusNotFound, "portal_survey", "", nil, "Link expired", p)
}

func (s *Server) handlePortalSurveyAnswer(w http.ResponseWriter, r *http.Request, c *call) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return rapport.Errorf(rapport.ETOOLARGE, "the answer is too long; please shorten the comment")
		}
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	token := r.PathValue("token")
	scope := rapport.PortalScope(s.clientAddr(r))
	v, err := s.Store.OpenInvitation(r.Context(), scope, token)
	if err != nil {
		return s.linkNotFound(w, r, err, "portal_survey", &portalSurveyPage{})
	}
	if v.Expired {
		return s.renderExpired(w, r, newPortalSurveyPage(token, v))
	}
	a := rapport.SurveyAnswer{Score: -1, Comment: r.PostFormValue("comment"), Answers: map[string]string{}}
	if n, err := strconv.Atoi(r.PostFormValue("score")); err == nil {
		a.Score = n
	}
	for i := range v.Survey.FollowUps {
		k := strconv.Itoa(i + 1)
		if ans := strings.TrimSpace(r.PostFormValue("answer_" + k)); ans != "" {
			a.Answers[k] = ans
		}
	}
	_, err = s.Store.AnswerSurvey(r.Context(), scope, token, a)
	if code := rapport.ErrorCode(err); code == rapport.ECONFLICT {
		// Expired since it was opened? Any other clash is not an expiry: the customer
		// is asked to try again.
		if now, oerr := s.Store.OpenInvitation(r.Context(), scope, token); oerr == nil && now.Expired {
			return s.renderExpired(w, r, newPortalSurveyPage(token, now))
		}
		return err
	} else if code == rapport.EINVALID {
		p := newPortalSurveyPage(token, v)
		p.Thanks, p.Score, p.Comment, p.Answers, p.Errors = false, a.Score, a.Comment, a.Answers, surveyErrors(err)
		return s.renderSurvey(w, r, http.StatusBadRequest, p)
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/portal/survey/"+token, http.StatusSeeOther)
	return nil
}

// surveyErrors are an answer's mistakes by field, each follow-up's at its own
// (answers.1, …), where fieldErrors would gather them under answers.
func surveyErrors(err error) map[string]string {
	out := fieldErrors(err)
	var e *rapport.Error
	if errors.As(err, &e) {
		for field, msg := range e.Fields {
			if strings.HasPrefix(field, "answers.") {
				out[field] = sentence(msg)
			}
		}
	}
	return out
}
