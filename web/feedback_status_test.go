package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestFeedbackStatusPages moves feedback through its statuses with the small forms of
// the list, the profile and its own page, without JavaScript: the buttons of the next
// steps, the resolution asked for, a refused change shown with its reason, the history,
// walls and roles.
func TestFeedbackStatusPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			fb := &rapport.Feedback{CustomerID: e.open.ID, Kind: "complaint", Text: "The <b>desk</b> arrived scratched"}
			_, err := e.db.CreateFeedback(ctx, sys, fb)
			must(t, err)
			hidden := &rapport.Feedback{CustomerID: e.walled.ID, Kind: "need", Text: "Falcon needs a second account"}
			_, err = e.db.CreateFeedback(ctx, sys, hidden)
			must(t, err)
			agent := e.signIn("agent@example.com")
			profile := "/customers/" + e.open.ID.String()
			action := `action="/feedback/` + fb.ID.String() + `/status"`

			// The profile's card offers the next steps, each a form that works without JS.
			_, body := agent.get(profile)
			_, card, _ := strings.Cut(body, `id="feedback-h"`)
			card, _, _ = strings.Cut(card, "</section>")
			for _, want := range []string{action, `name="status" value="triaged"`, `name="status" value="in_progress"`, "Start work",
				`name="status" value="resolved"`, `name="resolution" required`, `name="informed_via" required`, `name="back" value="` + profile + `#feedback-h"`} {
				if !strings.Contains(card, want) {
					t.Errorf("the feedback card lacks %q", want)
				}
			}
			res, _ := agent.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"triaged"}, "back": {profile + "#feedback-h"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != profile+"#feedback-h" {
				t.Fatalf("triage: got %d to %q, want back to the profile", res.StatusCode, res.Header.Get("Location"))
			}
			if _, body := agent.get(profile); !strings.Contains(body, "Complaint from Otto Open is triaged.") || strings.Contains(card, `value="new"`) {
				t.Errorf("the flash does not say the complaint was triaged")
			}

			// Resolving without saying what was done is refused, on the feedback's page.
			res, body = agent.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"resolved"}, "resolution": {"  "}})
			if res.StatusCode != 400 || !strings.Contains(body, "Resolution is required") || !strings.Contains(body, "History") {
				t.Errorf("resolving without a resolution: got %d, want 400 on the feedback's page with the reason", res.StatusCode)
			}
			// A step not allowed names the allowed ones.
			res, body = agent.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"new"}})
			if res.StatusCode != 400 || !strings.Contains(body, "cannot go to new; it may go to in_progress, resolved, informed") {
				t.Errorf("back to new: got %d, want 400 naming the next statuses", res.StatusCode)
			}
			// From the list: resolve with a script in the resolution, back to the list.
			_, body = agent.get("/feedback")
			if !strings.Contains(body, action) || !strings.Contains(body, `href="/feedback/`+fb.ID.String()+`"`) {
				t.Errorf("the list lacks the next steps or the link to the feedback's page")
			}
			res, _ = agent.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"resolved"},
				"resolution": {"Sent a new desk <script>alert(1)</script>"}, "back": {"/feedback"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/feedback" {
				t.Fatalf("resolve: got %d to %q, want back to the list", res.StatusCode, res.Header.Get("Location"))
			}
			res, _ = agent.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"informed"}, "informed_via": {"phone"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/feedback/"+fb.ID.String() {
				t.Fatalf("inform: got %d to %q, want the feedback's page", res.StatusCode, res.Header.Get("Location"))
			}

			// The feedback's page: its history, who and when, escaped; reopen is the next step.
			status, body := agent.get("/feedback/" + fb.ID.String())
			if status != 200 {
				t.Fatalf("the feedback's page: got %d", status)
			}
			_, history, _ := strings.Cut(body, `id="fb-history"`)
			for _, want := range []string{"Logged", "Triaged", "Resolved</strong>\n      — Sent a new desk &lt;script&gt;", "Customer informed</strong>\n      — via phone", "agent"} {
				if !strings.Contains(history, want) {
					t.Errorf("the history lacks %q", want)
				}
			}
			if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<b>desk</b>") {
				t.Errorf("the feedback's page holds markup unescaped")
			}
			if !strings.Contains(body, `name="status" value="in_progress"`) || !strings.Contains(body, "Reopen") || strings.Contains(body, `value="resolved"`) {
				t.Errorf("informed feedback should offer only Reopen")
			}
			_, timeline, _ := strings.Cut(func() string { _, b := agent.get(profile); return b }(), `id="timeline"`)
			timeline, _, _ = strings.Cut(timeline, `class="profile-more"`) // the side cards follow the timeline
			if !strings.Contains(timeline, "Complaint customer informed") || !strings.Contains(timeline, "Complaint resolved: Sent a new desk") {
				t.Errorf("the timeline lacks the status changes")
			}

			// Walls: an outsider neither sees nor changes walled feedback.
			if status, _ := agent.get("/feedback/" + hidden.ID.String()); status != 404 {
				t.Errorf("the walled feedback's page: got %d, want 404", status)
			}
			if res, _ := agent.post("/feedback/"+hidden.ID.String()+"/status", url.Values{"status": {"triaged"}}); res.StatusCode != 404 {
				t.Errorf("changing walled feedback: got %d, want 404", res.StatusCode)
			}
			if status, _ := agent.get("/feedback/nope"); status != 404 {
				t.Errorf("a malformed id: got %d, want 404", status)
			}
			// An analyst reads but has no buttons and may not change.
			analyst := e.signIn("outsider@example.com")
			status, body = analyst.get("/feedback/" + fb.ID.String())
			if status != 200 || strings.Contains(body, action) {
				t.Errorf("an analyst: got %d, and the page should offer no next steps", status)
			}
			if _, body := analyst.get("/feedback"); strings.Contains(body, action) {
				t.Errorf("an analyst's list should offer no next steps")
			}
			if res, _ := analyst.post("/feedback/"+fb.ID.String()+"/status", url.Values{"status": {"in_progress"}}); res.StatusCode != 403 {
				t.Errorf("an analyst reopening: got %d, want 403", res.StatusCode)
			}
		})
	}
}

