package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// routingPage is the list of routing rules with what each would do to recent
// feedback, the fallback team and the feedback that is not routed.
type routingPage struct {
	Rules      []routingRuleView
	Considered int
	Unmatched  int
	Settings   *rapport.RoutingSettings
	Unrouted   []feedbackView
	UnroutedN  int
	CanManage  bool
	Form       routingForm // the form to add a rule
	FormOpen   bool
	Teams      []option
	Fallback   []option
	Edit       bool // false: this is the list (see routingRuleEditPage)
}

// routingRuleView is one rule with its preview.
type routingRuleView struct {
	*rapport.RoutingRule
	Preview rapport.RulePreview
	First   bool
	Last    bool
}

// routingForm is the form of a rule, to add or to edit.
type routingForm struct {
	Action   string // where the form posts
	Form     url.Values
	Errors   map[string]string
	Kinds    []option
	Severity []option
	Teams    []option
	Owners   []option
	Rule     *rapport.RoutingRule // being edited; nil for a new one
}

// previewSample is how many of the feedback a rule matches its preview shows.
const previewSample = 3

func (s *Server) newRuleForm(r *http.Request, c *call, action string, form url.Values, errs map[string]string) (routingForm, error) {
	teams, err := s.Store.FindTeams(r.Context(), c.scope)
	if err != nil {
		return routingForm{}, err
	}
	users, err := s.Store.FindUsers(r.Context(), c.scope)
	if err != nil {
		return routingForm{}, err
	}
	f := routingForm{Action: action, Form: form, Errors: errs,
		Severity: append([]option{{Value: "", Label: "Any severity", Selected: form.Get("min_severity") == ""}},
			options(rapport.Severities, form.Get("min_severity"))...)}
	for _, k := range rapport.FeedbackKinds {
		f.Kinds = append(f.Kinds, option{Value: string(k), Label: human(k), Selected: has(form["kinds"], string(k))})
	}
	f.Teams = append(f.Teams, option{Value: "", Label: "Choose a team"})
	for _, t := range teams {
		f.Teams = append(f.Teams, option{Value: t.ID.String(), Label: t.Name, Selected: form.Get("team_id") == t.ID.String()})
	}
	f.Owners = []option{{Value: "", Label: "No owner: the team picks one", Selected: form.Get("owner_id") == ""}}
	for _, u := range users {
		if !u.Active || len(u.Teams) == 0 {
			continue
		}
		var names []string
		for _, t := range u.Teams {
			names = append(names, t.Name)
		}
		f.Owners = append(f.Owners, option{Value: u.ID.String(), Label: u.Name + " (" + strings.Join(names, ", ") + ")",
			Selected: form.Get("owner_id") == u.ID.String()})
	}
	return f, nil
}

// ruleValues fills a form with a stored rule.
func ruleValues(rule *rapport.RoutingRule) url.Values {
	v := url.Values{"name": {rule.Name}, "product": {rule.Product}, "area": {rule.Area}, "words": {strings.Join(rule.Words, "\n")},
		"min_severity": {string(rule.MinSeverity)}, "team_id": {rule.TeamID.String()}, "service_level": {rule.ServiceLevel.String()},
		"title": {rule.Title}, "position": {strconv.Itoa(rule.Position)}}
	for _, k := range rule.Kinds {
		v.Add("kinds", string(k))
	}
	if !rule.OwnerID.IsZero() {
		v.Set("owner_id", rule.OwnerID.String())
	}
	if rule.MinValue != nil {
		v.Set("min_value", strconv.FormatFloat(*rule.MinValue, 'f', -1, 64))
	}
	return v
}

