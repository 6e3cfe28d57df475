package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

// apiFeedbackUpdate changes the status of feedback: {"status": "resolved",
// "resolution": "…"}, {"status": "informed", "informed_via": "email"}.
func (s *Server) apiFeedbackUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	var in rapport.FeedbackChange
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	f, err := s.Store.ChangeFeedbackStatus(r.Context(), c.scope, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
