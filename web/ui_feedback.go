package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// feedbackForm is the quick form that logs feedback from anywhere.
type feedbackForm struct {
	Form      url.Values
	Errors    map[string]string
	Customer  *rapport.Customer   // chosen already
	Matches   []*rapport.Customer // found by the customer search, to choose from
	Searched  bool                // the search ran: say so when it found nobody
	Back      string              // where to go after saving
	Kinds     []option
	Channels  []option
	Severity  []option
	Staff     []option
	Now       string
	MaxText   int
	HeardBy   string
	ChoseNone bool // logged without a customer on purpose
}

// feedbackCard is the profile's list of the customer's latest feedback.
type feedbackCard struct {
	Recent []feedbackView
	Count  int
	More   int
}

// feedbackView is one piece of feedback, ready to print.
type feedbackView struct {
	*rapport.Feedback
	Tone  string // negative, neutral or positive
	Score string // the compound score, signed, two decimals
	// CanWrite shows the buttons of the next statuses; Back is where they return to.
	// Compact, in lists, links the steps that need words to the feedback's page
	// instead of holding their forms.
	CanWrite, Compact bool
	Back              string
}

// Heard is where the feedback came from, in words: product, area, channel and who
// heard it (or the source system).
func (v feedbackView) Heard() []string {
	var out []string
	for _, s := range []string{v.Product, v.Area, human(v.Channel), cmp.Or(v.HeardByName, v.Source)} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func newFeedbackView(f *rapport.Feedback) feedbackView {
	return feedbackView{Feedback: f, Tone: rapport.Tone(f.Sentiment), Score: strconv.FormatFloat(f.Sentiment, 'f', 2, 64)}
}

// newFeedbackCard readies the profile's feedback card.
func newFeedbackCard(c *call, id rapport.ID, cf *rapport.CustomerFeedback) *feedbackCard {
	card := &feedbackCard{Count: cf.Count, More: cf.Count - len(cf.Recent)}
	for _, f := range cf.Recent {
		v := newFeedbackView(f)
		v.CanWrite, v.Back = c.scope.CanWriteCustomers(), "/customers/"+id.String()+"#feedback-h"
		card.Recent = append(card.Recent, v)
	}
	return card
}

// safeBack keeps where to go back to on this site, or "" when there is nowhere.
func safeBack(back string) string {
	if len(back) > 2000 || !localPath(back) || strings.HasPrefix(back, "/feedback/new") {
		return ""
	}
	return back
}

// renderFeedbackForm shows the quick form with what was typed, its errors and the
// customers the search found.
func (s *Server) renderFeedbackForm(w http.ResponseWriter, r *http.Request, c *call, status int, ff *feedbackForm) error {
	form := ff.Form
	if form == nil {
		form = url.Values{}
		ff.Form = form
	}
	ff.Kinds = options(rapport.FeedbackKinds, or(form.Get("kind"), "complaint"))
	ff.Channels = options(rapport.Channels, form.Get("channel"))
	ff.Severity = append([]option{{Value: "", Label: "Usual (medium for complaints, else low)", Selected: form.Get("severity") == ""}},
		options(rapport.Severities, form.Get("severity"))...)
	ff.Now, ff.MaxText = time.Now().UTC().Format("2006-01-02T15:04"), rapport.MaxFeedbackText
	users, err := s.Store.FindUsers(r.Context(), c.scope)
	if err != nil {
		return err
	}
	heardBy := or(form.Get("heard_by"), c.user.ID.String())
	for _, u := range users {
		if u.Active || u.ID.String() == heardBy {
			label := u.Name
			if u.ID == c.user.ID {
				label += " (me)"
			}
			ff.Staff = append(ff.Staff, option{Value: u.ID.String(), Label: label, Selected: u.ID.String() == heardBy})
		}
	}
	return s.render(w, r, status, "feedback_new", c, "Log feedback", ff)
}

// handleFeedbackNew shows the quick form, with the customer when one is given.
func (s *Server) handleFeedbackNew(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	ff := &feedbackForm{Back: safeBack(q.Get("back")), Form: url.Values{}}
	if ff.Back == "" {
		ff.Back = refererPath(r) // the top bar's link, without JavaScript
	}
	if v := q.Get("customer_id"); v != "" {
		id, err := rapport.ParseID(v)
		if err != nil {
			return rapport.NotFound("customer")
		}
		if ff.Customer, err = s.Store.FindCustomerByID(r.Context(), c.scope, id); err != nil {
			return err
		}
		if ff.Back == "" {
			ff.Back = "/customers/" + id.String() + "#feedback-h"
		}
	}
	// A line of a visit report comes with its text and its note.
	for _, k := range []string{"kind", "channel", "text", "note_id"} {
		ff.Form.Set(k, q.Get(k))
	}
	return s.renderFeedbackForm(w, r, c, http.StatusOK, ff)
}

// handleFeedbackCreate saves the quick form; without JavaScript, a name, e-mail or
// phone typed into the customer box first shows the customers it finds to choose from.
func (s *Server) handleFeedbackCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	form := r.PostForm
	ff := &feedbackForm{Form: form, Back: safeBack(form.Get("back"))}
	query := strings.TrimSpace(form.Get("customer_q"))
	var customerID rapport.ID
	if v := form.Get("customer_id"); v != "" && v != "none" {
		id, err := rapport.ParseID(v)
		if err != nil {
			return s.renderFeedbackForm(w, r, c, http.StatusUnprocessableEntity, withError(ff, "customer_id", "choose the customer from the list"))
		}
		customerID = id
	}
	ff.ChoseNone = form.Get("customer_id") == "none"
	if form.Get("find") != "" || (query != "" && customerID.IsZero() && !ff.ChoseNone) {
		if query == "" {
			return s.renderFeedbackForm(w, r, c, http.StatusUnprocessableEntity, withError(ff, "customer_q", "type a name, e-mail or phone to find the customer"))
		}
		if len(query) > 200 {
			return s.renderFeedbackForm(w, r, c, http.StatusUnprocessableEntity, withError(ff, "customer_q", "type at most 200 characters to find the customer"))
		}
		found, _, err := s.Store.FindCustomers(r.Context(), c.scope, rapport.CustomerFilter{Query: query, Limit: 8})
		if err != nil && rapport.ErrorCode(err) != rapport.EINVALID {
			return err
		}
		ff.Matches, ff.Searched = found, true
		form.Del("customer_id")
		status := http.StatusOK
		if len(found) == 0 {
			ff.Errors = map[string]string{"customer_q": fmt.Sprintf("No customer you may see matches “%s”: check the spelling, try the e-mail or phone, or clear the box to log the feedback without a customer.", query)}
			status = http.StatusUnprocessableEntity
		}
		return s.renderFeedbackForm(w, r, c, status, ff)
	}
	fb := &rapport.Feedback{CustomerID: customerID, Kind: rapport.FeedbackKind(form.Get("kind")), Text: form.Get("text"),
		Channel: rapport.Channel(form.Get("channel")), Product: form.Get("product"), Area: form.Get("area"),
		Severity: rapport.Severity(form.Get("severity"))}
	p := rapport.Problems{}
	if v := form.Get("heard_at"); v != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", v, time.UTC)
		if err != nil {
			p.Add("heard_at", "write the time as YYYY-MM-DD HH:MM")
		}
		fb.HeardAt = at
	}
	if v := form.Get("note_id"); v != "" {
		id, err := rapport.ParseID(v)
		if err != nil {
			p.Add("note_id", "the note this was logged from is not known")
		}
		fb.NoteID = id
	}
	if v := form.Get("heard_by"); v != "" {
		id, err := rapport.ParseID(v)
		if err != nil {
			p.Add("heard_by", "choose who heard it from the list")
		}
		fb.HeardBy = id
	}
	if len(p) > 0 {
		fb.Normalize()
		p.Merge(fb.Validate(time.Now()))
	}
	err := p.Err()
	if err == nil {
		_, err = s.Store.CreateFeedback(r.Context(), c.scope, fb)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		ff.Errors = fieldErrors(err)
		if !customerID.IsZero() {
			ff.Customer, _ = s.Store.FindCustomerByID(r.Context(), c.scope, customerID)
		}
		return s.renderFeedbackForm(w, r, c, Status(err), ff)
	} else if err != nil {
		return err
	}
	msg := human(fb.Kind) + " logged"
	if fb.CustomerName != "" {
		msg += " for " + fb.CustomerName
	}
	msg += fmt.Sprintf(" (sentiment %s, %s).", rapport.Tone(fb.Sentiment), strconv.FormatFloat(fb.Sentiment, 'f', 2, 64))
	to := ff.Back
	switch {
	case to != "":
	case !fb.CustomerID.IsZero():
		to = "/customers/" + fb.CustomerID.String() + "#feedback-h"
	default:
		to = "/feedback"
	}
	return s.redirect(w, r, to, msg)
}

