package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestFeedbackDashboard: the dashboard shows the measures of the feedback the reader may
// see, with its charts (or says that nothing is logged yet), and refuses a period it
// cannot show.
func TestFeedbackDashboard(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
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
