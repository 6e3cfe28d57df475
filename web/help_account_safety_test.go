package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
