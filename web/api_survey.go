package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

func (s *Server) apiSurveyIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	all, err := s.Store.FindSurveys(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(all, ""))
	return nil
}

func (s *Server) apiSurveyCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var v rapport.Survey
	if err := decodeJSON(r, &v); err != nil {
		return err
	}
	if err := s.Store.CreateSurvey(r.Context(), c.scope, &v); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/surveys/"+v.ID.String())
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) apiSurveyShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	v, err := s.Store.FindSurveyByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiSurveyReplace(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	var v rapport.Survey
	if err := decodeJSON(r, &v); err != nil {
		return err
	}
	if err := s.Store.ReplaceSurvey(r.Context(), c.scope, id, &v); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiSurveyDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSurvey(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiSurveySend sends the survey to a segment; with "dry_run": true it only says whom
// it would ask.
func (s *Server) apiSurveySend(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	var in struct {
		SegmentID rapport.ID `json:"segment_id"`
		DryRun    bool       `json:"dry_run"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.SegmentID.IsZero() {
		return rapport.FieldError("segment_id", "segment_id is required: the segment whose members are asked")
	}
	var plan *rapport.SendPlan
	if in.DryRun {
		plan, err = s.Store.PlanSurveySend(r.Context(), c.scope, id, in.SegmentID)
	} else {
		plan, err = s.Store.SendSurvey(r.Context(), c.scope, id, in.SegmentID, s.baseURL(r))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, plan)
	return nil
}

func (s *Server) apiSurveyInvitations(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	n, err := queryLimit(q)
	if err != nil {
		return err
	}
	out, next, err := s.Store.FindInvitations(r.Context(), c.scope, id, n, q.Get("cursor"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(out, next))
	return nil
}

func (s *Server) apiSurveyResponses(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	n, err := queryLimit(q)
	if err != nil {
		return err
	}
	out, next, err := s.Store.FindResponses(r.Context(), c.scope, id, n, q.Get("cursor"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(out, next))
	return nil
}

// apiSurveyResults: ?period=week|month&by=team|product|segment&segment=ID.
func (s *Server) apiSurveyResults(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := rapport.ResultsFilter{Period: q.Get("period"), By: q.Get("by")}
	if f.Period != "" && f.Period != "week" && f.Period != "month" {
		return rapport.FieldError("period", "period must be week or month")
	}
	switch f.By {
	case "", "team", "product":
	case "segment":
		if f.SegmentID, err = rapport.ParseID(q.Get("segment")); err != nil {
			return rapport.FieldError("segment", "by=segment needs segment, the id of a segment")
		}
	default:
		return rapport.FieldError("by", "by must be team, product or segment")
	}
	res, err := s.Store.SurveyResults(r.Context(), c.scope, id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
