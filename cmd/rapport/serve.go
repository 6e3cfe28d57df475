package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
	"github.com/rapportckm/rapport/appraise"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/intake"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/propose"
	"github.com/rapportckm/rapport/resolve"
	"github.com/rapportckm/rapport/theme"
	"github.com/rapportckm/rapport/web"
)

func runServe(ctx context.Context, env *environment, args []string) (err error) {
	// Stopped while starting (Ctrl-C during the migrations, say): nothing failed, and
	// what was half done is rolled back with its transaction.
	defer func() {
		if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
			fmt.Fprintln(env.stderr, "rapport serve: stopped before it had started")
			err = nil
		}
	}()
	var cfg config
	fs := newFlags(env, "serve", "[--addr :8080] [--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	cfg.serverFlags(fs, env)
	var settings resolveSettings
	settings.flags(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	resolveOptions, err := settings.options()
	if err != nil {
		return err
	}
	maxUpload, err := parseSize("max-upload", cfg.MaxUpload)
	if err != nil {
		return err
	}
	maxAttachment, err := parseSize("max-attachment", cfg.MaxAttachment)
	if err != nil {
		return err
	}
	keepReads, err := parseDays("keep-reads-days", cfg.KeepReadsDays)
	if err != nil {
		return err
	}
	if err := checkBaseURL(cfg.BaseURL); err != nil {
		return err
	}
	var intakeAddresses []string
	if cfg.IntakeListen != "" {
		if intakeAddresses, err = intake.ParseAddresses(cfg.IntakeAddress); err != nil {
			return usagef("--%v", err) // the error names intake-address
		}
	}
	log, err := cfg.logger(env)
	if err != nil {
		return err
	}
	sender, mailFrom, err := cfg.mailer()
	if err != nil {
		return err
	}
	// Rapport's heap is small (tens of MB), so at Go's default GOGC=100 it is collected
	// hundreds of times a second under load; growing it four times before a collection
	// gave 18% more requests a second on the timeline benchmark. GOGC still overrides.
	if env.getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// Every setting is checked above, and the database's address by openDB, before
	// anything is made: a mistake leaves no database or directory of attachments.
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	attachments, err := blob.NewDisk(cfg.attachmentsDir())
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("listen on %s: %w (is another Rapport running? choose another address with --addr)", cfg.Addr, err)
		}
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	base := cfg.BaseURL
	if base == "" {
		base = "http://localhost:" + portOf(ln.Addr())
	}
	base = strings.TrimSuffix(base, "/")
	uploads := filepath.Join(cfg.DataDir, "uploads")
	srv := &web.Server{Store: db, Logger: log, Version: version(), BaseURL: base, Firm: firmName(mailFrom), TrustProxy: cfg.TrustProxy, UploadDir: uploads, MaxUploadBytes: maxUpload,
		Attachments: attachments, MaxAttachmentBytes: maxAttachment, KeepReadsDays: keepReads}
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // bulk uploads may be large
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	log.Info("Rapport is running", "url", base, "database", db.Dialect(), "version", version(), "attachments", attachments.Dir)
	if db.Dialect() == "postgres" && cfg.AttachmentsDir == "" {
		log.Warn("attachments are kept on this machine: if several Rapport servers share the database, give them one shared directory with --attachments-dir")
	}
	if users, err := db.CountUsers(ctx); err != nil {
		return err
	} else if users == 0 {
		secret, err := db.CreateSetupSecret(ctx)
		if err != nil && rapport.ErrorCode(err) != rapport.ECONFLICT {
			return err
		}
		if secret != "" {
			fmt.Fprintf(env.stdout, "\nNo one has an account yet. Open this link to create the first admin:\n\n    %s/setup/%s\n\n", base, secret)
		}
	}

	// Background work: identity resolution over all customers, the golden records
	// chosen again after their rules change, the customers valued once a day and the
	// segments refreshed and proposed and the almost-customers list worked out again
	// after them; and in a worker of their own, so that neither waits for the other,
	// imports of uploaded files, and attachments and (when they are kept for a number of
	// days) old records of reads to delete; in a third, mail to send; in
	// a fourth, the quick work that should be done within seconds.
	scope := rapport.JobScope(hostname())
	importer := &jobs.Importer{Store: db, Uploads: uploads, Addr: hostname()}
	assigner := &grouping.Assigner{Store: db, Scope: scope}
	housekeeping := map[string]jobs.Handler{rapport.JobImport: importer.Run,
		rapport.JobPurgeAttachments: (&jobs.Purger{Queue: db, Blobs: attachments}).Run}
	if keepReads > 0 {
		housekeeping[rapport.JobPruneReads] = func(ctx context.Context, _ *rapport.Job) (string, error) {
			if err := db.EnqueueJob(ctx, scope, rapport.JobPruneReads, "", rapport.PruneReadsInterval); err != nil {
				return "", err
			}
			n, err := db.PruneReads(ctx, scope, time.Now().AddDate(0, 0, -keepReads))
			return fmt.Sprintf("records of reads older than %d days deleted: %d", keepReads, n), err
		}
	}
	workers := []*jobs.Worker{{Queue: db, Log: log, Handlers: map[string]jobs.Handler{
		rapport.JobResolve: func(ctx context.Context, job *rapport.Job) (string, error) {
			if job.Arg == "daily" { // whatever happens, learn the model again tomorrow
				if err := db.EnqueueJob(ctx, scope, rapport.JobResolve, "daily", rapport.ResolveInterval); err != nil {
					return "", err
				}
			}
			sum, err := resolve.Run(ctx, db, scope, resolveOptions)
			return sum.String(), err
		},
		rapport.JobGolden: func(ctx context.Context, _ *rapport.Job) (string, error) {
			n, err := db.RefreshGoldenRecords(ctx, scope)
			return fmt.Sprintf("golden records changed: %d", n), err
		},
		rapport.JobValue: func(ctx context.Context, _ *rapport.Job) (string, error) {
			// Whatever happens, value the customers again tomorrow.
			if err := db.EnqueueJob(ctx, scope, rapport.JobValue, "", rapport.ValueInterval); err != nil {
				return "", err
			}
			sum, err := appraise.Run(ctx, db, scope, time.Now())
			if err != nil {
				return "", err
			}
			// Segments may test value: refresh them with the new values, and propose
			// segments from them; the almost-customers list rests on them too.
			return sum.String(), errors.Join(db.EnqueueJob(ctx, scope, rapport.JobSegments, "", 0),
				db.EnqueueJob(ctx, scope, rapport.JobProposals, "", 0), db.EnqueueJob(ctx, scope, rapport.JobAlmost, "", 0))
		},
		rapport.JobAlmost: func(ctx context.Context, _ *rapport.Job) (string, error) {
			sum, err := almost.Run(ctx, db, scope, time.Now())
			return sum.String(), err
		},
		rapport.JobProposals: func(ctx context.Context, _ *rapport.Job) (string, error) {
			sum, err := propose.Run(ctx, db, scope, time.Now())
			return sum.String(), err
		},
		rapport.JobThemeRegroup: func(ctx context.Context, _ *rapport.Job) (string, error) {
			// Whatever happens, group the feedback again tomorrow.
			if err := db.EnqueueJob(ctx, scope, rapport.JobThemeRegroup, "", rapport.RegroupInterval); err != nil {
				return "", err
			}
			result, err := grouping.Regroup(ctx, db, scope, theme.Options{Seed: 1})
			if err != nil {
				return "", err
			}
			return result, db.EnqueueJob(ctx, scope, rapport.JobThemeAssign, "", 0)
		},
		rapport.JobSegments: func(ctx context.Context, _ *rapport.Job) (string, error) {
			n, failed, err := db.RefreshSegments(ctx, scope)
			result := fmt.Sprintf("segments refreshed: %d", n)
			if len(failed) > 0 {
				result += fmt.Sprintf("; not refreshed, their rules need a change: %s", strings.Join(failed, "; "))
			}
			return result, err
		},
		// Overdue action items go to their team's manager every few minutes. Notify
		// is where an e-mail to the manager will be sent from.
		rapport.JobEscalate: (&jobs.Escalator{Store: db, Scope: scope, Notify: jobs.MailEscalation(db, scope, base)}).Run,
	}}, {Queue: db, Log: log, Handlers: housekeeping},
		{Queue: db, Log: log, Handlers: map[string]jobs.Handler{rapport.JobMail: (&jobs.Mailer{Outbox: db, Sender: sender, From: *mailFrom, ReplyTo: replyTo(intakeAddresses)}).Run,
			rapport.JobSurveys: (&jobs.SurveyTriggers{Store: db, Scope: scope, BaseURL: base}).Run}},
		// New feedback is put in a theme within seconds, so in a worker of its own that
		// no long job holds up.
		// Arriving customers are resolved within seconds too.
		{Queue: db, Log: log, Handlers: map[string]jobs.Handler{rapport.JobThemeAssign: assigner.Run,
			rapport.JobResolveNew: func(ctx context.Context, _ *rapport.Job) (string, error) {
				sum, err := resolve.New(ctx, db, scope, resolveOptions)
				return sum.String(), err
			}}}}
	if err := db.EnqueueJob(ctx, scope, rapport.JobValue, "", time.Minute); err != nil {
		return err
	}
	if err := db.EnqueueJob(ctx, scope, rapport.JobEscalate, "", time.Minute); err != nil {
		return err
	}
	// The model of identity resolution is learnt again daily. (Customers queued while no
	// server ran queued their job with them.)
	if err := db.EnqueueJob(ctx, scope, rapport.JobResolve, "daily", rapport.ResolveInterval); err != nil {
		return err
	}
	// Feedback logged while no server ran is put in themes; the full re-grouping runs
	// daily.
	if err := errors.Join(db.EnqueueJob(ctx, scope, rapport.JobThemeAssign, "", 0),
		db.EnqueueJob(ctx, scope, rapport.JobThemeRegroup, "", rapport.RegroupInterval)); err != nil {
		return err
	}
	// Contents whose deletion failed before are tried again after every start, and so
	// is mail that waited for a mail server to be set.
	if err := db.EnqueueJob(ctx, scope, rapport.JobPurgeAttachments, "", time.Minute); err != nil {
		return err
	}
	if err := db.EnqueueJob(ctx, scope, rapport.JobSurveys, "", time.Minute); err != nil {
		return err
	}
	if err := db.EnqueueJob(ctx, scope, rapport.JobMail, "", 0); err != nil {
		return err
	}
	if keepReads > 0 {
		if err := db.EnqueueJob(ctx, scope, rapport.JobPruneReads, "", 0); err != nil {
			return err
		}
	}
	if sender == nil {
		log.Warn("no mail server is set (--smtp): e-mail to customers and staff waits in the outbox until one is")
	} else {
		if cfg.BaseURL == "" {
			log.Warn("e-mail goes out with links to " + base + ", which only this machine opens: set --base-url to the address users reach Rapport at")
		}
		if strings.HasSuffix(mailFrom.Address, "@localhost") {
			log.Warn("e-mail goes out from " + mailFrom.Address + ", which no one can answer: set --mail-from to the firm's address")
		}
	}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var working sync.WaitGroup
	for _, w := range workers {
		working.Go(func() { w.Run(workCtx) })
	}
	defer func() { stopWork(); working.Wait() }()

	errc := make(chan error, 2)
	if cfg.IntakeListen != "" {
		mb := &intake.Mailbox{Store: db, Addresses: intakeAddresses, Scope: rapport.SystemScope("intake"), Log: log, Files: attachments, MaxFile: maxAttachment}
		smtpd := &email.Server{Hostname: hostname(), Accept: mb.Accept, Deliver: mb.Deliver, Log: log}
		intakeLn, err := net.Listen("tcp", cfg.IntakeListen)
		if err != nil {
			return fmt.Errorf("intake-listen %s: %w", cfg.IntakeListen, err)
		}
		log.Info("taking feedback by e-mail", "listen", intakeLn.Addr().String(), "addresses", strings.Join(intakeAddresses, ", "))
		go func() {
			if err := smtpd.Serve(intakeLn); err != nil && !errors.Is(err, email.ErrServerClosed) {
				errc <- err
			}
		}()
		defer smtpd.Close()
	}
	go func() { errc <- httpServer.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// replyTo is where customers' replies to Rapport's e-mail go: the first address it
// takes feedback at, when it takes any; otherwise they go to --mail-from.
func replyTo(intake []string) *mail.Address {
	if len(intake) == 0 {
		return nil
	}
	return &mail.Address{Address: intake[0]}
}

// firmName is the name the firm signs its e-mail with: the name of --mail-from, or its
// address.
func firmName(from *mail.Address) string {
	if from.Name != "" {
		return from.Name
	}
	return from.Address
}

func portOf(addr net.Addr) string {
	_, port, _ := net.SplitHostPort(addr.String())
	return port
}
