package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/kbeval"
	"github.com/rapportckm/rapport/sqldb"
)

// runKB loads and measures the knowledge base: kb import, kb eval, kb baseline.
func runKB(ctx context.Context, env *environment, args []string) error {
	const use = "import FILE --format beir | eval --qrels QRELS RUN | baseline --corpus CORPUS --queries QUERIES"
	if len(args) == 0 {
		return usagef("usage: rapport kb %s", use)
	}
	switch args[0] {
	case "import":
		return runKBImport(ctx, env, args[1:])
	case "eval":
		return runKBEval(env, args[1:])
	case "baseline":
		return runKBBaseline(ctx, env, args[1:])
	}
	return usagef("unknown kb command %q; usage: rapport kb %s", args[0], use)
}

// runKBImport loads a BEIR corpus (JSONL of _id, title, text) as published public
// articles that keep their _id.
func runKBImport(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var format string
	var batch int
	fs := newFlags(env, "kb import", "FILE --format beir [--batch N] [--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	fs.StringVar(&format, "format", "", "the file's format: beir (JSON lines of _id, title, text)")
	fs.IntVar(&batch, "batch", 1000, "articles written per transaction")
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	if format != "beir" {
		return usagef("--format beir is the format known; got %q", format)
	}
	if batch < 1 {
		return usagef("--batch must be at least 1, not %d", batch)
	}
	if fs.NArg() != 1 {
		return usagef("name one file (- for standard input)")
	}
	in, err := openInput(fs.Arg(0), env)
	if err != nil {
		return err
	}
	defer in.Close()
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := rapport.SystemScope("cli")
	start := time.Now()
	read, written := 0, 0
	var pending []sqldb.ImportedArticle
	flush := func() error {
		n, err := db.ImportArticles(ctx, s, pending)
		written += n
		pending = pending[:0]
		return err
	}
	err = kbeval.ReadJSONL(in, func(d kbeval.Doc) error {
		read++
		pending = append(pending, sqldb.ImportedArticle{ExternalID: d.ID, Title: d.Title, Body: d.Text})
		if len(pending) >= batch {
			return flush()
		}
		return nil
	})
	if err == nil && len(pending) > 0 {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if err := db.OptimizeArticleIndex(ctx); err != nil {
		return err
	}
	skipped := ""
	if written < read {
		skipped = " (the others were there already)"
	}
	fmt.Fprintf(env.stdout, "Imported %d of %d articles%s in %s.\n", written, read, skipped, time.Since(start).Round(time.Millisecond))
	return nil
}

// runSearch runs every query of a file through the knowledge base's search and prints
// the results as a TREC run.
func runSearch(ctx context.Context, env *environment, args []string) error {
	var cfg config
	var queries, format, tag string
	var limit int
	fs := newFlags(env, "search", "--queries QUERIES.jsonl [--limit 10] [--format trec] [--db URL] [--data-dir DIR]")
	cfg.dbFlags(fs, env)
	fs.StringVar(&queries, "queries", "", "JSON lines of _id and text, one query each (BEIR's queries.jsonl); - for standard input")
	fs.IntVar(&limit, "limit", 10, "results per query, at most 100")
	fs.StringVar(&format, "format", "trec", "output: trec (qid Q0 docid rank score tag)")
	fs.StringVar(&tag, "tag", "rapport", "the run's name in the last column")
	if err := parse(fs, args); err != nil {
		return err
	}
	if queries == "" {
		return usagef("--queries is required")
	}
	if format != "trec" {
		return usagef("--format trec is the format known; got %q", format)
	}
	if limit < 1 || limit > 100 {
		return usagef("--limit must be between 1 and 100")
	}
	in, err := openInput(queries, env)
	if err != nil {
		return err
	}
	defer in.Close()
	db, err := cfg.openDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	s := rapport.SystemScope("cli")
	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	err = kbeval.ReadJSONL(in, func(q kbeval.Query) error {
		res, err := db.SearchArticles(ctx, s, rapport.SearchQuery{Text: q.Text, Limit: limit})
		if err != nil {
			return fmt.Errorf("query %s: %w", q.ID, err)
		}
		ids := make([]rapport.ID, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		ext, err := db.ArticleExternalIDs(ctx, s, ids)
		if err != nil {
			return err
		}
		hits := make([]kbeval.Hit, len(res.Hits))
		for i, h := range res.Hits {
			doc := ext[h.ID]
			if doc == "" {
				doc = h.Slug
			}
			hits[i] = kbeval.Hit{Doc: doc, Score: h.Score}
		}
		return kbeval.WriteRun(out, q.ID, hits, tag)
	})
	if err != nil {
		return fmt.Errorf("--queries %s: %w", queries, err)
	}
	return nil
}

// runKBEval scores a TREC run against judgements.
func runKBEval(env *environment, args []string) error {
	var qrelsFile string
	var ndcg, recall int
	fs := newFlags(env, "kb eval", "--qrels QRELS RUN")
	fs.StringVar(&qrelsFile, "qrels", "", "the judgements: BEIR qrels.tsv or TREC qrels")
	fs.IntVar(&ndcg, "ndcg", 10, "the depth of nDCG")
	fs.IntVar(&recall, "recall", 100, "the depth of recall")
	if err := parseWithArgs(fs, args); err != nil {
		return err
	}
	if qrelsFile == "" || fs.NArg() != 1 {
		return usagef("name the run and --qrels")
	}
	if ndcg < 1 || recall < 1 {
		return usagef("--ndcg and --recall must be at least 1")
	}
	qf, err := os.Open(qrelsFile)
	if err != nil {
		return err
	}
	defer qf.Close()
	qrels, err := kbeval.ReadQrels(qf)
	if err != nil {
		return fmt.Errorf("--qrels %s: %w", qrelsFile, err)
	}
	rf, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer rf.Close()
	run, err := kbeval.ReadRun(rf)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	sc := kbeval.Evaluate(run, qrels, ndcg, recall)
	fmt.Fprintf(env.stdout, "queries %d\nndcg_cut_%d %.4f\nrecall_%d %.4f\n", sc.Queries, ndcg, sc.NDCG, recall, sc.Recall)
	return nil
}

// runKBBaseline prints the baseline's run: SQLite FTS5 bm25() over title and text.
func runKBBaseline(ctx context.Context, env *environment, args []string) error {
	var corpus, queries, tokenizer string
	var limit int
	fs := newFlags(env, "kb baseline", "--corpus CORPUS.jsonl --queries QUERIES.jsonl [--limit 100] [--tokenizer T]")
	fs.StringVar(&tokenizer, "tokenizer", "", `an FTS5 tokenizer instead of the default (unicode61), such as "porter unicode61"`)
	fs.StringVar(&corpus, "corpus", "", "the BEIR corpus.jsonl")
	fs.StringVar(&queries, "queries", "", "the BEIR queries.jsonl")
	fs.IntVar(&limit, "limit", 100, "results per query")
	if err := parse(fs, args); err != nil {
		return err
	}
	if corpus == "" || queries == "" {
		return usagef("--corpus and --queries are required")
	}
	if limit < 1 {
		return usagef("--limit must be at least 1, not %d", limit)
	}
	cf, err := os.Open(corpus)
	if err != nil {
		return err
	}
	defer cf.Close()
	qf, err := os.Open(queries)
	if err != nil {
		return err
	}
	defer qf.Close()
	dir, err := os.MkdirTemp("", "rapport-baseline-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	return kbeval.Baseline(ctx, dir, cf, qf, limit, tokenizer, out)
}
