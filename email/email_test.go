package email

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"
)

// selfSigned makes a certificate for 127.0.0.1 and a client configuration that trusts
// it.
func selfSigned(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: roots, ServerName: "127.0.0.1"}
}

// mailbox is a Server started for a test, keeping what it receives.
type mailbox struct {
	*Server
	addr string
	mu   sync.Mutex
	got  []*Envelope
}

func startServer(t *testing.T, s *Server) *mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb := &mailbox{Server: s, addr: ln.Addr().String()}
	if s.Deliver == nil {
		s.Deliver = func(_ context.Context, e *Envelope) error {
			mb.mu.Lock()
			defer mb.mu.Unlock()
			mb.got = append(mb.got, e)
			return nil
		}
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return mb
}

func (mb *mailbox) received() []*Envelope {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]*Envelope(nil), mb.got...)
}

func TestSendAndReceive(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	mb := startServer(t, &Server{Hostname: "mx.test", TLSConfig: serverTLS,
		Auth: func(u, p string) bool { return u == "rapport" && p == "s3cret pass" }})
	text := "Dear Zoë,\n\nwe replaced the router.\n.this line starts with a dot\n" + strings.Repeat("long ", 40) + "\n\n— Rapport"
	m := &Message{From: mail.Address{Name: "Rapport Service", Address: "service@firm.test"},
		To: []mail.Address{{Name: "Zoë Müller", Address: "zoe@example.test"}}, Subject: "Your feedback: what we did\r\nBcc: evil@x.test",
		Text: text, Header: map[string]string{"Auto-Submitted": "auto-generated"}}
	sender := &SMTP{Addr: mb.addr, Username: "rapport", Password: "s3cret pass", TLSConfig: clientTLS}
	if err := sender.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := mb.received()
	if len(got) != 1 {
		t.Fatalf("received %d messages, want 1", len(got))
	}
	e := got[0]
	if e.From != "service@firm.test" || len(e.To) != 1 || e.To[0] != "zoe@example.test" {
		t.Errorf("envelope from %q to %q", e.From, e.To)
	}
	p, err := Parse(e.Data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Your feedback: what we did Bcc: evil@x.test" {
		t.Errorf("subject %q: a line break must not start a header field", p.Subject)
	}
	if p.From.Address != "service@firm.test" || p.From.Name != "Rapport Service" {
		t.Errorf("from %+v", p.From)
	}
	if p.Text != strings.TrimSpace(text) {
		t.Errorf("text arrived as\n%q\nwant\n%q", p.Text, text)
	}
	if p.MessageID != m.MessageID || !strings.HasSuffix(m.MessageID, "@firm.test>") {
		t.Errorf("message id %q, sent %q", p.MessageID, m.MessageID)
	}
	if strings.Contains(string(e.Data), "\nBcc:") {
		t.Error("the subject's line break made a header field")
	}
}

func TestSendRefusals(t *testing.T) {
	serverTLS, clientTLS := selfSigned(t)
	mb := startServer(t, &Server{TLSConfig: serverTLS, MaxBytes: 2000,
		Accept: func(rcpt string) bool { return strings.HasSuffix(rcpt, "@firm.test") },
		Auth:   func(u, p string) bool { return u == "rapport" && p == "right" }})
	send := func(s *SMTP, to, text string) error {
		return s.Send(context.Background(), &Message{From: mail.Address{Address: "a@firm.test"},
			To: []mail.Address{{Address: to}}, Subject: "hello", Text: text})
	}
	good := &SMTP{Addr: mb.addr, Username: "rapport", Password: "right", TLSConfig: clientTLS}
	if err := send(good, "nobody@elsewhere.test", "hi"); err == nil || !Permanent(err) || !strings.Contains(err.Error(), "RCPT TO <nobody@elsewhere.test>") {
		t.Errorf("unknown mailbox: %v (permanent %v)", err, Permanent(err))
	}
	if err := send(good, "feedback@firm.test", strings.Repeat("x", 5000)); err == nil || !Permanent(err) {
		t.Errorf("too large: %v", err)
	}
	wrong := &SMTP{Addr: mb.addr, Username: "rapport", Password: "wrong", TLSConfig: clientTLS}
	if err := send(wrong, "feedback@firm.test", "hi"); err == nil || !strings.Contains(err.Error(), "sign in") {
		t.Errorf("wrong password: %v", err)
	}
	anonymous := &SMTP{Addr: mb.addr, TLSConfig: clientTLS}
	if err := send(anonymous, "feedback@firm.test", "hi"); err == nil || !Permanent(err) {
		t.Errorf("without signing in: %v", err)
	}
	if n := len(mb.received()); n != 0 {
		t.Errorf("%d messages taken, want none", n)
	}
	if err := send(good, "feedback@firm.test", "hi"); err != nil {
		t.Errorf("a good message after the refusals: %v", err)
	}

	// A server without STARTTLS never gets the password.
	plain := startServer(t, &Server{})
	if err := send(&SMTP{Addr: plain.addr, Username: "rapport", Password: "right"}, "x@firm.test", "hi"); err == nil || !strings.Contains(err.Error(), "not sent in the clear") {
		t.Errorf("credentials without TLS: %v", err)
	}
	if n := len(plain.received()); n != 0 {
		t.Errorf("%d messages taken without TLS", n)
	}
}

