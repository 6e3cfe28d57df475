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

// testOutbox: queued mail is claimed once, retried with growing waits, given up after
// a final refusal or its last attempt, and once sent lands on the timeline of the
// profile that holds its customer then; only admins read the outbox.
func testOutbox(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	ana := mustPerson(t, db, "Ana", "Mail", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Mail", "ana.mail@example.com")

	bad := &rapport.Mail{Purpose: "test", ToAddress: "not an address", Subject: " "}
	if err := db.QueueMail(ctx, system, bad); rapport.ErrorCode(err) != rapport.EINVALID {
		t.Errorf("a bad message was queued: %v", err)
	} else if e := (*rapport.Error)(nil); !errors.As(err, &e) || e.Fields["to_address"] == "" || e.Fields["subject"] == "" {
		t.Errorf("the error %v must name to_address and subject", err)
	}

	toDup := &rapport.Mail{CustomerID: dup.ID, Purpose: "feedback_informed", Ref: "F1", ToAddress: "ana.mail@example.com",
		ToName: "Ana Mail", Subject: "What we did", Text: "We replaced the desk."}
	toStaff := &rapport.Mail{Purpose: "escalation", ToAddress: "boss@firm.test", Subject: "Overdue", Text: "Look."}
	must(t, db.QueueMail(ctx, system, toDup))
	must(t, db.QueueMail(ctx, system, toStaff))
	jobs, err := db.FindJobs(ctx, system, rapport.JobMail, 10)
	must(t, err)
	if len(jobs) != 1 || jobs[0].State != rapport.JobQueued {
		t.Errorf("queuing mail queues one mail job: %+v", jobs)
	}

	claimed, err := db.ClaimMail(ctx, 10, 5*time.Minute)
	must(t, err)
	if len(claimed) != 2 || claimed[0].Attempts != 1 {
		t.Fatalf("claimed %d messages (attempts %v), want both, first attempt", len(claimed), claimed)
	}
	if again, err := db.ClaimMail(ctx, 10, 5*time.Minute); err != nil || len(again) != 0 {
		t.Errorf("claimed messages are held: claimed again %d, %v", len(again), err)
	}

	// The customer is merged before the message is sent: the entry goes to the survivor.
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
	must(t, err)
	must(t, db.MailSent(ctx, toDup.ID, "<abc@firm.test>"))
	if err := db.MailSent(ctx, toDup.ID, "<abc@firm.test>"); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("sent twice: %v", err)
	}
	page, _, err := db.FindInteractions(ctx, system, rapport.InteractionFilter{CustomerID: ana.ID, Limit: 10})
	must(t, err)
	var entry *rapport.Interaction
	for _, in := range page {
		if in.Type == "email" {
			entry = in
		}
	}
	if entry == nil || entry.Summary != "What we did" || entry.Body != "We replaced the desk." || entry.ActorKind != rapport.ActorSystem {
		t.Fatalf("timeline entry of the sent mail: %+v", entry)
	}
	var attrs map[string]string
	must(t, json.Unmarshal(entry.Attributes, &attrs))
	if attrs["direction"] != "outbound" || attrs["purpose"] != "feedback_informed" || attrs["ref"] != "F1" || attrs["message_id"] != "<abc@firm.test>" {
		t.Errorf("entry attributes %v", attrs)
	}

	// A temporary failure waits a minute, then five; a final one gives up.
	must(t, db.MailFailed(ctx, toStaff.ID, "451 try later", false))
	if got, _ := db.ClaimMail(ctx, 10, time.Minute); len(got) != 0 {
		t.Error("a failed message was tried again at once")
	}
	clock = clock.Add(61 * time.Second)
	got, err := db.ClaimMail(ctx, 10, time.Minute)
	must(t, err)
	if len(got) != 1 || got[0].Attempts != 2 || got[0].LastError != "451 try later" {
		t.Fatalf("after a minute: %+v", got)
	}
	must(t, db.MailFailed(ctx, toStaff.ID, "550 no such mailbox", true))
	clock = clock.Add(24 * time.Hour)
	if got, _ := db.ClaimMail(ctx, 10, time.Minute); len(got) != 0 {
		t.Error("a refused message was tried again")
	}

	// Given up after MailMaxAttempts temporary failures.
	last := &rapport.Mail{Purpose: "test", ToAddress: "x@firm.test", Subject: "s", Text: "t"}
	must(t, db.QueueMail(ctx, system, last))
	for i := 1; i <= rapport.MailMaxAttempts; i++ {
		got, err := db.ClaimMail(ctx, 10, time.Minute)
		must(t, err)
		if len(got) != 1 {
			t.Fatalf("attempt %d: claimed %d", i, len(got))
		}
		must(t, db.MailFailed(ctx, last.ID, "timeout", false))
		clock = clock.Add(rapport.MailRetryAfter(i) + time.Second)
	}
	if got, _ := db.ClaimMail(ctx, 10, time.Minute); len(got) != 0 {
		t.Errorf("tried a %dth time", rapport.MailMaxAttempts+1)
	}

	if _, err := db.FindOutbox(ctx, f.sales, rapport.OutboxFilter{}); rapport.ErrorCode(err) != rapport.EFORBIDDEN {
		t.Errorf("an agent read the outbox: %v", err)
	}
	all, err := db.FindOutbox(ctx, f.admin, rapport.OutboxFilter{})
	must(t, err)
	failed, err := db.FindOutbox(ctx, f.admin, rapport.OutboxFilter{State: rapport.MailFailed})
	must(t, err)
	if len(all) != 3 || len(failed) != 2 {
		t.Errorf("outbox %d messages, %d failed; want 3 and 2", len(all), len(failed))
	}
	for _, m := range failed {
		if m.ID == toStaff.ID && m.LastError != "550 no such mailbox" {
			t.Errorf("the refusal is kept: %q", m.LastError)
		}
	}
}

