package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestBrowserKnowledgeDiff: a knowledge manager edits a published article in
// Chromium, previews it, publishes the new version, and sees on the history page the
// lines removed and added, marked and coloured.
func TestBrowserKnowledgeDiff(t *testing.T) {
	root := startChromium(t, 1280, 900)
	b, cancel := context.WithTimeout(root, 60*time.Second)
	defer cancel()

	e := newEnv(t, sqldbtest.SQLite)
	manager := rapport.StaffScope(e.admin, "test", "127.0.0.1")
	a, err := e.db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Export your data", KeyPoints: "Exports take a minute.",
		Body: "Open Settings.\nChoose Export.\nWait for the e-mail.", Publish: true})
	must(t, err)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	do(t, b,
		chromedp.Navigate(e.srv.URL+"/kb"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), "admin@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("table.kb-list")),
		chromedp.Click(chromedp.Search(`//a[strong[contains(., "Export your data")]]`)),
		chromedp.WaitVisible(chromedp.CSS(".kb-article .key-points")),
		chromedp.Click(chromedp.Search(`//a[contains(., "Edit")][contains(@href, "/edit")]`)),
		chromedp.WaitVisible(chromedp.CSS("#a-body")),
		chromedp.SetValue(chromedp.CSS("#a-body"), "Open Settings.\nChoose **Export data**.\nWait for the e-mail."),
		chromedp.SendKeys(chromedp.CSS("#a-note"), "The button was renamed"),
		chromedp.Click(chromedp.CSS(`button[value=preview]`)),
		chromedp.WaitVisible(chromedp.CSS(".kb-preview strong")),
	)
	if got := text(".kb-preview strong"); got != "Export data" {
		t.Errorf("preview shows %q, want the bold button name", got)
	}
	do(t, b,
		chromedp.Click(chromedp.CSS(`input[name=publish]`)),
		chromedp.Click(chromedp.CSS(`button[value=save]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text(".flash"); !strings.Contains(got, "Version 2 of Export your data is published") {
		t.Errorf("after publishing the flash says %q", got)
	}
	do(t, b,
		chromedp.Click(chromedp.Search(`//a[contains(., "History")]`)),
		chromedp.WaitVisible(chromedp.CSS("table.diff")),
	)
	if got := text("table.diff tr.removed td.text"); !strings.Contains(got, "Choose Export.") {
		t.Errorf("the removed line reads %q", got)
	}
	if got := text("table.diff tr.added td.text"); !strings.Contains(got, "Choose **Export data**.") {
		t.Errorf("the added line reads %q", got)
	}
	if got := text("table.diff tr.added td.mark"); got != "+" {
		t.Errorf("the added line is marked %q, want +", got)
	}
	bg, err := chromedp.Run(b, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.diff tr.added")).backgroundColor`))
	if err != nil || bg == "" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("added lines have no colour: %q, %v", bg, err)
	}
	if got := text(".kb-diff"); !strings.Contains(got, "Changes from version 1 to version 2") || !strings.Contains(got, "The button was renamed") && !strings.Contains(text("body"), "The button was renamed") {
		t.Errorf("the history page lacks the heading or the note: %q", got)
	}
	read, err := e.db.FindArticle(ctx, rapport.PortalScope("t"), a.Slug)
	must(t, err)
	if read.PublishedVersion != 2 || !strings.Contains(read.Body, "Export data") {
		t.Errorf("readers see version %d: %q", read.PublishedVersion, read.Body)
	}
}
