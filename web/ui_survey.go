package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// surveyForm is the form that creates or changes a survey.
type surveyForm struct {
	Survey    *rapport.Survey
	Action    string
	Kinds     []rapport.SurveyKind
	Events    []rapport.SurveyEvent
	Delays    map[rapport.SurveyEvent]int // hours, for the events chosen
	FollowUp  string                      // the first follow-up question's text
	Errors    map[string]string
	CanManage bool
}

func newSurveyForm(v *rapport.Survey, action string, canManage bool) surveyForm {
	f := surveyForm{Survey: v, Action: action, Kinds: rapport.SurveyKinds, Events: rapport.SurveyEvents,
		Delays: map[rapport.SurveyEvent]int{}, CanManage: canManage}
	for _, t := range v.Triggers {
		f.Delays[t.Event] = int(t.Delay)
	}
	if len(v.FollowUps) > 0 {
		f.FollowUp = v.FollowUps[0].Text
	}
	return f
}

// readSurveyForm reads the survey form: a trigger per event ticked, with its delay in
// hours; one free-text follow-up question.
func readSurveyForm(r *http.Request, old *rapport.Survey) *rapport.Survey {
	v := &rapport.Survey{Name: r.PostFormValue("name"), Kind: rapport.SurveyKind(r.PostFormValue("kind")),
		SurveyText: rapport.SurveyText{Question: r.PostFormValue("question"), Intro: r.PostFormValue("intro"), Subject: r.PostFormValue("subject")},
		Active:     r.PostFormValue("active") == "on"}
	if old != nil {
		v.Kind, v.Translations, v.FollowUps = old.Kind, old.Translations, old.FollowUps
	}
	if days := strings.TrimSpace(r.PostFormValue("ask_every_days")); days != "" {
		var err error
		if v.AskEveryDays, err = strconv.Atoi(days); err != nil {
			v.AskEveryDays = -1 // not a number: refused beside the field, not saved as the default
		}
	}
	for _, e := range rapport.SurveyEvents {
		if r.PostFormValue("trigger_"+string(e)) == "on" {
			h, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("delay_" + string(e))))
			if err != nil && strings.TrimSpace(r.PostFormValue("delay_"+string(e))) != "" {
				h = -1 // not a number: refused beside the field, not saved as no delay
			}
			v.Triggers = append(v.Triggers, rapport.SurveyTrigger{Event: e, Delay: rapport.Duration(h)})
		}
	}
	if q := strings.TrimSpace(r.PostFormValue("follow_up")); q != "" {
		if len(v.FollowUps) > 0 && v.FollowUps[0].Kind == "text" {
			v.FollowUps = append([]rapport.FollowUp{{Text: q, Kind: "text"}}, v.FollowUps[1:]...)
		} else if len(v.FollowUps) == 0 {
			v.FollowUps = []rapport.FollowUp{{Text: q, Kind: "text"}}
		}
	} else if len(v.FollowUps) > 0 && v.FollowUps[0].Kind == "text" {
		v.FollowUps = v.FollowUps[1:]
	}
	return v
}

type surveysPage struct {
	Surveys  []*rapport.Survey
	Scores   map[rapport.ID]*rapport.SurveyResults
	Form     surveyForm
	Settings *rapport.SurveySettings
	IsAdmin  bool
}

func (s *Server) handleSurveyIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showSurveys(w, r, c, http.StatusOK, newSurveyForm(&rapport.Survey{Kind: rapport.SurveyNPS, AskEveryDays: 90, Active: true}, "/surveys", c.scope.CanManageSurveys()))
}

func (s *Server) showSurveys(w http.ResponseWriter, r *http.Request, c *call, status int, form surveyForm) error {
	all, err := s.Store.FindSurveys(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page := surveysPage{Surveys: all, Scores: map[rapport.ID]*rapport.SurveyResults{}, Form: form, IsAdmin: c.scope.IsAdmin()}
	for _, v := range all {
		if page.Scores[v.ID], err = s.Store.SurveyResults(r.Context(), c.scope, v.ID, rapport.ResultsFilter{}); err != nil {
			return err
		}
	}
	if page.Settings, err = s.Store.FindSurveySettings(r.Context(), c.scope); err != nil {
		return err
	}
	return s.render(w, r, status, "surveys", c, "Surveys", page)
}

func (s *Server) handleSurveyCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	v := readSurveyForm(r, nil)
	err := s.Store.CreateSurvey(r.Context(), c.scope, v)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		form := newSurveyForm(v, "/surveys", true)
		form.Errors = fieldErrors(err)
		return s.showSurveys(w, r, c, http.StatusBadRequest, form)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/surveys/"+v.ID.String(), "Survey "+v.Name+" saved.")
}

