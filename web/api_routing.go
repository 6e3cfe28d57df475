package web

import (
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
)

// routingRuleInput is what a client sends to add or replace a routing rule.
type routingRuleInput struct {
	Position     int                    `json:"position"`
	Name         string                 `json:"name"`
	Kinds        []rapport.FeedbackKind `json:"kinds"`
	Product      string                 `json:"product"`
	Area         string                 `json:"area"`
	Words        []string               `json:"words"`
	MinValue     *float64               `json:"min_value"`
	MinSeverity  rapport.Severity       `json:"min_severity"`
	TeamID       rapport.ID             `json:"team_id"`
	OwnerID      rapport.ID             `json:"owner_id"`
	ServiceLevel rapport.ServiceLevel   `json:"service_level"`
	Title        string                 `json:"title"`
}

func (in routingRuleInput) rule() *rapport.RoutingRule {
	return &rapport.RoutingRule{Position: in.Position, Name: in.Name, Kinds: in.Kinds, Product: in.Product, Area: in.Area,
		Words: in.Words, MinValue: in.MinValue, MinSeverity: in.MinSeverity, TeamID: in.TeamID, OwnerID: in.OwnerID,
		ServiceLevel: in.ServiceLevel, Title: in.Title}
}

func (s *Server) apiRuleIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	rules, err := s.Store.FindRoutingRules(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(rules, ""))
	return nil
}

func (s *Server) apiRuleCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in routingRuleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rule := in.rule()
	if err := s.Store.CreateRoutingRule(r.Context(), c.scope, rule); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/routing-rules/"+rule.ID.String())
	writeJSON(w, http.StatusCreated, rule)
	return nil
}

func (s *Server) apiRuleShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	rule, err := s.Store.FindRoutingRule(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) apiRuleReplace(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	var in routingRuleInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rule := in.rule()
	if err := s.Store.UpdateRoutingRule(r.Context(), c.scope, id, rule); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rule)
	return nil
}

func (s *Server) apiRuleDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "routing rule")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteRoutingRule(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiRoutingSettings(w http.ResponseWriter, r *http.Request, c *call) error {
	rs, err := s.Store.FindRoutingSettings(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

func (s *Server) apiRoutingSettingsSet(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		FallbackTeamID       rapport.ID           `json:"fallback_team_id"`
		FallbackServiceLevel rapport.ServiceLevel `json:"fallback_service_level"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rs := &rapport.RoutingSettings{FallbackTeamID: in.FallbackTeamID, FallbackServiceLevel: in.FallbackServiceLevel}
	if err := s.Store.SetRoutingSettings(r.Context(), c.scope, rs); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

// apiActionIndex lists the action items the caller may see: ?whose=mine|teams|all,
// ?status=open|done, ?team_id=, ?overdue=true.
func (s *Server) apiActionIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.ActionFilter{Whose: rapport.ActionWhose(q.Get("whose")), Status: rapport.ActionStatus(q.Get("status")),
		Cursor: q.Get("cursor")}
	var err error
	if f.Overdue, err = queryBool(q, "overdue"); err != nil {
		return err
	}
	if f.TeamID, err = queryID(q, "team_id"); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	items, next, err := s.Store.FindActions(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

// apiFeedbackActionIndex lists the action items of one piece of feedback.
func (s *Server) apiFeedbackActionIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	// Reading the feedback checks that the caller may see it: hidden is not found.
	if _, err := s.Store.FindFeedbackByID(r.Context(), c.scope, id); err != nil {
		return err
	}
	items, _, err := s.Store.FindActions(r.Context(), c.scope, rapport.ActionFilter{FeedbackID: id, Limit: 500})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, ""))
	return nil
}

func (s *Server) apiActionCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	var in rapport.NewAction
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := s.Store.CreateAction(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/actions/"+a.ID.String())
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// apiFeedbackRoute applies the current rules to feedback again and returns the
// action items it added.
func (s *Server) apiFeedbackRoute(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	made, err := s.Store.RouteFeedback(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(made, ""))
	return nil
}

func (s *Server) apiActionShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "action item")
	if err != nil {
		return err
	}
	a, err := s.Store.FindActionByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// apiActionUpdate changes an action item: {"owner_id": …} ("" or null-like zero id to
// take the owner away), {"due_at": …}, {"status": "done", "note": …}, {"status": "open"}.
func (s *Server) apiActionUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "action item")
	if err != nil {
		return err
	}
	var in struct {
		OwnerID *string               `json:"owner_id"`
		DueAt   *time.Time            `json:"due_at"`
		Status  *rapport.ActionStatus `json:"status"`
		Note    *string               `json:"note"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u := rapport.ActionUpdate{DueAt: in.DueAt, Status: in.Status, Note: in.Note}
	if in.OwnerID != nil {
		var owner rapport.ID
		if *in.OwnerID != "" {
			if owner, err = rapport.ParseID(*in.OwnerID); err != nil {
				return rapport.FieldError("owner_id", "owner_id is not an id: send a user's id, or \"\" for no owner")
			}
		}
		u.OwnerID = &owner
	}
	a, err := s.Store.UpdateAction(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
