package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport/email"
	"github.com/rapportckm/rapport/resolve"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/postgres"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// config is every setting of Rapport. Each comes from its default, then its RAPPORT_*
// variable, then its flag: the most specific wins.
type config struct {
	Addr       string // address to listen on
	DB         string // sqlite:PATH or postgres://…
	DataDir    string // where the SQLite database (and later, attachments) live
	BaseURL    string // how users reach Rapport, for links printed by the server
	TrustProxy bool   // take client address and scheme from X-Forwarded-* headers
	LogFormat  string // text or json
	LogLevel   string // debug, info, warn or error
	MaxUpload  string // the largest file the web app and the API take to import, such as 1GiB
	// AttachmentsDir keeps the files attached to interactions; MaxAttachment is the
	// largest one taken, such as 25MiB.
	AttachmentsDir string
	MaxAttachment  string
	// SMTP is the mail server Rapport sends through (smtp:// or smtps:// URL), and
	// MailFrom the address its messages come from.
	SMTP     string
	MailFrom string
	// IntakeListen is where the built-in SMTP receiver of feedback listens (off when
	// empty), and IntakeAddress the mailboxes it takes, comma-separated.
	IntakeListen  string
	IntakeAddress string
	// KeepReadsDays is how many days the audit trail keeps its records of reads;
	// "0" keeps them for good.
	KeepReadsDays string
}

// dbFlags registers the database flags every command that opens the database takes.
func (c *config) dbFlags(fs *flag.FlagSet, env *environment) {
	c.DB = env.getenv("RAPPORT_DB")
	c.DataDir = envOr(env, "RAPPORT_DATA_DIR", "data")
	fs.StringVar(&c.DB, "db", c.DB, "database: sqlite:PATH or postgres://user:password@host:port/name (default: sqlite in --data-dir) [RAPPORT_DB]")
	fs.StringVar(&c.DataDir, "data-dir", c.DataDir, "directory for the SQLite database [RAPPORT_DATA_DIR]")
	c.LogFormat = envOr(env, "RAPPORT_LOG_FORMAT", "text")
	c.LogLevel = envOr(env, "RAPPORT_LOG_LEVEL", "info")
}

// serverFlags registers the flags of rapport serve.
func (c *config) serverFlags(fs *flag.FlagSet, env *environment) {
	c.Addr = envOr(env, "RAPPORT_ADDR", ":8080")
	c.BaseURL = env.getenv("RAPPORT_BASE_URL")
	fs.StringVar(&c.Addr, "addr", c.Addr, "address to listen on [RAPPORT_ADDR]")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "the address users open, such as https://rapport.example.com (default: http://localhost:PORT) [RAPPORT_BASE_URL]")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", false, "take the client's address (the last entry of X-Forwarded-For) and scheme (X-Forwarded-Proto) from the proxy in front; only behind one proxy that sets them [RAPPORT_TRUST_PROXY]")
	envFlag(fs, env, "trust-proxy", "RAPPORT_TRUST_PROXY")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "log format: text or json [RAPPORT_LOG_FORMAT]")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "log level: debug, info, warn or error [RAPPORT_LOG_LEVEL]")
	c.MaxUpload = envOr(env, "RAPPORT_MAX_UPLOAD", "1GiB")
	fs.StringVar(&c.MaxUpload, "max-upload", c.MaxUpload, "the largest file to import that the web app and the API take, decompressed, such as 500MiB or 2GiB [RAPPORT_MAX_UPLOAD]")
	c.attachmentFlags(fs, env)
	c.MaxAttachment = envOr(env, "RAPPORT_MAX_ATTACHMENT", "25MiB")
	fs.StringVar(&c.MaxAttachment, "max-attachment", c.MaxAttachment, "the largest file that may be attached to an interaction, such as 25MiB [RAPPORT_MAX_ATTACHMENT]")
	c.SMTP = env.getenv("RAPPORT_SMTP")
	fs.StringVar(&c.SMTP, "smtp", c.SMTP, "the mail server to send e-mail through: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465; without it mail waits in the outbox [RAPPORT_SMTP]")
	c.MailFrom = envOr(env, "RAPPORT_MAIL_FROM", "Rapport <rapport@localhost>")
	fs.StringVar(&c.MailFrom, "mail-from", c.MailFrom, "the sender of the e-mail Rapport sends, such as \"Acme Service <service@acme.example>\" [RAPPORT_MAIL_FROM]")
	c.KeepReadsDays = envOr(env, "RAPPORT_KEEP_READS_DAYS", "0")
	fs.StringVar(&c.KeepReadsDays, "keep-reads-days", c.KeepReadsDays, "how many days the audit trail keeps its records of reads (who opened which customer's data), such as 400; older ones are deleted daily; 0 keeps them for good [RAPPORT_KEEP_READS_DAYS]")
	c.IntakeListen = env.getenv("RAPPORT_INTAKE_LISTEN")
	fs.StringVar(&c.IntakeListen, "intake-listen", c.IntakeListen, "the address of the built-in SMTP receiver that takes feedback by e-mail, such as :2525; off when empty [RAPPORT_INTAKE_LISTEN]")
	c.IntakeAddress = env.getenv("RAPPORT_INTAKE_ADDRESS")
	fs.StringVar(&c.IntakeAddress, "intake-address", c.IntakeAddress, "the mailboxes the receiver takes feedback at, comma-separated, such as feedback@acme.example (feedback+complaint@… sets the kind); mail to others is refused [RAPPORT_INTAKE_ADDRESS]")
}

