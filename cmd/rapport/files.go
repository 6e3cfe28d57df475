package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFile writes a file whole or not at all: write fills a temporary file beside
// name, which then takes its place. Only a file may be replaced so, not a device, a
// pipe or a directory, and its directory must exist; flag names the flag that gave
// name, for the message.
func writeFile(flag, name string, write func(io.Writer) error) error {
	if err := checkOutput(flag, name); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+"-*")
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, name, err)
	}
	defer os.Remove(f.Name()) // after the rename, there is nothing to remove
	buf := bufio.NewWriterSize(f, 1<<16)
	if err := write(buf); err != nil {
		f.Close()
		return err
	}
	if err := buf.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s %s: %w", flag, name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s %s: %w", flag, name, err)
	}
	return os.Rename(f.Name(), name)
}

// checkOutput is the check of writeFile, for commands that want it before they work.
func checkOutput(flag, name string) error {
	if info, err := os.Lstat(name); err == nil && !info.Mode().IsRegular() {
		return usagef("%s %s is not a file: name a file to write", flag, name)
	}
	if info, err := os.Stat(filepath.Dir(name)); err != nil || !info.IsDir() {
		return usagef("%s %s: the directory %s does not exist", flag, name, filepath.Dir(name))
	}
	return nil
}

// outputFile is a file a command writes, and the flag that names it.
type outputFile struct{ flag, name string }

// checkOutputs checks the outputs of a command before it reads or writes anything:
// each must be a file that can be written (see checkOutput), and none may be one of
// the inputs or another output, which writing it would destroy. Unnamed outputs ("")
// and standard input and output ("-") are left out.
func checkOutputs(inputs []string, outputs ...outputFile) error {
	for i, out := range outputs {
		if out.name == "" || out.name == "-" {
			continue
		}
		if err := checkOutput(out.flag, out.name); err != nil {
			return err
		}
		for _, in := range inputs {
			if in != "" && in != "-" && sameFile(in, out.name) {
				return usagef("%s %s is also an input: name another file to write", out.flag, out.name)
			}
		}
		for _, other := range outputs[:i] {
			if other.name != "" && other.name != "-" && sameFile(other.name, out.name) {
				return usagef("%s %s is also the file of %s: name another file", out.flag, out.name, other.flag)
			}
		}
	}
	return nil
}

// sameFile reports whether two names are the same file: the same path once cleaned
// and made absolute, or, when both exist, the same file by another path (a link).
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if errA == nil && errB == nil && absA == absB {
		return true
	}
	infoA, errA := os.Stat(a)
	infoB, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(infoA, infoB)
}

// cancelWriter stops a long write once ctx is done (Ctrl-C).
type cancelWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c cancelWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, fmt.Errorf("interrupted: %w", err)
	}
	return c.w.Write(p)
}

// idsSeen is where each id of the records read so far was, by file and line: the ids
// that name records in what a command writes must be there and be unique.
type idsSeen map[string]idPlace

type idPlace struct {
	file string
	line int
}

// add records the id read at the line of file, or says why it cannot name a record:
// it is empty, or was seen before (in another file, it says which).
func (s idsSeen) add(file string, line int, column, id string) error {
	if id == "" {
		return fmt.Errorf("line %d, column %s: the id is empty; every record needs one", line, column)
	}
	if at, ok := s[id]; ok {
		where := fmt.Sprintf("line %d", at.line)
		if at.file != file {
			where += " of " + at.file
		}
		return fmt.Errorf("line %d, column %s: the id %q is also on %s; ids must be unique", line, column, id, where)
	}
	s[id] = idPlace{file, line}
	return nil
}
