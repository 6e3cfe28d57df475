package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// TestFeedbackDashboard: the dashboard shows the measures of the feedback the reader may
// see, with its charts (or says that nothing is logged yet), and refuses a period it
// cannot show.
func TestFeedbackDashboard(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			agent := e.signIn("agent@example.com")
			// Before anything is logged: no empty charts, and no share of nothing.
			if _, body := agent.get("/feedback/dashboard"); !strings.Contains(body, "No feedback logged in this period") ||
				strings.Contains(body, "<polyline") || !strings.Contains(body, `<strong>—</strong><span>reached`) {
				t.Error("the dashboard with nothing logged: want the empty state, no chart, and — for the share informed")
			}
			res, _ := agent.post("/feedback", url.Values{"kind": {"complaint"}, "text": {"The desk arrived broken"}, "customer_id": {e.open.ID.String()}})
			if res.StatusCode != 303 {
				t.Fatalf("logging feedback: %d", res.StatusCode)
			}
			status, body := agent.get("/feedback/dashboard?months=3")
			if status != 200 || !strings.Contains(body, "Closing the loop") || strings.Count(body, "<polyline") < 1 ||
				!strings.Contains(body, `<strong>1</strong><span>logged</span>`) || !strings.Contains(body, `aria-current="page">3 months`) {
				t.Errorf("got %d; want the dashboard with one item logged and a chart", status)
			}
			// On time is a share of the action items done: with one item, open and
			// overdue, there is no share yet ("—", not 0 %), in the tile and the tables.
			list, _, err := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{CustomerID: e.open.ID})
			must(t, err)
			item, err := e.db.CreateAction(ctx, sys, list[0].ID, rapport.NewAction{TeamID: e.team.ID, DueAt: time.Now().Add(-time.Hour)})
			must(t, err)
			_, body = agent.get("/feedback/dashboard?months=3")
			if !strings.Contains(body, `<strong>—</strong><span>on time: no action item done yet · <a href="/actions">1 open and overdue</a>`) ||
				strings.Count(body, `<td class="num">0.0 %</td><td class="num">—</td>`) != 2 { // informed, then on time
				t.Error("with no action item done, the dashboard should show — for on time, and the item open and overdue")
			}
			done := rapport.ActionDone
			_, err = e.db.UpdateAction(ctx, sys, item.ID, rapport.ActionUpdate{Status: &done})
			must(t, err)
			_, body = agent.get("/feedback/dashboard?months=3")
			if !strings.Contains(body, `<strong>0.0 %</strong><span>on time, of 1 action item done</span>`) ||
				strings.Count(body, `0.0 % <small class="muted">of 1</small>`) != 2 {
				t.Error("with one item done late, the dashboard should say 0.0 % on time of 1 done, in the tile, the month's and the team's rows")
			}
			if status, body := agent.get("/feedback/dashboard?months=0"); status != 400 || !strings.Contains(body, "from 1 to 36") {
				t.Errorf("a period of 0 months: %d", status)
			}
			// The walled customer's feedback does not count for the agent outside the wall.
			insider := e.signIn("insider@example.com")
			if res, _ := insider.post("/feedback", url.Values{"kind": {"need"}, "text": {"More desks"}, "customer_id": {e.walled.ID.String()}}); res.StatusCode != 303 {
				t.Fatalf("the insider logging feedback: %d", res.StatusCode)
			}
			if _, body := agent.get("/feedback/dashboard"); !strings.Contains(body, `<strong>1</strong><span>logged</span>`) {
				t.Error("the agent's dashboard counts feedback behind a wall")
			}
			if _, body := insider.get("/feedback/dashboard"); !strings.Contains(body, `<strong>2</strong><span>logged</span>`) {
				t.Error("the insider's dashboard does not count the walled feedback")
			}
		})
	}
}
