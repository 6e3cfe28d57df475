// Command score measures what `rapport link` wrote against a ground truth: the
// precision, recall and F1 of the pairs file and of the pairs of records the clusters
// file puts together, and how many true pairs the reported pairs miss.
//
//	go run ./linkage/score --input people.csv --id-column id --truth-column person_id \
//	    [--pairs pairs.csv] [--clusters clusters.csv]
//
// FEBRL's ground truth is in the id (rec-123-org, rec-123-dup-0): give --truth-pattern
// with a regular expression whose first group is the person.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"

	"github.com/rapportckm/rapport/tabular"
)

func main() {
	input := flag.String("input", "", "the CSV file that was linked")
	idCol := flag.String("id-column", "", "the record id column")
	truthCol := flag.String("truth-column", "", "the column that names the true person")
	truthPattern := flag.String("truth-pattern", "", "or: a regular expression on the id whose first group is the person")
	pairsFile := flag.String("pairs", "", "pairs written by rapport link")
	clustersFile := flag.String("clusters", "", "clusters written by rapport link")
	flag.Parse()
	if err := run(*input, *idCol, *truthCol, *truthPattern, *pairsFile, *clustersFile); err != nil {
		fmt.Fprintln(os.Stderr, "score:", err)
		os.Exit(1)
	}
}

func read(name string) ([]string, [][]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return tabular.ReadAll(f)
}

func run(input, idCol, truthCol, truthPattern, pairsFile, clustersFile string) error {
	header, rows, err := read(input)
	if err != nil {
		return err
	}
	id := slices.Index(header, idCol)
	if id < 0 {
		return fmt.Errorf("no column %q", idCol)
	}
	truth := map[string]string{}
	var re *regexp.Regexp
	tc := slices.Index(header, truthCol)
	if truthPattern != "" {
		re = regexp.MustCompile(truthPattern)
	} else if tc < 0 {
		return fmt.Errorf("no column %q", truthCol)
	}
	size := map[string]int{}
	for _, r := range rows {
		t := ""
		if re != nil {
			if m := re.FindStringSubmatch(r[id]); m != nil {
				t = m[1]
			}
		} else {
			t = r[tc]
		}
		truth[r[id]] = t
		size[t]++
	}
	all := 0
	for _, n := range size {
		all += n * (n - 1) / 2
	}
	report := func(what string, tp, predicted int) {
		p, r := float64(tp)/float64(max(predicted, 1)), float64(tp)/float64(max(all, 1))
		fmt.Printf("%-8s P %.3f  R %.3f  F1 %.3f  (%d predicted, %d true of %d)\n", what, p, r, 2*p*r/max(p+r, 1e-12), predicted, tp, all)
	}
	if pairsFile != "" {
		_, ps, err := read(pairsFile)
		if err != nil {
			return err
		}
		tp := 0
		for _, p := range ps {
			if truth[p[0]] == truth[p[1]] {
				tp++
			}
		}
		report("pairs", tp, len(ps))
	}
	if clustersFile != "" {
		_, cs, err := read(clustersFile)
		if err != nil {
			return err
		}
		together := map[[2]string]int{}
		csize := map[string]int{}
		for _, c := range cs {
			together[[2]string{c[1], truth[c[0]]}]++
			csize[c[1]]++
		}
		tp, predicted := 0, 0
		for _, n := range together {
			tp += n * (n - 1) / 2
		}
		for _, n := range csize {
			predicted += n * (n - 1) / 2
		}
		report("clusters", tp, predicted)
	}
	return nil
}
