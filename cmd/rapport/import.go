package main

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/tabular"
)

func runImport(ctx context.Context, env *environment, args []string) error {
	const flags = "FILE… --source NAME [--map MAPPING.yaml] [--rejects FILE] [--propose]"
	const use = "customers|interactions " + flags
	if len(args) == 0 || (args[0] != mapping.Customers && args[0] != mapping.Interactions) {
		return usagef("usage: rapport import %s", use)
	}
	what := args[0]
	var cfg config
	var source, mapFile, rejects string
	var propose bool
	var batch int
	fs := newFlags(env, "import "+what, flags)
	cfg.dbFlags(fs, env)
	fs.StringVar(&source, "source", "", "the source system the records come from, such as billing (required)")
	fs.StringVar(&mapFile, "map", "", "a mapping (YAML) from the file's columns to fields; see docs/import.md")
	fs.StringVar(&rejects, "rejects", "", "write the rejected rows to this CSV file: file, line, field, reason and the row")
	fs.BoolVar(&propose, "propose", false, "print the mapping proposed for the first file and stop, importing nothing")
	fs.IntVar(&batch, "batch", 20000, "rows written per transaction")
	if err := parseWithArgs(fs, args[1:]); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		return usagef("name at least one file (CSV, NDJSON or a JSON array, optionally .gz), or - for standard input")
	}
	if source == "" && !propose {
		return usagef("--source is required: the system the records come from, such as billing")
	}
	if batch < 1 {
		return usagef("--batch must be at least 1, not %d", batch)
	}
	// Checked before importing: the rejects are written once the files are in.
	if err := checkOutputs(slices.Concat(files, []string{mapFile, cfg.sqliteFile()}), outputFile{"--rejects", rejects}); err != nil {
		return err
	}
	var m *mapping.Mapping
	if mapFile != "" {
		data, err := os.ReadFile(mapFile)
		if err != nil {
			return err
		}
		if m, err = mapping.Parse(data); err != nil {
			return fmt.Errorf("%s: %w", mapFile, err)
		}
		if m.Record != what {
			return usagef("%s maps %s, not %s", mapFile, m.Record, what)
		}
	}
	if propose {
		return proposeMapping(env, what, files[0])
	}
	// A file that cannot be read is found before the database is made or changed.
	for _, name := range files {
		if name == "-" {
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		f.Close()
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	system := rapport.SystemScope(hostname())

	var imports []*rapport.Import
	for _, name := range files {
		imp, err := importFile(ctx, env, db, system, what, name, source, m, batch, rejects == "")
		if err != nil {
			return err
		}
		imports = append(imports, imp)
	}
	if rejects != "" {
		return writeRejects(ctx, env, db, system, rejects, imports)
	}
	return nil
}

// importFile imports one file, resuming an import of it that was interrupted, and
// shows the first rejects unless they go to a file.
func importFile(ctx context.Context, env *environment, db *sqldb.DB, system rapport.Scope, what, name, source string, m *mapping.Mapping, batch int, showRejects bool) (*rapport.Import, error) {
	in, err := openInput(name, env)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	format := tabular.FormatOf(name)
	if m == nil {
		if m, err = chooseMapping(env, in, what, name, format); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	// The file is opened and its header checked against the mapping before the import
	// is recorded: a file that cannot be imported leaves no unfinished import to
	// resume, and a finished one of the same file keeps its record.
	if err := in.rewind(); err != nil {
		return nil, err
	}
	rows, err := ingest.OpenRows(in, m, tabular.Options{Format: format})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m == nil && rows.Format == tabular.CSV { // only standard input comes here unmapped as CSV
		return nil, usagef("standard input without --map is read as NDJSON in Rapport's own shape, and this is CSV: pass --map MAPPING.yaml (draft one with --propose FILE)")
	}
	if err := ingest.CheckHeader(m, rows); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	imp := &rapport.Import{Source: source, Kind: what, File: in.identity, Name: filepath.Base(name), Size: in.size}
	resumed, err := db.StartImport(ctx, system, imp)
	if err != nil {
		return nil, err
	}
	finished := false
	defer func() {
		if finished {
			return
		}
		// A run that stopped before its first batch leaves nothing to resume.
		if err := db.AbandonImport(context.WithoutCancel(ctx), system, imp.ID); err != nil {
			fmt.Fprintf(env.stderr, "%s: the import could not be forgotten, and resumes at the next run: %v\n", name, err)
		}
	}()
	if resumed {
		fmt.Fprintf(env.stderr, "%s: resuming after line %d (%d rows done before)\n", name, imp.Line, imp.Read)
	}
	if imp.Offset > 0 || imp.Line > 0 { // standard input never resumes: it is a new input each time
		if err := in.rewind(); err != nil {
			return nil, err
		}
		if rows, err = ingest.OpenRows(in, m, tabular.Options{Format: format, Offset: imp.Offset, Line: imp.Line}); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	bar := newProgress(env, name, in, rows.Gzip, imp.Read, imp.Offset)
	opt := ingest.Options{Source: source, BatchSize: batch, Import: imp, Progress: bar.update}
	start := time.Now()
	res, err := ingest.Import(ctx, what, rows, m, db, system, opt)
	bar.stop()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: interrupted after line %d: run the same command again to resume", name, bar.line())
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := db.FinishImport(ctx, system, imp.ID); err != nil {
		return nil, err
	}
	finished = true
	// The file's totals: what runs before a resume did, and this one.
	imp.Add(res.IngestResult)
	elapsed := time.Since(start)
	fmt.Fprintf(env.stdout, "%s: %s in %.1fs (%.0f rows/s)\n", name, imp.Totals(), elapsed.Seconds(), float64(res.Received)/elapsed.Seconds())
	if showRejects {
		for _, e := range res.Errors {
			fmt.Fprintf(env.stderr, "%s:%d: %s\n", name, e.Line, e.Message)
		}
		if n := imp.Rejected - len(res.Errors); n > 0 {
			fmt.Fprintf(env.stderr, "%s: … and %d more rejected rows; write them all with --rejects FILE\n", name, n)
		}
	}
	for _, w := range res.FirstWarnings {
		fmt.Fprintf(env.stderr, "%s:%d: warning: %s\n", name, w.Line, w.Message)
	}
	if n := res.Warnings - len(res.FirstWarnings); n > 0 {
		fmt.Fprintf(env.stderr, "%s: … and %d more warnings\n", name, n)
	}
	return imp, nil
}

// chooseMapping returns nil for JSON records in Rapport's own shape, which need no
// mapping, or else proposes a mapping from the first rows and prints it.
func chooseMapping(env *environment, in *input, what, name string, format tabular.Format) (*mapping.Mapping, error) {
	if in.stdin {
		return nil, nil // standard input cannot be read twice: Rapport's own NDJSON, or --map
	}
	format, header, sample, err := ingest.Sample(in, format)
	if err != nil {
		return nil, err
	}
	m, text, err := ingest.ChooseMapping(what, format, header, sample)
	if err != nil {
		fmt.Fprintf(env.stderr, "%s: the mapping proposed, to complete and pass with --map:\n\n%s\n", name, text)
		return nil, err
	} else if m == nil {
		return nil, nil
	}
	fmt.Fprintf(env.stderr, "%s: no --map given; importing with this mapping, proposed from its first %d rows (save it, edit it and pass it with --map):\n\n%s\n",
		name, len(sample), text)
	return m, nil
}

// proposeMapping prints the mapping proposed for a file.
func proposeMapping(env *environment, what, name string) error {
	in, err := openInput(name, env)
	if err != nil {
		return err
	}
	defer in.Close()
	if in.stdin {
		return usagef("--propose needs a file, not standard input")
	}
	_, header, sample, err := ingest.Sample(in, tabular.FormatOf(name))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = env.stdout.Write(mapping.Propose(what, header, sample).Marshal())
	return err
}

// writeRejects writes the rows the imports rejected to a CSV file.
func writeRejects(ctx context.Context, env *environment, db *sqldb.DB, system rapport.Scope, name string, imports []*rapport.Import) error {
	n := 0
	err := writeFile("--rejects", name, func(out io.Writer) error {
		w := csv.NewWriter(out)
		w.Write([]string{"file", "line", "field", "reason", "row"})
		for _, imp := range imports {
			err := db.ImportRejects(ctx, system, imp.ID, func(r rapport.Reject) error {
				n++
				return w.Write([]string{tabular.SpreadsheetSafe(imp.Name), fmt.Sprint(r.Line), tabular.SpreadsheetSafe(r.Field), tabular.SpreadsheetSafe(r.Message), tabular.SpreadsheetSafe(r.Text)})
			})
			if err != nil {
				return err
			}
		}
		w.Flush()
		return w.Error()
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d rejected rows written to %s\n", n, name)
	return nil
}

// input is a file being imported, or standard input, counting the bytes read for the
// progress bar.
type input struct {
	r        io.Reader
	f        *os.File
	stdin    bool
	size     int64
	identity string // name, size and a hash of the first MiB; unique for standard input
	read     atomic.Int64
}

func openInput(name string, env *environment) (*input, error) {
	if name == "-" {
		return &input{r: env.stdin, stdin: true, identity: "stdin:" + rapport.NewID().String()}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, 1<<20)); err != nil {
		f.Close()
		return nil, err
	}
	in := &input{r: f, f: f, size: st.Size()}
	in.identity = fmt.Sprintf("%s:%d:%s", filepath.Base(name), st.Size(), hex.EncodeToString(h.Sum(nil))[:32])
	return in, in.rewind()
}

func (in *input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.read.Add(int64(n))
	return n, err
}

// Seek lets a resumed read of an uncompressed file jump to where it stopped.
func (in *input) Seek(offset int64, whence int) (int64, error) {
	if in.f == nil {
		return 0, errors.New("standard input cannot seek")
	}
	pos, err := in.f.Seek(offset, whence)
	in.read.Store(pos)
	return pos, err
}

func (in *input) rewind() error {
	if in.f == nil {
		return nil
	}
	_, err := in.Seek(0, io.SeekStart)
	return err
}

func (in *input) Close() error {
	if in.f == nil {
		return nil
	}
	return in.f.Close()
}
