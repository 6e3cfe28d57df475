// Package tabular reads the rows of files exported by the systems customers' data comes
// from: CSV and its relatives (any of the usual delimiters, found from the header line;
// quoted fields), NDJSON (one JSON object per line) and JSON arrays of objects. Files
// are UTF-8, with or without a byte-order mark, or Latin-1 (Windows-1252), and may be
// gzip-compressed. Memory does not grow with the file, and every row knows its line and
// the byte offset just past it, from which an interrupted import resumes.
package tabular

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Format is a kind of file.
type Format string

const (
	CSV    Format = "csv"
	NDJSON Format = "ndjson"
	JSON   Format = "json" // an array of objects
)

// FormatOf names the format a file's extension says (.gz aside), or "" when it says
// none.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(strings.TrimSuffix(strings.ToLower(name), ".gz"))) {
	case ".csv", ".tsv", ".txt", ".tab", ".psv":
		return CSV
	case ".ndjson", ".jsonl", ".ldjson":
		return NDJSON
	case ".json":
		return JSON
	}
	return ""
}

// Options say how to read a file.
type Options struct {
	Format Format // "" to sniff it from the content
	// Offset and Line resume a read: the byte offset of the (decompressed) input
	// where the next row starts and the number of lines before it, both from a Row
	// read earlier (its End and EndLine). The header of a CSV file is read first all
	// the same.
	Offset  int64
	Line    int
	MaxLine int // longest NDJSON line accepted; default 1 MiB
	// MaxRecord is the longest CSV record accepted; default 16 MiB. Over it, a record
	// is rejected rather than read into memory whole.
	MaxRecord int
	// Unflattened leaves JSON objects whole in Row.Raw, without columns, for readers
	// that decode them themselves.
	Unflattened bool
	// UTF8 refuses NDJSON lines that are not UTF-8, as JSON sent to an API must be,
	// instead of reading them as Windows-1252 as a file exported by an old system is.
	UTF8 bool
}

// Rows reads the rows of a file one at a time.
type Rows struct {
	Format    Format
	Header    []string // the columns of a CSV file; nil for JSON, whose rows name their own
	Delimiter rune
	Latin1    bool // the file is not all UTF-8: its records that are not are read as Windows-1252
	Gzip      bool
	next      func() (Row, error)
}

// Read returns the next row, or io.EOF after the last. A *RowError is about one row
// only: reading may go on after it. Any other error ends the file.
func (r *Rows) Read() (Row, error) { return r.next() }

// RowError is a row that could not be read; the rows after it can be.
type RowError struct {
	Line    int
	EndLine int
	End     int64
	Err     error
	Raw     []byte
}

func (e *RowError) Error() string {
	if msg := e.Err.Error(); strings.HasPrefix(msg, "column ") {
		return fmt.Sprintf("line %d, %s", e.Line, msg)
	}
	return fmt.Sprintf("line %d: %v", e.Line, e.Err)
}
func (e *RowError) Unwrap() error { return e.Err }

// sniffSize is how much of the file decides its format, delimiter and encoding, and
// the most a CSV header may take.
const sniffSize = 64 << 10

// Open prepares to read rows from r. When r is an io.Seeker and not compressed, a
// resumed read seeks to its offset; otherwise it reads its way there.
func Open(r io.Reader, opt Options) (*Rows, error) {
	if opt.MaxLine <= 0 {
		opt.MaxLine = 1 << 20
	}
	if opt.MaxRecord <= 0 {
		opt.MaxRecord = 16 << 20
	}
	rows := &Rows{}
	br := bufio.NewReaderSize(r, sniffSize)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		rows.Gzip = true
		br = bufio.NewReaderSize(gz, sniffSize)
	}
	sample, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	var bom int64
	if bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")) {
		bom, sample = 3, sample[3:]
	}
	if err := CheckText(sample); err != nil {
		return nil, err
	}
	rows.Latin1 = !utf8.Valid(trimPartialRune(sample))
	if rows.Format = opt.Format; rows.Format == "" {
		rows.Format = sniffFormat(sample)
	}
	start, line := max(opt.Offset, bom), opt.Line
	crLines := rows.Format == CSV && endsLinesWithCR(sample)
	if crLines {
		sample = bytes.ReplaceAll(sample, []byte("\r"), []byte("\n"))
	}
	if rows.Format == CSV {
		rows.Delimiter = sniffDelimiter(sample)
		header, end, err := readHeader(sample, rows.Delimiter)
		if err != nil {
			return nil, err
		}
		rows.Header = distinct(header)
		if start < bom+end {
			start, line = bom+end, bytes.Count(sample[:end], []byte("\n"))
		}
	}
	// Skip to where the rows start, by seeking when the file allows it.
	if seeker, ok := r.(io.Seeker); ok && !rows.Gzip && start > sniffSize {
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, err
		}
		br.Reset(r)
	} else if _, err := io.CopyN(io.Discard, br, start); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("the file is shorter (%s) than where the import stopped: it is not the same file", ByteSize(start))
		}
		return nil, err
	}
	if crLines {
		br = bufio.NewReaderSize(crToLF{br}, sniffSize)
	}
	switch rows.Format {
	case CSV:
		rows.next = csvRows(br, rows, start, line, opt.MaxRecord)
	case NDJSON:
		rows.next = ndjsonRows(br, start, line, opt.MaxLine, !opt.Unflattened, opt.UTF8)
	case JSON:
		if rows.next, err = jsonRows(br, start, line, opt.Offset > 0, !opt.Unflattened); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("format %q is unknown: use csv, ndjson or json", rows.Format)
	}
	return rows, nil
}

