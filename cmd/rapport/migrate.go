package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, env *environment, args []string) error {
	var cfg config
	fs := newFlags(env, "migrate", "[--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := cfg.openDB(ctx) // opening migrates
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintf(env.stdout, "The %s database is up to date.\n", db.Dialect())
	return nil
}
