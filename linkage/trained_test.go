package linkage

import (
	"context"
	"encoding/json"
	"math"
	"testing"
)

// TestTrainedScoresAsLink keeps a run's model as JSON and scores the same records with
// it apart from the run, a few at a time: every pair weighs what it weighed in the run,
// and every record has the run's keys.
func TestTrainedScoresAsLink(t *testing.T) {
	table, _ := people(900)
	res, err := Link(context.Background(), []*Table{table}, testConfig)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) < 100 {
		t.Fatalf("only %d pairs to check", len(res.Pairs))
	}
	data, err := json.Marshal(res.Trained(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	var trained Trained
	if err := json.Unmarshal(data, &trained); err != nil {
		t.Fatal(err)
	}
	if trained.Records != len(table.Rows) || len(trained.Frequencies[0].Shared) == 0 {
		t.Fatalf("trained on %d records with shared given names %v", trained.Records, trained.Frequencies[0].Shared)
	}
	for _, p := range res.Pairs {
		// The pair alone, as an arriving record and its candidate would be scored.
		pair := &Table{Name: "pair", Columns: table.Columns, Rows: [][]string{table.Rows[p.L], table.Rows[p.R]}}
		s, err := trained.Score(pair)
		if err != nil {
			t.Fatal(err)
		}
		if w := s.Weight(0, 1); math.Abs(w-p.Weight) > 1e-9 {
			t.Fatalf("%v and %v weigh %v apart from the run, %v in it", pair.Rows[0], pair.Rows[1], w, p.Weight)
		}
		for r := range testConfig.Blocking {
			if s.Key(r, 0) != res.Key(r, p.L) || s.Key(r, 1) != res.Key(r, p.R) {
				t.Fatalf("rule %d: keys differ apart from the run", r)
			}
		}
	}
	// A value the run never saw shared counts as held by two records.
	lone := &Table{Name: "new", Columns: table.Columns, Rows: [][]string{
		{"n1", "zebedee", "quarrington", "1950-01-01", "town1"}, {"n2", "zebedee", "quarrington", "1950-01-01", "town1"}}}
	s, err := trained.Score(lone)
	if err != nil {
		t.Fatal(err)
	}
	e := s.Explain(0, 1)
	want := math.Log2(trained.Model.Fields[0].Levels[0].M / (2 / float64(trained.Frequencies[0].Present)))
	if !e.Fields[0].Rarity || math.Abs(e.Fields[0].Weight-want) > 1e-9 {
		t.Errorf("an unseen given name shared weighs %+v, want %v by rarity", e.Fields[0], want)
	}
	if _, err := trained.Score(&Table{Name: "bad", Columns: []string{"id", "given_name"}}); err == nil {
		t.Error("scored a table without the config's columns")
	}
}