func TestDeliverFailures(t *testing.T) {
	fail := errors.New("database is down")
	var reject bool
	mb := startServer(t, &Server{Log: slog.New(slog.DiscardHandler), Deliver: func(context.Context, *Envelope) error {
		if reject {
			return &Rejection{Reason: "no customer has\r\nthis address"}
		}
		return fail
	}})
	s := &SMTP{Addr: mb.addr}
	m := func() *Message {
		return &Message{From: mail.Address{Address: "a@b.test"}, To: []mail.Address{{Address: "c@d.test"}}, Text: "x"}
	}
	if err := s.Send(context.Background(), m()); err == nil || Permanent(err) {
		t.Errorf("a failure to keep the message must be temporary: %v", err)
	}
	reject = true
	if err := s.Send(context.Background(), m()); err == nil || !Permanent(err) || !strings.Contains(err.Error(), "no customer has this address") {
		t.Errorf("a rejection must be final and on one line: %v", err)
	}
}

// TestProtocol talks to the server by hand: commands out of order, bad syntax, an
// overlong line and pipelined commands get the replies RFC 5321 asks for.
func TestProtocol(t *testing.T) {
	mb := startServer(t, &Server{Hostname: "mx.test"})
	conn, err := net.Dial("tcp", mb.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	expect := func(send string, code string) {
		t.Helper()
		if send != "" {
			conn.Write([]byte(send + "\r\n"))
		}
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("after %q: %v", send, err)
			}
			if len(line) < 4 || line[3] == ' ' {
				if !strings.HasPrefix(line, code) {
					t.Errorf("after %q: got %q, want %s", send, line, code)
				}
				return
			}
		}
	}
	expect("", "220")
	expect("MAIL FROM:<a@b.test>", "503")
	expect("EHLO", "501")
	expect("EHLO client.test", "250")
	expect("RCPT TO:<x@y.test>", "503")
	expect("MAIL FROM:a@b.test", "501")
	expect("MAIL FROM:<a@b.test> SIZE=999999999999", "552")
	expect("MAIL FROM:<> SIZE=10", "250")
	expect("DATA", "503")
	expect("RCPT TO:<x@y.test>", "250")
	expect(strings.Repeat("A", 5000), "500")
	expect("STARTTLS", "502")
	expect("AUTH PLAIN AGFiAGM=", "502")
	// Pipelined: DATA's reply comes before the message is sent.
	conn.Write([]byte("DATA\r\n"))
	expect("", "354")
	expect("Subject: hi\r\n\r\n..dot\r\n.", "250")
	expect("NOOP", "250")
	expect("QUIT", "221")
	got := mb.received()
	if len(got) != 1 || got[0].From != "" || string(got[0].Data) != "Subject: hi\n\n.dot\n" {
		t.Errorf("received %+v", got)
	}
}

