package web_test

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestFeedbackStatusAPI changes the status of feedback through the API: allowed and
// refused steps, the resolution and channel asked for, unknown fields, walls and roles.
func TestFeedbackStatusAPI(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			const agent, insider, analyst = "agent@example.com", "insider@example.com", "outsider@example.com"
			sys := rapport.SystemScope("test")
			fb := &rapport.Feedback{CustomerID: e.open.ID, Kind: "complaint", Text: "The desk arrived scratched"}
			_, err := e.db.CreateFeedback(ctx, sys, fb)
			must(t, err)
			hidden := &rapport.Feedback{CustomerID: e.walled.ID, Kind: "need", Text: "Falcon needs a second account"}
			_, err = e.db.CreateFeedback(ctx, sys, hidden)
			must(t, err)
			path := "/api/v1/feedback/" + fb.ID.String()

			res, body := e.do("PATCH", path, agent, `{"status":"resolved"}`)
			if res.StatusCode != 400 || !strings.Contains(body, "resolution") {
				t.Errorf("resolving without a resolution: got %d %s, want 400 about resolution", res.StatusCode, body)
			}
			res, body = e.do("PATCH", path, agent, `{"status":"resolved","resolution":"Sent a new desk"}`)
			if res.StatusCode != 200 {
				t.Fatalf("resolve: got %d %s", res.StatusCode, body)
			}
			got := decode[rapport.Feedback](t, body)
			if got.Status != "resolved" || got.Resolution != "Sent a new desk" || got.ResolvedAt == nil || got.ResolvedBy != e.agent.ID {
				t.Errorf("got %+v; want resolved by the agent with the resolution", got)
			}
			res, body = e.do("PATCH", path, agent, `{"status":"triaged"}`)
			if res.StatusCode != 400 || !strings.Contains(body, `"status"`) || !strings.Contains(body, "it may go to in_progress, informed") {
				t.Errorf("resolved → triaged: got %d %s, want 400 naming status and the next statuses", res.StatusCode, body)
			}
			if res, body := e.do("PATCH", path, agent, `{"status":"informed","informed_via":"pigeon"}`); res.StatusCode != 400 || !strings.Contains(body, "informed_via") {
				t.Errorf("an unknown channel: got %d %s", res.StatusCode, body)
			}
			if res, _ := e.do("PATCH", path, agent, `{"status":"informed","informed_via":"phone","sentiment":1}`); res.StatusCode != 400 {
				t.Errorf("an unknown field: got %d, want 400", res.StatusCode)
			}
			res, body = e.do("PATCH", path, agent, `{"status":"informed","informed_via":"phone"}`)
			if got := decode[rapport.Feedback](t, body); res.StatusCode != 200 || got.InformedVia != "phone" || got.InformedAt == nil {
				t.Errorf("inform: got %d %s", res.StatusCode, body)
			}
			res, body = e.do("PATCH", path, agent, `{"status":"in_progress"}`)
			if got := decode[rapport.Feedback](t, body); res.StatusCode != 200 || got.Status != "in_progress" || got.Resolution != "" || got.InformedAt != nil {
				t.Errorf("reopen: got %d %s; want in progress with the resolution cleared", res.StatusCode, body)
			}
			_, body = e.do("GET", "/api/v1/feedback?status=in_progress", agent, "")
			if !strings.Contains(body, fb.ID.String()) {
				t.Errorf("the list filtered by in_progress lacks the reopened feedback")
			}

			// Walls and roles.
			if res, _ := e.do("PATCH", "/api/v1/feedback/"+hidden.ID.String(), agent, `{"status":"triaged"}`); res.StatusCode != 404 {
				t.Errorf("an outsider changing walled feedback: got %d, want 404", res.StatusCode)
			}
			if res, _ := e.do("PATCH", "/api/v1/feedback/nope", agent, `{"status":"triaged"}`); res.StatusCode != 404 {
				t.Errorf("a malformed id: got %d, want 404", res.StatusCode)
			}
			if res, body := e.do("PATCH", "/api/v1/feedback/"+hidden.ID.String(), insider, `{"status":"triaged"}`); res.StatusCode != 200 {
				t.Errorf("the wall's team triaging: got %d %s", res.StatusCode, body)
			}
			if res, _ := e.do("PATCH", path, analyst, `{"status":"resolved","resolution":"x"}`); res.StatusCode != 403 {
				t.Errorf("an analyst changing status: got %d, want 403", res.StatusCode)
			}
			if stored, _ := e.db.FindFeedbackByID(ctx, sys, fb.ID); stored.Status != "in_progress" {
				t.Errorf("refused changes changed the feedback to %s", stored.Status)
			}
		})
	}
}
