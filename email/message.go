// Package email sends and receives e-mail over SMTP: a Sender that hands messages to
// the firm's mail server, and a Server that takes mail addressed to Rapport (feedback
// sent by e-mail) straight from other mail servers. Both speak SMTP themselves, with
// net/smtp on the sending side, so tests exchange real mail between the two.
package email

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is a plain-text e-mail. Rapport writes to customers and staff in plain text:
// it reads well everywhere and cannot carry a script.
type Message struct {
	From    mail.Address
	To      []mail.Address
	ReplyTo *mail.Address
	Subject string
	Text    string
	// Header holds further header fields, such as List-Unsubscribe; names and values
	// must be printable ASCII on one line.
	Header map[string]string
	// MessageID is set when the message is rendered if it is empty, as
	// <random@domain of From>.
	MessageID string
	Date      time.Time // now if zero
}

// Bytes renders the message as RFC 5322 text with CRLF line ends: UTF-8 header words
// encoded (RFC 2047) and the body quoted-printable, so that it passes any mail server
// unchanged whatever its characters and line lengths.
func (m *Message) Bytes() ([]byte, error) {
	if m.From.Address == "" {
		return nil, fmt.Errorf("email: the message has no sender")
	}
	if len(m.To) == 0 {
		return nil, fmt.Errorf("email: the message has no recipient")
	}
	for _, a := range append([]mail.Address{m.From}, m.To...) {
		if err := checkAddress(a.Address); err != nil {
			return nil, err
		}
	}
	if m.MessageID == "" {
		m.MessageID = newMessageID(m.From.Address)
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	header := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	header("Date", date.Format(time.RFC1123Z))
	header("From", m.From.String())
	to := make([]string, len(m.To))
	for i, a := range m.To {
		to[i] = a.String()
	}
	header("To", strings.Join(to, ", "))
	if m.ReplyTo != nil {
		header("Reply-To", m.ReplyTo.String())
	}
	// Line breaks in a subject would start new header fields; they become spaces.
	subject := strings.Join(strings.Fields(m.Subject), " ")
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Message-ID", m.MessageID)
	for name, value := range m.Header {
		if !printable(name) || strings.ContainsRune(name, ':') || !printable(value) {
			return nil, fmt.Errorf("email: header field %q must be printable ASCII on one line", name)
		}
		header(name, value)
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// Recipients returns the addresses the message is sent to.
func (m *Message) Recipients() []string {
	out := make([]string, len(m.To))
	for i, a := range m.To {
		out[i] = a.Address
	}
	return out
}

// checkAddress refuses an address that could not be a mailbox, or that would break the
// SMTP command it is written into.
func checkAddress(addr string) error {
	if _, err := mail.ParseAddress(addr); err != nil || strings.ContainsAny(addr, "\r\n<> ") {
		return fmt.Errorf("email: %q is not an e-mail address", addr)
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

func newMessageID(from string) string {
	var r [12]byte
	rand.Read(r[:])
	domain := "rapport.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain = from[at+1:]
	}
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