// CheckText refuses the start of a file that is not text Rapport reads: a spreadsheet,
// or text in UTF-16, whose every other byte is NUL and would be read as garbage.
func CheckText(head []byte) error {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return errors.New("the file is a spreadsheet or a zip archive: save it as CSV (UTF-8) and import that")
	case bytes.IndexByte(head, 0) >= 0:
		return errors.New("the file is not text in UTF-8 or Latin-1 (it holds NUL bytes, as UTF-16 text and spreadsheets do): save it as CSV (UTF-8), NDJSON or JSON")
	}
	return nil
}

// endsLinesWithCR reports whether the first line ends with a carriage return alone,
// as files saved by old Macintosh programs do: read as they are, such a file is one
// header line and no rows.
func endsLinesWithCR(sample []byte) bool {
	i := bytes.IndexAny(sample, "\r\n")
	return i >= 0 && sample[i] == '\r' && i+1 < len(sample) && sample[i+1] != '\n'
}

// crToLF reads carriage returns as line feeds, byte for byte, so that offsets into the
// file stay as they are.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// sniffFormat tells JSON from NDJSON from CSV by the first character.
func sniffFormat(sample []byte) Format {
	switch s := bytes.TrimLeft(sample, " \t\r\n"); {
	case bytes.HasPrefix(s, []byte("[")):
		return JSON
	case bytes.HasPrefix(s, []byte("{")):
		return NDJSON
	}
	return CSV
}

// readHeader reads the header row from the sample and returns it and its length.
func readHeader(sample []byte, delim rune) ([]string, int64, error) {
	cr := newCSVReader(bytes.NewReader(sample), delim)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, 0, errors.New("the file is empty: expected a header row")
	}
	if err != nil {
		return nil, 0, describe(err)
	}
	end := cr.InputOffset()
	if end >= int64(len(sample)) && len(sample) == sniffSize {
		return nil, 0, fmt.Errorf("line 1: the header is over %d KiB; is this a CSV file?", sniffSize>>10)
	}
	for i, h := range header {
		header[i] = strings.TrimSpace(text(h))
		if header[i] == "" {
			return nil, 0, fmt.Errorf("line 1: column %d has no name in the header", i+1)
		}
	}
	return header, end, nil
}

func newCSVReader(r io.Reader, delim rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = delim
	cr.TrimLeadingSpace = true
	cr.FieldsPerRecord = -1 // checked here, to say more
	return cr
}

