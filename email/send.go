package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"time"
)

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// SMTP sends each message in a connection of its own to a mail server: the firm's
// relay, or a submission service. Messages are few (a customer told what was done, a
// survey, an escalation), so connections are not pooled.
type SMTP struct {
	Addr     string // host:port
	Username string // with Password, authenticates with AUTH PLAIN
	Password string
	// ImplicitTLS speaks TLS from the first byte (port 465, "smtps"). Otherwise the
	// connection is upgraded with STARTTLS when the server offers it, and must be when
	// there are credentials to send.
	ImplicitTLS bool
	TLSConfig   *tls.Config // nil: the system's roots, the host's name
	Timeout     time.Duration
}

// ParseSMTPURL reads a mail server's address written as a URL:
//
//	smtp://user:password@mail.example.com:587   STARTTLS when offered (port 25 if none)
//	smtps://user:password@mail.example.com      TLS from the start (port 465 if none)
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("%q is not a mail server URL: write smtp://user:password@host:587 or smtps://user:password@host:465", redact(raw))
	}
	s := &SMTP{Addr: u.Host, ImplicitTLS: u.Scheme == "smtps"}
	if u.Port() == "" {
		port := "25"
		if s.ImplicitTLS {
			port = "465"
		}
		s.Addr = net.JoinHostPort(u.Hostname(), port)
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// redact hides the password of a URL that is shown in an error.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "the URL given"
}

// Send delivers m to the server: the whole exchange ends by ctx's deadline, or within
// Timeout (one minute by default).
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	data, err := m.Bytes()
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("email: mail server address %q: %w", s.Addr, err)
	}
	tlsConfig := s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{ServerName: host}
	}
	var conn net.Conn
	if s.ImplicitTLS {
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("email: connect to the mail server: %w", err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	// A cancelled context ends the exchange at once, not at the deadline.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("email: the mail server's greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello(localName()); err != nil {
		return fmt.Errorf("email: EHLO: %w", err)
	}
	if !s.ImplicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsConfig); err != nil {
				return fmt.Errorf("email: STARTTLS: %w", err)
			}
		} else if s.Username != "" {
			return errors.New("email: the mail server does not offer STARTTLS, and the password is not sent in the clear")
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("email: sign in to the mail server as %s: %w", s.Username, err)
		}
	}
	if err := c.Mail(m.From.Address); err != nil {
		return fmt.Errorf("email: MAIL FROM <%s>: %w", m.From.Address, err)
	}
	for _, to := range m.Recipients() {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("email: RCPT TO <%s>: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("email: DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("email: sending the message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("email: the mail server did not take the message: %w", err)
	}
	return c.Quit()
}

// Permanent reports whether a sending error is the server's final refusal (a 5xx
// reply, such as an unknown mailbox), so that trying again would not help.
func Permanent(err error) bool {
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code >= 500
}

// localName is the name this host gives in EHLO.
func localName() string {
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \r\n") {
		return h
	}
	return "localhost"
}
