package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestFeedbackPages logs feedback without JavaScript: the quick form's mistakes, the
// customer search that offers the matches to choose from, saving and going back, the
// profile's card, the list with its filters, walls, and escaping.
func TestFeedbackPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")
			profile := "/customers/" + e.open.ID.String()

			status, body := agent.get("/feedback/new?back=/customers")
			if status != 200 || !strings.Contains(body, `name="kind" value="complaint" checked`) || !strings.Contains(body, `name="back" value="/customers"`) ||
				!strings.Contains(body, `id="quick-feedback"`) {
				t.Fatalf("got %d; want the quick form, complaint chosen, going back to the list", status)
			}
			if _, body := agent.get("/feedback/new?back=https://evil.example/"); strings.Contains(body, "evil.example") {
				t.Errorf("the form would go back to another site")
			}

			// Mistakes are shown at their fields, with what was typed kept.
			res, body := agent.post("/feedback", url.Values{"kind": {"rant"}, "text": {"  "}, "product": {"Desk"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Kind &#34;rant&#34; is unknown") || !strings.Contains(body, "Text is required") ||
				!strings.Contains(body, `value="Desk"`) {
				t.Errorf("got %d; want the form with its mistakes and the product kept", res.StatusCode)
			}

			// A name in the customer box shows the matches; the walled customer is not among them.
			form := url.Values{"kind": {"complaint"}, "text": {"The <script>alert(1)</script> desk arrived broken and late. Terrible."},
				"customer_q": {"Otto"}, "back": {"/customers"}}
			res, body = agent.post("/feedback", form)
			if res.StatusCode != 200 || !strings.Contains(body, "Which customer?") || !strings.Contains(body, `value="`+e.open.ID.String()+`" checked`) ||
				!strings.Contains(body, "The &lt;script&gt;alert(1)&lt;/script&gt; desk") {
				t.Fatalf("got %d; want the matches to choose from, with the text kept and escaped", res.StatusCode)
			}
			if n, _, _ := e.db.FindFeedback(ctx, rapport.SystemScope("test"), rapport.FeedbackFilter{}); len(n) != 0 {
				t.Fatalf("searching saved %d feedback, want none", len(n))
			}
			if _, body := agent.post("/feedback", url.Values{"kind": {"need"}, "text": {"x"}, "customer_q": {"Wanda"}}); strings.Contains(body, "Walled") ||
				!strings.Contains(body, "No customer you may see matches") {
				t.Errorf("the search offers the walled customer, or does not say it found nobody")
			}

			form.Set("customer_id", e.open.ID.String())
			res, _ = agent.post("/feedback", form)
			if res.StatusCode != 303 || res.Header.Get("Location") != "/customers" {
				t.Fatalf("got %d to %q, want back to the customer list", res.StatusCode, res.Header.Get("Location"))
			}
			if _, body := agent.get("/customers"); !strings.Contains(body, "Complaint logged for Otto Open (sentiment negative") {
				t.Errorf("the flash does not say what was logged")
			}

			// Without a customer, from the quick form; it goes to the list.
			res, _ = agent.post("/feedback", url.Values{"kind": {"compliment"}, "text": {"Someone at the fair loved the new app, really easy!"}, "area": {"app"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != "/feedback" {
				t.Fatalf("got %d to %q, want the feedback list", res.StatusCode, res.Header.Get("Location"))
			}

			// The profile's card and its action.
			_, body = agent.get(profile)
			if !strings.Contains(body, `id="log-feedback" href="/feedback/new?customer_id=`+e.open.ID.String()) {
				t.Errorf("the profile has no Log feedback action for its customer")
			}
			_, card, _ := strings.Cut(body, `id="feedback-h"`)
			card, _, _ = strings.Cut(card, "</section>")
			for _, want := range []string{"Complaint", "tone-negative", "The &lt;script&gt;alert(1)&lt;/script&gt; desk", "Medium severity", "New"} {
				if !strings.Contains(card, want) {
					t.Errorf("the feedback card lacks %q", want)
				}
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("the profile holds the script unescaped")
			}
			_, timeline, _ := strings.Cut(body, `id="timeline"`)
			timeline, _, _ = strings.Cut(timeline, `class="profile-more"`) // the side cards follow the timeline
			if !strings.Contains(timeline, "Complaint: The &lt;script&gt;") {
				t.Errorf("the timeline lacks the complaint")
			}
			status, body = agent.get("/feedback/new?customer_id=" + e.open.ID.String())
			if status != 200 || !strings.Contains(body, "<strong>Otto Open</strong>") || !strings.Contains(body, `name="back" value="`+profile+`#feedback-h"`) {
				t.Errorf("got %d; want the form for Otto, going back to his profile", status)
			}

			// The list, its filters, and walls.
			must(t, func() error {
				_, err := e.db.CreateFeedback(ctx, rapport.SystemScope("test"), &rapport.Feedback{CustomerID: e.walled.ID, Kind: "need", Text: "Falcon needs a second account"})
				return err
			}())
			_, body = agent.get("/feedback")
			if !strings.Contains(body, "Otto Open") || !strings.Contains(body, "loved the new app") || strings.Contains(body, "Falcon") || !strings.Contains(body, "tone-positive") {
				t.Errorf("the list should show Otto's complaint and the positive compliment, not the walled need")
			}
			_, body = agent.get("/feedback?kind=compliment")
			if strings.Contains(body, "Otto Open") || !strings.Contains(body, "loved the new app") {
				t.Errorf("kind compliment: the list should show the compliment only")
			}
			if _, body = agent.get("/feedback?status=resolved"); !strings.Contains(body, "No feedback with these filters") {
				t.Errorf("status resolved: want the empty state")
			}
			// One customer's feedback, as the profile's card links to it; a walled one is not found.
			_, body = agent.get("/feedback?customer=" + e.open.ID.String())
			if !strings.Contains(body, `Feedback of <a href="/customers/`+e.open.ID.String()+`">Otto Open</a>`) || strings.Contains(body, "loved the new app") ||
				!strings.Contains(body, `name="customer" value="`+e.open.ID.String()+`"`) {
				t.Errorf("the list of Otto's feedback should hold his complaint only, and keep him in its filters")
			}
			for _, bad := range []string{e.walled.ID.String(), "nope"} {
				if status, _ := agent.get("/feedback?customer=" + bad); status != 404 {
					t.Errorf("feedback of customer %q: got %d, want 404", bad, status)
				}
			}
			insider := e.signIn("insider@example.com")
			if _, body := insider.get("/feedback"); !strings.Contains(body, "Falcon needs") {
				t.Errorf("the wall's team does not see the walled need")
			}
			if status, _ := agent.get("/feedback/new?customer_id=" + e.walled.ID.String()); status != 404 {
				t.Errorf("the form for a walled customer: got %d, want 404", status)
			}
			res, _ = agent.post("/feedback", url.Values{"kind": {"need"}, "text": {"x"}, "customer_id": {e.walled.ID.String()}})
			if res.StatusCode != 404 {
				t.Errorf("logging for a walled customer: got %d, want 404", res.StatusCode)
			}
			// An analyst may log feedback too.
			outsider := e.signIn("outsider@example.com")
			if res, _ := outsider.post("/feedback", url.Values{"kind": {"observation"}, "text": {"Queue at the counter"}}); res.StatusCode != 303 {
				t.Errorf("an analyst logging feedback: got %d, want 303", res.StatusCode)
			}
		})
	}
}
