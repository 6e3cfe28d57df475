package synth

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

var testOpts = Options{Records: 20_000, Duplicates: 0.3, Seed: 42}

func generate(t testing.TB, opts Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Generate(&b, opts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func parse(t *testing.T, data []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestDeterministic(t *testing.T) {
	a := generate(t, testOpts)
	if !bytes.Equal(a, generate(t, testOpts)) {
		t.Error("same seed gave different output")
	}
	other := testOpts
	other.Seed++
	if bytes.Equal(a, generate(t, other)) {
		t.Error("different seeds gave the same output")
	}
}

func TestOutput(t *testing.T) {
	rows := parse(t, generate(t, testOpts))
	if !slices.Equal(rows[0], header) {
		t.Fatalf("header = %q, want %q", rows[0], header)
	}
	rows = rows[1:]
	if len(rows) != testOpts.Records {
		t.Fatalf("%d rows, want %d", len(rows), testOpts.Records)
	}
	ids := make(map[string]bool, len(rows))
	persons := make(map[string]int)
	for i, r := range rows {
		if want := fmt.Sprintf("r%07d", i+1); r[0] != want {
			t.Fatalf("row %d: id %q, want %q", i, r[0], want)
		}
		if ids[r[0]] {
			t.Fatalf("id %q repeated", r[0])
		}
		ids[r[0]] = true
		persons[r[1]]++
		if r[4] != "" {
			d, err := time.Parse(time.DateOnly, r[4])
			if err != nil || d.Year() < 1900 || d.Year() > 2010 {
				t.Errorf("row %d: implausible date of birth %q", i, r[4])
			}
		}
		if r[5] != "" && !strings.Contains(r[5], "@") {
			t.Errorf("row %d: e-mail %q", i, r[5])
		}
	}
	share := float64(len(rows)-len(persons)) / float64(len(rows))
	if math.Abs(share-testOpts.Duplicates) > 0.02 {
		t.Errorf("duplicate share %.3f, want %.2f ± 0.02", share, testOpts.Duplicates)
	}
}

// The CSV cannot tell originals from duplicates, so check the table.
func TestDuplicatesHaveOriginal(t *testing.T) {
	tab := build(testOpts)
	originals := make(map[uint32]bool)
	for _, r := range tab.rows {
		if r.seq == 0 {
			if originals[r.person] {
				t.Fatalf("person %d has two originals", r.person)
			}
			originals[r.person] = true
		}
	}
	changed, dups := 0, 0
	orig := make(map[uint32]string)
	for _, r := range tab.rows {
		if r.seq == 0 {
			orig[r.person] = string(tab.line(r))
		}
	}
	for _, r := range tab.rows {
		if r.seq == 0 {
			continue
		}
		if !originals[r.person] {
			t.Fatalf("duplicate of person %d, who has no original", r.person)
		}
		dups++
		if string(tab.line(r)) != orig[r.person] {
			changed++
		}
	}
	// Nearly every duplicate should differ from its original somewhere.
	if share := float64(changed) / float64(dups); share < 0.85 {
		t.Errorf("only %.2f of duplicates differ from their original", share)
	}
}

func TestPlanDuplicates(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		records int
		share   float64
	}{{0, 0.3}, {1, 0.3}, {2, 0.99}, {1000, 0}, {1000, 0.1}, {20_000, 0.3}, {1000, 0.5}, {1000, 0.9}} {
		counts := planDuplicates(r, tc.records, tc.share)
		want := min(int(math.Round(tc.share*float64(tc.records))), max(tc.records-1, 0))
		sum := 0
		for _, c := range counts {
			sum += int(c)
		}
		if sum != want || len(counts)+sum != tc.records {
			t.Errorf("%d records, share %v: %d persons, %d duplicates; want %d duplicates",
				tc.records, tc.share, len(counts), sum, want)
		}
	}
	// Skewed: more persons with no duplicate than with one, and so on.
	hist := make([]int, 6)
	for _, c := range planDuplicates(r, 100_000, 0.3) {
		hist[min(c, 5)]++
	}
	for k := 1; k < 4; k++ {
		if hist[k] >= hist[k-1] {
			t.Errorf("not skewed: persons by duplicate count %v", hist)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Records: -1}, {Records: 10, Duplicates: -0.1},
		{Records: 10, Duplicates: 1}, {Records: 10, Duplicates: math.NaN()}} {
		if Generate(io.Discard, o) == nil {
			t.Errorf("Generate(%+v) accepted invalid options", o)
		}
	}
	rows := parse(t, generate(t, Options{}))
	if len(rows) != 1 {
		t.Errorf("no records: got %d rows, want the header only", len(rows))
	}
}

func TestLists(t *testing.T) {
	var given, family, cities int
	givenNames := make(map[string]bool)
	for _, c := range countries {
		for _, list := range [][]string{c.female, c.male, c.family, c.streets} {
			checkList(t, c.code, list)
		}
		given += len(c.female) + len(c.male)
		family += len(c.family)
		cities += len(c.cities)
		for _, n := range append(slices.Clone(c.female), c.male...) {
			givenNames[n] = true
		}
		owner := make(map[string]string)
		for _, ci := range c.cities {
			if len(ci.postcodes) < 3 {
				t.Errorf("%s: %d postcodes", ci.name, len(ci.postcodes))
			}
			for _, pc := range ci.postcodes {
				if o, ok := owner[pc]; ok && o != ci.name {
					t.Errorf("postcode %s belongs to %s and %s", pc, o, ci.name)
				}
				owner[pc] = ci.name
			}
		}
	}
	if given < 300 || family < 500 || cities < 190 {
		t.Errorf("%d given names, %d family names, %d cities", given, family, cities)
	}
	if len(nicknames) < 40 {
		t.Errorf("%d nicknames", len(nicknames))
	}
	for name := range nicknames {
		if !givenNames[name] {
			t.Errorf("nickname key %q is in no given-name list", name)
		}
	}
}

func checkList(t *testing.T, code string, list []string) {
	t.Helper()
	seen := make(map[string]bool)
	for _, s := range list {
		if seen[s] || s == "" || strings.ContainsAny(s, string(sep)+"\n\"") {
			t.Errorf("%s: bad or repeated entry %q", code, s)
		}
		seen[s] = true
	}
}

func TestFoldAccents(t *testing.T) {
	for _, tc := range []struct {
		in       string
		translit bool
		want     string
	}{
		{"Müller", false, "Muller"},
		{"Müller", true, "Mueller"},
		{"MÜLLER", true, "MUELLER"},
		{"Łukasz", false, "Lukasz"},
		{"Åsa", true, "Aasa"},
		{"Groß", false, "Gross"},
		{"José Luis", false, "Jose Luis"},
	} {
		if got := foldAccents(tc.in, tc.translit); got != tc.want {
			t.Errorf("foldAccents(%q, %v) = %q, want %q", tc.in, tc.translit, got, tc.want)
		}
	}
	if got := string(appendSlug(nil, "O'Brien-Smith", false)); got != "obriensmith" {
		t.Errorf("appendSlug = %q", got)
	}
}

func TestPostcodeVariants(t *testing.T) {
	for base, want := range map[string][]string{
		"M1 1AE":   {"M1 1AE", "M1 1AF", "M1 1AG"},
		"M1 1ZZ":   {"M1 1ZZ", "M1 2AA", "M1 2AB"},
		"10115":    {"10115", "10116", "10117"},
		"1100-148": {"1100-148", "1100-149", "1100-150"},
		"00-001":   {"00-001", "00-002", "00-003"},
	} {
		if got := postcodeVariants(base, 3); !slices.Equal(got, want) {
			t.Errorf("postcodeVariants(%q) = %q, want %q", base, got, want)
		}
	}
}

func TestTypo(t *testing.T) {
	g := &generator{r: rand.New(rand.NewPCG(1, 2))}
	for range 1000 {
		s := "Łukasz"
		got := g.typo(s)
		if got == s {
			t.Fatalf("typo(%q) changed nothing", s)
		}
		if d := len([]rune(got)) - len([]rune(s)); d < -1 || d > 1 {
			t.Fatalf("typo(%q) = %q: more than one slip", s, got)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	opts := Options{Records: 100_000, Duplicates: 0.3, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		if err := Generate(io.Discard, opts); err != nil {
			b.Fatal(err)
		}
	}
}
