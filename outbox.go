package rapport

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// MailState is where a message in the outbox stands.
type MailState string

const (
	MailQueued MailState = "queued" // waiting to be sent, or to be tried again
	MailSent   MailState = "sent"   // the mail server took it
	MailFailed MailState = "failed" // refused for good, or still failing after MailMaxAttempts
)

// JobMail is the kind of job that sends the queued mail; queuing a message queues it.
const JobMail = "mail"

// MailMaxAttempts is how many times a message is tried before it is given up. The
// waits between tries grow from a minute to six hours, about a day in all.
const MailMaxAttempts = 6

// MailRetryAfter is the wait after the nth failed attempt (from 1).
func MailRetryAfter(attempt int) time.Duration {
	waits := []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour}
	return waits[min(max(attempt, 1), len(waits))-1]
}

// Mail is a message Rapport sends: to a customer (what was done about their feedback,
// a survey) or to staff (an escalation). It is queued in the transaction that decides
// to send it, so that it goes if and only if that decision is kept, and the mail job
// sends it. Once sent, mail to a customer lands on their timeline.
type Mail struct {
	ID         ID     `json:"id"`
	CustomerID ID     `json:"customer_id,omitzero"` // the customer written to, if any
	Purpose    string `json:"purpose"`              // what it is for, such as "feedback_informed"
	Ref        string `json:"ref,omitempty"`        // the id of what it is about
	ToAddress  string `json:"to_address"`
	ToName     string `json:"to_name,omitempty"`
	Subject    string `json:"subject"`
	Text       string `json:"text"`

	State         MailState  `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	MessageID     string     `json:"message_id,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

// Validate checks the message before it is queued.
func (m *Mail) Validate() error {
	p := Problems{}
	m.ToAddress = strings.TrimSpace(m.ToAddress)
	if a, err := mail.ParseAddress(m.ToAddress); err != nil || a.Address != m.ToAddress {
		p.Add("to_address", "%q is not an e-mail address", m.ToAddress)
	}
	if strings.TrimSpace(m.Subject) == "" {
		p.Add("subject", "a message needs a subject")
	}
	checkText(p, "subject", m.Subject, 300)
	checkText(p, "text", m.Text, 100_000)
	if m.Purpose == "" {
		p.Add("purpose", "say what the message is for")
	}
	return p.Err()
}

// OutboxFilter selects messages of the outbox; zero fields do not filter.
type OutboxFilter struct {
	State MailState
	Limit int
}

// MailService keeps the outbox.
type MailService interface {
	// QueueMail queues a message to be sent by the mail job.
	QueueMail(ctx context.Context, s Scope, m *Mail) error
	// ClaimMail takes up to n messages due to be sent and holds them for lease, so
	// that no other server sends them meanwhile; each claim counts as an attempt.
	ClaimMail(ctx context.Context, n int, lease time.Duration) ([]*Mail, error)
	// MailSent records that the mail server took a message and, for mail to a
	// customer, writes its entry on their timeline.
	MailSent(ctx context.Context, id ID, messageID string) error
	// MailFailed records a failed attempt: the message is tried again later, unless
	// the failure was final or it has had MailMaxAttempts.
	MailFailed(ctx context.Context, id ID, reason string, final bool) error
	// FindOutbox lists the outbox, newest first, for admins.
	FindOutbox(ctx context.Context, s Scope, f OutboxFilter) ([]*Mail, error)
}
