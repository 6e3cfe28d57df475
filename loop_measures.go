package rapport

import (
	"context"
	"slices"
	"strings"
	"time"
)

// FeedbackTimes is when one piece of feedback reached each step on its way to the
// customer being told, and its action items by the team that owns them: what the loop
// measures are worked out from.
type FeedbackTimes struct {
	Kind      FeedbackKind
	CreatedAt time.Time
	// When it was first looked at: triaged, or the first later step when triage was
	// skipped.
	TriagedAt, ResolvedAt, InformedAt *time.Time
	Teams                             []TeamActions
}

// TeamActions counts one team's action items on a piece of feedback: how many there
// are, done within their service level, done late, open and overdue at the time of
// measuring, and escalated.
type TeamActions struct {
	Team                                      TeamRef
	Actions, OnTime, Late, Overdue, Escalated int
}

// Durations sums up how long a step took: how many reached it, the median and the
// 90th percentile.
type Durations struct {
	N           int           `json:"n"`
	Median, P90 time.Duration `json:"-"`
	MedianHours float64       `json:"median_hours"`
	P90Hours    float64       `json:"p90_hours"`
}

// LoopStats are the measures of closing the loop over a set of feedback.
type LoopStats struct {
	Logged   int       `json:"logged"`
	Triage   Durations `json:"to_triage"`
	Resolve  Durations `json:"to_resolve"`
	Inform   Durations `json:"to_inform"`
	Informed float64   `json:"share_informed"` // of the feedback logged, the share the customer was told about
	// Action items: how many there are and how many are done; of those done, the
	// share done within their service level (0 when none is done: show "—", not 0 %);
	// how many are open past due and were escalated. Open items do not count for the
	// share, whether overdue or not.
	Actions   int     `json:"action_items"`
	Done      int     `json:"action_items_done"`
	OnTime    float64 `json:"share_on_time"`
	Overdue   int     `json:"overdue"`
	Escalated int     `json:"escalated"`
}

// LoopMonth is the measures of the feedback logged in one month.
type LoopMonth struct {
	Month string `json:"month"` // YYYY-MM
	LoopStats
	// Recurrences counts the items that arrived in a theme marked fixed.
	Recurrences int `json:"recurrences"`
}

// LoopTeam is the measures of the feedback one team owns action items for.
type LoopTeam struct {
	Team TeamRef `json:"team"`
	LoopStats
}

// LoopMeasures are how well the firm closes the loop, by the month feedback was
// logged and by team, over the feedback the reader may see.
type LoopMeasures struct {
	Since  time.Time   `json:"since"`
	All    LoopStats   `json:"all"`
	Months []LoopMonth `json:"months"`
	Teams  []LoopTeam  `json:"teams"`
	// Of the themes ever marked fixed, how many had an item arrive after the fix in
	// the period: the recurrence rate.
	FixedThemes    int     `json:"fixed_themes"`
	RecurredThemes int     `json:"recurred_themes"`
	Recurrence     float64 `json:"recurrence_rate"`
}

// MeasureLoop works out the measures of the feedback logged from since (a month's
// first day) to now.
func MeasureLoop(rows []FeedbackTimes, since, now time.Time) *LoopMeasures {
	m := &LoopMeasures{Since: since}
	months := map[string][]FeedbackTimes{}
	teams := map[ID][]FeedbackTimes{}
	teamRef := map[ID]TeamRef{}
	for _, r := range rows {
		month := r.CreatedAt.UTC().Format("2006-01")
		months[month] = append(months[month], r)
		// A team's row counts only its own action items on the feedback.
		for _, t := range r.Teams {
			own := r
			own.Teams = []TeamActions{t}
			teams[t.Team.ID] = append(teams[t.Team.ID], own)
			teamRef[t.Team.ID] = t.Team
		}
	}
	m.All = loopStats(rows)
	for d := time.Date(since.Year(), since.Month(), 1, 0, 0, 0, 0, time.UTC); !d.After(now); d = d.AddDate(0, 1, 0) {
		month := d.Format("2006-01")
		m.Months = append(m.Months, LoopMonth{Month: month, LoopStats: loopStats(months[month])})
	}
	for id, rs := range teams {
		m.Teams = append(m.Teams, LoopTeam{Team: teamRef[id], LoopStats: loopStats(rs)})
	}
	slices.SortFunc(m.Teams, func(a, b LoopTeam) int {
		if a.Logged != b.Logged {
			return b.Logged - a.Logged
		}
		return strings.Compare(a.Team.Name, b.Team.Name)
	})
	return m
}

func loopStats(rows []FeedbackTimes) LoopStats {
	s := LoopStats{Logged: len(rows)}
	var triage, resolve, inform []time.Duration
	informed, onTime := 0, 0
	for _, r := range rows {
		if r.TriagedAt != nil {
			triage = append(triage, r.TriagedAt.Sub(r.CreatedAt))
		}
		if r.ResolvedAt != nil {
			resolve = append(resolve, r.ResolvedAt.Sub(r.CreatedAt))
		}
		if r.InformedAt != nil {
			inform = append(inform, r.InformedAt.Sub(r.CreatedAt))
			informed++
		}
		for _, t := range r.Teams {
			s.Actions += t.Actions
			s.Done += t.OnTime + t.Late
			onTime += t.OnTime
			s.Overdue += t.Overdue
			s.Escalated += t.Escalated
		}
	}
	s.Triage, s.Resolve, s.Inform = durations(triage), durations(resolve), durations(inform)
	if s.Logged > 0 {
		s.Informed = float64(informed) / float64(s.Logged)
	}
	if s.Done > 0 {
		s.OnTime = float64(onTime) / float64(s.Done)
	}
	return s
}

// durations takes the median and the 90th percentile by the nearest rank.
func durations(ds []time.Duration) Durations {
	out := Durations{N: len(ds)}
	if len(ds) == 0 {
		return out
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(ds))+0.999999) - 1
		return ds[min(max(i, 0), len(ds)-1)]
	}
	out.Median, out.P90 = rank(0.5), rank(0.9)
	if len(ds)%2 == 0 {
		out.Median = (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
	}
	out.MedianHours, out.P90Hours = out.Median.Hours(), out.P90.Hours()
	return out
}

// FeedbackMeasureService measures how feedback is handled.
type FeedbackMeasureService interface {
	// MeasureFeedbackLoop works out the loop measures of the feedback the scope may
	// see that was logged from the first day of the month of since.
	MeasureFeedbackLoop(ctx context.Context, s Scope, since time.Time) (*LoopMeasures, error)
}
