package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/personaldata"
)

// runCustomer exports everything held about one customer, to answer their request for
// their data. It reads in the system's scope: notes private to any member of staff are
// in it, as they are not in an export from the web app or the API.
func runCustomer(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return usagef("usage: rapport customer export --id ID [--output FILE]")
	}
	var cfg config
	var id, output string
	fs := newFlags(env, "customer export", "--id ID [--output FILE]")
	cfg.dbFlags(fs, env)
	fs.StringVar(&id, "id", "", "the customer's id (a record merged into another: export that one)")
	fs.StringVar(&output, "output", "", "write the JSON to this file (default: standard output)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if id == "" {
		return usagef("--id is required")
	}
	customerID, err := rapport.ParseID(id)
	if err != nil {
		return usagef("--id %q is not a customer id", id)
	}
	// The file is written beside its place and renamed into it: only a file may be
	// replaced so, not a device, a pipe or a directory.
	if info, err := os.Lstat(output); output != "" && err == nil && !info.Mode().IsRegular() {
		return usagef("--output %s is not a file: name a file, or leave out --output to write to standard output", output)
	}
	if info, err := os.Stat(filepath.Dir(output)); output != "" && (err != nil || !info.IsDir()) {
		return usagef("--output %s: the directory %s does not exist", output, filepath.Dir(output))
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	system := rapport.SystemScope(hostname())
	by := "rapport customer export on " + hostname()
	if output == "" {
		return personaldata.Write(ctx, db, system, customerID, by, env.stdout, func() {})
	}
	// A file appears only when the export is whole.
	f, err := os.CreateTemp(filepath.Dir(output), ".customer-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := personaldata.Write(ctx, db, system, customerID, by, f, func() {}); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), output)
}
