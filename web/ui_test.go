package web_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/web"
)

// TestWallHidesCustomers checks every endpoint and page that shows customer data: to a
// user outside the wall, the walled customer does not exist.
func TestWallHidesCustomers(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			walledOrg := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Wanda Holdings"}
			must(t, e.db.CreateCustomer(ctx, sys, walledOrg))
			must(t, e.db.CreateLink(ctx, sys, &rapport.Link{FromID: e.walled.ID, ToID: walledOrg.ID, Kind: rapport.LinkOwns}))
			note := &rapport.Note{CustomerID: e.walled.ID, Body: "Wanda's secret plan", Visibility: rapport.VisibilityStaff}
			must(t, e.db.CreateNote(ctx, rapport.StaffScope(e.insider, "test", ""), note))
			res, err := e.db.IngestInteractions(ctx, sys, []rapport.IncomingInteraction{{Interaction: rapport.Interaction{
				CustomerID: e.walled.ID, Type: "call", Channel: "phone", OccurredAt: time.Now().Add(-time.Hour), Source: "pbx", SourceKey: "c1", Summary: "Wanda called"}}})
			must(t, err)
			if res.Created != 1 {
				t.Fatalf("got %+v", res)
			}
			_, err = e.db.IngestCustomers(ctx, sys, []rapport.IncomingCustomer{{Source: "crm", SourceKey: "W1", Customer: rapport.Customer{Kind: rapport.KindPerson, GivenName: "Wanda", Emails: []rapport.ContactPoint{{Value: "wanda@secret.example"}}}}})
			must(t, err)
			twin := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Wanda", FamilyName: "Walled"} // merged into her
			must(t, e.db.CreateCustomer(ctx, sys, twin))
			_, err = e.db.MergeCustomers(ctx, sys, e.walled.ID, twin.ID, rapport.MergeAutomatic, 0.999)
			must(t, err)
			page, _, err := e.db.FindInteractions(ctx, sys, rapport.InteractionFilter{CustomerID: e.walled.ID})
			must(t, err)
			interactionID := page[0].ID
			// An open organisation both Otto and Wanda acted for: its timeline names Otto
			// to everyone, and Wanda only inside her wall.
			openOrg := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Orbit Partners"}
			must(t, e.db.CreateCustomer(ctx, sys, openOrg))
			var behalf []rapport.IncomingInteraction
			for i, who := range []*rapport.Customer{e.open, e.walled} {
				behalf = append(behalf, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: who.ID, OrganisationID: openOrg.ID,
					Type: "visit", Channel: "in_person", OccurredAt: time.Now().Add(-time.Duration(i+2) * time.Hour), Source: "crm", SourceKey: fmt.Sprint("v", i), Summary: "Visit"}})
			}
			_, err = e.db.IngestInteractions(ctx, sys, behalf)
			must(t, err)
			byOtto := `by <a href="/customers/` + e.open.ID.String() + `">Otto Open</a>`
			byWanda := `by <a href="/customers/` + e.walled.ID.String() + `">Wanda Walled</a>`

			id := e.walled.ID.String()
			api := []struct{ method, path, body string }{
				{"GET", "/api/v1/customers/" + id, ""},
				{"GET", "/api/v1/customers/" + walledOrg.ID.String(), ""},
				{"GET", "/api/v1/customers/" + twin.ID.String(), ""}, // merged into her: behind her wall
				{"PATCH", "/api/v1/customers/" + twin.ID.String(), `{"language":"en"}`},
				{"DELETE", "/api/v1/customers/" + twin.ID.String(), ""},
				{"GET", "/api/v1/customers/" + id + "/interactions", ""},
				{"GET", "/api/v1/customers/" + id + "/notes", ""},
				{"GET", "/api/v1/customers/" + id + "/links", ""},
				{"GET", "/api/v1/customers/" + id + "/source-records", ""},
				{"GET", "/api/v1/customers/" + id + "/golden-record", ""},
				{"GET", "/api/v1/customers/" + id + "/value", ""},
				{"GET", "/api/v1/customers/" + id + "/quality", ""},
				{"GET", "/api/v1/interactions/" + interactionID.String(), ""},
				{"GET", "/api/v1/notes/" + note.ID.String(), ""},
				{"PATCH", "/api/v1/customers/" + id, `{"language":"en"}`},
				{"POST", "/api/v1/customers/" + id + "/notes", `{"body":"x","visibility":"staff"}`},
				{"POST", "/api/v1/customers/" + id + "/interactions", `{"type":"call","channel":"phone","occurred_at":"2024-01-01T00:00:00Z","summary":"x"}`},
			}
			lists := []string{"/api/v1/customers", "/api/v1/almost-customers", "/api/v1/almost-customers?kind=slipping", "/api/v1/data-quality", "/api/v1/customers?q=wanda", "/api/v1/customers?q=wanda%40secret.example",
				"/api/v1/customers?q=7946%200001", "/api/v1/customers?q=holdings", "/api/v1/customers?organisation_id=" + walledOrg.ID.String(), "/api/v1/merges"}
			pages := []string{"/customers/" + id, "/customers/" + id + "/edit", "/customers/" + walledOrg.ID.String()}
			// Both are slipping away; only one may be seen on the almost-customers list.
			slipping := func(id rapport.ID) rapport.CustomerValue {
				return rapport.CustomerValue{CustomerID: id, Currency: "EUR", Purchases: 9, Revenue: 99990000, FirstAt: time.Now().AddDate(-2, 0, 0),
					LastAt: time.Now().AddDate(0, -8, 0), Recency: 1, Frequency: 5, Monetary: 5, PAlive: 0.2, ExpectedPurchases: 0.3, ExpectedSpend: 40,
					LifetimeValue: 12, ComputedAt: time.Now()}
			}
			must(t, e.db.ReplaceCustomerValues(ctx, sys, []rapport.CustomerValue{slipping(e.walled.ID), slipping(e.open.ID)}))
			_, err = almost.Run(ctx, e.db, sys, time.Now())
			must(t, err)
			listPages := []string{"/customers/" + openOrg.ID.String(), "/customers", "/customers?q=wanda", "/customers?q=wanda%40secret.example", "/customers/" + e.open.ID.String() + "?link_q=wanda",
				"/almost", "/almost?kind=slipping", "/quality", "/matches/merged"}

			for _, who := range []string{"agent@example.com", "outsider@example.com"} {
				t.Run(strings.Split(who, "@")[0], func(t *testing.T) {
					for _, c := range api {
						res, body := e.do(c.method, c.path, who, c.body)
						if res.StatusCode != 404 && !(res.StatusCode == 403 && c.method != "GET") {
							t.Errorf("%s %s: got %d %s, want 404", c.method, c.path, res.StatusCode, body)
						}
						if strings.Contains(strings.ToLower(body), "wanda") {
							t.Errorf("%s %s: the body names the walled customer: %s", c.method, c.path, body)
						}
					}
					for _, path := range lists {
						res, body := e.do("GET", path, who, "")
						if res.StatusCode != 200 || strings.Contains(strings.ToLower(body), "wanda") {
							t.Errorf("GET %s: got %d %s, want a list without the walled customer", path, res.StatusCode, body)
						}
					}
					b := e.signIn(who)
					for _, path := range pages {
						status, body := b.get(path)
						forbiddenToAll := status == 403 && who == "outsider@example.com" && strings.HasSuffix(path, "/edit") // analysts edit no one
						if (status != 404 && !forbiddenToAll) || strings.Contains(strings.ToLower(body), "wanda") {
							t.Errorf("page %s: got %d (names her: %t), want 404 without her name", path, status, strings.Contains(strings.ToLower(body), "wanda"))
						}
					}
					for _, path := range listPages { // these pages repeat the query, so look for her full names
						status, body := b.get(path)
						if status != 200 || strings.Contains(body, "Wanda Walled") || strings.Contains(body, "Wanda Holdings") {
							t.Errorf("page %s: got %d and the walled customer is named, want a page without her", path, status)
						}
					}
					// The list shows and counts the customer outside the wall only.
					if _, body := b.get("/almost"); !strings.Contains(body, "Otto Open") || !strings.Contains(body, "All (1)") || !strings.Contains(body, "Slipping away (1)") {
						t.Errorf("the almost-customers list does not show and count only the customer outside the wall")
					}
					if _, body := b.get("/customers/" + openOrg.ID.String()); !strings.Contains(body, byOtto) {
						t.Errorf("the organisation's timeline does not name Otto, who acted for it")
					}
					if _, body := b.get("/customers"); !strings.Contains(body, "2 customers<") && !strings.Contains(body, ">2 customers") {
						t.Errorf("the list page does not count 2 customers (Otto and Orbit Partners) for an outsider")
					}
				})
			}
			for _, who := range []string{"insider@example.com", "admin@example.com"} {
				t.Run(strings.Split(who, "@")[0], func(t *testing.T) {
					res, body := e.do("GET", "/api/v1/customers/"+id, who, "")
					if res.StatusCode != 200 {
						t.Errorf("got %d %s, want the walled customer", res.StatusCode, body)
					}
					status, page := e.signIn(who).get("/customers/" + id)
					if status != 200 || !strings.Contains(page, "Wanda called") || !strings.Contains(page, "Wanda&#39;s secret plan") {
						t.Errorf("got %d, want the profile with its timeline and note", status)
					}
					if _, page := e.signIn(who).get("/customers/" + openOrg.ID.String()); !strings.Contains(page, byOtto) || !strings.Contains(page, byWanda) {
						t.Errorf("the organisation's timeline does not name both who acted for it")
					}
				})
			}
		})
	}
}

func TestPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")

			t.Run("Render", func(t *testing.T) {
				for _, tt := range []struct{ path, want string }{
					{"/customers", "Otto Open"},
					{"/customers?kind=organisation", "No customers"},
					{"/customers/new", "New person"},
					{"/customers/new?kind=organisation", "Organisation name"},
					{"/customers/" + e.open.ID.String(), "Otto Open"},
					{"/customers/" + e.open.ID.String() + "/edit", "Save changes"},
					{"/account", "API tokens"},
					{"/almost", "The list has not been worked out yet"},
					{"/almost?kind=lookalike", "Could become valuable (0)"},
					{"/quality", "Kept current"},
					{"/customers/" + e.open.ID.String(), "% complete"},
				} {
					status, body := agent.get(tt.path)
					if status != 200 || !strings.Contains(body, tt.want) {
						t.Errorf("%s: got %d, want 200 with %q", tt.path, status, tt.want)
					}
				}
				status, body := agent.get("/no/such/page")
				if status != 404 || !strings.Contains(body, "Not found") {
					t.Errorf("got %d for a missing page, want the 404 page", status)
				}
				status, _ = agent.get("/admin/users")
				if status != 403 {
					t.Errorf("got %d for an agent on an admin page, want 403", status)
				}
			})

			t.Run("CreateCustomer", func(t *testing.T) {
				form := url.Values{"kind": {"person"}, "given_name": {"Zoë"}, "family_name": {"Müller"},
					"emails": {"not-an-email"}, "tags": {"vip, trade fair"}, "attributes": {"segment: gold\nscore: 7"},
					"relationships": {"client", "prospect"}, "address_street": {"Hauptstraße 5"}, "address_city": {"Köln"},
					"address_postcode": {"50667"}, "address_country": {"de"}, "address_label": {""}, "address_region": {""}}
				res, body := agent.post("/customers", form)
				if res.StatusCode != 400 || !strings.Contains(body, "is not an e-mail address") || !strings.Contains(body, `value="Zoë"`) {
					t.Fatalf("got %d, want the form again with the error and what was typed", res.StatusCode)
				}
				// Attributes that cannot be read are shown with every other problem, as typed.
				form.Set("attributes", "segment gold\nscore: 7")
				res, body = agent.post("/customers", form)
				if res.StatusCode != 400 || !strings.Contains(body, "is not an e-mail address") || !strings.Contains(body, ">Write one attribute per line as key: value; &#34;segment gold&#34; has no key") ||
					!strings.Contains(body, ">segment gold\nscore: 7</textarea>") {
					t.Errorf("got %d, want the e-mail and the attributes both marked, and the attributes as typed", res.StatusCode)
				}
				form.Set("attributes", "segment: gold\nscore: 7")
				// A choice the form does not offer (a crafted post) is named at its field.
				form.Set("emails", "zoe@example.de")
				form.Set("preferred_channel", "pigeon")
				if res, body := agent.post("/customers", form); res.StatusCode != 400 || !strings.Contains(body, `<p class="error" id="preferred_channel-error" role="alert">Preferred channel &#34;pigeon&#34; is unknown`) {
					t.Errorf("an unknown channel: got %d, want the form with the message at the field", res.StatusCode)
				}
				form.Del("preferred_channel")
				form.Set("emails", "zoe@example.de\nwork: zoe.mueller@firm.example")
				res, _ = agent.post("/customers", form)
				if res.StatusCode != 303 {
					t.Fatalf("got %d, want a redirect to the new customer", res.StatusCode)
				}
				status, body := agent.get(res.Header.Get("Location"))
				for _, want := range []string{"Zoë Müller", "zoe.mueller@firm.example", "Köln", "trade fair", "Segment", "gold", "Client"} {
					if status != 200 || !strings.Contains(body, want) {
						t.Errorf("the profile lacks %q", want)
					}
				}
			})

			t.Run("Consents", func(t *testing.T) {
				profile := "/customers/" + e.open.ID.String()
				res, body := agent.post(profile+"/consents", url.Values{"purpose": {"marketing"}, "granted": {"yes"}, "decided_on": {"1 March"}})
				if res.StatusCode != 400 || !strings.Contains(body, "Write the day as YYYY-MM-DD") {
					t.Errorf("got %d, want the profile with the consent form's error", res.StatusCode)
				}
				res, _ = agent.post(profile+"/consents", url.Values{"purpose": {"surveys"}, "granted": {"no"}, "decided_on": {"2026-03-01"}, "source": {"<i>phone</i>"}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d recording a consent", res.StatusCode)
				}
				_, body = agent.get(profile)
				i := strings.Index(body, `id="consents-h"`)
				if i < 0 || !strings.Contains(body[i:], "&lt;i&gt;phone&lt;/i&gt;") || !strings.Contains(body[i:], "not asked") {
					t.Errorf("the consents card lacks the decision or the purposes never asked")
				}
			})

			t.Run("Segments", func(t *testing.T) {
				// Without JavaScript, Count shows the count or the rule's mistake.
				res, body := agent.post("/segments", url.Values{"name": {"Otto's"}, "rule": {"name contains otto AND clv > lots"}, "action": {"count"}})
				if res.StatusCode != 200 || !strings.Contains(body, "“clv” is a number") || !strings.Contains(body, "(at column 30)") {
					t.Errorf("counting a rule with a mistake: got %d", res.StatusCode)
				}
				res, body = agent.post("/segments", url.Values{"name": {"Otto's"}, "rule": {`name contains otto`}, "action": {"count"}})
				if res.StatusCode != 200 || !strings.Contains(body, "<strong>1</strong> customer meets it now") {
					t.Errorf("counting a rule: got %d", res.StatusCode)
				}
				res, _ = agent.post("/segments", url.Values{"name": {"Otto's"}, "rule": {`name contains otto`}, "action": {"save"}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d saving a segment", res.StatusCode)
				}
				page := res.Header.Get("Location")
				if status, body := agent.get(page); status != 200 || !strings.Contains(body, "Otto&#39;s") || !strings.Contains(body, "<polyline") {
					t.Errorf("the segment's page: %d", status)
				}
				if status, body := agent.get("/customers?segment=" + strings.TrimPrefix(page, "/segments/")); status != 200 || !strings.Contains(body, "Members of Otto") || !strings.Contains(body, "Otto Open") {
					t.Errorf("the members: %d", status)
				}
				if status, body := agent.get("/customers/" + e.open.ID.String()); status != 200 || !strings.Contains(body, `class="chip segment"`) {
					t.Errorf("the profile does not name the segment")
				}
				// Agents do not export lists of customers; admins do, of those who agreed.
				if status, _ := agent.get(page + "/export.csv?purpose=marketing"); status != 403 {
					t.Errorf("an agent's export: got %d, want 403", status)
				}
				res, err := e.signIn("admin@example.com").client.Get(e.srv.URL + page + "/export.csv?purpose=marketing")
				must(t, err)
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != 200 || strings.TrimSpace(string(b)) != tabular.BOM+"id,kind,name,email,phone,language,preferred_channel,city,country" ||
					!strings.Contains(res.Header.Get("Content-Disposition"), "attachment; filename=") {
					t.Errorf("export of a segment no one in agreed to marketing: %d %q (%s)", res.StatusCode, b, res.Header.Get("Content-Disposition"))
				}
			})

			t.Run("ProposedSegments", func(t *testing.T) {
				if _, body := agent.get("/segments/proposed"); !strings.Contains(body, "No proposals yet") || strings.Contains(body, "Propose again") {
					t.Errorf("before any clustering, or an agent may start one")
				}
				if res, _ := e.do("GET", "/api/v1/segments/proposed", "agent@example.com", ""); res.StatusCode != 404 {
					t.Errorf("the API before any clustering: got %d, want 404", res.StatusCode)
				}
				p := &rapport.SegmentProposals{ComputedAt: time.Now().UTC(), Currency: "EUR", Customers: 120, Elsewhere: 30, K: 2, Silhouette: 0.61,
					Features: []rapport.ProposalFeature{{Name: "purchases", Label: "purchases", Mean: 4}, {Name: "revenue", Label: "spend to date", Mean: 900}},
					Scores:   []rapport.ProposalScore{{K: 2, Silhouette: 0.61}, {K: 3, Silhouette: 0.4}},
					Segments: []rapport.ProposedSegment{
						{Description: "Bought rarely (avg 1 purchases)", Share: 0.75, Means: []float64{1, 80}, Rule: "purchases <= 2", Recall: 0.9, Precision: 0.95},
						{Description: "Buy often <script>alert(1)</script> (avg 13 purchases)", Share: 0.25, Means: []float64{13, 3000}, Rule: "purchases >= 9", Recall: 0.8, Precision: 1}}}
				must(t, e.db.ReplaceSegmentProposals(ctx, rapport.SystemScope("test"), p))
				_, body := agent.get("/segments/proposed")
				for _, want := range []string{"Bought rarely (avg 1 purchases)", "75.0 %", "purchases &lt;= 2", `value="Buy often &lt;script&gt;alert(1)&lt;/script&gt;"`, "90.0 % of this group", "groupings into 2 to 3",
					"120 customers with purchases in EUR", "The 30 who buy in other currencies", "spend to date, EUR"} {
					if !strings.Contains(body, want) {
						t.Errorf("the proposals page lacks %q", want)
					}
				}
				if strings.Contains(body, "<script>alert") {
					t.Error("a description is not escaped")
				}
				if res, body := e.do("GET", "/api/v1/segments/proposed", "agent@example.com", ""); res.StatusCode != 200 || !strings.Contains(body, `"rule":"purchases >= 9"`) {
					t.Errorf("the API: %d %s", res.StatusCode, body)
				}
				if res, _ := agent.post("/segments/proposed/run", nil); res.StatusCode != 403 {
					t.Errorf("an agent started a clustering: %d", res.StatusCode)
				}
				if res, _ := e.signIn("admin@example.com").post("/segments/proposed/run", nil); res.StatusCode != 303 {
					t.Errorf("the admin could not start a clustering: %d", res.StatusCode)
				}
			})

			t.Run("Playbook", func(t *testing.T) {
				admin := e.signIn("admin@example.com")
				if res, _ := agent.post("/playbook/tips", url.Values{"request_type": {"refund"}, "title": {"x"}, "body": {"y"}}); res.StatusCode != 403 {
					t.Errorf("an agent wrote a tip: %d", res.StatusCode)
				}
				res, body := admin.post("/playbook/tips", url.Values{"request_type": {""}, "title": {"Refunds"}, "body": {""}})
				if res.StatusCode != 400 || !strings.Contains(body, "Say what the tip is for") || !strings.Contains(body, "Write the tip") {
					t.Errorf("a tip without a key or text: %d", res.StatusCode)
				}
				res, _ = admin.post("/playbook/tips", url.Values{"request_type": {"refund"}, "channel": {"phone"}, "title": {"Refunds <i>by phone</i>"}, "body": {"Offer the collection slot."}})
				if res.StatusCode != 303 {
					t.Fatalf("saving a tip: %d", res.StatusCode)
				}
				if _, body := agent.get("/playbook"); !strings.Contains(body, "Refunds &lt;i&gt;by phone&lt;/i&gt;") || strings.Contains(body, "New tip") {
					t.Errorf("an agent's playbook: the tip, and no form to write one")
				}
				// The tip is shown beside an open refund request by phone, not beside one by e-mail.
				profile := "/customers/" + e.open.ID.String()
				if _, body := agent.get(profile); strings.Contains(body, "Tips for these requests") {
					t.Errorf("tips without an open request")
				}
				byMail := &rapport.Item{CustomerID: e.open.ID, Kind: "request", Title: "Refund the chair", RequestType: "Refund", Channel: "email"}
				must(t, e.db.CreateItem(ctx, rapport.SystemScope("test"), byMail))
				if _, body := agent.get(profile); strings.Contains(body, "Tips for these requests") {
					t.Errorf("a phone tip is shown for a request by e-mail")
				}
				byPhone := &rapport.Item{CustomerID: e.open.ID, Kind: "request", Title: "Refund the desk", RequestType: "refund", Channel: "phone"}
				must(t, e.db.CreateItem(ctx, rapport.SystemScope("test"), byPhone))
				if _, body := agent.get(profile); !strings.Contains(body, "Tips for these requests") || !strings.Contains(body, "Offer the collection slot.") {
					t.Errorf("the profile lacks the tip for the open refund by phone")
				}
				// A question rule: a mistake is pointed at, the preview tries it on the
				// customers a search finds, and the profile of one who meets it asks.
				res, body = admin.post("/playbook/questions", url.Values{"name": {"Rate the fix"}, "rule": {"count(type = tickets) >= 1"}, "question": {"How would you rate it?"}, "active": {"on"}, "action": {"save"}})
				if res.StatusCode != 400 || !strings.Contains(body, "(at column") {
					t.Errorf("a rule with a mistake: %d", res.StatusCode)
				}
				rule := url.Values{"name": {"Ask Otto"}, "rule": {"name contains otto"}, "question": {"Which other products hold your address?"}, "active": {"on"}, "customer": {"o"}, "action": {"preview"}}
				res, body = admin.post("/playbook/questions", rule)
				if res.StatusCode != 200 || !strings.Contains(body, "asks</span> <a href=\"/customers/"+e.open.ID.String()) {
					t.Errorf("the preview does not ask Otto: %d", res.StatusCode)
				}
				if res, _ := agent.post("/playbook/questions", url.Values{"rule": {"kind = person"}, "customer": {"wanda"}, "action": {"preview"}}); res.StatusCode != 403 {
					t.Errorf("an agent tried a rule: %d", res.StatusCode)
				}
				rule.Set("action", "save")
				if res, _ := admin.post("/playbook/questions", rule); res.StatusCode != 303 {
					t.Fatalf("saving a question rule: %d", res.StatusCode)
				}
				if _, body := agent.get("/customers/" + e.open.ID.String()); !strings.Contains(body, "Ask next") || !strings.Contains(body, "Which other products hold your address?") {
					t.Errorf("the profile does not ask the question")
				}
				if _, body := agent.get("/customers/" + e.walled.ID.String()); strings.Contains(body, "Ask next") {
					t.Errorf("the walled profile asks")
				}
			})

			t.Run("NotesAndInteractions", func(t *testing.T) {
				profile := "/customers/" + e.open.ID.String()
				res, body := agent.post(profile+"/notes", url.Values{"body": {""}, "visibility": {"staff"}})
				if res.StatusCode != 400 || !strings.Contains(body, "A note needs some text") {
					t.Errorf("got %d, want the profile with the note form's error", res.StatusCode)
				}
				res, _ = agent.post(profile+"/notes", url.Values{"body": {"Wants <b>quotes</b> by Friday"}, "visibility": {"team:" + e.team.ID.String()}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d adding a note", res.StatusCode)
				}
				// An amount that is no amount with either mark is refused with the reason.
				res, body = agent.post(profile+"/interactions", url.Values{"type": {"order"}, "channel": {"web"}, "summary": {"Ordered tea"},
					"amount": {"12,5,0"}, "currency": {"EUR"}})
				if res.StatusCode != 400 || !strings.Contains(body, "&#34;12,5,0&#34; is not an amount written with a decimal point") {
					t.Errorf("got %d, want the form's error about 12,5,0", res.StatusCode)
				}
				// A decimal comma is read as one where only it makes an amount, not as
				// thousands (12,50 as 1250).
				res, _ = agent.post(profile+"/interactions", url.Values{"type": {"order"}, "channel": {"web"}, "summary": {"Ordered tea"},
					"occurred_at": {"2024-05-02T10:00"}, "amount": {"1.212,50"}, "currency": {"EUR"}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d logging an order of 1.212,50", res.StatusCode)
				}
				res, _ = agent.post(profile+"/interactions", url.Values{"type": {"call"}, "channel": {"phone"}, "summary": {"Called about the renewal"},
					"occurred_at": {"2024-05-01T09:30"}, "amount": {"1,250.00"}, "currency": {"EUR"}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d logging a call", res.StatusCode)
				}
				_, body = agent.get(profile)
				for _, want := range []string{"Wants &lt;b&gt;quotes&lt;/b&gt; by Friday", "for team Sales", "Called about the renewal", "1,250.00 EUR", "Wednesday 1 May 2024", "Ordered tea", "1,212.50 EUR"} {
					if !strings.Contains(body, want) {
						t.Errorf("the timeline lacks %q", want)
					}
				}
				// The note is for team Sales: the outsider does not see it.
				if _, body := e.signIn("outsider@example.com").get(profile); strings.Contains(body, "quotes") {
					t.Errorf("a team note is shown outside the team")
				}
				_, body = agent.get(profile + "?type=note")
				_, timeline, _ := strings.Cut(body, `id="timeline"`)
				timeline, _, _ = strings.Cut(timeline, `class="profile-more"`) // the call is also the team's last contact, below it
				if strings.Contains(timeline, "Called about the renewal") || !strings.Contains(timeline, "quotes") {
					t.Errorf("filtering notes shows interactions, or not the note")
				}
			})

			t.Run("EditConflict", func(t *testing.T) {
				path := "/customers/" + e.open.ID.String() + "/edit"
				form := url.Values{"kind": {"person"}, "given_name": {"Otto"}, "family_name": {"Offen"}, "version": {"1"}}
				res, _ := agent.post(path, form)
				if res.StatusCode != 303 {
					t.Fatalf("got %d, want the first edit saved", res.StatusCode)
				}
				form.Set("family_name", "Late")
				res, body := agent.post(path, form)
				if res.StatusCode != 409 || !strings.Contains(body, "changed by someone else") {
					t.Errorf("got %d, want the stale edit refused with an explanation", res.StatusCode)
				}
				// Saving the form as shown again is refused again: it still holds the
				// version it was read at, not none.
				if !strings.Contains(body, `name="version" value="1"`) {
					t.Errorf("the form shown again lost the version it was read at")
				}
				// A form shown again with its errors keeps its version too: someone else's
				// save while it is being corrected is not overwritten.
				form.Set("version", "2")
				form.Set("emails", "not-an-address")
				if res, body = agent.post(path, form); res.StatusCode != 400 || !strings.Contains(body, `name="version" value="2"`) {
					t.Errorf("got %d; the form shown with its errors must keep the version it was read at", res.StatusCode)
				}
				other := url.Values{"kind": {"person"}, "given_name": {"Otto"}, "family_name": {"Other"}, "version": {"2"}}
				if res, _ = agent.post(path, other); res.StatusCode != 303 {
					t.Fatalf("got %d saving the other edit", res.StatusCode)
				}
				form.Del("emails")
				if res, _ = agent.post(path, form); res.StatusCode != 409 {
					t.Errorf("got %d, want the corrected form refused, as the customer changed meanwhile", res.StatusCode)
				}
			})

			t.Run("Admin", func(t *testing.T) {
				admin := e.signIn("admin@example.com")
				for _, path := range []string{"/admin/users", "/admin/users/" + e.agent.ID.String(), "/admin/teams", "/admin/teams/" + e.team.ID.String(),
					"/admin/walls", "/admin/audit", "/admin/audit?through_wall=true", "/admin/sources", "/admin/outbox"} {
					if status, _ := admin.get(path); status != 200 {
						t.Errorf("%s: got %d", path, status)
					}
				}
				// A team that feedback is routed to stays, and its page says why.
				rule := &rapport.RoutingRule{Name: "Everything", TeamID: e.team.ID, ServiceLevel: 24}
				must(t, e.db.CreateRoutingRule(ctx, rapport.SystemScope("test"), rule))
				res, body := admin.post("/admin/teams/"+e.team.ID.String()+"/delete", nil)
				if res.StatusCode != 409 || !strings.Contains(body, `role="alert">Team Sales cannot be deleted: 1 routing rule sends feedback to it`) {
					t.Errorf("deleting a team with a routing rule: got %d, want its page saying what holds it", res.StatusCode)
				}
				must(t, e.db.DeleteRoutingRule(ctx, rapport.SystemScope("test"), rule.ID))
				must(t, e.db.QueueMail(ctx, rapport.SystemScope("test"), &rapport.Mail{Purpose: "feedback_informed", ToAddress: "ana@example.com",
					Subject: "<script>alert(1)</script> what we did", Text: "x"}))
				if _, body := admin.get("/admin/outbox?state=queued"); !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; what we did") || !strings.Contains(body, "ana@example.com") {
					t.Error("the outbox does not list the queued message, escaped")
				}
				if _, body := admin.get("/admin/outbox?state=sent"); strings.Contains(body, "ana@example.com") {
					t.Error("the outbox's state filter let a queued message through")
				}
				if status, body := admin.get("/admin/outbox?state=lost"); status != 400 || !strings.Contains(body, "queued, sent or failed") {
					t.Errorf("an unknown state: %d", status)
				}
				if status, _ := e.signIn("agent@example.com").get("/admin/outbox"); status != 403 {
					t.Errorf("an agent read the outbox: %d", status)
				}
				res, body = admin.post("/admin/teams", url.Values{"name": {"Sales"}, "function": {"sales"}})
				if res.StatusCode != 400 || !strings.Contains(body, "exists already") {
					t.Errorf("got %d, want a duplicate team refused", res.StatusCode)
				}
				res, _ = admin.post("/admin/users", url.Values{"name": {"Nia"}, "email": {"nia@example.com"}, "role": {"manager"}, "team_ids": {e.team.ID.String()}, "password": {"a long password"}})
				if res.StatusCode != 303 {
					t.Errorf("got %d adding a user", res.StatusCode)
				}
				res, _ = admin.post("/admin/walls", url.Values{"name": {"Merger"}, "team_ids": {e.deals.ID.String()}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d creating a wall", res.StatusCode)
				}
				wallPath := res.Header.Get("Location")
				res, _ = admin.post(wallPath+"/customers", url.Values{"customer_id": {e.open.ID.String()}})
				if res.StatusCode != 303 {
					t.Fatalf("got %d adding a customer to the wall", res.StatusCode)
				}
				if status, _ := agent.get("/customers/" + e.open.ID.String()); status != 404 {
					t.Errorf("got %d, want the customer hidden once walled", status)
				}
				// The rules of the golden record: a bad trust is shown on its field; only
				// admins may change them.
				res, body = admin.post("/admin/sources", url.Values{"rule_name": {"trusted"}, "trust_rapport": {"ten"}})
				if res.StatusCode != 400 || !strings.Contains(body, "trust of rapport must be a whole number") {
					t.Errorf("got %d, want the bad trust refused on its field: %s", res.StatusCode, body)
				}
				if res, _ = agent.post("/admin/sources", url.Values{"rule_name": {"trusted"}}); res.StatusCode != 403 {
					t.Errorf("got %d, want an agent refused", res.StatusCode)
				}
				res, _ = admin.post("/admin/sources", url.Values{"rule_name": {"trusted"}, "rule_email": {"frequent"}, "trust_rapport": {"10"}})
				if res.StatusCode != 303 {
					t.Errorf("got %d saving the rules", res.StatusCode)
				}
				sv, err := e.db.Survivorship(ctx, rapport.SystemScope("test"))
				must(t, err)
				if sv.Rule("name") != rapport.RuleTrusted || sv.Rule("email") != rapport.RuleFrequent || sv.Rule("phone") != rapport.RuleRecent || sv.Trust["rapport"] != 10 {
					t.Errorf("saved %+v", sv)
				}
				_, body = admin.get("/admin/sources")
				if !strings.Contains(body, `<option value="trusted" selected>`) {
					t.Errorf("the sources page does not show the saved rule")
				}

				_, body = admin.get("/admin/audit?through_wall=true")
				admin.get("/customers/" + e.open.ID.String())
				_, body = admin.get("/admin/audit?through_wall=true")
				if !strings.Contains(body, "through wall") {
					t.Errorf("the audit page does not show the admin's read through the wall")
				}
				if !strings.Contains(body, "Records of reads are kept until the server is set to delete them") {
					t.Errorf("the audit page does not say how long records of reads are kept")
				}
				// What: Notes lists the reads of a customer's notes ("notes") with the
				// writes of one note ("note"), and nothing else.
				if res, body := e.do("GET", "/api/v1/customers/"+e.open.ID.String()+"/notes", "admin@example.com", ""); res.StatusCode != 200 {
					t.Fatalf("reading the notes: got %d %s", res.StatusCode, body)
				}
				_, body = admin.get("/admin/audit?entity=note&customer_id=" + e.open.ID.String())
				if !strings.Contains(body, `<option value="note" selected>Notes</option>`) || !strings.Contains(body, `data-label="What">Notes`) {
					t.Errorf("the audit trail filtered by Notes does not list the read of the customer's notes")
				}
				if strings.Contains(body, `data-label="What">Customer`) || strings.Contains(body, `data-label="What">Interaction`) {
					t.Errorf("the audit trail filtered by Notes lists events of other things")
				}
			})

			t.Run("Tokens", func(t *testing.T) {
				res, body := agent.post("/account/tokens", url.Values{"name": {"billing sync"}})
				if res.StatusCode != 201 || !regexp.MustCompile(`rpt_[a-z0-9]{32}`).MatchString(body) {
					t.Errorf("got %d, want the new secret shown once", res.StatusCode)
				}
				if _, body := agent.get("/account"); regexp.MustCompile(`rpt_[a-z0-9]{32}`).MatchString(body) {
					t.Errorf("the secret is shown again")
				}
			})

			t.Run("SignOut", func(t *testing.T) {
				b := e.signIn("agent@example.com")
				res, _ := b.post("/sign-out", nil)
				if res.StatusCode != 303 {
					t.Fatalf("got %d", res.StatusCode)
				}
				res, err := b.client.Get(e.srv.URL + "/customers")
				must(t, err)
				res.Body.Close()
				if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/sign-in") {
					t.Errorf("got %d to %q after signing out, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
				}
			})
		})
	}
}

func TestSignIn(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(e.srv.URL+"/sign-in", url.Values{"email": {"agent@example.com"}, "password": {"wrong password"}})
	must(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 401 || !strings.Contains(string(body), "The e-mail address or the password is wrong") {
		t.Errorf("got %d, want the sign-in page with the error", res.StatusCode)
	}
	res, err = client.PostForm(e.srv.URL+"/sign-in", url.Values{"email": {"agent@example.com"}, "password": {password}, "next": {"//evil.example/"}})
	must(t, err)
	res.Body.Close()
	if res.Header.Get("Location") != "/" {
		t.Errorf("got redirect to %q, want / instead of another site", res.Header.Get("Location"))
	}
	// Browsers drop a tab from an address, so "/<tab>/evil.example" is another site too.
	res, err = client.PostForm(e.srv.URL+"/sign-in", url.Values{"email": {"agent@example.com"}, "password": {password}, "next": {"/\t/evil.example/"}})
	must(t, err)
	res.Body.Close()
	if res.Header.Get("Location") != "/" {
		t.Errorf("got redirect to %q, want / instead of another site", res.Header.Get("Location"))
	}
	// A page asked for while signed out is where signing in leads, its whole query kept.
	asked, err := client.Get(e.srv.URL + "/customers?kind=organisation&relationship=client&q=a%26b")
	must(t, err)
	asked.Body.Close()
	signIn, err := url.Parse(asked.Header.Get("Location"))
	must(t, err)
	if want := "/customers?kind=organisation&relationship=client&q=a%26b"; signIn.Path != "/sign-in" || signIn.Query().Get("next") != want {
		t.Errorf("signed out, /customers with a query leads to %q, want the sign-in page going on to %q", asked.Header.Get("Location"), want)
	}
	var session *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "rapport_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("got cookie %+v, want an HttpOnly SameSite session cookie", session)
	}
}

// TestChangePassword: a new password ends the user's other sessions (one stolen with
// the old password among them); the browser that changed it stays signed in.
func TestChangePassword(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	here, elsewhere := e.signIn("agent@example.com"), e.signIn("agent@example.com")
	res, body := here.post("/account/password", url.Values{"current": {"not my password"}, "password": {"a new passphrase"}, "password2": {"a new passphrase"}})
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "The e-mail address or the password is wrong") {
		t.Errorf("a wrong current password: got %d, want 400 saying so", res.StatusCode)
	}
	res, _ = here.post("/account/password", url.Values{"current": {password}, "password": {"a new passphrase"}, "password2": {"a new passphrase"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing the password: got %d, want 303", res.StatusCode)
	}
	if status, body := here.get("/account"); status != http.StatusOK || !strings.Contains(body, "signed out everywhere else") {
		t.Errorf("the browser that changed the password: got %d, want the account page saying the others were signed out", status)
	}
	if status, _ := elsewhere.get("/account"); status != http.StatusSeeOther {
		t.Errorf("another session after the change: got %d, want 303 to sign in", status)
	}
}

func TestSetup(t *testing.T) {
	db := sqldbtest.SQLite(t)
	var log bytes.Buffer // written by the server's goroutines; read once it is closed
	srv := httptest.NewServer((&web.Server{Store: db, Logger: slog.New(slog.NewTextHandler(&log, nil))}).Handler())
	defer srv.Close()
	secret, err := db.CreateSetupSecret(ctx)
	must(t, err)
	res, err := http.Get(srv.URL + "/sign-in")
	must(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), "setup link") {
		t.Errorf("the sign-in page of an empty database does not point at the setup link")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"name": {"Ada Admin"}, "email": {"ada@example.com"}, "password": {"a long password"}, "password2": {"a long password"}}
	res, err = client.PostForm(srv.URL+"/setup/wrong", form)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("got %d with a wrong secret, want 404", res.StatusCode)
	}
	res, err = client.PostForm(srv.URL+"/setup/"+secret, form)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 303 || res.Header.Get("Location") != "/admin/users" {
		t.Fatalf("got %d to %q, want the new admin signed in", res.StatusCode, res.Header.Get("Location"))
	}
	if n, _ := db.CountUsers(ctx); n != 1 {
		t.Errorf("got %d users, want 1", n)
	}
	res, err = http.Get(srv.URL + "/setup/" + secret)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("got %d opening the setup link again, want 404", res.StatusCode)
	}
	srv.Close()
	if strings.Contains(log.String(), secret) || !strings.Contains(log.String(), "path=/setup/{secret}") {
		t.Errorf("the request log keeps the setup link's secret, or does not name the route:\n%s", log.String())
	}
}

