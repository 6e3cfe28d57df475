package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/jobs"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/web"
)

var ctx = context.Background()

const password = "correct horse battery"

// env is a running server on a fresh database, with staff in and out of a wall.
type env struct {
	t           *testing.T
	db          *sqldb.DB
	srv         *httptest.Server
	uploads     string // the server's upload directory
	attachments *blob.Disk
	admin       *rapport.User
	agent       *rapport.User // in team Sales
	insider     *rapport.User // in team Deals, inside the wall
	outsider    *rapport.User // analyst in no team
	tokens      map[string]string
	walled      *rapport.Customer // a person behind the wall
	open        *rapport.Customer // a person anyone may see
	team        *rapport.Team     // Sales
	deals       *rapport.Team
}

// databases lists the databases the web tests run on: SQLite always, PostgreSQL when
// RAPPORT_TEST_POSTGRES is set (or required).
func databases() map[string]sqldbtest.Opener {
	dbs := map[string]sqldbtest.Opener{"sqlite": sqldbtest.SQLite}
	if os.Getenv("RAPPORT_TEST_POSTGRES") != "" || strings.Contains(os.Getenv("RAPPORT_TEST_REQUIRE"), "postgres") {
		dbs["postgres"] = sqldbtest.Postgres
	}
	return dbs
}

func newEnv(t *testing.T, open sqldbtest.Opener) *env {
	t.Helper()
	db := open(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	uploads := t.TempDir()
	attachments, err := blob.NewDisk(t.TempDir())
	must(t, err)
	srv := httptest.NewServer((&web.Server{Store: db, Logger: logger, MaxBulkBytes: 4 << 20, UploadDir: uploads, MaxUploadBytes: maxUpload,
		Attachments: attachments, MaxAttachmentBytes: maxAttachment}).Handler())
	t.Cleanup(srv.Close)
	e := &env{t: t, db: db, srv: srv, uploads: uploads, attachments: attachments, tokens: map[string]string{}}
	sys := rapport.SystemScope("test")
	e.team = &rapport.Team{Name: "Sales", Function: "sales"}
	e.deals = &rapport.Team{Name: "Deals", Function: "finance"}
	must(t, db.CreateTeam(ctx, sys, e.team))
	must(t, db.CreateTeam(ctx, sys, e.deals))
	mk := func(email string, role rapport.Role, teams ...*rapport.Team) *rapport.User {
		u := &rapport.User{Email: email, Name: strings.Split(email, "@")[0], Role: role}
		for _, team := range teams {
			u.Teams = append(u.Teams, rapport.TeamRef{ID: team.ID})
		}
		must(t, db.CreateUser(ctx, sys, u, password))
		_, secret, err := db.CreateToken(ctx, sys, u.ID, "test")
		must(t, err)
		e.tokens[email] = secret
		return u
	}
	e.admin = mk("admin@example.com", rapport.RoleAdmin)
	e.agent = mk("agent@example.com", rapport.RoleAgent, e.team)
	e.insider = mk("insider@example.com", rapport.RoleAgent, e.deals)
	e.outsider = mk("outsider@example.com", rapport.RoleAnalyst)
	e.walled = &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Wanda", FamilyName: "Walled", Emails: []rapport.ContactPoint{{Value: "wanda@secret.example"}}, Phones: []rapport.ContactPoint{{Value: "+44 20 7946 0001"}}}
	e.open = &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Otto", FamilyName: "Open", Emails: []rapport.ContactPoint{{Value: "otto@open.example"}}}
	must(t, db.CreateCustomer(ctx, sys, e.walled))
	must(t, db.CreateCustomer(ctx, sys, e.open))
	must(t, db.CreateWall(ctx, sys, &rapport.Wall{Name: "Project Falcon"}, []rapport.ID{e.deals.ID}, []rapport.ID{e.walled.ID}))
	return e
}

// maxUpload is the test server's limit on files to import, maxAttachment on files
// to attach.
const (
	maxUpload     = 64 << 10
	maxAttachment = 32 << 10
)

// worker runs the jobs rapport serve runs in the background: imports of uploaded files.
func (e *env) worker() *jobs.Worker {
	importer := &jobs.Importer{Store: e.db, Uploads: e.uploads, BatchSize: 2}
	return &jobs.Worker{Queue: e.db, Poll: 50 * time.Millisecond, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handlers: map[string]jobs.Handler{rapport.JobImport: importer.Run,
			rapport.JobPurgeAttachments: (&jobs.Purger{Queue: e.db, Blobs: e.attachments}).Run}}
}

// runJobs runs the jobs due until none is.
func (e *env) runJobs() {
	e.t.Helper()
	w := e.worker()
	for {
		ran, err := w.RunOnce(ctx)
		must(e.t, err)
		if !ran {
			return
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends an API request as the user with that e-mail ("" for none).
func (e *env) do(method, path, as, body string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	must(e.t, err)
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[as])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	must(e.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(e.t, err)
	if strings.HasPrefix(path, "/api/") {
		checkAPIResponse(e.t, req, res, b) // every API response must match web/openapi.json
	}
	return res, string(b)
}

// browser is a signed-in web session.
type browser struct {
	e      *env
	client *http.Client
}

func (e *env) signIn(email string) *browser {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(e.srv.URL+"/sign-in", url.Values{"email": {email}, "password": {password}})
	must(e.t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("sign in as %s: got status %d, want 303", email, res.StatusCode)
	}
	return &browser{e: e, client: client}
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	res, err := b.client.Get(b.e.srv.URL + path)
	must(b.e.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.e.t.Helper()
	res, err := b.client.PostForm(b.e.srv.URL+path, form)
	must(b.e.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return v
}
