// Package ingest reads records sent by source systems and writes them in batches,
// reporting every rejected row by its line. The API's bulk endpoints send NDJSON in
// Rapport's own shape; rapport import also reads CSV and JSON arrays through a mapping,
// and records each batch's place in the file with the batch, so that an interrupted
// import resumes where it stopped.
package ingest

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"sort"
	"sync"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// Options tune a run.
type Options struct {
	Source    string // the source of rows that name none
	BatchSize int    // rows written per transaction; default 2,500
	MaxLine   int    // longest line accepted, in bytes; default 1 MiB
	// Progress, if set, is called after each batch with what was done so far.
	Progress func(Progress)
	// Import, if set, is the import the rows belong to: each batch records where it
	// ends with its rows, and the rejects go to the database instead of the result.
	Import *rapport.Import
}

// Progress is how far a run has gone: the rows and lines read and written.
type Progress struct {
	Rows, Line int
	End        int64 // where the rows done end in the input (decompressed), in bytes
}

func (o *Options) defaults() {
	if o.BatchSize <= 0 {
		// Small enough that a request of a few thousand lines makes two batches, to
		// write at once where the database can (ImportBatchesAtOnce).
		o.BatchSize = 2500
	}
	if o.MaxLine <= 0 {
		o.MaxLine = 1 << 20
	}
}

// Result is what a run did, and the warnings about values it kept as they were.
type Result struct {
	rapport.IngestResult
	Warnings      int
	FirstWarnings []Warning // the first few
}

// Warning is about a value of a row that was kept as it was, such as a phone number
// that could not be read.
type Warning struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// keptErrors is how many rejects and warnings a run that records its rejects in the
// database keeps in memory, to show.
const keptErrors = 10

// Interactions reads interactions in Rapport's own shape as NDJSON and writes them
// through svc, as many batches at once as svc says is best, committed in the order
// they were sent.
func Interactions(ctx context.Context, r io.Reader, svc rapport.ImportService, s rapport.Scope, opt Options) (rapport.IngestResult, error) {
	res, err := runNDJSON(ctx, r, opt, svc.ImportBatchesAtOnce(), Native[rapport.IncomingInteraction](opt.Source), func(rows []rapport.IncomingInteraction, at *rapport.ImportBatch) (rapport.IngestResult, error) {
		return svc.ImportInteractions(ctx, s, rows, at)
	})
	return res.IngestResult, err
}

// Items reads items of business in Rapport's own shape as NDJSON and writes them
// through svc, 500 to a transaction: each is written on its own, with its timeline
// entries.
func Items(ctx context.Context, r io.Reader, svc rapport.ItemService, s rapport.Scope, opt Options) (rapport.IngestResult, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = 500
	}
	res, err := runNDJSON(ctx, r, opt, 1, Native[rapport.IncomingItem](opt.Source), func(rows []rapport.IncomingItem, _ *rapport.ImportBatch) (rapport.IngestResult, error) {
		return svc.IngestItems(ctx, s, rows)
	})
	return res.IngestResult, err
}

// Customers reads customer records in Rapport's own shape as NDJSON and writes them
// through svc.
func Customers(ctx context.Context, r io.Reader, svc rapport.SourceService, s rapport.Scope, opt Options) (rapport.IngestResult, error) {
	res, err := runNDJSON(ctx, r, opt, 1, Native[rapport.IncomingCustomer](opt.Source), func(rows []rapport.IncomingCustomer, _ *rapport.ImportBatch) (rapport.IngestResult, error) {
		return svc.IngestCustomers(ctx, s, rows)
	})
	return res.IngestResult, err
}

func runNDJSON[T any](ctx context.Context, r io.Reader, opt Options, atOnce int, convert Converter[T], write func([]T, *rapport.ImportBatch) (rapport.IngestResult, error)) (Result, error) {
	opt.defaults()
	// A request's body is limited by its size as sent; gzipped, a small one could hold
	// any number of lines. Files to import may be gzipped (POST /api/v1/imports).
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return Result{IngestResult: rapport.IngestResult{Errors: []rapport.LineError{}}},
			rapport.Errorf(rapport.EINVALID, "the body is gzipped: send the NDJSON lines as they are, or a gzipped file to POST /api/v1/imports")
	}
	rows, err := tabular.Open(br, tabular.Options{Format: tabular.NDJSON, MaxLine: opt.MaxLine, Unflattened: true, UTF8: true})
	if err != nil {
		return Result{IngestResult: rapport.IngestResult{Errors: []rapport.LineError{}}}, readError(err, 0, 0, 0)
	}
	return run(ctx, rows, opt, atOnce, convert, write)
}

