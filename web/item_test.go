package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestItemPages works the profile's open items without JavaScript: open one, see it
// shown with its overdue mark, mark it done, reopen it; and the preferred time.
func TestItemPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")
			profile := "/customers/" + e.open.ID.String()

			res, body := agent.post(profile+"/items", url.Values{"kind": {"ticket"}, "title": {""}, "due": {"soon"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Title is required") || !strings.Contains(body, "must be a date") {
				t.Errorf("got %d, want the profile with the item form's mistakes", res.StatusCode)
			}
			// What was typed into the item form is kept there, not also in the form that
			// logs an interaction, whose fields share names with it.
			_, body = agent.post(profile+"/items", url.Values{"kind": {"request"}, "title": {""}, "body": {"Wants the invoice split per depot"}, "channel": {"email"}})
			if !strings.Contains(body, `<textarea id="it-body" name="body" rows="2">Wants the invoice split per depot</textarea>`) ||
				!strings.Contains(body, `<textarea id="i-body" name="body" rows="3"></textarea>`) || !strings.Contains(body, `<option value="phone" selected>`) {
				t.Error("the item's details or channel went into the interaction form too")
			}
			_, body = agent.post(profile+"/interactions", url.Values{"type": {"call"}, "channel": {"carrier pigeon"}, "summary": {"Called"}})
			if n := strings.Count(body, `Channel &#34;carrier pigeon&#34; is unknown`); n != 1 {
				t.Errorf("the interaction's wrong channel is shown %d times, want once, at its form", n)
			}
			yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(rapport.DateLayout)
			res, _ = agent.post(profile+"/items", url.Values{"kind": {"ticket"}, "title": {"Refund <script>alert(1)</script>"},
				"request_type": {"refund"}, "product": {"Standing desk"}, "due": {yesterday}, "team_id": {e.team.ID.String()}, "owner_id": {e.agent.ID.String()}})
			if res.StatusCode != 303 {
				t.Fatalf("got %d opening an item", res.StatusCode)
			}
			res, _ = agent.post(profile+"/items", url.Values{"kind": {"task"}, "title": {"Send the brochure"}})
			if res.StatusCode != 303 {
				t.Fatalf("got %d opening a second item", res.StatusCode)
			}
			_, body = agent.get(profile)
			_, card, _ := strings.Cut(body, `id="open-items"`)
			card, _, _ = strings.Cut(card, `id="add-item"`)
			for _, want := range []string{"Refund &lt;script&gt;alert(1)&lt;/script&gt;", "refund", "Standing desk", "agent · Sales", "1 day overdue", `class="item overdue"`, "Send the brochure"} {
				if !strings.Contains(card, want) {
					t.Errorf("the open items card lacks %q", want)
				}
			}
			if strings.Index(card, "Refund") > strings.Index(card, "Send the brochure") {
				t.Errorf("the overdue item is not shown first")
			}
			// Opening it is on the timeline, by the agent, and is Sales's last contact.
			_, timeline, _ := strings.Cut(body, `id="timeline"`)
			timeline, _, _ = strings.Cut(timeline, `class="profile-more"`) // the side cards follow the timeline
			if !strings.Contains(timeline, "Ticket opened: Refund") {
				t.Errorf("the timeline lacks the item's opening")
			}
			_, contacts, _ := strings.Cut(body, `id="contacts-h"`)
			contacts, _, _ = strings.Cut(contacts, "</section>")
			if !strings.Contains(contacts, "Sales") || !strings.Contains(contacts, "Task opened: Send the brochure") {
				t.Errorf("the last contact by team lacks Sales's latest")
			}
			if !strings.Contains(contacts, ">Other · ") || strings.Contains(contacts, "Other · Other") { // type and channel both other
				t.Errorf("the last contact should name its type, and its channel only when that differs: %s", contacts)
			}

			items, _, err := e.db.FindItems(ctx, rapport.SystemScope("test"), rapport.ItemFilter{CustomerID: e.open.ID})
			must(t, err)
			refund := items[0]
			res, _ = agent.post("/items/"+refund.ID.String()+"/status", url.Values{"status": {"done"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != profile+"#items-h" {
				t.Fatalf("got %d to %q marking done", res.StatusCode, res.Header.Get("Location"))
			}
			_, body = agent.get(profile)
			_, card, _ = strings.Cut(body, `id="open-items"`)
			open, closed, _ := strings.Cut(card, "Recently closed")
			if strings.Contains(open, "Refund") || !strings.Contains(closed, "Refund") || !strings.Contains(open, "Send the brochure") {
				t.Errorf("after done, the refund should be under recently closed only")
			}
			res, _ = agent.post("/items/"+refund.ID.String()+"/status", url.Values{"status": {"open"}})
			if res.StatusCode != 303 {
				t.Fatalf("got %d reopening", res.StatusCode)
			}
			if it, _ := e.db.FindItemByID(ctx, rapport.SystemScope("test"), refund.ID); it.Status != rapport.ItemOpen {
				t.Errorf("got status %q after reopening", it.Status)
			}

			// The card shows the first ten open items and links to all of them.
			for i := range 11 {
				must(t, e.db.CreateItem(ctx, rapport.SystemScope("test"), &rapport.Item{CustomerID: e.open.ID, Kind: "task", Title: fmt.Sprintf("Chore %02d", i)}))
			}
			_, body = agent.get(profile)
			if !strings.Contains(body, "3 more open") || !strings.Contains(body, `href="/customers/`+e.open.ID.String()+`?items=all#open-items"`) {
				t.Errorf("the card does not say how many more are open, or does not link to them")
			}
			_, body = agent.get(profile + "?items=all")
			_, card, _ = strings.Cut(body, `id="open-items"`)
			card, _, _ = strings.Cut(card, "Recently closed")
			if n := strings.Count(card, `<li class="item`); n != 13 || strings.Contains(card, "more open") {
				t.Errorf("asked for all, the card lists %d open items, want 13", n)
			}

			// Walls and roles: the outsider neither sees nor changes the walled customer's items.
			hidden := &rapport.Item{CustomerID: e.walled.ID, Kind: "task", Title: "Deal"}
			must(t, e.db.CreateItem(ctx, rapport.SystemScope("test"), hidden))
			res, _ = agent.post("/items/"+hidden.ID.String()+"/status", url.Values{"status": {"done"}})
			if res.StatusCode != 404 {
				t.Errorf("closing a walled customer's item: got %d, want 404", res.StatusCode)
			}
			res, _ = agent.post("/customers/"+e.walled.ID.String()+"/items", url.Values{"kind": {"task"}, "title": {"x"}})
			if res.StatusCode != 404 {
				t.Errorf("opening an item for a walled customer: got %d, want 404", res.StatusCode)
			}
			res, _ = e.signIn("outsider@example.com").post("/items/"+refund.ID.String()+"/status", url.Values{"status": {"done"}})
			if res.StatusCode != 403 {
				t.Errorf("an analyst closing an item: got %d, want 403", res.StatusCode)
			}

			// The preferred time, from the customer form, is shown at the top.
			res, body = agent.post(profile+"/edit", url.Values{"kind": {"person"}, "given_name": {"Otto"}, "family_name": {"Open"}, "preferred_days": {"sometimes"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Preferred days") {
				t.Errorf("got %d, want the form with the mistake in the preferred days: %s", res.StatusCode, body)
			}
			res, _ = agent.post(profile+"/edit", url.Values{"kind": {"person"}, "given_name": {"Otto"}, "family_name": {"Open"},
				"emails": {"otto@open.example"}, "preferred_channel": {"phone"}, "preferred_days": {"weekdays"}, "preferred_part": {"morning"}})
			if res.StatusCode != 303 {
				t.Fatalf("got %d saving the preferred time", res.StatusCode)
			}
			_, body = agent.get(profile)
			_, head, _ := strings.Cut(body, `id="contact-pref"`)
			head, _, _ = strings.Cut(head, "</p>")
			if !strings.Contains(head, "Phone") || !strings.Contains(head, "weekday mornings") {
				t.Errorf("the top of the profile lacks the preferred channel and time: %q", head)
			}
			_, form := agent.get(profile + "/edit")
			if !strings.Contains(form, `<option value="morning" selected>`) {
				t.Errorf("the edit form does not show the preferred part of the day")
			}
			if !strings.Contains(form, `<option value="any">Any day</option>`) || !strings.Contains(form, `<option value="any">Any time of day</option>`) {
				t.Errorf("the edit form does not offer any day and any time of day by those words")
			}
		})
	}
}

// TestItemAPI: items through the API, walls and bad input.
func TestItemAPI(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	const agent, insider = "agent@example.com", "insider@example.com"
	base := "/api/v1/customers/" + e.open.ID.String() + "/items"
	res, body := e.do("POST", base, agent, `{"kind":"ticket","title":"Broken hinge","due":"2026-02-30"}`)
	if res.StatusCode != 400 || !strings.Contains(body, `"field":"due"`) {
		t.Errorf("got %d %s, want 400 about due", res.StatusCode, body)
	}
	res, body = e.do("POST", base, agent, `{"kind":"ticket","title":"Broken hinge","request_type":"repair","colour":"red"}`)
	if res.StatusCode != 400 || !strings.Contains(body, "colour") {
		t.Errorf("got %d %s, want an unknown field refused", res.StatusCode, body)
	}
	res, body = e.do("POST", base, agent, `{"kind":"ticket","title":"Broken hinge","request_type":"repair"}`)
	if res.StatusCode != 201 {
		t.Fatalf("got %d %s", res.StatusCode, body)
	}
	it := decode[rapport.Item](t, body)
	if it.Status != "open" || it.OpenedBy != e.agent.ID || res.Header.Get("Location") != "/api/v1/items/"+it.ID.String() {
		t.Errorf("got %+v at %q", it, res.Header.Get("Location"))
	}
	res, body = e.do("PATCH", "/api/v1/items/"+it.ID.String(), agent, `{"status":"done"}`)
	if res.StatusCode != 200 || decode[rapport.Item](t, body).ClosedAt == nil {
		t.Errorf("got %d %s, want the item closed", res.StatusCode, body)
	}
	for _, tt := range []struct {
		query string
		want  int
	}{{"", 0}, {"?status=open", 0}, {"?status=all", 1}} {
		res, body = e.do("GET", base+tt.query, agent, "")
		if got := len(decode[struct{ Data []rapport.Item }](t, body).Data); res.StatusCode != 200 || got != tt.want {
			t.Errorf("%s: got %d with %d items, want %d", tt.query, res.StatusCode, got, tt.want)
		}
	}
	if res, _ = e.do("GET", base+"?status=closed", agent, ""); res.StatusCode != 400 {
		t.Errorf("status=closed: got %d, want 400", res.StatusCode)
	}
	// Pages: a second item, then one item a page.
	if res, body = e.do("POST", base, agent, `{"kind":"task","title":"Order a new hinge"}`); res.StatusCode != 201 {
		t.Fatalf("got %d %s", res.StatusCode, body)
	}
	res, body = e.do("GET", base+"?status=all&limit=1", agent, "")
	first := decode[struct {
		Data       []rapport.Item
		NextCursor string `json:"next_cursor"`
	}](t, body)
	if res.StatusCode != 200 || len(first.Data) != 1 || first.NextCursor == "" {
		t.Fatalf("limit=1: got %d %s, want one item and a next_cursor", res.StatusCode, body)
	}
	res, body = e.do("GET", base+"?status=all&limit=1&cursor="+first.NextCursor, agent, "")
	second := decode[struct {
		Data       []rapport.Item
		NextCursor string `json:"next_cursor"`
	}](t, body)
	if res.StatusCode != 200 || len(second.Data) != 1 || second.Data[0].ID == first.Data[0].ID || second.NextCursor != "" {
		t.Errorf("the second page: got %d %s, want the other item and no next_cursor", res.StatusCode, body)
	}
	if res, body = e.do("GET", base+"?cursor=nonsense", agent, ""); res.StatusCode != 400 || !strings.Contains(body, `"field":"cursor"`) {
		t.Errorf("a bad cursor: got %d %s, want 400 about cursor", res.StatusCode, body)
	}

	// Bulk: a line for a walled customer is rejected for an outsider, written for an insider.
	lines := `{"customer_id":"` + e.walled.ID.String() + `","source_id":"HD-9","kind":"ticket","title":"Secret"}` + "\n" +
		`{"customer_id":"` + e.open.ID.String() + `","source_id":"HD-10","kind":"request","title":"Catalogue","status":"waiting"}` + "\n"
	res, body = e.do("POST", "/api/v1/items/bulk?source=helpdesk", agent, lines)
	got := decode[rapport.IngestResult](t, body)
	if res.StatusCode != 200 || got.Created != 1 || got.Rejected != 1 || got.Errors[0].Line != 1 || got.Errors[0].Code != "not_found" {
		t.Errorf("got %d %s, want line 1 rejected as not found and line 2 created", res.StatusCode, body)
	}
	res, body = e.do("POST", "/api/v1/items/bulk?source=helpdesk", insider, lines)
	if got = decode[rapport.IngestResult](t, body); res.StatusCode != 200 || got.Created != 1 || got.Unchanged != 1 {
		t.Errorf("insider: got %s, want the walled line created and the other unchanged", body)
	}
	walledID := got.Items[0].ID
	if res, _ = e.do("GET", "/api/v1/items/"+walledID.String(), agent, ""); res.StatusCode != 404 {
		t.Errorf("an outsider reading a walled item: got %d, want 404", res.StatusCode)
	}
	if res, _ = e.do("PATCH", "/api/v1/items/"+walledID.String(), agent, `{"status":"done"}`); res.StatusCode != 404 {
		t.Errorf("an outsider changing a walled item: got %d, want 404", res.StatusCode)
	}
	if res, _ = e.do("GET", "/api/v1/customers/"+e.walled.ID.String()+"/items", agent, ""); res.StatusCode != 404 {
		t.Errorf("an outsider listing a walled customer's items: got %d, want 404", res.StatusCode)
	}

	// The preferred time through the customer API.
	res, body = e.do("PATCH", "/api/v1/customers/"+e.open.ID.String(), agent, `{"preferred_time":{"days":"weekends","part":"noon"}}`)
	if res.StatusCode != 400 || !strings.Contains(body, "preferred_time.part") {
		t.Errorf("got %d %s, want 400 about preferred_time.part", res.StatusCode, body)
	}
	res, body = e.do("PATCH", "/api/v1/customers/"+e.open.ID.String(), agent, `{"preferred_time":{"days":"weekends"}}`)
	if c := decode[rapport.Customer](t, body); res.StatusCode != 200 || c.PreferredTime != (rapport.ContactTime{Days: "weekends", Part: "any"}) {
		t.Errorf("got %d %s, want weekends at any time", res.StatusCode, body)
	}
	// A new customer takes it too, checked as an update's is.
	res, body = e.do("POST", "/api/v1/customers", agent, `{"kind":"person","given_name":"Rui","preferred_time":{"days":"weekdays","part":"morning"}}`)
	if c := decode[rapport.Customer](t, body); res.StatusCode != 201 || c.PreferredTime != (rapport.ContactTime{Days: "weekdays", Part: "morning"}) {
		t.Errorf("got %d %s, want a new customer reached on weekday mornings", res.StatusCode, body)
	}
	res, body = e.do("POST", "/api/v1/customers", agent, `{"kind":"person","given_name":"Rui","preferred_time":{"days":"weekdays","part":"noon"}}`)
	if res.StatusCode != 400 || decode[errorBody](t, body).Error.Field != "preferred_time.part" {
		t.Errorf("got %d %s, want 400 about preferred_time.part", res.StatusCode, body)
	}
}

// TestFeedbackItemLogsAsFeedback: an open item of the kind feedback is not in the
// feedback log, and the profile says so instead of calling the log empty without a
// word; its Log as feedback fills the quick form in from it.
func TestFeedbackItemLogsAsFeedback(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	agent := e.signIn("agent@example.com")
	profile := "/customers/" + e.open.ID.String()
	res, _ := agent.post(profile+"/items", url.Values{"kind": {"feedback"}, "title": {"Waited too long on the phone"},
		"body": {"Forty minutes"}, "request_type": {"complaint"}, "channel": {"phone"}})
	if res.StatusCode != 303 {
		t.Fatalf("got %d opening a feedback item", res.StatusCode)
	}
	_, body := agent.get(profile)
	_, card, _ := strings.Cut(body, `id="open-items"`)
	card, _, _ = strings.Cut(card, `id="add-item"`)
	link := regexp.MustCompile(`href="(/feedback/new\?[^"]*)"[^>]*>Log as feedback<`).FindStringSubmatch(card)
	if link == nil {
		t.Fatalf("the feedback item has no Log as feedback link: %s", card)
	}
	u, err := url.Parse(html.UnescapeString(link[1]))
	must(t, err)
	q := u.Query()
	if q.Get("customer_id") != e.open.ID.String() || q.Get("kind") != "complaint" || q.Get("channel") != "phone" || q.Get("text") != "Waited too long on the phone\n\nForty minutes" {
		t.Errorf("Log as feedback fills in %v, want the customer, complaint, phone and the item's title and details", q)
	}
	_, feedbackCard, _ := strings.Cut(body, `id="feedback-h"`)
	feedbackCard, _, _ = strings.Cut(feedbackCard, "</section>")
	if !strings.Contains(feedbackCard, "Nothing logged yet") || !strings.Contains(feedbackCard, "The feedback under Open items is an item of business") {
		t.Errorf("the empty Feedback card does not say where the feedback item is: %s", feedbackCard)
	}
	if status, form := agent.get(u.String()); status != 200 || !strings.Contains(form, "Waited too long on the phone\n\nForty minutes</textarea>") {
		t.Errorf("the quick form: got %d, want it filled in with the item's words", status)
	}
	res, _ = agent.post("/feedback", url.Values{"kind": {q.Get("kind")}, "text": {q.Get("text")}, "customer_id": {q.Get("customer_id")}, "channel": {q.Get("channel")}})
	if res.StatusCode != 303 {
		t.Fatalf("got %d logging it as feedback", res.StatusCode)
	}
	_, body = agent.get(profile)
	_, feedbackCard, _ = strings.Cut(body, `id="feedback-h"`)
	feedbackCard, _, _ = strings.Cut(feedbackCard, "</section>")
	if !strings.Contains(feedbackCard, "Waited too long on the phone") || strings.Contains(feedbackCard, "item of business") {
		t.Errorf("after logging it, the Feedback card does not list it: %s", feedbackCard)
	}
}
