package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/jobs"
)

var surveyLink = regexp.MustCompile(`/portal/survey/([A-Za-z0-9_-]+)`)

// surveyTokens reads the survey links out of the queued mail, by address.
func (e *env) surveyTokens() map[string]string {
	e.t.Helper()
	ms, err := e.db.FindOutbox(ctx, rapport.SystemScope("test"), rapport.OutboxFilter{Limit: 100})
	must(e.t, err)
	out := map[string]string{}
	for _, m := range ms {
		if m.Purpose != "survey" {
			continue
		}
		sub := surveyLink.FindStringSubmatch(m.Text)
		if sub == nil {
			e.t.Fatalf("no link in the survey mail %q", m.Text)
		}
		out[m.ToAddress] = sub[1]
	}
	return out
}

// mailOutbox runs the mail job as rapport serve does, against an SMTP server started
// here (a real SMTP exchange), and returns the messages the server received, parsed.
func (e *env) mailOutbox() []*email.Parsed {
	e.t.Helper()
	var mu sync.Mutex
	var got []*email.Parsed
	srv := &email.Server{Log: slog.New(slog.DiscardHandler),
		Accept: func(string) bool { return true },
		Deliver: func(_ context.Context, m *email.Envelope) error {
			p, err := email.Parse(m.Data)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				got = append(got, p)
			}
			return err
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(e.t, err)
	go srv.Serve(ln)
	defer srv.Close()
	m := &jobs.Mailer{Outbox: e.db, Sender: &email.SMTP{Addr: ln.Addr().String()}, From: mail.Address{Name: "Acme", Address: "service@acme.test"}}
	if _, err := m.Run(ctx, nil); err != nil {
		e.t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return got
}

// surveyURL is the first survey link to this server in a message's text.
func (e *env) surveyURL(text string) string {
	return regexp.MustCompile(regexp.QuoteMeta(e.srv.URL) + surveyLink.String()).FindString(text)
}

// customerGet and customerPost are the customer's browser: no session.
func (e *env) customerGet(path string) (int, string) {
	e.t.Helper()
	res, err := http.Get(e.srv.URL + path)
	must(e.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (e *env) customerPost(path string, form url.Values) (*http.Response, string) {
	e.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(e.srv.URL+path, form)
	must(e.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestSurveyPages creates a survey in the web app, previews and sends it to a segment,
// answers it as the customer on the portal page (a wrong score, a low score with a
// script in the comment, a change), and reads the results; walls, roles and expiry.
func TestSurveyPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			admin := e.signIn("admin@example.com")
			agent := e.signIn("agent@example.com")

			status, body := admin.get("/surveys")
			if status != 200 || !strings.Contains(body, "No surveys yet") || !strings.Contains(body, `id="new-h"`) || !strings.Contains(body, `id="min-days"`) ||
				!strings.Contains(body, `href="/surveys" aria-current="page"`) {
				t.Fatalf("got %d; want the empty list, the new survey form and the global limit for the admin", status)
			}
			if _, body := agent.get("/surveys"); strings.Contains(body, `id="new-h"`) || strings.Contains(body, `id="min-days"`) {
				t.Errorf("an agent is offered the survey form or the global limit")
			}
			if res, _ := agent.post("/surveys", url.Values{"name": {"Agent NPS"}, "kind": {"nps"}}); res.StatusCode != 403 {
				t.Errorf("an agent creating a survey: got %d, want 403", res.StatusCode)
			}

			// Mistakes are shown at their fields, with what was typed kept.
			res, body := admin.post("/surveys", url.Values{"name": {" "}, "kind": {"nps"}, "intro": {"Kept intro"}, "ask_every_days": {"90"}})
			if res.StatusCode != 400 || !strings.Contains(body, "A survey needs a name") || !strings.Contains(body, `value="Kept intro"`) {
				t.Fatalf("got %d; want the form with its mistake and the intro kept", res.StatusCode)
			}
			if res, body := admin.post("/surveys", url.Values{"name": {"Words NPS"}, "kind": {"nps"}, "ask_every_days": {"ninety"}}); res.StatusCode != 400 || !strings.Contains(body, "must be a whole number from 1 to 3650") {
				t.Errorf("a number of days in words: got %d, want the form saying what is wrong instead of saving the default", res.StatusCode)
			}
			// A delay typed in words is refused beside the triggers, not saved as none.
			if res, body := admin.post("/surveys", url.Values{"name": {"Slow NPS"}, "kind": {"nps"}, "ask_every_days": {"90"},
				"trigger_purchase": {"on"}, "delay_purchase": {"two days"}}); res.StatusCode != 400 || !strings.Contains(body, "delay must be between 0 and 2160 hours") {
				t.Errorf("a delay in words: got %d, want the form again with the delay refused", res.StatusCode)
			}
			res, _ = admin.post("/surveys", url.Values{"name": {"Loyalty <script>alert(2)</script>"}, "kind": {"nps"}, "intro": {"Thank you for being with us."},
				"ask_every_days": {"90"}, "follow_up": {"What should we do better?"}, "trigger_purchase": {"on"}, "delay_purchase": {"48"}, "active": {"on"}})
			if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/surveys/") {
				t.Fatalf("got %d to %q, want the new survey's page", res.StatusCode, res.Header.Get("Location"))
			}
			page := res.Header.Get("Location")
			all, err := e.db.FindSurveys(ctx, sys)
			must(t, err)
			if len(all) != 1 || page != "/surveys/"+all[0].ID.String() {
				t.Fatalf("surveys %+v, want the one at %s", all, page)
			}
			v := all[0]
			if v.Kind != rapport.SurveyNPS || len(v.FollowUps) != 1 || len(v.Triggers) != 1 || v.Triggers[0].Event != "purchase" || v.Triggers[0].Delay != 48 || !v.Active {
				t.Errorf("saved %+v; want NPS with a follow-up and a purchase trigger after 48 hours", v)
			}
			_, body = admin.get(page)
			if !strings.Contains(body, "Loyalty &lt;script&gt;alert(2)&lt;/script&gt;") || strings.Contains(body, "<script>alert(2)") ||
				!strings.Contains(body, "How likely are you to recommend") || !strings.Contains(body, "No answers yet.") || !strings.Contains(body, `id="send-h"`) {
				t.Errorf("the survey's page lacks its escaped name, its default question, the empty state or the send form")
			}
			if _, body := agent.get(page); strings.Contains(body, `id="send-h"`) || strings.Contains(body, `id="edit-h"`) || !strings.Contains(body, "How likely") {
				t.Errorf("an agent should read the survey but not send or change it")
			}
			if status, _ := admin.get("/surveys/" + rapport.NewID().String()); status != 404 {
				t.Errorf("an unknown survey: got %d, want 404", status)
			}

			// Otto has agreed to surveys; Wanda (behind the wall) has not; Nina has no e-mail.
			nina := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Nina", FamilyName: "Nomail"}
			must(t, e.db.CreateCustomer(ctx, sys, nina))
			for _, c := range []*rapport.Customer{e.open, nina} {
				_, err := e.db.RecordConsent(ctx, sys, c.ID, rapport.Consent{Purpose: "surveys", Granted: true, Source: "test"})
				must(t, err)
			}
			people := &rapport.Segment{Name: "People", Rule: "kind = person"}
			must(t, e.db.CreateSegment(ctx, sys, people))

			res, body = admin.post(page+"/send", url.Values{"segment_id": {""}})
			if res.StatusCode != 400 || !strings.Contains(body, "Choose a segment") {
				t.Errorf("sending to no segment: got %d, want 400 asking for one", res.StatusCode)
			}
			res, body = admin.post(page+"/send", url.Values{"segment_id": {people.ID.String()}, "action": {"preview"}})
			_, plan, _ := strings.Cut(body, `id="send-plan"`)
			plan, _, _ = strings.Cut(plan, "</form>")
			for _, want := range []string{"<strong>1</strong> of 3 will be asked", "1 have no e-mail address", "1 have not agreed to surveys", "0 were asked recently", "Send to 1"} {
				if !strings.Contains(plan, want) {
					t.Errorf("the preview lacks %q: %s", want, plan)
				}
			}
			if res.StatusCode != 200 || len(e.surveyTokens()) != 0 {
				t.Fatalf("the preview: got %d, or it sent mail", res.StatusCode)
			}
			if res, _ := agent.post(page+"/send", url.Values{"segment_id": {people.ID.String()}, "action": {"send"}}); res.StatusCode != 403 {
				t.Errorf("an agent sending: got %d, want 403", res.StatusCode)
			}
			res, _ = admin.post(page+"/send", url.Values{"segment_id": {people.ID.String()}, "action": {"send"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != page {
				t.Fatalf("send: got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if _, body := admin.get(page); !strings.Contains(body, "Survey sent: 1 customer asked; 2 not asked (no e-mail 1, no consent 1, asked recently 0).") {
				t.Errorf("the flash does not say what was sent")
			}
			tokens := e.surveyTokens()
			token := tokens["otto@open.example"]
			if len(tokens) != 1 || token == "" {
				t.Fatalf("links %v, want one to Otto", tokens)
			}
			// Sent again at once, Otto was asked recently.
			_, body = admin.post(page+"/send", url.Values{"segment_id": {people.ID.String()}, "action": {"preview"}})
			if !strings.Contains(body, "<strong>0</strong> of 3 will be asked") || !strings.Contains(body, "1 were asked recently") || !strings.Contains(body, "disabled>Send to 0") {
				t.Errorf("a second preview should say Otto was asked recently and offer no send")
			}

			// The customer's page: no staff navigation, the question, one radio per score.
			portal := "/portal/survey/" + token
			status, body = e.customerGet(portal)
			if status != 200 || strings.Contains(body, `href="/customers"`) || !strings.Contains(body, "How likely are you to recommend") ||
				!strings.Contains(body, "Thank you for being with us.") || !strings.Contains(body, "What should we do better?") ||
				strings.Count(body, `type="radio" name="score"`) != 11 || !strings.Contains(body, `value="0"`) || !strings.Contains(body, `value="10"`) {
				t.Fatalf("got %d; want the survey's question with scores 0 to 10 and the follow-up, without staff navigation: %s", status, body)
			}
			for _, bad := range []string{"/portal/survey/nope", "/portal/survey/" + strings.Repeat("A", 43)} {
				if status, body := e.customerGet(bad); status != 404 || strings.Contains(body, "How likely") {
					t.Errorf("GET %s: got %d, want 404", bad, status)
				}
				if res, _ := e.customerPost(bad, url.Values{"score": {"3"}}); res.StatusCode != 404 {
					t.Errorf("POST %s: got %d, want 404", bad, res.StatusCode)
				}
			}

			// A score off the scale is refused at the field, the comment kept.
			res, body = e.customerPost(portal, url.Values{"score": {"42"}, "comment": {"kept"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Choose a score from 0 to 10") || !strings.Contains(body, ">kept</textarea>") {
				t.Errorf("score 42: got %d, want 400 with the mistake and the comment kept", res.StatusCode)
			}
			if res, body := e.customerPost(portal, url.Values{"score": {"3"}, "comment": {"bad \xff"}}); res.StatusCode != 400 || !strings.Contains(body, "not valid UTF-8") {
				t.Errorf("malformed UTF-8: got %d, want 400 at the comment", res.StatusCode)
			}
			if res, _ := e.customerPost(portal, url.Values{"score": {"3"}, "comment": {strings.Repeat("x", 100<<10)}}); res.StatusCode != 413 {
				t.Errorf("a 100 KB comment: got %d, want 413", res.StatusCode)
			}
			res, _ = e.customerPost(portal, url.Values{"score": {"3"}, "comment": {"<script>alert(1)</script> Too slow."}, "answer_1": {"Answer the phone"}})
			if res.StatusCode != 303 || res.Header.Get("Location") != portal {
				t.Fatalf("answer: got %d to %q, want back to the page", res.StatusCode, res.Header.Get("Location"))
			}
			status, body = e.customerGet(portal)
			if status != 200 || !strings.Contains(body, "Thank you") || !strings.Contains(body, "Your answer: <strong>3</strong>") ||
				!strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; Too slow.") || strings.Contains(body, "<script>alert(1)") ||
				!strings.Contains(body, portal+"?change=1") || strings.Contains(body, `name="score"`) {
				t.Errorf("a second visit: got %d; want thanks with the answer escaped and a link to change it: %s", status, body)
			}

			// The timeline, and so the customer's export, holds the follow-up's answer.
			entries, _, err := e.db.FindInteractions(ctx, sys, rapport.InteractionFilter{CustomerID: e.open.ID, Limit: 100})
			must(t, err)
			answered := false
			for _, entry := range entries {
				var attrs struct{ Answers map[string]string }
				if json.Unmarshal(entry.Attributes, &attrs) == nil && attrs.Answers["1"] == "Answer the phone" {
					answered = true
				}
			}
			if !answered {
				t.Errorf("no timeline entry holds the follow-up's answer")
			}

			// The detractor logged a complaint for Otto with the comment.
			fb, _, err := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{CustomerID: e.open.ID})
			must(t, err)
			if len(fb) != 1 || fb[0].Kind != "complaint" || fb[0].Text != "<script>alert(1)</script> Too slow." {
				t.Fatalf("Otto's feedback %+v, want one complaint with the comment", fb)
			}

			// Change the answer: the form comes back filled in.
			_, body = e.customerGet(portal + "?change=1")
			if !strings.Contains(body, `value="3" checked`) || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; Too slow.</textarea>") ||
				!strings.Contains(body, ">Answer the phone</textarea>") {
				t.Errorf("changing: the form is not filled with the first answer")
			}
			if res, _ := e.customerPost(portal, url.Values{"score": {"6"}, "comment": {"<script>alert(1)</script> Too slow."}}); res.StatusCode != 303 {
				t.Fatalf("change: got %d, want 303", res.StatusCode)
			}
			if _, body := e.customerGet(portal); !strings.Contains(body, "Your answer: <strong>6</strong>") {
				t.Errorf("the changed answer is not shown")
			}
			if fb, _, _ := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{CustomerID: e.open.ID}); len(fb) != 1 {
				t.Errorf("the change logged %d complaints, want still one", len(fb))
			}

			// The results: one detractor, linked to its follow-up; escaped in the staff page too.
			_, body = admin.get(page)
			for _, want := range []string{`<strong id="overall-score">-100</strong>`, `<span id="response-count">1</span> response of 1 invited (100%)`,
				"detractors <span class=\"cat-detractor\">100%</span>", `<a href="/feedback/` + fb[0].ID.String() + `">follow-up</a>`,
				"&lt;script&gt;alert(1)&lt;/script&gt; Too slow.", "<svg viewBox=", `class="cat-detractor">detractor</small>`} {
				if !strings.Contains(body, want) {
					t.Errorf("the results page lacks %q", want)
				}
			}
			// The feedback dashboard's satisfaction section scores it too.
			if _, dash := admin.get("/feedback/dashboard"); !strings.Contains(dash, `href="`+page+`"`) || !strings.Contains(dash, "NPS · -100.0") || !strings.Contains(dash, "· 1 answer") {
				t.Errorf("the dashboard does not show the survey's score")
			}
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("the results page holds the comment's script unescaped")
			}
			if _, body := admin.get(page + "?period=week&by=team"); !strings.Contains(body, `id="groups"`) || !strings.Contains(body, "<th>Week</th>") {
				t.Errorf("by week and team: no weekly table or breakdown")
			}
			if status, body := admin.get(page + "?by=segment&segment=" + people.ID.String()); status != 200 || !strings.Contains(body, `id="groups"`) || !strings.Contains(body, "People") {
				t.Errorf("by segment: got %d, want the breakdown", status)
			}
			if status, body := admin.get(page + "?by=segment&segment=nope"); status != 200 || strings.Contains(body, `id="groups"`) {
				t.Errorf("by a malformed segment: got %d, want the page without a breakdown", status)
			}
			_, body = admin.get("/surveys")
			if !strings.Contains(body, `<td class="num">-100</td>`) || !strings.Contains(body, "100%") || !strings.Contains(body, "Purchase") {
				t.Errorf("the list lacks the survey's score, rate or trigger")
			}
			// A CES page says which way is better; an NPS page needs not.
			res, _ = admin.post("/surveys", url.Values{"name": {"Effort"}, "kind": {"ces"}, "ask_every_days": {"90"}})
			if res.StatusCode != 303 {
				t.Fatalf("got %d creating a CES survey", res.StatusCode)
			}
			if _, body := admin.get(res.Header.Get("Location")); !strings.Contains(body, "mean effort") || !strings.Contains(body, "lower is better") {
				t.Errorf("the CES survey's page does not say that lower is better")
			}
			if _, body := admin.get(page); strings.Contains(body, "lower is better") {
				t.Errorf("the NPS survey's page says that lower is better")
			}

			// Walls: once Otto is behind a wall, the agent's results count nothing of his.
			must(t, e.db.CreateWall(ctx, sys, &rapport.Wall{Name: "Osprey"}, []rapport.ID{e.deals.ID}, []rapport.ID{e.open.ID}))
			if _, body := agent.get(page); !strings.Contains(body, `<span id="response-count">0</span>`) || strings.Contains(body, "Otto") || strings.Contains(body, "Too slow") {
				t.Errorf("the agent sees the walled customer's answer in the results")
			}
			insider := e.signIn("insider@example.com")
			if _, body := insider.get(page); !strings.Contains(body, `<span id="response-count">1</span>`) || !strings.Contains(body, "Otto Open") {
				t.Errorf("the wall's team does not see the answer")
			}

			// After 30 days the link no longer opens, nor takes answers, and no longer shows the answer.
			e.db.Now = func() time.Time { return time.Now().Add(rapport.SurveyValidity + time.Hour) }
			status, body = e.customerGet(portal)
			if status != 404 || !strings.Contains(body, "link has expired") || strings.Contains(body, "Too slow") || strings.Contains(body, `name="score"`) {
				t.Errorf("an expired link: got %d, want 404 saying it expired, without the answer", status)
			}
			res, body = e.customerPost(portal, url.Values{"score": {"10"}})
			if res.StatusCode != 404 || !strings.Contains(body, "link has expired") {
				t.Errorf("answering an expired link: got %d, want 404", res.StatusCode)
			}
			rs, _, err := e.db.FindResponses(ctx, sys, v.ID, 10, "")
			must(t, err)
			if len(rs) != 1 || rs[0].Score != 6 {
				t.Errorf("responses %+v, want Otto's 6 kept", rs)
			}
		})
	}
}

// TestSurveyAPIInput: the surveys API names the field of each mistake, refuses other
// roles, unknown ids, huge and malformed input.
func TestSurveyAPIInput(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			const admin, agent = "admin@example.com", "agent@example.com"
			res, body := e.do("POST", "/api/v1/surveys", admin, `{"name":"Loyalty","kind":"nps"}`)
			if res.StatusCode != 201 {
				t.Fatalf("got %d %s", res.StatusCode, body)
			}
			v := decode[rapport.Survey](t, body)
			base := "/api/v1/surveys/" + v.ID.String()
			segRes, segBody := e.do("POST", "/api/v1/segments", admin, `{"name":"People","rule":"kind = person"}`)
			if segRes.StatusCode != 201 {
				t.Fatalf("segment: %d %s", segRes.StatusCode, segBody)
			}
			seg := decode[rapport.Segment](t, segBody)

			for _, c := range []struct {
				method, path, as, body string
				status                 int
				field                  string
			}{
				{"POST", "/api/v1/surveys", admin, `{"name":"","kind":"mood","ask_every_days":-1}`, 400, `"kind"`},
				{"POST", "/api/v1/surveys", admin, `{"name":"","kind":"nps"}`, 400, `"name"`},
				{"POST", "/api/v1/surveys", admin, `{"name":"` + strings.Repeat("x", 5000) + `","kind":"nps"}`, 400, `"name"`},
				{"POST", "/api/v1/surveys", admin, `{"name":"Bad trigger","kind":"nps","triggers":[{"event":"birthday","delay_hours":1}]}`, 400, `"triggers`},
				{"POST", "/api/v1/surveys", admin, `{"name":"Bad choice","kind":"csat","follow_ups":[{"text":"Which?","kind":"choice"}]}`, 400, `"follow_ups`},
				{"POST", "/api/v1/surveys", admin, `{"name":"Loyalty",`, 400, ""},
				{"POST", "/api/v1/surveys", admin, `{"name":"X","kind":"nps","colour":"red"}`, 400, ""},
				{"POST", "/api/v1/surveys", agent, `{"name":"Agent's","kind":"nps"}`, 403, ""},
				{"PUT", base, agent, `{"name":"Agent's","kind":"nps"}`, 403, ""},
				{"DELETE", base, agent, "", 403, ""},
				{"GET", "/api/v1/surveys/nope", agent, "", 404, ""},
				{"GET", "/api/v1/surveys/" + rapport.NewID().String(), agent, "", 404, ""},
				{"POST", base + "/send", admin, `{}`, 400, `"segment_id"`},
				{"POST", base + "/send", admin, `{"segment_id":"nope"}`, 400, ""},
				{"POST", base + "/send", admin, `{"segment_id":"` + rapport.NewID().String() + `"}`, 404, ""},
				{"POST", base + "/send", agent, `{"segment_id":"` + seg.ID.String() + `","dry_run":true}`, 403, ""},
				{"POST", "/api/v1/surveys/" + rapport.NewID().String() + "/send", admin, `{"segment_id":"` + seg.ID.String() + `"}`, 404, ""},
				{"GET", base + "/results?by=colour", agent, "", 400, `"by"`},
				{"GET", base + "/results?by=segment", agent, "", 400, `"segment"`},
				{"GET", base + "/results?by=segment&segment=" + rapport.NewID().String(), agent, "", 404, ""},
				{"GET", base + "/results?period=fortnight", agent, "", 400, `"period"`},
				{"GET", "/api/v1/surveys/" + rapport.NewID().String() + "/results", agent, "", 404, ""},
				{"GET", "/api/v1/surveys", "", "", 401, ""},
			} {
				res, body := e.do(c.method, c.path, c.as, c.body)
				if res.StatusCode != c.status || !strings.Contains(body, c.field) {
					t.Errorf("%s %s as %q: got %d %.300s, want %d naming %s", c.method, c.path, c.as, res.StatusCode, body, c.status, c.field)
				}
			}
			// Nothing was sent or created by the refused calls.
			if res, body := e.do("GET", "/api/v1/surveys", agent, ""); res.StatusCode != 200 || strings.Count(body, `"kind"`) != 1 {
				t.Errorf("the list after refused calls: %d %s, want only Loyalty", res.StatusCode, body)
			}
			if res, body := e.do("GET", base+"/invitations", agent, ""); res.StatusCode != 200 || strings.Contains(body, "customer_id") {
				t.Errorf("invitations after refused sends: %d %s, want none", res.StatusCode, body)
			}
			// A dry run only counts: the admin sees both people, each with an e-mail and no consent.
			res, body = e.do("POST", base+"/send", admin, `{"segment_id":"`+seg.ID.String()+`","dry_run":true}`)
			if res.StatusCode != 200 || decode[rapport.SendPlan](t, body) != (rapport.SendPlan{Members: 2, NoConsent: 2}) {
				t.Errorf("dry run: %d %s, want 2 members, none with consent", res.StatusCode, body)
			}
		})
	}
}
