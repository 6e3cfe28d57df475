package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
)

// CanEmail shows "Tell the customer by e-mail": feedback with a customer that may
// still go to informed.
func (v feedbackView) CanEmail() bool {
	if v.CustomerID.IsZero() {
		return false
	}
	for _, s := range v.Status.Next() {
		if s == rapport.FeedbackInformed {
			return true
		}
	}
	return false
}

// informPage is the e-mail that tells the customer what was done, for staff to check.
type informPage struct {
	*rapport.FeedbackDraft
	NeedsResolution bool
	Resolution      string
	Placeholders    []string
	Errors          map[string]string
}

// handleFeedbackInformPage shows the e-mail from the template of the customer's
// language, or says why there can be none.
func (s *Server) handleFeedbackInformPage(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	d, err := s.Store.DraftFeedbackMail(r.Context(), c.scope, id, s.Firm)
	if err != nil {
		return err
	}
	return s.renderInform(w, r, c, http.StatusOK, &informPage{FeedbackDraft: d}, nil)
}

func (s *Server) renderInform(w http.ResponseWriter, r *http.Request, c *call, status int, p *informPage, errs map[string]string) error {
	p.NeedsResolution = p.Feedback.Resolution == ""
	p.Placeholders, p.Errors = rapport.FeedbackPlaceholders, errs
	return s.render(w, r, status, "feedback_inform", c, "Tell the customer by e-mail", p)
}

// handleFeedbackInform sends the e-mail (queues it) and marks the feedback informed.
func (s *Server) handleFeedbackInform(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	in := rapport.FeedbackInform{Subject: r.PostForm.Get("subject"), Text: r.PostForm.Get("text"),
		Resolution: r.PostForm.Get("resolution"), BaseURL: s.baseURL(r), Firm: s.Firm}
	fb, m, err := s.Store.InformFeedbackByEmail(r.Context(), c.scope, id, in)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		d, derr := s.Store.DraftFeedbackMail(r.Context(), c.scope, id, s.Firm)
		if derr != nil {
			return derr
		}
		d.Subject, d.Text = in.Subject, in.Text
		return s.renderInform(w, r, c, Status(err), &informPage{FeedbackDraft: d, Resolution: in.Resolution}, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/"+fb.ID.String(), "The e-mail to "+m.ToAddress+" is on its way; the feedback is marked as told to the customer.")
}

// templatesPage lists the e-mail templates for telling customers what was done.
type templatesPage struct {
	Templates    []rapport.FeedbackTemplate
	CanEdit      bool
	Placeholders []string
	New          rapport.FeedbackTemplate
	Errors       map[string]string
}

func (s *Server) handleFeedbackTemplates(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderTemplates(w, r, c, http.StatusOK, rapport.FeedbackTemplate{}, nil)
}

func (s *Server) renderTemplates(w http.ResponseWriter, r *http.Request, c *call, status int, t rapport.FeedbackTemplate, errs map[string]string) error {
	ts, err := s.Store.FindFeedbackTemplates(r.Context(), c.scope)
	if err != nil {
		return err
	}
	canEdit := c.scope.IsAdmin() || c.scope.Role == rapport.RoleManager
	return s.render(w, r, status, "feedback_templates", c, "E-mail templates: what was done",
		templatesPage{Templates: ts, CanEdit: canEdit, Placeholders: rapport.FeedbackPlaceholders, New: t, Errors: errs})
}

// handleFeedbackTemplateSave stores the template of a language (new or changed).
func (s *Server) handleFeedbackTemplateSave(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	t := rapport.FeedbackTemplate{Language: r.PostForm.Get("language"), Subject: r.PostForm.Get("subject"), Body: r.PostForm.Get("body")}
	err := s.Store.SaveFeedbackTemplate(r.Context(), c.scope, &t)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderTemplates(w, r, c, Status(err), t, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/templates", "The template for "+t.Language+" is saved.")
}

// handleFeedbackTemplateDelete removes a stored template; a built-in one comes back.
func (s *Server) handleFeedbackTemplateDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	lang := r.PathValue("lang")
	if err := s.Store.DeleteFeedbackTemplate(r.Context(), c.scope, lang); err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/templates", "The template for "+lang+" is removed.")
}

// portalAnswer is the customer's page behind the link in the e-mail.
type portalAnswer struct {
	*rapport.FeedbackLink
	Token   string
	Ratings []int
	Form    struct {
		Resolved string
		Rating   int
		Comment  string
	}
	Errors map[string]string
}

// Answer is the customer's answer in words.
func (p *portalAnswer) Answer() string {
	if p.FeedbackLink == nil || p.Resolved == nil {
		return ""
	}
	if *p.Resolved {
		return "resolved"
	}
	return "not resolved"
}

// handlePortalFeedback shows a customer what they said and what was done, and asks
// whether it is resolved; after they answered, it shows their answer. Unknown and
// expired links get the same page.
func (s *Server) handlePortalFeedback(w http.ResponseWriter, r *http.Request, _ *call) error {
	token := r.PathValue("token")
	l, err := s.Store.FindFeedbackLink(r.Context(), token)
	if err != nil {
		return s.linkNotFound(w, r, err, "portal_feedback", &portalAnswer{})
	}
	return s.renderPortal(w, r, http.StatusOK, &portalAnswer{FeedbackLink: l, Token: token})
}

// linkNotFound answers a customer's link that does not work (mistyped, expired, or
// what it led to deleted) with its page, given no data, which then says so; any other
// error is returned.
func (s *Server) linkNotFound(w http.ResponseWriter, r *http.Request, err error, page string, none any) error {
	if rapport.ErrorCode(err) != rapport.ENOTFOUND {
		return err
	}
	return s.render(w, r, http.StatusNotFound, page, nil, "Link not found", none)
}

func (s *Server) renderPortal(w http.ResponseWriter, r *http.Request, status int, p *portalAnswer) error {
	p.Ratings = []int{1, 2, 3, 4, 5}
	return s.render(w, r, status, "portal_feedback", nil, "Your feedback", p)
}

// handlePortalFeedbackAnswer records the customer's answer.
func (s *Server) handlePortalFeedbackAnswer(w http.ResponseWriter, r *http.Request, _ *call) error {
	token := r.PathValue("token")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read; write a shorter comment")
	}
	a := rapport.FeedbackAnswer{Comment: r.PostForm.Get("comment")}
	switch r.PostForm.Get("resolved") {
	case "yes":
		a.Resolved = new(true)
	case "no":
		a.Resolved = new(false)
	}
	if v := r.PostForm.Get("rating"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		a.Rating = n
	}
	l, err := s.Store.AnswerFeedbackLink(r.Context(), token, s.clientAddr(r), a)
	switch rapport.ErrorCode(err) {
	case "":
		return s.renderPortal(w, r, http.StatusOK, &portalAnswer{FeedbackLink: l, Token: token})
	case rapport.EINVALID, rapport.ECONFLICT:
		l, ferr := s.Store.FindFeedbackLink(r.Context(), token)
		if ferr != nil {
			return s.linkNotFound(w, r, ferr, "portal_feedback", &portalAnswer{})
		}
		p := &portalAnswer{FeedbackLink: l, Token: token, Errors: fieldErrors(err)}
		if rapport.ErrorCode(err) == rapport.ECONFLICT {
			p.Errors = errorAt("", err)
		}
		p.Form.Resolved, p.Form.Rating, p.Form.Comment = strings.TrimSpace(r.PostForm.Get("resolved")), a.Rating, a.Comment
		return s.renderPortal(w, r, Status(err), p)
	default:
		return s.linkNotFound(w, r, err, "portal_feedback", &portalAnswer{})
	}
}

