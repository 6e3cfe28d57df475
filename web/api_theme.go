package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// apiThemeIndex lists the themes with feedback the caller may see, by recent volume;
// ?view=opportunities keeps those made mostly of suggestions and needs.
func (s *Server) apiThemeIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.ThemeFilter{Cursor: q.Get("cursor")}
	switch q.Get("view") {
	case "", "all":
	case "opportunities":
		f.Opportunities = true
	default:
		return rapport.FieldError("view", "view %q is unknown; use all or opportunities", q.Get("view"))
	}
	var err error
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	list, next, err := s.Store.FindThemes(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next))
	return nil
}

func (s *Server) apiThemeShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return err
	}
	rep, err := s.Store.FindThemeReport(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// apiThemeUpdate renames a theme ({"name": ...}; "" goes back to the label) or marks
// it fixed or open ({"status": ...}).
func (s *Server) apiThemeUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return err
	}
	var in rapport.ThemeChange
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.Store.ChangeTheme(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiThemeMerge(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return err
	}
	var in struct {
		Into rapport.ID `json:"into"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Into.IsZero() {
		return rapport.FieldError("into", "into is required: the id of the theme to merge into")
	}
	t, err := s.Store.MergeThemes(r.Context(), c.scope, id, in.Into)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *Server) apiThemeSplit(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return err
	}
	var in rapport.ThemeSplit
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	t, err := s.Store.SplitTheme(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/themes/"+t.ID.String())
	writeJSON(w, http.StatusCreated, t)
	return nil
}

// apiFeedbackTheme moves feedback to a theme, where re-groupings leave it.
func (s *Server) apiFeedbackTheme(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	var in struct {
		ThemeID rapport.ID `json:"theme_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.ThemeID.IsZero() {
		return rapport.FieldError("theme_id", "theme_id is required: the id of the theme to move the feedback to")
	}
	f, err := s.Store.MoveFeedbackToTheme(r.Context(), c.scope, id, in.ThemeID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *Server) apiThemeAlertIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	list, err := s.Store.FindThemeAlerts(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, ""))
	return nil
}

func (s *Server) apiThemeAlertAck(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "alert")
	if err != nil {
		return err
	}
	if err := s.Store.AcknowledgeThemeAlert(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiThemeRegroup queues a full re-grouping (managers and admins): 202.
func (s *Server) apiThemeRegroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.Store.RequestRegrouping(r.Context(), c.scope); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "queued"})
	return nil
}