// testMailedKeys: the links mailed to a customer that act for them (choose the
// password of their help centre account, answer a survey, say whether their feedback
// was resolved) are theirs alone. Once the message is sent, its entry on the timeline,
// which everyone who may see the customer reads (analysts too), keeps the message
// without them.
func testMailedKeys(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	bob := mustPerson(t, db, "Bob", "Keys", "bob@keys.test")
	_, err := db.InviteCustomer(ctx, f.sales, bob.ID, "bob@keys.test", rapport.PortalMail{BaseURL: "https://crm.test", Firm: "Acme"})
	must(t, err)
	grant(t, db, bob)
	people := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, people))
	nps := &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS}
	must(t, db.CreateSurvey(ctx, f.admin, nps))
	_, err = db.SendSurvey(ctx, f.admin, nps.ID, people.ID, "https://crm.test")
	must(t, err)
	fb := &rapport.Feedback{CustomerID: bob.ID, Kind: "complaint", Text: "The lid breaks."}
	_, err = db.CreateFeedback(ctx, f.sales, fb)
	must(t, err)
	_, _, err = db.InformFeedbackByEmail(ctx, f.sales, fb.ID, rapport.FeedbackInform{Subject: "Your lid",
		Text: "We sent a new one. Did it help? {link}", Resolution: "New lid sent", BaseURL: "https://crm.test", Firm: "Acme"})
	must(t, err)

	keys := regexp.MustCompile(`/(?:help/password|portal/survey|portal/feedback)/([A-Za-z0-9_-]{16,})`)
	ms, err := db.ClaimMail(ctx, 10, time.Minute)
	must(t, err)
	var secrets []string
	for _, m := range ms {
		for _, sub := range keys.FindAllStringSubmatch(m.Text, -1) {
			secrets = append(secrets, sub[1])
		}
		must(t, db.MailSent(ctx, m.ID, "<"+m.ID.String()+"@crm.test>"))
	}
	if len(ms) != 3 || len(secrets) != 3 {
		t.Fatalf("sent %d messages with %d links, want the invitation, the survey and the answer, each with its link", len(ms), len(secrets))
	}
	for name, s := range map[string]rapport.Scope{"analyst": f.loner, "agent": f.sales, "admin": f.admin} {
		page, _, err := db.FindInteractions(ctx, s, rapport.InteractionFilter{CustomerID: bob.ID, Limit: 50})
		must(t, err)
		mails := 0
		for _, in := range page {
			if in.Type != "email" {
				continue
			}
			mails++
			for _, secret := range secrets {
				if strings.Contains(in.Body, secret) || strings.Contains(in.Summary, secret) || strings.Contains(string(in.Attributes), secret) {
					t.Errorf("%s reads the customer's link %s on the timeline: %q", name, secret, in.Body)
				}
			}
			if !strings.Contains(in.Body, "https://crm.test/") {
				t.Errorf("the timeline entry no longer says where the link went: %q", in.Body)
			}
		}
		if mails != 3 {
			t.Errorf("%s sees %d sent messages on the timeline, want 3", name, mails)
		}
	}
}
