package web

import (
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
)

// apiFeedbackIndex lists the feedback the caller may see, newest heard first.
func (s *Server) apiFeedbackIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.FeedbackFilter{Kind: rapport.FeedbackKind(q.Get("kind")), Status: rapport.FeedbackStatus(q.Get("status")), Cursor: q.Get("cursor")}
	var err error
	if f.CustomerID, err = queryID(q, "customer_id"); err != nil {
		return err
	}
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	list, next, err := s.Store.FindFeedback(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list, next))
	return nil
}

// feedbackInput is what a client sends to log feedback; the sentiment is scored by
// Rapport and cannot be sent.
type feedbackInput struct {
	CustomerID rapport.ID             `json:"customer_id"`
	Kind       rapport.FeedbackKind   `json:"kind"`
	Text       string                 `json:"text"`
	Channel    rapport.Channel        `json:"channel"`
	Product    string                 `json:"product"`
	Area       string                 `json:"area"`
	Severity   rapport.Severity       `json:"severity"`
	Status     rapport.FeedbackStatus `json:"status"`
	HeardBy    rapport.ID             `json:"heard_by"`
	HeardAt    time.Time              `json:"heard_at"`
	Source     string                 `json:"source"`
	SourceKey  string                 `json:"source_id"`
	NoteID     rapport.ID             `json:"note_id"`
}

// apiFeedbackCreate logs feedback: 201 when new, 200 with the stored feedback when
// its source and source_id were logged before.
func (s *Server) apiFeedbackCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in feedbackInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	f := &rapport.Feedback{CustomerID: in.CustomerID, Kind: in.Kind, Text: in.Text, Channel: in.Channel, Product: in.Product,
		Area: in.Area, Severity: in.Severity, Status: in.Status, HeardBy: in.HeardBy, HeardAt: in.HeardAt,
		Source: in.Source, SourceKey: in.SourceKey, NoteID: in.NoteID}
	created, err := s.Store.CreateFeedback(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/feedback/"+f.ID.String())
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	writeJSON(w, status, f)
	return nil
}

func (s *Server) apiFeedbackShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	f, err := s.Store.FindFeedbackByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
