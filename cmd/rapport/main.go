// Command rapport is Rapport: customer knowledge management in one binary.
//
//	rapport serve      start the web app and the API
//	rapport migrate    apply database migrations and exit
//	rapport user       manage staff users
//	rapport token      make API tokens
//	rapport customer   export everything held about a customer (customer export)
//	rapport import     load customers or interactions from CSV, NDJSON or JSON files
//	rapport resolve    merge the customers that are the same person
//	rapport link       find the records of one person in CSV files
//	rapport clv        fit the models of customer value to a file of transactions
//	rapport feedback   group the feedback in a file into themes
//	rapport kb         load and measure the knowledge base (import, eval, baseline)
//	rapport search     run queries through the knowledge base's search (TREC run)
//	rapport demo       fill the database with a demo data set
//	rapport bench      measure a running Rapport
//	rapport version    print the version
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// command is one subcommand: it parses its own flags and runs.
type command struct {
	name, summary string
	run           func(ctx context.Context, env *environment, args []string) error
}

var commands = []command{
	{"serve", "start the web app and the API", runServe},
	{"migrate", "apply database migrations and exit", runMigrate},
	{"user", "manage staff users (user create)", runUser},
	{"token", "make API tokens (token create)", runToken},
	{"customer", "export everything held about a customer, for their request for their data (customer export)", runCustomer},
	{"import", "load customers or interactions from CSV, NDJSON or JSON files", runImport},
	{"resolve", "merge the customers that are the same person; propose the likely ones for review", runResolve},
	{"link", "find the records of one person in CSV files (no server)", runLink},
	{"clv", "fit the models of customer value to a file of transactions (no server)", runCLV},
	{"feedback", "group the feedback in a file into themes (feedback themes; no server)", runFeedback},
	{"kb", "load and measure the knowledge base (kb import, kb eval, kb baseline)", runKB},
	{"search", "run a file of queries through the knowledge base's search; print a TREC run", runSearch},
	{"demo", "fill the database with a realistic demo data set", runDemo},
	{"bench", "measure a running Rapport (targets, http, ingest)", runBench},
	{"version", "print the version", runVersion},
}

// subcommand is one of a command's subcommands, for the command's help.
type subcommand struct{ name, summary string }

// subcommands are those of the commands that have them; the others take flags only,
// and their help is their flags'.
var subcommands = map[string][]subcommand{
	"user":     {{"create", "add a member of staff, who signs in with an e-mail address and a password"}},
	"token":    {{"create", "print a new API token that acts as a user (shown once)"}},
	"customer": {{"export", "write everything held about one customer as JSON, for their request for their data"}},
	"import": {
		{"customers", "load customer records from CSV, NDJSON or JSON files; resumes where it stopped"},
		{"interactions", "load interactions (orders, calls, e-mails …) from such files, the same way"},
	},
	"clv":      {{"fit", "fit BG/NBD and Gamma-Gamma to a file of transactions: P(alive), expected purchases, lifetime value"}},
	"feedback": {{"themes", "group the texts of a file into labelled themes and write each item's theme"}},
	"kb": {
		{"import", "load a BEIR corpus (JSON lines of _id, title, text) as published articles"},
		{"eval", "score a TREC run against judgements: nDCG and recall"},
		{"baseline", "print the plain BM25 run (SQLite FTS5) of a corpus and queries, to compare with"},
	},
	"bench": {
		{"targets", "print requests for bench http, or interactions for bench ingest, from the database's customers"},
		{"http", "send the GET requests on standard input from many clients; print the latencies"},
		{"ingest", "send a file of interactions to the bulk API; print rows a second"},
		{"kb", "time the knowledge base's search over generated articles"},
		{"help", "measure the help centre's article pages, served in-process"},
	},
}

// isHelp reports whether arg asks for a command's help: -h, --help, or help, except
// after bench, where help is the benchmark of the help centre.
func isHelp(command, arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || (arg == "help" && command != "bench")
}

// environment is what a command may touch: the process's streams and variables.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the command named by args and returns the exit code.
func run(ctx context.Context, env *environment, args []string) int {
	if len(args) == 0 {
		usage(env.stderr)
		return exitUsage
	}
	if isHelp("", args[0]) {
		if len(args) == 1 {
			usage(env.stdout)
			return exitOK
		}
		args = []string{args[1], "-h"} // rapport help COMMAND
	}
	for _, c := range commands {
		if c.name == args[0] {
			if len(args) > 1 && isHelp(c.name, args[1]) {
				if subs, ok := subcommands[c.name]; ok {
					commandHelp(env.stdout, c, subs)
					return exitOK
				}
				args = []string{c.name, "-h"} // its flags
			}
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return exitOK
			case errors.Is(err, flag.ErrHelp):
				return exitOK
			case errors.As(err, new(usageError)):
				fmt.Fprintf(env.stderr, "rapport %s: %v\n", c.name, err)
				return exitUsage
			}
			fmt.Fprintf(env.stderr, "rapport %s: %s\n", c.name, oneLine(err.Error()))
			return exitError
		}
	}
	fmt.Fprintf(env.stderr, "rapport: unknown command %q; run rapport help for the list\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Rapport: customer knowledge management.\n\nUsage: rapport COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun rapport COMMAND -h for a command's help. Settings also come from RAPPORT_* variables (see docs/configuration.md).")
}

// commandHelp prints the help of a command with subcommands.
func commandHelp(w io.Writer, c command, subs []subcommand) {
	fmt.Fprintf(w, "rapport %s: %s.\n\nUsage: rapport %s SUBCOMMAND [flags]\n\nSubcommands:\n", c.name, c.summary, c.name)
	for _, s := range subs {
		fmt.Fprintf(w, "  %-12s %s\n", s.name, s.summary)
	}
	fmt.Fprintf(w, "\nRun rapport %s SUBCOMMAND -h for its flags.\n", c.name)
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// newFlags makes a flag set whose parse errors are usage errors. Its output is only
// the help asked for with -h (see parseWithArgs), so it goes to standard output.
func newFlags(env *environment, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet("rapport "+name, flag.ContinueOnError)
	fs.SetOutput(env.stdout)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n", strings.TrimSpace("rapport "+name+" "+args))
		flags := 0
		fs.VisitAll(func(*flag.Flag) { flags++ })
		if flags > 0 {
			fmt.Fprintf(fs.Output(), "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parse parses the flags of a command that takes nothing else, turning their errors
// into usage errors; an argument that is not a flag is one too.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q: this command takes flags only (see %s -h)", fs.Arg(0), fs.Name())
	}
	return nil
}

// parseWithArgs parses flags as parse does, for a command that takes other arguments
// (files): flags may come before or after them (rapport import interactions FILE
// --source billing), and fs.Args() holds them.
func parseWithArgs(fs *flag.FlagSet, args []string) error {
	// The flag package prints the usage on every mistake; it is printed for -h only,
	// and a mistake is one line (see run).
	out, printed := fs.Output(), &bytes.Buffer{}
	fs.SetOutput(printed)
	defer fs.SetOutput(out)
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				out.Write(printed.Bytes())
				return err
			}
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := fs.Parse(append([]string{"--"}, rest...)); err != nil {
		return err
	}
	// A variable that did not read is a mistake unless its flag overrides it.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var bad error
	fs.VisitAll(func(f *flag.Flag) {
		if b, ok := f.Value.(*badVariable); ok && !given[f.Name] && bad == nil {
			bad = b.err
		}
	})
	return bad
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
