package web

import (
	"fmt"
	"net/http"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// metrics counts requests by route and status and keeps a latency histogram per
// route, written in the Prometheus text format by handleMetrics.
type metrics struct {
	mu       sync.Mutex
	requests map[routeStatus]uint64
	latency  map[string]*histogram
}

type routeStatus struct {
	route  string
	status int
}

// latencyBuckets are the histogram's upper bounds in seconds: 5 ms apart from 10 to
// 80 ms, where the latency targets (25 and 50 ms) and the pages under load lie, so that
// a p99 read from them is interpolated within a narrow bucket (between 50 and 75 ms,
// it read 74 ms of pages whose p99 the clients measured at 64 ms).
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05,
	0.055, 0.06, 0.065, 0.07, 0.075, 0.08, 0.09, 0.1, 0.125, 0.15, 0.2, 0.25, 0.5, 1, 2.5, 5, 10}

type histogram struct {
	counts []uint64 // per bucket, not cumulative
	sum    float64
	count  uint64
}

func newMetrics() *metrics {
	return &metrics{requests: map[routeStatus]uint64{}, latency: map[string]*histogram{}}
}

func (m *metrics) observe(route string, status int, d time.Duration) {
	secs := d.Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[routeStatus{route, status}]++
	h := m.latency[route]
	if h == nil {
		h = &histogram{counts: make([]uint64, len(latencyBuckets))}
		m.latency[route] = h
	}
	if i := sort.SearchFloat64s(latencyBuckets, secs); i < len(latencyBuckets) {
		h.counts[i]++
	}
	h.sum += secs
	h.count++
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	m := s.metrics
	m.mu.Lock()
	b.WriteString("# HELP rapport_http_requests_total HTTP requests by route and status.\n# TYPE rapport_http_requests_total counter\n")
	keys := make([]routeStatus, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].route < keys[j].route || keys[i].route == keys[j].route && keys[i].status < keys[j].status
	})
	for _, k := range keys {
		fmt.Fprintf(&b, "rapport_http_requests_total{route=%s,status=\"%d\"} %d\n", label(k.route), k.status, m.requests[k])
	}
	b.WriteString("# HELP rapport_http_request_duration_seconds Time to answer HTTP requests, by route.\n# TYPE rapport_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.latency))
	for route := range m.latency {
		routes = append(routes, route)
	}
	sort.Strings(routes)
	for _, route := range routes {
		h := m.latency[route]
		var cumulative uint64
		for i, le := range latencyBuckets {
			cumulative += h.counts[i]
			fmt.Fprintf(&b, "rapport_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", label(route), strconv.FormatFloat(le, 'g', -1, 64), cumulative)
		}
		fmt.Fprintf(&b, "rapport_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(route), h.count)
		fmt.Fprintf(&b, "rapport_http_request_duration_seconds_sum{route=%s} %g\n", label(route), h.sum)
		fmt.Fprintf(&b, "rapport_http_request_duration_seconds_count{route=%s} %d\n", label(route), h.count)
	}
	m.mu.Unlock()

	pools := s.Store.Stats()
	names := make([]string, 0, len(pools))
	for name := range pools {
		names = append(names, name)
	}
	sort.Strings(names)
	gauge := func(name, help string, value func(string) float64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, pool := range names {
			fmt.Fprintf(&b, "%s{pool=%q} %g\n", name, pool, value(pool))
		}
	}
	gauge("rapport_db_connections_open", "Open database connections.", func(p string) float64 { return float64(pools[p].OpenConnections) })
	gauge("rapport_db_connections_in_use", "Database connections in use.", func(p string) float64 { return float64(pools[p].InUse) })
	gauge("rapport_db_connections_idle", "Idle database connections.", func(p string) float64 { return float64(pools[p].Idle) })
	gauge("rapport_db_connections_max", "Most database connections the pool opens.", func(p string) float64 { return float64(pools[p].MaxOpenConnections) })
	gauge("rapport_db_wait_count", "Times a request waited for a database connection, since start.", func(p string) float64 { return float64(pools[p].WaitCount) })
	gauge("rapport_db_wait_seconds", "Time spent waiting for database connections, since start.", func(p string) float64 { return pools[p].WaitDuration.Seconds() })

	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	fmt.Fprintf(&b, "# HELP go_goroutines Goroutines that exist.\n# TYPE go_goroutines gauge\ngo_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(&b, "# HELP go_memstats_heap_alloc_bytes Heap bytes allocated and in use.\n# TYPE go_memstats_heap_alloc_bytes gauge\ngo_memstats_heap_alloc_bytes %d\n", mem.HeapAlloc)

	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write([]byte(b.String()))
}

// label quotes a label value as the text format requires.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}
