package email

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Envelope is one message as a Server received it: who the sending server said it is
// from and to (the SMTP envelope, which may differ from the header), and the message.
type Envelope struct {
	From   string
	To     []string
	Data   []byte // the message as sent, header and body, with LF line ends
	Remote net.Addr
	At     time.Time
}

// Server receives mail over SMTP (RFC 5321) and hands each message to Deliver. It is
// the receiving end of a mail exchange: it takes mail for its own addresses and relays
// nothing.
type Server struct {
	Hostname string // the name in the greeting; "localhost" if empty
	// Accept says whether mail to an address is taken; nil takes all.
	Accept func(rcpt string) bool
	// Deliver keeps a received message. An error is reported to the sending server as
	// a temporary failure (451), so that it tries again later; a *Rejection is final.
	Deliver       func(ctx context.Context, e *Envelope) error
	MaxBytes      int64 // the largest message taken; 25 MiB if zero
	MaxRecipients int   // per message; 100 if zero
	// TLSConfig, when set, offers STARTTLS.
	TLSConfig *tls.Config
	// Auth, when set, offers AUTH PLAIN after STARTTLS and requires it before MAIL.
	Auth    func(username, password string) bool
	Timeout time.Duration // for each command and for the message; 5 minutes if zero
	Log     *slog.Logger

	mu       sync.Mutex
	ln       net.Listener
	conns    map[net.Conn]struct{}
	closed   bool
	handlers sync.WaitGroup
}

// Rejection is a Deliver error that refuses a message for good (reply 554), with the
// reason the sender sees.
type Rejection struct{ Reason string }

func (r *Rejection) Error() string { return r.Reason }

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("email: server closed")

// Serve answers the connections of ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.ln = ln
	s.conns = map[net.Conn]struct{}{}
	s.mu.Unlock()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return ErrServerClosed
		}
		s.conns[conn] = struct{}{}
		s.handlers.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.handlers.Done()
			s.serveConn(conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
	}
}

// Close stops listening, ends the open sessions and waits for them.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.handlers.Wait()
	return err
}

func (s *Server) maxBytes() int64 {
	if s.MaxBytes > 0 {
		return s.MaxBytes
	}
	return 25 << 20
}

// session is one SMTP conversation.
type session struct {
	s      *Server
	conn   net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	tls    bool
	authed bool
	helo   bool
	from   *string // nil until MAIL
	to     []string
}

// maxLine bounds a command line; RFC 5321 allows 512 octets, extensions a little more.
const maxLine = 2048

func (s *Server) serveConn(conn net.Conn) {
	defer conn.Close()
	ss := &session{s: s, conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}
	host := s.Hostname
	if host == "" {
		host = "localhost"
	}
	ss.reply(220, host+" Rapport ESMTP ready")
	errorsLeft := 10
	for {
		line, err := ss.readLine()
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				ss.reply(500, "5.5.2 line too long")
				continue
			}
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		quit, ok := ss.command(host, verb, strings.TrimSpace(arg))
		if quit {
			return
		}
		if !ok {
			if errorsLeft--; errorsLeft == 0 {
				ss.reply(421, "4.7.0 too many errors, closing")
				return
			}
		}
	}
}

