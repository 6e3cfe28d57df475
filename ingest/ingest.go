// Package ingest reads records sent by source systems as NDJSON (one JSON object per
// line) and writes them in batches, reporting every rejected line by its number. The
// API's bulk endpoints and the rapport import command both use it.
package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/rapportckm/rapport"
)

// Options tune a run.
type Options struct {
	Source    string // the source of rows that name none
	BatchSize int    // rows written per transaction; default 5,000
	MaxLine   int    // longest line accepted, in bytes; default 1 MiB
	// Progress, if set, is called after each batch with the lines read so far.
	Progress func(lines int, res rapport.IngestResult)
}

func (o *Options) defaults() {
	if o.BatchSize <= 0 {
		o.BatchSize = 5000
	}
	if o.MaxLine <= 0 {
		o.MaxLine = 1 << 20
	}
}

// Interactions reads interactions and writes them through svc.
func Interactions(ctx context.Context, r io.Reader, svc rapport.InteractionService, s rapport.Scope, opt Options) (rapport.IngestResult, error) {
	return run(ctx, r, opt, func(line []byte, n int) (rapport.IncomingInteraction, error) {
		var row rapport.IncomingInteraction
		err := decode(line, &row)
		row.Line = n
		if row.Source == "" {
			row.Source = opt.Source
		}
		return row, err
	}, func(rows []rapport.IncomingInteraction) (rapport.IngestResult, error) {
		return svc.IngestInteractions(ctx, s, rows)
	})
}

// Customers reads customer records and writes them through svc.
func Customers(ctx context.Context, r io.Reader, svc rapport.SourceService, s rapport.Scope, opt Options) (rapport.IngestResult, error) {
	return run(ctx, r, opt, func(line []byte, n int) (rapport.IncomingCustomer, error) {
		var row rapport.IncomingCustomer
		err := decode(line, &row)
		row.Line = n
		row.Raw = append(json.RawMessage(nil), line...)
		if row.Source == "" {
			row.Source = opt.Source
		}
		return row, err
	}, func(rows []rapport.IncomingCustomer) (rapport.IngestResult, error) {
		return svc.IngestCustomers(ctx, s, rows)
	})
}

// run reads lines, parses each into a row and writes full batches. A line that does
// not parse is rejected; the rest go on. Parsing runs one batch ahead of writing, so
// that on two cores the JSON is decoded while the database writes.
func run[T any](ctx context.Context, r io.Reader, opt Options, parse func([]byte, int) (T, error), write func([]T) (rapport.IngestResult, error)) (rapport.IngestResult, error) {
	opt.defaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader when a write fails
	batches := make(chan batch[T], 1)
	go readBatches(ctx, r, opt, parse, batches)

	total := rapport.IngestResult{Errors: []rapport.LineError{}}
	for b := range batches {
		total.Received += len(b.errors)
		total.Errors = append(total.Errors, b.errors...)
		if len(b.rows) > 0 {
			res, err := write(b.rows)
			if err != nil {
				return total, err
			}
			total.Received += res.Received
			total.Created += res.Created
			total.Updated += res.Updated
			total.Errors = append(total.Errors, res.Errors...)
			total.Items = append(total.Items, res.Items...)
			if opt.Progress != nil {
				opt.Progress(b.lines, total)
			}
		}
		if b.err != nil {
			total.Rejected = len(total.Errors)
			return total, readError(b.err, b.lines)
		}
	}
	if err := ctx.Err(); err != nil {
		return total, err
	}
	total.Rejected = len(total.Errors)
	sortErrors(total.Errors)
	return total, nil
}

// batch is up to Options.BatchSize parsed rows and the lines among them that did not
// parse.
type batch[T any] struct {
	rows   []T
	errors []rapport.LineError
	lines  int   // lines read so far
	err    error // a read error that ends the input
}

// readBatches reads and parses the input and sends it in batches, then closes out.
func readBatches[T any](ctx context.Context, r io.Reader, opt Options, parse func([]byte, int) (T, error), out chan<- batch[T]) {
	defer close(out)
	br := bufio.NewReaderSize(r, 64<<10)
	b := batch[T]{rows: make([]T, 0, opt.BatchSize)}
	send := func() bool {
		select {
		case out <- b:
			b = batch[T]{rows: make([]T, 0, opt.BatchSize), lines: b.lines}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		line, err := readLine(br, opt.MaxLine)
		if err != io.EOF || len(line) > 0 {
			b.lines++ // lines are numbered as in the file, blank ones included
		}
		switch {
		case err == errLineTooLong:
			b.errors = append(b.errors, rapport.LineError{Line: b.lines, Code: rapport.ETOOLARGE, Message: fmt.Sprintf("the line is over %d KiB; one record per line, each under that size", opt.MaxLine>>10)})
		case err != nil && err != io.EOF:
			b.err = err
			send()
			return
		case len(line) > 0:
			row, perr := parse(line, b.lines)
			if perr != nil {
				b.errors = append(b.errors, rapport.LineErrorOf(b.lines, perr))
			} else if b.rows = append(b.rows, row); len(b.rows) == opt.BatchSize && !send() {
				return
			}
		}
		if err == io.EOF {
			send()
			return
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its end, skipping the rest of a line over max.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max+2 {
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			return nil, errLineTooLong
		}
		line = append(line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimSpace(line), err
	}
}

// readError explains a failed read; the lines before it were written.
func readError(err error, line int) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return rapport.Errorf(rapport.ETOOLARGE, "the request body is over %d MiB: lines up to %d were applied; send the rest in another request", tooBig.Limit>>20, line)
	}
	return fmt.Errorf("read line %d: %w", line+1, err)
}

// decode parses one JSON object, refusing unknown fields so that a misspelt field is
// reported instead of silently dropped.
func decode(line []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if dec.More() {
		return rapport.Errorf(rapport.EINVALID, "a line holds one JSON object; this one holds more")
	}
	return nil
}

func sortErrors(errs []rapport.LineError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Line < errs[j-1].Line; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}
