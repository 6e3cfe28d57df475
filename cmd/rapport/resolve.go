package main

import (
	"context"
	"fmt"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/resolve"
)

// runResolve runs identity resolution over the database now, as the background job
// of rapport serve does after customers arrive.
func runResolve(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var settings resolveSettings
	fs := newFlags(env, "resolve", "[--merge-threshold P] [--review-threshold P] [--merge-on email,phone]")
	cfg.dbFlags(fs, env)
	settings.flags(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	opt, err := settings.options()
	if err != nil {
		return err
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sum, err := resolve.Run(ctx, db, rapport.SystemScope(hostname()), opt)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.stdout, sum)
	return nil
}
