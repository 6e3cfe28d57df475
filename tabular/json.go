package tabular

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// JSON rows are flattened: a nested object's fields become columns named with dots
// ("address.city"), an array stays a column holding its JSON text (["a","b"]), numbers
// and booleans are written as in the file, and null is no value.

// ndjsonRows reads one JSON object per line; blank lines count as lines but are no rows.
// A line that is not UTF-8 is refused when utf8Only, and read as Windows-1252 if not.
func ndjsonRows(br *bufio.Reader, offset int64, line, maxLine int, flat, utf8Only bool) func() (Row, error) {
	return func() (Row, error) {
		for {
			raw, n, err := readLine(br, maxLine)
			if n == 0 && err != nil {
				return Row{}, err // io.EOF after the last line
			}
			offset += int64(n)
			line++
			switch {
			case errors.Is(err, errLineTooLong):
				return Row{}, &RowError{Line: line, EndLine: line, End: offset, Err: fmt.Errorf("the line is over %d KiB; one record per line, each under that size", maxLine>>10)}
			case err != nil && !errors.Is(err, io.EOF):
				return Row{}, err
			case len(raw) == 0:
				if errors.Is(err, io.EOF) {
					return Row{}, io.EOF
				}
				continue
			}
			if utf8Only && !utf8.Valid(raw) {
				return Row{}, &RowError{Line: line, EndLine: line, End: offset, Err: errors.New("the line is not UTF-8, as JSON must be: send the text encoded in UTF-8")}
			}
			raw = utf8Bytes(bytes.Clone(raw))
			r := Row{Line: line, EndLine: line, End: offset, Raw: raw}
			if !flat {
				return r, nil
			}
			if r.Columns, r.Values, err = flatten(raw); err != nil {
				return Row{}, &RowError{Line: line, EndLine: line, End: offset, Err: err, Raw: raw}
			}
			return r, nil
		}
	}
}

var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its end and the bytes it took, skipping the
// rest of a line over max.
func readLine(br *bufio.Reader, max int) ([]byte, int, error) {
	var line []byte
	n := 0
	for {
		chunk, err := br.ReadSlice('\n')
		n += len(chunk)
		if len(line)+len(chunk) > max+2 {
			for errors.Is(err, bufio.ErrBufferFull) {
				chunk, err = br.ReadSlice('\n')
				n += len(chunk)
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, n, err
			}
			return nil, n, errLineTooLong
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimSpace(line), n, err
	}
}

// jsonRows reads the elements of a JSON array one at a time with a json.Decoder, so
// that memory holds one element, not the array. A resumed read starts after an
// element: what follows is a comma and more elements, or the closing bracket.
func jsonRows(br *bufio.Reader, offset int64, line int, resumed, flat bool) (func() (Row, error), error) {
	lines := &lineCounter{r: br, offset: offset, line: line}
	base := offset // where the decoder's input starts in the file
	var in io.Reader = lines
	if resumed {
		// Stand a "[" in for the elements before, in place of the comma after the last.
		for {
			b, err := br.Peek(1)
			if err != nil {
				return nil, fmt.Errorf("the file ends where the import stopped, before the array closes: %w", err)
			}
			if b[0] == ',' || b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
				lines.Read(make([]byte, 1))
				if b[0] != ',' {
					continue
				}
			}
			break
		}
		base = lines.offset - 1
		in = io.MultiReader(strings.NewReader("["), lines)
	}
	dec := json.NewDecoder(in)
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, fmt.Errorf("line %d: a JSON file holds an array of objects: [{…}, {…}]", lines.lineAt(base+dec.InputOffset()))
	}
	done := false
	return func() (Row, error) {
		if done {
			return Row{}, io.EOF
		}
		if !dec.More() {
			done = true
			if _, err := dec.Token(); err != nil { // the closing ]
				return Row{}, jsonError(err, base, dec, lines)
			}
			if _, err := dec.Token(); !errors.Is(err, io.EOF) {
				return Row{}, fmt.Errorf("line %d: there is more after the array's closing ]", lines.lineAt(base+dec.InputOffset()))
			}
			return Row{}, io.EOF
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			done = true // the decoder cannot find the next element after a syntax error
			return Row{}, jsonError(err, base, dec, lines)
		}
		end := base + dec.InputOffset()
		r := Row{Line: lines.lineAt(end - int64(len(raw))), EndLine: lines.lineAt(end) - 1, End: end, Raw: utf8Bytes(raw)}
		if !flat {
			return r, nil
		}
		var err error
		if r.Columns, r.Values, err = flatten(r.Raw); err != nil {
			return Row{}, &RowError{Line: r.Line, EndLine: r.EndLine, End: end, Err: err, Raw: r.Raw}
		}
		return r, nil
	}, nil
}