// csvRows reads CSV records from br, which starts at byte start after line lines.
//
// A record that fails across several lines, or grows over maxRecord bytes, is a quote
// opened and not closed where it should be: encoding/csv would read on to the next
// quote, or to the end of the file, and reject everything in between as one row. Only
// its first line is rejected, and reading goes on at the next line.
func csvRows(br *bufio.Reader, rows *Rows, start int64, line, maxRecord int) func() (Row, error) {
	in := &keeper{r: br, base: start, max: maxRecord}
	var cr *csv.Reader
	var crStart int64 // where cr's input starts in the file
	var crLine int    // and the lines before it
	restart := func(at int64, lines int) {
		in.again(at)
		cr, crStart, crLine = newCSVReader(in, rows.Delimiter), at, lines
	}
	restart(start, line)
	done := line // the lines before the record being read
	index := indexOf(rows.Header)
	// rejectFirstLine rejects the first line of the record that starts at in.base
	// and reads again from the next.
	rejectFirstLine := func(problem error, tooLong bool) (Row, error) {
		at, blank := in.skipBlankLines()
		end, raw, err := in.lineEnd(at)
		if err != nil && !errors.Is(err, io.EOF) {
			return Row{}, err
		}
		if tooLong {
			raw = nil
		}
		l := done + blank + 1
		restart(end, l)
		done = l
		return Row{}, &RowError{Line: l, EndLine: l, End: end, Raw: raw, Err: problem}
	}
	tooLong := fmt.Errorf("the row is over %s: a quote opened on this line and not closed, or a field too long", ByteSize(int64(maxRecord)))
	return func() (Row, error) {
		values, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		// Over the limit, a parse error in the part read is the reader's, not the row's.
		if errors.Is(err, errRecordTooLong) || in.refused {
			return rejectFirstLine(tooLong, true)
		}
		end := crStart + cr.InputOffset()
		if end-in.base > int64(maxRecord) { // whether read in one piece or not
			return rejectFirstLine(tooLong, true)
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return Row{}, err
			}
			if pe.StartLine != pe.Line {
				return rejectFirstLine(errors.New("a quote opened on this line is not closed where it should be (a field with quotes in it must be quoted, and its quotes doubled); the lines after it are read as rows of their own"), false)
			}
			// The reader goes on at the next line; so do we.
			raw := in.record(end)
			done = crLine + pe.Line
			return Row{}, &RowError{Line: done, EndLine: done, End: end, Raw: raw, Err: csvProblem(pe)}
		}
		first, _ := cr.FieldPos(0)
		r := Row{Line: crLine + first, End: end, Columns: rows.Header, Values: values, index: index, comma: rows.Delimiter}
		r.EndLine = r.Line
		for i, v := range values {
			r.EndLine += strings.Count(v, "\n")
			values[i] = text(v)
		}
		if len(values) != len(rows.Header) {
			problem := fmt.Errorf("the row has %d fields where the header has %d", len(values), len(rows.Header))
			if r.EndLine != r.Line { // a quote out of place joined lines
				return rejectFirstLine(fmt.Errorf("%w: a quote opened on this line joined it to the %d lines after it; they are read as rows of their own", problem, r.EndLine-r.Line), false)
			}
			done = r.EndLine
			return Row{}, &RowError{Line: r.Line, EndLine: r.EndLine, End: end, Raw: in.record(end), Err: problem}
		}
		in.forget(end)
		done = r.EndLine
		return r, nil
	}
}

var errRecordTooLong = errors.New("record too long")

// keeper keeps what a csv.Reader reads from r since base, the start of the record
// being read: to show a rejected row as written, and to read again after its first
// line when it must be read another way. It refuses to keep more than max bytes.
type keeper struct {
	r       io.Reader
	base    int64
	kept    []byte // from base
	replay  []byte // to be read again before r
	max     int
	refused bool // to read past max
}

func (k *keeper) Read(p []byte) (int, error) {
	if len(k.kept) > k.max {
		k.refused = true
		return 0, errRecordTooLong
	}
	n, err := k.read(p)
	k.kept = append(k.kept, p[:n]...)
	return n, err
}

func (k *keeper) read(p []byte) (int, error) {
	if len(k.replay) > 0 {
		n := copy(p, k.replay)
		k.replay = k.replay[n:]
		return n, nil
	}
	return k.r.Read(p)
}

// record returns the record that ends at offset end as written, without the empty
// lines before it and its line end, and forgets it.
func (k *keeper) record(end int64) []byte {
	raw := bytes.Trim(k.kept[:end-k.base], "\r\n")
	raw = []byte(text(string(raw)))
	k.forget(end)
	return raw
}

// forget drops what is kept before offset: the records before it are done.
func (k *keeper) forget(offset int64) {
	k.kept, k.base = k.kept[offset-k.base:], offset
}

// again makes the bytes from offset on, which must be kept, be read again.
func (k *keeper) again(offset int64) {
	k.replay = append(bytes.Clone(k.kept[offset-k.base:]), k.replay...)
	k.kept, k.base, k.refused = nil, offset, false
}