// ImportCustomers reads customer records from rows, through the mapping m or, when m is
// nil, as JSON objects in Rapport's own shape, and writes them through svc, a batch at
// a time: a record joins a customer by e-mail only if it sees the batches before it
// written.
func ImportCustomers(ctx context.Context, rows *tabular.Rows, m *mapping.Mapping, svc rapport.ImportService, s rapport.Scope, opt Options) (Result, error) {
	return run(ctx, rows, opt, 1, customerConverter(m, opt.Source), func(batch []rapport.IncomingCustomer, at *rapport.ImportBatch) (rapport.IngestResult, error) {
		res, err := svc.ImportCustomers(ctx, s, batch, at)
		return atColumns(m, res), err
	})
}

// ImportInteractions reads interactions as ImportCustomers reads customers, and writes
// as many batches at once as svc says is best: none needs another's rows.
func ImportInteractions(ctx context.Context, rows *tabular.Rows, m *mapping.Mapping, svc rapport.ImportService, s rapport.Scope, opt Options) (Result, error) {
	return run(ctx, rows, opt, svc.ImportBatchesAtOnce(), interactionConverter(m, opt.Source), func(batch []rapport.IncomingInteraction, at *rapport.ImportBatch) (rapport.IngestResult, error) {
		res, err := svc.ImportInteractions(ctx, s, batch, at)
		return atColumns(m, res), err
	})
}

// atColumns names, in the rejections of rows read through m that the database made,
// the file's column that fed the field at fault, as the mapping's own rejections do:
// customer_id, not customer_source_id.
func atColumns(m *mapping.Mapping, res rapport.IngestResult) rapport.IngestResult {
	if m == nil {
		return res
	}
	for i, e := range res.Errors {
		if cols := m.Fields[e.Field]; len(cols) == 1 {
			res.Errors[i].Field = cols[0]
		}
	}
	return res
}

// customerConverter reads customer records through m, or in Rapport's own shape when m
// is nil.
func customerConverter(m *mapping.Mapping, source string) Converter[rapport.IncomingCustomer] {
	if m == nil {
		return Native[rapport.IncomingCustomer](source)
	}
	return func(r *tabular.Row) (rapport.IncomingCustomer, []string, error) {
		return m.ApplyCustomer(r, source)
	}
}

// interactionConverter reads interactions as customerConverter reads customers.
func interactionConverter(m *mapping.Mapping, source string) Converter[rapport.IncomingInteraction] {
	if m == nil {
		return Native[rapport.IncomingInteraction](source)
	}
	return func(r *tabular.Row) (rapport.IncomingInteraction, []string, error) {
		return m.ApplyInteraction(r, source)
	}
}

// A Converter turns a row into a record; its warnings are about values kept as they
// were.
type Converter[T any] func(*tabular.Row) (T, []string, error)

// record is what a converter makes: a customer or an interaction record.
type record interface {
	rapport.IncomingCustomer | rapport.IncomingInteraction | rapport.IncomingItem
}

// Native reads rows that are JSON objects in Rapport's own shape (the API's), refusing
// unknown fields, and gives those without a source the default one.
func Native[T record](source string) Converter[T] {
	return func(r *tabular.Row) (T, []string, error) {
		var rec T
		err := DecodeObject(r.Raw, &rec)
		switch v := any(&rec).(type) {
		case *rapport.IncomingCustomer:
			v.Line, v.Raw, v.Source = r.Line, r.Raw, cmp.Or(v.Source, source)
		case *rapport.IncomingInteraction:
			v.Line, v.Source = r.Line, cmp.Or(v.Source, source)
		case *rapport.IncomingItem:
			v.Line, v.Source = r.Line, cmp.Or(v.Source, source)
		}
		return rec, nil, err
	}
}