func (s *Server) handleSurveySettings(w http.ResponseWriter, r *http.Request, c *call) error {
	n, err := strconv.Atoi(r.PostFormValue("min_days_between"))
	if err != nil {
		return rapport.FieldError("min_days_between", "give a whole number of days")
	}
	if err := s.Store.UpdateSurveySettings(r.Context(), c.scope, rapport.SurveySettings{MinDaysBetween: n}); err != nil {
		return err
	}
	return s.redirect(w, r, "/surveys", fmt.Sprintf("No customer is asked more than once in %s.", thousands.Count(n, "day")))
}

type surveyPage struct {
	Survey    *rapport.Survey
	Results   *rapport.SurveyResults
	Chart     *scoreChart
	Filter    rapport.ResultsFilter
	Segments  []*rapport.Segment
	Send      sendForm
	Responses []*rapport.SurveyResponse
	Form      surveyForm
	CanManage bool
	Unit      string
}

type sendForm struct {
	SegmentID rapport.ID
	Plan      *rapport.SendPlan
	Sent      bool
	Error     string
}

func (s *Server) handleSurveyShow(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.showSurvey(w, r, c, http.StatusOK, nil, sendForm{})
}

func (s *Server) showSurvey(w http.ResponseWriter, r *http.Request, c *call, status int, form *surveyForm, send sendForm) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	v, err := s.Store.FindSurveyByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := rapport.ResultsFilter{Period: q.Get("period"), By: q.Get("by")}
	if f.By == "segment" {
		if f.SegmentID, err = rapport.ParseID(q.Get("segment")); err != nil {
			f.By = ""
		}
	} else if f.By != "team" && f.By != "product" {
		f.By = ""
	}
	res, err := s.Store.SurveyResults(r.Context(), c.scope, id, f)
	if rapport.ErrorCode(err) == rapport.ENOTFOUND && f.By == "segment" {
		f.By, f.SegmentID = "", rapport.ID{}
		res, err = s.Store.SurveyResults(r.Context(), c.scope, id, f)
	}
	if err != nil {
		return err
	}
	segments, err := s.Store.FindSegments(r.Context(), c.scope)
	if err != nil {
		return err
	}
	responses, _, err := s.Store.FindResponses(r.Context(), c.scope, id, 20, "")
	if err != nil {
		return err
	}
	page := surveyPage{Survey: v, Results: res, Filter: f, Segments: segments, Send: send,
		Responses: responses, CanManage: c.scope.CanManageSurveys(), Unit: scoreUnit(v.Kind)}
	if page.Filter.Period == "" {
		page.Filter.Period = "month"
	}
	page.Chart = newScoreChart(v.Kind, res.Periods, page.Unit+" by "+page.Filter.Period+" with 95% confidence intervals")
	if form != nil {
		page.Form = *form
	} else {
		page.Form = newSurveyForm(v, "/surveys/"+v.ID.String(), page.CanManage)
	}
	return s.render(w, r, status, "survey", c, v.Name, page)
}

func (s *Server) handleSurveyUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	old, err := s.Store.FindSurveyByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	v := readSurveyForm(r, old)
	err = s.Store.ReplaceSurvey(r.Context(), c.scope, id, v)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		form := newSurveyForm(v, "/surveys/"+id.String(), true)
		form.Errors = fieldErrors(err)
		return s.showSurvey(w, r, c, http.StatusBadRequest, &form, sendForm{})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/surveys/"+id.String(), "Survey "+v.Name+" saved.")
}

