package main

import (
	"context"
	"io"

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
	if err := checkOutputs([]string{cfg.sqliteFile()}, outputFile{"--output", output}); err != nil {
		return err
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
	return writeFile("--output", output, func(w io.Writer) error {
		return personaldata.Write(ctx, db, system, customerID, by, w, func() {})
	})
}
