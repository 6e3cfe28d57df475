package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport/linkage"
	"github.com/rapportckm/rapport/linkage/synth"
	"github.com/rapportckm/rapport/tabular"
)

// runLink is file mode identity resolution: no server, no database.
func runLink(ctx context.Context, env *environment, args []string) error {
	if len(args) > 0 && args[0] == "generate" {
		return runLinkGenerate(ctx, env, args[1:])
	}
	const use = "--input A.csv [--input B.csv] --id-column COL [--config LINK.yaml] [--pairs PAIRS.csv] [--clusters CLUSTERS.csv] [--threshold P] [--explain ID,ID]… [--model MODEL.json]"
	var inputs, explain stringList
	var idColumn, configFile, pairsFile, clustersFile, modelFile string
	var threshold float64
	fs := newFlags(env, "link", use)
	fs.Var(&inputs, "input", "a CSV file of records; one to deduplicate, two to link (repeat the flag)")
	fs.StringVar(&idColumn, "id-column", "", "the column that identifies each record")
	fs.StringVar(&configFile, "config", "", "fields, comparison types and blocking rules (YAML, see docs/linkage.md); without it Rapport proposes one and prints it")
	fs.StringVar(&pairsFile, "pairs", "", "write the matching pairs here: id_l,id_r,probability")
	fs.StringVar(&clustersFile, "clusters", "", "write each record's cluster here: id,cluster_id")
	fs.Float64Var(&threshold, "threshold", 0, fmt.Sprintf("match probability from which records are linked (default: the config's, else %v)", linkage.DefaultThreshold))
	fs.Var(&explain, "explain", "print why two records match or not, as ID,ID (repeat the flag)")
	fs.StringVar(&modelFile, "model", "", "write the estimated model (m and u of every comparison level) here as JSON")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprintln(fs.Output(), "\nrapport link generate writes synthetic people with duplicates, to try it on (rapport link generate -h).")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case len(inputs) == 0 || len(inputs) > 2:
		return usagef("give one --input to deduplicate or two to link")
	case idColumn == "":
		return usagef("name the column that identifies each record with --id-column")
	case threshold < 0 || threshold >= 1:
		return usagef("--threshold must be a probability from 0 to below 1")
	}
	err := checkOutputs(slices.Concat(inputs, []string{configFile}),
		outputFile{"--pairs", pairsFile}, outputFile{"--clusters", clustersFile}, outputFile{"--model", modelFile})
	if err != nil {
		return err
	}

	start := time.Now()
	var tables []*linkage.Table
	seen := idsSeen{}
	for _, name := range inputs {
		t, err := readTable(name, idColumn, seen, env)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	var cfg *linkage.Config
	if configFile != "" {
		data, err := os.ReadFile(configFile)
		if err != nil {
			return err
		}
		if cfg, err = linkage.ParseConfig(data, tables[0].Columns); err != nil {
			return fmt.Errorf("%s: %w", configFile, err)
		}
	} else {
		cfg = linkage.Infer(tables[0], idColumn)
		fmt.Fprintf(env.stderr, "# No --config given: this is the config Rapport inferred. Save it, edit it and pass it with --config.\n%s\n", cfg.YAML())
	}
	if threshold > 0 {
		cfg.Threshold = threshold
	}
	read := time.Since(start)
	res, err := linkage.Link(ctx, tables, cfg)
	if err != nil {
		return err
	}
	ids := recordIDs(tables, idColumn)
	if pairsFile != "" {
		if err := writeCSV("--pairs", pairsFile, []string{"id_l", "id_r", "probability"}, len(res.Pairs), func(i int) []string {
			p := res.Pairs[i]
			return []string{ids[p.L], ids[p.R], strconv.FormatFloat(p.Probability, 'f', 6, 64)}
		}); err != nil {
			return err
		}
	}
	if clustersFile != "" {
		if err := writeCSV("--clusters", clustersFile, []string{"id", "cluster_id"}, len(ids), func(i int) []string {
			return []string{ids[i], ids[res.Cluster[i]]}
		}); err != nil {
			return err
		}
	}
	if modelFile != "" {
		data, _ := json.MarshalIndent(res.Model, "", "  ")
		if err := writeFile("--model", modelFile, func(w io.Writer) error {
			_, err := w.Write(append(data, '\n'))
			return err
		}); err != nil {
			return err
		}
	}
	clusters := map[int32]bool{}
	for _, c := range res.Cluster {
		clusters[c] = true
	}
	fmt.Fprintf(env.stderr, "%d records read in %.1fs; %d pairs compared, %d matched; %d clusters (%d joins refused); %.1fs in all\n",
		len(ids), read.Seconds(), res.Compared, len(res.Pairs), len(clusters), res.Refused, time.Since(start).Seconds())
	for _, tc := range res.TooCommon {
		fmt.Fprintf(env.stderr, "warning: blocking rule %s: one value is shared by %d records, more than max_block; the rule does not pair them\n", tc.Rule, tc.Records)
	}
	printModel(env.stderr, res.Model)
	for _, e := range explain {
		if err := printExplanation(env.stdout, res, ids, e); err != nil {
			return err
		}
	}
	return nil
}

