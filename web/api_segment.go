package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

func (s *Server) apiSegmentIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	all, err := s.Store.FindSegments(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(all, ""))
	return nil
}

func (s *Server) apiSegmentCount(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Rule string `json:"rule"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.Store.CountSegment(r.Context(), c.scope, in.Rule)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"count": n})
	return nil
}

func (s *Server) apiSegmentCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Rule        string `json:"rule"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	g := &rapport.Segment{Name: in.Name, Description: in.Description, Rule: in.Rule}
	if err := s.Store.CreateSegment(r.Context(), c.scope, g); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, g)
	return nil
}

func (s *Server) apiSegmentShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	g, err := s.Store.FindSegmentByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiSegmentUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	var u rapport.SegmentUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	g, err := s.Store.UpdateSegment(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiSegmentDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSegment(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSegmentRefresh(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	g, err := s.Store.RefreshSegment(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *Server) apiSegmentHistory(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	h, err := s.Store.SegmentHistory(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(h, ""))
	return nil
}

func (s *Server) apiCustomerSegments(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	refs, err := s.Store.CustomerSegments(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(refs, ""))
	return nil
}

// apiProposals returns the segments proposed by the latest clustering of the customers.
func (s *Server) apiProposals(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := s.Store.FindSegmentProposals(r.Context(), c.scope)
	if err != nil {
		return err
	}
	if p == nil {
		return rapport.Errorf(rapport.ENOTFOUND, "no segments are proposed yet: the customers are clustered after they are valued, once a day")
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
