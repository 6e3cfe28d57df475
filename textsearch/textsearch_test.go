package textsearch_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/rapportckm/rapport/textsearch"
)

// From the Snowball project's English vocabulary and its stems.
func TestStem(t *testing.T) {
	for word, want := range map[string]string{
		"consign": "consign", "consigned": "consign", "consigning": "consign", "consignment": "consign",
		"consistency": "consist", "consistent": "consist", "consistently": "consist", "consolation": "consol",
		"consolatory": "consolatori", "consolidate": "consolid", "consolingly": "consol", "conspicuous": "conspicu",
		"conspiracy": "conspiraci", "conspirator": "conspir", "constable": "constabl", "constancy": "constanc",
		"knackeries": "knackeri", "knaves": "knave", "kneaded": "knead", "kneeling": "kneel", "knightly": "knight",
		"knitted": "knit", "knives": "knive", "knocker": "knocker", "knocking": "knock",
		"caresses": "caress", "ponies": "poni", "ties": "tie", "cries": "cri", "hopping": "hop", "hoped": "hope",
		"running": "run", "happily": "happili", "generously": "generous", "generate": "generat",
		"communication": "communic", "relational": "relat", "conditional": "condit", "passwords": "password",
		"deleted": "delet", "deleting": "delet", "accounts": "account", "skies": "sky", "dying": "die",
		"succeeded": "succeed", "gas": "gas", "gaps": "gap", "by": "by", "cry": "cri", "say": "say",
		"yesterday": "yesterday", "luxuriating": "luxuri", "hopeful": "hope", "nationalization": "nation",
		"github": "github", "emails": "email", "settings": "set", "notifications": "notif", "crossed": "cross",
	} {
		if got := textsearch.Stem(word); got != want {
			t.Errorf("Stem(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestTerms(t *testing.T) {
	got := textsearch.Terms("How do I reset my Passwords? Zoë's résumé — 2FA won't work!")
	want := []string{"reset", "password", "zoe", "resum", "2fa", "work"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	if got := textsearch.Terms("bad \xff\xfe utf8"); !slices.Equal(got, []string{"bad", "utf8"}) {
		t.Errorf("Terms of malformed UTF-8 = %q", got)
	}
	long := strings.Repeat("a", textsearch.MaxTermLen+1)
	if got := textsearch.Terms(long + " short"); !slices.Equal(got, []string{"short"}) {
		t.Errorf("Terms keeps an over-long word: %q", got)
	}
}

func TestPlainText(t *testing.T) {
	got := textsearch.PlainText("# Reset\n\nSee [the **guide**](https://x.example/a_b) and ![logo](l.png) <b>now</b>\n- `code`")
	for _, gone := range []string{"#", "**", "https", "<b>", "`", "png"} {
		if strings.Contains(got, gone) {
			t.Errorf("PlainText kept %q: %q", gone, got)
		}
	}
	for _, kept := range []string{"Reset", "the guide", "logo", "now", "code"} {
		if !strings.Contains(got, kept) {
			t.Errorf("PlainText lost %q: %q", kept, got)
		}
	}
}

func TestSnippet(t *testing.T) {
	text := "Open the app. " + strings.Repeat("Filler words about nothing in particular. ", 10) +
		"To reset a forgotten password, open Settings and choose Reset password. " + strings.Repeat("More filler here. ", 10)
	m := textsearch.Matcher{Terms: map[string]bool{"reset": true, "password": true}}
	pieces := textsearch.Snippet(text, m, 20)
	var all strings.Builder
	var matched []string
	for _, p := range pieces {
		all.WriteString(p.Text)
		if p.Match {
			matched = append(matched, p.Text)
		}
	}
	if !slices.Equal(matched, []string{"reset", "password", "Reset password"}) && !slices.Equal(matched, []string{"reset", "password", "Reset", "password"}) {
		t.Errorf("matched pieces = %q (snippet %q)", matched, all.String())
	}
	if !strings.HasPrefix(all.String(), "… ") || !strings.HasSuffix(all.String(), " …") {
		t.Errorf("snippet %q should mark what was left out", all.String())
	}
	if n := len(strings.Fields(all.String())); n > 24 {
		t.Errorf("snippet has %d words, want about 20: %q", n, all.String())
	}
	prefix := textsearch.Snippet("The passwordless sign-in", textsearch.Matcher{Prefixes: []string{"passw"}}, 20)
	if len(prefix) != 3 || prefix[1] != (textsearch.Piece{Text: "passwordless", Match: true}) {
		t.Errorf("prefix snippet = %+v", prefix)
	}
}
