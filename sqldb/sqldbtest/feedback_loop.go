package sqldbtest

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

var portalLink = regexp.MustCompile(`https://crm\.test/portal/feedback/([A-Za-z0-9_-]+)`)

// testFeedbackLoop: telling the customer by e-mail queues exactly one message in the
// transaction that moves the feedback to informed, and none when the move is refused;
// the link in it answers once, expires, and "not resolved" reopens the feedback.
func testFeedbackLoop(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	ana := mustPerson(t, db, "Ana", "Loop", "ana@loop.test")
	_, err := db.UpdateCustomer(ctx, system, ana.ID, rapport.CustomerUpdate{Language: ptr("de-CH"), Version: 1})
	must(t, err)
	mute := mustPerson(t, db, "Mo", "Mute", "")
	secret := mustPerson(t, db, "Sam", "Secret", "sam@secret.test")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	logFeedback := func(c *rapport.Customer, text string) *rapport.Feedback {
		t.Helper()
		fb := &rapport.Feedback{CustomerID: c.ID, Kind: "complaint", Text: text}
		_, err := db.CreateFeedback(ctx, f.sales, fb)
		must(t, err)
		return fb
	}
	outbox := func() []*rapport.Mail {
		t.Helper()
		ms, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{})
		must(t, err)
		return ms
	}
	in := rapport.FeedbackInform{Subject: "Re: {feedback}", Text: "Hallo {customer}: {resolution}. Antwort: {link}",
		BaseURL: "https://crm.test/", Firm: "Acme"}

	// The draft is in the customer's language: de for de-CH.
	fb := logFeedback(ana, "The desk arrived broken.")
	d, err := db.DraftFeedbackMail(ctx, f.sales, fb.ID, "Acme")
	must(t, err)
	if d.Language != "de" || d.ToAddress != "ana@loop.test" || !strings.Contains(d.Text, "Ana Loop") ||
		!strings.Contains(d.Text, "{link}") || !strings.Contains(d.Text, "{resolution}") || !strings.Contains(d.Text, "Acme") {
		t.Errorf("draft: language %q to %q text %q", d.Language, d.ToAddress, d.Text)
	}

	// Refused: no resolution yet. Nothing is queued.
	_, _, err = db.InformFeedbackByEmail(ctx, f.sales, fb.ID, in)
	wantCode(t, err, rapport.EINVALID)
	if n := len(outbox()); n != 0 {
		t.Fatalf("a refused change queued %d messages, want none", n)
	}
	// Others cannot tell the customers behind a wall they are not in.
	_, _, err = db.InformFeedbackByEmail(ctx, f.loner, fb.ID, withResolution(in, "x"))
	wantCode(t, err, rapport.EFORBIDDEN)

	got, m, err := db.InformFeedbackByEmail(ctx, f.sales, fb.ID, withResolution(in, "We sent a new desk"))
	must(t, err)
	if got.Status != rapport.FeedbackInformed || got.InformedVia != "email" || got.Resolution != "We sent a new desk" {
		t.Errorf("informed: status %s via %s resolution %q", got.Status, got.InformedVia, got.Resolution)
	}
	ms := outbox()
	if len(ms) != 1 || ms[0].ID != m.ID || ms[0].Purpose != rapport.MailFeedbackInformed || ms[0].Ref != fb.ID.String() ||
		ms[0].ToAddress != "ana@loop.test" {
		t.Fatalf("outbox after informing: %+v, want one message to Ana about the feedback", ms)
	}
	if strings.Contains(m.Text, "{") || !strings.Contains(m.Text, "Hallo Ana Loop: We sent a new desk.") {
		t.Errorf("the message's text %q must have every placeholder filled", m.Text)
	}
	match := portalLink.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no link in %q", m.Text)
	}
	token := match[1]
	// Informed feedback cannot be informed again by e-mail: still one message.
	_, _, err = db.InformFeedbackByEmail(ctx, f.sales, fb.ID, in)
	wantCode(t, err, rapport.EINVALID)
	if n := len(outbox()); n != 1 {
		t.Errorf("outbox has %d messages, want 1", n)
	}

	// Without an e-mail address: say so.
	quiet := logFeedback(mute, "Too loud.")
	_, _, err = db.InformFeedbackByEmail(ctx, f.sales, quiet.ID, withResolution(in, "Quieter now"))
	if e := (*rapport.Error)(nil); !errors.As(err, &e) || e.Fields["to"] == "" {
		t.Errorf("informing a customer without e-mail: %v, want an error naming to", err)
	}

	// The link.
	other := token[:31] + "x"
	if token[31] == 'x' {
		other = token[:31] + "y"
	}
	for _, bad := range []string{"", "nope", strings.Repeat("A", 32), other} {
		if _, err := db.FindFeedbackLink(ctx, bad); rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("link %q of token %q: %v, want not found", bad, token, err)
		}
	}
	l, err := db.FindFeedbackLink(ctx, token)
	must(t, err)
	// An agent logged it: their words are not shown to the customer (see OwnFeedbackShown).
	if l.FeedbackID != fb.ID || l.Text != "" || l.Resolution != "We sent a new desk" || l.AnsweredAt != nil {
		t.Errorf("link shows %+v", l)
	}
	yes, no := true, false
	_, err = db.AnswerFeedbackLink(ctx, token, "", rapport.FeedbackAnswer{Resolved: &yes, Rating: 6})
	wantCode(t, err, rapport.EINVALID)
	_, err = db.AnswerFeedbackLink(ctx, token, "", rapport.FeedbackAnswer{Rating: 3})
	wantCode(t, err, rapport.EINVALID)
	_, err = db.AnswerFeedbackLink(ctx, token, "", rapport.FeedbackAnswer{Resolved: &yes, Rating: 5, Comment: "<script>alert(1)</script> thanks"})
	must(t, err)
	_, err = db.AnswerFeedbackLink(ctx, token, "", rapport.FeedbackAnswer{Resolved: &no, Rating: 1})
	wantCode(t, err, rapport.ECONFLICT)
	after, steps, err := db.FindFeedbackHistory(ctx, f.sales, fb.ID)
	must(t, err)
	if after.Status != rapport.FeedbackInformed || after.Confirmed == nil || !*after.Confirmed || after.Rating != 5 ||
		after.CustomerComment != "<script>alert(1)</script> thanks" {
		t.Errorf("after a yes: status %s confirmed %v rating %d comment %q", after.Status, after.Confirmed, after.Rating, after.CustomerComment)
	}
	if last := steps[len(steps)-1]; last.Event != rapport.FeedbackConfirmed || last.ActorName != "the customer" {
		t.Errorf("last step %+v, want confirmed by the customer", last)
	}
	if l, err := db.FindFeedbackLink(ctx, token); err != nil || l.AnsweredAt == nil || l.Rating != 5 {
		t.Errorf("a second visit shows the answer: %+v, %v", l, err)
	}
	page, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 20})
	must(t, err)
	answered := false
	for _, in := range page {
		var attrs map[string]any
		_ = json.Unmarshal(in.Attributes, &attrs)
		if attrs["feedback_event"] == "answered" && attrs["rating"] == float64(5) && attrs["confirmed"] == true {
			answered = true
		}
	}
	if !answered {
		t.Errorf("no timeline entry with the answer among %d", len(page))
	}

	// "Not resolved" reopens; the link expires after 60 days.
	fb2 := logFeedback(ana, "The chair squeaks.")
	_, m2, err := db.InformFeedbackByEmail(ctx, f.sales, fb2.ID, withResolution(in, "Oiled it"))
	must(t, err)
	token2 := portalLink.FindStringSubmatch(m2.Text)[1]
	fb3 := logFeedback(ana, "The lamp flickers.")
	_, m3, err := db.InformFeedbackByEmail(ctx, f.sales, fb3.ID, withResolution(in, "New bulb"))
	must(t, err)
	token3 := portalLink.FindStringSubmatch(m3.Text)[1]
	clock = clock.Add(59 * 24 * time.Hour)
	_, err = db.AnswerFeedbackLink(ctx, token2, "", rapport.FeedbackAnswer{Resolved: &no, Rating: 2, Comment: "Still squeaks"})
	must(t, err)
	after, steps, err = db.FindFeedbackHistory(ctx, f.sales, fb2.ID)
	must(t, err)
	if after.Status != rapport.FeedbackInProgress || after.Confirmed == nil || *after.Confirmed || after.Rating != 2 {
		t.Errorf("after a no: status %s confirmed %v rating %d", after.Status, after.Confirmed, after.Rating)
	}
	if last := steps[len(steps)-1]; last.Event != rapport.FeedbackReopened || last.ActorName != "the customer" ||
		!strings.Contains(last.Note, "Still squeaks") {
		t.Errorf("last step %+v, want reopened by the customer", last)
	}
	clock = clock.Add(2 * 24 * time.Hour)
	_, err = db.FindFeedbackLink(ctx, token3)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.AnswerFeedbackLink(ctx, token3, "", rapport.FeedbackAnswer{Resolved: &yes})
	wantCode(t, err, rapport.ENOTFOUND)
}

