package postgres

import (
	"fmt"
	"strings"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// IndexArticle replaces the article's postings, its length, its terms' counts of
// articles and the index's totals (see migration 0027). Terms no article holds any
// more stay, with a count of 0.
func (dialect) IndexArticle(seq int64, doc *textsearch.Document) []sqldb.Statement {
	out := []sqldb.Statement{
		{Query: `UPDATE kb_search_terms SET df = df - 1 WHERE term IN (SELECT term FROM kb_search_postings WHERE seq = $1)`, Args: []any{seq}},
		{Query: `UPDATE kb_search_stats SET docs = docs - 1, tokens = tokens - d.length FROM kb_search_docs d WHERE d.seq = $1`, Args: []any{seq}},
		{Query: `DELETE FROM kb_search_postings WHERE seq = $1`, Args: []any{seq}},
		{Query: `DELETE FROM kb_search_docs WHERE seq = $1`, Args: []any{seq}},
	}
	if doc == nil {
		return out
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
	)
}

// postings is, for each term, its postings as (i, seq, f): i the term's number in the
// query, f its frequency in the article, the fields weighted; a prefix's frequency sums
// the terms it begins.
func postings(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		f := fmt.Sprintf("%g * tf_title + %g * tf_key + %g * tf_body", sqldb.TitleWeight, sqldb.KeyPointsWeight, sqldb.BodyWeight)
		if t.TitleOnly {
			f = fmt.Sprintf("%g * tf_title", sqldb.TitleWeight)
		}
		parts[i] = fmt.Sprintf("SELECT %d AS i, seq, SUM(%s) AS f FROM kb_search_postings WHERE %s GROUP BY seq", i, f, termIs(q, t))
	}
	return strings.Join(parts, " UNION ALL ")
}

// termIs is the condition on a posting that it is of the term.
func termIs(q *sqldb.Query, t sqldb.SearchTerm) string {
	var cond string
	if t.Prefix {
		cond = "term >= " + q.Arg(t.Text) + " AND term < " + q.Arg(sqldb.PrefixEnd(t.Text))
	} else {
		cond = "term = " + q.Arg(t.Text)
	}
	if t.TitleOnly {
		cond += " AND tf_title > 0"
	}
	return cond
}

// matching is a query of the seq of the articles the terms match (sqldb.Matching);
// restricted when some terms only rank.
func matching(q *sqldb.Query, terms []sqldb.SearchTerm) (query string, restricted bool) {
	all, anyOf := sqldb.Matching(terms)
	restricted = len(all)+len(anyOf) < len(terms)
	var sets []string
	for _, t := range all {
		sets = append(sets, "SELECT seq FROM kb_search_postings WHERE "+termIs(q, t))
	}
	switch {
	case len(anyOf) == 1 && !anyOf[0].Prefix:
		sets = append(sets, "SELECT seq FROM kb_search_postings WHERE "+termIs(q, anyOf[0]))
	case len(anyOf) > 0:
		sets = append(sets, "SELECT DISTINCT seq FROM ("+postings(q, anyOf)+") p")
	}
	return strings.Join(sets, " INTERSECT "), restricted
}

func (dialect) ArticleMatches(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	query, _ := matching(q, terms)
	return "(" + query + ")"
}

