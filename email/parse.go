package email

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Parsed is what a received message says, made readable: the header fields people
// read, its text, and its attached files.
type Parsed struct {
	From      mail.Address
	Subject   string
	Date      time.Time // zero if the message has none or it cannot be read
	MessageID string
	InReplyTo string
	// AuthResults is the topmost Authentication-Results field (RFC 8601): what the
	// server that received the message from the internet found of its sender.
	AuthResults string
	// Text is the message's plain-text part, or its HTML part with the markup taken
	// out when it has no plain one; always valid UTF-8.
	Text        string
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Filename    string
	ContentType string
	Data        []byte
}

// Limits of what Parse reads from one message: nesting and parts beyond them are
// left out, not errors.
const (
	maxDepth = 8
	maxParts = 100
)

// Parse reads a message as received (RFC 5322 with MIME): it decodes header words,
// transfer encodings (base64, quoted-printable) and character sets (see toUTF8), and
// walks multipart bodies to find the text and the attachments.
func Parse(data []byte) (*Parsed, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("email: the message cannot be read: %w", err)
	}
	dec := &mime.WordDecoder{CharsetReader: charsetReader}
	header := func(name string) string {
		v := msg.Header.Get(name)
		if d, err := dec.DecodeHeader(v); err == nil {
			v = d
		}
		return strings.ToValidUTF8(strings.Join(strings.Fields(v), " "), "\uFFFD")
	}
	p := &Parsed{Subject: header("Subject"), MessageID: strings.TrimSpace(msg.Header.Get("Message-ID")),
		InReplyTo: strings.TrimSpace(msg.Header.Get("In-Reply-To")), AuthResults: strings.Join(strings.Fields(msg.Header.Get("Authentication-Results")), " ")}
	addrs := &mail.AddressParser{WordDecoder: dec}
	if from, err := addrs.Parse(msg.Header.Get("From")); err == nil {
		p.From = *from
	} else {
		return nil, errors.New("email: the message has no sender address that can be read (From)")
	}
	p.Date, _ = msg.Header.Date()
	var texts, htmls []string
	parts := 0
	var walk func(h textprotoHeader, body io.Reader, depth int) error
	walk = func(h textprotoHeader, body io.Reader, depth int) error {
		if parts++; parts > maxParts || depth > maxDepth {
			return nil
		}
		ctype, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			ctype, params = "text/plain", map[string]string{"charset": "us-ascii"}
		}
		if strings.HasPrefix(ctype, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				part, err := mr.NextRawPart()
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return fmt.Errorf("email: a part of the message cannot be read: %w", err)
				}
				if err := walk(part.Header, part, depth+1); err != nil {
					return err
				}
			}
		}
		content, err := io.ReadAll(decodeTransfer(h.Get("Content-Transfer-Encoding"), body))
		if err != nil {
			return fmt.Errorf("email: a part's %s encoding is broken: %w", h.Get("Content-Transfer-Encoding"), err)
		}
		disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
		filename := dparams["filename"]
		if filename == "" {
			filename = params["name"]
		}
		if d, err := dec.DecodeHeader(filename); err == nil {
			filename = d
		}
		switch {
		case disposition != "attachment" && filename == "" && ctype == "text/plain":
			texts = append(texts, toUTF8(content, params["charset"]))
		case disposition != "attachment" && filename == "" && ctype == "text/html":
			htmls = append(htmls, htmlText(toUTF8(content, params["charset"])))
		case disposition == "attachment" || filename != "" || !strings.HasPrefix(ctype, "text/"):
			if filename == "" {
				filename = "attachment"
			}
			p.Attachments = append(p.Attachments, Attachment{Filename: strings.ToValidUTF8(filename, "_"), ContentType: ctype, Data: content})
		}
		return nil
	}
	if err := walk(textprotoHeader(msg.Header), msg.Body, 0); err != nil {
		return nil, err
	}
	if len(texts) == 0 {
		texts = htmls
	}
	p.Text = strings.TrimSpace(strings.ReplaceAll(strings.Join(texts, "\n\n"), "\r\n", "\n"))
	return p, nil
}

// textprotoHeader is what Parse needs of a header: both mail.Header and a part's
// textproto.MIMEHeader have it.
type textprotoHeader interface{ Get(string) string }

func decodeTransfer(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(input)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(toUTF8(b, charset)), nil
}

// toUTF8 decodes b from the character set named: any that browsers know, by the
// WHATWG's names and labels, in which Latin-1 is read as Windows-1252, as mail that says
// it is Latin-1 often is. ASCII, which the WHATWG also reads as Windows-1252, is read
// as UTF-8, as mail that says it is ASCII and is not often is; there and in unknown or
// unnamed sets, bytes that are not UTF-8 become U+FFFD.
func toUTF8(b []byte, charset string) string {
	switch name := strings.ToLower(strings.TrimSpace(charset)); name {
	case "", "us-ascii", "ascii":
	default:
		if enc, err := htmlindex.Get(name); err == nil && enc != unicode.UTF8 {
			if out, err := enc.NewDecoder().Bytes(b); err == nil {
				return strings.ToValidUTF8(string(out), "\uFFFD")
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// htmlText takes the markup out of an HTML body: scripts and styles go, block ends
// become line breaks, entities are decoded.
func htmlText(s string) string {
	var out strings.Builder
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			out.WriteString(html.UnescapeString(s))
			break
		}
		out.WriteString(html.UnescapeString(s[:lt]))
		s = s[lt:]
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		tag := ""
		if f := strings.Fields(s[1:gt]); len(f) > 0 {
			tag = strings.ToLower(strings.Trim(f[0], "/"))
		}
		s = s[gt+1:]
		switch tag {
		case "script", "style", "head", "title":
			if end := strings.Index(strings.ToLower(s), "</"+tag); end >= 0 {
				s = s[end:]
			}
		case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote":
			out.WriteByte('\n')
		}
	}
	lines := strings.Split(out.String(), "\n")
	kept := lines[:0]
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" || (len(kept) > 0 && kept[len(kept)-1] != "") {
			kept = append(kept, l)
		}
	}
	return strings.TrimSpace(strings.Join(kept, "\n"))
}
