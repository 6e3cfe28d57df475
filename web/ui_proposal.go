package web

import (
	"net/http"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/kmeans"
	"github.com/rapportckm/rapport/propose"
)

// proposalsPage shows the segments proposed by the latest clustering.
type proposalsPage struct {
	Proposals    *rapport.SegmentProposals
	Segments     []proposalView
	MinK, MaxK   int // the numbers of groups tried
	MinCustomers int
	CanRun       bool
}

// proposalView is one proposed segment, ready to print.
type proposalView struct {
	rapport.ProposedSegment
	Name   string // a name to save it under
	Traits []traitView
}

// traitView compares the segment with everyone on one feature.
type traitView struct {
	Label, Mean, Everyone string
}

func newProposalViews(p *rapport.SegmentProposals) []proposalView {
	views := make([]proposalView, len(p.Segments))
	for i, seg := range p.Segments {
		v := proposalView{ProposedSegment: seg, Name: proposalName(seg.Description)}
		for j, f := range p.Features {
			if j < len(seg.Means) {
				label := f.Label
				if (f.Name == "revenue" || f.Name == "clv") && p.Currency != "" {
					label += ", " + p.Currency
				}
				v.Traits = append(v.Traits, traitView{Label: label, Mean: kmeans.Number(seg.Means[j]), Everyone: kmeans.Number(f.Mean)})
			}
		}
		views[i] = v
	}
	return views
}

// proposalName is a segment name from a description: its traits without their
// averages, as long as a name may be.
func proposalName(description string) string {
	var parts []string
	for _, part := range strings.Split(description, ", ") {
		if i := strings.Index(part, " (avg"); i > 0 {
			part = part[:i]
		}
		parts = append(parts, part)
	}
	name := strings.Join(parts, ", ")
	if r := []rune(name); len(r) > 100 {
		name = string(r[:99]) + "…"
	}
	return name
}

func (s *Server) handleProposals(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := s.Store.FindSegmentProposals(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page := proposalsPage{Proposals: p, MinCustomers: propose.MinCustomers, CanRun: c.scope.CanExportCustomers()}
	if p != nil && len(p.Scores) > 0 {
		page.Segments = newProposalViews(p)
		page.MinK, page.MaxK = p.Scores[0].K, p.Scores[len(p.Scores)-1].K
	}
	return s.render(w, r, http.StatusOK, "proposals", c, "Proposed segments", page)
}

func (s *Server) handleProposalsRun(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanExportCustomers(), "propose segments"); err != nil {
		return err
	}
	if err := s.Store.EnqueueJob(r.Context(), c.scope, rapport.JobProposals, "", 0); err != nil {
		return err
	}
	return s.redirect(w, r, "/segments/proposed", "The customers will be clustered in a moment; reload this page to see the proposals.")
}
