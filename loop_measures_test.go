package rapport

import (
	"testing"
	"time"
)

func TestMeasureLoop(t *testing.T) {
	day := func(d int, h int) *time.Time { v := time.Date(2026, 10, d, h, 0, 0, 0, time.UTC); return &v }
	sales, service := TeamRef{ID: NewID(), Name: "Sales"}, TeamRef{ID: NewID(), Name: "Service"}
	rows := []FeedbackTimes{
		// Triaged in 2 h, resolved in a day, told 2 days later; one action item on time.
		{CreatedAt: *day(1, 0), TriagedAt: day(1, 2), ResolvedAt: day(2, 0), InformedAt: day(3, 0), Teams: []TeamActions{{Team: sales, Actions: 1, OnTime: 1}}},
		// Triaged in 4 h, resolved in 3 days; two teams: Sales's item late, Service's open
		// overdue and escalated.
		{CreatedAt: *day(5, 0), TriagedAt: day(5, 4), ResolvedAt: day(8, 0), Teams: []TeamActions{{Team: sales, Actions: 1, Late: 1},
			{Team: service, Actions: 1, Overdue: 1, Escalated: 1}}},
		// Triaged in 10 h, nothing more.
		{CreatedAt: *day(9, 0), TriagedAt: day(9, 10)},
		// Not looked at.
		{CreatedAt: *day(20, 0)},
		// November: told the same hour.
		{CreatedAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), TriagedAt: day(32, 0), ResolvedAt: day(32, 0), InformedAt: day(32, 0)},
	}
	rows[4].TriagedAt = &rows[4].CreatedAt
	rows[4].ResolvedAt, rows[4].InformedAt = &rows[4].CreatedAt, &rows[4].CreatedAt
	m := MeasureLoop(rows, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	if len(m.Months) != 3 || m.Months[0].Month != "2026-09" || m.Months[0].Logged != 0 || m.Months[2].Month != "2026-11" {
		t.Fatalf("months %+v: every month from September to November, empty ones too", m.Months)
	}
	oct := m.Months[1].LoopStats
	if oct.Logged != 4 || oct.Triage.N != 3 || oct.Triage.Median != 4*time.Hour || oct.Triage.P90 != 10*time.Hour {
		t.Errorf("October triage %+v: 3 of 4, median 4 h, 90th percentile 10 h", oct.Triage)
	}
	if oct.Resolve.N != 2 || oct.Resolve.Median != 48*time.Hour || oct.Resolve.MedianHours != 48 {
		t.Errorf("October resolve %+v: the median of 1 and 3 days is 2", oct.Resolve)
	}
	if oct.Inform.N != 1 || oct.Inform.Median != 48*time.Hour || oct.Informed != 0.25 {
		t.Errorf("October inform %+v, share %v", oct.Inform, oct.Informed)
	}
	if oct.Actions != 3 || oct.Done != 2 || oct.OnTime != 0.5 || oct.Overdue != 1 || oct.Escalated != 1 {
		t.Errorf("October action items %+v", oct)
	}
	if m.All.Logged != 5 || m.All.Informed != 0.4 {
		t.Errorf("all %+v", m.All)
	}
	if len(m.Teams) != 2 || m.Teams[0].Team.Name != "Sales" || m.Teams[0].Logged != 2 || m.Teams[1].Logged != 1 ||
		m.Teams[1].Resolve.Median != 72*time.Hour || m.Teams[1].OnTime != 0 {
		t.Errorf("teams %+v", m.Teams)
	}
	// Each team's row counts its own action items only, so that the teams' rows add up
	// to the whole.
	if s, v := m.Teams[0].LoopStats, m.Teams[1].LoopStats; s.Actions != 2 || s.Done != 2 || s.OnTime != 0.5 || s.Overdue != 0 || s.Escalated != 0 ||
		v.Actions != 1 || v.Done != 0 || v.Overdue != 1 || v.Escalated != 1 {
		t.Errorf("Sales %+v and Service %+v: want Sales's two items (one on time, one late) and Service's one, overdue and escalated", s, v)
	}
}
