package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// TestRoutingPages adds routing rules on /feedback/routing (bad input refused with
// its reason), sees their preview, moves and deletes them, sets the fallback team, and
// works action items on the feedback's page and /actions, without JavaScript; walls
// keep outsiders from walled feedback's items and previews.
func TestRoutingPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			admin, agent, outsider := e.signIn("admin@example.com"), e.signIn("agent@example.com"), e.signIn("outsider@example.com")
			rule := url.Values{"name": {"Late deliveries"}, "kinds": {"complaint"}, "words": {"late, never arrived"},
				"team_id": {e.team.ID.String()}, "owner_id": {e.agent.ID.String()}, "service_level": {"2d"}, "title": {"Chase the <carrier>"}}

			// Agents read the rules but may not change them.
			if status, body := agent.get("/feedback/routing"); status != 200 || strings.Contains(body, `action="/feedback/routing/rules"`) {
				t.Errorf("agent's routing page: got %d, want 200 without the form to add a rule", status)
			}
			if res, _ := agent.post("/feedback/routing/rules", rule); res.StatusCode != 403 {
				t.Errorf("an agent adds a rule: got %d, want 403", res.StatusCode)
			}
			// Bad input is shown on the form with what was typed.
			long := make([]string, rapport.MaxRoutingWords+1)
			for i := range long {
				long[i] = "w" + strings.Repeat("x", i)
			}
			bad := []struct {
				name, field, value, want string
			}{
				{"unknown team", "team_id", rapport.NewID().String(), "No team has the id"},
				{"owner not in team", "owner_id", e.insider.ID.String(), "must be an active member of Sales"},
				{"service level 0", "service_level", "0d", "between 1 hour and 365 days"},
				{"absurd service level", "service_level", "9000d", "between 1 hour and 365 days"},
				{"not a service level", "service_level", "soon", "such as 2d or 36h"},
				{"too many words", "words", strings.Join(long, "\n"), "at most 20 words"},
				{"value not a number", "min_value", "lots", "as a number"},
			}
			for _, b := range bad {
				form := url.Values{}
				for k, v := range rule {
					form[k] = v
				}
				form.Set(b.field, b.value)
				res, body := admin.post("/feedback/routing/rules", form)
				if res.StatusCode != 400 || !strings.Contains(body, b.want) || !strings.Contains(body, `value="Late deliveries"`) {
					t.Errorf("%s: got %d, want 400 saying %q with the form kept", b.name, res.StatusCode, b.want)
				}
			}
			res, _ := admin.post("/feedback/routing/rules", rule)
			if res.StatusCode != 303 {
				t.Fatalf("add a rule: got %d, want 303", res.StatusCode)
			}
			second := url.Values{"name": {"Everything"}, "team_id": {e.deals.ID.String()}, "service_level": {"8h"}}
			if res, _ := admin.post("/feedback/routing/rules", second); res.StatusCode != 303 {
				t.Fatalf("add a second rule: got %d", res.StatusCode)
			}
			rules, err := e.db.FindRoutingRules(ctx, sys)
			must(t, err)

			// Feedback is routed as it is logged from the quick form.
			res, _ = agent.post("/feedback", url.Values{"customer_id": {e.open.ID.String()}, "kind": {"complaint"}, "text": {"The parcel was LATE"}})
			if res.StatusCode != 303 {
				t.Fatalf("log feedback: got %d", res.StatusCode)
			}
			list, _, err := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{CustomerID: e.open.ID})
			must(t, err)
			fb := list[0]
			if len(fb.ActionItems) != 2 {
				t.Fatalf("feedback routed to %d teams, want Sales and Deals", len(fb.ActionItems))
			}
			hidden := &rapport.Feedback{CustomerID: e.walled.ID, Kind: "complaint", Text: "Secret deal arrived late"}
			_, err = e.db.CreateFeedback(ctx, sys, hidden)
			must(t, err)

			// The routing page previews each rule; the outsider's preview counts only
			// what they may see.
			_, body := admin.get("/feedback/routing")
			if !strings.Contains(body, "<strong>2</strong> of 2 recent items match") || !strings.Contains(body, "Secret deal") {
				t.Errorf("admin's preview: want both items matched and shown")
			}
			_, body = outsider.get("/feedback/routing")
			if !strings.Contains(body, "<strong>1</strong> of 1 recent items match") || strings.Contains(body, "Secret deal") {
				t.Errorf("outsider's preview: want only the visible item counted and shown")
			}
			// Move the second rule up; edit it; delete it.
			if res, _ := admin.post("/feedback/routing/rules/"+rules[1].ID.String()+"/move", url.Values{"direction": {"up"}}); res.StatusCode != 303 {
				t.Errorf("move up: got %d", res.StatusCode)
			}
			if r, _ := e.db.FindRoutingRule(ctx, sys, rules[1].ID); r.Position != 1 {
				t.Errorf("moved rule at %d, want 1", r.Position)
			}
			if status, body := admin.get("/feedback/routing/rules/" + rules[0].ID.String()); status != 200 || !strings.Contains(body, `value="Chase the &lt;carrier&gt;"`) {
				t.Errorf("edit form: got %d, want the stored title escaped", status)
			}
			res, body = admin.post("/feedback/routing/rules/"+rules[1].ID.String(), url.Values{"name": {"Everything"}, "team_id": {e.deals.ID.String()}, "service_level": {"0h"}})
			if res.StatusCode != 400 || !strings.Contains(body, "between 1 hour and 365 days") {
				t.Errorf("edit with a bad service level: got %d", res.StatusCode)
			}
			if res, _ := admin.post("/feedback/routing/rules/"+rules[1].ID.String()+"/delete", nil); res.StatusCode != 303 {
				t.Errorf("delete: got %d", res.StatusCode)
			}
			// The fallback team: an unknown team is refused.
			if res, _ := admin.post("/feedback/routing/settings", url.Values{"fallback_team_id": {rapport.NewID().String()}}); res.StatusCode != 400 {
				t.Errorf("unknown fallback team: got %d, want 400", res.StatusCode)
			}
			if res, _ := admin.post("/feedback/routing/settings", url.Values{"fallback_team_id": {e.team.ID.String()}, "fallback_service_level": {"3d"}}); res.StatusCode != 303 {
				t.Errorf("set the fallback team: got %d", res.StatusCode)
			}

			// The feedback list says where each went; the feedback's page shows the items.
			_, body = agent.get("/feedback")
			if !strings.Contains(body, "Routed to") || !strings.Contains(body, "Sales") {
				t.Errorf("the list does not show the teams the feedback was routed to")
			}
			page := "/feedback/" + fb.ID.String()
			_, body = agent.get(page)
			for _, want := range []string{`id="actions"`, "Chase the &lt;carrier&gt;", "by rule “Late deliveries”", "Route again", "Add an action item", `action="/actions/`} {
				if !strings.Contains(body, want) {
					t.Errorf("the feedback's page lacks %q", want)
				}
			}
			// Add one by hand: an owner from another team is refused.
			res, body = agent.post(page+"/actions", url.Values{"team_id": {e.team.ID.String()}, "owner_id": {e.insider.ID.String()}, "service_level": {"4h"}})
			if res.StatusCode != 400 || strings.Count(body, "must be an active member of Sales") != 1 {
				t.Errorf("owner not in team: got %d", res.StatusCode)
			}
			res, _ = agent.post(page+"/actions", url.Values{"team_id": {e.team.ID.String()}, "title": {"Call back"}, "due": {time.Now().AddDate(0, 0, 3).Format("2006-01-02")}})
			if res.StatusCode != 303 {
				t.Fatalf("add by hand: got %d", res.StatusCode)
			}
			items, _, err := e.db.FindActions(ctx, sys, rapport.ActionFilter{FeedbackID: fb.ID})
			must(t, err)
			if len(items) != 3 {
				t.Fatalf("got %d items, want 3", len(items))
			}
			// Done with a note, then reopen.
			res, _ = agent.post("/actions/"+items[0].ID.String(), url.Values{"status": {"done"}, "note": {"Chased <b>them</b>"}, "back": {page}})
			if res.StatusCode != 303 || res.Header.Get("Location") != page {
				t.Fatalf("done: got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if _, body := agent.get(page); !strings.Contains(body, "Chased &lt;b&gt;them&lt;/b&gt;") || !strings.Contains(body, "Reopen") {
				t.Errorf("the done item lacks its escaped note or Reopen")
			}
			if res, _ := agent.post("/actions/"+items[0].ID.String(), url.Values{"status": {"open"}}); res.StatusCode != 303 {
				t.Errorf("reopen: got %d", res.StatusCode)
			}
			// The analyst may not change items.
			if res, _ := outsider.post("/actions/"+items[0].ID.String(), url.Values{"status": {"done"}}); res.StatusCode != 403 {
				t.Errorf("analyst marks done: got %d, want 403", res.StatusCode)
			}

			// /actions: the agent's and their team's items; walled ones are not found.
			_, body = agent.get("/actions")
			if !strings.Contains(body, "Call back") || strings.Contains(body, "Secret deal") {
				t.Errorf("the agent's action list: want their team's items and none of walled feedback")
			}
			if res, _ := agent.post("/actions/"+hidden.ActionItems[0].ID.String(), url.Values{"status": {"done"}}); res.StatusCode != 404 {
				t.Errorf("done on a walled item: got %d, want 404", res.StatusCode)
			}
			if res, _ := agent.post("/feedback/"+hidden.ID.String()+"/route", nil); res.StatusCode != 404 {
				t.Errorf("route walled feedback again: got %d, want 404", res.StatusCode)
			}
			// Escalated items come first for the person escalated to (the admin: Sales has no manager).
			esc, err := e.db.EscalateOverdue(ctx, sys, time.Now().Add(5*24*time.Hour))
			must(t, err)
			if len(esc) == 0 || esc[0].To.ID != e.admin.ID {
				t.Fatalf("escalated %d, want items to the admin", len(esc))
			}
			_, body = admin.get("/actions?whose=mine")
			_, list2, _ := strings.Cut(body, `class="item-list actions-list"`)
			if first, _, _ := strings.Cut(list2, "</li>"); !strings.Contains(first, "escalated to you") {
				t.Errorf("the admin's list does not put items escalated to them first")
			}

			// The profile counts open feedback among its open items.
			_, body = agent.get("/customers/" + e.open.ID.String())
			if !strings.Contains(body, `id="open-feedback-h"`) || !strings.Contains(body, "Action for Sales") {
				t.Errorf("the profile does not show the open feedback with its action items")
			}
		})
	}
}
