package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// migrated makes a database in a new directory with the migrate command, and opens it.
func migrated(t *testing.T) (string, *sqldb.DB) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := rapportCmd(t, dir, "", "migrate"); code != exitOK {
		t.Fatal(errOut)
	}
	db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	return dir, db
}

// rapport runs the command in-process with a database in dir and returns the exit
// code and what it wrote.
func rapportCmd(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(name string) string {
		if name == "RAPPORT_DATA_DIR" {
			return dir
		}
		return ""
	}}
	code := run(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"NoCommand", "", nil, exitUsage, "", "Usage: rapport COMMAND"},
		{"Help", "", []string{"help"}, exitOK, "Commands:", ""},
		{"Unknown", "", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"Version", "", []string{"version"}, exitOK, "rapport ", ""},
		{"BadFlag", "", []string{"migrate", "--nope"}, exitUsage, "", "flag provided but not defined"},
		{"BadDB", "", []string{"migrate", "--db", "mysql://x"}, exitUsage, "", "is not a database address"},
		{"Migrate", "", []string{"migrate"}, exitOK, "up to date", ""},
		{"UserNeedsRole", "", []string{"user", "create", "--email", "a@example.com", "--name", "A"}, exitUsage, "", "--role must be"},
		{"UserCreate", "a long password\n", []string{"user", "create", "--email", "ann@example.com", "--name", "Ann", "--role", "admin", "--team", "Sales", "--password-stdin"}, exitOK, "Created Ann", ""},
		{"UserDuplicate", "", []string{"user", "create", "--email", "ANN@example.com", "--name", "Ann", "--role", "agent"}, exitError, "", "exists already"},
		{"UserShortPassword", "short\n", []string{"user", "create", "--email", "bo@example.com", "--name", "Bo", "--role", "agent", "--password-stdin"}, exitError, "", "at least 10 characters"},
		{"UserEmptyPassword", "\n", []string{"user", "create", "--email", "bo@example.com", "--name", "Bo", "--role", "agent", "--password-stdin"}, exitError, "", "standard input is empty"},
		{"UserDuplicateMakesNoTeam", "", []string{"user", "create", "--email", "ann@example.com", "--name", "Ann", "--role", "agent", "--team", "Brand new team"}, exitError, "", "exists already"},
		{"SQLiteWithoutPath", "", []string{"migrate", "--db", "sqlite:"}, exitUsage, "", "names no file"},
		{"ExportToDevice", "", []string{"customer", "export", "--id", "01a20c0c-470d-7000-8071-59a6184ce597", "--output", "/dev/null"}, exitUsage, "", "is not a file"},
		{"ExportOverDatabase", "", []string{"customer", "export", "--id", "01a20c0c-470d-7000-8071-59a6184ce597", "--output", filepath.Join(dir, "rapport.db")}, exitUsage, "", "is also an input"},
		{"ExportIntoNoDirectory", "", []string{"customer", "export", "--id", "01a20c0c-470d-7000-8071-59a6184ce597", "--output", "/no/such/dir/x.json"}, exitUsage, "", "does not exist"},
		{"CSVOnStandardInput", "id,email\n1,a@example.com\n", []string{"import", "customers", "-", "--source", "st"}, exitUsage, "", "pass --map"},
		{"ClvNaN", "", []string{"clv", "fit", "--transactions", "x.csv", "--customer-column", "c", "--date-column", "d", "--calibration-end", "2020-01-01", "--margin", "NaN"}, exitUsage, "", "--margin must be a number"},
		{"TokenUnknownUser", "", []string{"token", "create", "--email", "nobody@example.com"}, exitError, "", "no user has the e-mail address"},
		{"TokenCreate", "", []string{"token", "create", "--email", "ann@example.com", "--name", "ci"}, exitOK, "rpt_", ""},
		{"BadMaxUpload", "", []string{"serve", "--max-upload", "lots"}, exitUsage, "", `--max-upload "lots" is not a size`},
		{"ExportIDWithoutFlag", "", []string{"customer", "export", "01a20b20-a240-7000-bc17-b5914cec5966"}, exitUsage, "",
			`unexpected argument "01a20b20-a240-7000-bc17-b5914cec5966": this command takes flags only (see rapport customer export -h)`},
		{"ServeStrayArgument", "", []string{"serve", "8080"}, exitUsage, "", `unexpected argument "8080"`},
		{"BadKeepReads", "", []string{"serve", "--keep-reads-days", "a year"}, exitUsage, "", `--keep-reads-days "a year" is not a number of days`},
		{"NegativeKeepReads", "", []string{"serve", "--keep-reads-days", "-1"}, exitUsage, "", `--keep-reads-days "-1" is not a number of days`},
		{"BadBaseURL", "", []string{"serve", "--base-url", "not a url"}, exitUsage, "", `--base-url "not a url" is not an address`},
		{"IntakeWithoutAddress", "", []string{"serve", "--intake-listen", ":0"}, exitUsage, "", "--intake-address: give at least one address"},
		{"ImportHelp", "", []string{"import", "customers", "-h"}, exitOK, "Usage: rapport import customers FILE… --source NAME", ""},
		{"DemoTooFew", "", []string{"demo", "--customers", "1"}, exitUsage, "", "--customers must be from 10 to 1,000,000"},
		{"DemoTooMany", "", []string{"demo", "--customers", "99999999999"}, exitUsage, "", "--customers must be from 10 to 1,000,000"},
		{"UserBadEmail", "", []string{"user", "create", "--email", "notanemail", "--name", "N", "--role", "agent"}, exitUsage, "", `--email: "notanemail" is not an e-mail address`},
		{"BenchNoClients", "/x\n", []string{"bench", "http", "--clients", "0"}, exitUsage, "", "--clients must be at least 1"},
		{"BenchNoDuration", "/x\n", []string{"bench", "http", "--duration", "0s"}, exitUsage, "", "--duration must be above 0"},
		{"BenchIngestNoLines", "", []string{"bench", "ingest", "--token", "t", "--lines", "0", "x.ndjson"}, exitUsage, "", "--lines must be at least 1"},
		{"BenchTargetsNegative", "", []string{"bench", "targets", "profiles", "--count", "-1"}, exitUsage, "", "--count must be at least 1"},
		{"BenchTargetsUnknown", "", []string{"bench", "targets", "people", "--count", "0"}, exitUsage, "", `unknown targets "people"`},
		{"ImportBatchZero", "", []string{"import", "customers", "x.csv", "--source", "s", "--batch", "0"}, exitUsage, "", "--batch must be at least 1"},
		{"KBImportBatchZero", "", []string{"kb", "import", "x.jsonl", "--format", "beir", "--batch", "-1"}, exitUsage, "", "--batch must be at least 1"},
		{"KBEvalNoDepth", "", []string{"kb", "eval", "--qrels", "q.tsv", "--ndcg", "0", "run.txt"}, exitUsage, "", "--ndcg and --recall must be at least 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := rapportCmd(t, dir, tt.stdin, tt.args...)
			if tt.name == "UserDuplicateMakesNoTeam" {
				db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
				if err != nil {
					t.Fatal(err)
				}
				teams, err := db.FindTeams(context.Background(), rapport.SystemScope("test"))
				db.Close()
				if err != nil || slices.ContainsFunc(teams, func(team *rapport.Team) bool { return team.Name == "Brand new team" }) {
					t.Errorf("a refused user made its team (%v)", err)
				}
			}
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("got exit %d, stdout %q, stderr %q; want exit %d with %q and %q", code, out, errOut, tt.code, tt.stdout, tt.stderr)
			}
			if code != exitOK && strings.Count(strings.TrimSpace(errOut), "\n") > 0 && tt.name != "NoCommand" {
				t.Errorf("got a multi-line error %q, want one line", errOut)
			}
		})
	}
}

