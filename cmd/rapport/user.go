package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

func runUser(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("usage: rapport user create --email E --name N --role admin|manager|agent|analyst [--team T]… [--password-stdin]")
	}
	var cfg config
	var email, name, role string
	var teams stringList
	var passwordStdin bool
	fs := newFlags(env, "user create", "--email E --name N --role admin|manager|agent|analyst [--team T]… [--password-stdin]")
	cfg.dbFlags(fs, env)
	fs.StringVar(&email, "email", "", "the user's e-mail address, which they sign in with")
	fs.StringVar(&name, "name", "", "the user's name")
	fs.StringVar(&role, "role", "", "admin, manager, agent or analyst")
	fs.Var(&teams, "team", "a team the user belongs to, by name; repeat for several (a missing team is created)")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case email == "":
		return usagef("--email is required")
	case name == "":
		return usagef("--name is required")
	case !rapport.Role(role).Valid():
		return usagef("--role must be admin, manager, agent or analyst, not %q", role)
	}
	u := &rapport.User{Email: email, Name: name, Role: rapport.Role(role)}
	// Checked before anything is opened or made, so that a mistake changes nothing;
	// every field of the user is a flag.
	if err := u.Validate(); err != nil {
		var e *rapport.Error
		if errors.As(err, &e) && e.Field != "" {
			return usagef("--%s: %s", e.Field, e.Message)
		}
		return err
	}
	password := ""
	if passwordStdin {
		var err error
		if password, err = readPassword(env); err != nil {
			return err
		}
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
	for _, other := range users {
		if strings.EqualFold(other.Email, u.Email) {
			return rapport.FieldError("email", "a user with the e-mail address %s exists already", u.Email)
		}
	}
	for _, teamName := range teams {
		team, err := findOrCreateTeam(ctx, db, system, teamName, env)
		if err != nil {
			return err
		}
		u.Teams = append(u.Teams, rapport.TeamRef{ID: team.ID})
	}
	if err := db.CreateUser(ctx, system, u, password); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Created %s <%s>, %s, id %s.\n", u.Name, u.Email, u.Role, u.ID)
	if password == "" {
		fmt.Fprintln(env.stdout, "They cannot sign in until an admin sets a password for them under Admin › Users.")
	}
	return nil
}

// readLine reads a password from the first line of standard input.
func readLine(env *environment) (string, error) {
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// findOrCreateTeam finds a team by name, or makes it with the business function its
// name suggests.
func findOrCreateTeam(ctx context.Context, db *sqldb.DB, s rapport.Scope, name string, env *environment) (*rapport.Team, error) {
	teams, err := db.FindTeams(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		if strings.EqualFold(t.Name, name) {
			return t, nil
		}
	}
	team := &rapport.Team{Name: name, Function: "other"}
	lower := strings.ToLower(name)
	for _, f := range rapport.TeamFunctions {
		if strings.Contains(lower, f) {
			team.Function = f
			break
		}
	}
	if err := db.CreateTeam(ctx, s, team); err != nil {
		return nil, err
	}
	fmt.Fprintf(env.stdout, "Created team %s (%s).\n", team.Name, team.Function)
	return team, nil
}

// readPassword reads --password-stdin's password, the first line of standard input,
// and checks it.
func readPassword(env *environment) (string, error) {
	password, err := readLine(env)
	switch {
	case err != nil:
		return "", err
	case password == "":
		return "", rapport.Errorf(rapport.EINVALID, "--password-stdin: the first line of standard input is empty; send the password on it, or leave out --password-stdin")
	}
	if msg := rapport.ValidPassword(password); msg != "" {
		return "", rapport.Errorf(rapport.EINVALID, "--password-stdin: %s", msg)
	}
	return password, nil
}
