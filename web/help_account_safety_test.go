package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// openRegistration lets visitors register in the help centre.
func (e *env) openRegistration() {
	e.t.Helper()
	must(e.t, e.db.SetPortalSettings(ctx, rapport.SystemScope("test"), rapport.PortalSettings{Registration: true}))
}

// TestHelpRegisterTakeover: a stranger registers someone else's address with a
// password of their own; the owner confirms the address from the mail. Confirming
// takes choosing a password, and the stranger's password opens nothing.
func TestHelpRegisterTakeover(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			e.openRegistration()
			mallory := e.visitor()
			if res, _ := mallory.post("/help/register", url.Values{"email": {"otto@open.example"}, "name": {"Otto Open"}, "password": {"mallory's passphrase"}}); res.StatusCode != 200 {
				t.Fatalf("register: got %d", res.StatusCode)
			}
			link := e.helpLinkIn("Confirm your e-mail address")
			otto := e.visitor()
			if status, body := otto.get(link); status != 200 || !strings.Contains(body, `name="password"`) {
				t.Errorf("the page the confirmation link opens: %d, want a form to choose a password", status)
			}
			res, _ := otto.post(link, url.Values{"password": {"otto's own passphrase"}, "password2": {"otto's own passphrase"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/account" {
				t.Fatalf("Otto confirms: got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if status, _ := otto.get("/help/account"); status != 200 {
				t.Errorf("Otto's account after confirming: %d", status)
			}
			if res, _ := mallory.post("/help/sign-in", url.Values{"email": {"otto@open.example"}, "password": {"mallory's passphrase"}}); res.StatusCode != 401 {
				t.Errorf("the stranger signs in with the password given at registration: got %d, want 401", res.StatusCode)
			}
			if res, _ := e.visitor().post("/help/sign-in", url.Values{"email": {"otto@open.example"}, "password": {"otto's own passphrase"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("Otto signs in with the password he chose: got %d", res.StatusCode)
			}
		})
	}
}

// TestHelpMailLimits: registering and asking for a new password send at most a few
// messages to one address, and to a few dozen from one network address, answering
// the same page whether a message went or not; no text a visitor typed reaches
// the mail before the address is confirmed.
func TestHelpMailLimits(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			e.openRegistration()
			v := e.visitor()
			const lure = "Your order is on hold: pay at https://evil.example/pay"
			var registered, reset []string
			for range 6 {
				res, body := v.post("/help/register", url.Values{"email": {"ana@victim.example"}, "name": {lure}})
				if res.StatusCode != 200 {
					t.Fatalf("register: got %d", res.StatusCode)
				}
				registered = append(registered, body)
				res, body = v.post("/help/reset", url.Values{"email": {"ana@victim.example"}})
				if res.StatusCode != 200 {
					t.Fatalf("reset: got %d", res.StatusCode)
				}
				reset = append(reset, body)
			}
			if registered[0] != registered[5] || reset[0] != reset[5] {
				t.Errorf("the answer once the limit is reached differs from the first")
			}
			mails := e.mailOutbox()
			if len(mails) != 3 {
				t.Errorf("12 requests for one address sent %d messages, want 3", len(mails))
			}
			for _, m := range mails {
				if strings.Contains(m.Text, "evil.example") || strings.Contains(m.Text, "on hold") {
					t.Errorf("the name typed at registration is in the message %q:\n%s", m.Subject, m.Text)
				}
			}
			outbox, err := e.db.FindOutbox(ctx, rapport.SystemScope("test"), rapport.OutboxFilter{Limit: 100})
			must(t, err)
			for _, m := range outbox {
				if m.ToName != "" {
					t.Errorf("a message to an unconfirmed address is addressed to the name %q", m.ToName)
				}
			}

			// From one network address, at most 20 messages an hour in all.
			for i := range 25 {
				v.post("/help/register", url.Values{"email": {"person" + string(rune('a'+i)) + "@victim.example"}, "name": {"Someone"}})
			}
			if n := len(e.mailOutbox()); n != 17 {
				t.Errorf("25 more registrations from one network address sent %d messages, want 17 (20 in all)", n)
			}
		})
	}
}