// TestCommandHelp: rapport COMMAND -h, --help or help prints the command's help on
// standard output and exits 0: its subcommands, or its flags when it has none; so does
// rapport help COMMAND. A subcommand's -h prints its flags.
func TestCommandHelp(t *testing.T) {
	dir := t.TempDir()
	var cases [][]string
	for _, c := range commands {
		for _, h := range []string{"-h", "--help", "help"} {
			if c.name == "bench" && h == "help" {
				continue // bench help is the benchmark of the help centre
			}
			cases = append(cases, []string{c.name, h})
		}
		cases = append(cases, []string{"help", c.name})
	}
	cases = append(cases, []string{"bench", "targets", "-h"}, []string{"kb", "import", "-h"}, []string{"bench", "help", "-h"}, []string{"link", "generate", "-h"})
	for _, args := range cases {
		code, out, errOut := rapportCmd(t, dir, "", args...)
		want := "Usage: rapport " + args[0]
		if args[0] == "help" {
			want = "Usage: rapport " + args[1]
		}
		if subs, ok := subcommands[args[0]]; ok && len(args) == 2 {
			want = "  " + subs[0].name + " "
		}
		if code != exitOK || !strings.Contains(out, want) || errOut != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 0 and %q on stdout", args, code, out, errOut, want)
		}
	}
	// The subcommands a command's help lists are those it runs: each prints its own help.
	for name, subs := range subcommands {
		for _, sub := range subs {
			if code, out, _ := rapportCmd(t, dir, "", name, sub.name, "-h"); code != exitOK || !strings.Contains(out, "rapport "+name+" "+sub.name) {
				t.Errorf("rapport %s %s -h: exit %d, %q; want its help, as rapport %s -h lists it", name, sub.name, code, out, name)
			}
		}
	}
	if _, out, _ := rapportCmd(t, dir, "", "bench", "targets", "--help"); !strings.Contains(out, "interactions  NDJSON") {
		t.Errorf("bench targets --help: %q; want the kinds of targets", out)
	}
	if _, out, _ := rapportCmd(t, dir, "", "link", "-h"); !strings.Contains(out, "--id-column") || !strings.Contains(out, "rapport link generate") {
		t.Errorf("link -h: %q; want its flags and link generate", out)
	}
}

