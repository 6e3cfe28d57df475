package main

import (
	"context"
	"fmt"

	"github.com/rapportckm/rapport"
)

func runToken(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("usage: rapport token create --email E [--name LABEL]")
	}
	var cfg config
	var email, name string
	fs := newFlags(env, "token create", "--email E [--name LABEL]")
	cfg.dbFlags(fs, env)
	fs.StringVar(&email, "email", "", "the user the token acts as")
	fs.StringVar(&name, "name", "API token", "a label that says what uses the token")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if email == "" {
		return usagef("--email is required")
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	system := rapport.SystemScope(hostname())
	users, err := db.FindUsers(ctx, system)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Email == rapport.NormalizeEmail(email) {
			_, secret, err := db.CreateToken(ctx, system, u.ID, name)
			if err != nil {
				return err
			}
			fmt.Fprintln(env.stdout, secret)
			return nil
		}
	}
	return rapport.Errorf(rapport.ENOTFOUND, "no user has the e-mail address %s; create one with rapport user create", email)
}
