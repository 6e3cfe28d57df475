package sqldbtest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testOwnFeedbackShown: a customer is shown, and quoted, only the feedback they gave
// themselves — in the portal, by e-mail, as a survey answer — never what staff logged
// about them: an observation, a line of a note, a call written up by an agent. A low
// survey score's complaint names no internal survey.
func testOwnFeedbackShown(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	clock := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	ana := mustPerson(t, db, "Ana", "Own", "ana@own.test")
	anaS := rapport.CustomerScope(ana.ID, "198.51.100.7")
	logged := func(fb *rapport.Feedback) *rapport.Feedback {
		t.Helper()
		fb.CustomerID = ana.ID
		_, err := db.CreateFeedback(ctx, f.sales, fb)
		must(t, err)
		return fb
	}

	// What staff logged.
	observation := logged(&rapport.Feedback{Kind: "observation", Text: "Wants a discount, we think she is bluffing."})
	note := &rapport.Note{CustomerID: ana.ID, Visibility: rapport.VisibilityPrivate, Body: "She may leave for Rival; keep it quiet."}
	must(t, db.CreateNote(ctx, f.sales, note))
	fromNote := logged(&rapport.Feedback{Kind: "need", Text: "She may leave for Rival; keep it quiet.", NoteID: note.ID, Channel: "in_person"})
	call := logged(&rapport.Feedback{Kind: "complaint", Text: "Rang, fuming again; usual drama.", Channel: "phone"})

	// What she gave herself: in the portal, by e-mail, in a survey.
	portal, err := db.GiveFeedback(ctx, anaS, "suggestion", "", "Please open on Saturdays.")
	must(t, err)
	res, err := db.ReceiveFeedbackMail(ctx, rapport.SystemScope("intake"), &rapport.IncomingFeedback{FromAddress: "ana@own.test",
		Subject: "Late", Text: "The parcel is late.", MessageID: "<own-1@mail.test>", Kind: "complaint", SenderVerified: true})
	must(t, err)
	// Mail to an address that names no kind is taken as an observation, in her words.
	plain, err := db.ReceiveFeedbackMail(ctx, rapport.SystemScope("intake"), &rapport.IncomingFeedback{FromAddress: "ana@own.test",
		Text: "Love the new app.", MessageID: "<own-2@mail.test>", Kind: "observation", SenderVerified: true})
	must(t, err)
	grant(t, db, ana)
	people := &rapport.Segment{Name: "People", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, people))
	nps := &rapport.Survey{Name: "Q3 churn-risk push (internal)", Kind: rapport.SurveyNPS}
	must(t, db.CreateSurvey(ctx, f.admin, nps))
	_, err = db.SendSurvey(ctx, f.admin, nps.ID, people.ID, "https://crm.test")
	must(t, err)
	answer, err := db.AnswerSurvey(ctx, rapport.PortalScope("198.51.100.7"), surveyTokens(t, db)["ana@own.test"][0], rapport.SurveyAnswer{Score: 2})
	must(t, err)
	survey, err := db.FindFeedbackByID(ctx, f.sales, answer.FeedbackID)
	must(t, err)
	if want := "Scored 2 of 10 on “" + nps.Question + "” in our survey."; survey.Text != want {
		t.Errorf("the survey's complaint reads %q, want %q", survey.Text, want)
	}
	// Its sentiment is the score's, not that of the question's words ("recommend").
	if want := nps.Kind.Sentiment(2); survey.Sentiment != want || rapport.Tone(survey.Sentiment) != "negative" {
		t.Errorf("the survey's complaint has sentiment %v, want %v (negative)", survey.Sentiment, want)
	}

	// The help centre's account page lists only hers.
	p, err := db.FindMyProfile(ctx, anaS)
	must(t, err)
	var shown []string
	for _, fb := range p.Feedback {
		shown = append(shown, fb.Text)
		if strings.Contains(fb.Text, nps.Name) {
			t.Errorf("the customer reads the internal survey name in %q", fb.Text)
		}
	}
	slices.Sort(shown)
	want := []string{"Late\n\nThe parcel is late.", "Love the new app.", portal.Text, survey.Text}
	slices.Sort(want)
	if !slices.Equal(shown, want) {
		t.Errorf("the customer is shown %q, want only what she gave: %q", shown, want)
	}
	// The store's SQL and Feedback.FromCustomer agree.
	all, _, err := db.FindFeedback(ctx, f.sales, rapport.FeedbackFilter{CustomerID: ana.ID})
	must(t, err)
	for _, fb := range all {
		if own := fb.ID == portal.ID || fb.ID == res.FeedbackID || fb.ID == plain.FeedbackID || fb.ID == survey.ID; fb.FromCustomer() != own {
			t.Errorf("%q: FromCustomer %v, want %v", fb.Text, fb.FromCustomer(), own)
		}
	}

	// Telling her what was done quotes her own words, and never staff's.
	in := rapport.FeedbackInform{Subject: "About {feedback}", Text: rapport.BuiltInFeedbackTemplates["en"].Body,
		Resolution: "Sorted it out", BaseURL: "https://crm.test"}
	for _, c := range []struct {
		name  string
		id    rapport.ID
		quote string
	}{
		{"an observation", observation.ID, ""},
		{"a line of a note", fromNote.ID, ""},
		{"a call an agent wrote up", call.ID, ""},
		{"portal feedback", portal.ID, portal.Text},
	} {
		d, err := db.DraftFeedbackMail(ctx, f.sales, c.id, "Acme")
		must(t, err)
		_, m, err := db.InformFeedbackByEmail(ctx, f.sales, c.id, in)
		must(t, err)
		l, err := db.FindFeedbackLink(ctx, portalLink.FindStringSubmatch(m.Text)[1])
		must(t, err)
		if c.quote == "" {
			for _, got := range []string{d.Subject, d.Text, m.Subject, m.Text, l.Text} {
				if strings.Contains(got, "You told us") || strings.Contains(got, "{feedback}") || strings.Contains(got, "bluffing") ||
					strings.Contains(got, "Rival") || strings.Contains(got, "drama") {
					t.Errorf("%s: the customer is told %q", c.name, got)
				}
			}
			if m.Subject != "About" || !strings.HasPrefix(m.Text, "Dear Ana Own,\n\nThank you. This is what we did:\nSorted it out\n") {
				t.Errorf("%s: the message without the quote: %q, %q", c.name, m.Subject, m.Text)
			}
			continue
		}
		if !strings.Contains(d.Text, "You told us: “"+c.quote+"”") || !strings.Contains(m.Text, "You told us: “"+c.quote+"”") ||
			m.Subject != "About "+c.quote || l.Text != c.quote {
			t.Errorf("%s: draft %q, message %q / %q, link %q; want her words quoted", c.name, d.Text, m.Subject, m.Text, l.Text)
		}
	}
}
