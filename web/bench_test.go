package web

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// BenchmarkProfilePage serves profile pages, 32 at a time, from a copy of the benchmark
// database of docs/benchmarks.md, signed in as the user who reads them there:
//
//	RAPPORT_BENCH_DATA=/tmp/perf-db RAPPORT_BENCH_TARGETS=profiles.txt \
//	RAPPORT_BENCH_EMAIL=liam.oconnor@demo.example RAPPORT_BENCH_PASSWORD='bench password 1' \
//	go test -run '^$' -bench ProfilePage -cpuprofile cpu.out ./web
//
// Besides the time per page it reports the process's CPU time per page (cpu-ms/op),
// which other work on the machine disturbs less, and its read system calls per page
// (reads/op). Every read is audited, as in serving.
func BenchmarkProfilePage(b *testing.B) {
	bench := benchServer(b)
	h, paths, session := bench.h, bench.paths, bench.session

	cpu := func() time.Duration {
		var u syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &u)
		return time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	b.ReportAllocs()
	b.SetParallelism(max(1, 32/runtime.GOMAXPROCS(0)))
	start, reads := cpu(), readCalls()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			path := paths[int(bench.next.Add(1))%len(paths)]
			req := httptest.NewRequest("GET", path, nil)
			req.AddCookie(session)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK && rec.Code != http.StatusNotFound {
				b.Errorf("%s: status %d", path, rec.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	if reads >= 0 {
		b.ReportMetric(float64(readCalls()-reads)/float64(b.N), "reads/op")
	}
}

// readCalls counts the process's read system calls so far, -1 where Linux does not
// say: SQLite reads every page it does not hold in its cache with one, so their number
// tells how well the cache serves, unlike times, whatever else the machine does.
func readCalls() int {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscr: "); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err == nil {
				return n
			}
		}
	}
	return -1
}

// profileBench is the server BenchmarkProfilePage measures, opened once for all its
// rounds so that each round finds SQLite's caches as serving would.
type profileBench struct {
	s       *Server
	h       http.Handler
	paths   []string
	session *http.Cookie
	next    atomic.Int64 // the next target, continued from round to round
}

var (
	profileBenchOnce sync.Once
	profileBenchOf   *profileBench
	profileBenchErr  error
)

// benchServer opens the benchmark's server once, or skips without its database.
func benchServer(b *testing.B) *profileBench {
	dir, targets := os.Getenv("RAPPORT_BENCH_DATA"), os.Getenv("RAPPORT_BENCH_TARGETS")
	if dir == "" || targets == "" {
		b.Skip("set RAPPORT_BENCH_DATA to a copy of the benchmark database and RAPPORT_BENCH_TARGETS to its profile targets")
	}
	profileBenchOnce.Do(func() { profileBenchOf, profileBenchErr = openProfileBench(dir, targets) })
	if profileBenchErr != nil {
		b.Fatal(profileBenchErr)
	}
	return profileBenchOf
}

func openProfileBench(dir, targets string) (*profileBench, error) {
	db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
	if err != nil {
		return nil, err
	}
	pb := &profileBench{s: &Server{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	pb.h = pb.s.Handler()
	f, err := os.Open(targets)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		if p := strings.TrimSpace(sc.Text()); p != "" {
			pb.paths = append(pb.paths, p)
		}
	}
	form := url.Values{"email": {os.Getenv("RAPPORT_BENCH_EMAIL")}, "password": {os.Getenv("RAPPORT_BENCH_PASSWORD")}}
	req := httptest.NewRequest("POST", "/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	pb.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "rapport_session" {
			pb.session = c
		}
	}
	if pb.session == nil {
		return nil, fmt.Errorf("could not sign in: status %d", rec.Code)
	}
	return pb, nil
}

// BenchmarkRenderProfile renders the pages of the targets of BenchmarkProfilePage (the
// same variables), their data read beforehand: the templates' share of a page, which
// the page's own benchmark cannot tell apart from the reads.
func BenchmarkRenderProfile(b *testing.B) {
	bench := benchServer(b)
	s := bench.s
	type target struct {
		r    *http.Request
		page *customerPage
	}
	var c *call
	var pages []target
	for _, path := range bench.paths[:min(500, len(bench.paths))] {
		r := httptest.NewRequest("GET", path, nil)
		r.AddCookie(bench.session)
		if c == nil {
			u, err := s.sessionUser(r)
			if err != nil {
				b.Fatal(err)
			}
			c = &call{user: u, scope: rapport.StaffScope(u, "web", "127.0.0.1")}
		}
		id, err := rapport.ParseID(strings.TrimPrefix(path, "/customers/"))
		if err != nil {
			continue
		}
		if page, err := s.customerPage(r, c, id); err == nil && page.Customer.MergedInto.IsZero() {
			pages = append(pages, target{r: r, page: page})
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
		if err := s.render(w, t.r, http.StatusOK, "customer", c, t.page.Customer.Name, t.page); err != nil {
			b.Fatal(err)
		}
		size += w.Body.Len()
	}
	b.ReportMetric(float64(size)/float64(b.N), "bytes/page")
}
