package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rapportckm/rapport"
)

// TestHelpBrowser drives the help centre in a real headless Chromium, with JavaScript
// on: a visitor searches, opens the article found, says it helped and rates it with a
// comment holding a script, which stays text; on a phone-sized window.
func TestHelpBrowser(t *testing.T) {
	root := startChromium(t, 390, 844)
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			public, _, forOtto, _ := e.helpArticles()
			b := newTab(t, root, 60*time.Second)
			text := func(sel string) string {
				t.Helper()
				s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("read %s: %v", sel, err)
				}
				return s
			}

			// The search box's hint is read whole on a phone, not cut off.
			placeholderFits := func(page string) {
				t.Helper()
				fits, err := chromedp.Run(b, chromedp.Evaluate[string](`(() => {
					const i = document.querySelector("#help-q"), cs = getComputedStyle(i);
					const c = document.createElement("canvas").getContext("2d");
					c.font = cs.font;
					const room = i.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight), need = c.measureText(i.placeholder).width;
					return need <= room ? "" : i.placeholder + ": " + Math.round(need) + "px in " + room + "px";
				})()`))
				if err != nil || fits != "" {
					t.Errorf("the search box's placeholder on %s at 390 px is cut off: %s %v", page, fits, err)
				}
			}
			// A window is at least 500 px wide: the page is shown as on a phone.
			do(t, b, chromedp.EmulateViewport(390, 844), chromedp.Navigate(e.srv.URL+"/help"), chromedp.WaitVisible(chromedp.CSS("#help-q")))
			placeholderFits("the home page")
			do(t, b, chromedp.SendKeys(chromedp.CSS("#help-q"), "reset"),
				chromedp.Submit(chromedp.CSS("#help-q")),
				chromedp.WaitVisible(chromedp.CSS(".hits-list")))
			hits := text(".hits-list")
			if !strings.Contains(hits, public.Title) || strings.Contains(hits, "rollout") || strings.Contains(hits, forOtto.Title) {
				t.Fatalf("hits for a visitor: %q", hits)
			}
			do(t, b, chromedp.Click(chromedp.CSS(".hits-list a.hit-title")),
				chromedp.WaitVisible(chromedp.CSS("#article-h")))
			if got := text("#article-h"); got != public.Title {
				t.Fatalf("opened %q, want %q", got, public.Title)
			}
			placeholderFits("an article")
			if kp := text(".key-points"); !strings.Contains(kp, "Open Settings.") {
				t.Errorf("key points: %q", kp)
			}
			// The staff app's shortcuts do nothing here: f and g c stay on the article.
			article, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
			if err != nil {
				t.Fatal(err)
			}
			do(t, b, chromedp.KeyEvent("f"), chromedp.KeyEvent("gc"), chromedp.Sleep(300*time.Millisecond))
			if at, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`)); err != nil || at != article {
				t.Errorf("after pressing f and g c a reader is at %q (%v), want still at %q", at, err, article)
			}
			do(t, b, chromedp.Click(chromedp.CSS(`button[name="helpful"][value="yes"]`)),
				chromedp.WaitVisible(chromedp.CSS(`button[value="yes"][aria-pressed="true"]`)))
			// The yes click left a flash of its own; take it away so that the wait below
			// waits for the page the rating form leads to, not the one it leaves.
			if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.querySelector('.flash').remove(), true`)); err != nil {
				t.Fatalf("remove the first flash: %v", err)
			}
			do(t, b, chromedp.Click(chromedp.CSS(`.stars label:nth-child(5) span`)),
				chromedp.SendKeys(chromedp.CSS("#comment"), `<img src=x onerror="document.title='owned'">Clear steps`),
				chromedp.Submit(chromedp.CSS("#comment")),
				chromedp.WaitVisible(chromedp.CSS(".flash")))
			if flash := text(".flash"); !strings.Contains(flash, "Thank you") {
				t.Errorf("flash: %q", flash)
			}
			checked, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector('.stars input:checked').value`))
			if err != nil || checked != "5" {
				t.Errorf("the chosen rating after saving: %q, %v", checked, err)
			}
			comment, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector('#comment').value`))
			if err != nil || !strings.Contains(comment, `onerror="document.title='owned'"`) {
				t.Errorf("the comment after saving: %q, %v", comment, err)
			}
			title, err := chromedp.Run(b, chromedp.Title())
			if err != nil || title == "owned" || !strings.Contains(title, public.Title) {
				t.Errorf("page title %q: the comment's script ran", title)
			}
			if got, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector(".rate").innerText`)); err != nil || !strings.Contains(got, "1 of 1 readers found it helpful") {
				t.Errorf("the rating box: %q, %v", got, err)
			}
			// On a phone, the page is no wider than the screen.
			wide, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil || wide {
				t.Errorf("the article scrolls sideways at 390 px: %v, %v", wide, err)
			}
		})
	}
}

// TestHelpRegisterBrowser drives registration in a real headless Chromium: a customer
// of an organisation opens an account, confirms the address by choosing a password on
// the page of the link that reached them through a real SMTP exchange, and then reads the article meant for their
// organisation, which a visitor in another window cannot find.
func TestHelpRegisterBrowser(t *testing.T) {
	root := startChromium(t, 390, 844)
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			org := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Open Industries"}
			must(t, e.db.CreateCustomer(ctx, sys, org))
			must(t, e.db.CreateLink(ctx, sys, &rapport.Link{FromID: e.open.ID, ToID: org.ID, Kind: rapport.LinkWorksAt}))
			plan, err := e.db.CreateArticle(ctx, sys, rapport.ArticleInput{Title: "Open Industries rollout plan", Body: "Week one: pilots.",
				Audience: rapport.AudienceChosen, Customers: []rapport.ID{org.ID}, Publish: true, OwnerID: e.admin.ID})
			must(t, err)
			must(t, e.db.SetPortalSettings(ctx, sys, rapport.PortalSettings{Registration: true}))

			text := func(b context.Context, sel string) string {
				t.Helper()
				s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("read %s: %v", sel, err)
				}
				return s
			}
			articleURL := e.srv.URL + "/help/articles/" + plan.Slug

			otto := newTab(t, root, 60*time.Second)
			do(t, otto, chromedp.Navigate(e.srv.URL+"/help/register"),
				chromedp.WaitVisible(chromedp.CSS("#email")),
				chromedp.SendKeys(chromedp.CSS("#name"), "Otto Open"),
				chromedp.SendKeys(chromedp.CSS("#email"), "otto@open.example"),
				chromedp.Submit(chromedp.CSS("#email")),
				chromedp.WaitVisible(chromedp.CSS("#check-mail")))
			if h := text(otto, "#check-mail"); h != "Check your e-mail" {
				t.Fatalf("after registering: %q", h)
			}
			link := e.helpLinkIn("Confirm your e-mail address")
			do(t, otto, chromedp.Navigate(e.srv.URL+link),
				chromedp.WaitVisible(chromedp.CSS("#password")),
				chromedp.SendKeys(chromedp.CSS("#password"), "otto's long passphrase"),
				chromedp.SendKeys(chromedp.CSS("#password2"), "otto's long passphrase"),
				chromedp.Submit(chromedp.CSS("#password2")),
				chromedp.WaitVisible(chromedp.CSS(".flash")),
				chromedp.Navigate(articleURL),
				chromedp.WaitVisible(chromedp.CSS("#article-h")))
			if got := text(otto, "#article-h"); got != plan.Title {
				t.Fatalf("the verified customer opened %q, want %q", got, plan.Title)
			}

			visitor := newTab(t, root, 60*time.Second)
			do(t, visitor, chromedp.Navigate(articleURL), chromedp.WaitVisible(chromedp.CSS("h1")))
			if h := text(visitor, "h1"); strings.Contains(h, plan.Title) {
				t.Errorf("a visitor reads the organisation's article: %q", h)
			}
			do(t, visitor, chromedp.Navigate(e.srv.URL+"/help/search?q=rollout"), chromedp.WaitVisible(chromedp.CSS("h1")))
			if body := text(visitor, "main"); strings.Contains(body, plan.Title) {
				t.Errorf("a visitor's search finds the organisation's article")
			}
		})
	}
}