// run reads rows, converts them and writes full batches. A row that cannot be read or
// converted is rejected; the rest go on. Reading runs one batch ahead of writing, so
// that on two cores the input is parsed while the database writes; the batches may also
// be written atOnce at a time, each started once the one before it holds its place in
// the order of commits (ImportBatch.Placed): an import's, or else the run's own.
func run[T any](ctx context.Context, rows *tabular.Rows, opt Options, atOnce int, convert Converter[T], write func([]T, *rapport.ImportBatch) (rapport.IngestResult, error)) (Result, error) {
	opt.defaults()
	request := rapport.ID{} // names the run's order of commits when it belongs to no import
	if opt.Import == nil && atOnce > 1 {
		request = rapport.NewID()
	}
	ctx, cancel := context.WithCancel(ctx)
	var writing []*written[T] // batches being written, in file order
	defer func() {
		cancel() // stops the reader when a write fails
		for _, w := range writing {
			<-w.done
		}
	}()
	batches := make(chan batch[T], 1)
	go readBatches(ctx, rows, opt, convert, batches)

	total := Result{IngestResult: rapport.IngestResult{Errors: []rapport.LineError{}}}
	keep := func(errs []rapport.LineError) {
		if opt.Import == nil {
			total.Errors = append(total.Errors, errs...)
		} else if n := keptErrors - len(total.Errors); n > 0 {
			total.Errors = append(total.Errors, errs[:min(n, len(errs))]...)
		}
	}
	done := Progress{}
	retry := atOnce > 1
	// finish waits for the first batch being written and adds it to the totals.
	finish := func() error {
		w := writing[0]
		<-w.done
		writing = writing[1:]
		if w.err != nil && retry && ctx.Err() == nil {
			// It may have lost a deadlock to a batch written beside it, or waited for
			// one that failed: once those are done, it is written again alone. The
			// rest of the input is written a batch at a time: batches that collide
			// once (writing the same keys) are likely to again, and each deadlock
			// costs a second before PostgreSQL sees it.
			for _, other := range writing {
				<-other.done
			}
			atOnce = 1
			w.res, w.err = write(w.b.rows, w.at)
		}
		if w.err != nil {
			return w.err
		}
		b, res := w.b, w.res
		total.Warnings += len(b.warnings)
		if n := keptErrors - len(total.FirstWarnings); n > 0 {
			total.FirstWarnings = append(total.FirstWarnings, b.warnings[:min(n, len(b.warnings))]...)
		}
		keep(b.errors)
		keep(res.Errors)
		total.Received += len(b.errors) + res.Received
		total.Rejected += len(b.errors) + res.Rejected
		total.Created += res.Created
		total.Updated += res.Updated
		total.Linked += res.Linked
		total.Unchanged += res.Unchanged
		if opt.Import == nil {
			total.Items = append(total.Items, res.Items...)
		}
		done = Progress{Rows: done.Rows + b.read, Line: b.endLine, End: b.end}
		if opt.Progress != nil && b.read > 0 {
			opt.Progress(done)
		}
		if b.err != nil {
			applied, rejected := total.Received-total.Rejected, total.Rejected
			if opt.Import != nil { // and what the runs before this one, resumed, applied
				applied += opt.Import.Read - opt.Import.Rejected
				rejected += opt.Import.Rejected
			}
			return readError(b.err, done.Line, applied, rejected)
		}
		return nil
	}
	for b := range batches {
		for len(writing) >= atOnce {
			if err := finish(); err != nil {
				return total, err
			}
		}
		var at *rapport.ImportBatch
		switch {
		case opt.Import != nil:
			at = &rapport.ImportBatch{Import: opt.Import.ID, From: b.from, Offset: b.end, Line: b.endLine, Read: b.read, Rejected: b.errors, Text: b.text}
		case !request.IsZero():
			at = &rapport.ImportBatch{Request: request, From: b.from, Offset: b.end}
			if len(writing) > 0 { // else the batch before was written, or this is the first
				before := writing[len(writing)-1]
				at.Before = func() bool { <-before.done; return before.err == nil }
			}
		}
		writing = append(writing, startWrite(b, at, write))
	}
	for len(writing) > 0 {
		if err := finish(); err != nil {
			return total, err
		}
	}
	if err := ctx.Err(); err != nil {
		return total, err
	}
	sort.SliceStable(total.Errors, func(i, j int) bool { return total.Errors[i].Line < total.Errors[j].Line })
	return total, nil
}

// written is a batch being written, and once done is closed, what the write did.
type written[T any] struct {
	b    batch[T]
	at   *rapport.ImportBatch
	res  rapport.IngestResult
	err  error
	done chan struct{}
}