func withResolution(in rapport.FeedbackInform, r string) rapport.FeedbackInform {
	in.Resolution = r
	return in
}

// testFeedbackIntake: e-mail becomes feedback once per Message-ID, for the customer
// with the sender's address; a reply to what was done answers that feedback; a walled
// customer's feedback stays hidden from outsiders.
func testFeedbackIntake(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Intake", "ana@intake.test")
	secret := mustPerson(t, db, "Sam", "Secret", "sam@secret.test")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	intake := rapport.SystemScope("intake")

	_, err := db.ReceiveFeedbackMail(ctx, f.admin, &rapport.IncomingFeedback{FromAddress: "ana@intake.test", MessageID: "<x@y>"})
	wantCode(t, err, rapport.EFORBIDDEN)

	msg := &rapport.IncomingFeedback{FromAddress: "ANA@intake.test", Subject: "Late delivery", Text: "Three weeks late.",
		MessageID: "<1@mail.test>", Kind: "complaint", SenderVerified: true, NotKept: []string{"video.mp4"}, Attachments: []*rapport.Attachment{
			{Name: "photo.jpg", ContentType: "image/jpeg", Size: 10, SHA256: strings.Repeat("a", 64), StorageKey: "key-photo"}}}
	res, err := db.ReceiveFeedbackMail(ctx, intake, msg)
	must(t, err)
	if !res.Created || res.CustomerID != ana.ID || msg.Attachments[0].ID.IsZero() {
		t.Fatalf("first delivery: %+v, attachment %+v; want new feedback for Ana with its photo recorded", res, msg.Attachments[0])
	}
	// The retry (the sender did not hear our answer) adds nothing but what was missing.
	retry := *msg
	retry.Attachments = []*rapport.Attachment{
		{Name: "photo.jpg", ContentType: "image/jpeg", Size: 10, SHA256: strings.Repeat("a", 64), StorageKey: "key-photo-2"},
		{Name: "letter.pdf", ContentType: "application/pdf", Size: 20, SHA256: strings.Repeat("b", 64), StorageKey: "key-letter"}}
	again, err := db.ReceiveFeedbackMail(ctx, intake, &retry)
	must(t, err)
	if again.Created || !again.Duplicate || again.FeedbackID != res.FeedbackID || !retry.Attachments[0].ID.IsZero() || retry.Attachments[1].ID.IsZero() {
		t.Errorf("the retried delivery: %+v, want the same feedback, not created, and only the letter added", again)
	}
	files, err := db.FindFeedbackAttachments(ctx, f.sales, res.FeedbackID)
	must(t, err)
	if len(files) != 2 || files[0].Name != "photo.jpg" || files[1].Name != "letter.pdf" || files[0].CustomerID != ana.ID {
		t.Errorf("the feedback's files: %+v", files)
	}
	if a, err := db.FindAttachmentByID(ctx, f.sales, files[0].ID); err != nil || a.FeedbackID != res.FeedbackID {
		t.Errorf("find a feedback attachment: %+v, %v", a, err)
	}
	fb, err := db.FindFeedbackByID(ctx, f.sales, res.FeedbackID)
	must(t, err)
	if fb.Channel != "email" || fb.Source != "email" || fb.SourceKey != "<1@mail.test>" || fb.Kind != "complaint" ||
		!strings.HasPrefix(fb.Text, "Late delivery\n\nThree weeks late.") || !strings.Contains(fb.Text, "not kept: video.mp4") {
		t.Errorf("feedback from e-mail: %+v", fb)
	}

	stranger, err := db.ReceiveFeedbackMail(ctx, intake, &rapport.IncomingFeedback{FromAddress: "who@else.test", FromName: "Who",
		Subject: "Idea", Text: "Open on Sundays", MessageID: "<2@mail.test>", Kind: "suggestion"})
	must(t, err)
	fb, err = db.FindFeedbackByID(ctx, f.loner, stranger.FeedbackID)
	must(t, err)
	if !fb.CustomerID.IsZero() || !strings.Contains(fb.Text, "Who <who@else.test>") {
		t.Errorf("feedback from an unknown sender: customer %v text %q", fb.CustomerID, fb.Text)
	}

	// A walled customer's e-mail is for the wall's team only.
	walled, err := db.ReceiveFeedbackMail(ctx, intake, &rapport.IncomingFeedback{FromAddress: "sam@secret.test", Text: "Hush",
		MessageID: "<3@mail.test>", Kind: "observation", SenderVerified: true})
	must(t, err)
	_, err = db.FindFeedbackByID(ctx, f.sales, walled.FeedbackID)
	wantCode(t, err, rapport.ENOTFOUND)
	list, _, err := db.FindFeedback(ctx, f.sales, rapport.FeedbackFilter{})
	must(t, err)
	for _, x := range list {
		if x.ID == walled.FeedbackID {
			t.Errorf("an outsider lists the walled customer's feedback")
		}
	}
	_, err = db.FindFeedbackByID(ctx, f.deals, walled.FeedbackID)
	must(t, err)
	// Files of walled feedback are the wall's team's alone; analysts may attach, as they may log feedback.
	hush := &rapport.Attachment{FeedbackID: walled.FeedbackID, Name: "hush.txt", ContentType: "text/plain", Size: 4, SHA256: strings.Repeat("c", 64), StorageKey: "key-hush"}
	wantCode(t, db.CreateAttachment(ctx, f.sales, hush), rapport.ENOTFOUND)
	must(t, db.CreateAttachment(ctx, f.deals, hush))
	_, err = db.FindAttachmentByID(ctx, f.sales, hush.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.FindFeedbackAttachments(ctx, f.sales, walled.FeedbackID)
	wantCode(t, err, rapport.ENOTFOUND)
	must(t, db.CreateAttachment(ctx, f.loner, &rapport.Attachment{FeedbackID: stranger.FeedbackID, Name: "note.txt", ContentType: "text/plain",
		Size: 4, SHA256: strings.Repeat("d", 64), StorageKey: "key-note"}))

	// A reply to what was done answers that feedback.
	in := rapport.FeedbackInform{Subject: "Done", Text: "{link}", Resolution: "Refunded the shipping", BaseURL: "https://crm.test"}
	_, m, err := db.InformFeedbackByEmail(ctx, f.sales, res.FeedbackID, in)
	must(t, err)
	claimed, err := db.ClaimMail(ctx, 10, time.Minute)
	must(t, err)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	must(t, db.MailSent(ctx, m.ID, "<sent-1@acme.test>"))
	// One claiming to be Ana, not verified, is not her answer but feedback of no one.
	forged := &rapport.IncomingFeedback{FromAddress: "ana@intake.test", Subject: "Re: Done", Text: "Not resolved at all, refund me twice.",
		MessageID: "unverified mallory@evil.test <9@mail.test>", InReplyTo: "<sent-1@acme.test>"}
	r, err := db.ReceiveFeedbackMail(ctx, intake, forged)
	must(t, err)
	fb, err = db.FindFeedbackByID(ctx, f.loner, r.FeedbackID)
	must(t, err)
	if r.Reply || !r.Created || !fb.CustomerID.IsZero() || !strings.HasPrefix(fb.Text, "From: ana@intake.test (sender not verified)") {
		t.Errorf("a forged reply: %+v, customer %v, text %q; want new feedback of no customer, its sender not verified", r, fb.CustomerID, fb.Text)
	}
	reply := &rapport.IncomingFeedback{FromAddress: "ana@intake.test", Subject: "Re: Done", Text: "Thanks, all good now.",
		MessageID: "<4@mail.test>", InReplyTo: "<sent-1@acme.test>", SenderVerified: true}
	r, err = db.ReceiveFeedbackMail(ctx, intake, reply)
	must(t, err)
	if !r.Reply || r.Created || r.FeedbackID != res.FeedbackID {
		t.Errorf("reply: %+v, want the answer to feedback %s", r, res.FeedbackID)
	}
	r, err = db.ReceiveFeedbackMail(ctx, intake, reply)
	must(t, err)
	if !r.Duplicate {
		t.Errorf("the reply delivered again: %+v, want a duplicate", r)
	}
	after, steps, err := db.FindFeedbackHistory(ctx, f.sales, res.FeedbackID)
	must(t, err)
	if after.CustomerComment != "Thanks, all good now." || after.AnsweredAt == nil || after.Status != rapport.FeedbackInformed {
		t.Errorf("after the reply: %+v", after)
	}
	n := 0
	for _, st := range steps {
		if st.Event == rapport.FeedbackAnswered {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d answered steps in the history, want 1", n)
	}
	list, _, err = db.FindFeedback(ctx, f.sales, rapport.FeedbackFilter{})
	must(t, err)
	if len(list) != 3 {
		t.Errorf("sales sees %d pieces of feedback, want 3 (Ana's, the stranger's and the forged reply; the reply is not new feedback, the walled one is hidden)", len(list))
	}
}