func TestParse(t *testing.T) {
	t.Run("multipart with HTML, Latin-1 and an attachment", func(t *testing.T) {
		raw := "From: =?ISO-8859-1?Q?J=F6rg_K=E4fer?= <jorg@example.test>\r\n" +
			"Subject: =?UTF-8?B?UmVjbGFtYXRpb24gw6AgcHJvcG9z?=\r\n" +
			"Date: Mon, 23 Nov 2026 10:00:00 +0100\r\n" +
			"MIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
			"--outer\r\n" +
			"Content-Type: multipart/alternative; boundary=inner\r\n\r\n" +
			"--inner\r\n" +
			"Content-Type: text/plain; charset=iso-8859-1\r\n" +
			"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
			"Die Lieferung kam besch=E4digt an =80 Preis=3D12.\r\n" +
			"--inner\r\n" +
			"Content-Type: text/html; charset=utf-8\r\n\r\n" +
			"<p>HTML version</p>\r\n" +
			"--inner--\r\n" +
			"--outer\r\n" +
			"Content-Type: image/png; name=\"photo.png\"\r\n" +
			"Content-Disposition: attachment; filename=\"photo.png\"\r\n" +
			"Content-Transfer-Encoding: base64\r\n\r\n" +
			"iVBORw0K\r\nGgo=\r\n" +
			"--outer--\r\n"
		p, err := Parse([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if p.From.Name != "Jörg Käfer" || p.From.Address != "jorg@example.test" {
			t.Errorf("from %+v", p.From)
		}
		if p.Subject != "Reclamation à propos" {
			t.Errorf("subject %q", p.Subject)
		}
		if p.Text != "Die Lieferung kam beschädigt an € Preis=12." {
			t.Errorf("text %q: the plain part is preferred, decoded", p.Text)
		}
		if len(p.Attachments) != 1 || p.Attachments[0].Filename != "photo.png" || string(p.Attachments[0].Data) != "\x89PNG\r\n\x1a\n" {
			t.Errorf("attachments %+v", p.Attachments)
		}
		if p.Date.IsZero() {
			t.Error("date not read")
		}
	})
	t.Run("Cyrillic, Japanese and Chinese", func(t *testing.T) {
		for charset, body := range map[string]string{
			"koi8-r":      "\xf0\xd2\xc9\xd7\xc5\xd4",                 // Привет
			"iso-2022-jp": "\x1b$B$3$s$K$A$O\x1b(B",                   // こんにちは
			"Shift_JIS":   "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd", // こんにちは
			"gb2312":      "\xc4\xe3\xba\xc3",                         // 你好
		} {
			raw := "From: a@b.test\r\nSubject: =?" + charset + "?B?" + base64.StdEncoding.EncodeToString([]byte(body)) + "?=\r\n" +
				"Content-Type: text/plain; charset=" + charset + "\r\n\r\n" + body
			p, err := Parse([]byte(raw))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"koi8-r": "Привет", "iso-2022-jp": "こんにちは", "Shift_JIS": "こんにちは", "gb2312": "你好"}[charset]
			if p.Text != want || p.Subject != want {
				t.Errorf("%s: subject %q, text %q; want %q", charset, p.Subject, p.Text, want)
			}
		}
	})
	t.Run("HTML only", func(t *testing.T) {
		raw := "From: a@b.test\r\nContent-Type: text/html\r\n\r\n<html><head><style>p{}</style></head><body><script>alert(1)</script><p>The app &amp; the site</p><p>crash   often<br>since Monday</p></body></html>"
		p, err := Parse([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if p.Text != "The app & the site\n\ncrash often\nsince Monday" {
			t.Errorf("text %q", p.Text)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		if _, err := Parse([]byte("no header at all")); err == nil {
			t.Error("a message without a header was read")
		}
		if _, err := Parse([]byte("Subject: x\r\n\r\nbody")); err == nil || !strings.Contains(err.Error(), "From") {
			t.Errorf("no sender: %v", err)
		}
		p, err := Parse([]byte("From: a@b.test\r\n\r\nbad \xff bytes"))
		if err != nil || p.Text != "bad \uFFFD bytes" {
			t.Errorf("invalid UTF-8: %q, %v", p.Text, err)
		}
	})
}

func TestParseSMTPURL(t *testing.T) {
	for raw, want := range map[string]SMTP{
		"smtp://mail.example.com":              {Addr: "mail.example.com:25"},
		"smtp://u:p%40ss@mail.example.com:587": {Addr: "mail.example.com:587", Username: "u", Password: "p@ss"},
		"smtps://u:p@mail.example.com":         {Addr: "mail.example.com:465", Username: "u", Password: "p", ImplicitTLS: true},
	} {
		got, err := ParseSMTPURL(raw)
		if err != nil || *got != want {
			t.Errorf("%s: %+v, %v", raw, got, err)
		}
	}
	_, err := ParseSMTPURL("http://u:hunter2@mail.example.com")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a wrong scheme: %v (the password must not show)", err)
	}
}