// mailer returns the sender of e-mail, nil when no mail server is set, and the address
// mail comes from.
func (c *config) mailer() (email.Sender, *mail.Address, error) {
	from, err := mail.ParseAddress(c.MailFrom)
	if err != nil {
		return nil, nil, usagef("--mail-from %q is not an e-mail address, such as \"Acme Service <service@acme.example>\"", c.MailFrom)
	}
	if c.SMTP == "" {
		return nil, from, nil
	}
	s, err := email.ParseSMTPURL(c.SMTP)
	if err != nil {
		return nil, nil, usagef("--smtp: %v", err)
	}
	return s, from, nil
}

// attachmentFlags registers where attachments are kept.
func (c *config) attachmentFlags(fs *flag.FlagSet, env *environment) {
	c.AttachmentsDir = env.getenv("RAPPORT_ATTACHMENTS_DIR")
	fs.StringVar(&c.AttachmentsDir, "attachments-dir", c.AttachmentsDir, "directory for the files attached to interactions (default: attachments beside the SQLite database, or in --data-dir with PostgreSQL, where several servers must share it) [RAPPORT_ATTACHMENTS_DIR]")
}

// attachmentsDir is where attachments are kept: the directory set, or else beside
// the SQLite database, so that the two are backed up and moved together, or with
// PostgreSQL in the data directory, which several app servers must then share (on a
// network file system), or each would see only the files uploaded to it.
func (c *config) attachmentsDir() string {
	switch {
	case c.AttachmentsDir != "":
		return c.AttachmentsDir
	case strings.HasPrefix(c.DB, "sqlite:"):
		return filepath.Join(filepath.Dir(strings.TrimPrefix(c.DB, "sqlite:")), "attachments")
	}
	return filepath.Join(c.DataDir, "attachments")
}

// parseSize reads a number of bytes, optionally with a unit: 1048576, 512KiB, 200MB, 1GiB.
func parseSize(flag, s string) (int64, error) {
	units := []struct {
		suffix string
		size   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	text, unit := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if n, ok := strings.CutSuffix(text, u.suffix); ok {
			text, unit = strings.TrimSpace(n), u.size
			break
		}
	}
	n, err := strconv.ParseFloat(text, 64)
	if err != nil || n <= 0 || n*float64(unit) > 1<<62 {
		return 0, usagef("--%s %q is not a size such as 500MiB or 2GiB", flag, s)
	}
	return int64(n * float64(unit)), nil
}

// parseDays reads a whole number of days, 0 to 100 years.
func parseDays(flag, s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 36500 {
		return 0, usagef("--%s %q is not a number of days, such as 400 (0 keeps them for good)", flag, s)
	}
	return n, nil
}

func envOr(env *environment, name, def string) string {
	if v := env.getenv(name); v != "" {
		return v
	}
	return def
}

// openDB opens and migrates the configured database.
func (c *config) openDB(ctx context.Context) (*sqldb.DB, error) {
	db, err := c.connect()
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate the database: %w", err)
	}
	return db, nil
}

// sqliteFile is the file of the SQLite database, "" with PostgreSQL: an input no
// command may write over.
func (c *config) sqliteFile() string {
	switch {
	case c.DB == "":
		return filepath.Join(c.DataDir, "rapport.db")
	case strings.HasPrefix(c.DB, "sqlite:"):
		return strings.TrimPrefix(c.DB, "sqlite:")
	}
	return ""
}

