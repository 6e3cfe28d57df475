package linkage

import (
	"fmt"
	"math"
)

// Trained is what a run of Link learnt, kept so that records arriving later can be
// scored without learning again: the config, the model, and how many records held each
// value (an exact agreement weighs by the value's rarity). It is plain data, kept
// between runs as JSON.
type Trained struct {
	Config  Config `json:"config"`
	Model   Model  `json:"model"`
	Records int    `json:"records"` // records the model was learnt from
	// Frequencies has one entry per field of Config, empty for a field whose exact
	// agreements are not weighed by rarity.
	Frequencies []Frequencies `json:"frequencies"`
}

// Frequencies counts the values of one field.
type Frequencies struct {
	Present int `json:"present"` // records with a value
	// Shared are the prepared values more than one record held, and how many did.
	Shared map[string]int32 `json:"shared,omitempty"`
}

// Trained returns what the run learnt, for Score. cfg is the config it ran with.
func (res *Result) Trained(cfg *Config) *Trained {
	t := &Trained{Config: *cfg, Model: *res.Model, Records: res.recs.n, Frequencies: make([]Frequencies, len(res.recs.fields))}
	for f, fd := range res.recs.fields {
		if !res.Model.Fields[f].TermFrequency {
			continue
		}
		freq := Frequencies{Present: fd.present, Shared: map[string]int32{}}
		for id, n := range fd.counts {
			if n > 1 {
				freq.Shared[fd.values[id]] = n
			}
		}
		t.Frequencies[f] = freq
	}
	return t
}

// Score prepares the rows of table for weighing with the trained model. A value the
// training did not see shared is taken as held by two records, the fewest an exact
// agreement needs, as Link weighs it.
func (t *Trained) Score(table *Table) (*Scores, error) {
	if err := t.Config.Check(table.Columns); err != nil {
		return nil, fmt.Errorf("%s: %w", table.Name, err)
	}
	if len(t.Frequencies) != len(t.Config.Fields) || len(t.Model.Fields) != len(t.Config.Fields) {
		return nil, fmt.Errorf("link: the trained model does not fit its config")
	}
	recs, err := prepare([]*Table{table}, &t.Config)
	if err != nil {
		return nil, err
	}
	model := t.Model
	model.tfWeight = make([][]float64, len(model.Fields))
	for f, fd := range recs.fields {
		freq := t.Frequencies[f]
		if !model.Fields[f].TermFrequency || freq.Present == 0 {
			continue
		}
		w := make([]float64, len(fd.values))
		for id := 1; id < len(w); id++ {
			held := max(freq.Shared[fd.values[id]], 2)
			w[id] = math.Log2(model.Fields[f].Levels[0].M / (float64(held) / float64(freq.Present)))
		}
		model.tfWeight[f] = w
	}
	return &Scores{Model: &model, recs: recs}, nil
}

// Key returns record i's key under blocking rule r, hashed; 0 when it has none. Two
// records the rule pairs have the same key.
func (s *Scores) Key(r int, i int32) uint64 { return s.recs.rules[r][i] }

// Favours reports whether the pairs across two groups of records, taken together, say
// they are one person: the test Link's clustering makes before it joins two groups.
func (s *Scores) Favours(a, b []int32) bool {
	return evidenceFavours(s.recs, s.Model, a, b)
}