// command answers one command; it reports whether the session ends and whether the
// command was well formed.
func (ss *session) command(host, verb, arg string) (quit, ok bool) {
	switch verb {
	case "EHLO", "HELO":
		if arg == "" {
			ss.reply(501, "5.5.4 say who you are: "+verb+" your.name")
			return false, false
		}
		ss.helo, ss.from, ss.to = true, nil, nil
		if verb == "HELO" {
			ss.reply(250, host)
			return false, true
		}
		lines := []string{host + " greets " + arg, "8BITMIME", "PIPELINING", "SIZE " + strconv.FormatInt(ss.s.maxBytes(), 10)}
		if ss.s.TLSConfig != nil && !ss.tls {
			lines = append(lines, "STARTTLS")
		}
		if ss.s.Auth != nil && ss.tls {
			lines = append(lines, "AUTH PLAIN")
		}
		ss.replyLines(250, lines)
	case "STARTTLS":
		if ss.s.TLSConfig == nil || ss.tls {
			ss.reply(502, "5.5.1 STARTTLS is not offered here")
			return false, false
		}
		ss.reply(220, "2.0.0 ready to start TLS")
		tc := tls.Server(ss.conn, ss.s.TLSConfig)
		tc.SetDeadline(time.Now().Add(ss.s.timeout()))
		if err := tc.Handshake(); err != nil {
			return true, false
		}
		ss.conn, ss.tls = tc, true
		ss.r, ss.w = bufio.NewReader(tc), bufio.NewWriter(tc)
		ss.helo, ss.from, ss.to = false, nil, nil // RFC 3207: start again
	case "AUTH":
		return false, ss.auth(arg)
	case "MAIL":
		return false, ss.mail(arg)
	case "RCPT":
		return false, ss.rcpt(arg)
	case "DATA":
		return ss.data()
	case "RSET":
		ss.from, ss.to = nil, nil
		ss.reply(250, "2.0.0 reset")
	case "NOOP":
		ss.reply(250, "2.0.0 ok")
	case "VRFY":
		ss.reply(252, "2.1.5 send some mail and see")
	case "QUIT":
		ss.reply(221, "2.0.0 goodbye")
		return true, true
	default:
		ss.reply(502, "5.5.1 command not recognised")
		return false, false
	}
	return false, true
}

func (ss *session) auth(arg string) bool {
	mech, initial, _ := strings.Cut(arg, " ")
	switch {
	case ss.s.Auth == nil || !ss.tls:
		ss.reply(502, "5.5.1 AUTH is not offered here")
		return false
	case ss.authed:
		ss.reply(503, "5.5.1 already signed in")
		return false
	case !strings.EqualFold(mech, "PLAIN"):
		ss.reply(504, "5.5.4 only AUTH PLAIN is offered")
		return false
	}
	if initial == "" {
		ss.reply(334, "")
		line, err := ss.readLine()
		if err != nil {
			return false
		}
		initial = line
	}
	raw, err := base64.StdEncoding.DecodeString(initial)
	parts := strings.Split(string(raw), "\x00")
	if err != nil || len(parts) != 3 {
		ss.reply(501, "5.5.2 AUTH PLAIN takes base64 of authzid NUL user NUL password")
		return false
	}
	if !ss.s.Auth(parts[1], parts[2]) {
		ss.reply(535, "5.7.8 the user name or password is wrong")
		return false
	}
	ss.authed = true
	ss.reply(235, "2.7.0 signed in")
	return true
}

func (ss *session) mail(arg string) bool {
	switch {
	case !ss.helo:
		ss.reply(503, "5.5.1 say EHLO first")
		return false
	case ss.s.Auth != nil && !ss.authed:
		ss.reply(530, "5.7.0 sign in first")
		return false
	case ss.from != nil:
		ss.reply(503, "5.5.1 a message is already under way; RSET to start again")
		return false
	}
	addr, params, ok := path(arg, "FROM:")
	if !ok {
		ss.reply(501, "5.5.4 write MAIL FROM:<address>")
		return false
	}
	for _, p := range params {
		if name, value, _ := strings.Cut(p, "="); strings.EqualFold(name, "SIZE") {
			if n, err := strconv.ParseInt(value, 10, 64); err == nil && n > ss.s.maxBytes() {
				ss.reply(552, "5.3.4 the message is larger than this server takes")
				return false
			}
		}
	}
	ss.from, ss.to = &addr, nil
	ss.reply(250, "2.1.0 sender ok")
	return true
}