func withError(ff *feedbackForm, field, msg string) *feedbackForm {
	ff.Errors = map[string]string{field: msg}
	return ff
}

// feedbackIndex is the list of feedback the reader may see.
type feedbackIndex struct {
	Feedback        []feedbackView
	Kinds, Statuses []option
	Filtered        bool
	Customer        *rapport.Customer // whose feedback, when the list is of one customer
	pageLinks
}

func (s *Server) handleFeedbackIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.FeedbackFilter{Kind: rapport.FeedbackKind(q.Get("kind")), Status: rapport.FeedbackStatus(q.Get("status")),
		Cursor: q.Get("cursor"), Limit: 50}
	var who *rapport.Customer
	if v := q.Get("customer"); v != "" {
		id, err := rapport.ParseID(v)
		if err != nil {
			return rapport.NotFound("customer")
		}
		if who, err = s.Store.FindCustomerByID(r.Context(), c.scope, id); err != nil {
			return err
		}
		f.CustomerID = id
	}
	list, next, err := s.Store.FindFeedback(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	page := feedbackIndex{Kinds: options(rapport.FeedbackKinds, q.Get("kind")), Statuses: options(rapport.FeedbackStatuses, q.Get("status")),
		Filtered: f.Kind != "" || f.Status != "" || who != nil, Customer: who}
	for _, fb := range list {
		v := newFeedbackView(fb)
		v.CanWrite, v.Compact, v.Back = c.scope.CanWriteCustomers(), true, safeBack(r.URL.RequestURI())
		page.Feedback = append(page.Feedback, v)
	}
	page.pageLinks = pagerLinks("/feedback", q, next)
	return s.render(w, r, http.StatusOK, "feedback", c, "Feedback", page)
}

// refererPath is the page of this site the request came from, or "".
func refererPath(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Path == "" {
		return ""
	}
	if u.RawQuery != "" {
		return safeBack(u.Path + "?" + u.RawQuery)
	}
	return safeBack(u.Path)
}