// connect opens the database as it is, without migrating it.
func (c *config) connect() (*sqldb.DB, error) {
	switch path := c.sqliteFile(); {
	case c.DB == "":
	case strings.HasPrefix(c.DB, "sqlite:"):
		if strings.TrimSpace(path) == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file::memory:") {
			return nil, usagef("--db %q names no file: use sqlite:PATH, such as sqlite:data/rapport.db", c.DB)
		}
	case strings.HasPrefix(c.DB, "postgres://"), strings.HasPrefix(c.DB, "postgresql://"):
		return postgres.Open(c.DB)
	default:
		return nil, usagef("--db %q is not a database address: use sqlite:PATH or postgres://user:password@host:port/name", redact(c.DB))
	}
	return sqlite.Open(c.sqliteFile())
}

// checkBaseURL checks the address users open, when one is set.
func checkBaseURL(base string) error {
	if u, err := url.Parse(base); base != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return usagef("--base-url %q is not an address users can open: write it as https://rapport.example.com", base)
	}
	return nil
}

// redact hides the password of a database address.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			creds := dsn[i+3 : at]
			if user, _, ok := strings.Cut(creds, ":"); ok {
				return dsn[:i+3] + user + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

func (c *config) logger(env *environment) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usagef("--log-level %q is not one of debug, info, warn, error", c.LogLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(env.stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(env.stderr, opts)), nil
	}
	return nil, usagef("--log-format %q is not text or json", c.LogFormat)
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "cli"
	}
	return h
}

// resolveSettings are the settings of identity resolution.
type resolveSettings struct {
	merge, review float64
	mergeOn       string
}

func (r *resolveSettings) flags(fs *flag.FlagSet, env *environment) {
	def := resolve.DefaultOptions
	fs.Float64Var(&r.merge, "merge-threshold", def.Merge, "match probability from which customers are merged without review [RAPPORT_MERGE_THRESHOLD]")
	envFlag(fs, env, "merge-threshold", "RAPPORT_MERGE_THRESHOLD")
	fs.Float64Var(&r.review, "review-threshold", def.Review, "match probability from which a pair goes to the review queue [RAPPORT_REVIEW_THRESHOLD]")
	envFlag(fs, env, "review-threshold", "RAPPORT_REVIEW_THRESHOLD")
	fs.StringVar(&r.mergeOn, "merge-on", envOr(env, "RAPPORT_MERGE_ON", strings.Join(def.Deterministic, ",")),
		"fields on which agreement alone merges customers, comma-separated: email, phone, national_id; or none [RAPPORT_MERGE_ON]")
}

// options checks the settings once flags are parsed.
func (r *resolveSettings) options() (resolve.Options, error) {
	opt := resolve.Options{Merge: r.merge, Review: r.review}
	if !(0 < r.review && r.review <= r.merge && r.merge <= 1) {
		return opt, usagef("the thresholds must satisfy 0 < review (%g) <= merge (%g) <= 1", r.review, r.merge)
	}
	for _, f := range strings.Split(r.mergeOn, ",") {
		switch f = strings.TrimSpace(f); f {
		case "", "none":
		case "email", "phone", "national_id":
			opt.Deterministic = append(opt.Deterministic, f)
		default:
			return opt, usagef("--merge-on: %q is not one of email, phone, national_id, none", f)
		}
	}
	return opt, nil
}

// envFlag sets the flag name, defined on fs, from the variable, when it is set, as the
// flag itself would be: a value that does not read (RAPPORT_TRUST_PROXY=yes) is a
// usage error naming the variable, which parse reports unless the flag is given, as a
// flag wins over its variable.
func envFlag(fs *flag.FlagSet, env *environment, name, variable string) {
	v := env.getenv(variable)
	if v == "" {
		return
	}
	f := fs.Lookup(name)
	if err := f.Value.Set(v); err != nil {
		want := "a number"
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			want = "true or false"
		}
		f.Value = &badVariable{f.Value, usagef("%s %q is not %s (it sets --%s)", variable, v, want, name)}
		return
	}
	f.DefValue = f.Value.String()
}

// badVariable is a flag whose variable did not read, and the error to report unless
// the flag is given.
type badVariable struct {
	flag.Value
	err error
}

func (b *badVariable) IsBoolFlag() bool {
	bf, ok := b.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}

func (b *badVariable) String() string {
	if b == nil || b.Value == nil { // the flag package makes a zero one for -h
		return ""
	}
	return b.Value.String()
}
