package web

import (
	"net/http"
	"strings"

	"github.com/rapportckm/rapport"
)

// Identity resolution: merges, the review queue of proposed matches, resolution runs.
// The store checks roles and walls; these handlers only read and answer.

func (s *Server) apiMergeIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	merges, err := s.Store.FindMerges(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(merges, ""))
	return nil
}

func (s *Server) apiCustomerMerge(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	// A string, not a rapport.ID, so that a malformed id is reported on merged_id
	// rather than as an unplaced JSON error.
	var in struct {
		MergedID string `json:"merged_id"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	mergedID, err := rapport.ParseID(strings.TrimSpace(in.MergedID))
	if err != nil {
		return rapport.FieldError("merged_id", "merged_id must be the id of the customer to merge into this one: %s", rapport.ErrorMessage(err))
	}
	m, err := s.Store.MergeCustomers(r.Context(), c.scope, id, mergedID, rapport.MergeManual, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiCustomerUnmerge(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	m, err := s.Store.UnmergeCustomer(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiRecentMerges(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.MergeFilter{Reason: rapport.MergeReason(q.Get("reason")), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	merges, next, err := s.Store.FindRecentMerges(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(merges, next))
	return nil
}

func (s *Server) apiMatchIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.MatchFilter{Status: rapport.MatchStatus(q.Get("status")), Cursor: q.Get("cursor")}
	var err error
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	cands, next, err := s.Store.FindMatchCandidates(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(cands, next))
	return nil
}

func (s *Server) apiMatchShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "proposed match")
	if err != nil {
		return err
	}
	m, err := s.Store.FindMatchCandidate(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Server) apiMatchDecide(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "proposed match")
	if err != nil {
		return err
	}
	var in struct {
		Decision string `json:"decision"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	// Unlike the web form, the API takes no default: a typo must not reject a match.
	if in.Decision != "accept" && in.Decision != "reject" {
		return rapport.FieldError("decision", `decision must be "accept" or "reject", not %q`, in.Decision)
	}
	m, err := s.Store.DecideMatch(r.Context(), c.scope, id, in.Decision == "accept")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// apiResolutionRun queues a run rather than running it: resolution compares every
// customer, which takes longer than a request should, and a run already queued serves.
func (s *Server) apiResolutionRun(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "start identity resolution"); err != nil {
		return err
	}
	if err := s.Store.EnqueueJob(r.Context(), c.scope, rapport.JobResolve, "", 0); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"queued": true})
	return nil
}
