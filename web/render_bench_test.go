package web

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// BenchmarkRenderProfile renders profile pages whose data was read beforehand, from the
// database and targets BenchmarkProfilePage reads (the same variables): the templates'
// share of a page, which the page's own benchmark cannot tell apart from the reads.
func BenchmarkRenderProfile(b *testing.B) {
	dir, targets := os.Getenv("RAPPORT_BENCH_DATA"), os.Getenv("RAPPORT_BENCH_TARGETS")
	if dir == "" || targets == "" {
		b.Skip("set RAPPORT_BENCH_DATA to a copy of the benchmark database and RAPPORT_BENCH_TARGETS to its profile targets")
	}
	db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s := &Server{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.Handler() // parses the templates
	u, err := db.Authenticate(context.Background(), os.Getenv("RAPPORT_BENCH_EMAIL"), os.Getenv("RAPPORT_BENCH_PASSWORD"), "127.0.0.1")
	if err != nil {
		b.Fatal(err)
	}
	c := &call{user: u, scope: rapport.StaffScope(u, "web", "127.0.0.1")}
	f, err := os.Open(targets)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	type target struct {
		path string
		page *customerPage
	}
	var pages []target
	for sc := bufio.NewScanner(f); sc.Scan() && len(pages) < 500; {
		path := strings.TrimSpace(sc.Text())
		id, err := rapport.ParseID(strings.TrimPrefix(path, "/customers/"))
		if err != nil {
			continue
		}
		page, err := s.customerPage(httptest.NewRequest("GET", path, nil), c, id)
		if err == nil && page.Customer.MergedInto.IsZero() {
			pages = append(pages, target{path: path, page: page})
		}
	}
	if len(pages) == 0 {
		b.Fatal("no profile of the targets could be read")
	}
	b.ReportAllocs()
	size := 0
	for i := 0; b.Loop(); i++ {
		t := pages[i%len(pages)]
		w := httptest.NewRecorder()
		if err := s.render(w, httptest.NewRequest("GET", t.path, nil), 200, "customer", c, t.page.Customer.Name, t.page); err != nil {
			b.Fatal(err)
		}
		size += w.Body.Len()
	}
	b.ReportMetric(float64(size)/float64(b.N), "bytes/page")
}
