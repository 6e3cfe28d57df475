package jobs_test

import (
	"context"
	"log/slog"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestMailer sends the outbox through a real SMTP exchange with email.Server: a
// message the server takes is sent and lands on the customer's timeline; one it
// refuses for good is given up; one it cannot take now waits for another try.
func TestMailer(t *testing.T) {
	db := sqldbtest.SQLite(t)
	system := rapport.SystemScope("test")
	var mu sync.Mutex
	var got []*email.Parsed
	var raw []string
	srv := &email.Server{Log: slog.New(slog.DiscardHandler),
		Accept: func(rcpt string) bool { return !strings.HasPrefix(rcpt, "gone@") },
		Deliver: func(_ context.Context, e *email.Envelope) error {
			if e.To[0] == "busy@firm.test" {
				return context.DeadlineExceeded
			}
			p, err := email.Parse(e.Data)
			if err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			got, raw = append(got, p), append(raw, string(e.Data))
			return nil
		},
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Zoë", FamilyName: "Martin", Emails: []rapport.ContactPoint{{Value: "zoe@example.test"}}}
	if err := db.CreateCustomer(ctx, system, c); err != nil {
		t.Fatal(err)
	}
	queue := func(m *rapport.Mail) *rapport.Mail {
		t.Helper()
		if err := db.QueueMail(ctx, system, m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	toZoe := queue(&rapport.Mail{CustomerID: c.ID, Purpose: "feedback_informed", ToAddress: "zoe@example.test", ToName: "Zoë Martin",
		Subject: "Your parcel: what we did", Text: "We sent a new one.\nSorry for the wait."})
	gone := queue(&rapport.Mail{Purpose: "escalation", ToAddress: "gone@firm.test", Subject: "Overdue", Text: "x"})
	busy := queue(&rapport.Mail{Purpose: "escalation", ToAddress: "busy@firm.test", Subject: "Overdue", Text: "y"})

	// Without a mail server, nothing is sent and nothing is lost.
	idle := &jobs.Mailer{Outbox: db, From: mail.Address{Name: "Acme Service", Address: "service@acme.test"}}
	if result, err := idle.Run(ctx, nil); err != nil || !strings.Contains(result, "no mail server") {
		t.Errorf("without a sender: %q, %v", result, err)
	}

	m := &jobs.Mailer{Outbox: db, Sender: &email.SMTP{Addr: ln.Addr().String()}, From: idle.From, ReplyTo: &mail.Address{Address: "feedback@acme.test"}}
	result, err := m.Run(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if result != "mail sent: 1; to try again: 1; refused: 1" {
		t.Errorf("result %q", result)
	}
	if len(got) != 1 || got[0].Subject != toZoe.Subject || got[0].Text != toZoe.Text ||
		got[0].From.Address != "service@acme.test" || got[0].From.Name != "Acme Service" {
		t.Fatalf("received %+v", got)
	}
	if !strings.Contains(raw[0], "\nReply-To: <feedback@acme.test>") {
		t.Errorf("the message has no Reply-To to the feedback address:\n%s", raw[0])
	}
	outbox, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	state := map[rapport.ID]*rapport.Mail{}
	for _, o := range outbox {
		state[o.ID] = o
	}
	if s := state[toZoe.ID]; s.State != rapport.MailSent || s.MessageID == "" || s.SentAt == nil {
		t.Errorf("the sent message: %+v", s)
	}
	if s := state[gone.ID]; s.State != rapport.MailFailed || !strings.Contains(s.LastError, "550") {
		t.Errorf("the refused message: %+v", s)
	}
	if s := state[busy.ID]; s.State != rapport.MailQueued || !strings.Contains(s.LastError, "451") {
		t.Errorf("the message to try again: %+v", s)
	}
	page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: c.ID, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 1 || page[0].Type != "email" || page[0].Summary != toZoe.Subject {
		t.Errorf("timeline %+v", page)
	}
}
