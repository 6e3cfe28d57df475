package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/jobs"
)

// TestBrowserFeedbackLoop: an agent logs feedback from the quick form, resolves it and
// tells the customer by e-mail; the mail job sends it over real SMTP to a server the
// test runs; the customer opens the link from the received message in Chromium and
// confirms with a rating of 5, which the feedback's page then shows. A second round
// answers "not resolved" and the feedback is reopened.
func TestBrowserFeedbackLoop(t *testing.T) {
	root := startChromium(t, 1280, 900)

	// The customer's mail server.
	var mu sync.Mutex
	var inbox []*email.Envelope
	smtpd := &email.Server{Hostname: "mx.open.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Deliver: func(_ context.Context, e *email.Envelope) error {
			mu.Lock()
			defer mu.Unlock()
			inbox = append(inbox, e)
			return nil
		}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- smtpd.Serve(ln) }()
	defer func() {
		smtpd.Close()
		if err := <-done; !errors.Is(err, email.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	}()
	linkRE := regexp.MustCompile(`http://[^\s]+/portal/feedback/[A-Za-z0-9_-]+`)

	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			mailer := &jobs.Mailer{Outbox: e.db, Sender: &email.SMTP{Addr: ln.Addr().String()},
				From: mail.Address{Name: "Acme Service", Address: "service@acme.example"}}
			b := newTab(t, root, 90*time.Second)
			text := func(sel string) string {
				t.Helper()
				s, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(sel)))
				if err != nil {
					t.Fatalf("read %s: %v", sel, err)
				}
				return s
			}
			do(t, b, chromedp.Navigate(e.srv.URL+"/customers"),
				chromedp.WaitVisible(chromedp.CSS("#email")),
				chromedp.SendKeys(chromedp.CSS("#email"), "agent@example.com"),
				chromedp.SendKeys(chromedp.CSS("#password"), password),
				chromedp.Submit(chromedp.CSS("#password")),
				chromedp.WaitVisible(chromedp.CSS("table, .empty")))

			// round logs feedback from the quick form, resolves it, tells Otto by
			// e-mail, sends the mail and returns the link from the received message.
			round := func(said string) rapport.ID {
				t.Helper()
				do(t, b, chromedp.Navigate(e.srv.URL+"/feedback/new"),
					chromedp.WaitVisible(chromedp.CSS("#fb-text")),
					chromedp.SendKeys(chromedp.CSS("#fb-text"), said),
					chromedp.SendKeys(chromedp.CSS("#fb-customer-q"), "Otto"),
					chromedp.Click(chromedp.CSS(`button[name=find]`)),
					chromedp.WaitVisible(chromedp.CSS("fieldset.matches")),
					chromedp.Click(chromedp.CSS(`input[name=customer_id][value="`+e.open.ID.String()+`"]`)),
					chromedp.Click(chromedp.CSS(`button[name=save]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")))
				list, _, err := e.db.FindFeedback(ctx, rapport.SystemScope("test"), rapport.FeedbackFilter{CustomerID: e.open.ID, Limit: 1})
				if err != nil || len(list) == 0 || list[0].Text != said {
					t.Fatalf("the logged feedback: %v, %v", list, err)
				}
				id := list[0].ID
				do(t, b, chromedp.Navigate(e.srv.URL+"/feedback/"+id.String()),
					chromedp.WaitVisible(chromedp.CSS("#fb-history")),
					chromedp.Click(chromedp.Search(`//details[@class="fb-step"]/summary[.="Resolve"]`)),
					chromedp.SendKeys(chromedp.CSS("#fr-resolved-"+id.String()), "We sent a new desk"),
					chromedp.Submit(chromedp.CSS("#fr-resolved-"+id.String())),
					chromedp.WaitVisible(chromedp.CSS(".flash")),
					chromedp.Click(chromedp.Search(`//a[.="Tell the customer by e-mail"]`)),
					chromedp.WaitVisible(chromedp.CSS("#in-text")))
				if got, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#in-text").value`)); !strings.Contains(got, "We sent a new desk") || !strings.Contains(got, "{link}") {
					t.Errorf("the draft says %q", got)
				}
				do(t, b, chromedp.Click(chromedp.Search(`//button[.="Send and mark informed"]`)),
					chromedp.WaitVisible(chromedp.CSS(".flash")))
				if _, err := mailer.Run(ctx, nil); err != nil {
					t.Fatal(err)
				}
				return id
			}
			received := func() string {
				t.Helper()
				mu.Lock()
				defer mu.Unlock()
				if len(inbox) == 0 {
					t.Fatal("no mail received")
				}
				last := inbox[len(inbox)-1]
				p, err := email.Parse(last.Data)
				if err != nil {
					t.Fatal(err)
				}
				if last.To[0] != "otto@open.example" || !strings.Contains(p.Text, "We sent a new desk") {
					t.Errorf("received to %v: %q", last.To, p.Text)
				}
				link := linkRE.FindString(p.Text)
				if link == "" {
					t.Fatalf("no link in %q", p.Text)
				}
				return link
			}

			id := round("The desk arrived broken, please help.")
			link := received()
			do(t, b, chromedp.Navigate(link),
				chromedp.WaitVisible(chromedp.CSS(`input[name=resolved][value=yes]`)),
				chromedp.Click(chromedp.CSS(`input[name=resolved][value=yes]`)),
				chromedp.Click(chromedp.CSS(`input[name=rating][value="5"] + span`)),
				chromedp.SendKeys(chromedp.CSS("#pf-comment"), "Quick and kind, thank you"),
				chromedp.Click(chromedp.Search(`//button[.="Send my answer"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
			if got := text("[role=status]"); !strings.Contains(got, "resolved") || !strings.Contains(got, "5 of 5") {
				t.Errorf("the customer's page says %q", got)
			}
			do(t, b, chromedp.Navigate(e.srv.URL+"/feedback/"+id.String()), chromedp.WaitVisible(chromedp.CSS("#fb-history")))
			page := text("main")
			for _, want := range []string{"Status: Informed", "Customer informed by E-mail", "confirmed", "★ 5/5", "Quick and kind"} {
				if !strings.Contains(page, want) {
					t.Errorf("the feedback's page lacks %q: %s", want, page)
				}
			}

			id = round("The chair squeaks.")
			do(t, b, chromedp.Navigate(received()),
				chromedp.WaitVisible(chromedp.CSS(`input[name=resolved][value=no]`)),
				chromedp.Click(chromedp.CSS(`input[name=resolved][value=no]`)),
				chromedp.Click(chromedp.CSS(`input[name=rating][value="2"] + span`)),
				chromedp.Click(chromedp.Search(`//button[.="Send my answer"]`)),
				chromedp.WaitVisible(chromedp.CSS(`[role=status]`)))
			do(t, b, chromedp.Navigate(e.srv.URL+"/feedback/"+id.String()), chromedp.WaitVisible(chromedp.CSS("#fb-history")))
			page = text("main")
			for _, want := range []string{"Status: In progress", "not resolved", "Reopened"} {
				if !strings.Contains(page, want) {
					t.Errorf("the reopened feedback's page lacks %q: %s", want, page)
				}
			}
		})
	}
}

