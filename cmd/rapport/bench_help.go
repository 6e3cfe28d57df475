package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/web"
)

// benchHelp measures the help centre's article pages: it fills the database with
// generated articles, readers' views and ratings (if it holds fewer articles than
// --articles), starts Rapport's own HTTP handler on a loopback port, and sends GET
// /help/articles/{slug} from --clients clients for --duration, after --warmup.
//
// Articles are chosen by Zipf's law (a few are read far more than the rest). A share
// of the clients (--new-visitors) are first-time visitors who send no cookie, so each
// of their requests makes a new visitor and records a view under a new cookie; the
// others keep the visitor cookie the first answer gave them, as a returning reader's
// browser does. Every request records a view: a write.
//
// The load generator runs in the same process, on the same cores, as the server (as
// `rapport bench http` does on the same machine), so the CPU it uses is counted in the
// CPU time per page.
func benchHelp(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var articles, readers, clients int
	var newVisitors float64
	var duration, warmup time.Duration
	var seed uint64
	var profile string
	fs := newFlags(env, "bench help", "[--articles 10000] [--readers 5000] [--clients 8] [--duration 20s] [--warmup 5s] [--new-visitors 0.5] [--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	fs.IntVar(&articles, "articles", 10_000, "published articles the knowledge base should hold; missing ones are generated")
	fs.IntVar(&readers, "readers", 5_000, "visitors whose views (1 to 10 articles each) and ratings are generated with new articles")
	fs.IntVar(&clients, "clients", 8, "concurrent clients")
	fs.DurationVar(&duration, "duration", 20*time.Second, "how long to measure")
	fs.DurationVar(&warmup, "warmup", 5*time.Second, "how long to send requests before measuring")
	fs.Float64Var(&newVisitors, "new-visitors", 0.5, "share of clients that send no cookie (a new visitor per request)")
	fs.Uint64Var(&seed, "seed", 1, "seed of the generated text and the choice of articles")
	fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the measured requests (server and clients) to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case articles < 1 || readers < 0:
		return usagef("--articles must be at least 1 and --readers at least 0")
	case clients < 1:
		return usagef("--clients must be at least 1, not %d", clients)
	case duration <= 0 || warmup < 0:
		return usagef("--duration must be above 0 and --warmup at least 0, such as 20s and 5s")
	case !(newVisitors >= 0 && newVisitors <= 1):
		return usagef("--new-visitors must be a share from 0 to 1")
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := fillHelp(ctx, env, db, articles, readers, seed); err != nil {
		return err
	}
	var slugs []string
	for cursor := ""; ; {
		page, err := db.ListArticles(ctx, rapport.PortalScope(""), rapport.ArticleFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, a := range page.Articles {
			slugs = append(slugs, a.Slug)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(slugs) == 0 {
		return fmt.Errorf("no published articles")
	}

	srv := &web.Server{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: version(), BaseURL: "http://localhost"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	httpServer := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go httpServer.Serve(ln)
	defer httpServer.Close()
	base := "http://" + ln.Addr().String()

	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxIdleConns: clients}
	client := &http.Client{Timeout: 30 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	zipf := func(rng *rand.Rand) *rand.Zipf { return rand.NewZipf(rng, 1.1, 4, uint64(len(slugs)-1)) }

	type result struct {
		latencies []time.Duration
		statuses  map[int]int
	}
	run := func(d time.Duration) (result, time.Duration) {
		deadline := time.Now().Add(d)
		var mu sync.Mutex
		all := result{statuses: map[int]int{}}
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			returning := float64(i) >= newVisitors*float64(clients)
			go func(rng *rand.Rand) {
				defer wg.Done()
				z := zipf(rng)
				var cookie *http.Cookie
				mine := result{statuses: map[int]int{}}
				for time.Now().Before(deadline) && ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, "GET", base+"/help/articles/"+slugs[z.Uint64()], nil)
					if cookie != nil {
						req.AddCookie(cookie)
					}
					start := time.Now()
					res, err := client.Do(req)
					if err != nil {
						mine.statuses[0]++
						continue
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					mine.latencies = append(mine.latencies, time.Since(start))
					mine.statuses[res.StatusCode]++
					if returning && cookie == nil {
						for _, c := range res.Cookies() {
							if c.Name == "rapport_visitor" {
								cookie = c
							}
						}
					}
				}
				mu.Lock()
				all.latencies = append(all.latencies, mine.latencies...)
				for k, v := range mine.statuses {
					all.statuses[k] += v
				}
				mu.Unlock()
			}(rand.New(rand.NewPCG(seed+uint64(i), uint64(time.Now().UnixNano()))))
		}
		start := time.Now()
		wg.Wait()
		return all, time.Since(start)
	}
	if warmup > 0 {
		run(warmup)
	}
	stop, err := cpuProfile(profile)
	if err != nil {
		return err
	}
	cpu0 := cpuTime()
	res, took := run(duration)
	cpu := cpuTime() - cpu0
	stop()
	if len(res.latencies) == 0 {
		return fmt.Errorf("no request succeeded: %v", res.statuses)
	}
	lat := res.latencies
	slices.Sort(lat)
	pct := func(p float64) string {
		return fmt.Sprintf("%.2fms", float64(lat[int(p*float64(len(lat)-1))].Microseconds())/1000)
	}
	fmt.Fprintf(env.stdout, "%d published articles, %s; %d clients (%d without a cookie), %s\n", len(slugs), db.Dialect(), clients,
		int(newVisitors*float64(clients)+0.999999), took.Round(time.Millisecond))
	fmt.Fprintf(env.stdout, "%d article pages: %.0f/s; statuses %v; CPU %.2f ms a page (server and clients)\n", len(lat),
		float64(len(lat))/took.Seconds(), res.statuses, float64(cpu.Microseconds())/1000/float64(len(lat)))
	fmt.Fprintf(env.stdout, "latency: p50 %s  p90 %s  p99 %s  max %s\n", pct(0.5), pct(0.9), pct(0.99), pct(1))
	return nil
}

func cpuTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// fillHelp generates articles up to n and, with them, the views and ratings of readers
// visitors: each reads 1 to 10 articles (chosen by Zipf's law, so that readers share
// articles and "also read" has something to count) and one in four rates one of them.
func fillHelp(ctx context.Context, env *environment, db *sqldb.DB, n, readers int, seed uint64) error {
	system := rapport.SystemScope("bench")
	have, err := generateArticles(ctx, env, db, newTextGen(seed), n)
	if err != nil || have >= n {
		return err
	}
	start := time.Now()
	var ids []rapport.ID
	for cursor := ""; ; {
		page, err := db.ListArticles(ctx, system, rapport.ArticleFilter{Limit: 500, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, a := range page.Articles {
			ids = append(ids, a.ID)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	rng := rand.New(rand.NewPCG(seed, 13))
	z := rand.NewZipf(rng, 1.1, 4, uint64(len(ids)-1))
	views, ratings := 0, 0
	visitor := rapport.PortalScope("127.0.0.1")
	for r := range readers {
		reader := fmt.Sprintf("bench-reader-%d", r)
		read := map[rapport.ID]bool{}
		for range 1 + rng.IntN(10) {
			id := ids[z.Uint64()]
			if err := db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: id, Reader: reader}); err != nil {
				return err
			}
			read[id] = true
			views++
		}
		if rng.IntN(4) == 0 {
			for id := range read {
				yes := rng.IntN(3) > 0
				if _, err := db.RateArticle(ctx, visitor, id, reader, rapport.ArticleRating{Helpful: &yes, Rating: 1 + rng.IntN(5)}); err != nil {
					return err
				}
				ratings++
				break
			}
		}
		if r%500 == 0 {
			fmt.Fprintf(env.stderr, "\r%d views, %d ratings   ", views, ratings)
		}
	}
	fmt.Fprintf(env.stderr, "\rgenerated %d views, %d ratings in %s\n", views, ratings, time.Since(start).Round(time.Second))
	return nil
}
