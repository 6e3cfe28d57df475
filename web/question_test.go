package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

var questionLinkRe = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/kb/questions/[0-9a-f-]+)`)

// helpCustomer invites a customer to the help centre and returns their signed-in browser.
func (e *env) helpCustomer(inviter *browser, c *rapport.Customer, email string) *browser {
	e.t.Helper()
	if res, _ := inviter.post("/customers/"+c.ID.String()+"/portal-invite", url.Values{"email": {email}}); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("invite %s: %d", email, res.StatusCode)
	}
	link := e.helpLinkIn("Your account in our help centre")
	b := e.visitor()
	if res, _ := b.post(link, url.Values{"password": {"a long passphrase"}, "password2": {"a long passphrase"}}); res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("%s sets a password: %d", email, res.StatusCode)
	}
	return b
}

// TestExpertQuestions runs the whole flow through the pages, with mail sent through a
// real SMTP exchange: the directory shows listed experts only, without addresses; a
// visitor cannot ask; a customer asks, the expert's mail arrives with a link to the
// question, the expert answers, the customer's mail arrives and their account shows
// the answer (to them and nobody else); the answer becomes a draft article. A script in
// the question stays text on every page.
func TestExpertQuestions(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, _, _, _ := e.helpArticles()
			admin := e.signIn("admin@example.com")
			agent := e.signIn("agent@example.com")
			sys := rapport.SystemScope("test")
			_, err := e.db.SaveExpert(ctx, sys, e.agent.ID, rapport.ExpertInput{Headline: "Passwords and sign-in", Bio: "I fix **logins**. <script>alert('bio')</script>",
				Areas: []string{"password", "sign-in"}, Listed: true})
			must(t, err)
			_, err = e.db.SaveExpert(ctx, sys, e.outsider.ID, rapport.ExpertInput{Headline: "Hidden analyst", Areas: []string{"password"}})
			must(t, err)
			agentPage := "/help/experts/" + e.agent.ID.String()

			// The directory: listed experts only, no addresses.
			v := e.visitor()
			for _, path := range []string{"/help/experts", "/help/experts?area=password", agentPage} {
				status, body := v.get(path)
				if status != 200 || !strings.Contains(body, "Passwords and sign-in") {
					t.Fatalf("%s: %d, want the listed expert", path, status)
				}
				for _, private := range []string{"agent@example.com", "Hidden analyst", "outsider", "<script>alert('bio')"} {
					if strings.Contains(body, private) {
						t.Errorf("%s shows %q", path, private)
					}
				}
			}
			if _, body := v.get("/help/experts?area=billing"); strings.Contains(body, "Passwords and sign-in") {
				t.Errorf("the area filter shows an expert of another area")
			}
			if _, body := v.get(agentPage); !strings.Contains(body, "<strong>logins</strong>") || !strings.Contains(body, "Sign in to ask") || strings.Contains(body, `name="question"`) {
				t.Errorf("the expert's page for a visitor: want the rendered bio and a sign-in link, no form")
			}
			if status, _ := v.get("/help/experts/" + e.outsider.ID.String()); status != 404 {
				t.Errorf("an unlisted expert's page: %d, want 404", status)
			}
			if _, body := v.get("/sitemap.xml"); !strings.Contains(body, agentPage+"</loc>") || strings.Contains(body, e.outsider.ID.String()) {
				t.Errorf("the sitemap does not list the listed expert's page only")
			}
			if _, body := v.get("/help"); !strings.Contains(body, `href="/help/experts"`) {
				t.Errorf("the help centre's home does not link the experts")
			}
			if _, body := v.get("/help/articles/" + public.Slug); !strings.Contains(body, "Ask agent on password") || !strings.Contains(body, agentPage+"?area=password#ask") {
				t.Errorf("the article tagged password does not offer its expert")
			}
			// A visitor cannot ask.
			if res, _ := v.post(agentPage+"/questions", url.Values{"question": {"Anonymous?"}}); res.StatusCode != 401 {
				t.Errorf("a visitor asks: %d, want 401", res.StatusCode)
			}

			// Otto signs in and asks; an unlisted expert cannot be asked.
			otto := e.helpCustomer(admin, e.open, "otto@open.example")
			if _, body := otto.get(agentPage); !strings.Contains(body, `name="question"`) || !strings.Contains(body, `<option value="password">`) {
				t.Fatalf("the signed-in customer sees no question form")
			}
			if res, _ := otto.post("/help/experts/"+e.outsider.ID.String()+"/questions", url.Values{"question": {"Psst"}}); res.StatusCode != 404 {
				t.Errorf("asking an unlisted expert: %d, want 404", res.StatusCode)
			}
			if res, body := otto.post(agentPage+"/questions", url.Values{"question": {"  "}}); res.StatusCode != 400 || !strings.Contains(body, "Write your question") {
				t.Errorf("an empty question: %d", res.StatusCode)
			}
			if res, body := otto.post(agentPage+"/questions", url.Values{"question": {strings.Repeat("x", rapport.MaxQuestion+1)}}); res.StatusCode != 400 || !strings.Contains(body, "at most 5000") {
				t.Errorf("a long question: %d", res.StatusCode)
			}
			const question = `My password reset mail never comes <script>alert("q")</script>`
			res, _ := otto.post(agentPage+"/questions", url.Values{"area": {"password"}, "question": {question}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/account#questions" {
				t.Fatalf("ask: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if _, body := otto.get("/help/account"); !strings.Contains(body, "Waiting for the answer") || !strings.Contains(body, "mail never comes &lt;script&gt;") {
				t.Errorf("Otto's account does not show his open question, escaped")
			}

			// The expert's mail arrives, linking the question's staff page.
			var qpath string
			for _, m := range e.mailOutbox() {
				if sub := questionLinkRe.FindStringSubmatch(m.Text); sub != nil && strings.HasPrefix(m.Subject, "Question from Otto Open") {
					qpath = sub[1]
				}
			}
			if qpath == "" {
				t.Fatalf("no mail to the expert with a link to the question")
			}
			status, body := agent.get(qpath)
			if status != 200 || !strings.Contains(body, "mail never comes &lt;script&gt;") || !strings.Contains(body, `href="/customers/`+e.open.ID.String()+`"`) {
				t.Fatalf("the question's page: %d", status)
			}
			for _, who := range []string{"outsider@example.com", "insider@example.com"} {
				if status, _ := e.signIn(who).get(qpath); status != 404 {
					t.Errorf("%s, not the expert asked, reads the question: %d", who, status)
				}
			}
			if _, body := admin.get("/kb/questions"); !strings.Contains(body, "My password reset mail never comes &lt;script&gt;") {
				t.Errorf("the admin's list does not show the open question")
			}
			if _, body := agent.get("/kb/questions?status=answered"); strings.Contains(body, "My password reset") {
				t.Errorf("the open question is listed as answered")
			}

			// The expert answers; the customer's mail arrives and his account shows it.
			if res, body := agent.post(qpath+"/answer", url.Values{"answer": {""}}); res.StatusCode != 400 || !strings.Contains(body, "Write the answer") {
				t.Errorf("an empty answer: %d", res.StatusCode)
			}
			if res, _ := agent.post(qpath+"/answer", url.Values{"answer": {"Check your **spam** folder, then ask again."}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("answer: %d", res.StatusCode)
			}
			got := false
			for _, m := range e.mailOutbox() {
				if m.Subject == "Your question to agent is answered" {
					got = strings.Contains(m.Text, "Check your **spam** folder") && strings.Contains(m.Text, "/help/account#questions")
				}
			}
			if !got {
				t.Errorf("no answer mail to Otto")
			}
			if _, body := otto.get("/help/account"); !strings.Contains(body, "<strong>spam</strong>") || strings.Contains(body, "Waiting for the answer") {
				t.Errorf("Otto's account does not show the answer")
			}
			if _, body := agent.get("/customers/" + e.open.ID.String()); !strings.Contains(body, "Asked agent: My password reset") || !strings.Contains(body, "agent answered") {
				t.Errorf("Otto's timeline does not show the question and the answer")
			}

			// Another customer sees none of it.
			insider := e.signIn("insider@example.com")
			wanda := e.helpCustomer(insider, e.walled, "wanda@secret.example")
			if _, body := wanda.get("/help/account"); strings.Contains(body, "My password reset") || !strings.Contains(body, "You have not asked an expert yet") {
				t.Errorf("Wanda sees Otto's question")
			}

			// Into a draft article, linked from the question.
			res, _ = agent.post(qpath+"/article", url.Values{"audience": {"public"}})
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/kb/articles/") {
				t.Fatalf("turn into an article: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			articlePath := res.Header.Get("Location")
			if _, body := agent.get(qpath); !strings.Contains(body, `href="`+articlePath+`"`) {
				t.Errorf("the question page does not link the draft")
			}
			status, body = agent.get(articlePath)
			if status != 200 || !strings.Contains(body, "Check your") || strings.Contains(body, `<script>alert("q")`) {
				t.Errorf("the draft article: %d", status)
			}
			a, err := e.db.FindArticle(ctx, sys, strings.TrimPrefix(articlePath, "/kb/articles/"))
			must(t, err)
			if a.Status != rapport.ArticleDraft || a.OwnerID != e.agent.ID {
				t.Errorf("the article: %s owned by %s, want a draft of the expert's", a.Status, a.OwnerID)
			}
			if status, _ := v.get("/help/articles/" + a.Slug); status != 404 {
				t.Errorf("a visitor reads the draft: %d", status)
			}
			if res, _ := agent.post(qpath+"/article", url.Values{"audience": {"public"}}); res.StatusCode != 409 {
				t.Errorf("a second article from the question: %d, want 409", res.StatusCode)
			}

			// The script stays text everywhere it is shown.
			for _, page := range []struct {
				b    *browser
				path string
			}{{otto, "/help/account"}, {agent, qpath}, {agent, "/kb/questions?status="}, {agent, "/customers/" + e.open.ID.String()}, {agent, articlePath}} {
				if _, body := page.b.get(page.path); strings.Contains(body, `<script>alert("q")`) {
					t.Errorf("%s renders the question's script", page.path)
				}
			}
		})
	}
}