// startServe runs rapport serve on a free port with its data in dir and the flags
// given, and returns what it writes and a function that stops it and returns its exit
// code.
func startServe(dir string, flags ...string) (stdout, stderr *syncBuffer, stop func() int) {
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	env := &environment{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, getenv: func(name string) string {
		if name == "RAPPORT_DATA_DIR" {
			return dir
		}
		return ""
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...)) }()
	return stdout, stderr, func() int {
		cancel()
		return <-done
	}
}

// TestServeStoppedWhileStarting: serve stopped before it has started (Ctrl-C while it
// migrates) says so and exits as a stopped server does, not with the cancellation as
// an error; the database it had begun is usable.
func TestServeStoppedWhileStarting(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	env := &environment{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(name string) string {
		if name == "RAPPORT_DATA_DIR" {
			return dir
		}
		return ""
	}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := run(ctx, env, []string{"serve", "--addr", "127.0.0.1:0"}); code != exitOK || stderr.String() != "rapport serve: stopped before it had started\n" {
		t.Errorf("serve stopped at once: exit %d, %q", code, stderr.String())
	}
	if code, _, errOut := rapportCmd(t, dir, "", "migrate"); code != exitOK {
		t.Errorf("migrate after: exit %d, %s", code, errOut)
	}
}

// TestMigrateSaysWhatItDid: migrate names the migrations it applied, and then that
// there were none to apply.
func TestMigrateSaysWhatItDid(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := rapportCmd(t, dir, "", "migrate")
	if code != exitOK || !regexp.MustCompile(`^Applied \d+ migrations, 0001_\w+\.sql to \d{4}_\w+\.(sql|go)\.\nThe sqlite database is up to date\.\n$`).MatchString(out) {
		t.Errorf("a new database: exit %d, %q", code, out)
	}
	if code, out, _ := rapportCmd(t, dir, "", "migrate"); code != exitOK || out != "The sqlite database is up to date.\n" {
		t.Errorf("again: exit %d, %q", code, out)
	}
}

// TestServeListenErrors: an address in use suggests another Rapport runs there; an
// address that is no address says only what is wrong with it.
func TestServeListenErrors(t *testing.T) {
	dir := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	code, _, stderr := rapportCmd(t, dir, "", "serve", "--addr", busy.Addr().String())
	if code != exitError || !strings.Contains(stderr, "address already in use (is another Rapport running?") {
		t.Errorf("a busy address: exit %d, %q", code, stderr)
	}
	code, _, stderr = rapportCmd(t, dir, "", "serve", "--addr", ":99999")
	if code != exitError || !strings.Contains(stderr, "invalid port") || strings.Contains(stderr, "another Rapport") {
		t.Errorf("port 99999: exit %d, %q", code, stderr)
	}
}

// TestServe starts rapport serve on a free port and follows the setup link it prints.
func TestServe(t *testing.T) {
	out, _, stop := startServe(t.TempDir())
	link := regexp.MustCompile(`http://localhost:\d+/setup/\S+`)
	deadline := time.Now().Add(10 * time.Second)
	for !link.MatchString(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no setup link printed: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	res, err := http.Get(link.FindString(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("got %d opening the setup link, want the setup page", res.StatusCode)
	}
	if code := stop(); code != exitOK {
		t.Errorf("got exit %d after shutdown, want 0", code)
	}
}

// TestServeWarnsOfMailNoOneCanUse: with a mail server but neither --base-url nor
// --mail-from, customers would get links to localhost from rapport@localhost; serve
// says so.
func TestServeWarnsOfMailNoOneCanUse(t *testing.T) {
	_, errOut, stop := startServe(t.TempDir(), "--smtp", "smtp://127.0.0.1:1")
	defer stop()
	// The warnings come once the server's jobs are queued, after it says it runs.
	said := func() bool {
		return strings.Contains(errOut.String(), "set --base-url") && strings.Contains(errOut.String(), "set --mail-from")
	}
	for deadline := time.Now().Add(10 * time.Second); !said() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !said() {
		t.Errorf("serve's log does not warn of links to localhost and mail from rapport@localhost:\n%s", errOut.String())
	}
}

// TestServeKeepsReadsForDays starts serve set to keep the records of reads for 30
// days: its job deletes a read of 31 days ago and keeps one of yesterday.
func TestServeKeepsReadsForDays(t *testing.T) {
	dir, db := migrated(t)
	defer db.Close()
	system := rapport.SystemScope("test")
	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva"}
	if err := db.CreateCustomer(context.Background(), system, c); err != nil {
		t.Fatal(err)
	}
	for _, daysAgo := range []int{31, 1} {
		db.Now = func() time.Time { return time.Now().AddDate(0, 0, -daysAgo) }
		if _, err := db.FindCustomerByID(context.Background(), system, c.ID); err != nil {
			t.Fatal(err)
		}
	}
	db.Now = time.Now

	_, stderr, stop := startServe(dir, "--keep-reads-days", "30")
	defer stop()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		jobs, err := db.FindJobs(context.Background(), system, rapport.JobPruneReads, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) > 0 && jobs[len(jobs)-1].State == rapport.JobDone {
			if got, want := jobs[len(jobs)-1].Result, "records of reads older than 30 days deleted: 1"; got != want {
				t.Errorf("the job says %q, want %q", got, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no prune job done: %+v %s", jobs, stderr.String())
		}
	}
	reads, _, err := db.FindAuditEvents(context.Background(), system, rapport.AuditFilter{Action: "read"})
	if err != nil {
		t.Fatal(err)
	}
	if len(reads) != 1 || time.Since(reads[0].At) > 2*24*time.Hour {
		t.Errorf("left %d reads, want yesterday's", len(reads))
	}
}

func TestParseSize(t *testing.T) {
	for text, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "1.5 GiB": 3 << 29, "200MB": 200e6, "1GiB": 1 << 30, "0": 0, "-1MiB": 0, "MiB": 0, "1PiB": 0} {
		got, err := parseSize("max-upload", text)
		if got != want || (err == nil) != (want > 0) {
			t.Errorf("%q: got %d, %v, want %d", text, got, err, want)
		}
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

func TestLink(t *testing.T) {
	dir := t.TempDir()
	people := filepath.Join(dir, "people.csv")
	if code, _, errOut := rapportCmd(t, dir, "", "link", "generate", "--records", "3000", "--output", people); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errOut)
	}
	pairs, clusters := filepath.Join(dir, "pairs.csv"), filepath.Join(dir, "clusters.csv")
	code, out, errOut := rapportCmd(t, dir, "", "link", "--input", people, "--id-column", "id",
		"--config", "../../linkage/testdata/people.yaml", "--pairs", pairs, "--clusters", clusters, "--explain", "r0000001,r0000002")
	if code != 0 {
		t.Fatalf("link: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "r0000001 and r0000002: probability") || !strings.Contains(errOut, "3000 records read") {
		t.Errorf("stdout %q, stderr %q", out, errOut)
	}
	for _, f := range []string{pairs, clusters} {
		data, err := os.ReadFile(f)
		if err != nil || strings.Count(string(data), "\n") < 2 {
			t.Errorf("%s: %d bytes, %v", f, len(data), err)
		}
	}
	// Without a config, the inferred one is printed.
	if code, _, errOut := rapportCmd(t, dir, "", "link", "--input", people, "--id-column", "id"); code != 0 || !strings.Contains(errOut, "blocking:") {
		t.Errorf("inferred config: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{
		{"link", "--id-column", "id"},
		{"link", "--input", people},
		{"link", "--input", people, "--id-column", "nope"},
	} {
		if code, _, _ := rapportCmd(t, dir, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
