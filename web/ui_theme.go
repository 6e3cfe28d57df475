package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// themeRow is a theme in the list, ready to print.
type themeRow struct {
	*rapport.Theme
	Trend string // up, down or flat: recent volume against the window before
	Kinds []themeKind
}

type themeKind struct {
	Kind  rapport.FeedbackKind
	Count int
}

func newThemeRow(t *rapport.Theme) themeRow {
	row := themeRow{Theme: t, Trend: "flat"}
	switch {
	case t.Recent > t.Previous:
		row.Trend = "up"
	case t.Recent < t.Previous:
		row.Trend = "down"
	}
	for _, k := range rapport.FeedbackKinds {
		if n := t.Kinds[k]; n > 0 {
			row.Kinds = append(row.Kinds, themeKind{k, n})
		}
	}
	return row
}

// themesPage is the list of themes, with the recurrence alerts on top.
type themesPage struct {
	Themes        []themeRow
	Alerts        []*rapport.ThemeAlert
	Opportunities bool
	CanWrite      bool
	CanRegroup    bool
	WindowDays    int
}

func canRegroup(s rapport.Scope) bool {
	return s.Kind == rapport.ActorStaff && (s.Role == rapport.RoleAdmin || s.Role == rapport.RoleManager)
}

func (s *Server) handleThemeIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	opp := r.URL.Query().Get("view") == "opportunities"
	list, _, err := s.Store.FindThemes(r.Context(), c.scope, rapport.ThemeFilter{Opportunities: opp, Limit: 200})
	if err != nil {
		return err
	}
	alerts, err := s.Store.FindThemeAlerts(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page := themesPage{Alerts: alerts, Opportunities: opp, CanWrite: c.scope.CanWriteCustomers(), CanRegroup: canRegroup(c.scope),
		WindowDays: int(rapport.ThemeWindow.Hours() / 24)}
	for _, t := range list {
		page.Themes = append(page.Themes, newThemeRow(t))
	}
	title := "Feedback themes"
	if opp {
		title = "Opportunities"
	}
	return s.render(w, r, http.StatusOK, "themes", c, title, page)
}

// themePage is one theme: its chart, customers, samples and the forms of staff decisions.
type themePage struct {
	*rapport.ThemeReport
	Row          themeRow
	Chart        *volumeChart
	Samples      []feedbackView
	Others       []option     // themes to merge into
	Actions      []actionView // of the theme's feedback
	AfterFix     []fixView    // satisfaction before and after the fix
	Ideas        []*rapport.Idea
	IdeaForm     rapport.IdeaInput // a proposal sent back with its errors
	IdeaStatuses []rapport.IdeaStatus
	Value        string
	CanWrite     bool
	Errors       map[string]string
}

// volumeChart is a theme's items by week drawn as SVG bars in a Width×Height box.
type volumeChart struct {
	Bars          []volumeBar
	Width, Height int
	ViewBox       string
	Max, Total    int
	First, Last   string
}

type volumeBar struct {
	X, Y, W, H float64
	Label      string
}

func newVolumeChart(weeks []rapport.ThemeWeek) *volumeChart {
	if len(weeks) == 0 {
		return nil
	}
	c := &volumeChart{Width: 600, Height: 140, First: weeks[0].Start.Format("2 Jan 2006"), Last: weeks[len(weeks)-1].Start.Format("2 Jan 2006")}
	c.ViewBox = fmt.Sprintf("-4 -4 %d %d", c.Width+8, c.Height+8)
	for _, w := range weeks {
		c.Max = max(c.Max, w.Items)
		c.Total += w.Items
	}
	step := float64(c.Width) / float64(len(weeks))
	for i, w := range weeks {
		h := float64(w.Items) * float64(c.Height-10) / float64(max(c.Max, 1))
		c.Bars = append(c.Bars, volumeBar{X: float64(i)*step + 1, Y: float64(c.Height) - h, W: step - 2, H: h,
			Label: fmt.Sprintf("Week of %s: %d", w.Start.Format("2 Jan"), w.Items)})
	}
	return c
}

