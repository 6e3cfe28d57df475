package sqlite

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// IndexArticle replaces the article's row in the FTS5 table kb_search with its terms,
// space-separated, for FTS5 to split on the spaces, and keeps the terms' counts of
// articles in kb_search_terms: the old row's terms (letters and digits only, so they
// make a JSON array as they are) count one less, the new one's one more. Terms no
// article holds any more stay, with a count of 0.
func (dialect) IndexArticle(seq int64, doc *textsearch.Document) []sqldb.Statement {
	out := []sqldb.Statement{
		{Query: `UPDATE kb_search_terms SET df = df - 1 WHERE term IN (SELECT DISTINCT j.value FROM kb_search s,
			json_each('["' || replace(trim(s.title || ' ' || s.key_points || ' ' || s.body), ' ', '","') || '"]') j WHERE s.rowid = $1)`, Args: []any{seq}},
		{Query: `DELETE FROM kb_search WHERE rowid = $1`, Args: []any{seq}},
	}
	if doc == nil {
		return out
	}
	freqs := doc.Frequencies()
	terms := make([]string, len(freqs))
	for i, f := range freqs {
		terms[i] = f.Term
	}
	list, _ := json.Marshal(terms)
	return append(out,
		sqldb.Statement{Query: `INSERT INTO kb_search (rowid, title, key_points, body) VALUES ($1, $2, $3, $4)`,
			Args: []any{seq, strings.Join(doc.Title, " "), strings.Join(doc.KeyPoints, " "), strings.Join(doc.Body, " ")}},
		sqldb.Statement{Query: `INSERT INTO kb_search_terms (term, df) SELECT value, 1 FROM json_each($1) WHERE TRUE
			ON CONFLICT (term) DO UPDATE SET df = df + 1`, Args: []any{string(list)}},
	)
}

// match is the FTS5 query of any of the terms: "term" OR "prefix"*.
func match(terms []sqldb.SearchTerm) string { return phrases(terms, " OR ") }

func phrases(terms []sqldb.SearchTerm, op string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
		if t.Prefix {
			parts[i] += "*"
		}
		if t.TitleOnly {
			parts[i] = "title : " + parts[i]
		}
	}
	return strings.Join(parts, op)
}

// matching is the FTS5 query of the articles the terms match (sqldb.Matching);
// restricted when some terms only rank.
func matching(terms []sqldb.SearchTerm) (expr string, restricted bool) {
	all, anyOf := sqldb.Matching(terms)
	restricted = len(all)+len(anyOf) < len(terms)
	switch {
	case len(anyOf) == 0:
		return phrases(all, " AND "), restricted
	case len(all) == 0:
		return match(anyOf), restricted
	}
	return phrases(all, " AND ") + " AND (" + match(anyOf) + ")", restricted
}

func (dialect) ArticleMatches(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	expr, _ := matching(terms)
	return "(SELECT rowid AS seq FROM kb_search WHERE kb_search MATCH " + q.Arg(expr) + ")"
}

// RankArticles ranks with FTS5's own bm25(), the fields weighted. With common terms,
// bm25() runs over all the terms but only on the articles the others match: the +
// keeps SQLite from looking each of those up in the index one by one, which would make
// FTS5 count every term's articles again for each.
func (dialect) RankArticles(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	bm25 := fmt.Sprintf("-bm25(kb_search, %g, %g, %g)", sqldb.TitleWeight, sqldb.KeyPointsWeight, sqldb.BodyWeight)
	expr, restricted := matching(terms)
	if !restricted {
		return "(SELECT rowid AS seq, " + bm25 + " AS score FROM kb_search WHERE kb_search MATCH " + q.Arg(expr) + ")"
	}
	return "(SELECT rowid AS seq, " + bm25 + " AS score FROM kb_search WHERE kb_search MATCH " + q.Arg(match(terms)) +
		" AND +rowid IN (SELECT rowid FROM kb_search WHERE kb_search MATCH " + q.Arg(expr) + "))"
}

// ArticleVocabulary reads kb_search_terms by a range of terms.
func (dialect) ArticleVocabulary(q *sqldb.Query, prefix string, minLen, maxLen int) string {
	return "SELECT term, df FROM kb_search_terms WHERE term >= " + q.Arg(prefix) + " AND term < " + q.Arg(sqldb.PrefixEnd(prefix)) +
		fmt.Sprintf(" AND df > 0 AND length(term) BETWEEN %d AND %d", minLen, maxLen)
}

// OptimizeArticleIndex merges the FTS5 index's segments into one.
func (dialect) OptimizeArticleIndex() []sqldb.Statement {
	return []sqldb.Statement{{Query: `INSERT INTO kb_search (kb_search) VALUES ('optimize')`}}
}

func (dialect) ArticleTermDocs(q *sqldb.Query, terms []string) string {
	args := make([]any, len(terms))
	for i, t := range terms {
		args[i] = t
	}
	return "SELECT term, df FROM kb_search_terms WHERE term IN " + q.In(args...)
}

// ArticleCount reads the number of rows from FTS5's averages record (the block of id 1
// of kb_search_data), where FTS5 keeps it for bm25(): a varint, then one per column.
func (dialect) ArticleCount() (string, func(any) (int64, error)) {
	return `SELECT block FROM kb_search_data WHERE id = 1`, func(src any) (int64, error) {
		b, ok := src.([]byte)
		if !ok {
			return 0, fmt.Errorf("the FTS5 averages record is a %T", src)
		}
		return int64(varint(b)), nil
	}
}

// varint decodes SQLite's variable-length integer: big-endian groups of 7 bits, the
// high bit set on all but the last, the ninth byte whole.
func varint(b []byte) uint64 {
	var v uint64
	for i := 0; i < len(b) && i < 9; i++ {
		if i == 8 {
			return v<<8 | uint64(b[i])
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v
		}
	}
	return v
}

// SearchedArticles names the index: SQLite would otherwise look each match up by rowid
// in the table, whose rows hold whole bodies, reading a page or more per article.
func (dialect) SearchedArticles() string { return "kb_articles a INDEXED BY kb_articles_search" }

func (dialect) IndexNewArticles(seqs []int64, docs []textsearch.Document) []sqldb.Statement {
	var out []sqldb.Statement
	df := map[string]int{}
	var order []string
	for i, doc := range docs {
		out = append(out, sqldb.Statement{Query: `INSERT INTO kb_search (rowid, title, key_points, body) VALUES ($1, $2, $3, $4)`,
			Args: []any{seqs[i], strings.Join(doc.Title, " "), strings.Join(doc.KeyPoints, " "), strings.Join(doc.Body, " ")}})
		for _, f := range doc.Frequencies() {
			if df[f.Term] == 0 {
				order = append(order, f.Term)
			}
			df[f.Term]++
		}
	}
	pairs := make([][2]any, len(order))
	for i, t := range order {
		pairs[i] = [2]any{t, df[t]}
	}
	list, _ := json.Marshal(pairs)
	return append(out, sqldb.Statement{Query: `INSERT INTO kb_search_terms (term, df)
		SELECT value ->> 0, value ->> 1 FROM json_each($1) WHERE TRUE
		ON CONFLICT (term) DO UPDATE SET df = df + excluded.df`, Args: []any{string(list)}})
}
