package mapping

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

func TestCountryCode(t *testing.T) {
	for in, want := range map[string]string{
		"PT": "PT", "pt": "PT", "PRT": "PT", "Portugal": "PT", " portugal ": "PT", "Deutschland": "DE", "DEU": "DE",
		"España": "ES", "espana": "ES", "United Kingdom": "GB", "UK": "GB", "England": "GB", "U.S.A.": "US",
		"United States of America": "US", "Côte d'Ivoire": "CI", "cote divoire": "CI", "Österreich": "AT",
		"The Netherlands": "NL", "Ελλάδα": "GR", "日本": "JP", "Türkiye": "TR", "Turkey": "TR",
	} {
		if got, ok := CountryCode(in); !ok || got != want {
			t.Errorf("CountryCode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "Narnia", "XX", "Europe"} {
		if got, ok := CountryCode(in); ok {
			t.Errorf("CountryCode(%q) = %q, want none", in, got)
		}
	}
	// Every name of the table names one country only.
	seen := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(countryTable), "\n") {
		parts := strings.SplitN(line, " ", 3)
		for _, name := range append(parts[:2], strings.Split(parts[2], "|")...) {
			if other, dup := seen[countryKey(name)]; dup && other != parts[0] {
				t.Errorf("%q names both %s and %s", name, other, parts[0])
			}
			seen[countryKey(name)] = parts[0]
		}
		// and gives a code that a customer's address accepts.
		if !rapport.IsCountry(parts[0]) {
			t.Errorf("%s is not an ISO 3166 country code", parts[0])
		}
	}
}

func TestName(t *testing.T) {
	for in, want := range map[string]string{
		"  Ana   Silva ":       "Ana Silva",
		"MÜLLER":               "Müller",
		"jörg müller":          "Jörg Müller",
		"o'neill":              "O'Neill",
		"ANNE-MARIE DE SOUSA":  "Anne-Marie de Sousa",
		"ludwig van beethoven": "Ludwig van Beethoven",
		"van dyke":             "Van Dyke",
		"McDonald":             "McDonald", // mixed case is kept
		"da Silva":             "da Silva",
		"ÉMILE":                "Émile",
	} {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPostcode(t *testing.T) {
	for _, tt := range []struct{ in, country, want string }{
		{"sw1a1aa", "GB", "SW1A 1AA"},
		{" SW1A   1AA ", "GB", "SW1A 1AA"},
		{"m11ae", "GB", "M1 1AE"},
		{"k1a0b1", "CA", "K1A 0B1"},
		{"1234ab", "NL", "1234 AB"},
		{"1000001", "PT", "1000-001"},
		{"1000-001", "PT", "1000-001"},
		{"10115", "DE", "10115"},
		{"ab  12", "", "AB 12"},
	} {
		if got := Postcode(tt.in, tt.country); got != tt.want {
			t.Errorf("Postcode(%q, %q) = %q, want %q", tt.in, tt.country, got, tt.want)
		}
	}
}
