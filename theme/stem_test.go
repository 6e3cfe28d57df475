package theme

import (
	"slices"
	"testing"
)

func TestStem(t *testing.T) {
	same := [][]string{
		{"refund", "refunds", "refunded", "refunding"},
		{"apply", "applies", "applied"},
		{"cancel", "cancels", "cancelled", "cancelling"},
		{"stop", "stops", "stopped", "stopping"},
		{"cookie", "cookies"},
		{"charge", "charges", "charged", "charging"},
		{"happy", "happiness"},
		{"deliver", "delivers", "delivered", "delivering"},
		{"fall", "falls", "falling"},
		{"install", "installs", "installed", "installing"},
		{"agree", "agreed", "agrees"},
	}
	for _, words := range same {
		want := Stem(words[0])
		for _, w := range words[1:] {
			if got := Stem(w); got != want {
				t.Errorf("Stem(%q) = %q, Stem(%q) = %q; want the same", w, got, words[0], want)
			}
		}
	}
	different := [][2]string{{"bus", "bu"}, {"card", "car"}, {"ring", "rin"}}
	for _, p := range different {
		if Stem(p[0]) == Stem(p[1]) {
			t.Errorf("Stem(%q) = Stem(%q) = %q; want them apart", p[0], p[1], Stem(p[0]))
		}
	}
	for w, want := range map[string]string{"bed": "bed", "sing": "sing", "class": "class", "the": "the", "ünï": "ünï", "status": "status"} {
		if got := Stem(w); got != want {
			t.Errorf("Stem(%q) = %q, want it unchanged (%q)", w, got, want)
		}
	}
}

func TestFeatures(t *testing.T) {
	got := Features("I can't LOG IN to my account — the Café's log-in page crashed 3 times!")
	want := []string{"log", "account", "log account", "caf", "account caf", "log", "caf log", "pag", "log pag", "crash", "pag crash", "tim", "crash tim"}
	if !slices.Equal(got, want) {
		t.Errorf("Features = %q\nwant       %q", got, want)
	}
	if got := Features("the and of \xff\xfe"); len(got) != 0 {
		t.Errorf("stop words and malformed UTF-8 gave %q; want no features", got)
	}
	huge := make([]byte, 3*MaxTextBytes)
	for i := range huge {
		huge[i] = "ab "[i%3]
	}
	if n := len(tokens(string(huge))); n > maxTokens {
		t.Errorf("a huge text gave %d tokens, want at most %d", n, maxTokens)
	}
}