// TestHelpConfirmAgain: whoever registers an address whose account is not confirmed
// gets a new link that works; a link that is unknown, used or expired says so and
// offers a new one, which works.
func TestHelpConfirmAgain(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			e.openRegistration()
			v := e.visitor()
			form := url.Values{"email": {"nina@new.example"}, "name": {"Nina New"}}
			v.post("/help/register", form)
			first := e.helpLinkIn("Confirm your e-mail address")
			v.post("/help/register", form)
			mails := e.mailOutbox()
			if len(mails) != 1 || mails[0].Subject != "Confirm your e-mail address" {
				var subjects []string
				for _, m := range mails {
					subjects = append(subjects, m.Subject)
				}
				t.Fatalf("registering again before confirming mailed %q, want a new confirmation link", subjects)
			}
			second := helpLinkRe.FindStringSubmatch(mails[0].Text)
			if second == nil {
				t.Fatalf("no link in %q", mails[0].Text)
			}

			// Unknown, expired: the page says so and how to get a new link.
			for _, path := range []string{"/help/verify/garbage", "/help/password/garbage"} {
				status, body := e.customerGet(path)
				if status != 404 || !strings.Contains(body, "This link no longer works") || !strings.Contains(body, `action="/help/reset"`) || strings.Contains(body, "Confirm my address") {
					t.Errorf("%s: %d, want a page saying the link no longer works, with a form for a new one", path, status)
				}
			}
			e.db.Now = func() time.Time { return time.Now().Add(rapport.VerifyLinkLifetime + time.Minute) }
			status, body := v.get(second[1])
			e.db.Now = time.Now
			if status != 404 || !strings.Contains(body, "This link no longer works") {
				t.Errorf("an expired confirmation link: %d", status)
			}

			// Asking for a new link, as that page offers, confirms the address too.
			v.post("/help/reset", url.Values{"email": {"nina@new.example"}})
			third := e.helpLinkIn("Confirm your e-mail address")
			if res, _ := v.post(third, url.Values{"password": {"nina's passphrase"}, "password2": {"nina's passphrase"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("confirm with the new link: %d", res.StatusCode)
			}
			if status, _ := v.get("/help/account"); status != 200 {
				t.Errorf("Nina's account: %d", status)
			}
			// The links mailed before are spent with it.
			if status, _ := e.visitor().get(first); status != 404 {
				t.Errorf("the first link after confirming: %d, want 404", status)
			}
		})
	}
}

var signInLinkRe = regexp.MustCompile(`href="(/help/sign-in\?next=[^"]*)"`)

