package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestBrowserAlmost opens the almost-customers list in headless Chromium as an agent
// outside the wall, filters it by a reason, and follows an entry to the profile.
// RAPPORT_TEST_CHROMIUM names the browser; RAPPORT_TEST_SCREENSHOTS, if set, is a
// directory for screenshots of each step.
func TestBrowserAlmost(t *testing.T) {
	browserPath := os.Getenv("RAPPORT_TEST_CHROMIUM")
	if browserPath == "" {
		if strings.Contains(os.Getenv("RAPPORT_TEST_REQUIRE"), "chromium") {
			t.Fatal("RAPPORT_TEST_CHROMIUM is not set, and RAPPORT_TEST_REQUIRE says the browser tests must run")
		}
		t.Skip("RAPPORT_TEST_CHROMIUM is not set; browser tests skipped (scripts/test sets it)")
	}
	e := newEnv(t, sqldbtest.SQLite)
	almostFixture(t, e)
	// Otto is also valuable and slipping away.
	sys := rapport.SystemScope("test")
	must(t, e.db.ReplaceCustomerValues(ctx, sys, []rapport.CustomerValue{{CustomerID: e.open.ID, Currency: "EUR", Purchases: 12,
		Revenue: 42100000, FirstAt: time.Now().AddDate(-3, 0, 0), LastAt: time.Now().AddDate(0, -7, 0), Recency: 1, Frequency: 5,
		Monetary: 5, PAlive: 0.31, ExpectedPurchases: 0.4, ExpectedSpend: 300, LifetimeValue: 120, ComputedAt: time.Now()}}))
	if _, err := almost.Run(ctx, e.db, sys, time.Now()); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	b, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	defer chromedp.Cancel(b)
	b, cancelTimeout := context.WithTimeout(b, 60*time.Second)
	defer cancelTimeout()

	shot := func(name string) {
		if dir := os.Getenv("RAPPORT_TEST_SCREENSHOTS"); dir != "" {
			if png, err := chromedp.Run(b, chromedp.FullScreenshot(100)); err == nil {
				_ = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
			}
		}
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for i, step := range steps {
			if err := chromedp.Do(b, step); err != nil {
				t.Fatalf("step %d of %d: %v", i+1, len(steps), err)
			}
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	entries := func() []string {
		t.Helper()
		names, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("ol.almost > li .who strong")].map(e => e.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		return names
	}

	do(
		chromedp.Navigate(e.srv.URL+"/customers"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "agent@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("table, .empty")),
		chromedp.Click(chromedp.CSS(`nav.nav a[href="/almost"]`)),
		chromedp.WaitVisible(chromedp.CSS("ol.almost")),
	)
	shot("almost-1-list")
	if got := entries(); len(got) != 4 || got[0] == "" || strings.Contains(strings.Join(got, ","), "Wanda") {
		t.Fatalf("the list shows %v, want the four outside the wall", got)
	}
	if got := text(`nav[aria-label="Filter by reason"]`); !strings.Contains(got, "All (4)") || !strings.Contains(got, "Slipping away (1)") {
		t.Errorf("the filters say %q, want 4 in all and 1 slipping", got)
	}

	do(
		chromedp.Click(chromedp.Search(`//nav[@aria-label="Filter by reason"]/a[starts-with(., "Slipping away")]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Filter by reason"] a[aria-current="page"][href="/almost?kind=slipping"]`)),
	)
	shot("almost-2-slipping")
	if got := entries(); len(got) != 1 || got[0] != "Otto Open" {
		t.Fatalf("filtered by slipping away, the list shows %v, want Otto Open", got)
	}
	entry := text("ol.almost > li")
	for _, want := range []string{"Spent 4,210 EUR over 12 purchases", "chance still active is 31 %", "searches in the portal found nothing",
		"Next step: Call: ask how their last order went"} {
		if !strings.Contains(entry, want) {
			t.Errorf("Otto's entry lacks %q: %s", want, entry)
		}
	}

	do(
		chromedp.Click(chromedp.CSS(`ol.almost > li .next a`)),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
	)
	shot("almost-3-profile")
	if got := text("h1"); got != "Otto Open" {
		t.Errorf("the entry led to %q, want Otto's profile", got)
	}
}
