package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
)

// feedbackAction is a button for one next status of feedback: resolving asks what was
// done, informing how the customer was told.
type feedbackAction struct {
	Status          rapport.FeedbackStatus
	Label           string
	NeedsResolution bool
	NeedsChannel    bool
}

// Actions lists the next steps feedback may take, in order.
func (v feedbackView) Actions() []feedbackAction {
	var out []feedbackAction
	resolved := v.Status == rapport.FeedbackResolved || v.Status == rapport.FeedbackInformed
	for _, next := range v.Status.Next() {
		a := feedbackAction{Status: next}
		switch next {
		case rapport.FeedbackTriaged:
			a.Label = "Triage"
		case rapport.FeedbackInProgress:
			a.Label = "Start work"
			if resolved {
				a.Label = "Reopen"
			}
		case rapport.FeedbackResolved:
			a.Label, a.NeedsResolution = "Resolve", true
		case rapport.FeedbackInformed:
			a.Label, a.NeedsChannel, a.NeedsResolution = "Customer informed", true, !resolved
		}
		if v.Compact && (a.NeedsResolution || a.NeedsChannel) && slices.ContainsFunc(out, func(a feedbackAction) bool { return a.NeedsResolution || a.NeedsChannel }) {
			continue // a list links to the page, where the others are, once
		}
		out = append(out, a)
	}
	return out
}

// Channels are the choices of how the customer was told.
func (v feedbackView) Channels() []option { return options(rapport.Channels, "") }

// feedbackPage is one piece of feedback with its history and the next steps.
type feedbackPage struct {
	feedbackView
	Steps  []rapport.FeedbackStep
	Errors map[string]string
	// Its action items, and the form that adds one (routing.go).
	Items      []actionView
	ItemForm   url.Values
	ItemTeams  []option
	ItemOwners []option
	Themes     []option // to move it to (see ui_theme.go)
	Files      []attachmentView
	CanAttach  bool
}

// formFields are the fields of the page's other forms (files, a new action item, the
// theme), whose problems those forms show beside them.
var formFields = []string{"files", "team_id", "owner_id", "title", "due", "service_level", "theme_id"}

// StepErrors are the problems of the next step taken (its resolution, how the customer
// was told), shown under what was said; the other forms' problems are shown at them,
// and only once.
func (p feedbackPage) StepErrors() []string {
	var out []string
	for field, msg := range p.Errors {
		if !slices.Contains(formFields, field) {
			out = append(out, msg)
		}
	}
	slices.Sort(out)
	return out
}

// handleFeedbackShow shows a piece of feedback, its history and its next steps.
func (s *Server) handleFeedbackShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	return s.renderFeedbackPage(w, r, c, http.StatusOK, id, nil)
}

func (s *Server) renderFeedbackPage(w http.ResponseWriter, r *http.Request, c *call, status int, id rapport.ID, errs map[string]string) error {
	return s.renderFeedbackPageForm(w, r, c, status, id, errs, nil)
}

// renderFeedbackPageForm shows the feedback's page with what was typed into the form
// that adds an action item.
func (s *Server) renderFeedbackPageForm(w http.ResponseWriter, r *http.Request, c *call, status int, id rapport.ID, errs map[string]string, form url.Values) error {
	fb, steps, err := s.Store.FindFeedbackHistory(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	page := feedbackPage{Steps: steps, Errors: errs, ItemForm: form}
	if err := s.feedbackItems(r, c, fb, &page); err != nil {
		return err
	}
	v := newFeedbackView(fb)
	v.CanWrite, v.Back = c.scope.CanWriteCustomers(), "/feedback/"+fb.ID.String()
	title := human(fb.Kind)
	if fb.CustomerName != "" {
		title += " from " + fb.CustomerName
	}
	page.feedbackView = v
	files, err := s.Store.FindFeedbackAttachments(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	for _, a := range files {
		page.Files = append(page.Files, newAttachmentView(a, c.scope))
	}
	page.CanAttach = c.scope.CanWriteNotes() && s.Attachments != nil
	if v.CanWrite {
		themes, _, err := s.Store.FindThemes(r.Context(), c.scope, rapport.ThemeFilter{Limit: 500})
		if err != nil {
			return err
		}
		page.Themes = themeOptions(themes, fb.ThemeID, "")
	}
	return s.render(w, r, status, "feedback_show", c, title, page)
}

// handleFeedbackStatus moves feedback to its next status from the small forms of the
// list, the profile and the feedback's page; a refused change shows the feedback's
// page with the reason.
func (s *Server) handleFeedbackStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	form := r.PostForm
	change := rapport.FeedbackChange{Status: rapport.FeedbackStatus(strings.TrimSpace(form.Get("status"))),
		Resolution: form.Get("resolution"), InformedVia: rapport.Channel(form.Get("informed_via"))}
	fb, err := s.Store.ChangeFeedbackStatus(r.Context(), c.scope, id, change)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderFeedbackPage(w, r, c, Status(err), id, fieldErrors(err))
	} else if err != nil {
		return err
	}
	msg := map[rapport.FeedbackStatus]string{rapport.FeedbackTriaged: "triaged", rapport.FeedbackInProgress: "in progress",
		rapport.FeedbackResolved: "resolved", rapport.FeedbackInformed: "marked as told to the customer"}[fb.Status]
	what := human(fb.Kind)
	if fb.CustomerName != "" {
		what += " from " + fb.CustomerName
	}
	to := safeBack(form.Get("back"))
	if to == "" {
		to = "/feedback/" + fb.ID.String()
	}
	return s.redirect(w, r, to, what+" is "+msg+".")
}

// handleFeedbackAttach attaches the files of the feedback page's form to the feedback.
func (s *Server) handleFeedbackAttach(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	if err := rapport.Require(c.scope.CanWriteNotes(), "attach files to feedback"); err != nil {
		return err
	}
	files, err := s.receiveFiles(w, r, map[string]int64{})
	if err == nil && len(files) == 0 {
		err = rapport.FieldError("files", "choose one or more files to attach")
	}
	for i, a := range files {
		if err != nil {
			s.discardContents(keysOf(files[i:])...)
			break
		}
		a.FeedbackID = id
		if err = s.Store.CreateAttachment(r.Context(), c.scope, a); err != nil {
			s.discardContents(a.StorageKey)
		}
	}
	if err != nil {
		if rapport.ErrorCode(err) == rapport.EINVALID || rapport.ErrorCode(err) == rapport.ETOOLARGE {
			return s.renderFeedbackPage(w, r, c, http.StatusUnprocessableEntity, id, errorAt("files", err))
		}
		return err
	}
	http.Redirect(w, r, "/feedback/"+id.String()+"#files", http.StatusSeeOther)
	return nil
}
