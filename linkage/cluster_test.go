package linkage

import (
	"cmp"
	"slices"
	"testing"
)

// TestClusterGuard joins records with a model whose weights are set by hand: agreeing
// exactly on a field is +10 bits, disagreeing −12, anything between nothing, and the
// prior −14. A record that matches one record of its person joins the whole group, even
// though it differs from the group's other variants; two namesakes with different dates
// of birth stay apart although one record without a date matches both.
func TestClusterGuard(t *testing.T) {
	table := &Table{Columns: []string{"id", "name", "dob", "postcode", "occupation"}, Rows: [][]string{
		{"hyde-0", "thomas hyde", "1636-06-29", "sy5 7nr", "librarian"},
		{"hyde-1", "thomas hyde", "1636-06-29", "sy5 7nr", "librarian"},
		{"hyde-2", "thomas hyde", "1636-06-29", "sy5 9lu", "librarian"}, // moved within the district
		{"hyde-3", "thomas hyde", "", "sy5 9lu", ""},                    // agrees with hyde-2 alone on the postcode
		{"father-4", "john smith", "1900-01-01", "ab1 2cd", ""},
		{"father-5", "john smith", "1900-01-01", "ab1 2cd", ""},
		{"son-6", "john smith", "1930-05-05", "ab1 2cd", ""},
		{"son-7", "john smith", "1930-05-05", "ab1 2cd", ""},
		{"either-8", "john smith", "", "ab1 2cd", ""}, // could be father or son
	}}
	cfg := &Config{Fields: []Field{{Column: "name", Kind: KindName}, {Column: "dob", Kind: KindDate},
		{Column: "postcode", Kind: KindPostcode}, {Column: "occupation", Kind: KindText}}}
	recs, err := prepare([]*Table{table}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	model := newModel(recs)
	model.Prior = 1.0 / (1 + 1<<14)
	model.tfWeight = make([][]float64, len(model.Fields)) // no term frequencies
	for f := range model.Fields {
		levels := model.Fields[f].Levels
		levels[0].Weight, levels[len(levels)-1].Weight = 10, -12
	}
	// The pairs the blocking rules would find, most likely first.
	var pairs []Pair
	for _, p := range [][2]int32{{0, 1}, {0, 2}, {4, 5}, {6, 7}, {2, 3}, {4, 8}, {6, 8}} {
		w := model.weight(recs, p[0], p[1], recs.pattern(p[0], p[1]))
		if w <= 0 {
			t.Fatalf("%s and %s weigh %.1f bits: the test needs them to match", table.Rows[p[0]][0], table.Rows[p[1]][0], w)
		}
		pairs = append(pairs, Pair{L: p[0], R: p[1], Weight: w})
	}
	slices.SortStableFunc(pairs, func(a, b Pair) int { return cmp.Compare(b.Weight, a.Weight) })
	if w := model.weight(recs, 0, 3, recs.pattern(0, 3)); w >= 0 {
		t.Fatalf("hyde-0 and hyde-3 weigh %.1f bits: the test needs them to differ", w)
	}
	got, _ := cluster(recs, model, pairs)
	want := []int32{0, 0, 0, 0, 4, 4, 6, 6, 4}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("record %s is in the cluster of %s, want %s (all: %v)",
				table.Rows[i][0], table.Rows[got[i]][0], table.Rows[want[i]][0], got)
		}
	}
}
