package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/demo"
)

func runDemo(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var opt demo.Options
	fs := newFlags(env, "demo", "[--customers N] [--seed S] [--password-stdin]")
	cfg.dbFlags(fs, env)
	cfg.attachmentFlags(fs, env)
	fs.IntVar(&opt.Customers, "customers", 1000, "how many customers (people and organisations); about 100 interactions each")
	fs.Int64Var(&opt.Seed, "seed", 1, "the same seed gives the same data set")
	passwordStdin := fs.Bool("password-stdin", false, "read the demo users' password from standard input (default: a new random one, printed at the end)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if opt.Customers < 1 {
		return usagef("--customers must be at least 1")
	}
	if *passwordStdin {
		pw, err := readLine(env)
		if err != nil {
			return err
		}
		opt.Password = pw
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if opt.Attachments, err = blob.NewDisk(cfg.attachmentsDir()); err != nil {
		return err
	}
	opt.SetNow = func(now func() time.Time) { db.Now = now }
	start := time.Now()
	sum, err := demo.Fill(ctx, db, opt, func(format string, args ...any) {
		fmt.Fprintf(env.stderr, "%6.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Demo data ready in %.0fs: %d organisations, %d people, %d links, %d interactions, %d notes, %d consents, %d items, %d attached files, %d pieces of feedback, %d survey answers.\n",
		time.Since(start).Seconds(), sum.Organisations, sum.People, sum.Links, sum.Interactions, sum.Notes, sum.Consents, sum.Items, sum.Attachments, sum.Feedback, sum.SurveyAnswers)
	fmt.Fprintf(env.stdout, "Wall %q hides %d customers from everyone outside its team.\n", sum.Wall, sum.Walled)
	fmt.Fprintf(env.stdout, "Sign in as any of these users with the password %s\n", sum.Password)
	for _, u := range sum.Users {
		fmt.Fprintf(env.stdout, "  %s\n", u)
	}
	return nil
}
