package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/theme"
)

// grouped logs feedback on two topics (one item of the first from the walled
// customer) and a third topic only from the walled customer, groups it as the server
// does (assignment, then a full re-grouping) and returns the three themes.
func (e *env) grouped(t *testing.T) (delivery, password, walled rapport.ID) {
	t.Helper()
	agent := rapport.StaffScope(e.agent, "test", "127.0.0.1")
	insider := rapport.StaffScope(e.insider, "test", "127.0.0.1")
	log := func(s rapport.Scope, customer rapport.ID, kind rapport.FeedbackKind, text string) *rapport.Feedback {
		fb := &rapport.Feedback{CustomerID: customer, Kind: kind, Text: text}
		_, err := e.db.CreateFeedback(ctx, s, fb)
		must(t, err)
		return fb
	}
	var first [3]*rapport.Feedback
	for i, text := range []string{"The parcel delivery was late and the courier damaged the box", "Late delivery, courier damaged the parcel box",
		"Parcel late again and the courier box damaged", "Courier delivery late, parcel damaged"} {
		fb := log(agent, e.open.ID, "complaint", text)
		if i == 0 {
			first[0] = fb
		}
	}
	log(insider, e.walled.ID, "complaint", "Courier late and the parcel box damaged")
	for i, text := range []string{"Please add a password reset by text message", "Password reset by text message would help",
		"I need a password reset by text message", "Suggest password reset with a text message"} {
		fb := log(agent, rapport.ID{}, "suggestion", text)
		if i == 0 {
			first[1] = fb
		}
	}
	for i, text := range []string{"The invoice shows the wrong VAT number", "Wrong VAT number on the invoice", "Invoice VAT number wrong again"} {
		fb := log(insider, e.walled.ID, "complaint", text)
		if i == 0 {
			first[2] = fb
		}
	}
	jobs := rapport.JobScope("test")
	_, err := (&grouping.Assigner{Store: e.db, Scope: jobs}).AssignAll(ctx)
	must(t, err)
	_, err = grouping.Regroup(ctx, e.db, jobs, theme.Options{Seed: 1})
	must(t, err)
	var ids [3]rapport.ID
	for i, fb := range first {
		got, err := e.db.FindFeedbackByID(ctx, rapport.SystemScope("test"), fb.ID)
		must(t, err)
		if got.ThemeID.IsZero() {
			t.Fatalf("%q has no theme after grouping", got.Text)
		}
		ids[i] = got.ThemeID
	}
	if ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
		t.Fatalf("themes %v; want three apart", ids)
	}
	return ids[0], ids[1], ids[2]
}

