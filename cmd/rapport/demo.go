package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"

	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/demo"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/theme"
	"github.com/rapportckm/rapport/thousands"
)

func runDemo(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var opt demo.Options
	fs := newFlags(env, "demo", "[--customers N] [--seed S] [--password-stdin]")
	cfg.dbFlags(fs, env)
	cfg.attachmentFlags(fs, env)
	fs.IntVar(&opt.Customers, "customers", demo.DefaultCustomers, fmt.Sprintf("how many customers (people and organisations), from %d to %s; about 100 interactions each", demo.MinCustomers, thousands.Int(demo.MaxCustomers)))
	fs.Int64Var(&opt.Seed, "seed", 1, "the same seed gives the same data set")
	fs.StringVar(&opt.Mail.BaseURL, "base-url", env.getenv("RAPPORT_BASE_URL"), "the address users open, for links in the demo's mails (default: http://localhost:8080) [RAPPORT_BASE_URL]")
	passwordStdin := fs.Bool("password-stdin", false, "read the demo users' password from standard input (default: a new random one, printed at the end)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if opt.Customers < demo.MinCustomers || opt.Customers > demo.MaxCustomers {
		return usagef("--customers must be from %d to %s (it plans them all in memory), not %d", demo.MinCustomers, thousands.Int(demo.MaxCustomers), opt.Customers)
	}
	if err := checkBaseURL(opt.Mail.BaseURL); err != nil {
		return err
	}
	if *passwordStdin {
		var err error
		if opt.Password, err = readPassword(env); err != nil {
			return err
		}
	}
	// Checked before the database is made, so that a mistake leaves nothing behind.
	if err := opt.Check(); err != nil {
		return err
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
	themes, err := demoThemes(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stderr, "%6.1fs  %s\n", time.Since(start).Seconds(), themes)
	fmt.Fprintf(env.stdout, "Demo data ready in %.0fs: %d organisations, %d people, %d links, %d interactions, %d notes, %d consents, %d items, %d attached files, %d pieces of feedback, %d survey answers.\n",
		time.Since(start).Seconds(), sum.Organisations, sum.People, sum.Links, sum.Interactions, sum.Notes, sum.Consents, sum.Items, sum.Attachments, sum.Feedback, sum.SurveyAnswers)
	fmt.Fprintf(env.stdout, "Wall %q hides %d customers from everyone outside its team.\n", sum.Wall, sum.Walled)
	fmt.Fprintf(env.stdout, "The web shop sent %d customers again under a second record, and %d people of their households: rapport serve resolves them within seconds of starting (Duplicates).\n", sum.Duplicates, sum.Households)
	fmt.Fprintf(env.stdout, "Sign in as any of these users with the password %s\n", sum.Password)
	for _, u := range sum.Users {
		fmt.Fprintf(env.stdout, "  %s\n", u)
	}
	return nil
}

// demoThemes groups the demo's feedback into themes, as the server's daily job does,
// marks the theme of wrong VAT numbers fixed and logs one more such complaint, so that
// the themes page shows a recurrence alert.
func demoThemes(ctx context.Context, db *sqldb.DB) (string, error) {
	scope := rapport.JobScope("demo")
	result, err := grouping.Regroup(ctx, db, scope, theme.Options{Seed: 1})
	if err != nil {
		return "", err
	}
	system := rapport.SystemScope("demo")
	list, _, err := db.FindThemes(ctx, system, rapport.ThemeFilter{Limit: 1000})
	if err != nil {
		return "", err
	}
	for _, t := range list {
		if !strings.Contains(t.Label, "vat") && !strings.Contains(t.Label, "invoice") {
			continue
		}
		fixed := rapport.ThemeFixed
		if _, err := db.ChangeTheme(ctx, system, t.ID, rapport.ThemeChange{Status: &fixed}); err != nil {
			return "", err
		}
		again := &rapport.Feedback{Kind: "complaint", Channel: "email", Text: "The invoice shows the wrong VAT number again, after we were told it was fixed."}
		if _, err := db.CreateFeedback(ctx, system, again); err != nil {
			return "", err
		}
		break
	}
	if _, err := (&grouping.Assigner{Store: db, Scope: scope}).AssignAll(ctx); err != nil {
		return "", err
	}
	return result, nil
}