func (ss *session) rcpt(arg string) bool {
	if ss.from == nil {
		ss.reply(503, "5.5.1 MAIL first")
		return false
	}
	addr, _, ok := path(arg, "TO:")
	if !ok || addr == "" {
		ss.reply(501, "5.5.4 write RCPT TO:<address>")
		return false
	}
	maxRcpt := ss.s.MaxRecipients
	if maxRcpt == 0 {
		maxRcpt = 100
	}
	if len(ss.to) >= maxRcpt {
		ss.reply(452, "4.5.3 too many recipients")
		return false
	}
	if ss.s.Accept != nil && !ss.s.Accept(addr) {
		ss.reply(550, "5.1.1 no such mailbox here: "+addr)
		return false
	}
	ss.to = append(ss.to, addr)
	ss.reply(250, "2.1.5 recipient ok")
	return true
}

// data reads the message up to the line holding a single dot, keeping at most
// MaxBytes of it, and hands it on.
func (ss *session) data() (quit, ok bool) {
	if ss.from == nil || len(ss.to) == 0 {
		ss.reply(503, "5.5.1 MAIL and RCPT first")
		return false, false
	}
	ss.reply(354, "end the message with a line holding only a dot")
	ss.conn.SetDeadline(time.Now().Add(ss.s.timeout()))
	var buf bytes.Buffer
	dot := textproto.NewReader(ss.r).DotReader()
	n, err := io.Copy(&buf, io.LimitReader(dot, ss.s.maxBytes()+1))
	if err == nil && n > ss.s.maxBytes() {
		// Read the rest so that the session can go on, then refuse.
		if _, err = io.Copy(io.Discard, dot); err == nil {
			ss.from, ss.to = nil, nil
			ss.reply(552, "5.3.4 the message is larger than this server takes")
			return false, false
		}
	}
	if err != nil {
		return true, false
	}
	e := &Envelope{From: *ss.from, To: ss.to, Data: buf.Bytes(), Remote: ss.conn.RemoteAddr(), At: time.Now()}
	ss.from, ss.to = nil, nil
	err = ss.s.deliver(e)
	var rejected *Rejection
	switch {
	case err == nil:
		ss.reply(250, "2.0.0 message taken")
	case errors.As(err, &rejected):
		ss.reply(554, "5.6.0 "+oneLine(rejected.Reason))
	default:
		ss.s.log().Error("email: a received message could not be kept", "from", e.From, "remote", e.Remote.String(), "err", err)
		ss.reply(451, "4.3.0 the message could not be kept; try again later")
	}
	return false, true
}

func (s *Server) deliver(e *Envelope) error {
	if s.Deliver == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout())
	defer cancel()
	return s.Deliver(ctx, e)
}

func (s *Server) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 5 * time.Minute
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// path reads "FROM:<addr> PARAM=..." (or TO:), returning the address without its
// angle brackets and the parameters after it. The null sender <> is an empty address.
func path(arg, prefix string) (string, []string, bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", nil, false
	}
	fields := strings.Fields(strings.TrimSpace(arg[len(prefix):]))
	if len(fields) == 0 {
		return "", nil, false
	}
	addr := fields[0]
	if !strings.HasPrefix(addr, "<") || !strings.HasSuffix(addr, ">") {
		return "", nil, false
	}
	addr = addr[1 : len(addr)-1]
	if strings.ContainsAny(addr, "<> ") {
		return "", nil, false
	}
	return addr, fields[1:], true
}

var errLineTooLong = errors.New("line too long")

// readLine reads one command line, waiting at most the timeout for it.
func (ss *session) readLine() (string, error) {
	ss.conn.SetDeadline(time.Now().Add(ss.s.timeout()))
	line, err := ss.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxLine {
		// Skip to the end of the overlong line.
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = ss.r.ReadSlice('\n')
		}
		if err != nil {
			return "", err
		}
		return "", errLineTooLong
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func (ss *session) reply(code int, text string) { ss.replyLines(code, []string{text}) }

func (ss *session) replyLines(code int, lines []string) {
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	ss.w.Flush()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ListenAndServe listens on addr and serves until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("email: listen on %s: %w", addr, err)
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	err = s.Serve(ln)
	if errors.Is(err, ErrServerClosed) && ctx.Err() != nil {
		return nil
	}
	return err
}