// TestThemePages: the list with its opportunities tab and alerts, a theme's page with
// its chart and decisions, moving an item from the feedback's page, walls and bad input.
func TestThemePages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			delivery, password, walled := e.grouped(t)
			agent := e.signIn("agent@example.com")
			insider := e.signIn("insider@example.com")

			status, body := agent.get("/themes")
			if status != 200 || !strings.Contains(body, "/themes/"+delivery.String()) || !strings.Contains(body, "/themes/"+password.String()) {
				t.Fatalf("got %d; want the list with both themes the agent may see", status)
			}
			if strings.Contains(body, walled.String()) {
				t.Errorf("the agent's list shows the theme made only of walled feedback")
			}
			if _, body := insider.get("/themes"); !strings.Contains(body, walled.String()) {
				t.Errorf("the insider's list lacks the walled theme")
			}
			if _, body := agent.get("/themes?view=opportunities"); !strings.Contains(body, password.String()) || strings.Contains(body, delivery.String()) {
				t.Errorf("opportunities: want the suggestions theme only")
			}

			status, body = agent.get("/themes/" + delivery.String())
			if status != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, "Otto Open") || !strings.Contains(body, "<strong>4</strong>") && !strings.Contains(body, "4 items you may see") {
				t.Fatalf("got %d; want the theme's page with its chart, its customer and 4 visible items", status)
			}
			if strings.Contains(body, "Wanda") || strings.Contains(body, "Courier late and the parcel box damaged") {
				t.Errorf("the theme's page shows the walled customer's feedback")
			}
			if !strings.Contains(body, "Linked action items") || !strings.Contains(body, "No action items for this theme's feedback yet") {
				t.Errorf("the theme's page does not say it has no action items yet")
			}
			if status, _ := agent.get("/themes/" + walled.String()); status != 404 {
				t.Errorf("the walled theme's page: got %d, want 404", status)
			}
			if status, _ := agent.get("/themes/" + rapport.NewID().String()); status != 404 {
				t.Errorf("an unknown theme: got %d, want 404", status)
			}
			if status, _ := agent.get("/themes/not-an-id"); status != 404 {
				t.Errorf("a malformed id: got %d, want 404", status)
			}

			// Rename, with a script in the name, escaped.
			res, _ := agent.post("/themes/"+delivery.String()+"/change", url.Values{"name": {"<script>x</script> Late deliveries"}})
			if res.StatusCode != 303 {
				t.Fatalf("rename: got %d, want 303", res.StatusCode)
			}
			_, body = agent.get("/themes/" + delivery.String())
			if !strings.Contains(body, "&lt;script&gt;x&lt;/script&gt; Late deliveries") || strings.Contains(body, "<script>x</script>") {
				t.Errorf("the new name is missing or not escaped")
			}
			res, body = agent.post("/themes/"+delivery.String()+"/change", url.Values{"name": {strings.Repeat("n", 200)}})
			if res.StatusCode != 400 || !strings.Contains(body, "at most 120") {
				t.Errorf("a too long name: got %d, want 400 saying the limit", res.StatusCode)
			}
			// Ideas: proposed on the page (a script in the title stays text), moved on,
			// refused without a title (the description kept) and to an analyst.
			res, _ = agent.post("/themes/"+delivery.String()+"/ideas", url.Values{"title": {`Evening slots <img src=x onerror=alert(1)>`}, "description": {"Let customers pick 18–21h."}})
			if res.StatusCode != 303 {
				t.Fatalf("propose an idea: got %d, want 303", res.StatusCode)
			}
			ideas, err := e.db.FindIdeas(ctx, rapport.SystemScope("test"), rapport.IdeaFilter{ThemeID: delivery})
			must(t, err)
			if len(ideas) != 1 || ideas[0].CreatedBy != e.agent.ID {
				t.Fatalf("the theme's ideas: %+v", ideas)
			}
			if res, _ := agent.post("/ideas/"+ideas[0].ID.String()+"/status", url.Values{"status": {"building"}}); res.StatusCode != 303 {
				t.Errorf("move the idea on: got %d", res.StatusCode)
			}
			_, body = agent.get("/themes/" + delivery.String())
			if !strings.Contains(body, "Evening slots &lt;img src=x onerror=alert(1)&gt;") || strings.Contains(body, "<img src=x") ||
				!strings.Contains(body, `<option value="building" selected>Building</option>`) || !strings.Contains(body, "Let customers pick 18–21h.") {
				t.Errorf("the theme page does not show the idea, escaped, building")
			}
			res, body = agent.post("/themes/"+delivery.String()+"/ideas", url.Values{"title": {" "}, "description": {"Kept on error"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Title is required") || !strings.Contains(body, ">Kept on error</textarea>") {
				t.Errorf("an idea without a title: got %d, want 400 with the reason and the description kept", res.StatusCode)
			}
			if res, _ := agent.post("/ideas/"+ideas[0].ID.String()+"/status", url.Values{"status": {"someday"}}); res.StatusCode != 400 {
				t.Errorf("an unknown status: got %d, want 400", res.StatusCode)
			}
			if res, _ := e.signIn("outsider@example.com").post("/themes/"+delivery.String()+"/ideas", url.Values{"title": {"Mine"}}); res.StatusCode != 403 {
				t.Errorf("an analyst proposes an idea: got %d, want 403", res.StatusCode)
			}

			// Merge into itself: refused, with the reason.
			res, body = agent.post("/themes/"+delivery.String()+"/merge", url.Values{"into": {delivery.String()}})
			if res.StatusCode != 400 || !strings.Contains(body, "cannot be merged into itself") {
				t.Errorf("merge into itself: got %d, want 400 saying why", res.StatusCode)
			}
			// Merge into the walled theme: not offered, and refused.
			if _, body := agent.get("/themes/" + delivery.String()); strings.Contains(body, `value="`+walled.String()+`"`) {
				t.Errorf("the merge form offers the walled theme")
			}
			res, _ = agent.post("/themes/"+delivery.String()+"/merge", url.Values{"into": {walled.String()}})
			if res.StatusCode != 400 {
				t.Errorf("merge into a hidden theme: got %d, want 400", res.StatusCode)
			}
			// Fix, then a new item raises an alert on the list.
			res, _ = agent.post("/themes/"+delivery.String()+"/change", url.Values{"status": {"fixed"}})
			if res.StatusCode != 303 {
				t.Fatalf("fix: got %d", res.StatusCode)
			}
			if _, body := agent.get("/themes/" + delivery.String()); !strings.Contains(body, "Satisfaction around the fix") ||
				!strings.Contains(body, "None of the affected customers answered a survey") {
				t.Errorf("a fixed theme's page does not compare satisfaction before and after the fix")
			}
			fb := &rapport.Feedback{CustomerID: e.open.ID, Kind: "complaint", Text: "Courier delivery late and the parcel damaged again"}
			_, err = e.db.CreateFeedback(ctx, rapport.StaffScope(e.agent, "test", "127.0.0.1"), fb)
			must(t, err)
			_, err = (&grouping.Assigner{Store: e.db, Scope: rapport.JobScope("test")}).AssignAll(ctx)
			must(t, err)
			_, body = agent.get("/themes")
			if !strings.Contains(body, "Recurrence alerts") || !strings.Contains(body, fb.Text) {
				t.Fatalf("the list shows no recurrence alert for the new item")
			}

			// The feedback's page shows its theme and moves it.
			_, body = agent.get("/feedback/" + fb.ID.String())
			if !strings.Contains(body, `href="/themes/`+delivery.String()+`"`) || !strings.Contains(body, `name="theme_id"`) {
				t.Errorf("the feedback's page does not show its theme and the move form")
			}
			res, _ = agent.post("/feedback/"+fb.ID.String()+"/theme", url.Values{"theme_id": {password.String()}})
			if res.StatusCode != 303 {
				t.Fatalf("move: got %d", res.StatusCode)
			}
			if got, _ := e.db.FindFeedbackByID(ctx, rapport.SystemScope("test"), fb.ID); got.ThemeID != password {
				t.Errorf("after the move: theme %s, want %s", got.ThemeID, password)
			}
			if _, body := agent.get("/feedback"); !strings.Contains(body, `href="/themes/`+password.String()+`"`) {
				t.Errorf("the feedback list does not link items to their themes")
			}
			// Moving an item the agent may not see: not found.
			hidden, _, err := e.db.FindFeedback(ctx, rapport.SystemScope("test"), rapport.FeedbackFilter{CustomerID: e.walled.ID, Limit: 1})
			must(t, err)
			if res, _ := agent.post("/feedback/"+hidden[0].ID.String()+"/theme", url.Values{"theme_id": {delivery.String()}}); res.StatusCode != 404 {
				t.Errorf("moving a walled item: got %d, want 404", res.StatusCode)
			}
			// Split off the chosen items.
			_, body = agent.get("/themes/" + delivery.String())
			var chosen url.Values = url.Values{"name": {"Damaged boxes"}}
			for _, part := range strings.Split(body, `name="feedback_id" value="`)[1:] {
				chosen.Add("feedback_id", part[:36])
				break
			}
			res, _ = agent.post("/themes/"+delivery.String()+"/split", chosen)
			if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/themes/") {
				t.Errorf("split: got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			// Only managers re-group on demand.
			if res, _ := agent.post("/themes/regroup", nil); res.StatusCode != 403 {
				t.Errorf("an agent re-grouping: got %d, want 403", res.StatusCode)
			}
			if res, _ := e.signIn("admin@example.com").post("/themes/regroup", nil); res.StatusCode != 303 {
				t.Errorf("an admin re-grouping: got %d, want 303", res.StatusCode)
			}
		})
	}
}