// TestHelpSessionEnded: a customer whose session ended sends a form; the answer asks
// them to sign in again, links to the sign-in page that leads back to the form, and
// shows what they wrote, to copy.
func TestHelpSessionEnded(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			admin := e.signIn("admin@example.com")
			_, err := e.db.SaveExpert(ctx, rapport.SystemScope("test"), e.agent.ID, rapport.ExpertInput{Headline: "Sign-in", Areas: []string{"login"}, Listed: true})
			must(t, err)
			otto := e.helpCustomer(admin, e.open, "otto@open.example")
			otto.post("/help/sign-out", nil)

			expert := "/help/experts/" + e.agent.ID.String()
			for _, c := range []struct {
				path string
				form url.Values
				next string
				kept string
			}{
				{"/help/feedback", url.Values{"kind": {"complaint"}, "text": {"The export <b>breaks</b> on Mondays"}}, "/help/feedback", "The export &lt;b&gt;breaks&lt;/b&gt; on Mondays"},
				{expert + "/questions", url.Values{"question": {"How do I sign in twice?"}}, expert + "#ask", "How do I sign in twice?"},
				{"/help/account", url.Values{"language": {"de"}}, "/help/account", ""},
			} {
				res, body := otto.post(c.path, c.form)
				if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Please sign in again") {
					t.Errorf("%s after the session ended: %d, want 401 asking to sign in again", c.path, res.StatusCode)
					continue
				}
				if c.kept != "" && !strings.Contains(body, c.kept+"</textarea>") {
					t.Errorf("%s: what the customer wrote is not shown back", c.path)
				}
				sub := signInLinkRe.FindStringSubmatch(body)
				if sub == nil {
					t.Errorf("%s: no link to sign in", c.path)
					continue
				}
				u, err := url.Parse(html.UnescapeString(sub[1]))
				must(t, err)
				if got := u.Query().Get("next"); got != c.next {
					t.Errorf("%s: the sign-in link leads on to %q, want %q", c.path, got, c.next)
				}
			}
			// A page asked for while signed out leads to signing in, and on to it with its whole query.
			res, err := e.visitor().client.Get(e.srv.URL + "/help/feedback?kind=idea&product=a%26b")
			must(t, err)
			res.Body.Close()
			if u, err := url.Parse(res.Header.Get("Location")); err != nil || u.Path != "/help/sign-in" || u.Query().Get("next") != "/help/feedback?kind=idea&product=a%26b" {
				t.Errorf("signed out, a help page with a query leads to %q, want the sign-in page going on to it", res.Header.Get("Location"))
			}
			res, _ = otto.post("/help/sign-in", url.Values{"email": {"otto@open.example"}, "password": {"a long passphrase"}, "next": {"/help/feedback"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/help/feedback" {
				t.Errorf("sign in again: %d to %q, want the feedback form", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
}

// TestHelpAccountNoPreference: a customer whose language and channel came from a
// source system chooses "No preference", which is what their profile then says; a
// channel the form does not offer is shown and kept when they save something else;
// a form over the size limit saves nothing.
func TestHelpAccountNoPreference(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			admin := e.signIn("admin@example.com")
			res, err := e.db.IngestCustomers(ctx, sys, []rapport.IncomingCustomer{{Source: "shop", SourceKey: "S-1", Customer: rapport.Customer{
				Kind: rapport.KindPerson, GivenName: "Petra", FamilyName: "Pref", Emails: []rapport.ContactPoint{{Value: "petra@pref.example"}},
				Language: "fr", PreferredChannel: "web"}}})
			must(t, err)
			petra, err := e.db.FindCustomerByID(ctx, sys, res.Items[0].CustomerID)
			must(t, err)
			b := e.helpCustomer(admin, petra, "petra@pref.example")
			check := func(step, language string, channel rapport.Channel) {
				t.Helper()
				c, err := e.db.FindCustomerByID(ctx, sys, petra.ID)
				must(t, err)
				if c.Language != language || c.PreferredChannel != channel {
					t.Errorf("%s: language %q channel %q, want %q %q", step, c.Language, c.PreferredChannel, language, channel)
				}
			}

			_, body := b.get("/help/account")
			if !strings.Contains(body, `<option value="web" selected>`) {
				t.Errorf("the account page does not show her channel, web")
			}
			save := func(form url.Values) {
				t.Helper()
				form.Set("name", "Petra Pref")
				if res, _ := b.post("/help/account", form); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("save %v: %d", form, res.StatusCode)
				}
			}
			save(url.Values{"language": {"fr"}, "preferred_channel": {"web"}, "consent_surveys": {"yes"}})
			check("saving a consent only", "fr", "web")
			save(url.Values{"language": {""}, "preferred_channel": {""}})
			check("no preference", "", "")
			_, body = b.get("/help/account")
			if !strings.Contains(body, `<option value="" selected>No preference</option>`) {
				t.Errorf("the account page after choosing no preference does not show it")
			}
			save(url.Values{"language": {"de"}, "preferred_channel": {"email"}})
			check("a preference again", "de", "email")

			b.get("/help/account") // takes the last save's message
			big := url.Values{"name": {"Petra Pref"}, "language": {""}, "preferred_channel": {""}, "padding": {strings.Repeat("x", 70<<10)}}
			if res, body := b.post("/help/account", big); res.StatusCode != http.StatusRequestEntityTooLarge || strings.Contains(body, "saved") {
				t.Errorf("a form over the limit: %d, want 413 and nothing saved", res.StatusCode)
			}
			check("after a form over the limit", "de", "email")
		})
	}
}
