package main

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
)

func runImport(ctx context.Context, env *environment, args []string) error {
	const use = "customers|interactions FILE… [--source NAME] [--rejects FILE]"
	if len(args) == 0 || (args[0] != "customers" && args[0] != "interactions") {
		return usagef("usage: rapport import %s", use)
	}
	what := args[0]
	var cfg config
	var source, rejects string
	var batch int
	fs := newFlags(env, "import "+what, use)
	cfg.dbFlags(fs, env)
	fs.StringVar(&source, "source", "", "the source system of records that name none, such as billing")
	fs.StringVar(&rejects, "rejects", "", "write rejected lines (line, field, reason) to this file as NDJSON")
	fs.IntVar(&batch, "batch", 20000, "rows written per transaction")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usagef("name at least one NDJSON file (.ndjson, .jsonl, optionally .gz), or - for standard input")
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	system := rapport.SystemScope(hostname())

	var rejected []rapport.LineError
	for _, name := range files {
		r, closeFile, err := openInput(name, env)
		if err != nil {
			return err
		}
		start := time.Now()
		opt := ingest.Options{Source: source, BatchSize: batch, Progress: func(lines int, res rapport.IngestResult) {
			fmt.Fprintf(env.stderr, "\r%s: %d lines, %.0f rows/s ", name, lines, float64(lines)/time.Since(start).Seconds())
		}}
		var res rapport.IngestResult
		if what == "customers" {
			res, err = ingest.Customers(ctx, r, db, system, opt)
		} else {
			res, err = ingest.Interactions(ctx, r, db, system, opt)
		}
		closeFile()
		elapsed := time.Since(start)
		fmt.Fprintf(env.stderr, "\r%s", strings.Repeat(" ", 60)+"\r")
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(env.stdout, "%s: read %d, created %d, updated %d, rejected %d in %.1fs (%.0f rows/s)\n",
			name, res.Received, res.Created, res.Updated, res.Rejected, elapsed.Seconds(), float64(res.Received)/elapsed.Seconds())
		for _, e := range res.Errors {
			if len(rejected) < 10 && rejects == "" {
				fmt.Fprintf(env.stderr, "%s:%d: %s\n", name, e.Line, e.Message)
			}
			rejected = append(rejected, e)
		}
	}
	if rejects != "" && len(rejected) > 0 {
		f, err := os.Create(rejects)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		for _, e := range rejected {
			enc.Encode(e)
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "%d rejected lines written to %s\n", len(rejected), rejects)
	} else if len(rejected) > 10 {
		fmt.Fprintf(env.stderr, "… and %d more rejected lines; write them all with --rejects FILE\n", len(rejected)-10)
	}
	return nil
}

// openInput opens a file (or standard input for "-"), decompressing .gz.
func openInput(name string, env *environment) (io.Reader, func(), error) {
	if name == "-" {
		return env.stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(name, ".gz") {
		return f, func() { f.Close() }, nil
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return gz, func() { gz.Close(); f.Close() }, nil
}