// handleSurveySend previews a send to a segment (how many will be asked and why the
// others will not) and, on the second step, sends it.
func (s *Server) handleSurveySend(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	send := sendForm{}
	send.SegmentID, err = rapport.ParseID(r.PostFormValue("segment_id"))
	if err != nil {
		send.Error = "Choose a segment to send the survey to."
		return s.showSurvey(w, r, c, http.StatusBadRequest, nil, send)
	}
	if r.PostFormValue("action") != "send" {
		if send.Plan, err = s.Store.PlanSurveySend(r.Context(), c.scope, id, send.SegmentID); err != nil {
			return err
		}
		return s.showSurvey(w, r, c, http.StatusOK, nil, send)
	}
	plan, err := s.Store.SendSurvey(r.Context(), c.scope, id, send.SegmentID, s.baseURL(r))
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/surveys/"+id.String(), fmt.Sprintf("Survey sent: %s asked; %d not asked (no e-mail %d, no consent %d, asked recently %d).",
		thousands.Count(plan.Asked, "customer"), plan.NoEmail+plan.NoConsent+plan.AskedRecently, plan.NoEmail, plan.NoConsent, plan.AskedRecently))
}

func (s *Server) handleSurveyDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "survey")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteSurvey(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/surveys", "Survey deleted.")
}

func scoreUnit(k rapport.SurveyKind) string {
	switch k {
	case rapport.SurveyNPS:
		return "NPS"
	case rapport.SurveyCSAT:
		return "% satisfied"
	case rapport.SurveyCES:
		return "mean effort"
	}
	return "mean"
}

// scoreChart draws a score by period with its confidence intervals, in SVG.
type scoreChart struct {
	Width, Height int
	ViewBox       string
	Line          string
	Points        []chartPoint
	Zero          float64 // y of the axis
	Top, Bottom   string  // the scale's ends
	Label         string  // what it shows, for screen readers
}

type chartPoint struct {
	X, Y, YLow, YHigh float64
	Label             string
}

func newScoreChart(k rapport.SurveyKind, ps []rapport.PeriodScore, label string) *scoreChart {
	// Points for the periods with answers, placed by time: the periods without leave
	// their gaps.
	first, last := -1, -1
	for i, p := range ps {
		if p.N > 0 {
			last = i
			if first < 0 {
				first = i
			}
		}
	}
	if first < 0 {
		return nil
	}
	lo, hi := 0.0, 100.0
	switch k {
	case rapport.SurveyNPS:
		lo = -100
	case rapport.SurveyCES, rapport.SurveyCustom:
		l, h := k.Scale()
		lo, hi = float64(l), float64(h)
	}
	c := &scoreChart{Width: 600, Height: 200, Top: trimFloat(hi), Bottom: trimFloat(lo), Label: label}
	c.ViewBox = fmt.Sprintf("-8 -8 %d %d", c.Width+16, c.Height+16)
	// Better is up: a CES of 1 (easiest) at the top.
	down := k.LowerIsBetter()
	if down {
		c.Top, c.Bottom = trimFloat(lo)+" (easy)", trimFloat(hi)+" (hard)"
	}
	y := func(v float64) float64 {
		v = math.Max(lo, math.Min(hi, v))
		if down {
			v = lo + hi - v
		}
		return float64(c.Height) - (v-lo)*float64(c.Height)/(hi-lo)
	}
	if down {
		c.Zero = float64(c.Height)
	} else {
		c.Zero = y(math.Max(lo, 0))
	}
	step := float64(c.Width) / float64(max(last-first, 1))
	var line []string
	for i, p := range ps[first : last+1] {
		if p.N == 0 {
			continue
		}
		x := float64(i) * step
		if first == last {
			x = float64(c.Width) / 2
		}
		cp := chartPoint{X: x, Y: y(p.Value), YLow: y(p.Low), YHigh: y(p.High),
			Label: fmt.Sprintf("%s: %s (95%% interval %s to %s), %s", p.Period, trimFloat(p.Value), trimFloat(p.Low), trimFloat(p.High), thousands.Count(p.N, "response"))}
		c.Points = append(c.Points, cp)
		line = append(line, fmt.Sprintf("%.1f,%.1f", cp.X, cp.Y))
	}
	c.Line = strings.Join(line, " ")
	return c
}

// trimFloat writes a score with one decimal, without a trailing .0, its thousands
// grouped: 1626 is "1,626".
func trimFloat(v float64) string {
	return thousands.Group(strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0"))
}
