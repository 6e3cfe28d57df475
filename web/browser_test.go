package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
	"github.com/rapportckm/rapport/tabular"
)

// TestBrowser drives the staff app in a real headless Chromium: sign in, create a
// customer, add a note and log a call with the keyboard, see both on the timeline,
// and try a walled customer as an outsider, on each database. RAPPORT_TEST_CHROMIUM names the browser;
// RAPPORT_TEST_SCREENSHOTS, if set, is a directory for screenshots of each step.
func TestBrowser(t *testing.T) {
	root := startChromium(t, 1280, 900)

	// Every scenario runs on each database, against one browser.
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			shot := func(t *testing.T, bctx context.Context, name string) {
				dir := os.Getenv("RAPPORT_TEST_SCREENSHOTS")
				if dir == "" {
					return
				}
				png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
				}
				if err != nil {
					t.Logf("screenshot %s: %v", name, err)
				}
			}
			text := func(t *testing.T, bctx context.Context, sel string) string {
				t.Helper()
				s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("read %s: %v", sel, err)
				}
				return s
			}
			signIn := func(t *testing.T, bctx context.Context, email string) {
				t.Helper()
				do(t, bctx,
					chromedp.Navigate(e.srv.URL+"/customers"),
					chromedp.WaitVisible(chromedp.CSS("#email")),
					chromedp.SendKeys(chromedp.CSS("#email"), email),
					chromedp.SendKeys(chromedp.CSS("#password"), password),
					chromedp.Submit(chromedp.CSS("#password")),
					chromedp.WaitVisible(chromedp.CSS("table, .empty")),
				)
			}

			t.Run("AgentWorksWithACustomer", func(t *testing.T) {
				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				shot(t, b, "1-customers")
				if got := text(t, b, "h1"); got != "Customers" {
					t.Fatalf("got heading %q after signing in, want Customers", got)
				}
				do(t, b,
					chromedp.Click(chromedp.CSS(`a[href="/customers/new"]`)),
					chromedp.WaitVisible(chromedp.CSS("#given_name")),
					chromedp.SendKeys(chromedp.CSS("#given_name"), "Hanna"),
					chromedp.SendKeys(chromedp.CSS("#family_name"), "Schmidt"),
					chromedp.SendKeys(chromedp.CSS("#emails"), "hanna.schmidt@example.de"),
					chromedp.Click(chromedp.CSS(`input[name=relationships][value=client]`)),
				)
				shot(t, b, "2-new-customer")
				do(t, b,
					chromedp.Click(chromedp.CSS(`form button.primary`)),
					chromedp.WaitVisible(chromedp.CSS("#timeline")),
				)
				if got := text(t, b, "h1"); got != "Hanna Schmidt" {
					t.Fatalf("got heading %q, want the new customer's profile", got)
				}
				// Keyboard: n opens the note form, l the call form.
				do(t, b,
					chromedp.KeyEvent("n"),
					chromedp.WaitVisible(chromedp.CSS("#n-body")),
					chromedp.SendKeys(chromedp.CSS("#n-body"), "Planning a second warehouse in Leipzig next spring."),
					chromedp.Submit(chromedp.CSS("#n-body")),
					chromedp.WaitVisible(chromedp.CSS(".entry.note")),
					chromedp.KeyEvent("l"),
					chromedp.WaitVisible(chromedp.CSS("#i-summary")),
					chromedp.SendKeys(chromedp.CSS("#i-summary"), "Called about delivery dates"),
					chromedp.Submit(chromedp.CSS("#i-summary")),
					chromedp.WaitVisible(chromedp.Search(`//div[@class="summary"][contains(., "Called about delivery dates")]`)),
				)
				shot(t, b, "3-profile")
				timeline := text(t, b, "#timeline")
				for _, want := range []string{"\nPlanning a second warehouse in Leipzig next spring.", "Called about delivery dates\nCall", "Note by agent"} {
					if !strings.Contains(timeline, want) {
						t.Errorf("the timeline lacks %q: %s", want, timeline)
					}
				}
				// Open an item from the open items card, then mark it done.
				do(t, b,
					chromedp.Click(chromedp.CSS("#add-item summary")),
					chromedp.WaitVisible(chromedp.CSS("#it-title")),
					chromedp.SendKeys(chromedp.CSS("#it-title"), "Confirm the delivery slot"),
					chromedp.SendKeys(chromedp.CSS("#it-type"), "delivery"),
					chromedp.Submit(chromedp.CSS("#it-title")),
					chromedp.WaitVisible(chromedp.Search(`//li[contains(@class, "item")]//strong[contains(., "Confirm the delivery slot")]`)),
				)
				shot(t, b, "3b-open-items")
				if card := text(t, b, "#open-items"); !strings.Contains(card, "delivery") || !strings.Contains(card, "opened") {
					t.Errorf("the open items card lacks the new item: %s", card)
				}
				do(t, b,
					chromedp.Submit(chromedp.CSS(`#open-items li.item form`)),
					chromedp.WaitVisible(chromedp.CSS("#open-items .closed-items")),
				)
				if card := text(t, b, "#open-items"); !strings.Contains(card, "Nothing unfinished") {
					t.Errorf("after done, the card shows: %s", card)
				}
				// / focuses the search box from anywhere.
				do(t, b,
					chromedp.KeyEvent("/"),
					chromedp.KeyEvent("hanna"),
					chromedp.KeyEvent("\r"),
					chromedp.WaitVisible(chromedp.CSS("table")),
				)
				if got := text(t, b, "tbody"); !strings.Contains(got, "Hanna Schmidt") {
					t.Errorf("searching hanna found %q", got)
				}
				// j moves to the first row of the results, Enter opens it; on the profile, c
				// logs a call with a line of text and Enter, and j and k move between sections.
				do(t, b,
					chromedp.KeyEvent("j"),
					chromedp.KeyEvent("\r"),
					chromedp.WaitVisible(chromedp.CSS("#timeline")),
					chromedp.KeyEvent("c"),
					chromedp.WaitVisible(chromedp.CSS("#i-summary")),
				)
				eval := func(js string) string {
					t.Helper()
					v, err := chromedp.Run(b, chromedp.Evaluate[string](js))
					if err != nil {
						t.Fatalf("%s: %v", js, err)
					}
					return v
				}
				typ, channel, focused := eval(`document.querySelector("#i-type").value`), eval(`document.querySelector("#i-channel").value`), eval(`document.activeElement.id`)
				if typ != "call" || channel != "phone" || focused != "i-summary" {
					t.Errorf("c opened the form with %q by %q, focus on %q; want a phone call, at the summary", typ, channel, focused)
				}
				do(t, b,
					chromedp.KeyEvent("Promised a quote by Friday\r"),
					chromedp.WaitVisible(chromedp.Search(`//div[@class="summary"][contains(., "Promised a quote by Friday")]`)),
				)
				if got := text(t, b, "#timeline"); !strings.Contains(got, "Promised a quote by Friday\nCall\nPhone") {
					t.Errorf("the quick call is not on the timeline as a phone call: %s", got)
				}
				sections, err := chromedp.Run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("main section[aria-labelledby]")).filter(s => s.offsetParent !== null).map(s => document.getElementById(s.getAttribute("aria-labelledby")).textContent.trim())`))
				if err != nil {
					t.Fatal(err)
				}
				if len(sections) < 3 {
					t.Fatalf("the profile has sections %q", sections)
				}
				for i, key := range []string{"j", "j", "j", "k"} {
					do(t, b, chromedp.KeyEvent(key))
					heading := eval(`document.activeElement.textContent.trim()`)
					want := sections[[]int{0, 1, 2, 1}[i]]
					if heading != want {
						t.Errorf("after %d presses (%s), the focus is on %q, want the section %q", i+1, key, heading, want)
					}
				}
				// ? lists the shortcuts; behind that list they do nothing, and after
				// Escape they work again.
				do(t, b, chromedp.KeyEvent("?"), chromedp.WaitVisible(chromedp.CSS("#shortcuts")), chromedp.KeyEvent("g"), chromedp.KeyEvent("c"))
				if path := eval(`location.pathname`); !strings.HasPrefix(path, "/customers/") || eval(`String(document.querySelector("#shortcuts").open)`) != "true" {
					t.Errorf("g c behind the open list of shortcuts went to %s or closed it", path)
				}
				shot(t, b, "3b-keyboard")
				do(t, b, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(chromedp.CSS("#shortcuts")), chromedp.KeyEvent("g"), chromedp.KeyEvent("c"))
				path := ""
				for deadline := time.Now().Add(5 * time.Second); path != "/customers" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					path, _ = chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`)) // fails while the page changes
				}
				if path != "/customers" {
					t.Errorf("g c after the list of shortcuts closed: at %q, want /customers", path)
				}
			})

			t.Run("AgentAttachesAScan", func(t *testing.T) {
				dir := t.TempDir()
				scan, letter := filepath.Join(dir, "signed form.png"), filepath.Join(dir, "letter.pdf")
				must(t, os.WriteFile(scan, pngOf(t), 0o644))
				must(t, os.WriteFile(letter, []byte(letterPDF), 0o644))
				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/customers/"+e.open.ID.String()),
					chromedp.WaitVisible(chromedp.CSS("#timeline")),
					chromedp.KeyEvent("l"),
					chromedp.WaitVisible(chromedp.CSS("#i-summary")),
					chromedp.SendKeys(chromedp.CSS("#i-summary"), "Signed form came back"),
					chromedp.SetUploadFiles(chromedp.CSS("#i-files"), []string{scan, letter}),
					chromedp.Submit(chromedp.CSS("#i-summary")),
					chromedp.WaitVisible(chromedp.CSS(".attachments .thumb img")),
				)
				// The thumbnail is the image itself, loaded through the session.
				loaded, err := chromedp.Run(b, chromedp.Evaluate[bool](`new Promise(ok => { const img = document.querySelector(".attachments .thumb img");
			if (img.complete) ok(img.naturalWidth === 8); else { img.onload = () => ok(img.naturalWidth === 8); img.onerror = () => ok(false); } })`,
					chromedp.EvalAwaitPromise))
				if err != nil || !loaded {
					t.Errorf("the thumbnail did not load as the 8×8 image: %v %v", loaded, err)
				}
				do(t, b,
					chromedp.Click(chromedp.CSS(".attachments details.pdf summary")),
					chromedp.WaitVisible(chromedp.CSS(".attachments details.pdf iframe")),
				)
				shot(t, b, "3b-attachments")
				if got := text(t, b, ".attachments details.pdf summary"); got != "letter.pdf PDF, 77 bytes" {
					t.Errorf("the PDF is summarised as %q", got)
				}
				if got := text(t, b, ".flash, [role=status]"); !strings.Contains(got, "with 2 files") {
					t.Errorf("the message after logging it: %q", got)
				}
			})

			t.Run("OutsiderMeetsTheWall", func(t *testing.T) {
				b := newTab(t, root, time.Minute)
				signIn(t, b, "outsider@example.com")
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/customers/"+e.walled.ID.String()),
					chromedp.WaitVisible(chromedp.CSS("h1")),
				)
				shot(t, b, "4-walled")
				if got := text(t, b, "h1"); got != "Not found" {
					t.Errorf("got heading %q on a walled profile, want Not found", got)
				}
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/customers?q=wanda"),
					chromedp.WaitVisible(chromedp.CSS(".empty")),
				)
				if got := text(t, b, "main"); strings.Contains(got, "Walled") || !strings.Contains(got, "No customer matches") {
					t.Errorf("searching for the walled customer shows %q", got)
				}
				// The insider sees her.
				in := newTab(t, root, time.Minute)
				signIn(t, in, "insider@example.com")
				if err := chromedp.Do(in, chromedp.Navigate(e.srv.URL+"/customers/"+e.walled.ID.String()), chromedp.WaitVisible(chromedp.CSS("#timeline"))); err != nil {
					t.Fatal(err)
				}
				if got := text(t, in, "h1"); got != "Wanda Walled" {
					t.Errorf("got %q for the wall's team, want Wanda Walled", got)
				}
			})

			t.Run("AnalystBuildsASegment", func(t *testing.T) {
				// The live count is of the customers the reader may see: Wanda is behind the wall.
				count := func(t *testing.T, b context.Context, rule string) string {
					t.Helper()
					do(t, b,
						chromedp.Navigate(e.srv.URL+"/segments"),
						chromedp.WaitVisible(chromedp.CSS("#g-rule")),
						chromedp.SendKeys(chromedp.CSS("#g-rule"), rule),
						chromedp.WaitVisible(chromedp.CSS("#g-count strong")),
					)
					return text(t, b, "#g-count")
				}
				out := newTab(t, root, time.Minute)
				signIn(t, out, "outsider@example.com")
				if got := count(t, out, `name contains "wanda"`); got != "0 customers meet it now" {
					t.Errorf("outside the wall the count says %q, want 0", got)
				}
				in := newTab(t, root, time.Minute)
				signIn(t, in, "insider@example.com")
				if got := count(t, in, `name contains "wanda"`); got != "1 customer meets it now" {
					t.Errorf("inside the wall the count says %q, want 1", got)
				}

				// A mistake is pointed at as it is typed; the rule put right is saved.
				clear := func() {
					t.Helper()
					if _, err := chromedp.Run(out, chromedp.Evaluate[bool](`(document.querySelector('#g-rule').value = '', true)`)); err != nil {
						t.Fatal(err)
					}
				}
				clear()
				do(t, out,
					chromedp.SendKeys(chromedp.CSS("#g-rule"), "kind = person AND clv > lots"),
					chromedp.WaitVisible(chromedp.CSS("#g-count .error")),
				)
				shot(t, out, "6-segment-mistake")
				if got := text(t, out, "#g-count"); !strings.Contains(got, "“clv” is a number") || !strings.Contains(got, "column 25") {
					t.Errorf("the builder says %q for a rule with a mistake", got)
				}
				clear()
				do(t, out,
					chromedp.SendKeys(chromedp.CSS("#g-rule"), "kind = person"),
					chromedp.WaitVisible(chromedp.CSS("#g-count strong")),
					chromedp.SendKeys(chromedp.CSS("#g-name"), "People"),
					chromedp.Click(chromedp.CSS("button[value=save]")),
					chromedp.WaitVisible(chromedp.CSS("pre.rule")),
				)
				shot(t, out, "7-segment")
				if got := text(t, out, "h1"); got != "People" {
					t.Errorf("after saving, got heading %q, want the segment's page", got)
				}
			})

			t.Run("ReviewerMergesAndUnmerges", func(t *testing.T) {
				sys := rapport.SystemScope("test")
				first := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Maria", FamilyName: "Santos", Emails: []rapport.ContactPoint{{Value: "maria@santos.example"}}}
				second := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "María", FamilyName: "Santos", Emails: []rapport.ContactPoint{{Value: "msantos@mail.example"}}}
				must(t, e.db.CreateCustomer(ctx, sys, first))
				must(t, e.db.CreateCustomer(ctx, sys, second))
				explain := []rapport.MatchField{{Field: "prior", Level: "before comparing", Weight: -12.5},
					{Field: "family_name", Left: "santos", Right: "santos", Level: "exact", Weight: 7.25, Rarity: true},
					{Field: "email", Left: "maria@santos.example", Right: "msantos@mail.example", Level: "different", Weight: -1.5}}
				_, err := e.db.ProposeMatches(ctx, sys, []rapport.ScoredPair{
					{LeftID: first.ID, RightID: second.ID, Probability: 0.93, Weight: 3.8, Explanation: explain},
					{LeftID: e.open.ID, RightID: e.walled.ID, Probability: 0.97, Weight: 5, Explanation: explain},
				})
				must(t, err)

				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				do(t, b, chromedp.Navigate(e.srv.URL+"/matches"), chromedp.WaitVisible(chromedp.CSS("table")))
				shot(t, b, "6-duplicates")
				queue := text(t, b, "tbody")
				if !strings.Contains(queue, "María Santos") || !strings.Contains(queue, "93.0 %") || strings.Contains(queue, "Wanda") || strings.Contains(queue, "Otto") {
					t.Fatalf("the agent's review queue shows %q, want the Santos pair only: the walled customer is no candidate to an outsider", queue)
				}
				do(t, b, chromedp.Click(chromedp.CSS(`tbody a.button`)), chromedp.WaitVisible(chromedp.CSS("table.compare")))
				shot(t, b, "7-review")
				compared := strings.ToLower(text(t, b, "table.compare")) // headings are in capitals by style
				for _, want := range []string{"family name\tsantos\tsantos\texact (rare value)\t+7.2", "e-mail\tmaria@santos.example\tmsantos@mail.example\tdifferent\t-1.5", "total\t+3.8"} {
					if !strings.Contains(compared, want) {
						t.Errorf("the comparison lacks %q:\n%s", want, compared)
					}
				}
				do(t, b, chromedp.KeyEvent("m"), chromedp.WaitVisible(chromedp.CSS(".flash"))) // the review's shortcut for Merge them
				if got := text(t, b, ".flash"); !strings.Contains(got, "are now one customer") {
					t.Errorf("after merging, the page says %q", got)
				}
				// The Merged tab of Duplicates lists the merge with who made it.
				do(t, b, chromedp.Navigate(e.srv.URL+"/matches"), chromedp.Click(chromedp.CSS(`nav a[href="/matches/merged"]`)), chromedp.WaitVisible(chromedp.CSS("table")))
				shot(t, b, "7b-merged-list")
				if got := text(t, b, "tbody"); !strings.Contains(got, "María Santos") || !strings.Contains(got, "Accepted by agent") {
					t.Errorf("the Merged tab shows %q, want the Santos merge accepted by the agent", got)
				}
				// On a phone each merge is a card with its Undo button in view.
				do(t, b, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("table")))
				shot(t, b, "7c-merged-phone")
				right, err := chromedp.Run(b, chromedp.Evaluate[float64](`(() => {
					const r = [...document.querySelectorAll("tbody button")].map(e => e.getBoundingClientRect().right);
					return r.length ? Math.max(...r) : 0 })()`))
				if err != nil || right == 0 || right > 390 {
					t.Errorf("on a 390px screen the Undo buttons end at %vpx (%v), want them in view", right, err)
				}
				// The main links fold behind Menu, which opens and closes them.
				navShown := `getComputedStyle(document.getElementById("main-nav")).display !== "none"`
				if shown, err := chromedp.Run(b, chromedp.Evaluate[bool](navShown)); err != nil || shown {
					t.Errorf("on a 390px screen the main links show before Menu is pressed (%v)", err)
				}
				do(t, b, chromedp.Click(chromedp.CSS(".menu-toggle")), chromedp.WaitVisible(chromedp.CSS(`#main-nav a[href="/customers"]`)))
				shot(t, b, "7d-menu-phone")
				if got, err := chromedp.Run(b, chromedp.AttributeValue(chromedp.CSS(".menu-toggle"), "aria-expanded")); err != nil || got.Value != "true" {
					t.Errorf("Menu opened says aria-expanded=%q (%v)", got.Value, err)
				}
				do(t, b, chromedp.Click(chromedp.CSS(".menu-toggle")))
				if shown, err := chromedp.Run(b, chromedp.Evaluate[bool](navShown)); err != nil || shown {
					t.Errorf("Menu pressed again leaves the main links open (%v)", err)
				}
				do(t, b, chromedp.EmulateReset())
				// The older customer holds the other now, and the merge can be undone there.
				do(t, b, chromedp.Navigate(e.srv.URL+"/customers/"+first.ID.String()), chromedp.WaitVisible(chromedp.CSS("#merged-h")))
				shot(t, b, "8-merged-profile")
				if got := text(t, b, "main"); !strings.Contains(got, "msantos@mail.example") || !strings.Contains(got, "María Santos\nReviewed by agent") {
					t.Errorf("the merged profile shows %q, want the other's e-mail and the merge", got)
				}
				// The profile's name is the newer record's (the golden record's default rule).
				if got := text(t, b, "h1"); got != "María Santos" {
					t.Errorf("the merged profile is called %q, want the newer record's name", got)
				}
				do(t, b, chromedp.Navigate(e.srv.URL+"/customers/"+second.ID.String()), chromedp.WaitVisible(chromedp.CSS("#merged-h")))
				if got, err := chromedp.Run(b, chromedp.Location()); err != nil || !strings.HasSuffix(got, "/customers/"+first.ID.String()) {
					t.Errorf("the merged record's address leads to %q (%v), want the profile it was merged into", got, err)
				}
				// The confirmation dialog is the browser's; submit the form as confirmed.
				if _, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.querySelector('form[action$="/unmerge"]').submit(), true`)); err != nil {
					t.Fatal(err)
				}
				do(t, b, chromedp.WaitVisible(chromedp.CSS(".flash")))
				if got := text(t, b, ".flash"); !strings.Contains(got, "María Santos is a separate customer again") {
					t.Errorf("after unmerging, the page says %q", got)
				}
				do(t, b, chromedp.Navigate(e.srv.URL+"/customers/"+second.ID.String()), chromedp.WaitVisible(chromedp.CSS("#timeline")))
				if got := text(t, b, "h1"); got != "María Santos" {
					t.Errorf("after unmerging, the second record shows %q, want its own profile", got)
				}
			})

			t.Run("AgentImportsAFile", func(t *testing.T) {
				work, stop := context.WithCancel(context.Background())
				stopped := make(chan struct{})
				go func() { e.worker().Run(work); close(stopped) }() // as rapport serve runs it
				t.Cleanup(func() { stop(); <-stopped })
				file := filepath.Join(t.TempDir(), "crm-people.csv")
				must(t, os.WriteFile(file, []byte(people), 0o644))

				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				do(t, b,
					chromedp.Click(chromedp.CSS(`nav a[href="/imports"]`)),
					chromedp.WaitVisible(chromedp.CSS("#upload-form")),
					chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}),
					chromedp.SendKeys(chromedp.CSS("#source"), "crm"),
				)
				shot(t, b, "9-import-upload")
				do(t, b,
					chromedp.Click(chromedp.CSS("#upload-form button.primary")),
					chromedp.WaitVisible(chromedp.CSS("#mapping-form")),
				)
				shot(t, b, "10-import-preview")
				preview := text(t, b, ".preview tbody")
				for _, want := range []string{"C-1\tperson\tAna\tSilva\tana@silva.example", "<script>alert(1)</script>", "Rejected, First Name: column First Name"} {
					if !strings.Contains(preview, want) {
						t.Errorf("the preview lacks %q:\n%s", want, preview)
					}
				}
				// Run it as proposed; the page follows it to the end by itself.
				do(t, b,
					chromedp.Click(chromedp.CSS("#run")),
					chromedp.WaitVisible(chromedp.CSS(".chip.state-done")),
				)
				shot(t, b, "11-import-done")
				if got := strings.ToLower(strings.Join(strings.Fields(text(t, b, "dl.counts")), " ")); got != "read 3 created 2 updated 0 linked 0 unchanged 0 rejected 1" { // headings are in capitals by style
					t.Errorf("got the counts %q", got)
				}
				downloads := t.TempDir()
				if _, err := chromedp.Call(b, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
					Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads,
					BrowserContextID: chromedp.FromContext(b).BrowserContextID}); err != nil {
					t.Fatal(err)
				}
				do(t, b, chromedp.Click(chromedp.CSS(`a[href$="/rejects.csv"]`)))
				var rejects []byte
				for deadline := time.Now().Add(10 * time.Second); len(rejects) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					rejects, _ = os.ReadFile(filepath.Join(downloads, "crm-people-rejects.csv"))
				}
				if got := string(rejects); !strings.HasPrefix(got, tabular.BOM+"line,field,reason,text\n3,First Name,") || !strings.HasSuffix(got, ",C-2;;;\n") {
					t.Errorf("downloaded the rejects %q, want line 3 with its field, reason and text", got)
				}
			})

			t.Run("Phone", func(t *testing.T) {
				b := newTab(t, root, time.Minute)
				if err := chromedp.Do(b, chromedp.EmulateViewport(390, 844)); err != nil {
					t.Fatal(err)
				}
				// A customer with a timeline longer than the side cards: documents, which
				// are not contacts, so that she is not on the almost-customers list below.
				sys := rapport.SystemScope("test")
				busy := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Bea", FamilyName: "Busy"}
				must(t, e.db.CreateCustomer(ctx, sys, busy))
				for i := range 30 {
					must(t, e.db.CreateInteraction(ctx, sys, &rapport.Interaction{CustomerID: busy.ID, Type: "document", Channel: "post",
						Summary: "Signed delivery note", OccurredAt: time.Now().Add(-time.Duration(i) * time.Hour)}))
				}
				signIn(t, b, "agent@example.com")
				if err := chromedp.Do(b, chromedp.Navigate(e.srv.URL+"/customers/"+busy.ID.String()), chromedp.WaitVisible(chromedp.CSS("#timeline"))); err != nil {
					t.Fatal(err)
				}
				shot(t, b, "5-phone")
				width, err := chromedp.Run(b, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
				if err != nil {
					t.Fatal(err)
				}
				if width > 390 {
					t.Errorf("the profile is %dpx wide on a 390px phone screen, want no sideways scrolling", width)
				}
				// On a phone the key facts come first, then the timeline, then the other
				// cards (the first is the last contact by team); on a wide screen the other
				// cards follow the details in the left column, beside the timeline.
				type box struct{ Top, Bottom, Left float64 }
				layout := func() (details, timeline, side box) {
					t.Helper()
					boxes, err := chromedp.Run(b, chromedp.Evaluate[map[string]box](`(() => {
						const box = sel => { const r = document.querySelector(sel).getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left}; };
						return {details: box("section[aria-labelledby=details-h]"), timeline: box("#timeline"), side: box("section[aria-labelledby=contacts-h]")};
					})()`))
					if err != nil {
						t.Fatal(err)
					}
					return boxes["details"], boxes["timeline"], boxes["side"]
				}
				details, timeline, side := layout()
				if !(details.Bottom <= timeline.Top && timeline.Bottom <= side.Top) {
					t.Errorf("on a 390px screen the details are at %v–%vpx, the timeline at %v–%vpx and the first side card at %vpx; want them in that order",
						details.Top, details.Bottom, timeline.Top, timeline.Bottom, side.Top)
				}
				if err := chromedp.Do(b, chromedp.EmulateViewport(1280, 900), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#timeline"))); err != nil {
					t.Fatal(err)
				}
				shot(t, b, "5b-desktop")
				details, timeline, side = layout()
				if side.Left >= timeline.Left || side.Left != details.Left || side.Top-details.Bottom > 16.5 || side.Top < details.Bottom {
					t.Errorf("on a 1280px screen the details end at %vpx and the first side card is at (%v, %v)px, the timeline %vpx from the left; want the card beside the timeline, right below the details",
						details.Bottom, side.Left, side.Top, timeline.Left)
				}
			})

			// f opens the quick feedback form from anywhere; the customer is found by
			// name, and the complaint shows on the profile with a negative sentiment.
			t.Run("AgentLogsFeedback", func(t *testing.T) {
				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				do(t, b,
					chromedp.KeyEvent("f"),
					chromedp.WaitVisible(chromedp.CSS("#fb-text")),
				)
				if back, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("input[name=back]").value`)); err != nil || back != "/customers" {
					t.Errorf("the form goes back to %q (%v), want /customers", back, err)
				}
				do(t, b,
					chromedp.SendKeys(chromedp.CSS("#fb-text"), "The courier was rude and the parcel arrived broken. Very disappointed!"),
					chromedp.SendKeys(chromedp.CSS("#fb-customer-q"), "Otto"),
					chromedp.Click(chromedp.CSS(`button[name=find]`)),
					chromedp.WaitVisible(chromedp.CSS("fieldset.matches")),
				)
				shot(t, b, "7-feedback-choose")
				do(t, b,
					chromedp.Click(chromedp.CSS(`input[name=customer_id][value="`+e.open.ID.String()+`"]`)),
					chromedp.Click(chromedp.CSS(`button[name=save]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")),
				)
				if got := text(t, b, ".flash"); !strings.Contains(got, "Complaint logged for Otto Open (sentiment negative") {
					t.Errorf("the flash says %q", got)
				}
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/customers/"+e.open.ID.String()),
					chromedp.WaitVisible(chromedp.CSS("#feedback")),
				)
				shot(t, b, "7-feedback-profile")
				card := text(t, b, "#feedback")
				if !strings.Contains(card, "Complaint") || !strings.Contains(card, "negative") || !strings.Contains(card, "-0.") || !strings.Contains(card, "The courier was rude") {
					t.Errorf("the feedback card shows %q, want the complaint with a negative score", card)
				}
				// The quick form fits a phone.
				do(t, b,
					chromedp.EmulateViewport(390, 844),
					chromedp.Navigate(e.srv.URL+"/feedback/new"),
					chromedp.WaitVisible(chromedp.CSS("#fb-text")),
				)
				shot(t, b, "7-feedback-phone")
				if width, err := chromedp.Run(b, chromedp.Evaluate[int]("document.documentElement.scrollWidth")); err != nil || width > 390 {
					t.Errorf("the quick form is %dpx wide on a 390px phone (%v), want no sideways scrolling", width, err)
				}
			})

			// A rule routes what the quick form logs: the feedback's page shows the
			// action item for the rule's team, which the agent marks done.
			t.Run("AgentSeesFeedbackRouted", func(t *testing.T) {
				sys := rapport.SystemScope("test")
				must(t, e.db.CreateRoutingRule(ctx, sys, &rapport.RoutingRule{Name: "Late deliveries", Words: []string{"late"},
					TeamID: e.team.ID, OwnerID: e.agent.ID, ServiceLevel: 48, Title: "Chase the carrier"}))
				must(t, e.db.CreateRoutingRule(ctx, sys, &rapport.RoutingRule{Name: "Billing", Words: []string{"invoice"},
					TeamID: e.deals.ID, ServiceLevel: 24}))
				b := newTab(t, root, time.Minute)
				signIn(t, b, "agent@example.com")
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/feedback/new"),
					chromedp.WaitVisible(chromedp.CSS("#fb-text")),
					chromedp.SendKeys(chromedp.CSS("#fb-text"), "My parcel is two weeks LATE and nobody answers."),
					chromedp.Click(chromedp.CSS(`button[name=save]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")),
				)
				list, _, err := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{Limit: 1})
				must(t, err)
				if len(list) != 1 || !strings.Contains(list[0].Text, "two weeks LATE") {
					t.Fatalf("the newest feedback is %v, want the one just logged", list)
				}
				do(t, b,
					chromedp.Navigate(e.srv.URL+"/feedback/"+list[0].ID.String()),
					chromedp.WaitVisible(chromedp.CSS("#actions")),
				)
				shot(t, b, "8-feedback-routed")
				card := text(t, b, "#actions")
				if !strings.Contains(card, "Chase the carrier") || !strings.Contains(card, "Sales") || !strings.Contains(card, "by rule “Late deliveries”") ||
					strings.Contains(card, "Deals") {
					t.Fatalf("the action items say %q, want one for Sales by Late deliveries and none for Deals", card)
				}
				do(t, b,
					chromedp.Click(chromedp.Search(`//section[@id="actions"]//summary[normalize-space(.)="Done"]`)),
					chromedp.WaitVisible(chromedp.CSS(`#actions textarea[name=note]`)),
					chromedp.SendKeys(chromedp.CSS(`#actions textarea[name=note]`), "Carrier found the parcel"),
					chromedp.Click(chromedp.Search(`//section[@id="actions"]//button[normalize-space(.)="Mark done"]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")),
				)
				if got := text(t, b, ".flash"); !strings.Contains(got, "Action item for Sales done.") {
					t.Errorf("the flash says %q", got)
				}
				if card := text(t, b, "#actions"); !strings.Contains(card, "Carrier found the parcel") || !strings.Contains(card, "Reopen") {
					t.Errorf("after done the action items say %q, want the note and Reopen", card)
				}
			})

			// Last, as it adds customers: an agent outside the wall opens the
			// almost-customers list, filters it by a reason, and goes from the entry to
			// the profile with the keyboard.
			t.Run("AgentWorksTheAlmostList", func(t *testing.T) {
				almostFixture(t, e)
				sys := rapport.SystemScope("test")
				// Otto is also valuable and slipping away.
				must(t, e.db.ReplaceCustomerValues(ctx, sys, []rapport.CustomerValue{{CustomerID: e.open.ID, Currency: "EUR", Purchases: 12,
					Revenue: 42100000, FirstAt: time.Now().AddDate(-3, 0, 0), LastAt: time.Now().AddDate(0, -7, 0), Recency: 1, Frequency: 5,
					Monetary: 5, PAlive: 0.31, ExpectedPurchases: 0.4, ExpectedSpend: 300, LifetimeValue: 120, ComputedAt: time.Now()}}))
				if _, err := almost.Run(ctx, e.db, sys, time.Now()); err != nil {
					t.Fatal(err)
				}
				b := newTab(t, root, time.Minute)
				entries := func() []string {
					t.Helper()
					names, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ol.almost > li .who strong")].map(e => e.textContent)`))
					if err != nil {
						t.Fatal(err)
					}
					return names
				}
				signIn(t, b, "agent@example.com")
				do(t, b,
					chromedp.Click(chromedp.CSS(`nav.nav a[href="/almost"]`)),
					chromedp.WaitVisible(chromedp.CSS("ol.almost")),
				)
				shot(t, b, "6-almost")
				if got := entries(); len(got) != 4 || got[0] == "" || strings.Contains(strings.Join(got, ","), "Wanda") {
					t.Fatalf("the list shows %v, want the four outside the wall", got)
				}
				if got := text(t, b, `nav[aria-label="Filter by reason"]`); !strings.Contains(got, "All (4)") || !strings.Contains(got, "Slipping away (1)") {
					t.Errorf("the filters say %q, want 4 in all and 1 slipping", got)
				}
				do(t, b,
					chromedp.Click(chromedp.Search(`//nav[@aria-label="Filter by reason"]/a[starts-with(., "Slipping away")]`)),
					chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Filter by reason"] a[aria-current="page"][href="/almost?kind=slipping"]`)),
				)
				if got := entries(); len(got) != 1 || got[0] != "Otto Open" {
					t.Fatalf("filtered by slipping away, the list shows %v, want Otto Open", got)
				}
				entry := text(t, b, "ol.almost > li")
				for _, want := range []string{"Spent 4,210 EUR over 12 purchases", "chance still active is 31 %", "searches in the portal found nothing",
					"Next step: Call: ask how their last order went"} {
					if !strings.Contains(entry, want) {
						t.Errorf("Otto's entry lacks %q: %s", want, entry)
					}
				}
				// j moves to the entry, Enter opens the profile.
				do(t, b,
					chromedp.KeyEvent("j"),
					chromedp.KeyEvent("\r"),
					chromedp.WaitVisible(chromedp.CSS("#timeline")),
				)
				if got := text(t, b, "h1"); got != "Otto Open" {
					t.Errorf("the entry led to %q, want Otto's profile", got)
				}
			})

			t.Run("ManagerSendsASurvey", func(t *testing.T) {
				sys := rapport.SystemScope("test")
				_, err := e.db.RecordConsent(ctx, sys, e.open.ID, rapport.Consent{Purpose: "surveys", Granted: true, Source: "test"})
				must(t, err)
				loyal := &rapport.Segment{Name: "Survey panel", Rule: "kind = person"}
				must(t, e.db.CreateSegment(ctx, sys, loyal))
				b := newTab(t, root, time.Minute)
				signIn(t, b, "admin@example.com")
				// Create an NPS survey, preview the send to the segment, then send.
				do(t, b,
					chromedp.Click(chromedp.CSS(`nav.nav a[href="/surveys"]`)),
					chromedp.WaitVisible(chromedp.CSS("#sv-name")),
					chromedp.SendKeys(chromedp.CSS("#sv-name"), "Loyalty"),
					chromedp.SendKeys(chromedp.CSS("#sv-intro"), "Two minutes of your time."),
					chromedp.Submit(chromedp.CSS("#sv-name")),
					chromedp.WaitVisible(chromedp.CSS("#send-segment")),
					chromedp.SetValue(chromedp.CSS("#send-segment"), loyal.ID.String()),
					chromedp.Click(chromedp.CSS(`button[value="preview"]`)),
					chromedp.WaitVisible(chromedp.CSS("#send-plan")),
				)
				shot(t, b, "7-survey-preview")
				if got := text(t, b, "#send-plan"); !strings.HasPrefix(got, "1 of ") || !strings.Contains(got, "will be asked") {
					t.Fatalf("the preview says %q, want Otto, the one with the consent, asked", got)
				}
				do(t, b,
					chromedp.Click(chromedp.CSS(`button[value="send"]`)),
					chromedp.WaitVisible(chromedp.CSS("div.flash")),
				)
				if got := text(t, b, "div.flash"); !strings.HasPrefix(got, "Survey sent: 1 customer asked") {
					t.Errorf("the flash says %q", got)
				}
				surveyURL, err := chromedp.Run(b, chromedp.Evaluate[string](`location.pathname`))
				must(t, err)
				// The mail job sends the invitation by SMTP; the link is in the message.
				got := e.mailOutbox()
				if len(got) != 1 || got[0].Subject != "A quick question from us" || got[0].From.Address != "service@acme.test" {
					t.Fatalf("received %+v, want one invitation", got)
				}
				link := e.surveyURL(got[0].Text)
				if link == "" {
					t.Fatalf("no link to %s in the message %q", e.srv.URL, got[0].Text)
				}
				// Otto answers on his phone's browser: 3, with a comment.
				otto := newTab(t, root, time.Minute)
				do(t, otto,
					chromedp.Navigate(link),
					chromedp.WaitVisible(chromedp.CSS(".scores")),
				)
				shot(t, otto, "8-portal-survey")
				if got := text(t, otto, "legend"); !strings.Contains(got, "How likely are you to recommend") {
					t.Errorf("the question reads %q", got)
				}
				do(t, otto,
					chromedp.Click(chromedp.Search(`//label[input[@name="score"][@value="3"]]/span`)),
					chromedp.SendKeys(chromedp.CSS("#comment"), "Nobody answered my calls for a week."),
					chromedp.Click(chromedp.CSS(`button.primary`)),
					chromedp.WaitVisible(chromedp.CSS("#thanks-h")),
				)
				shot(t, otto, "9-portal-thanks")
				if got := text(t, otto, "main"); !strings.Contains(got, "Your answer: 3") || !strings.Contains(got, "Nobody answered my calls") {
					t.Errorf("the thanks page says %q", got)
				}
				// A complaint with the comment is logged for Otto.
				fb, _, err := e.db.FindFeedback(ctx, sys, rapport.FeedbackFilter{CustomerID: e.open.ID})
				must(t, err)
				var complaints int
				for _, f := range fb { // the other scenarios logged some too
					if f.Text == "Nobody answered my calls for a week." && f.Kind == "complaint" {
						complaints++
					}
				}
				if complaints != 1 {
					t.Fatalf("Otto has %d complaints with his comment, want one", complaints)
				}
				// The results page counts a detractor.
				do(t, b,
					chromedp.Navigate(e.srv.URL+surveyURL),
					chromedp.WaitVisible(chromedp.CSS("#overall-score")),
				)
				shot(t, b, "10-survey-results")
				if got := text(t, b, "#overall-score"); got != "-100" {
					t.Errorf("the score reads %q, want -100", got)
				}
				if got := text(t, b, "#score-h + p + p"); !strings.Contains(got, "1 response of 1 invited") || !strings.Contains(got, "detractors 100%") {
					t.Errorf("the counts read %q, want one detractor", got)
				}
				if got := text(t, b, "#answers-h + table"); !strings.Contains(got, "Otto Open") || !strings.Contains(got, "3 detractor") || !strings.Contains(got, "follow-up") {
					t.Errorf("the latest answers read %q", got)
				}
			})
		})
	}
}
