package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserFormErrorsTiedToFields: a form shown again with problems marks each field
// that has one as invalid and describes it by its message, keeping a hint it was
// described by, so that a screen reader reads the problem on reaching the field; the
// first such field has the focus. In a real headless Chromium, with the staff app's
// customer form and the help centre's registration.
func TestBrowserFormErrorsTiedToFields(t *testing.T) {
	root := startChromium(t, 1280, 900)
	e := newEnv(t, databases()["sqlite"])
	e.openRegistration()
	bctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	defer func() { chromedp.Cancel(bctx); cancel() }()
	b, cancelTimeout := context.WithTimeout(bctx, 60*time.Second)
	defer cancelTimeout()
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, step := range steps {
			if err := chromedp.Do(b, step); err != nil {
				t.Fatalf("step %d of %d: %v", i+1, len(steps), err)
			}
		}
	}
	// described returns, for the field sel, its aria-invalid, the text of what its
	// aria-describedby names (a missing id reads "MISSING"), and whether it has the focus.
	described := func(sel string) (invalid, text string, focused bool) {
		t.Helper()
		got, err := chromedp.Run(b, chromedp.Evaluate[[]string](`(() => { const f = document.querySelector(`+"`"+sel+"`"+`);
			const by = (f.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
				.map(id => { const el = document.getElementById(id); return el ? el.textContent.trim() : "MISSING"; }).join(" | ");
			return [String(f.getAttribute("aria-invalid")), by, String(document.activeElement === f)]; })()`))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return got[0], got[1], got[2] == "true"
	}

	// The staff app: a new customer without a name.
	do(chromedp.Navigate(e.srv.URL+"/customers/new"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "agent@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("#given_name")),
		chromedp.Click(chromedp.CSS("form.card button.primary")),
		chromedp.WaitVisible(chromedp.CSS(".field.invalid .error")))
	invalid, text, focused := described("#given_name")
	if invalid != "true" || !strings.Contains(text, "A person needs a name") || !focused {
		t.Errorf("the given name without a name: aria-invalid %s, described by %q, focused %v; want true, the message, focused", invalid, text, focused)
	}
	if invalid, text, _ := described("#family_name"); invalid == "true" || text != "" {
		t.Errorf("the family name, which has no problem of its own: aria-invalid %s, described by %q", invalid, text)
	}

	// The help centre: an address that is not one keeps its hint beside the problem.
	do(chromedp.Navigate(e.srv.URL+"/help/register"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Otto Open"),
		chromedp.SendKeys(chromedp.CSS("#email"), "not an address"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#email").form.noValidate = true`),
		chromedp.Submit(chromedp.CSS("#email")),
		chromedp.WaitVisible(chromedp.CSS(".field.invalid .error")))
	invalid, text, focused = described("#email")
	if invalid != "true" || !strings.HasPrefix(text, "We e-mail you a link") || !strings.Contains(text, " | ") || strings.Contains(text, "MISSING") || !focused {
		t.Errorf("the e-mail address that is not one: aria-invalid %s, described by %q, focused %v; want true, the hint and the message, focused", invalid, text, focused)
	}
}
