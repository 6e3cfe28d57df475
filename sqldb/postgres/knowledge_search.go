package postgres

import (
	"fmt"
	"strings"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// IndexArticle replaces the article's postings, its length, its terms' counts of
// articles and the index's totals (see migration 0027).
func (dialect) IndexArticle(seq int64, doc *textsearch.Document) []sqldb.Statement {
	out := []sqldb.Statement{
		{Query: `UPDATE kb_search_terms SET df = df - 1 WHERE term IN (SELECT term FROM kb_search_postings WHERE seq = $1)`, Args: []any{seq}},
		{Query: `UPDATE kb_search_stats SET docs = docs - 1, tokens = tokens - d.length FROM kb_search_docs d WHERE d.seq = $1`, Args: []any{seq}},
		{Query: `DELETE FROM kb_search_postings WHERE seq = $1`, Args: []any{seq}},
		{Query: `DELETE FROM kb_search_docs WHERE seq = $1`, Args: []any{seq}},
	}
	if doc == nil {
		return append(out, sqldb.Statement{Query: `DELETE FROM kb_search_terms WHERE df <= 0`})
	}
	freqs := doc.Frequencies()
	terms := make([]string, len(freqs))
	title, key, body := make([]int32, len(freqs)), make([]int32, len(freqs)), make([]int32, len(freqs))
	for i, f := range freqs {
		terms[i], title[i], key[i], body[i] = f.Term, int32(f.Title), int32(f.KeyPoints), int32(f.Body)
	}
	return append(out,
		sqldb.Statement{Query: `INSERT INTO kb_search_docs (seq, length) VALUES ($1, $2)`, Args: []any{seq, doc.Len()}},
		sqldb.Statement{Query: `INSERT INTO kb_search_postings (term, seq, tf_title, tf_key, tf_body)
			SELECT u.term, $1, u.t, u.k, u.b FROM unnest($2::text[], $3::int[], $4::int[], $5::int[]) AS u(term, t, k, b)`,
			Args: []any{seq, terms, title, key, body}},
		sqldb.Statement{Query: `INSERT INTO kb_search_terms (term, df) SELECT unnest($1::text[]), 1
			ON CONFLICT (term) DO UPDATE SET df = kb_search_terms.df + 1`, Args: []any{terms}},
		sqldb.Statement{Query: `UPDATE kb_search_stats SET docs = docs + 1, tokens = tokens + $1`, Args: []any{doc.Len()}},
		sqldb.Statement{Query: `DELETE FROM kb_search_terms WHERE df <= 0`},
	)
}

// postings is, for each term, its postings as (i, seq, f): i the term's number in the
// query, f its frequency in the article, the fields weighted; a prefix's frequency sums
// the terms it begins.
func postings(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	f := fmt.Sprintf("%g * tf_title + %g * tf_key + %g * tf_body", sqldb.TitleWeight, sqldb.KeyPointsWeight, sqldb.BodyWeight)
	parts := make([]string, len(terms))
	for i, t := range terms {
		if t.Prefix {
			parts[i] = fmt.Sprintf("SELECT %d AS i, seq, SUM(%s) AS f FROM kb_search_postings WHERE term >= %s AND term < %s GROUP BY seq",
				i, f, q.Arg(t.Text), q.Arg(sqldb.PrefixEnd(t.Text)))
		} else {
			parts[i] = fmt.Sprintf("SELECT %d AS i, seq, %s AS f FROM kb_search_postings WHERE term = %s", i, f, q.Arg(t.Text))
		}
	}
	return strings.Join(parts, " UNION ALL ")
}

func (dialect) ArticleMatches(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	if len(terms) == 1 && !terms[0].Prefix {
		return "(SELECT seq FROM kb_search_postings WHERE term = " + q.Arg(terms[0].Text) + ")"
	}
	return "(SELECT DISTINCT seq FROM (" + postings(q, terms) + ") p)"
}

// RankArticles computes BM25 as SQLite's FTS5 bm25() does: k1 = 1.2, b = 0.75,
// IDF = ln((N − n + 0.5) / (n + 0.5)), 1e-6 where that is not above 0, the frequency
// weighted by field and the length that of the whole article.
func (dialect) RankArticles(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	return `(WITH hits AS MATERIALIZED (` + postings(q, terms) + `),
		st AS (SELECT docs::float8 AS n, CASE WHEN docs > 0 THEN tokens::float8 / docs ELSE 1 END AS avgdl FROM kb_search_stats),
		idf AS (SELECT h.i, CASE WHEN ln((st.n - COUNT(*) + 0.5) / (COUNT(*) + 0.5)) > 0
			THEN ln((st.n - COUNT(*) + 0.5) / (COUNT(*) + 0.5)) ELSE 1e-6 END AS idf FROM hits h CROSS JOIN st GROUP BY h.i, st.n)
		SELECT h.seq, SUM(idf.idf * (h.f * 2.2) / (h.f + 1.2 * (0.25 + 0.75 * d.length / st.avgdl))) AS score
		FROM hits h JOIN idf ON idf.i = h.i JOIN kb_search_docs d ON d.seq = h.seq CROSS JOIN st GROUP BY h.seq)`
}

// ArticleVocabulary reads kb_search_terms by a range of terms (byte order: COLLATE "C").
func (dialect) ArticleVocabulary(q *sqldb.Query, prefix string, minLen, maxLen int) string {
	return "SELECT term, df FROM kb_search_terms WHERE term >= " + q.Arg(prefix) + " AND term < " + q.Arg(sqldb.PrefixEnd(prefix)) +
		fmt.Sprintf(" AND df > 0 AND char_length(term) BETWEEN %d AND %d", minLen, maxLen)
}

// OptimizeArticleIndex brings the planner's statistics of the index up to date.
func (dialect) OptimizeArticleIndex() []sqldb.Statement {
	return []sqldb.Statement{{Query: `ANALYZE kb_search_postings`}, {Query: `ANALYZE kb_search_docs`}, {Query: `ANALYZE kb_search_terms`}}
}

func (dialect) ArticleTermDocs(q *sqldb.Query, terms []string) string {
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	return "SELECT term, df FROM kb_search_terms WHERE term IN " + q.In(args...)
}

func (dialect) ArticleCount() (string, func(any) (int64, error)) {
	return `SELECT docs FROM kb_search_stats WHERE id = 1`, func(src any) (int64, error) {
		n, ok := src.(int64)
		if !ok {
			return 0, fmt.Errorf("kb_search_stats.docs is a %T", src)
		}
		return n, nil
	}
}

func (dialect) SearchedArticles() string { return "kb_articles a" }
