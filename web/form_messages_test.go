package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestFormMessagesInWords: a time or a number out of range is refused beside its
// field in words a member of staff reads, not with the API's field name (occurred_at,
// heard_at, decided_at, ask_every_days) or an RFC 3339 time.
func TestFormMessagesInWords(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	admin, agent := e.signIn("admin@example.com"), e.signIn("agent@example.com")
	profile := "/customers/" + e.open.ID.String()
	code := regexp.MustCompile(`\b[a-z]+_[a-z_]+\b|\d\d:\d\dZ`)
	for _, c := range []struct {
		name, path string
		as         *browser
		form       url.Values
		want, mark string // the message, and the field marked invalid
	}{
		{"call in 2030", profile + "/interactions", agent,
			url.Values{"type": {"call"}, "channel": {"phone"}, "summary": {"Called"}, "occurred_at": {"2030-01-01T10:00"}},
			"1 Jan 2030 10:00 UTC is out of range", `<label for="i-at">`},
		{"feedback heard in 2031", "/feedback", agent,
			url.Values{"kind": {"complaint"}, "text": {"The lid broke"}, "channel": {"phone"}, "heard_at": {"2031-01-01T10:00"}},
			"1 Jan 2031 10:00 UTC is out of range", `<label for="fb-at">`},
		{"consent given in 2099", profile + "/consents", agent,
			url.Values{"purpose": {"marketing"}, "granted": {"yes"}, "decided_on": {"2099-01-01"}},
			"The day of the decision is in the future", `<label for="k-on">`},
		{"consent on no day", profile + "/consents", agent,
			url.Values{"purpose": {"marketing"}, "granted": {"yes"}, "decided_on": {"yesterday"}},
			"Write the day as YYYY-MM-DD", `<label for="k-on">`},
		{"family name too long", "/customers", agent,
			url.Values{"kind": {"person"}, "given_name": {"Zed"}, "family_name": {strings.Repeat("x", 5000)}},
			"Family name: 5000 characters, and at most 100 are allowed", `<label for="family_name">`},
		{"survey every ninety days", "/surveys", admin,
			url.Values{"name": {"Words NPS"}, "kind": {"nps"}, "ask_every_days": {"ninety"}},
			"must be a whole number from 1 to 3650", `<label for="sv-every">`},
	} {
		res, body := c.as.post(c.path, c.form)
		msg := regexp.MustCompile(`<p class="error" id="[^"]+" role="alert">([^<]*)</p>`).FindStringSubmatch(body)
		switch {
		case res.StatusCode != 400 && res.StatusCode != 422:
			t.Errorf("%s: got %d, want the form again", c.name, res.StatusCode)
		case msg == nil || !strings.Contains(msg[1], c.want):
			t.Errorf("%s: the message is %q, want one with %q", c.name, msg, c.want)
		case code.MatchString(msg[1]):
			t.Errorf("%s: the message %q speaks in code", c.name, msg[1])
		case !regexp.MustCompile(`<div class="field invalid">\s*` + regexp.QuoteMeta(c.mark)).MatchString(body):
			t.Errorf("%s: the field %s is not marked", c.name, c.mark)
		case strings.Count(body, `class="field invalid"`) != 1:
			t.Errorf("%s: %d fields are marked, want the one that is wrong", c.name, strings.Count(body, `class="field invalid"`))
		}
	}
}

// TestFormShowsEveryProblemAtOnce: a form whose input cannot all be read (a time or an
// amount not written as one, an id not from the list) shows those problems and the
// rest of what is wrong with it together, not the rest only after the first are mended.
func TestFormShowsEveryProblemAtOnce(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	agent := e.signIn("agent@example.com")
	profile := "/customers/" + e.open.ID.String()
	for _, c := range []struct {
		name, path string
		form       url.Values
		marked     []string // the fields' ids, each marked invalid
	}{
		{"interaction", profile + "/interactions",
			url.Values{"type": {"call"}, "channel": {"phone"}, "amount": {"abc"}, "summary": {""}, "currency": {"euro"}, "occurred_at": {"2099-01-01T10:00"}},
			[]string{"i-amount", "i-summary", "i-currency", "i-at"}},
		{"feedback", "/feedback",
			url.Values{"kind": {"complaint"}, "text": {" "}, "channel": {"phone"}, "heard_at": {"yesterday"}},
			[]string{"fb-text", "fb-at"}},
		{"item", profile + "/items",
			url.Values{"kind": {"task"}, "title": {""}, "owner_id": {"someone"}},
			[]string{"it-title", "it-owner"}},
	} {
		res, body := agent.post(c.path, c.form)
		if res.StatusCode != 400 {
			t.Errorf("%s: got %d, want the form again", c.name, res.StatusCode)
			continue
		}
		for _, id := range c.marked {
			if !strings.Contains(body, `id="`+id+`-error"`) {
				t.Errorf("%s: no message at %s", c.name, id)
			}
		}
	}
}
