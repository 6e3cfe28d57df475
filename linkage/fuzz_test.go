package linkage

import (
	"strings"
	"testing"
)

// FuzzParseConfig checks that no config text makes the parser panic, and that a config
// it accepts can be written out and read back.
func FuzzParseConfig(f *testing.F) {
	columns := []string{"id", "given_name", "surname", "dob", "postcode"}
	for _, seed := range []string{
		"fields: [{column: surname, type: name}]\nblocking: [[surname]]",
		"fields:\n  - {column: dob, type: date}\nblocking:\n  - [year(dob), soundex(surname)]\nthreshold: 0.95",
		"fields: [{column: postcode, type: postcode, term_frequency: false}]\nblocking: [[prefix2(postcode)]]",
		"blocking: [[x(]]",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cfg, err := ParseConfig([]byte(text), columns)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("an empty error message")
			}
			return
		}
		if _, err := ParseConfig(cfg.YAML(), columns); err != nil {
			t.Fatalf("accepted %q but not its own output: %v", text, err)
		}
	})
}