// apiFeedbackInform tells the customer by e-mail: {"channel": "email"} sends the
// template of their language; subject and text replace it, resolution resolves first.
func (s *Server) apiFeedbackInform(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	var in struct {
		Channel    string `json:"channel"`
		Subject    string `json:"subject"`
		Text       string `json:"text"`
		Resolution string `json:"resolution"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Channel != "email" {
		return rapport.FieldError("channel", "channel %q cannot be sent from Rapport; use email, or PATCH the feedback to informed with informed_via for other channels", in.Channel)
	}
	if in.Subject == "" || in.Text == "" {
		d, err := s.Store.DraftFeedbackMail(r.Context(), c.scope, id, s.Firm)
		if err != nil {
			return err
		}
		if in.Subject == "" {
			in.Subject = d.Subject
		}
		if in.Text == "" {
			in.Text = d.Text
		}
	}
	fb, m, err := s.Store.InformFeedbackByEmail(r.Context(), c.scope, id, rapport.FeedbackInform{Subject: in.Subject,
		Text: in.Text, Resolution: in.Resolution, BaseURL: s.baseURL(r), Firm: s.Firm})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"feedback": fb, "mail": map[string]any{"id": m.ID, "to_address": m.ToAddress,
		"subject": m.Subject, "state": m.State}})
	return nil
}

// baseURL is the address for links in e-mail: BaseURL, or without one the address
// this request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != "" {
		return s.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
