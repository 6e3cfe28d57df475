package web_test

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rapportckm/rapport"
)

// TestFormErrorsTiedToFieldsInHTML: a form shown again with problems ties each field
// that has one to its message in the HTML the server sends, for a screen reader without
// JavaScript: the field is aria-invalid and its aria-describedby names the message's
// element, after a hint it is described by anyway; a field without a problem is
// neither. A radio group's message is tied to each of its radios.
func TestFormErrorsTiedToFieldsInHTML(t *testing.T) {
	e := newEnv(t, databases()["sqlite"])
	e.openRegistration()
	admin, agent, visitor := e.signIn("admin@example.com"), e.signIn("agent@example.com"), e.visitor()
	profile := "/customers/" + e.open.ID.String()
	_, body := e.do("POST", "/api/v1/feedback", "agent@example.com", `{"customer_id":"`+e.open.ID.String()+`","kind":"complaint","text":"The lid broke"}`)
	inform := "/feedback/" + decode[rapport.Feedback](t, body).ID.String() + "/inform"
	for _, c := range []struct {
		name, path string
		as         *browser
		form       url.Values
		want       map[string]string // a field (its id, or a radio group's name) and words of its message
		hints      map[string]string // a field and the hint it keeps in its aria-describedby
	}{
		{"the customer form", "/customers", agent,
			url.Values{"kind": {"person"}, "emails": {"not-an-email"}, "preferred_channel": {"pigeon"}},
			map[string]string{"given_name": "A person needs a name", "name": "A person needs a name",
				"emails": "is not an e-mail address", "preferred_channel": `"pigeon" is unknown`}, nil},
		{"a note on a profile", profile + "/notes", agent,
			url.Values{"body": {""}, "visibility": {"team"}},
			map[string]string{"n-body": "A note needs some text", "n-vis": "Choose the team"}, nil},
		{"new feedback", "/feedback", agent,
			url.Values{"text": {""}, "channel": {"pigeon"}},
			map[string]string{"kind": "Kind is required", "fb-text": "Text is required", "fb-channel": `"pigeon" is unknown`}, nil},
		{"the playbook's tip", "/playbook/tips", admin,
			url.Values{"request_type": {""}, "title": {"Refunds"}, "body": {""}},
			map[string]string{"t-type": "Say what the tip is for", "t-body": "Write the tip"}, nil},
		{"telling the customer", inform, agent,
			url.Values{"resolution": {""}, "subject": {"The lid"}, "text": {"A new one is on its way."}},
			map[string]string{"in-res": "say in a few words what was done"}, map[string]string{"in-res": "in-res-help", "in-text": "in-text-help"}},
		{"the help centre's registration", "/help/register", visitor,
			url.Values{"name": {"Otto Open"}, "email": {"not an address"}},
			map[string]string{"email": "Enter your e-mail address"}, map[string]string{"email": "email-hint"}},
	} {
		res, body := c.as.post(c.path, c.form)
		if res.StatusCode != 400 && res.StatusCode != 422 {
			t.Errorf("%s: got %d, want the form again", c.name, res.StatusCode)
			continue
		}
		doc, err := html.Parse(strings.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		byID := map[string]*html.Node{}
		var fields []*html.Node
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if id := attr(n, "id"); id != "" {
				if byID[id] != nil {
					t.Errorf("%s: two elements have the id %q", c.name, id)
				}
				byID[id] = n
			}
			if isField(n) {
				fields = append(fields, n)
			}
		}
		named := map[string]bool{} // the messages that some field names
		found := map[string]bool{}
		for _, f := range fields {
			key := cmp.Or(attr(f, "id"), attr(f, "name"))
			invalid, by := attr(f, "aria-invalid"), strings.Fields(attr(f, "aria-describedby"))
			var messages []string
			for _, id := range by {
				el := byID[id]
				if el == nil {
					t.Errorf("%s: %s is described by %q, which is not in the page", c.name, key, id)
				} else if hasClass(el, "error") {
					messages, named[id] = append(messages, text(el)), true
				}
			}
			if hint := c.hints[key]; hint != "" && (len(by) == 0 || by[0] != hint) {
				t.Errorf("%s: %s is described by %q; want its hint %s first", c.name, key, by, hint)
			}
			msg, ok := c.want[key]
			if !ok {
				if invalid != "" || len(messages) > 0 {
					t.Errorf("%s: %s has no problem, yet aria-invalid is %q and it is described by %q", c.name, key, invalid, messages)
				}
				if inInvalidBox(f) {
					t.Errorf("%s: %s is in a box marked invalid, yet has no problem of its own", c.name, key)
				}
				continue
			}
			found[key] = true
			if invalid != "true" || len(messages) != 1 || !strings.Contains(messages[0], msg) {
				t.Errorf("%s: %s has aria-invalid %q and is described by the messages %q; want true and one with %q", c.name, key, invalid, messages, msg)
			}
		}
		for key := range c.want {
			if !found[key] {
				t.Errorf("%s: no field %s", c.name, key)
			}
		}
		for id, el := range byID {
			if hasClass(el, "error") && !named[id] {
				t.Errorf("%s: no field is described by its message %q (%s)", c.name, text(el), id)
			}
		}
	}
}

// isField reports whether n is a form field a person fills in.
func isField(n *html.Node) bool {
	switch n.Data {
	case "select", "textarea":
		return true
	case "input":
		return !slices.Contains([]string{"hidden", "submit", "button", "reset"}, attr(n, "type"))
	}
	return false
}

// inInvalidBox reports whether an element of n's is marked invalid to the eye.
func inInvalidBox(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if hasClass(p, "invalid") {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

// text is the text in n, its spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
