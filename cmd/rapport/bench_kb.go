package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// benchKB measures the knowledge base's search: it fills the database with generated
// articles up to --articles (if it has fewer), then times --queries searches, one at a
// time, as a portal visitor and as staff, and prints the percentiles.
//
// Articles are generated text of realistic length: a title of 4 to 10 words, a body of
// 120 to 600 words (about 2 KB), words drawn from a vocabulary of 30,000 by Zipf's law
// (the commonest being English stop words), each in one of 20 categories with one or
// two of 30 products. Queries are 2 to 4 words of a random article's title and body,
// one of any frequency and the others from the article's less common half; one in ten
// has a word mistyped, one in ten is type-ahead (the last word cut short).
func benchKB(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var articles, queries int
	var seed uint64
	fs := newFlags(env, "bench kb", "[--articles 100000] [--queries 2000] [--seed 1] [--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	fs.IntVar(&articles, "articles", 100_000, "articles the knowledge base should hold; missing ones are generated")
	fs.IntVar(&queries, "queries", 2000, "searches to time per reader")
	fs.Uint64Var(&seed, "seed", 1, "seed of the generated text and queries")
	var profile string
	fs.StringVar(&profile, "cpuprofile", "", "write a CPU profile of the searches to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if articles < 1 || queries < 1 {
		return usagef("--articles and --queries must be at least 1")
	}
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	system := rapport.SystemScope("bench")
	gen := newTextGen(seed)
	have, err := generateArticles(ctx, env, db, gen, articles)
	if err != nil {
		return err
	}
	// Queries from the text of random articles.
	sample, err := db.ListArticles(ctx, system, rapport.ArticleFilter{Limit: 500})
	if err != nil {
		return err
	}
	var qs []rapport.SearchQuery
	for range queries {
		a := sample.Articles[gen.r.IntN(len(sample.Articles))]
		qs = append(qs, gen.query(a.Title, a.Body))
	}
	fmt.Fprintf(env.stdout, "%d articles, %s; %d searches per reader, 10 hits each, one at a time\n", max(have, articles), db.Dialect(), len(qs))
	stop, err := cpuProfile(profile)
	if err != nil {
		return err
	}
	defer stop()
	for _, reader := range []struct {
		name string
		s    rapport.Scope
	}{{"visitor", rapport.PortalScope("127.0.0.1")}, {"staff", system}} {
		for _, q := range qs[:min(200, len(qs))] { // warm the caches
			if _, err := db.SearchArticles(ctx, reader.s, q); err != nil {
				return err
			}
		}
		times := make([]time.Duration, 0, len(qs))
		type slow struct {
			took  time.Duration
			q     rapport.SearchQuery
			total int
		}
		var slowest []slow
		hits := 0
		for _, q := range qs {
			start := time.Now()
			res, err := db.SearchArticles(ctx, reader.s, q)
			if err != nil {
				return err
			}
			took := time.Since(start)
			times = append(times, took)
			slowest = append(slowest, slow{took, q, res.Total})
			hits += res.Total
		}
		slices.SortFunc(slowest, func(a, b slow) int { return int(b.took - a.took) })
		defer func(name string, list []slow) {
			fmt.Fprintf(env.stdout, "slowest for the %s:\n", name)
			for _, s := range list[:min(5, len(list))] {
				fmt.Fprintf(env.stdout, "  %s  %q (prefix %v): %d matches\n", s.took.Round(10*time.Microsecond), s.q.Text, s.q.Prefix, s.total)
			}
		}(reader.name, slowest)
		slices.Sort(times)
		pct := func(p float64) time.Duration {
			return times[min(len(times)-1, int(p*float64(len(times))))].Round(10 * time.Microsecond)
		}
		fmt.Fprintf(env.stdout, "%-8s p50 %s  p90 %s  p99 %s  max %s  (mean matches %d)\n", reader.name, pct(0.50), pct(0.90), pct(0.99),
			times[len(times)-1].Round(10*time.Microsecond), hits/len(qs))
	}
	return nil
}

// textGen writes text of words drawn by Zipf's law.
type textGen struct {
	r     *rand.Rand
	words []string
	rank  map[string]int
	zipf  *rand.Zipf
}

func newTextGen(seed uint64) *textGen {
	r := rand.New(rand.NewPCG(seed, 7))
	g := &textGen{r: r}
	g.words = strings.Fields(`the of and to a in is you that it for on with as are this be your by or can
		from not if an at will have all which more when use do one they has there what can how about`)
	onsets := strings.Fields("b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr bl cl fl gl pl sl st sp sc sh ch th")
	nuclei := strings.Fields("a e i o u ai ea ee oo ou io")
	codas := []string{"", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ng", "ck", "rt", "ment", "tion", "ing", "er", "ed", "ly"}
	seen := map[string]bool{}
	for _, w := range g.words {
		seen[w] = true
	}
	for len(g.words) < 30_000 {
		syl := 1 + r.IntN(3)
		var b strings.Builder
		for range syl {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(nuclei[r.IntN(len(nuclei))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		if w := b.String(); !seen[w] {
			seen[w] = true
			g.words = append(g.words, w)
		}
	}
	g.zipf = rand.NewZipf(rand.New(rand.NewPCG(seed, 11)), 1.07, 2, uint64(len(g.words)-1))
	return g
}

func (g *textGen) word() string { return g.words[g.zipf.Uint64()] }

func (g *textGen) sentence(minWords, maxWords int) string {
	n := minWords + g.r.IntN(maxWords-minWords+1)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = g.word()
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ")
}

func (g *textGen) paragraphs(minWords, maxWords int) string {
	n := minWords + g.r.IntN(maxWords-minWords+1)
	var b strings.Builder
	for written := 0; written < n; {
		k := 6 + g.r.IntN(14)
		b.WriteString(g.sentence(k, k))
		b.WriteString(". ")
		written += k
		if g.r.IntN(5) == 0 {
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

// query makes a search a reader might type for the article: 2 to 4 of its words, as
// people pick them — one of any frequency, the others from its less common half (the
// words that say what the article is about).
func (g *textGen) query(title, body string) rapport.SearchQuery {
	if g.rank == nil {
		g.rank = make(map[string]int, len(g.words))
		for i, w := range g.words {
			g.rank[w] = i
		}
	}
	var pool []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(title + " " + body)) {
		w = strings.Trim(w, ".")
		if !textsearch.IsStopWord(w) && w != "" && !seen[w] {
			seen[w] = true
			pool = append(pool, w)
		}
	}
	if len(pool) == 0 {
		return rapport.SearchQuery{Text: "nothing", Limit: 10}
	}
	slices.SortFunc(pool, func(a, b string) int { return g.rank[a] - g.rank[b] })
	n := 2 + g.r.IntN(3)
	ws := []string{pool[g.r.IntN(len(pool))]}
	rare := pool[len(pool)/2:]
	for len(ws) < n {
		ws = append(ws, rare[g.r.IntN(len(rare))])
	}
	q := rapport.SearchQuery{Limit: 10}
	switch g.r.IntN(10) {
	case 0: // a typing mistake: two letters swapped
		for i, w := range ws {
			if len(w) >= 6 {
				b := []byte(w)
				b[2], b[3] = b[3], b[2]
				ws[i] = string(b)
				break
			}
		}
	case 1: // type-ahead
		last := ws[len(ws)-1]
		ws[len(ws)-1] = last[:min(len(last), 3)]
		q.Prefix = true
	}
	q.Text = strings.Join(ws, " ")
	return q
}

// generateArticles imports generated published articles (20 categories, one or two of
// 30 products each, bodies of about 2 KB) until the knowledge base holds n, and returns
// how many it held before.
func generateArticles(ctx context.Context, env *environment, db *sqldb.DB, gen *textGen, n int) (have int, err error) {
	system := rapport.SystemScope("bench")
	counts, err := db.CountArticles(ctx, system)
	if err != nil {
		return 0, err
	}
	have = counts.Total
	if have >= n {
		return have, nil
	}
	cats, err := db.ListCategories(ctx, system)
	if err != nil {
		return have, err
	}
	for i := len(cats); i < 20; i++ {
		c, err := db.CreateCategory(ctx, system, rapport.Category{Name: fmt.Sprintf("Topic %d", i+1)})
		if err != nil {
			return have, err
		}
		cats = append(cats, *c)
	}
	start := time.Now()
	var batch []sqldb.ImportedArticle
	for i := have; i < n; i++ {
		products := []string{fmt.Sprintf("Product %d", gen.r.IntN(30)+1)}
		if gen.r.IntN(3) == 0 {
			products = append(products, fmt.Sprintf("Product %d", gen.r.IntN(30)+1))
		}
		batch = append(batch, sqldb.ImportedArticle{ExternalID: fmt.Sprintf("gen-%d", i), Title: gen.sentence(4, 10),
			Body: gen.paragraphs(120, 600), CategoryID: cats[gen.r.IntN(len(cats))].ID, Products: products})
		if len(batch) == 1000 || i == n-1 {
			if _, err := db.ImportArticles(ctx, system, batch); err != nil {
				return have, err
			}
			batch = batch[:0]
			fmt.Fprintf(env.stderr, "\r%d articles", i+1)
		}
	}
	if err := db.OptimizeArticleIndex(ctx); err != nil {
		return have, err
	}
	fmt.Fprintf(env.stderr, "\rgenerated %d articles in %s\n", n-have, time.Since(start).Round(time.Second))
	return have, nil
}
