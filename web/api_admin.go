package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// Users.

func (s *Server) apiUserIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	users, err := s.Store.FindUsers(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(users, ""))
	return nil
}

func (s *Server) apiUserShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	u, err := s.Store.FindUserByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Email    string       `json:"email"`
		Name     string       `json:"name"`
		Role     rapport.Role `json:"role"`
		TeamIDs  []rapport.ID `json:"team_ids"`
		Password string       `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u := &rapport.User{Email: in.Email, Name: in.Name, Role: in.Role}
	for _, id := range in.TeamIDs {
		u.Teams = append(u.Teams, rapport.TeamRef{ID: id})
	}
	if err := s.Store.CreateUser(r.Context(), c.scope, u, in.Password); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

func (s *Server) apiUserUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "user")
	if err != nil {
		return err
	}
	var upd rapport.UserUpdate
	if err := decodeJSON(r, &upd); err != nil {
		return err
	}
	u, err := s.Store.UpdateUser(r.Context(), c.scope, id, upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// Teams.

func (s *Server) apiTeamIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	teams, err := s.Store.FindTeams(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(teams, ""))
	return nil
}

func (s *Server) apiTeamShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	t, err := s.Store.FindTeamByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiTeamCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Name        string       `json:"name"`
		Function    string       `json:"function"`
		Description string       `json:"description"`
		MemberIDs   []rapport.ID `json:"member_ids"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t := &rapport.Team{Name: in.Name, Function: in.Function, Description: in.Description}
	for _, id := range in.MemberIDs {
		t.Members = append(t.Members, rapport.UserRef{ID: id})
	}
	if err := s.Store.CreateTeam(r.Context(), c.scope, t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *Server) apiTeamUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	var u rapport.TeamUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	t, err := s.Store.UpdateTeam(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiTeamDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "team")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteTeam(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Walls.

func (s *Server) apiWallIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	walls, err := s.Store.FindWalls(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(walls, ""))
	return nil
}

func (s *Server) apiWallShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	wall, err := s.Store.FindWallByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wall)
	return nil
}

func (s *Server) apiWallCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Name        string       `json:"name"`
		Description string       `json:"description"`
		TeamIDs     []rapport.ID `json:"team_ids"`
		CustomerIDs []rapport.ID `json:"customer_ids"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	wall := &rapport.Wall{Name: in.Name, Description: in.Description}
	if err := s.Store.CreateWall(r.Context(), c.scope, wall, in.TeamIDs, in.CustomerIDs); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, wall)
	return nil
}

func (s *Server) apiWallUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	var u rapport.WallUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	wall, err := s.Store.UpdateWall(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wall)
	return nil
}

func (s *Server) apiWallDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "wall")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteWall(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Audit trail.

func (s *Server) apiAuditIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := auditFilter(r)
	if err != nil {
		return err
	}
	events, next, err := s.Store.FindAuditEvents(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(events, next))
	return nil
}

// auditFilter reads the audit trail's filters, shared by the page and the API. Times
// are RFC 3339 or dates (YYYY-MM-DD, from midnight UTC).
func auditFilter(r *http.Request) (rapport.AuditFilter, error) {
	q := r.URL.Query()
	f := rapport.AuditFilter{Action: q.Get("action"), Cursor: q.Get("cursor")}
	// A value no event records would find nothing, as if nothing had happened.
	if f.Action != "" && !slices.Contains(auditActions, f.Action) {
		return f, rapport.FieldError("action", "action %q is unknown; use one of %s", f.Action, strings.Join(auditActions, ", "))
	}
	if e := q.Get("entity"); e != "" {
		if !slices.Contains(auditEntities, e) {
			return f, rapport.FieldError("entity", "entity %q is unknown; use one of %s", e, strings.Join(auditEntities, ", "))
		}
		f.Entities = []string{e}
	}
	var err error
	if f.ThroughWall, err = queryBool(q, "through_wall"); err != nil {
		return f, err
	}
	if f.UserID, err = queryID(q, "user_id"); err != nil {
		return f, err
	}
	if f.CustomerID, err = queryID(q, "customer_id"); err != nil {
		return f, err
	}
	if f.Limit, err = queryLimit(q); err != nil {
		return f, err
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
		days int
	}{{"since", &f.Since, 0}, {"until", &f.Until, 1}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			*p.dst = t
		} else if d, err := time.Parse("2006-01-02", v); err == nil {
			*p.dst = d.AddDate(0, 0, p.days) // "until" a date includes that day
		} else {
			return f, rapport.FieldError(p.name, "%s must be a date such as 2024-05-01 or an RFC 3339 time, not %q", p.name, v)
		}
	}
	return f, nil
}

// Tokens: a user's own API tokens.

func (s *Server) apiTokenIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	tokens, err := s.Store.FindTokens(r.Context(), c.scope, c.user.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(tokens, ""))
	return nil
}

func (s *Server) apiTokenCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, secret, err := s.Store.CreateToken(r.Context(), c.scope, c.user.ID, in.Name)
	if err != nil {
		return err
	}
	// The secret is shown this once: neither caches nor the Idempotency-Key's stored
	// response keep it.
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, struct {
		*rapport.Token
		Secret string `json:"secret"`
	}{t, secret})
	return nil
}

func (s *Server) apiTokenRevoke(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "token")
	if err != nil {
		return err
	}
	if err := s.Store.RevokeToken(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
