package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
)

var helpLinkRe = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/help/(?:verify|password)/[A-Za-z0-9_-]+)`)

// helpLinkIn sends the queued mail through SMTP and returns the help centre link in the
// message received with the subject.
func (e *env) helpLinkIn(subject string) string {
	e.t.Helper()
	for _, m := range e.mailOutbox() {
		if m.Subject != subject {
			continue
		}
		if sub := helpLinkRe.FindStringSubmatch(m.Text); sub != nil {
			return sub[1]
		}
	}
	e.t.Fatalf("no help centre link in a message %q", subject)
	return ""
}

// TestHelpAccounts: an admin opens registration; a customer registers, receives the
// link through a real SMTP exchange, confirms by choosing a password, and then reads the article chosen for
// them that a visitor cannot; they edit their preferences and consents, give feedback
// (a script in it stays text) and see it; staff invite another customer, who sets a
// password from the mailed link; answers never reveal whether an address has an account.
func TestHelpAccounts(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			_, _, forOtto, _ := e.helpArticles()
			admin := e.signIn("admin@example.com")
			agent := e.signIn("agent@example.com")
			v := e.visitor()

			if res, _ := v.post("/help/register", url.Values{"email": {"otto@open.example"}, "name": {"Otto Open"}, "password": {"otto's passphrase"}}); res.StatusCode != 403 {
				t.Errorf("registering while it is off: got %d, want 403", res.StatusCode)
			}
			if res, _ := agent.post("/admin/portal", url.Values{"registration": {"on"}}); res.StatusCode != 403 {
				t.Errorf("an agent changes the portal settings: got %d", res.StatusCode)
			}
			if res, _ := admin.post("/admin/portal", url.Values{"registration": {"on"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("admin turns registration on: got %d", res.StatusCode)
			}
			if _, body := admin.get("/admin/portal"); !strings.Contains(body, `name="registration" checked`) {
				t.Errorf("the settings page does not show registration on")
			}

			res, body := v.post("/help/register", url.Values{"email": {"otto at open.example"}, "name": {"Otto Open"}})
			if res.StatusCode != 400 || !strings.Contains(body, "Enter your e-mail address") {
				t.Errorf("a wrong address: got %d", res.StatusCode)
			}
			res, body = v.post("/help/register", url.Values{"email": {"otto@open.example"}, "name": {"Otto Open"}})
			if res.StatusCode != 200 || !strings.Contains(body, "Check your e-mail") {
				t.Fatalf("register: got %d", res.StatusCode)
			}
			if _, body := v.get("/help/articles/" + forOtto.Slug); !strings.Contains(body, "could not find") {
				t.Errorf("a visitor reads Otto's article")
			}
			// Confirming the address is choosing a password; a mail scanner that opens
			// the link does not use it up.
			link := e.helpLinkIn("Confirm your e-mail address")
			if status, body := v.get(link); status != 200 || !strings.Contains(body, "finish opening your account") {
				t.Fatalf("the confirmation page: %d", status)
			}
			otto := e.visitor()
			ottoPassword := url.Values{"password": {"otto's passphrase"}, "password2": {"otto's passphrase"}}
			res, _ = otto.post(link, ottoPassword)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/account" {
				t.Fatalf("confirm: got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res, _ := e.visitor().post(link, ottoPassword); res.StatusCode != 404 {
				t.Errorf("the link used twice: got %d, want 404", res.StatusCode)
			}
			status, body := otto.get("/help/articles/" + forOtto.Slug)
			if status != 200 || !strings.Contains(body, "Otto&#39;s rollout plan") || !strings.Contains(body, "Your account") {
				t.Fatalf("Otto reads the article chosen for him: %d", status)
			}
			if _, body := otto.get("/help/search?q=rollout"); !strings.Contains(body, "rollout plan") {
				t.Errorf("Otto's search does not find his article")
			}
			// A file of his article reaches him, signed in to the help centre, and no visitor.
			a, err := blob.Keep(ctx, e.attachments, "dates.txt", strings.NewReader("rollout dates\n"), 1<<20)
			must(t, err)
			file := &rapport.ArticleFile{ArticleID: forOtto.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, StorageKey: a.StorageKey}
			must(t, e.db.CreateArticleFile(ctx, rapport.SystemScope("test"), file))
			if status, body := otto.get(file.URL()); status != 200 || body != "rollout dates\n" {
				t.Errorf("Otto fetches his article's file: %d %q", status, body)
			}
			if status, _ := e.visitor().get(file.URL()); status != 404 {
				t.Errorf("a visitor fetches the file of Otto's article: %d", status)
			}

			// His own profile: preferences and consents.
			status, body = otto.get("/help/account")
			if status != 200 || !strings.Contains(body, `value="Otto Open"`) {
				t.Fatalf("account page: %d", status)
			}
			res, _ = otto.post("/help/account", url.Values{"name": {"Otto Open"}, "language": {"de"}, "preferred_channel": {"email"}, "consent_marketing": {"no"}, "consent_surveys": {"yes"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save profile: %d", res.StatusCode)
			}
			c, err := e.db.FindCustomerByID(ctx, rapport.SystemScope("test"), e.open.ID)
			must(t, err)
			if c.Language != "de" || c.PreferredChannel != "email" {
				t.Errorf("profile after saving: language %q channel %q", c.Language, c.PreferredChannel)
			}
			consents, err := e.db.FindConsents(ctx, rapport.SystemScope("test"), e.open.ID)
			must(t, err)
			if len(consents) != 2 || consents[0].Purpose != "marketing" || consents[0].Granted || consents[0].Source != "portal" || !consents[1].Granted {
				t.Errorf("consents after saving: %+v", consents)
			}
			if res, _ := otto.post("/help/account", url.Values{"preferred_channel": {"carrier pigeon"}}); res.StatusCode != 400 {
				t.Errorf("an unknown channel: got %d", res.StatusCode)
			}
			if res, body := otto.post("/help/account", url.Values{"language": {"xx-bad-123"}}); res.StatusCode != 400 ||
				!strings.Contains(body, "Choose one of the languages offered") || strings.Contains(body, "language tag") {
				t.Errorf("an unknown language: got %d, want a message for the customer", res.StatusCode)
			}

			// Feedback: what is wrong with it is said in words for him, not for staff.
			for _, c := range []struct{ text, product, want string }{
				{"  ", "", "Write your feedback"},
				{strings.Repeat("a", rapport.MaxFeedbackText+1), "", "Your feedback: 10001 characters"},
				{"Too slow", strings.Repeat("p", 101), "The product or area: 101 characters"},
			} {
				res, body := otto.post("/help/feedback", url.Values{"kind": {"complaint"}, "product": {c.product}, "text": {c.text}})
				if res.StatusCode != 400 || !strings.Contains(body, c.want) || strings.Contains(body, "the customer") {
					t.Errorf("feedback of %d characters: got %d, want a message %q for the customer", len(c.text), res.StatusCode, c.want)
				}
			}
			// Feedback: through the usual path, shown to him only.
			res, _ = otto.post("/help/feedback", url.Values{"kind": {"complaint"}, "product": {"Web app"}, "text": {`The export breaks <script>alert("fb")</script>`}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("give feedback: %d", res.StatusCode)
			}
			_, body = otto.get("/help/account")
			if !strings.Contains(body, "The export breaks &lt;script&gt;") || strings.Contains(body, `<script>alert("fb")`) || !strings.Contains(body, "Received") {
				t.Errorf("the account page does not show his feedback, escaped")
			}
			list, _, err := e.db.FindFeedback(ctx, rapport.SystemScope("test"), rapport.FeedbackFilter{CustomerID: e.open.ID})
			must(t, err)
			if len(list) != 1 || list[0].Channel != "portal" || list[0].Kind != "complaint" {
				t.Errorf("staff see the feedback as %+v", list)
			}
			if res, _ := v.post("/help/feedback", url.Values{"kind": {"complaint"}, "text": {"anonymous"}}); res.StatusCode != 401 {
				t.Errorf("a visitor gives feedback: %d %q", res.StatusCode, res.Header.Get("Location"))
			}

			// Sign out, sign in; wrong passwords answer alike.
			otto.post("/help/sign-out", nil)
			if status, _ := otto.get("/help/articles/" + forOtto.Slug); status != 404 {
				t.Errorf("after sign-out Otto's article: %d", status)
			}
			if res, body := otto.post("/help/sign-in", url.Values{"email": {"otto@open.example"}, "password": {"wrong password"}}); res.StatusCode != 401 || !strings.Contains(body, "wrong") {
				t.Errorf("a wrong password: %d", res.StatusCode)
			}
			if res, _ := otto.post("/help/sign-in", url.Values{"email": {"otto@open.example"}, "password": {"otto's passphrase"}, "next": {"//evil.example"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/account" {
				t.Errorf("sign in: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}

			// Reset: the same answer for every address.
			_, known := v.post("/help/reset", url.Values{"email": {"otto@open.example"}})
			_, unknown := v.post("/help/reset", url.Values{"email": {"nobody@open.example"}})
			strip := func(s string) string {
				return strings.NewReplacer("otto@open.example", "", "nobody@open.example", "").Replace(s)
			}
			if strip(known) != strip(unknown) {
				t.Errorf("the reset page tells known and unknown addresses apart")
			}

			// Staff invite Wanda (behind a wall the agent is outside of) and Otto again.
			if res, _ := agent.post("/customers/"+e.walled.ID.String()+"/portal-invite", url.Values{"email": {"wanda@secret.example"}}); res.StatusCode != 404 {
				t.Errorf("inviting a walled customer: got %d, want 404", res.StatusCode)
			}
			if _, body := agent.get("/customers/" + e.open.ID.String()); !strings.Contains(body, "otto@open.example: <span class=\"chip accent\">account</span>") {
				t.Errorf("Otto's profile does not show his account")
			}
			insider := e.signIn("insider@example.com")
			if _, body := insider.get("/customers/" + e.walled.ID.String()); !strings.Contains(body, "No account yet.") {
				t.Errorf("Wanda's profile, before her invitation, does not say she has no account")
			}
			if res, _ := insider.post("/customers/"+e.walled.ID.String()+"/portal-invite", url.Values{"email": {"wanda@secret.example"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("inviting Wanda: got %d", res.StatusCode)
			}
			link = e.helpLinkIn("Your account in our help centre")
			wanda := e.visitor()
			if status, body := wanda.get(link); status != 200 || !strings.Contains(body, "wanda@secret.example") {
				t.Fatalf("the invitation page: %d", status)
			}
			if res, _ := wanda.post(link, url.Values{"password": {"wanda's passphrase"}, "password2": {"something else"}}); res.StatusCode != 400 {
				t.Errorf("differing passwords: got %d", res.StatusCode)
			}
			if res, _ := wanda.post(link, url.Values{"password": {"wanda's passphrase"}, "password2": {"wanda's passphrase"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("accept the invitation: got %d", res.StatusCode)
			}
			if status, body := wanda.get("/help/account"); status != 200 || !strings.Contains(body, "Wanda") {
				t.Errorf("Wanda's account, behind a wall from staff but not from herself: %d", status)
			}
		})
	}
}
