package fold

import (
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	for in, want := range map[string]string{
		"  Müller-Lüdenscheidt ": "muller ludenscheidt",
		"O'NEILL":                "o neill",
		"Łukasz  Żółć":           "lukasz zolc",
		"Straße":                 "strasse",
		"Søren Kierkegaard":      "soren kierkegaard",
		"ZOË":                    "zoe",
		"한국어":                    "한국어", // decomposes without accents, recomposed
		"":                       "",
		"--":                     "",
	} {
		if got := String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	if got := strings.Join(Words("Zoë Müller-Łukasik, +44 20"), "|"); got != "zoe|muller|lukasik|44|20" {
		t.Errorf("Words = %q", got)
	}
	// The ASCII path of String and the general one agree.
	for _, s := range []string{"Ana  SILVA", "a.b@example.com", " 12 Main St. "} {
		if a, b := String(s), strings.Join(Words(s), " "); a != b {
			t.Errorf("%q: String %q, Words %q", s, a, b)
		}
	}
}
