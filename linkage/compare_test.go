package linkage

import (
	"math"
	"strings"
	"testing"

	"github.com/rapportckm/rapport/fold"
)

func TestJaroWinkler(t *testing.T) {
	// Reference values from Winkler (1990) and the usual textbook examples.
	for _, c := range []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.9611},
		{"dwayne", "duane", 0.84},
		{"dixon", "dicksonx", 0.8133},
		{"jones", "johnson", 0.8323},
		{"abc", "xyz", 0},
		{"same", "same", 1},
		{"", "x", 0},
		{"müller", "mueller", 0.8043}, // by hand: 5 matches, 1 transposition, prefix 1
	} {
		if got := jaroWinkler(c.a, c.b); math.Abs(got-c.want) > 0.0005 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.4f", c.a, c.b, got, c.want)
		}
		if got, back := jaroWinkler(c.a, c.b), jaroWinkler(c.b, c.a); got != back {
			t.Errorf("jaroWinkler(%q, %q) = %v but reversed %v", c.a, c.b, got, back)
		}
	}
	// Beyond the stack buffers, the same.
	long := strings.Repeat("abcdefghij", 8)
	if got := jaroWinkler(long+"x", long+"y"); got < 0.99 || got >= 1 {
		t.Errorf("long strings differing in the last letter: %v", got)
	}
}

func TestSoundex(t *testing.T) {
	for in, want := range map[string]string{
		"robert": "r163", "rupert": "r163", "ashcraft": "a261", "tymczak": "t522",
		"pfister": "p236", "lee": "l000", "honeyman": "h555",
	} {
		if got := soundex(in); string(got[:]) != want {
			t.Errorf("soundex(%q) = %q, want %q", in, got, want)
		}
	}
	if got := soundex("123"); got[0] != 0 {
		t.Errorf("soundex of no letters = %q, want none", got)
	}
}

func TestPrepareDate(t *testing.T) {
	for in, want := range map[string]string{
		"1971-06-24": "19710624", "19710624": "19710624", "24/06/1971": "19710624",
		"1.6.1971": "19710601", "1971-06-24T10:00:00Z": "19710624", "1971-6-4": "19710604",
		"19719924": "19719924", // impossible, kept to compare digit by digit
		"":         "",
	} {
		if got := prepareDate(in); got != want {
			t.Errorf("prepareDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLevels checks each kind's comparison on pairs whose level a person would agree on.
func TestLevels(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		a, b string
		want string
	}{
		{KindName, "Jonathan", "jonathon", "Jaro-Winkler ≥ 0.92"},
		{KindName, "J", "John", "Jaro-Winkler ≥ 0.80, same sound, initial or nickname"},
		{KindName, "Bill", "William", "Jaro-Winkler ≥ 0.80, same sound, initial or nickname"},
		{KindName, "Peggy Ann", "margaret", "Jaro-Winkler ≥ 0.80, same sound, initial or nickname"},
		{KindName, "Bill", "Robert", "different"},
		{KindName, "Garcia Lopez", "Lopez Garcia", "Jaro-Winkler ≥ 0.92"},
		{KindName, "Smith", "Oyelaran", "different"},
		{KindName, "García", "Garcia Lopez", "one's words among the other's"},
		{KindName, "causton", "Richard Causton, 1st Southwark", "one's words among the other's"},
		{KindName, "Anna Maria", "Maria", "one's words among the other's"},
		{KindDate, "1971-06-04", "04/06/1971", "exact"},
		{KindDate, "1971-06-04", "1971-04-06", "day and month swapped"},
		{KindDate, "1971-06-24", "1971-06-25", "one typo"},
		{KindDate, "1971-06-24", "1957-06-24", "one of year, month and day differs"},
		{KindDate, "1971-06-24", "1971-11-24", "one of year, month and day differs"},
		{KindDate, "1971-06-24", "1971-06-03", "one of year, month and day differs"},
		{KindDate, "1971-06-24", "1972-01-13", "years within one"},
		{KindDate, "1971-12-31", "1970-01-01", "years within one"},
		{KindDate, "1971-06-24", "1988-01-13", "different"},
		{KindDate, "1971-06-24", "71", "different"},
		{KindPostcode, "TQ13 8DF", "tq13 8dg", "one typo"},
		{KindPostcode, "TQ13 8DF", "tq13 1aa", "same district"},
		{KindPostcode, "4011", "4099", "same district"},
		{KindPostcode, "4011", "2600", "different"},
		{KindPhone, "+44 7700 900123", "07700 900123", "same number written differently or one typo"},
		{KindPhone, "+44 7700 900123", "+44 7700 555555", "different"},
		{KindEmail, "Ana.Silva@example.pt", "ana.silva@mail.example", "same user name or one typo"},
		{KindEmail, "ana.silva@example.pt", "bob@example.com", "different"},
		{KindIdentifier, "6988048", "6988084", "one typo"},
		{KindIdentifier, "6988048", "1234567", "different"},
		{KindAddress, "12 Tullaroop Street", "tullaroop st 12", "most words shared"},
		{KindText, "Chudleigh", "Chudleig", "Jaro-Winkler ≥ 0.90"},
	} {
		cmp := comparisons[c.kind]
		a, b := cmp.prepare(c.a), cmp.prepare(c.b)
		level := 0
		if a != b {
			level = cmp.compare(a, b)
		}
		if got := cmp.levels[level]; got != c.want {
			t.Errorf("%s %q vs %q: %q, want %q", c.kind, c.a, c.b, got, c.want)
		}
	}
}

// TestKeys checks the blocking keys on values a person would key alike.
func TestKeys(t *testing.T) {
	for _, c := range []struct{ key, raw, want string }{
		{"soundex(name)", "Meyer", "m600"},
		{"prefix3(name)", "Müller", "mul"},
		{"year(dob)", "24/06/1971", "1971"},
		{"digits(phone)", "+44 7700-900123", "447700900123"},
		{"district(postcode)", "TQ13 8DF", "tq13"},
		{"district(postcode)", "4011", "40"},
		{"district(postcode)", " ", ""},
	} {
		k, err := parseKey(c.key)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.value(c.raw, fold.String); got != c.want {
			t.Errorf("%s of %q = %q, want %q", c.key, c.raw, got, c.want)
		}
	}
}