func (s *Server) handleThemeShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return err
	}
	return s.renderThemePage(w, r, c, http.StatusOK, id, nil)
}

func (s *Server) renderThemePage(w http.ResponseWriter, r *http.Request, c *call, status int, id rapport.ID, errs map[string]string) error {
	page, err := s.themePage(r, c, id, errs)
	if err != nil {
		return err
	}
	return s.render(w, r, status, "theme", c, page.Title(), page)
}

// themePage gathers what a theme's page shows.
func (s *Server) themePage(r *http.Request, c *call, id rapport.ID, errs map[string]string) (*themePage, error) {
	rep, err := s.Store.FindThemeReport(r.Context(), c.scope, id)
	if err != nil {
		return nil, err
	}
	page := themePage{ThemeReport: rep, Row: newThemeRow(rep.Theme), Chart: newVolumeChart(rep.Weeks), CanWrite: c.scope.CanWriteCustomers(), Errors: errs,
		IdeaStatuses: rapport.IdeaStatuses}
	page.Value = strconv.FormatFloat(rep.TotalValue, 'f', 0, 64)
	for _, f := range rep.Samples {
		v := newFeedbackView(f)
		v.Back = "/themes/" + id.String()
		page.Samples = append(page.Samples, v)
	}
	for _, f := range rep.AfterFix {
		v := fixView{ThemeFixScore: f}
		if f.Before.N > 0 && f.After.N > 0 { // one side alone is no trend
			ps := []rapport.PeriodScore{{Period: "90 days before the fix", Score: f.Before}, {Period: "since the fix", Score: f.After}}
			v.Chart = newScoreChart(f.Kind, ps, f.Survey+" among the affected customers, before and after the fix")
		}
		page.AfterFix = append(page.AfterFix, v)
	}
	// The action items of its feedback, open first.
	items, _, err := s.Store.FindActions(r.Context(), c.scope, rapport.ActionFilter{ThemeID: id, Limit: 20})
	if err != nil {
		return nil, err
	}
	if page.Actions, err = s.actionViews(r, c, items, "/themes/"+id.String()); err != nil {
		return nil, err
	}
	if page.Ideas, err = s.Store.FindIdeas(r.Context(), c.scope, rapport.IdeaFilter{ThemeID: id}); err != nil {
		return nil, err
	}
	if page.CanWrite {
		others, _, err := s.Store.FindThemes(r.Context(), c.scope, rapport.ThemeFilter{Limit: 500})
		if err != nil {
			return nil, err
		}
		page.Others = themeOptions(others, id, "")
	}
	return &page, nil
}

// fixView is one survey's score before and after a theme's fix, with its chart.
type fixView struct {
	rapport.ThemeFixScore
	Chart *scoreChart
}

// themeOptions are the themes to choose from, but one.
func themeOptions(list []*rapport.Theme, except rapport.ID, selected string) []option {
	var out []option
	for _, t := range list {
		if t.ID != except {
			out = append(out, option{Value: t.ID.String(), Label: fmt.Sprintf("%s (%d)", t.Title(), t.Items), Selected: t.ID.String() == selected})
		}
	}
	return out
}

// themeForm reads a posted form and the theme's id.
func themeForm(r *http.Request) (rapport.ID, error) {
	id, err := pathID(r, "id", "theme")
	if err != nil {
		return id, err
	}
	if err := r.ParseForm(); err != nil {
		return id, rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	return id, nil
}

// handleThemeChange renames a theme, or marks it fixed or open again.
func (s *Server) handleThemeChange(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := themeForm(r)
	if err != nil {
		return err
	}
	var ch rapport.ThemeChange
	if r.PostForm.Has("name") {
		name := r.PostForm.Get("name")
		ch.Name = &name
	}
	if v := r.PostForm.Get("status"); v != "" {
		st := rapport.ThemeStatus(v)
		ch.Status = &st
	}
	t, err := s.Store.ChangeTheme(r.Context(), c.scope, id, ch)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderThemePage(w, r, c, Status(err), id, fieldErrors(err))
	} else if err != nil {
		return err
	}
	msg := "Theme saved."
	switch {
	case ch.Status != nil && *ch.Status == rapport.ThemeFixed:
		msg = "Marked fixed: a new item about it will raise a recurrence alert."
	case ch.Status != nil:
		msg = "Theme reopened."
	case ch.Name != nil:
		msg = "Theme renamed to “" + t.Title() + "”."
	}
	return s.redirect(w, r, "/themes/"+id.String(), msg)
}

