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