// readTable reads a file of records whose idColumn identifies each, not empty and
// unique in all the files read with the same seen: the pairs, the clusters and
// --explain name records by id, and a repeated one would make them ambiguous.
func readTable(name, idColumn string, seen idsSeen, env *environment) (*linkage.Table, error) {
	var in io.Reader = env.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	rd, err := tabular.NewReader(in)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	col := slices.Index(rd.Header, idColumn)
	if col < 0 {
		return nil, usagef("%s has no column %q (it has %s)", name, idColumn, strings.Join(rd.Header, ", "))
	}
	t := &linkage.Table{Name: name, Columns: rd.Header}
	for {
		row, line, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		} else if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := seen.add(name, line, idColumn, strings.TrimSpace(row[col])); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		t.Rows = append(t.Rows, row)
	}
}

func recordIDs(tables []*linkage.Table, idColumn string) []string {
	var ids []string
	for _, t := range tables {
		col := slices.Index(t.Columns, idColumn)
		for _, row := range t.Rows {
			ids = append(ids, row[col])
		}
	}
	return ids
}

// writeCSV writes a header and n rows to the file name (see writeFile).
func writeCSV(flag, name string, header []string, n int, row func(int) []string) error {
	return writeFile(flag, name, func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write(header)
		for i := range n {
			w.Write(row(i))
		}
		w.Flush()
		return w.Error()
	})
}

func printModel(w io.Writer, m *linkage.Model) {
	fmt.Fprintf(w, "prior match probability %.3g; pairs per blocking rule %v; u from %d random pairs\n", m.Prior, m.RulePairs, m.Sampled)
	for _, f := range m.Fields {
		note := ""
		if !f.Estimated {
			note = "  (m not estimated: every blocking rule uses this field)"
		}
		fmt.Fprintf(w, "  %s (%s)%s\n", f.Column, f.Kind, note)
		for _, l := range f.Levels {
			fmt.Fprintf(w, "    %-45s m %.4f  u %.6f  weight %+6.2f\n", l.Name, l.M, l.U, l.Weight)
		}
	}
}

func printExplanation(w io.Writer, res *linkage.Result, ids []string, pair string) error {
	a, b, ok := strings.Cut(pair, ",")
	if !ok {
		return usagef("--explain takes two record ids separated by a comma, not %q", pair)
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	l, r := slices.Index(ids, a), slices.Index(ids, b)
	if l < 0 {
		return usagef("--explain %s: no record with id %q", pair, a)
	}
	if r < 0 {
		return usagef("--explain %s: no record with id %q", pair, b)
	}
	l, r = min(l, r), max(l, r)
	e := res.Explain(int32(l), int32(r))
	fmt.Fprintf(w, "%s and %s: probability %.4f (weight %+.2f)\n", ids[l], ids[r], e.Probability, e.Weight)
	fmt.Fprintf(w, "  %-18s %+6.2f\n", "prior", e.Prior)
	for _, f := range e.Fields {
		rare := ""
		if f.Rarity {
			rare = " (by rarity)"
		}
		fmt.Fprintf(w, "  %-18s %+6.2f  %s%s: %q / %q\n", f.Column, f.Weight, f.Level, rare, f.Left, f.Right)
	}
	return nil
}

// runLinkGenerate writes synthetic people with duplicates and their ground truth, for
// trying and measuring linkage.
func runLinkGenerate(ctx context.Context, env *environment, args []string) error {
	const use = "--records N [--duplicates 0.3] [--seed S] [--output FILE]"
	opts := synth.Options{}
	var output string
	fs := newFlags(env, "link generate", use)
	fs.IntVar(&opts.Records, "records", 100000, "rows to write, originals and duplicates together")
	fs.Float64Var(&opts.Duplicates, "duplicates", 0.3, "share of the rows that are duplicates of another")
	fs.Uint64Var(&opts.Seed, "seed", 1, "the same seed writes the same file")
	fs.StringVar(&output, "output", "-", "where to write the CSV (- for standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case opts.Records < 0 || int64(opts.Records) > math.MaxUint32:
		return usagef("--records must be a number of rows from 0 to %d", uint32(math.MaxUint32))
	case !(opts.Duplicates >= 0 && opts.Duplicates < 1):
		return usagef("--duplicates must be a share from 0 up to (not including) 1")
	}
	write := func(w io.Writer) error { return synth.Generate(cancelWriter{ctx, w}, opts) }
	if output == "-" {
		return write(env.stdout)
	}
	return writeFile("--output", output, write)
}
