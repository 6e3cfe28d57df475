// Package intake turns e-mail sent to the firm's feedback addresses into feedback: it
// is the Accept and Deliver of an email.Server.
package intake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/mail"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/email"
)

// Store is what the mailbox needs of the database.
type Store interface {
	ReceiveFeedbackMail(ctx context.Context, s rapport.Scope, m *rapport.IncomingFeedback) (rapport.IntakeResult, error)
}

// Mailbox takes mail for its addresses and logs it as feedback.
type Mailbox struct {
	Store     Store
	Addresses []string // the mailboxes taken, such as feedback@acme.example
	Scope     rapport.Scope
	Log       *slog.Logger
	// Files keeps the e-mails' attachments, each at most MaxFile bytes; without it
	// they are named in the feedback's text and not kept.
	Files   blob.Store
	MaxFile int64
}

// ParseAddresses reads a comma-separated list of addresses.
func ParseAddresses(list string) ([]string, error) {
	var out []string
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		p, err := mail.ParseAddress(a)
		if err != nil {
			return nil, errors.New("intake-address: " + a + " is not an e-mail address")
		}
		out = append(out, strings.ToLower(p.Address))
	}
	if len(out) == 0 {
		return nil, errors.New("intake-address: give at least one address to take feedback at, such as feedback@acme.example")
	}
	return out, nil
}

// split gives an address's mailbox without its +detail, the detail, and the domain.
func split(addr string) (box, detail, domain string) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, domain, _ := strings.Cut(addr, "@")
	box, detail, _ = strings.Cut(local, "+")
	return box, detail, domain
}

// Accept takes mail to one of the addresses, with or without a +detail.
func (m *Mailbox) Accept(rcpt string) bool {
	box, _, domain := split(rcpt)
	for _, a := range m.Addresses {
		b, _, d := split(a)
		if b == box && d == domain {
			return true
		}
	}
	return false
}

// kindWords are the words of an address that say what kind of feedback it takes.
var kindWords = map[string]rapport.FeedbackKind{
	"complaint": "complaint", "complaints": "complaint", "compliment": "compliment", "compliments": "compliment",
	"praise": "compliment", "suggestion": "suggestion", "suggestions": "suggestion", "idea": "suggestion",
	"ideas": "suggestion", "question": "question", "questions": "question", "need": "need", "needs": "need",
	"observation": "observation",
}

// KindOf is the kind of feedback an address says: feedback+complaint@ or complaints@;
// observation when it says none.
func KindOf(rcpt string) rapport.FeedbackKind {
	box, detail, _ := split(rcpt)
	if k, ok := kindWords[detail]; ok {
		return k
	}
	if k, ok := kindWords[box]; ok {
		return k
	}
	return "observation"
}

// automatic says why a message was sent by a machine (an auto-reply, a bounce, a
// mailing), or "" for mail from a person.
func automatic(e *email.Envelope) string {
	if e.From == "" {
		return "a bounce (empty envelope sender)"
	}
	msg, err := mail.ReadMessage(bytes.NewReader(e.Data))
	if err != nil {
		return ""
	}
	if v := strings.ToLower(strings.TrimSpace(msg.Header.Get("Auto-Submitted"))); v != "" && v != "no" {
		return "Auto-Submitted: " + v
	}
	switch v := strings.ToLower(strings.TrimSpace(msg.Header.Get("Precedence"))); v {
	case "bulk", "auto_reply", "junk", "list":
		return "Precedence: " + v
	}
	if msg.Header.Get("X-Autoreply") != "" || msg.Header.Get("X-Autorespond") != "" {
		return "an auto-reply"
	}
	return ""
}