// ruleFromForm reads a rule from the form; what cannot be read is a problem of its field.
func ruleFromForm(r *http.Request) (*rapport.RoutingRule, error) {
	form := r.PostForm
	p := rapport.Problems{}
	rule := &rapport.RoutingRule{Name: form.Get("name"), Product: form.Get("product"), Area: form.Get("area"),
		MinSeverity: rapport.Severity(form.Get("min_severity")), Title: form.Get("title")}
	for _, k := range form["kinds"] {
		rule.Kinds = append(rule.Kinds, rapport.FeedbackKind(k))
	}
	for _, line := range formLines(r, "words") {
		rule.Words = append(rule.Words, splitTrimmed(line, ",")...)
	}
	if v := strings.TrimSpace(form.Get("min_value")); v != "" {
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil {
			p.Add("min_value", "write the minimum customer value as a number, such as 1000")
		}
		rule.MinValue = &n
	}
	var err error
	if rule.TeamID, err = formID(form, "team_id"); err != nil {
		p.Add("team_id", "choose the team from the list")
	}
	if rule.OwnerID, err = formID(form, "owner_id"); err != nil {
		p.Add("owner_id", "choose the owner from the list")
	}
	if v := form.Get("service_level"); v == "" {
		p.Add("service_level", "say how long the team has, such as 2d or 8h")
	} else if rule.ServiceLevel, err = rapport.ParseServiceLevel(v); err != nil {
		p.Add("service_level", "%s", rapport.ErrorMessage(err))
	}
	if v := form.Get("position"); v != "" {
		rule.Position, _ = strconv.Atoi(v)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return rule, nil
}

// formID reads an optional id from a form field: "" is the zero id.
func formID(form url.Values, name string) (rapport.ID, error) {
	v := strings.TrimSpace(form.Get(name))
	if v == "" {
		return rapport.ID{}, nil
	}
	return rapport.ParseID(v)
}

func (s *Server) handleRouting(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderRouting(w, r, c, http.StatusOK, nil, nil)
}

// renderRouting shows the routing page; form and errs are those of a refused new rule
// or fallback setting.
func (s *Server) renderRouting(w http.ResponseWriter, r *http.Request, c *call, status int, form url.Values, errs map[string]string) error {
	ctx := r.Context()
	rules, err := s.Store.FindRoutingRules(ctx, c.scope)
	if err != nil {
		return err
	}
	preview, err := s.Store.PreviewRouting(ctx, c.scope, rules, previewSample)
	if err != nil {
		return err
	}
	settings, err := s.Store.FindRoutingSettings(ctx, c.scope)
	if err != nil {
		return err
	}
	unrouted, n, err := s.Store.FindUnrouted(ctx, c.scope, 10)
	if err != nil {
		return err
	}
	page := routingPage{Considered: preview.Considered, Unmatched: preview.Unmatched, Settings: settings, UnroutedN: n,
		CanManage: c.scope.CanManageRouting(), FormOpen: form != nil && errs["fallback_team_id"] == "" && errs["fallback_service_level"] == ""}
	for i, rule := range rules {
		page.Rules = append(page.Rules, routingRuleView{RoutingRule: rule, Preview: preview.Rules[i], First: i == 0, Last: i == len(rules)-1})
	}
	for _, f := range unrouted {
		v := newFeedbackView(f)
		page.Unrouted = append(page.Unrouted, v)
	}
	if form == nil {
		form = url.Values{"service_level": {"2d"}}
	}
	if page.Form, err = s.newRuleForm(r, c, "/feedback/routing/rules", form, errs); err != nil {
		return err
	}
	page.Fallback = []option{{Value: "", Label: "None: list it as not routed", Selected: settings.FallbackTeamID.IsZero()}}
	for _, t := range page.Form.Teams[1:] {
		page.Fallback = append(page.Fallback, option{Value: t.Value, Label: t.Label, Selected: t.Value == settings.FallbackTeamID.String()})
	}
	return s.render(w, r, status, "routing", c, "Feedback routing", page)
}

func (s *Server) handleRuleCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	rule, err := ruleFromForm(r)
	if err == nil {
		err = s.Store.CreateRoutingRule(r.Context(), c.scope, rule)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderRouting(w, r, c, Status(err), r.PostForm, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/routing#rule-"+rule.ID.String(), "Rule “"+rule.Name+"” added: new feedback that matches it goes to "+rule.TeamName+".")
}

// routingRuleEditPage is the form that edits one rule.
type routingRuleEditPage struct {
	Form      routingForm
	CanManage bool
	Edit      bool // true: the routing page shows the form alone
}

func (s *Server) handleRuleShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	rule, err := s.Store.FindRoutingRule(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	return s.renderRuleEdit(w, r, c, http.StatusOK, rule, ruleValues(rule), nil)
}

func (s *Server) renderRuleEdit(w http.ResponseWriter, r *http.Request, c *call, status int, rule *rapport.RoutingRule, form url.Values, errs map[string]string) error {
	f, err := s.newRuleForm(r, c, "/feedback/routing/rules/"+rule.ID.String(), form, errs)
	if err != nil {
		return err
	}
	f.Rule = rule
	return s.render(w, r, status, "routing", c, "Rule “"+rule.Name+"”", routingRuleEditPage{Form: f, CanManage: c.scope.CanManageRouting(), Edit: true})
}

func (s *Server) handleRuleUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	rule, err := ruleFromForm(r)
	if err == nil {
		err = s.Store.UpdateRoutingRule(r.Context(), c.scope, id, rule)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		stored, ferr := s.Store.FindRoutingRule(r.Context(), c.scope, id)
		if ferr != nil {
			return ferr
		}
		return s.renderRuleEdit(w, r, c, Status(err), stored, r.PostForm, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/routing#rule-"+id.String(), "Rule “"+rule.Name+"” saved.")
}

// handleRuleMove moves a rule one place up or down.
func (s *Server) handleRuleMove(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	rule, err := s.Store.FindRoutingRule(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	switch r.PostFormValue("direction") {
	case "up":
		rule.Position = max(1, rule.Position-1)
	case "down":
		rule.Position++
	default:
		return rapport.FieldError("direction", "move a rule up or down")
	}
	if err := s.Store.UpdateRoutingRule(r.Context(), c.scope, id, rule); err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/routing#rule-"+id.String(), "Rule “"+rule.Name+"” is now number "+strconv.Itoa(rule.Position)+".")
}

func (s *Server) handleRuleDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	rule, err := s.Store.FindRoutingRule(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteRoutingRule(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/routing", "Rule “"+rule.Name+"” deleted; the action items it made stay.")
}

func (s *Server) handleRoutingSettings(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	rs := &rapport.RoutingSettings{}
	p := rapport.Problems{}
	var err error
	if rs.FallbackTeamID, err = formID(r.PostForm, "fallback_team_id"); err != nil {
		p.Add("fallback_team_id", "choose the team from the list")
	}
	if v := r.PostFormValue("fallback_service_level"); v != "" {
		if rs.FallbackServiceLevel, err = rapport.ParseServiceLevel(v); err != nil {
			p.Add("fallback_service_level", "%s", rapport.ErrorMessage(err))
		}
	}
	err = p.Err()
	if err == nil {
		err = s.Store.SetRoutingSettings(r.Context(), c.scope, rs)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		errs := fieldErrors(err)
		return s.renderRouting(w, r, c, Status(err), url.Values{"service_level": {"2d"}}, errs)
	} else if err != nil {
		return err
	}
	msg := "Feedback no rule matches is listed as not routed."
	if rs.FallbackTeamName != "" {
		msg = "Feedback no rule matches goes to " + rs.FallbackTeamName + ", due in " + rs.FallbackServiceLevel.Words() + "."
	}
	return s.redirect(w, r, "/feedback/routing#fallback", msg)
}

// actionsPage is the reader's list of action items.
type actionsPage struct {
	Items           []actionView
	Whose, Statuses []option
	Filtered        bool
	pageLinks
	Now time.Time
}

// actionView is an action item ready to print, with its forms.
type actionView struct {
	*rapport.ActionItem
	Overdue  bool
	ToMe     bool // escalated to the reader and open
	CanWrite bool
	Back     string
	Owners   []option // the team's members, to assign
}

func (s *Server) actionViews(r *http.Request, c *call, items []*rapport.ActionItem, back string) ([]actionView, error) {
	var teams map[rapport.ID]*rapport.Team
	canWrite := c.scope.CanWriteCustomers()
	if canWrite && len(items) > 0 {
		list, err := s.Store.FindTeams(r.Context(), c.scope)
		if err != nil {
			return nil, err
		}
		teams = map[rapport.ID]*rapport.Team{}
		for _, t := range list {
			teams[t.ID] = t
		}
	}
	now := time.Now()
	out := make([]actionView, len(items))
	for i, a := range items {
		v := actionView{ActionItem: a, Overdue: a.Overdue(now), ToMe: a.Status == rapport.ActionOpen && a.EscalatedTo == c.user.ID,
			CanWrite: canWrite, Back: back}
		if t := teams[a.TeamID]; t != nil {
			v.Owners = []option{{Value: "", Label: "No owner", Selected: a.OwnerID.IsZero()}}
			for _, m := range t.Members {
				v.Owners = append(v.Owners, option{Value: m.ID.String(), Label: m.Name, Selected: m.ID == a.OwnerID})
			}
		}
		out[i] = v
	}
	return out, nil
}

func (s *Server) handleActionIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	whose := rapport.ActionWhose(or(q.Get("whose"), string(rapport.ActionsTeams)))
	status := rapport.ActionStatus(q.Get("status"))
	if q.Get("status") == "" && q.Get("whose") == "" {
		status = rapport.ActionOpen
	}
	if q.Get("status") == "any" {
		status = ""
	}
	f := rapport.ActionFilter{Whose: whose, Status: status, Cursor: q.Get("cursor"), Limit: 50}
	items, next, err := s.Store.FindActions(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	page := actionsPage{Now: time.Now(), Filtered: q.Get("whose") != "" || q.Get("status") != ""}
	for _, w := range []struct{ v, l string }{{"mine", "Mine (owned or escalated to me)"}, {"teams", "Mine and my teams'"}, {"all", "All I may see"}} {
		page.Whose = append(page.Whose, option{Value: w.v, Label: w.l, Selected: string(whose) == w.v})
	}
	page.Statuses = []option{{Value: "open", Label: "Open", Selected: status == "open"}, {Value: "done", Label: "Done", Selected: status == "done"},
		{Value: "any", Label: "Open and done", Selected: status == ""}}
	if page.Items, err = s.actionViews(r, c, items, safeBack(r.URL.RequestURI())); err != nil {
		return err
	}
	page.pageLinks = pagerLinks("/actions", q, next)
	return s.render(w, r, http.StatusOK, "actions", c, "Action items", page)
}

// handleActionUpdate changes an action item from its small forms: assign (owner_id),
// due (a date), done (with a note) and reopen.
func (s *Server) handleActionUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "action item")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	form := r.PostForm
	var u rapport.ActionUpdate
	if _, ok := form["owner_id"]; ok {
		owner, err := formID(form, "owner_id")
		if err != nil {
			return rapport.FieldError("owner_id", "choose the owner from the list")
		}
		u.OwnerID = &owner
	}
	if u.DueAt, err = formDue(form); err != nil {
		return err
	}
	if v := form.Get("status"); v != "" {
		st := rapport.ActionStatus(v)
		u.Status = &st
		if st == rapport.ActionDone {
			note := form.Get("note")
			u.Note = &note
		}
	}
	a, err := s.Store.UpdateAction(r.Context(), c.scope, id, u)
	if err != nil {
		if rapport.ErrorCode(err) == rapport.EINVALID {
			if stored, ferr := s.Store.FindActionByID(r.Context(), c.scope, id); ferr == nil {
				return s.renderFeedbackPage(w, r, c, Status(err), stored.FeedbackID, fieldErrors(err))
			}
		}
		return err
	}
	msg := "Action item for " + a.TeamName + " saved."
	switch {
	case u.Status != nil && a.Status == rapport.ActionDone:
		msg = "Action item for " + a.TeamName + " done."
	case u.Status != nil:
		msg = "Action item for " + a.TeamName + " reopened."
	case u.OwnerID != nil:
		msg = "Action item for " + a.TeamName + " given to " + or(a.OwnerName, "no one") + "."
	}
	to := safeBack(form.Get("back"))
	if to == "" {
		to = "/feedback/" + a.FeedbackID.String() + "#actions"
	}
	return s.redirect(w, r, to, msg)
}

// formDue reads the date field "due" of an action item's form as the end of that
// working day (17:00 UTC); nil when it is empty.
func formDue(form url.Values) (*time.Time, error) {
	v := form.Get("due")
	if v == "" {
		return nil, nil
	}
	due, err := time.ParseInLocation("2006-01-02", v, time.UTC)
	if err != nil {
		return nil, rapport.FieldError("due", "write the due date as YYYY-MM-DD")
	}
	due = due.Add(17 * time.Hour)
	return &due, nil
}

// handleActionCreate adds an action item to feedback by hand.
func (s *Server) handleActionCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	form := r.PostForm
	n := rapport.NewAction{Title: form.Get("title")}
	p := rapport.Problems{}
	if n.TeamID, err = formID(form, "team_id"); err != nil {
		p.Add("team_id", "choose the team from the list")
	}
	if n.OwnerID, err = formID(form, "owner_id"); err != nil {
		p.Add("owner_id", "choose the owner from the list")
	}
	if due, err := formDue(form); err != nil {
		p.Add("due", "%s", rapport.ErrorMessage(err))
	} else if due != nil {
		n.DueAt = *due
	} else if v := form.Get("service_level"); v != "" {
		if n.ServiceLevel, err = rapport.ParseServiceLevel(v); err != nil {
			p.Add("service_level", "%s", rapport.ErrorMessage(err))
		}
	}
	err = p.Err()
	var a *rapport.ActionItem
	if err == nil {
		a, err = s.Store.CreateAction(r.Context(), c.scope, id, n)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		errs := fieldErrors(err)
		if msg, ok := errs["due_at"]; ok {
			errs["due"] = msg
		}
		return s.renderFeedbackPageForm(w, r, c, Status(err), id, errs, form)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/feedback/"+id.String()+"#actions", "Action item added for "+a.TeamName+", due "+a.DueAt.Format("2 Jan 2006")+".")
}

// handleFeedbackRoute applies the current rules to feedback again.
func (s *Server) handleFeedbackRoute(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	made, err := s.Store.RouteFeedback(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	msg := "No rule adds a team that has no action item yet: nothing new."
	if len(made) > 0 {
		var teams []string
		for _, a := range made {
			teams = append(teams, a.TeamName)
		}
		msg = "Routed again: new action items for " + strings.Join(teams, ", ") + "."
	}
	return s.redirect(w, r, "/feedback/"+id.String()+"#actions", msg)
}

// feedbackItems readies the action items of the feedback's page and the choices of
// the form that adds one.
func (s *Server) feedbackItems(r *http.Request, c *call, fb *rapport.Feedback, page *feedbackPage) error {
	items, _, err := s.Store.FindActions(r.Context(), c.scope, rapport.ActionFilter{FeedbackID: fb.ID, Limit: 500})
	if err != nil {
		return err
	}
	if page.Items, err = s.actionViews(r, c, items, "/feedback/"+fb.ID.String()+"#actions"); err != nil {
		return err
	}
	if !c.scope.CanWriteCustomers() {
		return nil
	}
	if page.ItemForm == nil {
		page.ItemForm = url.Values{"service_level": {"2d"}}
	}
	teams, err := s.Store.FindTeams(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page.ItemTeams = []option{{Value: "", Label: "Choose a team"}}
	page.ItemOwners = []option{{Value: "", Label: "No owner: the team picks one"}}
	for _, t := range teams {
		page.ItemTeams = append(page.ItemTeams, option{Value: t.ID.String(), Label: t.Name, Selected: page.ItemForm.Get("team_id") == t.ID.String()})
		for _, m := range t.Members {
			page.ItemOwners = append(page.ItemOwners, option{Value: m.ID.String(), Label: m.Name + " (" + t.Name + ")",
				Selected: page.ItemForm.Get("owner_id") == m.ID.String()})
		}
	}
	return nil
}