// startWrite starts writing a batch and returns once it holds its place in its import's
// order, or is written. A batch with nothing to write (and no place in a file to record)
// is done at once.
func startWrite[T any](b batch[T], at *rapport.ImportBatch, write func([]T, *rapport.ImportBatch) (rapport.IngestResult, error)) *written[T] {
	w := &written[T]{b: b, at: at, res: rapport.IngestResult{Errors: []rapport.LineError{}}, done: make(chan struct{})}
	if len(b.rows) == 0 && (at == nil || b.read == 0) {
		close(w.done)
		return w
	}
	placed := make(chan struct{})
	if at != nil {
		at.Placed = sync.OnceFunc(func() { close(placed) })
	}
	go func() {
		defer close(w.done)
		w.res, w.err = write(b.rows, at)
	}()
	select {
	case <-placed:
	case <-w.done:
	}
	return w
}

// batch is up to Options.BatchSize converted rows and the rows among them that could
// not be read or converted.
type batch[T any] struct {
	rows     []T
	source   []tabular.Row // the rows as read, for the text of rejected ones
	errors   []rapport.LineError
	warnings []Warning
	read     int   // rows read in the batch, rejected ones included
	from     int64 // where the batch starts in the input
	end      int64 // where it ends
	endLine  int
	err      error // a read error that ends the input
}

// text returns the row of the batch on a line as written.
func (b *batch[T]) text(line int) string {
	i := sort.Search(len(b.source), func(i int) bool { return b.source[i].Line >= line })
	if i < len(b.source) && b.source[i].Line == line {
		return b.source[i].Text()
	}
	return ""
}

// readBatches reads and converts the input and sends it in batches, then closes out.
func readBatches[T any](ctx context.Context, rows *tabular.Rows, opt Options, convert Converter[T], out chan<- batch[T]) {
	defer close(out)
	start := func(at int64, line int) batch[T] {
		return batch[T]{rows: make([]T, 0, opt.BatchSize), from: at, end: at, endLine: line}
	}
	b := start(0, 0)
	if opt.Import != nil {
		b = start(opt.Import.Offset, opt.Import.Line)
	}
	send := func() bool {
		select {
		case out <- b:
			b = start(b.end, b.endLine)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		row, err := rows.Read()
		var re *tabular.RowError
		switch {
		case errors.Is(err, io.EOF):
			send()
			return
		case errors.As(err, &re):
			b.errors = append(b.errors, rapport.LineError{Line: re.Line, Code: rapport.EINVALID, Message: re.Err.Error()})
			b.source = append(b.source, tabular.Row{Line: re.Line, Raw: re.Raw})
			b.end, b.endLine = re.End, re.EndLine
		case err != nil:
			b.err = err
			send()
			return
		default:
			b.end, b.endLine = row.End, row.EndLine
			b.source = append(b.source, row)
			rec, warnings, err := convert(&row)
			for _, w := range warnings {
				b.warnings = append(b.warnings, Warning{Line: row.Line, Message: w})
			}
			if err != nil {
				b.errors = append(b.errors, rapport.LineErrorOf(row.Line, err))
			} else {
				b.rows = append(b.rows, rec)
			}
		}
		if b.read++; b.read == opt.BatchSize && !send() {
			return
		}
	}
}

// readError explains a failed read after line, when the rows before it were written:
// applied of them, and rejected. A file that cannot be read on (damaged, cut short, not
// the format it claims) is bad input, and says so with the line at fault; a failure to
// read the disk is not. What was applied is counted in rows, not told by the line: a
// JSON array on one line holds many rows before its line ends.
func readError(err error, line, applied, rejected int) error {
	var tooBig *http.MaxBytesError
	var pathErr *fs.PathError
	done := "nothing was applied"
	switch {
	case applied == 1:
		done = "the 1 row before it was applied"
	case applied > 1:
		done = fmt.Sprintf("the %d rows before it were applied", applied)
	}
	if rejected > 0 {
		done += fmt.Sprintf(", %d rejected", rejected)
	}
	switch {
	case errors.As(err, &tooBig):
		return rapport.Errorf(rapport.ETOOLARGE, "the request body is over %d MiB: %s; send the rest in another request", tooBig.Limit>>20, done)
	case errors.As(err, &pathErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("after line %d: %w", line, err)
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum):
		return rapport.Errorf(rapport.EINVALID, "the gzipped input is damaged after line %d (%v): %s", line, err, done)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return rapport.Errorf(rapport.EINVALID, "the input ends unexpectedly after line %d (cut short, or a damaged gzip file): %s", line, done)
	}
	return rapport.Errorf(rapport.EINVALID, "%v: %s", err, done)
}