func (s *Server) handleThemeMerge(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := themeForm(r)
	if err != nil {
		return err
	}
	into, err := rapport.ParseID(r.PostForm.Get("into"))
	if err != nil {
		return s.renderThemePage(w, r, c, http.StatusUnprocessableEntity, id, map[string]string{"into": "Choose the theme to merge into"})
	}
	t, err := s.Store.MergeThemes(r.Context(), c.scope, id, into)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderThemePage(w, r, c, Status(err), id, fieldErrors(err))
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/themes/"+t.ID.String(), "Merged: the items are in “"+t.Title()+"” now, and stay together.")
}

func (s *Server) handleThemeSplit(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := themeForm(r)
	if err != nil {
		return err
	}
	sp := rapport.ThemeSplit{Auto: r.PostForm.Get("auto") != "", Name: r.PostForm.Get("name")}
	if !sp.Auto {
		for _, v := range r.PostForm["feedback_id"] {
			fid, err := rapport.ParseID(v)
			if err != nil {
				return s.renderThemePage(w, r, c, http.StatusUnprocessableEntity, id, map[string]string{"feedback_ids": "Choose items from the list"})
			}
			sp.FeedbackIDs = append(sp.FeedbackIDs, fid)
		}
	}
	t, err := s.Store.SplitTheme(r.Context(), c.scope, id, sp)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		errs := fieldErrors(err)
		if m, ok := errs["auto"]; ok {
			errs["feedback_ids"] = m
		}
		return s.renderThemePage(w, r, c, Status(err), id, errs)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/themes/"+t.ID.String(), fmt.Sprintf("Split: %s moved to this new theme, where re-groupings leave them.", thousands.Count(t.Items, "item")))
}

// handleFeedbackTheme moves feedback to another theme, from the feedback's page.
func (s *Server) handleFeedbackTheme(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "feedback")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return rapport.Errorf(rapport.EINVALID, "the form could not be read")
	}
	to, err := rapport.ParseID(strings.TrimSpace(r.PostForm.Get("theme_id")))
	if err == nil {
		var fb *rapport.Feedback
		if fb, err = s.Store.MoveFeedbackToTheme(r.Context(), c.scope, id, to); err == nil {
			return s.redirect(w, r, "/feedback/"+id.String(), "Moved to “"+fb.ThemeTitle+"”; re-groupings leave it there.")
		}
	} else {
		err = rapport.FieldError("theme_id", "choose a theme from the list")
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderFeedbackPage(w, r, c, Status(err), id, fieldErrors(err))
	}
	return err
}

func (s *Server) handleThemeAlertAck(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "alert")
	if err != nil {
		return err
	}
	if err := s.Store.AcknowledgeThemeAlert(r.Context(), c.scope, id); err != nil {
		return err
	}
	if err := r.ParseForm(); err == nil {
		if back := safeBack(r.PostForm.Get("back")); back != "" {
			return s.redirect(w, r, back, "Alert acknowledged.")
		}
	}
	return s.redirect(w, r, "/themes", "Alert acknowledged.")
}

func (s *Server) handleThemeRegroup(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.Store.RequestRegrouping(r.Context(), c.scope); err != nil {
		return err
	}
	return s.redirect(w, r, "/themes", "All feedback will be grouped again in the background, in a minute or two; staff decisions are kept.")
}
