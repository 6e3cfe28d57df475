package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/theme"
)

// runFeedback is feedback in file mode: rapport feedback themes groups the texts of a
// file into themes.
func runFeedback(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "themes" {
		return usagef("use: rapport feedback themes --input FILE --text-column COL --id-column ID --output CLUSTERS.csv")
	}
	const use = "themes --input FILE --text-column COL --id-column ID --output CLUSTERS.csv [--threshold T] [--seed N]"
	var input, textCol, idCol, output string
	var threshold float64
	var seed uint64
	fs := newFlags(env, "feedback", use)
	fs.StringVar(&input, "input", "", "the items: CSV, NDJSON or JSON with a header, gzipped or not")
	fs.StringVar(&textCol, "text-column", "", "the column with each item's text (a name, or a position from 1)")
	fs.StringVar(&idCol, "id-column", "", "the column with each item's id, unique and not empty")
	fs.StringVar(&output, "output", "", "write id,theme_id,theme_label here as CSV, one line per item in the input's order")
	fs.Float64Var(&threshold, "threshold", 0, "the least similarity (0 to 1) of an item to its theme's centroid; 0 chooses it from the data")
	fs.Uint64Var(&seed, "seed", 1, "the same seed and file give the same themes")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case input == "" || textCol == "" || idCol == "" || output == "":
		return usagef("--input, --text-column, --id-column and --output are required")
	case threshold < 0 || threshold >= 1:
		return usagef("--threshold must be at least 0 and below 1")
	}
	if err := checkOutputs([]string{input}, outputFile{"--output", output}); err != nil {
		return err
	}
	start := time.Now()
	f, err := os.Open(input)
	if err != nil {
		return err
	}
	ids, texts, err := readItems(ctx, f, idCol, textCol)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", input, err)
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s: there are no items", input)
	}
	read := time.Since(start)
	res, err := theme.Cluster(ctx, theme.NewCorpus(texts), theme.Options{Threshold: threshold, Seed: seed})
	if err != nil {
		return err
	}
	m := res.Model
	labels := make([]string, m.Len())
	for t := range labels {
		labels[t] = m.Label(t)
	}
	// Themes are numbered from 1, largest first; 0 is for items without a word to
	// compare (empty, or only stop words and numbers).
	err = writeCSV("--output", output, []string{"id", "theme_id", "theme_label"}, len(ids), func(i int) []string {
		t := res.Themes[i]
		if t == theme.NoTheme {
			return []string{ids[i], "0", ""}
		}
		return []string{ids[i], strconv.Itoa(t + 1), labels[t]}
	})
	if err != nil {
		return err
	}

	w := env.stdout
	alone, none := 0, 0
	for t := range labels {
		if m.Size(t) == 1 {
			alone++
		}
	}
	for _, t := range res.Themes {
		if t == theme.NoTheme {
			none++
		}
	}
	fmt.Fprintf(w, "%d items in %d themes (%d of one item; %d items without a word to compare, theme 0)\n", len(ids), m.Len(), alone, none)
	how := "given"
	if len(res.Scores) > 0 {
		how = "chosen"
	}
	fmt.Fprintf(w, "similarity threshold %.2f (%s), %d refinement passes\n", res.Threshold, how, res.Passes)
	for t := 0; t < min(10, m.Len()); t++ {
		fmt.Fprintf(w, "%6d %7d  %s\n", t+1, m.Size(t), labels[t])
	}
	fmt.Fprintf(w, "read in %.1fs, grouped in %.1fs; wrote %s\n", read.Seconds(), (time.Since(start) - read).Seconds(), output)
	return nil
}

// readItems reads the id and text of every row. Errors name the line and column. In
// JSON, whose rows name their own fields, a text that is null or missing is empty, as
// a blank comment is; but a field no row has is a mistake in --text-column.
func readItems(ctx context.Context, r io.Reader, idCol, textCol string) (ids, texts []string, err error) {
	rows, err := tabular.Open(r, tabular.Options{})
	if err != nil {
		return nil, nil, err
	}
	seen := idsSeen{}
	hasText := false
	for {
		if len(ids)%4096 == 0 && ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		row, err := rows.Read()
		if errors.Is(err, io.EOF) {
			if len(ids) > 0 && !hasText {
				return nil, nil, fmt.Errorf("no item has the field %q: name the field of the text with --text-column", textCol)
			}
			return ids, texts, nil
		} else if err != nil {
			return nil, nil, err
		}
		get := func(col string) (string, error) {
			if n, err := strconv.Atoi(col); err == nil && n >= 1 && n <= len(row.Values) && rows.Header != nil {
				return row.Values[n-1], nil
			}
			v, ok := row.Get(col)
			if !ok && rows.Header != nil {
				return "", fmt.Errorf("line 1: the header has no column %q; its columns are %s", col, strings.Join(rows.Header, ", "))
			} else if !ok {
				return "", fmt.Errorf("line %d: there is no column %q", row.Line, col)
			}
			return v, nil
		}
		id, err := get(idCol)
		if err != nil {
			return nil, nil, err
		}
		text, ok := "", true
		if rows.Header == nil {
			text, ok = row.Get(textCol)
		} else if text, err = get(textCol); err != nil {
			return nil, nil, err
		}
		hasText = hasText || ok
		id = strings.TrimSpace(id)
		if err := seen.add("", row.Line, idCol, id); err != nil {
			return nil, nil, err
		}
		if len(text) > theme.MaxTextBytes {
			text = strings.ToValidUTF8(text[:theme.MaxTextBytes], "")
		}
		ids = append(ids, id)
		texts = append(texts, text)
	}
}
