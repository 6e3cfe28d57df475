package intake_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/intake"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

func TestKindOf(t *testing.T) {
	for addr, want := range map[string]rapport.FeedbackKind{
		"feedback@acme.test": "observation", "feedback+complaint@acme.test": "complaint", "Suggestions@acme.test": "suggestion",
		"feedback+ideas@acme.test": "suggestion", "feedback+whatever@acme.test": "observation", "praise@acme.test": "compliment",
	} {
		if got := intake.KindOf(addr); got != want {
			t.Errorf("KindOf(%q) = %q, want %q", addr, got, want)
		}
	}
}

func TestStripQuoted(t *testing.T) {
	in := "Still broken, sorry.\n\nOn Mon, 1 Dec 2026 Acme wrote:\n> What we did:\n> replaced it\n"
	if got := intake.StripQuoted(in); got != "Still broken, sorry." {
		t.Errorf("got %q", got)
	}
	in = "Fine now\n-----Original Message-----\nFrom: Acme\nWe did it"
	if got := intake.StripQuoted(in); got != "Fine now" {
		t.Errorf("got %q", got)
	}
	// Outlook's reply header, as its HTML replies read once the markup is out.
	in = "Not fixed.\n\n________________________________\nFrom: Acme Service <service@acme.test>\nSent: Monday, 1 December 2026 10:00\nTo: Ana\nSubject: What we did\n\nRate us: https://crm.test/portal/feedback/x"
	if got := intake.StripQuoted(in); got != "Not fixed." {
		t.Errorf("got %q", got)
	}
}

