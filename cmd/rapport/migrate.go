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
	db, err := cfg.connect()
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return fmt.Errorf("migrate the database: %w", err)
	}
	switch len(applied) {
	case 0:
	case 1:
		fmt.Fprintf(env.stdout, "Applied the migration %s.\n", applied[0])
	default:
		fmt.Fprintf(env.stdout, "Applied %d migrations, %s to %s.\n", len(applied), applied[0], applied[len(applied)-1])
	}
	fmt.Fprintf(env.stdout, "The %s database is up to date.\n", db.Dialect())
	return nil
}