// StripQuoted takes out of a reply the lines it quotes: those starting with ">", and
// everything from an attribution line ("On … wrote:"), an "Original Message" marker or
// Outlook's header of the message replied to ("From: …" then "Sent: …").
func StripQuoted(text string) string {
	var out []string
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, line := range lines {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, ">") {
			continue
		}
		if strings.Contains(t, "Original Message") && strings.HasPrefix(t, "-----") {
			break
		}
		if strings.HasPrefix(t, "From:") && i+1 < len(lines) && (strings.HasPrefix(lines[i+1], "Sent:") || strings.HasPrefix(lines[i+1], "Date:")) {
			// Outlook's header of the message replied to, under a line of underscores.
			for len(out) > 0 && strings.Trim(out[len(out)-1], "_ \t") == "" {
				out = out[:len(out)-1]
			}
			break
		}
		if strings.HasSuffix(t, "wrote:") || strings.HasSuffix(t, "schrieb:") || strings.HasSuffix(t, "a écrit :") ||
			strings.HasSuffix(t, "schreef:") {
			rest := strings.Join(lines[i+1:], "\n")
			if strings.HasPrefix(strings.TrimSpace(rest), ">") || strings.TrimSpace(rest) == "" {
				break
			}
		}
		out = append(out, line)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// keepFiles puts an e-mail's attachments in the blob store for in; those it cannot
// keep are named in in.NotKept.
func (m *Mailbox) keepFiles(ctx context.Context, files []email.Attachment, in *rapport.IncomingFeedback) error {
	for i, f := range files {
		if m.Files == nil || i >= rapport.MaxAttachmentsPerForm {
			in.NotKept = append(in.NotKept, rapport.CleanFileName(f.Filename))
			continue
		}
		a, err := blob.Keep(ctx, m.Files, f.Filename, bytes.NewReader(f.Data), m.MaxFile)
		switch {
		case errors.Is(err, blob.ErrEmpty):
		case errors.Is(err, blob.ErrTooLarge):
			in.NotKept = append(in.NotKept, rapport.CleanFileName(f.Filename)+" (too large)")
		case err != nil:
			for _, kept := range in.Attachments {
				m.Files.Delete(context.WithoutCancel(ctx), kept.StorageKey)
			}
			return err
		default:
			in.Attachments = append(in.Attachments, a)
		}
	}
	return nil
}

// senderVerified reports whether the From address of p is its sender's own: the
// envelope's sender (MAIL FROM) is the same address, or the topmost
// Authentication-Results, written by the relay that received it, says DMARC passed for
// the From address's domain. Anyone can write any From; a customer's feedback is only
// what they sent.
func senderVerified(envelopeFrom string, p *email.Parsed) bool {
	from := strings.ToLower(p.From.Address)
	if from != "" && strings.EqualFold(envelopeFrom, from) {
		return true
	}
	_, domain, ok := strings.Cut(from, "@")
	if !ok {
		return false
	}
	for _, result := range strings.Split(strings.ToLower(p.AuthResults), ";") {
		fields := strings.Fields(result)
		if len(fields) > 0 && fields[0] == "dmarc=pass" && slices.Contains(fields[1:], "header.from="+domain) {
			return true
		}
	}
	return false
}

// Deliver logs a received message as feedback. Mail sent by machines is taken and
// dropped; a message that cannot be read is refused for good; other failures are
// temporary, so that the sending server tries again (and the Message-ID keeps it from
// being logged twice).
func (m *Mailbox) Deliver(ctx context.Context, e *email.Envelope) error {
	log := m.Log
	if log == nil {
		log = slog.Default()
	}
	if why := automatic(e); why != "" {
		log.Info("intake: dropped mail sent by a machine", "from", e.From, "why", why)
		return nil
	}
	p, err := email.Parse(e.Data)
	if err != nil {
		return &email.Rejection{Reason: err.Error()}
	}
	in := &rapport.IncomingFeedback{FromAddress: p.From.Address, FromName: p.From.Name, Subject: p.Subject,
		Text: StripQuoted(p.Text), MessageID: p.MessageID, InReplyTo: p.InReplyTo, Kind: "observation",
		SenderVerified: senderVerified(e.From, p)}
	if in.MessageID == "" {
		sum := sha256.Sum256(e.Data)
		in.MessageID = "sha256:" + hex.EncodeToString(sum[:])
	}
	if !in.SenderVerified {
		// Anyone can write any Message-ID: one that names no verified sender is kept
		// apart, so that it cannot take the place of the real message's.
		in.MessageID = "unverified " + strings.ToLower(e.From) + " " + in.MessageID
	}
	for _, rcpt := range e.To {
		if m.Accept(rcpt) {
			in.Kind = KindOf(rcpt)
			break
		}
	}
	if err := m.keepFiles(ctx, p.Attachments, in); err != nil {
		return err
	}
	if r := []rune(in.Text); len(r) > rapport.MaxFeedbackText {
		in.Text = string(r[:rapport.MaxFeedbackText])
	}
	res, err := m.Store.ReceiveFeedbackMail(ctx, m.Scope, in)
	// Contents the store did not record (all of them on a failure: a retry keeps them
	// again) are deleted.
	for _, a := range in.Attachments {
		if err != nil || a.ID.IsZero() {
			if derr := m.Files.Delete(context.WithoutCancel(ctx), a.StorageKey); derr != nil {
				log.Error("intake: delete an unrecorded attachment", "key", a.StorageKey, "error", derr)
			}
		}
	}
	if err != nil {
		if rapport.ErrorCode(err) == rapport.EINVALID {
			return &email.Rejection{Reason: rapport.ErrorMessage(err)}
		}
		return err
	}
	log.Info("intake: mail received", "from", in.FromAddress, "feedback", res.FeedbackID.String(), "created", res.Created,
		"reply", res.Reply, "duplicate", res.Duplicate)
	return nil
}
