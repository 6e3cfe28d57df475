package kbeval

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode"

	_ "modernc.org/sqlite" // the baseline's FTS5
)

// Baseline is the run Rapport's search is compared with: plain BM25 as SQLite's FTS5
// computes it over the title and the text of each document, with FTS5's default
// tokenizer (unicode61: lower case, no accents, no stemming, no stop words), both
// columns weighted alike, each query the OR of its words. It builds its index in a
// fresh SQLite file in dir.
//
// tokenizer replaces FTS5's default (such as "porter unicode61", to check the
// evaluation against published runs of FTS5 with stemming).
func Baseline(ctx context.Context, dir string, corpus, queries io.Reader, limit int, tokenizer string, out io.Writer) error {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "baseline.db")+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	create := `CREATE VIRTUAL TABLE docs USING fts5 (id UNINDEXED, title, text)`
	if tokenizer != "" {
		create = `CREATE VIRTUAL TABLE docs USING fts5 (id UNINDEXED, title, text, tokenize = '` + strings.ReplaceAll(tokenizer, "'", "''") + `')`
	}
	if _, err := db.ExecContext(ctx, create); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insert, err := tx.PrepareContext(ctx, `INSERT INTO docs (id, title, text) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	if err := ReadJSONL(corpus, func(d Doc) error {
		_, err := insert.ExecContext(ctx, d.ID, d.Title, d.Text)
		return err
	}); err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	search, err := db.PrepareContext(ctx, `SELECT id, -bm25(docs) FROM docs WHERE docs MATCH ? ORDER BY bm25(docs), id LIMIT ?`)
	if err != nil {
		return err
	}
	return ReadJSONL(queries, func(q Query) error {
		words := strings.FieldsFunc(q.Text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if len(words) == 0 {
			return nil
		}
		for i, w := range words {
			words[i] = `"` + w + `"`
		}
		rows, err := search.QueryContext(ctx, strings.Join(words, " OR "), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		var hits []Hit
		for rows.Next() {
			var h Hit
			if err := rows.Scan(&h.Doc, &h.Score); err != nil {
				return err
			}
			hits = append(hits, h)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return WriteRun(out, q.ID, hits, "fts5-bm25")
	})
}
