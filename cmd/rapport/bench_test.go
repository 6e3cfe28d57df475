package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// TestBenchIngest sends a file through the bulk API from three clients at once, one
// request cut short, and checks that every line was written once.
func TestBenchIngest(t *testing.T) {
	dir := t.TempDir()
	customers := write(t, dir, "customers.ndjson", `{"source_id": "c1", "kind": "person", "name": "Ann Example"}`+"\n")
	if code, out, errOut := rapportCmd(t, dir, "", "import", "customers", customers, "--source", "shop"); code != exitOK {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	var lines strings.Builder
	for i := range 25 {
		fmt.Fprintf(&lines, `{"source": "shop", "source_id": "o%d", "customer_source": "shop", "customer_source_id": "c1", "type": "order", "channel": "web", "occurred_at": "2026-01-02T10:%02d:00Z", "summary": "Order %d"}`+"\n", i, i, i)
	}
	orders := write(t, dir, "orders.ndjson", lines.String())

	out, stderr, stop := startServe(dir)
	defer stop()
	link := regexp.MustCompile(`http://localhost:\d+`)
	for deadline := time.Now().Add(10 * time.Second); !link.MatchString(out.String()); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no address: %q %q", out.String(), stderr.String())
		}
	}
	if code, _, errOut := rapportCmd(t, dir, "", "user", "create", "--email", "ann@example.com", "--name", "Ann", "--role", "admin"); code != exitOK {
		t.Fatal(errOut)
	}
	code, token, errOut := rapportCmd(t, dir, "", "token", "create", "--email", "ann@example.com")
	if code != exitOK {
		t.Fatal(errOut)
	}

	code, got, errOut := rapportCmd(t, dir, "", "bench", "ingest", "--url", link.FindString(out.String()),
		"--token", strings.TrimSpace(token), "--lines", "4", "--clients", "3", orders)
	if code != exitOK || !strings.Contains(got, "25 interactions (created 25, updated 0, rejected 0)") || !strings.Contains(got, "from 3 clients") {
		t.Fatalf("bench ingest: exit %d, %q %q", code, got, errOut)
	}
	db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, _, err := db.FindCustomers(context.Background(), rapport.SystemScope("test"), rapport.CustomerFilter{Query: "Ann Example"})
	if err != nil || len(found) != 1 {
		t.Fatalf("the customer: %v %v", found, err)
	}
	timeline, _, err := db.FindInteractions(context.Background(), rapport.SystemScope("test"), rapport.InteractionFilter{CustomerID: found[0].ID, Limit: 100})
	if err != nil || len(timeline) != 25 {
		t.Errorf("the customer has %d interactions (%v), want the 25 sent", len(timeline), err)
	}

	code, _, errOut = rapportCmd(t, dir, "", "bench", "ingest", "--url", link.FindString(out.String()), "--token", "wrong", "--clients", "2", orders)
	if code != exitError || !strings.Contains(errOut, "status 401") {
		t.Errorf("a refused request: exit %d, %q", code, errOut)
	}
}

// TestBenchHTTPFailedRuns: a run whose requests were refused (a wrong token) or sent
// to /sign-in (a page without a session) fails, with the redirects counted as such,
// not followed and timed as the sign-in page; a run that was answered succeeds.
func TestBenchHTTPFailedRuns(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/metrics", r.URL.Path == "/sign-in":
		case strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get("Authorization") != "Bearer good":
			http.Error(w, "unauthorized", http.StatusUnauthorized)
		case r.URL.Path == "/customers/1":
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	for _, tt := range []struct {
		path, token string
		code        int
		want        string
	}{
		{"/api/v1/customers", "bad", exitError, "statuses map[401:"},
		{"/customers/1", "good", exitError, "statuses map[303:"},
		{"/api/v1/customers", "good", exitOK, ""},
	} {
		code, out, errOut := rapportCmd(t, dir, tt.path+"\n", "bench", "http", "--url", srv.URL, "--token", tt.token, "--clients", "2", "--duration", "100ms")
		if code != tt.code || !strings.Contains(errOut, tt.want) || (code == exitError && !strings.Contains(errOut, "were answered with a 2xx status")) {
			t.Errorf("%s with token %s: exit %d, %q %q; want exit %d and %q", tt.path, tt.token, code, out, errOut, tt.code, tt.want)
		}
	}
}
