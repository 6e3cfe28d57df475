package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// matchesPage is the review queue.
type matchesPage struct {
	Status     rapport.MatchStatus
	Candidates []*rapport.MatchCandidate
	pageLinks
	Runs     []*rapport.Job // the latest resolution runs
	CanWrite bool
}

func (s *Server) handleMatchIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	status := cmp.Or(rapport.MatchStatus(q.Get("status")), rapport.MatchPending)
	if status == rapport.MatchAccepted { // accepted pairs are merges, listed with the others
		http.Redirect(w, r, "/matches/merged?reason=reviewed", http.StatusSeeOther)
		return nil
	}
	cands, next, err := s.Store.FindMatchCandidates(r.Context(), c.scope, rapport.MatchFilter{Status: status, Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		return err
	}
	page := &matchesPage{Status: status, Candidates: cands, CanWrite: c.scope.CanWriteCustomers()}
	page.pageLinks = pagerLinks("/matches", q, next)
	// The latest runs of both kinds: full runs and arriving customers resolved.
	for _, kind := range []string{rapport.JobResolve, rapport.JobResolveNew} {
		runs, err := s.Store.FindJobs(r.Context(), c.scope, kind, 3)
		if err != nil {
			return err
		}
		page.Runs = append(page.Runs, runs...)
	}
	when := func(j *rapport.Job) time.Time { return cmp.Or(j.FinishedAt, &j.RunAt).UTC() }
	slices.SortFunc(page.Runs, func(a, b *rapport.Job) int { return when(b).Compare(when(a)) })
	page.Runs = page.Runs[:min(len(page.Runs), 4)]
	title := "Possible duplicates"
	if status == rapport.MatchRejected {
		title = "Duplicates kept apart"
	}
	return s.render(w, r, http.StatusOK, "matches", c, title, page)
}

// mergesPage lists the merges identity resolution, reviewers and staff made.
type mergesPage struct {
	Reason rapport.MergeReason // "" for every merge
	Merges []*rapport.Merge
	pageLinks
	CanWrite bool
}

func (s *Server) handleMergeIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f := rapport.MergeFilter{Reason: rapport.MergeReason(q.Get("reason")), Cursor: q.Get("cursor"), Limit: 50}
	merges, next, err := s.Store.FindRecentMerges(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	page := &mergesPage{Reason: f.Reason, Merges: merges, CanWrite: c.scope.CanWriteCustomers()}
	page.pageLinks = pagerLinks("/matches/merged", q, next)
	return s.render(w, r, http.StatusOK, "merges", c, "Merged customers", page)
}

func (s *Server) handleMatchShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "proposed match")
	if err != nil {
		return err
	}
	m, err := s.Store.FindMatchCandidate(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	data := struct {
		Match    *rapport.MatchCandidate
		Rows     []matchRow
		CanWrite bool
	}{m, matchRows(m), c.scope.CanWriteCustomers()}
	return s.render(w, r, http.StatusOK, "match", c, m.Left.Name+" and "+m.Right.Name, data)
}

// matchRow is one line of the side-by-side comparison.
type matchRow struct {
	rapport.MatchField
	Label string
	Share int // the bar's width: the weight's share of the largest, in percent
}

func matchRows(m *rapport.MatchCandidate) []matchRow {
	largest := 0.0
	for _, f := range m.Explanation {
		largest = max(largest, f.Weight, -f.Weight)
	}
	var rows []matchRow
	for _, f := range m.Explanation {
		row := matchRow{MatchField: f, Label: human(f.Field)}
		switch f.Field {
		case "prior":
			row.Label = "Prior odds"
		case "email":
			row.Label = "E-mail"
		}
		if largest > 0 {
			row.Share = int(100 * max(f.Weight, -f.Weight) / largest)
		}
		rows = append(rows, row)
	}
	return rows
}

func (s *Server) handleMatchDecide(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "proposed match")
	if err != nil {
		return err
	}
	decision := r.PostFormValue("decision")
	if decision != "accept" && decision != "reject" {
		return rapport.FieldError("decision", "decide accept or reject, not %q", decision)
	}
	accept := decision == "accept"
	m, err := s.Store.DecideMatch(r.Context(), c.scope, id, accept)
	if err != nil {
		return err
	}
	flash := m.Left.Name + " and " + m.Right.Name + " are kept apart; they will not be proposed again."
	if accept {
		flash = m.Left.Name + " and " + m.Right.Name + " are now one customer."
	}
	// On to the next pair, so that a reviewer can work through the queue.
	next, _, err := s.Store.FindMatchCandidates(r.Context(), c.scope, rapport.MatchFilter{Limit: 1})
	if err != nil {
		return err
	}
	if len(next) > 0 {
		return s.redirect(w, r, "/matches/"+next[0].ID.String(), flash)
	}
	return s.redirect(w, r, "/matches", flash+" The queue is empty.")
}

func (s *Server) handleResolveRun(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "start identity resolution"); err != nil {
		return err
	}
	if err := s.Store.EnqueueJob(r.Context(), c.scope, rapport.JobResolve, "", 0); err != nil {
		return err
	}
	return s.redirect(w, r, "/matches", "Identity resolution will run in a moment; reload this page to see its result.")
}

func (s *Server) handleCustomerMerge(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	mergedID, err := rapport.ParseID(strings.TrimSpace(r.PostFormValue("merged_id")))
	if err != nil {
		return rapport.FieldError("merged_id", "choose the customer to merge into this one")
	}
	m, err := s.Store.MergeCustomers(r.Context(), c.scope, id, mergedID, rapport.MergeManual, 0)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "merge", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String(), m.MergedName+" was merged into this customer. You can undo it under Merged records.")
}

func (s *Server) handleCustomerUnmerge(w http.ResponseWriter, r *http.Request, c *call) error {
	mergedID, err := rapport.ParseID(r.PostFormValue("merged_id"))
	if err != nil {
		return rapport.FieldError("merged_id", "choose the merged record to take out")
	}
	m, err := s.Store.UnmergeCustomer(r.Context(), c.scope, mergedID)
	if err != nil {
		return err
	}
	to := cmp.Or(safeBack(r.PostFormValue("back")), "/customers/"+m.TargetID.String())
	return s.redirect(w, r, to, m.MergedName+" is a separate customer again.")
}