// TestFeedbackCustomerAnswerChips: the customer's answer through their link shows on
// the list and on the feedback's page, "confirmed" for yes and "not resolved" for no.
func TestFeedbackCustomerAnswerChips(t *testing.T) {
	link := regexp.MustCompile(`/portal/feedback/([A-Za-z0-9_-]+)`)
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			answer := func(text string, resolved bool) *rapport.Feedback {
				t.Helper()
				fb := &rapport.Feedback{CustomerID: e.open.ID, Kind: "complaint", Text: text}
				_, err := e.db.CreateFeedback(ctx, sys, fb)
				must(t, err)
				_, m, err := e.db.InformFeedbackByEmail(ctx, sys, fb.ID, rapport.FeedbackInform{Subject: "Re: {feedback}",
					Text: "{resolution}: {link}", Resolution: "We sent a new one", BaseURL: "https://crm.test/", Firm: "Acme"})
				must(t, err)
				token := link.FindStringSubmatch(m.Text)
				if token == nil {
					t.Fatalf("no link in %q", m.Text)
				}
				_, err = e.db.AnswerFeedbackLink(ctx, token[1], "", rapport.FeedbackAnswer{Resolved: &resolved, Rating: 2})
				must(t, err)
				return fb
			}
			no := answer("The chair squeaks", false)
			yes := answer("The desk wobbles", true)
			notResolved, confirmed := `<span class="chip fb-complaint">not resolved</span>`, `<span class="chip">confirmed</span>`
			agent := e.signIn("agent@example.com")
			for _, c := range []struct {
				fb         *rapport.Feedback
				want, lack string
			}{{no, notResolved, confirmed}, {yes, confirmed, notResolved}} {
				_, page := agent.get("/feedback/" + c.fb.ID.String())
				if !strings.Contains(page, c.want) || strings.Contains(page, c.lack) {
					t.Errorf("the page of %q should show %s, not %s", c.fb.Text, c.want, c.lack)
				}
			}
			_, list := agent.get("/feedback")
			_, row, _ := strings.Cut(list, "The chair squeaks")
			row, _, _ = strings.Cut(row, "</tr>")
			if !strings.Contains(row, notResolved) || strings.Contains(row, confirmed) {
				t.Errorf("the list's row of the unresolved complaint should say not resolved: %s", row)
			}
		})
	}
}
