package web_test

import (
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
	b := newTab(t, root, 60*time.Second)
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
	do(t, b, chromedp.Navigate(e.srv.URL+"/customers/new"),
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
	do(t, b, chromedp.Navigate(e.srv.URL+"/help/register"),
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

// contrastJS lists the visible text on the page whose contrast with the background
// behind it is under WCAG's 4.5:1 (3:1 for large text), and the form fields whose edge
// is under 3:1 against what they stand on, one line each.
const contrastJS = `(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[,\s\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const blend = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat(1); };
  const behind = el => { const layers = [];
    for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = [255, 255, 255, 1]; for (let i = layers.length - 1; i >= 0; i--) bg = blend(layers[i], bg); return bg; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const out = [], seen = new Set();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el)) continue;
    seen.add(el);
    if (!el.getClientRects().length || el.closest("svg, dialog:not([open]), option, :disabled")) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    const bg = behind(el), fg = blend(parse(cs.color), bg), r = ratio(fg, bg);
    const large = parseFloat(cs.fontSize) >= 24 || (parseFloat(cs.fontSize) >= 18.66 && Number(cs.fontWeight) >= 700);
    if (r < (large ? 3 : 4.5)) out.push(el.tagName.toLowerCase() + "." + el.className + " " + JSON.stringify(n.textContent.trim().slice(0, 30)) + ": " + r.toFixed(2));
  }
  document.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=file]), select, textarea").forEach(f => {
    if (!f.getClientRects().length) return;
    const r = ratio(blend(parse(getComputedStyle(f).borderTopColor), behind(f.parentElement)), behind(f.parentElement));
    if (r < 3) out.push("the edge of " + f.tagName.toLowerCase() + "#" + f.id + ": " + r.toFixed(2));
  });
  return out; })()`

// TestBrowserContrast measures, in a real headless Chromium in the light and the dark
// colour scheme, the contrast of the text on pages of the help centre and the staff
// app, with the survey results' categories and the help centre's chosen area added
// as their pages write them, and of the edges of form fields.
func TestBrowserContrast(t *testing.T) {
	root := startChromium(t, 1280, 900)
	e := newEnv(t, databases()["sqlite"])
	e.helpArticles()
	e.openRegistration()
	b := newTab(t, root, 60*time.Second)
	extra := `(() => { const m = document.querySelector("main"); const d = document.createElement("div");
		d.innerHTML = '<section class="card"><p><span class="cat-promoter">41%</span> <small class="cat-detractor">detractor</small> <span class="cat-easy">easy</span></p>' +
			'<nav class="expert-areas"><a class="tag current" href="#">All areas</a> <a class="tag" href="#">Billing</a></nav>' +
			'<div class="scores"><label><input type="radio" name="x" checked><span>9</span></label></div></section>';
		m.appendChild(d); return true; })()`
	pages := []struct{ path, wait string }{
		{"/help/search?q=reset", ".hits-list mark"},
		{"/help/register", "#email"},
		{"/sign-in", "#email"},
	}
	for _, scheme := range []string{"light", "dark"} {
		if err := chromedp.Do(b, emulateScheme(scheme)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			if _, err := chromedp.Run(b, chromedp.Evaluate[bool](extra)); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			low, err := chromedp.Run(b, chromedp.Evaluate[[]string](contrastJS))
			if err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			for _, l := range low {
				t.Errorf("%s, %s scheme: too little contrast: %s", p.path, scheme, l)
			}
		}
	}
}
