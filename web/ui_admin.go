package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// Users.

type userIndex struct {
	Users  []*rapport.User
	Teams  []*rapport.Team
	Roles  []rapport.Role
	Form   url.Values
	Errors map[string]string
}

func (s *Server) renderUserIndex(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	if e := rapport.Require(c.scope.IsAdmin(), "manage users"); e != nil {
		return e
	}
	page := userIndex{Roles: rapport.Roles, Form: r.PostForm, Errors: fieldErrors(err)}
	var ferr error
	if page.Users, ferr = s.Store.FindUsers(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	if page.Teams, ferr = s.Store.FindTeams(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	return s.render(w, r, status, "users", c, "Users", page)
}

func (s *Server) handleUserIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderUserIndex(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	u := &rapport.User{Name: r.PostFormValue("name"), Email: r.PostFormValue("email"), Role: rapport.Role(r.PostFormValue("role"))}
	for _, id := range formIDs(r, "team_ids") {
		u.Teams = append(u.Teams, rapport.TeamRef{ID: id})
	}
	err := s.Store.CreateUser(r.Context(), c.scope, u, r.PostFormValue("password"))
	if formMistake(err) {
		return s.renderUserIndex(w, r, c, http.StatusBadRequest, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users", u.Name+" was added as "+string(u.Role)+".")
}

type userPage struct {
	Edited *rapport.User
	Teams  []*rapport.Team
	Roles  []rapport.Role
	Tokens []*rapport.Token
	Errors map[string]string
}

func (s *Server) renderUserPage(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	if e := rapport.Require(c.scope.IsAdmin(), "manage users"); e != nil {
		return e
	}
	id, ferr := pathID(r, "id", "user")
	if ferr != nil {
		return ferr
	}
	page := userPage{Roles: rapport.Roles, Errors: fieldErrors(err)}
	if page.Edited, ferr = s.Store.FindUserByID(r.Context(), c.scope, id); ferr != nil {
		return ferr
	}
	if page.Teams, ferr = s.Store.FindTeams(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	if page.Tokens, ferr = s.Store.FindTokens(r.Context(), c.scope, id); ferr != nil {
		return ferr
	}
	return s.render(w, r, status, "user", c, page.Edited.Name, page)
}

func (s *Server) handleUserShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderUserPage(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	var msg string
	if r.PostFormValue("action") == "password" {
		err, msg = s.setPassword(w, r, c, id, r.PostFormValue("password")), "The password was set, and the user's sessions ended."
	} else {
		name, email, role := r.PostFormValue("name"), r.PostFormValue("email"), rapport.Role(r.PostFormValue("role"))
		active, teams := r.PostFormValue("active") == "on", formIDs(r, "team_ids")
		_, err = s.Store.UpdateUser(r.Context(), c.scope, id, rapport.UserUpdate{Name: &name, Email: &email, Role: &role, Active: &active, TeamIDs: &teams})
		msg = "Changes to " + name + " were saved."
	}
	if formMistake(err) {
		return s.renderUserPage(w, r, c, http.StatusBadRequest, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users/"+id.String(), msg)
}

// Teams.

type teamIndex struct {
	Teams     []*rapport.Team
	Functions []string
	Form      url.Values
	Errors    map[string]string
}

func (s *Server) renderTeamIndex(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	if e := rapport.Require(c.scope.IsAdmin(), "manage teams"); e != nil {
		return e
	}
	teams, ferr := s.Store.FindTeams(r.Context(), c.scope)
	if ferr != nil {
		return ferr
	}
	return s.render(w, r, status, "teams", c, "Teams", teamIndex{Teams: teams, Functions: rapport.TeamFunctions, Form: r.PostForm, Errors: fieldErrors(err)})
}

func (s *Server) handleTeamIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderTeamIndex(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleTeamCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	t := &rapport.Team{Name: r.PostFormValue("name"), Function: r.PostFormValue("function"), Description: r.PostFormValue("description")}
	err := s.Store.CreateTeam(r.Context(), c.scope, t)
	if formMistake(err) {
		return s.renderTeamIndex(w, r, c, http.StatusBadRequest, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/teams/"+t.ID.String(), "Team "+t.Name+" was created: add its members.")
}

type teamPage struct {
	Team      *rapport.Team
	Users     []*rapport.User
	Functions []string
	Errors    map[string]string
}

func (s *Server) renderTeamPage(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	if e := rapport.Require(c.scope.IsAdmin(), "manage teams"); e != nil {
		return e
	}
	id, ferr := pathID(r, "id", "team")
	if ferr != nil {
		return ferr
	}
	page := teamPage{Functions: rapport.TeamFunctions, Errors: fieldErrors(err)}
	if page.Team, ferr = s.Store.FindTeamByID(r.Context(), c.scope, id); ferr != nil {
		return ferr
	}
	if page.Users, ferr = s.Store.FindUsers(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	return s.render(w, r, status, "team", c, page.Team.Name, page)
}

func (s *Server) handleTeamShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderTeamPage(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleTeamUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	name, function, desc, members := r.PostFormValue("name"), r.PostFormValue("function"), r.PostFormValue("description"), formIDs(r, "member_ids")
	_, err = s.Store.UpdateTeam(r.Context(), c.scope, id, rapport.TeamUpdate{Name: &name, Function: &function, Description: &desc, MemberIDs: &members})
	if formMistake(err) {
		return s.renderTeamPage(w, r, c, http.StatusBadRequest, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/teams/"+id.String(), "Team "+name+" was saved.")
}

func (s *Server) handleTeamDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	err = s.Store.DeleteTeam(r.Context(), c.scope, id)
	if rapport.ErrorCode(err) == rapport.ECONFLICT { // what holds the team, said on its page
		return s.renderTeamPage(w, r, c, http.StatusConflict, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/teams", "The team was deleted.")
}

// Walls.

type wallIndex struct {
	Walls  []*rapport.Wall
	Teams  []*rapport.Team
	Form   url.Values
	Errors map[string]string
}

func (s *Server) renderWallIndex(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	page := wallIndex{Form: r.PostForm, Errors: fieldErrors(err)}
	var ferr error
	if page.Walls, ferr = s.Store.FindWalls(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	if page.Teams, ferr = s.Store.FindTeams(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	return s.render(w, r, status, "walls", c, "Walls", page)
}

func (s *Server) handleWallIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderWallIndex(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleWallCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	wall := &rapport.Wall{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
	err := s.Store.CreateWall(r.Context(), c.scope, wall, formIDs(r, "team_ids"), nil)
	if formMistake(err) {
		return s.renderWallIndex(w, r, c, http.StatusBadRequest, asFormError(err, "name"))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/walls/"+wall.ID.String(), "Wall "+wall.Name+" was created: now choose the customers it covers.")
}

type wallPage struct {
	Wall    *rapport.Wall
	Teams   []*rapport.Team
	Query   string
	Results []*rapport.Customer
	Errors  map[string]string
}

// HasTeam reports whether the team is inside the wall.
func (p wallPage) HasTeam(id rapport.ID) bool {
	for _, t := range p.Wall.Teams {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) renderWallPage(w http.ResponseWriter, r *http.Request, c *call, status int, err error) error {
	id, ferr := pathID(r, "id", "wall")
	if ferr != nil {
		return ferr
	}
	page := wallPage{Query: r.URL.Query().Get("q"), Errors: fieldErrors(err)}
	if page.Wall, ferr = s.Store.FindWallByID(r.Context(), c.scope, id); ferr != nil {
		return ferr
	}
	if page.Teams, ferr = s.Store.FindTeams(r.Context(), c.scope); ferr != nil {
		return ferr
	}
	if page.Query != "" {
		if page.Results, _, ferr = s.Store.FindCustomers(r.Context(), c.scope, rapport.CustomerFilter{Query: page.Query, Limit: 10}); ferr != nil {
			return ferr
		}
	}
	return s.render(w, r, status, "wall", c, page.Wall.Name, page)
}

func (s *Server) handleWallShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderWallPage(w, r, c, http.StatusOK, nil)
}

func (s *Server) handleWallUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	name, desc, teams := r.PostFormValue("name"), r.PostFormValue("description"), formIDs(r, "team_ids")
	_, err = s.Store.UpdateWall(r.Context(), c.scope, id, rapport.WallUpdate{Name: &name, Description: &desc, TeamIDs: &teams})
	if formMistake(err) {
		return s.renderWallPage(w, r, c, http.StatusBadRequest, asFormError(err, "name"))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/walls/"+id.String(), "Wall "+name+" was saved.")
}

// changeWallCustomers adds or removes one chosen customer.
func (s *Server) changeWallCustomers(w http.ResponseWriter, r *http.Request, c *call, customer rapport.ID, add bool) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	wall, err := s.Store.FindWallByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	var ids []rapport.ID
	for _, cu := range wall.Customers {
		if cu.ID != customer {
			ids = append(ids, cu.ID)
		}
	}
	if add {
		ids = append(ids, customer)
	}
	wall, err = s.Store.UpdateWall(r.Context(), c.scope, id, rapport.WallUpdate{CustomerIDs: &ids})
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/walls/"+id.String(), "The wall now covers "+thousands.Count(wall.Covered, "customer")+".")
}

func (s *Server) handleWallCustomerAdd(w http.ResponseWriter, r *http.Request, c *call) error {
	customer, err := rapport.ParseID(r.PostFormValue("customer_id"))
	if err != nil {
		return rapport.FieldError("customer_id", "choose a customer to add")
	}
	return s.changeWallCustomers(w, r, c, customer, true)
}

func (s *Server) handleWallCustomerRemove(w http.ResponseWriter, r *http.Request, c *call) error {
	customer, err := pathID(r, "customer", "customer")
	if err != nil {
		return err
	}
	return s.changeWallCustomers(w, r, c, customer, false)
}

func (s *Server) handleWallDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteWall(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/walls", "The wall was deleted: its customers are visible to all staff.")
}

// asFormError shows a conflict (a duplicate name) at the field it is about.
func asFormError(err error, field string) error {
	if rapport.ErrorCode(err) == rapport.ECONFLICT {
		return rapport.FieldError(field, "that name is taken already")
	}
	return err
}

// Audit trail and sources.

type auditPage struct {
	Events []*rapport.AuditEvent
	pageLinks
	Query         url.Values
	Users         []*rapport.User
	Actions       []string
	Subjects      []auditSubject
	KeepReadsDays int
}

// auditSubject is a choice of the audit trail's What filter: the entities the events
// name for one kind of thing, a record and lists of them alike (reading a customer's
// notes is "notes", writing one is "note"). The first is the choice's value.
type auditSubject struct {
	Label    string
	Entities []string
}

func (a auditSubject) Value() string { return a.Entities[0] }

var auditSubjects = []auditSubject{
	{"Customers", []string{"customer", "customers"}},
	{"Source records", []string{"source_records", "golden_record"}},
	{"Interactions", []string{"interaction", "interactions"}},
	{"Attachments", []string{"attachment", "attachments"}},
	{"Notes", []string{"note", "notes"}},
	{"Links", []string{"link"}},
	{"Items", []string{"item", "items"}},
	{"Consents", []string{"consent"}},
	{"Duplicates", []string{"matches", "match"}},
	{"Feedback", []string{"feedback", "feedback_template"}},
	{"Action items", []string{"action_item"}},
	{"Themes", []string{"theme", "themes", "theme_alert", "idea"}},
	{"Surveys", []string{"survey", "survey_settings", "survey_response"}},
	{"Mail", []string{"mail"}},
	{"Segments", []string{"segment"}},
	{"Knowledge base", []string{"article", "article_file", "category", "question", "expert"}},
	{"Playbook", []string{"tip", "question_rule"}},
	{"Routing", []string{"routing_rule", "routing_settings"}},
	{"Portal", []string{"portal_account", "portal_settings"}},
	{"Source systems", []string{"source", "survivorship"}},
	{"Users", []string{"user"}},
	{"API tokens", []string{"token"}},
	{"Teams", []string{"team"}},
	{"Walls", []string{"wall"}},
	{"Audit trail", []string{"audit_events"}},
}

// auditEntities are the entities events record, those of every subject: what the API's
// entity filter takes.
var auditEntities = func() []string {
	var out []string
	for _, a := range auditSubjects {
		out = append(out, a.Entities...)
	}
	return out
}()

// auditActions are the actions events record, for the Action filter: the common ones
// first, then those of one kind of thing each.
var auditActions = []string{"read", "create", "update", "delete", "export", "import", "ingest", "sign_in", "sign_in_failed",
	"reset_requested", "merge", "unmerge", "propose", "accepted", "rejected", "save", "submit", "withdraw", "publish", "archive",
	"unarchive", "ask", "answer", "change answer", "article", "rate", "raise", "escalate", "acknowledge", "move", "split",
	"regroup", "request", "record", "invite", "register", "verify", "queue", "send"}

func (s *Server) handleAuditIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	f.Limit = 100
	q := r.URL.Query()
	if i := slices.IndexFunc(auditSubjects, func(a auditSubject) bool { return a.Value() == q.Get("entity") }); i >= 0 {
		f.Entities = auditSubjects[i].Entities
	}
	page := auditPage{Query: q, KeepReadsDays: s.KeepReadsDays, Actions: auditActions, Subjects: auditSubjects}
	var next string
	if page.Events, next, err = s.Store.FindAuditEvents(r.Context(), c.scope, f); err != nil {
		return err
	}
	page.pageLinks = pagerLinks("/admin/audit", q, next)
	if page.Users, err = s.Store.FindUsers(r.Context(), c.scope); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "audit", c, "Audit trail", page)
}

// sourcesPage lists the source systems with their trust, and the rule of each field
// of the golden record; after a refused form, as typed, with the errors by field.
type sourcesPage struct {
	Sources []sourceRow
	Rules   []fieldRule
	CanEdit bool
	Errors  map[string]string
}

type sourceRow struct {
	*rapport.Source
	Trust string
}

type fieldRule struct {
	Field   string
	Choices []option
}

var ruleLabels = map[rapport.SurvivalRule]string{
	rapport.RuleRecent: "Most recent change", rapport.RuleTrusted: "Most trusted source", rapport.RuleFrequent: "Held by most records",
}

// sources lists the source systems and, even before staff entered anything, the
// staff's own source, whose trust can be set like any other's.
func (s *Server) sources(r *http.Request, c *call) ([]*rapport.Source, error) {
	sources, err := s.Store.FindSources(r.Context(), c.scope)
	if err != nil {
		return nil, err
	}
	for _, src := range sources {
		if src.Name == rapport.StaffSource {
			return sources, nil
		}
	}
	return append(sources, &rapport.Source{Name: rapport.StaffSource, Title: "Entered in Rapport by staff"}), nil
}

func (s *Server) handleSourceIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderSourcesPage(w, r, c, http.StatusOK, nil)
}

func (s *Server) renderSourcesPage(w http.ResponseWriter, r *http.Request, c *call, status int, formErr error) error {
	sources, err := s.sources(r, c)
	if err != nil {
		return err
	}
	sv, err := s.Store.Survivorship(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page := sourcesPage{CanEdit: c.scope.IsAdmin(), Errors: map[string]string{}}
	var e *rapport.Error
	if errors.As(formErr, &e) {
		maps.Copy(page.Errors, e.Fields)
		if e.Field != "" {
			page.Errors[e.Field] = e.Message
		}
	}
	typed := func(key, stored string) string {
		if formErr != nil && r.PostForm.Has(key) {
			return r.PostForm.Get(key)
		}
		return stored
	}
	for _, src := range sources {
		page.Sources = append(page.Sources, sourceRow{src, typed("trust_"+src.Name, strconv.Itoa(src.Trust))})
	}
	for _, f := range rapport.GoldenFields {
		rule := fieldRule{Field: f}
		chosen := typed("rule_"+f, string(sv.Rule(f)))
		for _, r := range rapport.SurvivalRules {
			rule.Choices = append(rule.Choices, option{Value: string(r), Label: ruleLabels[r], Selected: string(r) == chosen})
		}
		page.Rules = append(page.Rules, rule)
	}
	return s.render(w, r, status, "sources", c, "Source systems", page)
}

// handleSurvivorshipUpdate saves the trust of the sources and the rules of the golden
// record from the sources page.
func (s *Server) handleSurvivorshipUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read: %v", err)
	}
	sv := rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{}, Trust: map[string]int{}}
	for _, f := range rapport.GoldenFields {
		if rule := r.PostForm.Get("rule_" + f); rule != "" {
			sv.Rules[f] = rapport.SurvivalRule(rule)
		}
	}
	for key, values := range r.PostForm {
		name, ok := strings.CutPrefix(key, "trust_")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(values[0]))
		if err != nil {
			return s.renderSourcesPage(w, r, c, http.StatusBadRequest, rapport.FieldError("trust."+name, "the trust of %s must be a whole number, such as 10", name))
		}
		sv.Trust[name] = n
	}
	err := s.Store.SetSurvivorship(r.Context(), c.scope, sv)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderSourcesPage(w, r, c, http.StatusBadRequest, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/sources", "Saved. Every customer's details are being chosen again by the new rules.")
}
