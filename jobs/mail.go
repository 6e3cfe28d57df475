package jobs

import (
	"context"
	"fmt"
	"net/mail"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/email"
)

// Mailer runs the mail job: it sends the queued messages of the outbox through
// Sender, from From, and records each outcome. Without a Sender (no mail server
// configured) messages stay queued and the job says why.
type Mailer struct {
	Outbox rapport.MailService
	Sender email.Sender
	From   mail.Address
	// ReplyTo, when set, is where customers' replies go: the address Rapport takes
	// feedback at, so that "simply reply to this e-mail" reaches it.
	ReplyTo *mail.Address
}

// mailLease is how long a claimed message is held from other servers; mailBatch is
// how many are claimed at once, few enough that their sends end within the lease even
// when each takes as long as one can (email.SMTP gives up after a minute). A bigger
// batch let another server claim the end of it again and send those messages twice.
const (
	mailLease = 5 * time.Minute
	mailBatch = 4
)

// Run sends every due message, a batch at a time.
func (m *Mailer) Run(ctx context.Context, _ *rapport.Job) (string, error) {
	if m.Sender == nil {
		return "no mail server is set up (--smtp): queued mail waits until one is", nil
	}
	sent, retry, failed := 0, 0, 0
	for {
		batch, err := m.Outbox.ClaimMail(ctx, mailBatch, mailLease)
		if err != nil {
			return "", err
		}
		if len(batch) == 0 {
			break
		}
		for _, msg := range batch {
			out := &email.Message{From: m.From, ReplyTo: m.ReplyTo, To: []mail.Address{{Name: msg.ToName, Address: msg.ToAddress}},
				Subject: msg.Subject, Text: msg.Text, Header: map[string]string{"Auto-Submitted": "auto-generated"}}
			if err := m.Sender.Send(ctx, out); err != nil {
				final := email.Permanent(err)
				if final {
					failed++
				} else {
					retry++
				}
				if err := m.Outbox.MailFailed(ctx, msg.ID, err.Error(), final); err != nil {
					return "", err
				}
				continue
			}
			sent++
			if err := m.Outbox.MailSent(ctx, msg.ID, out.MessageID); err != nil {
				return "", err
			}
		}
	}
	return fmt.Sprintf("mail sent: %d; to try again: %d; refused: %d", sent, retry, failed), nil
}