// skipBlankLines returns where the record that starts at base really starts, after
// the empty lines encoding/csv skips, and how many there are.
func (k *keeper) skipBlankLines() (int64, int) {
	i, n := 0, 0
	for {
		switch {
		case bytes.HasPrefix(k.kept[i:], []byte("\n")):
			i, n = i+1, n+1
		case bytes.HasPrefix(k.kept[i:], []byte("\r\n")):
			i, n = i+2, n+1
		default:
			return k.base + int64(i), n
		}
	}
}

// lineEnd returns the end of the line that starts at offset, which must be kept,
// reading on past what is kept when the line is longer, and the line as written
// unless it is over max. What was read past the line's end is read again.
func (k *keeper) lineEnd(offset int64) (int64, []byte, error) {
	rest := k.kept[offset-k.base:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		return offset + int64(i) + 1, []byte(text(string(bytes.TrimRight(rest[:i], "\r")))), nil
	}
	end := k.base + int64(len(k.kept))
	k.kept, k.base = nil, end
	buf := make([]byte, 32<<10)
	for {
		n, err := k.read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			k.replay = append(bytes.Clone(buf[i+1:n]), k.replay...)
			end += int64(i) + 1
			k.base = end
			return end, nil, nil
		}
		end += int64(n)
		k.base = end
		if err != nil {
			return end, nil, err
		}
	}
}

// text returns a field as UTF-8: a field that is not UTF-8 is read as Windows-1252.
// The decision is the field's, not the file's: files put together from several
// exports mix the two, and a field that is valid UTF-8 is almost never Latin-1 text.
func text(s string) string {
	if !utf8.ValidString(s) {
		if t, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			return t
		}
	}
	return s
}

// csvProblem says what is wrong with a CSV record, and in which column.
func csvProblem(pe *csv.ParseError) error {
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		return fmt.Errorf("byte %d of the line: a quote out of place (a field with quotes in it must be quoted, and its quotes doubled)", pe.Column)
	}
	return fmt.Errorf("byte %d of the line: %v", pe.Column, pe.Err)
}

// describe turns encoding/csv's errors into one line that names the line and the byte
// in it (encoding/csv counts bytes, not fields).
func describe(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			return fmt.Errorf("line %d: a row has a different number of fields from the header", pe.StartLine)
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return fmt.Errorf("line %d, byte %d: a quote out of place (a field with quotes in it must be quoted, and its quotes doubled)", pe.Line, pe.Column)
		}
		return fmt.Errorf("line %d, byte %d: %v", pe.Line, pe.Column, pe.Err)
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

// ByteSize writes a number of bytes for people: 512 bytes, 3.2 MiB, 1 GiB.
func ByteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<30)), ".0") + " GiB"
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<10)), ".0") + " KiB"
	}
	return fmt.Sprintf("%d bytes", n)
}

// Reader reads a CSV file's rows as plain lists of values.
type Reader struct {
	Header    []string
	Delimiter rune
	Latin1    bool // the file is not all UTF-8: its fields that are not are read as Windows-1252
	rows      *Rows
}

// NewReader reads the header row of a CSV file and prepares to read the rest.
func NewReader(r io.Reader) (*Reader, error) {
	rows, err := Open(r, Options{Format: CSV})
	if err != nil {
		return nil, err
	}
	return &Reader{Header: rows.Header, Delimiter: rows.Delimiter, Latin1: rows.Latin1, rows: rows}, nil
}

// Read returns the next row and the line it starts on, or io.EOF after the last.
func (r *Reader) Read() ([]string, int, error) {
	row, err := r.rows.Read()
	if err != nil {
		return nil, 0, err
	}
	return row.Values, row.Line, nil
}

// ReadAll reads every row of a CSV file into memory.
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

// distinct names a column that repeats an earlier one's name with a number, as the
// second "email" becomes "email_2": a mapping names columns, and each must be found.
func distinct(header []string) []string {
	seen := make(map[string]bool, len(header))
	for _, h := range header {
		seen[h] = true
	}
	out := slices.Clone(header)
	taken := map[string]bool{}
	for i, h := range header {
		if !taken[h] {
			taken[h] = true
			continue
		}
		name := h
		for n := 2; seen[name] || taken[name]; n++ {
			name = fmt.Sprintf("%s_%d", h, n)
		}
		out[i], taken[name] = name, true
	}
	return out
}
