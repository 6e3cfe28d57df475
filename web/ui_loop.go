package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/rapportckm/rapport"
)

// loopPage is the feedback dashboard: how fast feedback is triaged, resolved and the
// customer told, by month and by team.
type loopPage struct {
	*rapport.LoopMeasures
	Period  int // months shown
	Choices []int
	Times   *lineChart // median hours to each step, by month
	Volume  *lineChart // logged and informed, by month
	// Satisfaction: each survey's score by month and by team, over the same months.
	Surveys []surveyTrend
}

// surveyTrend is one survey on the dashboard.
type surveyTrend struct {
	*rapport.SurveyResults
	Chart *scoreChart
}

// loopSince reads ?months= (12 by default, at most 36) and returns the first month to
// measure from.
func loopSince(r *http.Request, now time.Time) (int, time.Time, error) {
	months := 12
	if v := r.URL.Query().Get("months"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 36 {
			return 0, time.Time{}, rapport.FieldError("months", "months must be a whole number from 1 to 36")
		}
		months = n
	}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(months - 1), 0)
	return months, first, nil
}

func (s *Server) handleLoopDashboard(w http.ResponseWriter, r *http.Request, c *call) error {
	months, since, err := loopSince(r, time.Now().UTC())
	if err != nil {
		return err
	}
	m, err := s.Store.MeasureFeedbackLoop(r.Context(), c.scope, since)
	if err != nil {
		return err
	}
	page := loopPage{LoopMeasures: m, Period: months, Choices: []int{3, 6, 12, 24}}
	var labels []string
	times := map[string][]float64{}
	volume := map[string][]float64{}
	hours := func(d rapport.Durations) float64 {
		if d.N == 0 {
			return math.NaN()
		}
		return d.MedianHours
	}
	for _, mo := range m.Months {
		labels = append(labels, mo.Month)
		times["to triage"] = append(times["to triage"], hours(mo.Triage))
		times["to resolve"] = append(times["to resolve"], hours(mo.Resolve))
		times["to inform"] = append(times["to inform"], hours(mo.Inform))
		volume["logged"] = append(volume["logged"], float64(mo.Logged))
		volume["customer informed"] = append(volume["customer informed"], float64(mo.Inform.N))
	}
	page.Times = newLineChart("Median hours from logging to each step, by month", "h", labels, times, []string{"to triage", "to resolve", "to inform"})
	page.Volume = newLineChart("Feedback logged and customers informed, by month", "", labels, volume, []string{"logged", "customer informed"})
	if page.Surveys, err = s.surveyTrends(r, c, since); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "loop", c, "Closing the loop", page)
}

func (s *Server) apiLoopMeasures(w http.ResponseWriter, r *http.Request, c *call) error {
	_, since, err := loopSince(r, time.Now().UTC())
	if err != nil {
		return err
	}
	m, err := s.Store.MeasureFeedbackLoop(r.Context(), c.scope, since)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// surveyTrends scores the surveys with answers since, by month and by team, for the
// dashboard's satisfaction section (at most six surveys; each has its own page).
func (s *Server) surveyTrends(r *http.Request, c *call, since time.Time) ([]surveyTrend, error) {
	surveys, err := s.Store.FindSurveys(r.Context(), c.scope)
	if err != nil {
		return nil, err
	}
	var out []surveyTrend
	for _, v := range surveys {
		res, err := s.Store.SurveyResults(r.Context(), c.scope, v.ID, rapport.ResultsFilter{Period: "month", By: "team", Since: since})
		if err != nil {
			return nil, err
		}
		if res.Overall.N == 0 {
			continue
		}
		chart := newScoreChart(v.Kind, res.Periods, v.Name+": "+scoreUnit(v.Kind)+" by month with 95% confidence intervals")
		out = append(out, surveyTrend{SurveyResults: res, Chart: chart})
		if len(out) == 6 {
			break
		}
	}
	return out, nil
}
