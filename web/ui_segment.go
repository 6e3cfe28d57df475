package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/segment"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/thousands"
)

// segmentsPage lists the segments and holds the builder of a new one.
type segmentsPage struct {
	Segments []*rapport.Segment
	Builder  segmentBuilder
}

// segmentBuilder is the form that writes a rule, with its count or its mistake.
type segmentBuilder struct {
	Segment  *rapport.Segment
	Action   string // where the form posts
	Count    *int   // the rule's live count, when it was counted
	Errors   map[string]string
	Fields   []*segment.Field
	Filters  []*segment.Field
	Examples []string
}

func newBuilder(g *rapport.Segment, action string) segmentBuilder {
	return segmentBuilder{Segment: g, Action: action, Fields: segment.Fields, Filters: segment.FilterFields, Examples: []string{
		`relationship = client AND clv > 500`,
		`count(type = ticket, attr.category = complaint, since 90d ago) >= 2`,
		`last(type = order) < 2026-03-01 OR count(type = order) = 0`,
		`sum(type = order, attr.product = "Sit-stand desks", currency = EUR) > 1000`,
		`consent = marketing AND NOT tag = "do-not-call"`,
		`monetary >= 4 AND p_alive < 0.5`,
	}}
}

// segmentPage shows a segment: its rule, size over time, and what can be done with it.
type segmentPage struct {
	Segment   *rapport.Segment
	History   []rapport.SegmentSize
	Chart     *lineChart
	CanChange bool
	CanExport bool
	Purposes  []rapport.Purpose
	Builder   segmentBuilder
}

func (s *Server) handleSegmentIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showSegments(w, r, c, http.StatusOK, newBuilder(&rapport.Segment{}, "/segments"))
}

func (s *Server) showSegments(w http.ResponseWriter, r *http.Request, c *call, status int, b segmentBuilder) error {
	all, err := s.Store.FindSegments(r.Context(), c.scope)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "segments", c, "Segments", segmentsPage{Segments: all, Builder: b})
}

// segmentForm reads the builder's fields.
func segmentForm(r *http.Request) *rapport.Segment {
	return &rapport.Segment{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Rule: r.PostFormValue("rule")}
}

// countOnly answers the builder's Count button: the page again, with the count or the
// rule's mistake. It is how the live count works without JavaScript.
func (s *Server) countOnly(r *http.Request, c *call, b *segmentBuilder) error {
	n, err := s.Store.CountSegment(r.Context(), c.scope, b.Segment.Rule)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		b.Errors = fieldErrors(err)
		return nil
	}
	b.Count = &n
	return err
}

func (s *Server) handleSegmentCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	b := newBuilder(segmentForm(r), "/segments")
	if r.PostFormValue("action") == "count" {
		if err := s.countOnly(r, c, &b); err != nil {
			return err
		}
		return s.showSegments(w, r, c, http.StatusOK, b)
	}
	err := s.Store.CreateSegment(r.Context(), c.scope, b.Segment)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		b.Errors = fieldErrors(err)
		return s.showSegments(w, r, c, http.StatusBadRequest, b)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/segments/"+b.Segment.ID.String(), fmt.Sprintf("Segment %s saved: %s.", b.Segment.Name, thousands.Count(b.Segment.Size, "customer")))
}

func (s *Server) handleSegmentShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	g, err := s.Store.FindSegmentByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	return s.showSegment(w, r, c, http.StatusOK, g, newBuilder(g, "/segments/"+id.String()))
}

func (s *Server) showSegment(w http.ResponseWriter, r *http.Request, c *call, status int, g *rapport.Segment, b segmentBuilder) error {
	history, err := s.Store.SegmentHistory(r.Context(), c.scope, g.ID)
	if err != nil {
		return err
	}
	page := segmentPage{Segment: g, History: history, Chart: sizeChart(history), Builder: b, Purposes: rapport.Purposes,
		CanChange: g.CanChange(c.scope),
		CanExport: c.scope.CanExportCustomers()}
	return s.render(w, r, status, "segment", c, g.Name, page)
}

