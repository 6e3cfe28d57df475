package web_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestFeedbackAPI logs feedback through the API, with and without a customer, reads
// it back with its sentiment, pages and filters the list, keeps walls, and logs a
// system's feedback once per source key.
func TestFeedbackAPI(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			const agent, insider = "agent@example.com", "insider@example.com"
			type page struct {
				Data       []rapport.Feedback `json:"data"`
				NextCursor string             `json:"next_cursor"`
			}

			res, body := e.do("POST", "/api/v1/feedback", agent, `{"customer_id":"`+e.open.ID.String()+`","kind":"complaint","text":"The staff were rude and the parcel was lost. Awful!","channel":"email"}`)
			if res.StatusCode != 201 {
				t.Fatalf("got %d %s, want 201", res.StatusCode, body)
			}
			complaint := decode[rapport.Feedback](t, body)
			if complaint.Sentiment > -0.5 || complaint.Severity != "medium" || complaint.HeardBy != e.agent.ID || complaint.CustomerName != "Otto Open" ||
				res.Header.Get("Location") != "/api/v1/feedback/"+complaint.ID.String() {
				t.Errorf("got %+v; want a strongly negative, medium complaint heard by the agent, with its Location", complaint)
			}
			res, body = e.do("POST", "/api/v1/feedback", agent, `{"kind":"compliment","text":"Great fair stand, very helpful people"}`)
			if res.StatusCode != 201 {
				t.Fatalf("got %d %s, want 201", res.StatusCode, body)
			}
			compliment := decode[rapport.Feedback](t, body)
			if compliment.Sentiment < 0.5 || !compliment.CustomerID.IsZero() || strings.Contains(body, "customer_id") {
				t.Errorf("got %s; want a positive compliment with no customer_id", body)
			}

			// Mistakes name their fields; the sentiment cannot be sent.
			res, body = e.do("POST", "/api/v1/feedback", agent, `{"kind":"rant","text":"","severity":"urgent"}`)
			if res.StatusCode != 400 || !strings.Contains(body, `"kind"`) || !strings.Contains(body, `"text"`) || !strings.Contains(body, `"severity"`) {
				t.Errorf("got %d %s, want 400 naming kind, text and severity", res.StatusCode, body)
			}
			if res, _ := e.do("POST", "/api/v1/feedback", agent, `{"kind":"need","text":"x","sentiment":1}`); res.StatusCode != 400 {
				t.Errorf("sending a sentiment: got %d, want 400", res.StatusCode)
			}
			if res, _ := e.do("POST", "/api/v1/feedback", agent, `{"kind":"need","text":"x","customer_id":"`+e.walled.ID.String()+`"}`); res.StatusCode != 404 {
				t.Errorf("feedback for a walled customer: got %d, want 404", res.StatusCode)
			}

			// Walls: the insider logs for the walled customer; the agent cannot see it.
			res, body = e.do("POST", "/api/v1/feedback", insider, `{"customer_id":"`+e.walled.ID.String()+`","kind":"need","text":"Needs a second account"}`)
			if res.StatusCode != 201 {
				t.Fatalf("got %d %s, want 201", res.StatusCode, body)
			}
			hidden := decode[rapport.Feedback](t, body)
			if res, _ := e.do("GET", "/api/v1/feedback/"+hidden.ID.String(), agent, ""); res.StatusCode != 404 {
				t.Errorf("the walled feedback to an outsider: got %d, want 404", res.StatusCode)
			}
			if res, _ := e.do("GET", "/api/v1/feedback?customer_id="+e.walled.ID.String(), agent, ""); res.StatusCode != 404 {
				t.Errorf("the walled customer's list to an outsider: got %d, want 404", res.StatusCode)
			}
			_, body = e.do("GET", "/api/v1/feedback", agent, "")
			if got := decode[page](t, body); len(got.Data) != 2 || strings.Contains(body, "second account") {
				t.Errorf("the outsider's list: got %d, want 2 without the walled need", len(got.Data))
			}
			_, body = e.do("GET", "/api/v1/feedback/"+complaint.ID.String(), agent, "")
			if got := decode[rapport.Feedback](t, body); got.Sentiment != complaint.Sentiment || got.Text != complaint.Text {
				t.Errorf("read back: got %+v", got)
			}

			// Filters and paging.
			_, body = e.do("GET", "/api/v1/feedback?limit=1", insider, "")
			first := decode[page](t, body)
			if len(first.Data) != 1 || first.NextCursor == "" || first.Data[0].ID != hidden.ID {
				t.Fatalf("first page: got %+v, want the newest with a cursor", first)
			}
			_, body = e.do("GET", "/api/v1/feedback?limit=5&cursor="+first.NextCursor, insider, "")
			if rest := decode[page](t, body); len(rest.Data) != 2 || rest.NextCursor != "" {
				t.Errorf("second page: got %d with cursor %q, want the other 2 and no cursor", len(rest.Data), rest.NextCursor)
			}
			_, body = e.do("GET", "/api/v1/feedback?kind=compliment", insider, "")
			if got := decode[page](t, body); len(got.Data) != 1 || got.Data[0].ID != compliment.ID {
				t.Errorf("kind=compliment: got %d", len(got.Data))
			}
			if res, body := e.do("GET", "/api/v1/feedback?status=done", agent, ""); res.StatusCode != 400 || !strings.Contains(body, "status") {
				t.Errorf("an unknown status: got %d %s, want 400", res.StatusCode, body)
			}

			// A system's feedback is logged once per source key.
			in := `{"customer_id":"` + e.open.ID.String() + `","kind":"suggestion","text":"Add a dark mode","source":"survey","source_id":"R-9"}`
			res, body = e.do("POST", "/api/v1/feedback", agent, in)
			res2, body2 := e.do("POST", "/api/v1/feedback", agent, in)
			if res.StatusCode != 201 || res2.StatusCode != 200 || decode[rapport.Feedback](t, body).ID != decode[rapport.Feedback](t, body2).ID {
				t.Errorf("sent twice: got %d then %d; want 201 then 200 with the same feedback", res.StatusCode, res2.StatusCode)
			}
			var attrs map[string]any
			page2, _, err := e.db.FindInteractions(ctx, rapport.SystemScope("test"), rapport.InteractionFilter{CustomerID: e.open.ID, Limit: 10})
			must(t, err)
			n := 0
			for _, in := range page2 {
				if json.Unmarshal(in.Attributes, &attrs) == nil && attrs["feedback_id"] != nil {
					n++
				}
			}
			if n != 2 {
				t.Errorf("got %d feedback entries on Otto's timeline, want 2 (the complaint and the suggestion once)", n)
			}
		})
	}
}