func TestCrossSiteFormsRefused(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	b := e.signIn("agent@example.com")
	req, _ := http.NewRequest("POST", e.srv.URL+"/customers", strings.NewReader("kind=organisation&name=Evil+Inc"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.Header.Set("Origin", "https://evil.example")
	res, err := b.client.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Errorf("got %d for a cross-site form, want 403", res.StatusCode)
	}
	n, err := e.db.CountCustomers(ctx, rapport.SystemScope("test"), rapport.CustomerFilter{Query: "evil"})
	must(t, err)
	if n != 0 {
		t.Errorf("the cross-site form created %d customers", n)
	}
	_ = fmt.Sprint
}

// TestTwoServersShareOneDatabase signs in on one server and carries on at another, as
// behind a load balancer: sessions, tokens and data live in the database.
func TestTwoServersShareOneDatabase(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			other := httptest.NewServer((&web.Server{Store: e.db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
			defer other.Close()
			b := e.signIn("agent@example.com")
			first, _ := url.Parse(e.srv.URL)
			second, _ := url.Parse(other.URL)
			b.client.Jar.SetCookies(second, b.client.Jar.Cookies(first)) // the balancer sends the cookie to either
			form := url.Values{"kind": {"organisation"}, "name": {"Balanced Ltd"}}
			res, err := b.client.PostForm(other.URL+"/customers", form)
			must(t, err)
			res.Body.Close()
			if res.StatusCode != 303 {
				t.Fatalf("got %d creating a customer on the second server", res.StatusCode)
			}
			status, body := b.get("/customers?q=balanced")
			if status != 200 || !strings.Contains(body, "Balanced Ltd") {
				t.Errorf("the first server does not list the customer made on the second")
			}
		})
	}
}