func (s *Server) handleSegmentUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	g, err := s.Store.FindSegmentByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	form := segmentForm(r)
	b := newBuilder(form, "/segments/"+id.String())
	if r.PostFormValue("action") == "count" {
		if err := s.countOnly(r, c, &b); err != nil {
			return err
		}
		return s.showSegment(w, r, c, http.StatusOK, g, b)
	}
	updated, err := s.Store.UpdateSegment(r.Context(), c.scope, id, rapport.SegmentUpdate{Name: &form.Name, Description: &form.Description, Rule: &form.Rule})
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		b.Errors = fieldErrors(err)
		return s.showSegment(w, r, c, http.StatusBadRequest, g, b)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/segments/"+id.String(), fmt.Sprintf("Segment %s saved: %s.", updated.Name, thousands.Count(updated.Size, "customer")))
}

func (s *Server) handleSegmentRefresh(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	g, err := s.Store.RefreshSegment(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/segments/"+id.String(), fmt.Sprintf("Refreshed: %s.", thousands.Count(g.Size, "customer")))
}

func (s *Server) handleSegmentDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSegment(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/segments", "The segment was deleted.")
}

// handleSegmentCount is the builder's live count as it is typed: the count, or the
// mistake and its column.
func (s *Server) handleSegmentCount(w http.ResponseWriter, r *http.Request, c *call) error {
	n, err := s.Store.CountSegment(r.Context(), c.scope, r.PostFormValue("rule"))
	if rapport.ErrorCode(err) == rapport.EINVALID {
		msg := fieldErrors(err)["rule"] // as the form shows it without JavaScript
		if msg == "" {
			msg = sentence(rapport.ErrorMessage(err))
		}
		writeJSON(w, http.StatusOK, map[string]any{"error": msg})
		return nil
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": n})
	return nil
}

// handleSegmentExport streams the members who agreed to the purpose as CSV, for the
// web app and the API alike.
func (s *Server) handleSegmentExport(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "segment")
	if err != nil {
		return err
	}
	purpose := rapport.Purpose(r.URL.Query().Get("purpose"))
	out := csv.NewWriter(w)
	started := false
	// The headers go out with the first member, or after the last when there is none:
	// until then the export may still fail with an error of its own.
	start := func() error {
		started = true
		if err := startCSV(w, fmt.Sprintf("segment-%s-%s-%s.csv", id, purpose, time.Now().UTC().Format("20060102"))); err != nil {
			return err
		}
		return out.Write(exportHeader)
	}
	_, err = s.Store.ExportSegment(r.Context(), c.scope, id, purpose, func(e rapport.ExportedCustomer) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		return out.Write([]string{e.ID.String(), string(e.Kind), tabular.SpreadsheetSafe(e.Name), tabular.SpreadsheetSafe(e.Email), tabular.SpreadsheetSafe(e.Phone), e.Language,
			string(e.PreferredChannel), tabular.SpreadsheetSafe(e.City), e.Country})
	})
	if err != nil && !started {
		return err
	}
	if !started { // no one: the header alone
		if err := start(); err != nil {
			return err
		}
	}
	out.Flush()
	return errors.Join(err, out.Error())
}

var exportHeader = []string{"id", "kind", "name", "email", "phone", "language", "preferred_channel", "city", "country"}

// sizeChart draws a segment's size by day, each day in its place: the sizes are kept
// on the days they changed, and the days between are drawn without a value.
func sizeChart(h []rapport.SegmentSize) *lineChart {
	if len(h) == 0 {
		return nil
	}
	var days []string
	var sizes []float64
	var last time.Time
	for _, p := range h {
		d, err := time.Parse(time.DateOnly, p.Day)
		if err != nil {
			continue
		}
		for !last.IsZero() && last.AddDate(0, 0, 1).Before(d) {
			last = last.AddDate(0, 0, 1)
			days, sizes = append(days, last.Format("2 Jan 2006")), append(sizes, math.NaN())
		}
		days, sizes, last = append(days, d.Format("2 Jan 2006")), append(sizes, float64(p.Size)), d
	}
	return newLineChart("Size by day", "", days, map[string][]float64{"customers": sizes}, []string{"customers"})
}
