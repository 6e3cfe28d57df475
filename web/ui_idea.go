package web

import (
	"net/http"
	"strconv"

	"github.com/rapportckm/rapport"
)

// Ideas are proposed and moved on from the page of the theme they answer.

func (s *Server) handleThemeIdeaCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := themeForm(r)
	if err != nil {
		return err
	}
	in := rapport.IdeaInput{Title: r.PostForm.Get("title"), Description: r.PostForm.Get("description"), ThemeID: id}
	idea, err := s.Store.CreateIdea(r.Context(), c.scope, in)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		page, perr := s.themePage(r, c, id, fieldErrors(err))
		if perr != nil {
			return perr
		}
		page.IdeaForm = in
		return s.render(w, r, Status(err), "theme", c, page.Title(), page)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/themes/"+id.String()+"#ideas", "Idea “"+idea.Title+"” proposed.")
}

func (s *Server) handleIdeaStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "idea")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	idea, err := s.Store.FindIdea(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	in := rapport.IdeaInput{Title: idea.Title, Description: idea.Description, Status: rapport.IdeaStatus(r.PostForm.Get("status")), ThemeID: idea.ThemeID}
	if _, err := s.Store.UpdateIdea(r.Context(), c.scope, id, in); err != nil {
		return err
	}
	back := "/themes/" + idea.ThemeID.String() + "#ideas"
	if idea.ThemeID.IsZero() {
		back = "/themes"
	}
	return s.redirect(w, r, back, "“"+idea.Title+"” is now "+string(in.Status)+".")
}

// The API.

func (s *Server) apiIdeaIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.IdeaFilter{Status: rapport.IdeaStatus(q.Get("status"))}
	var err error
	if f.ThemeID, err = queryID(q, "theme_id"); err != nil {
		return err
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return rapport.FieldError("limit", "limit must be a whole number from 1 to 500")
		}
	}
	ideas, err := s.Store.FindIdeas(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": ideas})
	return nil
}

func (s *Server) apiIdeaCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in rapport.IdeaInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	idea, err := s.Store.CreateIdea(r.Context(), c.scope, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, idea)
	return nil
}

func (s *Server) apiIdeaShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "idea")
	if err != nil {
		return err
	}
	idea, err := s.Store.FindIdea(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, idea)
	return nil
}

// apiIdeaUpdate changes the fields sent and keeps the others; "theme_id": null unlinks.
func (s *Server) apiIdeaUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "idea")
	if err != nil {
		return err
	}
	idea, err := s.Store.FindIdea(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	var patch struct {
		Title       *string             `json:"title"`
		Description *string             `json:"description"`
		Status      *rapport.IdeaStatus `json:"status"`
		ThemeID     *rapport.ID         `json:"theme_id"`
	}
	patch.ThemeID = &idea.ThemeID
	if err := decodeJSON(r, &patch); err != nil {
		return err
	}
	in := rapport.IdeaInput{Title: idea.Title, Description: idea.Description, Status: idea.Status}
	if patch.Title != nil {
		in.Title = *patch.Title
	}
	if patch.Description != nil {
		in.Description = *patch.Description
	}
	if patch.Status != nil {
		in.Status = *patch.Status
	}
	if patch.ThemeID != nil {
		in.ThemeID = *patch.ThemeID
	}
	updated, err := s.Store.UpdateIdea(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, updated)
	return nil
}