// jsonError says what is wrong with a JSON array, and on which line.
func jsonError(err error, base int64, dec *json.Decoder, lines *lineCounter) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("line %d: the JSON is not valid: %v", lines.lineAt(base+syntax.Offset-1), err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("line %d: the file ends inside the array: an object or the array is not closed", lines.lineAt(lines.offset))
	}
	return fmt.Errorf("line %d: %v", lines.lineAt(base+dec.InputOffset()), err)
}

// lineCounter counts the lines of what it reads, so that a position the decoder
// reports can be told as a line. It keeps the bytes read but not yet asked about: what
// the decoder has buffered ahead, not the file.
type lineCounter struct {
	r       io.Reader
	offset  int64 // of the end of what was read
	line    int   // newlines before pending
	pending []byte
}

func (lc *lineCounter) Read(p []byte) (int, error) {
	n, err := lc.r.Read(p)
	lc.pending = append(lc.pending, p[:n]...)
	lc.offset += int64(n)
	return n, err
}

// lineAt returns the line that byte offset is on; offsets asked about never go back.
func (lc *lineCounter) lineAt(offset int64) int {
	start := lc.offset - int64(len(lc.pending))
	k := int(min(max(offset-start, 0), int64(len(lc.pending))))
	lc.line += bytes.Count(lc.pending[:k], []byte("\n"))
	lc.pending = append(lc.pending[:0], lc.pending[k:]...)
	return lc.line + 1
}

// utf8Bytes reads a record that is not UTF-8 as Windows-1252 (see text).
func utf8Bytes(b []byte) []byte {
	if !utf8.Valid(b) {
		if t, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
			return t
		}
	}
	return b
}

// flatten turns a JSON object into columns and values, in the order written.
func flatten(data []byte) (cols, vals []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		if err != nil {
			return nil, nil, fmt.Errorf("the JSON is not valid: %v", err)
		}
		return nil, nil, errors.New("expected a JSON object {…}")
	}
	var walk func(prefix string) error
	walk = func(prefix string) error {
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			name := prefix + tok.(string)
			start := dec.InputOffset()
			tok, err = dec.Token()
			if err != nil {
				return err
			}
			switch v := tok.(type) {
			case json.Delim:
				if v == '{' {
					if err := walk(name + "."); err != nil {
						return err
					}
					continue
				}
				for depth := 1; depth > 0; { // an array: kept as its JSON text
					t, err := dec.Token()
					if err != nil {
						return err
					}
					if d, ok := t.(json.Delim); ok {
						depth += map[json.Delim]int{'[': 1, '{': 1, ']': -1, '}': -1}[d]
					}
				}
				text := bytes.TrimLeft(data[start:dec.InputOffset()], " \t\r\n:")
				cols, vals = append(cols, name), append(vals, string(text))
			case string:
				cols, vals = append(cols, name), append(vals, v)
			case json.Number:
				cols, vals = append(cols, name), append(vals, v.String())
			case bool:
				cols, vals = append(cols, name), append(vals, fmt.Sprint(v))
			case nil:
			}
		}
		_, err := dec.Token() // the closing }
		return err
	}
	if err := walk(""); errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, nil, errors.New("the JSON ends too early: an object or a string is not closed")
	} else if err != nil {
		return nil, nil, fmt.Errorf("the JSON is not valid: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, errors.New("a line holds one JSON object; this one holds more")
	}
	return cols, vals, nil
}
