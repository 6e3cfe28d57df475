package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestSurveyPageForCustomer: the customer's survey page is the customer's, never
// staff's: under the question they are asked in their language (page lang to match,
// the English words marked as English), without the internal survey name; a link
// that does not work gets a page for them, not the staff app's error page.
func TestSurveyPageForCustomer(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			sys := rapport.SystemScope("test")
			_, err := e.db.UpdateCustomer(ctx, sys, e.open.ID, rapport.CustomerUpdate{Language: new("de-AT"), Version: e.open.Version})
			must(t, err)
			_, err = e.db.RecordConsent(ctx, sys, e.open.ID, rapport.Consent{Purpose: "surveys", Granted: true, Source: "test"})
			must(t, err)
			people := &rapport.Segment{Name: "People", Rule: "kind = person"}
			must(t, e.db.CreateSegment(ctx, sys, people))
			const question = "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?"
			v := &rapport.Survey{Name: "Q3 churn-risk push", Kind: rapport.SurveyNPS,
				Translations: map[string]rapport.SurveyText{"de": {Question: question, Intro: "Danke, dass Sie bei uns sind."}},
				FollowUps:    []rapport.FollowUp{{Text: "How well did we deliver?", Kind: "scale", Max: 5}}}
			must(t, e.db.CreateSurvey(ctx, sys, v))
			_, err = e.db.SendSurvey(ctx, sys, v.ID, people.ID, e.srv.URL)
			must(t, err)
			ms, err := e.db.FindOutbox(ctx, sys, rapport.OutboxFilter{})
			must(t, err)
			if len(ms) != 1 || strings.Contains(ms[0].Text, "one tap") || !strings.Contains(ms[0].Text, question) {
				t.Errorf("the invitation reads %q; want the question, and no promise of one tap for a form", ms[0].Text)
			}
			portal := "/portal/survey/" + e.surveyTokens()["otto@open.example"]

			status, body := e.customerGet(portal)
			title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)
			if status != 200 || !strings.Contains(body, `<html lang="de">`) || title == nil || !strings.HasPrefix(title[1], question) ||
				!strings.Contains(body, "<h1>"+question+"</h1>") || strings.Contains(body, "churn-risk") || strings.Contains(body, `href="/customers"`) {
				t.Fatalf("got %d; want the page in German under the question, without the survey's name or staff links: %s", status, body)
			}
			for _, english := range []string{`lang="en"><small>Not at all likely</small>`, `lang="en">How well did we deliver? <small>(optional)</small>`,
				`lang="en">Anything you would like to tell us? <small>(optional)</small>`, `lang="en">Send my answer</button>`} {
				if !strings.Contains(body, english) {
					t.Errorf("the page lacks %q: English words on a German page are marked as English", english)
				}
			}

			// The words at the ends of the scale, shown beside it and hidden from screen
			// readers there, are in the names of the first and last scores, for those who
			// hear the scores rather than see them.
			tags := regexp.MustCompile(`<[^>]*>`)
			for score, want := range map[string]string{"0": "0: Not at all likely", "5": "5", "10": "10: Extremely likely"} {
				label := regexp.MustCompile(`<label><input type="radio" name="score" value="` + score + `"[^>]*>(.*?)</label>`).FindStringSubmatch(body)
				if label == nil || tags.ReplaceAllString(label[1], "") != want {
					t.Errorf("the label of score %s: %q, want the text %q", score, label, want)
				}
			}

			// A follow-up scale takes a whole number on it, and says so at its field.
			for _, bad := range []string{"999", "banana", "0"} {
				res, body := e.customerPost(portal, url.Values{"score": {"3"}, "answer_1": {bad}, "comment": {"kept"}})
				if res.StatusCode != 400 || !strings.Contains(body, `class="field invalid"><label for="answer-1"`) ||
					!strings.Contains(body, "Answer with a whole number from 1 to 5") || !strings.Contains(body, ">kept</textarea>") {
					t.Errorf("answer_1=%s: got %d; want 400 with the mistake at the field: %s", bad, res.StatusCode, body)
				}
			}
			if rs, _, _ := e.db.FindResponses(ctx, sys, v.ID, 10, ""); len(rs) != 0 {
				t.Fatalf("a refused answer was stored: %+v", rs)
			}

			// A double click: the first answers sent at once are all taken, as one. (The
			// refused answers sent at once first open the connections, so that these meet
			// in the database.)
			atOnce := func(n int, form url.Values) []int {
				var wg sync.WaitGroup
				codes := make([]int, n)
				for i := range codes {
					wg.Go(func() {
						res, _ := e.customerPost(portal, form)
						codes[i] = res.StatusCode
					})
				}
				wg.Wait()
				return codes
			}
			atOnce(8, url.Values{"score": {"99"}})
			codes := atOnce(4, url.Values{"score": {"3"}, "answer_1": {"4"}})
			for i, code := range codes {
				if code != 303 {
					t.Errorf("answer %d of 4 sent at once: got %d, want 303", i+1, code)
				}
			}
			if rs, _, _ := e.db.FindResponses(ctx, sys, v.ID, 10, ""); len(rs) != 1 || rs[0].Answers["1"] != "4" {
				t.Errorf("responses %+v, want one with 4 on the scale", rs)
			}
			if _, body := e.customerGet(portal); !strings.Contains(body, "<h1>"+question+"</h1>") || !strings.Contains(body, `lang="en"`) ||
				!strings.Contains(body, "Your answer: <strong>3</strong>") {
				t.Errorf("the thanks page: %s", body)
			}

			// Links that do not work: mistyped, or of a deleted survey.
			must(t, e.db.DeleteSurvey(ctx, sys, v.ID))
			for _, bad := range []string{"/portal/survey/nonexistenttoken123", portal} {
				status, body := e.customerGet(bad)
				res, posted := e.customerPost(bad, url.Values{"score": {"3"}})
				for _, got := range []string{body, posted} {
					if !strings.Contains(got, "This link does not work") || strings.Contains(got, `href="/customers"`) ||
						strings.Contains(got, `href="/sign-in"`) || strings.Contains(got, "Not found") {
						t.Errorf("%s: the customer gets %s", bad, got)
					}
				}
				if status != 404 || res.StatusCode != 404 {
					t.Errorf("%s: got %d and %d, want 404", bad, status, res.StatusCode)
				}
			}
		})
	}
}
