package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestVisitReport writes up a visit without JavaScript: the template's form, its
// mistakes, the sections on the timeline, and a line of it logged as feedback that
// points back to the note.
func TestVisitReport(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")
			profile := "/customers/" + e.open.ID.String()

			if _, body := agent.get(profile); !strings.Contains(body, profile+"/notes/new?template=visit") {
				t.Fatal("the profile has no way to write up a visit")
			} else if !strings.Contains(body, `template=meeting">Meeting notes</a>`) || strings.Contains(body, "a meeting notes") {
				t.Error("the profile does not offer meeting notes in good English")
			}
			status, body := agent.get(profile + "/notes/new?template=interview")
			if status != 200 || !strings.Contains(body, "What we saw them doing") || !strings.Contains(body, `name="section.ideas"`) {
				t.Fatalf("got %d; want the interview's sections", status)
			}
			if status, _ := agent.get(profile + "/notes/new?template=picnic"); status != 400 {
				t.Errorf("an unknown template: %d", status)
			}
			// No template: a plain note, whose form is on the profile.
			if res, _ := agent.fetch(profile + "/notes/new"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != profile+"#add-note" {
				t.Errorf("no template: got %d to %q, want the profile's note form", res.StatusCode, res.Header.Get("Location"))
			}
			if status, _ := agent.get("/customers/" + e.walled.ID.String() + "/notes/new?template=visit"); status != 404 {
				t.Errorf("a walled customer's form: %d", status)
			}

			res, body := agent.post(profile+"/notes", url.Values{"template": {"visit"}, "visibility": {"staff"}, "section.said": {" "}})
			if res.StatusCode != 422 || !strings.Contains(body, "Write at least one section") || !strings.Contains(body, "Visit report") {
				t.Errorf("got %d; want the visit form again with its mistake", res.StatusCode)
			}
			res, body = agent.post(profile+"/notes", url.Values{"template": {"visit"}, "visibility": {"staff"}, "section.aim": {"Grow"}, "section.next": {strings.Repeat("x", 5001)}})
			if res.StatusCode != 422 || !strings.Contains(body, `<div class="field invalid"><label for="s-next">`) || !strings.Contains(body, ">Grow</textarea>") {
				t.Errorf("got %d; want the overlong section marked, what was typed kept", res.StatusCode)
			}

			res, _ = agent.post(profile+"/notes", url.Values{"template": {"visit"}, "visibility": {"staff"},
				"section.aim":  {"Run three depots from one office"},
				"section.said": {"The scanner app logs them out <b>every hour</b>\nInvoices should be per depot"},
				"section.next": {"Quote by Friday"}})
			if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), profile+"#note-") {
				t.Fatalf("got %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			_, body = agent.get(profile)
			if !strings.Contains(body, "<h4>What they said</h4>") || !strings.Contains(body, "logs them out &lt;b&gt;every hour&lt;/b&gt;") {
				t.Fatal("the timeline does not show the visit's sections, escaped")
			}
			links := regexp.MustCompile(`href="(/feedback/new\?[^"]+)"[^>]*>→ feedback`).FindAllStringSubmatch(body, -1)
			if len(links) != 3 { // aim and the two lines said; next steps are not feedback
				t.Fatalf("%d lines can be logged as feedback, want 3", len(links))
			}
			link := html.UnescapeString(links[1][1])
			status, body = agent.get(link)
			if status != 200 || !strings.Contains(body, "The scanner app logs them out &lt;b&gt;every hour&lt;/b&gt;</textarea>") || !strings.Contains(body, `name="note_id"`) {
				t.Fatalf("got %d; want the quick form with the line and its note", status)
			}
			u, _ := url.Parse(link)
			q := u.Query()
			res, _ = agent.post("/feedback", url.Values{"kind": {"complaint"}, "text": {q.Get("text")}, "customer_id": {q.Get("customer_id")},
				"note_id": {q.Get("note_id")}, "channel": {q.Get("channel")}, "back": {q.Get("back")}})
			if res.StatusCode != 303 || !strings.Contains(res.Header.Get("Location"), "#note-") {
				t.Fatalf("got %d to %q, want back to the note", res.StatusCode, res.Header.Get("Location"))
			}
			list, _, err := e.db.FindFeedback(ctx, rapport.SystemScope("test"), rapport.FeedbackFilter{})
			must(t, err)
			if len(list) != 1 || list[0].NoteID.String() != q.Get("note_id") || list[0].Channel != "in_person" {
				t.Fatalf("feedback %+v", list)
			}
			if _, body := agent.get("/feedback/" + list[0].ID.String()); !strings.Contains(body, profile+"#note-"+q.Get("note_id")) {
				t.Error("the feedback does not link to its note")
			}
			// A note id that is not the customer's is refused at its field.
			res, body = agent.post("/feedback", url.Values{"kind": {"need"}, "text": {"x"}, "customer_id": {e.open.ID.String()}, "note_id": {rapport.NewID().String()}})
			if res.StatusCode != 400 || !strings.Contains(body, "No note") {
				t.Errorf("got %d for another note", res.StatusCode)
			}
		})
	}
}
