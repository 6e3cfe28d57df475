// Package tabular reads delimited text files (CSV and its relatives) as exported by the
// systems customers' data comes from: any of the usual delimiters, found from the header
// line; quoted fields; UTF-8 with or without a byte-order mark, or Latin-1
// (Windows-1252) when the file is not UTF-8; optionally gzip-compressed.
package tabular

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// A Reader reads rows one at a time; memory does not grow with the file.
type Reader struct {
	Header    []string
	Delimiter rune
	Latin1    bool // the file was not UTF-8 and is read as Windows-1252
	csv       *csv.Reader
}

// sniffSize is how much of the file decides its delimiter and encoding.
const sniffSize = 64 << 10

// NewReader reads the header row and prepares to read the rest.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		br = bufio.NewReaderSize(gz, sniffSize)
	}
	sample, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	rd := &Reader{}
	var src io.Reader = br
	if bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		sample = sample[3:]
	}
	if !utf8.Valid(trimPartialRune(sample)) {
		rd.Latin1 = true
		src = charmap.Windows1252.NewDecoder().Reader(br)
		sample, _ = charmap.Windows1252.NewDecoder().Bytes(sample)
	}
	rd.Delimiter = sniffDelimiter(sample)
	rd.csv = csv.NewReader(src)
	rd.csv.Comma = rd.Delimiter
	rd.csv.TrimLeadingSpace = true
	rd.csv.FieldsPerRecord = 0 // every row as wide as the header
	header, err := rd.csv.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("the file is empty: expected a header row")
	}
	if err != nil {
		return nil, describe(err)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if header[i] == "" {
			return nil, fmt.Errorf("line 1: column %d has no name in the header", i+1)
		}
	}
	rd.Header = header
	return rd, nil
}

// Read returns the next row and the line it starts on, or io.EOF after the last.
func (r *Reader) Read() ([]string, int, error) {
	row, err := r.csv.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, describe(err)
	}
	line, _ := r.csv.FieldPos(0)
	return row, line, nil
}

// ReadAll reads every row of a file into memory.
func ReadAll(r io.Reader) (header []string, rows [][]string, err error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, nil, err
	}
	for {
		row, _, err := rd.Read()
		if errors.Is(err, io.EOF) {
			return rd.Header, rows, nil
		}
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row)
	}
}

// describe turns encoding/csv's errors into one line that names the line and column.
func describe(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			return fmt.Errorf("line %d: a row has a different number of fields from the header", pe.StartLine)
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return fmt.Errorf("line %d, column %d: a quote out of place (a field with quotes in it must be quoted, and its quotes doubled)", pe.Line, pe.Column)
		}
		return fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return err
}

// sniffDelimiter picks the delimiter that splits the header line into most fields,
// counting only outside quotes; a comma when there is no other.
func sniffDelimiter(sample []byte) rune {
	line := sample
	inQuotes := false
	for i, c := range sample {
		if c == '"' {
			inQuotes = !inQuotes
		}
		if c == '\n' && !inQuotes {
			line = sample[:i]
			break
		}
	}
	best, bestCount := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		count, quoted := 0, false
		for _, c := range string(line) {
			if c == '"' {
				quoted = !quoted
			} else if c == d && !quoted {
				count++
			}
		}
		if count > bestCount {
			best, bestCount = d, count
		}
	}
	return best
}

// trimPartialRune drops a UTF-8 sequence cut off at the end of a sample.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}
