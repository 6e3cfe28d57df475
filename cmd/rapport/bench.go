package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rapportckm/rapport"
)

// rapport bench measures a running Rapport: it writes the requests to make (targets),
// sends them from many clients at once (http), or sends interactions in bulk (ingest).
// docs/benchmarks.md shows how the published figures were made with it.
func runBench(ctx context.Context, env *environment, args []string) error {
	const use = "usage: rapport bench targets profiles|timelines|searches|interactions [--count N] | http --url URL [--token T | --email E --password-stdin] [--clients 32] [--duration 30s] < TARGETS | ingest --url URL --token T FILE | kb [--articles 100000] [--queries 2000] | help [--articles 10000] [--clients 8]"
	if len(args) == 0 {
		return usagef("%s", use)
	}
	switch args[0] {
	case "targets":
		return benchTargets(ctx, env, args[1:])
	case "http":
		return benchHTTP(ctx, env, args[1:])
	case "ingest":
		return benchIngest(ctx, env, args[1:])
	case "kb":
		return benchKB(ctx, env, args[1:])
	case "help":
		return benchHelp(ctx, env, args[1:])
	}
	return usagef("%s", use)
}

// benchTargets prints requests for benchHTTP (paths) or interactions for benchIngest
// (NDJSON), made from a random sample of the customers in the database.
func benchTargets(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 {
		return usagef("name the targets: profiles, timelines, searches or interactions")
	}
	if isHelp("targets", args[0]) {
		fmt.Fprint(env.stdout, `rapport bench targets: print what bench http or bench ingest sends, made from a random sample of the database's customers.

Usage: rapport bench targets KIND [--count N] [--seed S] [--grouped] [--db URL] [--data-dir DIR]

Kinds:
  profiles      paths of customers' profile pages (/customers/ID), for bench http with --email
  timelines     API paths of customers' timelines, for bench http with --token
  searches      API paths of customer searches, for bench http with --token
  interactions  NDJSON interactions, for bench ingest

Run rapport bench targets KIND -h for its flags.
`)
		return flag.ErrHelp
	}
	kind := args[0]
	var cfg config
	var count int
	var seed uint64
	var grouped bool
	fs := newFlags(env, "bench targets "+kind, "[--count N] [--seed S] [--grouped]")
	cfg.dbFlags(fs, env)
	fs.IntVar(&count, "count", 5000, "how many targets to print")
	fs.Uint64Var(&seed, "seed", 1, "seed of the random choices")
	fs.BoolVar(&grouped, "grouped", false, "interactions: 100 in a row for each customer, as an export sorted by customer, instead of one customer after another at random")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case !slices.Contains([]string{"profiles", "timelines", "searches", "interactions"}, kind):
		return usagef("unknown targets %q: use profiles, timelines, searches or interactions", kind)
	case count < 1:
		return usagef("--count must be at least 1, not %d", count)
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(seed, 7))

	// A uniform sample of customers, read page by page (reservoir sampling): 5,000 for
	// requests, up to 100,000 for interactions, so that bulk writes spread as widely as
	// a real export's.
	size := 5000
	if kind == "interactions" {
		size = 100000
	}
	system := rapport.SystemScope(hostname())
	var sample []*rapport.Customer
	seen, cursor := 0, ""
	for {
		page, next, err := db.FindCustomers(ctx, system, rapport.CustomerFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, c := range page {
			seen++
			if len(sample) < size {
				sample = append(sample, c)
			} else if j := rng.IntN(seen); j < len(sample) {
				sample[j] = c
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(sample) == 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "the database has no customers: fill it with rapport demo first")
	}

	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	runID := time.Now().UnixMilli()
	var c *rapport.Customer
	for i := 0; i < count; i++ {
		if !grouped || i%100 == 0 {
			c = sample[rng.IntN(len(sample))]
		}
		switch kind {
		case "profiles":
			fmt.Fprintf(out, "/customers/%s\n", c.ID)
		case "timelines":
			fmt.Fprintf(out, "/api/v1/customers/%s/interactions?limit=50\n", c.ID)
		case "searches":
			fmt.Fprintf(out, "/api/v1/customers?limit=20&q=%s\n", url.QueryEscape(searchFor(rng, c)))
		case "interactions":
			line, _ := json.Marshal(map[string]any{
				"customer_id": c.ID, "source": "bench", "source_id": fmt.Sprintf("bench-%d-%d", runID, i),
				"type": "order", "channel": "web", "occurred_at": time.Now().UTC().Add(-time.Duration(rng.IntN(3*365*24)) * time.Hour).Format(time.RFC3339),
				"summary": fmt.Sprintf("Order #%d: %d items", 100000+i, 1+rng.IntN(5)), "amount": fmt.Sprintf("%d.%02d", 5+rng.IntN(500), rng.IntN(100)), "currency": "EUR",
			})
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return nil
}

// searchFor picks what a user might type to find c: the start of a name, an e-mail
// address, or the last digits of a phone number.
func searchFor(rng *rand.Rand, c *rapport.Customer) string {
	switch rng.IntN(3) {
	case 1:
		if e := c.PrimaryEmail(); e != "" {
			return e
		}
	case 2:
		if p := rapport.NormalizePhone(c.PrimaryPhone()); len(p) > 7 {
			return p[len(p)-7:]
		}
	}
	words := strings.Fields(c.Name)
	w := []rune(words[rng.IntN(len(words))])
	if len(w) > 4 {
		w = w[:4+rng.IntN(len(w)-3)]
	}
	return string(w)
}

// benchHTTP sends GET requests for the paths on standard input from many clients and
// reports latency percentiles.
func benchHTTP(ctx context.Context, env *environment, args []string) error {
	var base, token, email string
	var clients int
	var duration time.Duration
	var passwordStdin bool
	fs := newFlags(env, "bench http", "--url URL [--token T | --email E --password-stdin] [--clients 32] [--duration 30s] < TARGETS")
	fs.StringVar(&base, "url", "http://localhost:8080", "where Rapport runs")
	fs.StringVar(&token, "token", "", "API token, for /api paths")
	fs.StringVar(&email, "email", "", "sign in as this user, for pages")
	fs.BoolVar(&passwordStdin, "password-stdin", false, "read the password of --email from the first line of standard input")
	fs.IntVar(&clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&duration, "duration", 30*time.Second, "how long to send requests")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case clients < 1:
		return usagef("--clients must be at least 1, not %d", clients)
	case duration <= 0:
		return usagef("--duration must be above 0, such as 30s")
	}
	base = strings.TrimSuffix(base, "/")
	in := bufio.NewReader(env.stdin)
	password := ""
	if passwordStdin {
		line, err := in.ReadString('\n')
		if err != nil {
			return fmt.Errorf("read the password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
	}
	var paths []string
	for sc := bufio.NewScanner(in); sc.Scan(); {
		if p := strings.TrimSpace(sc.Text()); p != "" {
			paths = append(paths, p)
		}
	}
	if len(paths) == 0 {
		return usagef("no paths on standard input: make them with rapport bench targets")
	}
	jar, _ := cookiejar.New(nil)
	// Redirects are answers, not followed: a page that sends a client without a
	// session to /sign-in would else be timed as the sign-in page, and counted a 200.
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email != "" {
		res, err := client.PostForm(base+"/sign-in", url.Values{"email": {email}, "password": {password}})
		if err != nil {
			return err
		}
		res.Body.Close()
		if u, _ := url.Parse(base); len(jar.Cookies(u)) == 0 {
			return rapport.Errorf(rapport.EUNAUTHORIZED, "could not sign in as %s (status %d)", email, res.StatusCode)
		}
	}

	before, err := serverLatencies(base)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var latencies []time.Duration
	statuses := map[int]int{}
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func(rng *rand.Rand) {
			defer wg.Done()
			var mine []time.Duration
			mineStatus := map[int]int{}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", base+paths[rng.IntN(len(paths))], nil)
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				start := time.Now()
				res, err := client.Do(req)
				if err != nil {
					mineStatus[0]++
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mine = append(mine, time.Since(start))
				mineStatus[res.StatusCode]++
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			for k, v := range mineStatus {
				statuses[k] += v
			}
			mu.Unlock()
		}(rand.New(rand.NewPCG(uint64(i), 42)))
	}
	wg.Wait()
	if len(latencies) == 0 {
		return fmt.Errorf("no request was answered: %v", statuses)
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) string {
		return fmt.Sprintf("%.1fms", float64(latencies[int(p*float64(len(latencies)-1))].Microseconds())/1000)
	}
	fmt.Fprintf(env.stdout, "%d requests in %s from %d clients: %.0f/s; statuses %v\n", len(latencies), duration, clients, float64(len(latencies))/duration.Seconds(), statuses)
	fmt.Fprintf(env.stdout, "latency at the client: p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50), pct(0.90), pct(0.99), pct(1))
	after, err := serverLatencies(base)
	if err != nil {
		return err
	}
	earlier := map[float64]float64{}
	for _, b := range before {
		earlier[b.le] = b.count
	}
	for i := range after {
		after[i].count -= earlier[after[i].le]
	}
	fmt.Fprintf(env.stdout, "server time (from /metrics): p50 %s  p90 %s  p99 %s\n", quantile(after, 0.5), quantile(after, 0.9), quantile(after, 0.99))
	// The times measure what was asked for only if it was answered: a run in which
	// fewer than half the requests got a 2xx (a wrong token, no session) failed.
	ok, sent := 0, 0
	for status, n := range statuses {
		sent += n
		if status >= 200 && status < 300 {
			ok += n
		}
	}
	if ok*2 < sent {
		return fmt.Errorf("only %d of %d requests were answered with a 2xx status (statuses %v): check --token or --email and the targets", ok, sent, statuses)
	}
	return nil
}

// bucket is a cumulative count of requests that took at most le seconds.
type bucket struct {
	le    float64
	count float64
}

// serverLatencies sums the latency histograms of all routes in the server's metrics.
func serverLatencies(base string) ([]bucket, error) {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	byLE := map[float64]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "rapport_http_request_duration_seconds_bucket{") {
			continue
		}
		i := strings.Index(line, `le="`)
		j := strings.Index(line[i+4:], `"`)
		var le, n float64
		if line[i+4:i+4+j] == "+Inf" {
			le = math.Inf(1)
		} else {
			le, _ = strconv.ParseFloat(line[i+4:i+4+j], 64)
		}
		n, _ = strconv.ParseFloat(strings.TrimSpace(line[strings.LastIndex(line, " "):]), 64)
		byLE[le] += n
	}
	var out []bucket
	for le, n := range byLE {
		out = append(out, bucket{le, n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].le < out[j].le })
	return out, sc.Err()
}

// quantile estimates a quantile from cumulative buckets, interpolating linearly within
// a bucket as Prometheus's histogram_quantile does.
func quantile(buckets []bucket, q float64) string {
	if len(buckets) == 0 || buckets[len(buckets)-1].count == 0 {
		return "-"
	}
	rank := q * buckets[len(buckets)-1].count
	lower, prev := 0.0, 0.0
	for _, b := range buckets {
		if b.count >= rank {
			if math.IsInf(b.le, 1) {
				return fmt.Sprintf(">%.0fms", lower*1000)
			}
			return fmt.Sprintf("%.1fms", 1000*(lower+(b.le-lower)*(rank-prev)/(b.count-prev)))
		}
		lower, prev = b.le, b.count
	}
	return "-"
}

// benchIngest sends an NDJSON file of interactions to the bulk endpoint in requests of
// --lines lines, from --clients senders at once, and reports rows per second over the
// whole run.
func benchIngest(ctx context.Context, env *environment, args []string) error {
	var base, token string
	var lines, clients int
	fs := newFlags(env, "bench ingest", "--url URL --token T [--lines 50000] [--clients 1] FILE")
	fs.StringVar(&base, "url", "http://localhost:8080", "where Rapport runs")
	fs.StringVar(&token, "token", "", "API token")
	fs.IntVar(&lines, "lines", 50000, "lines per request")
	fs.IntVar(&clients, "clients", 1, "requests sent at once")
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 1 || token == "":
		return usagef("give --token and one NDJSON file (make it with rapport bench targets interactions)")
	case clients < 1:
		return usagef("--clients must be at least 1, not %d", clients)
	case lines < 1:
		return usagef("--lines must be at least 1, not %d", lines)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	var total rapport.IngestResult
	send := func(body []byte) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", strings.TrimSuffix(base, "/")+"/api/v1/interactions/bulk", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/x-ndjson")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		var r rapport.IngestResult
		if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode != 200 {
			return fmt.Errorf("status %d: %v", res.StatusCode, err)
		}
		mu.Lock()
		defer mu.Unlock()
		total.Received += r.Received
		total.Created += r.Created
		total.Updated += r.Updated
		total.Rejected += r.Rejected
		return nil
	}
	next := make(chan []byte)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for body := range next {
				if err := send(body); err != nil {
					cancel(err)
				}
			}
		})
	}
	queue := func(body []byte) {
		select {
		case next <- body:
		case <-ctx.Done():
		}
	}
	start := time.Now()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var buf bytes.Buffer
	for n := 1; sc.Scan(); n++ {
		buf.Write(sc.Bytes())
		buf.WriteByte('\n')
		if n%lines == 0 {
			queue(buf.Bytes())
			buf = bytes.Buffer{}
		}
	}
	if buf.Len() > 0 {
		queue(buf.Bytes())
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	if err := cmp.Or(sc.Err(), context.Cause(ctx)); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d interactions (created %d, updated %d, rejected %d) in %.1fs from %d clients: %.0f/s\n",
		total.Received, total.Created, total.Updated, total.Rejected, elapsed.Seconds(), clients, float64(total.Received)/elapsed.Seconds())
	return nil
}

// cpuProfile starts a CPU profile written to path (none when path is ""); stop ends it
// and closes the file.
func cpuProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