// RankArticles computes BM25 as SQLite's FTS5 bm25() does: k1 = 1.2, b = 0.75,
// IDF = ln((N − n + 0.5) / (n + 0.5)), 1e-6 where that is not above 0, the frequency
// weighted by field and the length that of the whole article; over all the terms, for
// the articles the terms match. n is a whole term's count in kb_search_terms, a
// prefix's the articles holding a term it begins (in their titles, for a term counted
// only there, as FTS5 counts a phrase limited to a column). The arithmetic is FTS5's,
// step by step and term by term in the query's order, so that the scores are the same
// to the last bit and ties fall the same way.
func (dialect) RankArticles(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	cand, restricted := matching(q, terms)
	hits := postings(q, terms)
	if restricted {
		hits = "SELECT p.* FROM (" + hits + ") p WHERE p.seq IN (SELECT seq FROM cand)"
	} else {
		hits = "SELECT p.* FROM (" + hits + ") p JOIN cand c ON c.seq = p.seq"
	}
	dfs := make([]string, len(terms))
	for i, t := range terms {
		if t.Prefix || t.TitleOnly {
			dfs[i] = fmt.Sprintf("(%d, (SELECT COUNT(DISTINCT seq) FROM kb_search_postings WHERE %s))", i, termIs(q, t))
		} else {
			dfs[i] = fmt.Sprintf("(%d, COALESCE((SELECT df FROM kb_search_terms WHERE term = %s), 0))", i, q.Arg(t.Text))
		}
	}
	return `(WITH cand AS MATERIALIZED (` + cand + `),
		hits AS MATERIALIZED (` + hits + `),
		df (i, n) AS (VALUES ` + strings.Join(dfs, ", ") + `),
		st AS (SELECT docs::float8 AS n, CASE WHEN docs > 0 THEN tokens::float8 / docs ELSE 1 END AS avgdl FROM kb_search_stats),
		idf AS (SELECT df.i, CASE WHEN ln((st.n - df.n + 0.5) / (df.n + 0.5)) > 0
			THEN ln((st.n - df.n + 0.5) / (df.n + 0.5)) ELSE 1e-6 END AS idf FROM df CROSS JOIN st)
		SELECT h.seq, SUM(idf.idf * ((h.f * (1.2::float8 + 1.0::float8)) / (h.f + 1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * d.length / st.avgdl)))
			ORDER BY h.i) AS score
		FROM hits h JOIN idf ON idf.i = h.i JOIN kb_search_docs d ON d.seq = h.seq CROSS JOIN st GROUP BY h.seq)`
}

// ArticleVocabulary reads kb_search_terms by a range of terms (byte order: COLLATE "C").
func (dialect) ArticleVocabulary(q *sqldb.Query, prefix string, minLen, maxLen int) string {
	return "SELECT term, df FROM kb_search_terms WHERE term >= " + q.Arg(prefix) + " AND term < " + q.Arg(sqldb.PrefixEnd(prefix)) +
		fmt.Sprintf(" AND df > 0 AND char_length(term) BETWEEN %d AND %d", minLen, maxLen)
}

// OptimizeArticleIndex marks the pages of the index all-visible, for index-only scans,
// and brings the planner's statistics up to date.
func (dialect) OptimizeArticleIndex() []sqldb.Statement {
	return []sqldb.Statement{{Query: `VACUUM (ANALYZE) kb_search_postings`}, {Query: `VACUUM (ANALYZE) kb_search_docs`},
		{Query: `VACUUM (ANALYZE) kb_search_terms`}, {Query: `ANALYZE kb_articles`}}
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

// IndexNewArticles writes the postings and lengths of all the articles in one statement
// each, and each term's count and the totals once: updating a row many times in one
// transaction leaves PostgreSQL a chain of versions to walk on every update.
func (dialect) IndexNewArticles(seqs []int64, docs []textsearch.Document) []sqldb.Statement {
	var pSeq []int64
	var pTerm []string
	var pT, pK, pB []int32
	lengths := make([]int32, len(docs))
	df := map[string]int32{}
	var order []string
	tokens := 0
	for i, doc := range docs {
		lengths[i] = int32(doc.Len())
		tokens += doc.Len()
		for _, f := range doc.Frequencies() {
			pSeq, pTerm = append(pSeq, seqs[i]), append(pTerm, f.Term)
			pT, pK, pB = append(pT, int32(f.Title)), append(pK, int32(f.KeyPoints)), append(pB, int32(f.Body))
			if df[f.Term] == 0 {
				order = append(order, f.Term)
			}
			df[f.Term]++
		}
	}
	counts := make([]int32, len(order))
	for i, t := range order {
		counts[i] = df[t]
	}
	return []sqldb.Statement{
		{Query: `INSERT INTO kb_search_docs (seq, length) SELECT * FROM unnest($1::bigint[], $2::int[])`, Args: []any{seqs, lengths}},
		{Query: `INSERT INTO kb_search_postings (term, seq, tf_title, tf_key, tf_body)
			SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::int[], $5::int[])`, Args: []any{pTerm, pSeq, pT, pK, pB}},
		{Query: `INSERT INTO kb_search_terms (term, df) SELECT * FROM unnest($1::text[], $2::int[])
			ON CONFLICT (term) DO UPDATE SET df = kb_search_terms.df + excluded.df`, Args: []any{order, counts}},
		{Query: `UPDATE kb_search_stats SET docs = docs + $1, tokens = tokens + $2`, Args: []any{len(docs), tokens}},
	}
}