// TestBrowserFeedbackListFits: the feedback list's nine columns fit a 1280-pixel
// screen without scrolling sideways, with the widest things its cells hold (a kind's
// chip, a sentiment with its score, the next steps' buttons, how long ago), and with
// room to spare for longer names than these.
func TestBrowserFeedbackListFits(t *testing.T) {
	root := startChromium(t, 1280, 900)
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			service := &rapport.Team{Name: "Customer Service", Function: "service"}
			must(t, e.db.CreateTeam(ctx, sys, service))
			for i, f := range []*rapport.Feedback{
				{CustomerID: e.open.ID, Kind: "complaint", Text: "The invoice shows the wrong VAT number again, after we were told it was fixed."},
				{Kind: "observation", Text: "Visitors at the fair kept asking about cable management for the tall desks."},
				{CustomerID: e.open.ID, Kind: "compliment", Text: "Really happy with the new chairs, the whole team loves them."},
				{CustomerID: e.open.ID, Kind: "suggestion", Text: "A lighter chair model for home offices would sell well."},
			} {
				f.HeardAt, f.Product, f.Area = time.Now().Add(-34*time.Minute), "Ergonomic seating", "Delivery"
				_, err := e.db.CreateFeedback(ctx, sys, f)
				must(t, err)
				_, err = e.db.CreateAction(ctx, sys, f.ID, rapport.NewAction{TeamID: service.ID, ServiceLevel: 48})
				must(t, err)
				switch i {
				case 2:
					_, err = e.db.ChangeFeedbackStatus(ctx, sys, f.ID, rapport.FeedbackChange{Status: rapport.FeedbackResolved, Resolution: "Thanked them"})
				case 3:
					_, err = e.db.ChangeFeedbackStatus(ctx, sys, f.ID, rapport.FeedbackChange{Status: rapport.FeedbackInProgress})
				}
				must(t, err)
			}
			b := newTab(t, root, time.Minute)
			do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.srv.URL+"/feedback"),
				chromedp.WaitVisible(chromedp.CSS("#email")),
				chromedp.SendKeys(chromedp.CSS("#email"), "agent@example.com"),
				chromedp.SendKeys(chromedp.CSS("#password"), password),
				chromedp.Submit(chromedp.CSS("#password")),
				chromedp.WaitVisible(chromedp.CSS(".feedback-list")))
			// The table's narrowest, with every cell wrapped as far as it goes, against
			// the room it has.
			w, err := chromedp.Run(b, chromedp.Evaluate[[]float64](`(() => {
				const t = document.querySelector(".feedback-list"), wrap = t.closest(".table-wrap");
				const fits = [wrap.scrollWidth, wrap.clientWidth];
				t.style.width = "min-content";
				const least = t.getBoundingClientRect().width;
				t.style.width = "";
				return [...fits, least];
			})()`))
			if err != nil {
				t.Fatal(err)
			}
			if w[0] > w[1] || w[2] > w[1]-100 {
				t.Errorf("at 1280 pixels the feedback list is %vpx wide in %vpx, and at least %vpx: want it to fit with 100px to spare", w[0], w[1], w[2])
			}
		})
	}
}