// TestIntake sends mail with email.SMTP to an email.Server whose Deliver is the
// mailbox, and finds the feedback in the database: once however often it is sent,
// for the customer with the sender's address; auto-replies are dropped and other
// mailboxes refused.
func TestIntake(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	system := rapport.SystemScope("test")
	ana := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Mail",
		Emails: []rapport.ContactPoint{{Value: "ana@example.test"}}}
	if err := db.CreateCustomer(ctx, system, ana); err != nil {
		t.Fatal(err)
	}
	mb := &intake.Mailbox{Store: db, Addresses: []string{"feedback@acme.test"}, Scope: system,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := &email.Server{Hostname: "mx.acme.test", Accept: mb.Accept, Deliver: mb.Deliver}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, email.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	sender := &email.SMTP{Addr: ln.Addr().String()}
	send := func(to, subject, text string, header map[string]string, id string) error {
		return sender.Send(ctx, &email.Message{From: mail.Address{Name: "Ana Mail", Address: "ana@example.test"},
			To: []mail.Address{{Address: to}}, Subject: subject, Text: text, Header: header, MessageID: id})
	}

	if err := send("feedback+complaint@acme.test", "Late again", "The parcel came a week late.\n\n> quoted old text", nil, "<a1@example.test>"); err != nil {
		t.Fatal(err)
	}
	// The sending server tries again: the same Message-ID is not logged twice.
	if err := send("feedback+complaint@acme.test", "Late again", "The parcel came a week late.", nil, "<a1@example.test>"); err != nil {
		t.Fatal(err)
	}
	if err := send("feedback@acme.test", "Out of office", "I am away.", map[string]string{"Auto-Submitted": "auto-replied"}, "<a2@example.test>"); err != nil {
		t.Fatal(err)
	}
	if err := send("feedback@acme.test", "Newsletter", "Buy!", map[string]string{"Precedence": "bulk"}, "<a3@example.test>"); err != nil {
		t.Fatal(err)
	}
	err = send("sales@acme.test", "Hi", "Wrong box", nil, "<a4@example.test>")
	if err == nil || !email.Permanent(err) {
		t.Errorf("mail to another mailbox: %v, want a permanent refusal", err)
	}

	list, _, err := db.FindFeedback(ctx, system, rapport.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Fatalf("got %d pieces of feedback, want 1: %+v", len(list), list)
	}
	fb := list[0]

	// Anyone can write From: Ana. Sent by another envelope sender, and with no relay
	// vouching for her domain, it is no one's feedback; relayed under another envelope
	// sender with DMARC passed for her domain, it is hers.
	raw := func(envelope, id, auth string) {
		t.Helper()
		msg := "From: Ana Mail <ana@example.test>\r\nTo: feedback@acme.test\r\nSubject: Refund\r\nMessage-ID: " + id + "\r\n"
		if auth != "" {
			msg += "Authentication-Results: " + auth + "\r\n"
		}
		if err := smtp.SendMail(ln.Addr().String(), nil, envelope, []string{"feedback@acme.test"}, []byte(msg+"\r\nRefund me twice.\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	raw("mallory@evil.test", "<a1@example.test>", "")                                                  // also taking the first message's id
	raw("mallory@evil.test", "<f2@example.test>", "mx.acme.test; dmarc=fail header.from=example.test") // a relay says no
	raw("srs=x@relay.test", "<f3@example.test>", "mx.acme.test; spf=pass; dmarc=pass (p=reject) header.from=example.test")
	all, _, err := db.FindFeedback(ctx, system, rapport.FeedbackFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]*rapport.Feedback{}
	for _, x := range all {
		byKey[x.SourceKey] = x
	}
	for _, key := range []string{"unverified mallory@evil.test <a1@example.test>", "unverified mallory@evil.test <f2@example.test>"} {
		if x := byKey[key]; x == nil || !x.CustomerID.IsZero() || !strings.HasPrefix(x.Text, "From: Ana Mail <ana@example.test> (sender not verified)") {
			t.Errorf("a forged message (%s): %+v; want feedback of no customer, its sender not verified", key, x)
		}
	}
	if x := byKey["<f3@example.test>"]; x == nil || x.CustomerID != ana.ID {
		t.Errorf("a relayed message with DMARC passed: %+v; want Ana's", x)
	}
	if len(all) != 4 {
		t.Errorf("got %d pieces of feedback, want 4", len(all))
	}
	if fb.CustomerID != ana.ID || fb.Kind != "complaint" || fb.Channel != "email" || fb.SourceKey != "<a1@example.test>" ||
		fb.Text != "Late again\n\nThe parcel came a week late." {
		t.Errorf("feedback: customer %v kind %s channel %s source id %q text %q", fb.CustomerID, fb.Kind, fb.Channel, fb.SourceKey, fb.Text)
	}
	if strings.Contains(fb.Text, "quoted") {
		t.Errorf("quoted lines kept: %q", fb.Text)
	}
}

// TestIntakeFiles: an e-mail's attachments are kept with its feedback; one over the
// limit is named in the text as not kept, and nothing unrecorded stays in the store.
func TestIntakeFiles(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := blob.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	system := rapport.SystemScope("test")
	mb := &intake.Mailbox{Store: db, Addresses: []string{"feedback@acme.test"}, Scope: system, Files: files, MaxFile: 100,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	big := strings.Repeat("x", 200)
	msg := "From: Bo <bo@example.test>\nTo: feedback@acme.test\nSubject: Broken lid\nMessage-ID: <f1@example.test>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n" +
		"--XX\nContent-Type: text/plain\n\nThe lid broke on the first day.\n" +
		"--XX\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"receipt.txt\"\n\nReceipt 42, paid in full.\n" +
		"--XX\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"video.bin\"\n\n" + big + "\n" +
		"--XX--\n"
	env := &email.Envelope{From: "bo@example.test", To: []string{"feedback@acme.test"}, Data: []byte(msg)}
	for range 2 { // the second delivery is the sending server's retry
		if err := mb.Deliver(ctx, env); err != nil {
			t.Fatal(err)
		}
	}
	list, _, err := db.FindFeedback(ctx, system, rapport.FeedbackFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("feedback: %v, %v; want one item", list, err)
	}
	if !strings.Contains(list[0].Text, "not kept: video.bin (too large)") {
		t.Errorf("the text does not name the file not kept: %q", list[0].Text)
	}
	kept, err := db.FindFeedbackAttachments(ctx, system, list[0].ID)
	if err != nil || len(kept) != 1 || kept[0].Name != "receipt.txt" || kept[0].ContentType != "text/plain" {
		t.Fatalf("attachments: %+v, %v; want the receipt", kept, err)
	}
	rc, _, err := files.Open(ctx, kept[0].StorageKey)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if strings.TrimSpace(string(body)) != "Receipt 42, paid in full." {
		t.Errorf("the kept content: %q", body)
	}
	var stored int
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			stored++
		}
		return nil
	})
	if stored != 1 {
		t.Errorf("the store holds %d files, want only the recorded receipt", stored)
	}
}
