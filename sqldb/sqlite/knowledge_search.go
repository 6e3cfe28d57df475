package sqlite

import (
	"fmt"
	"strings"

	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/textsearch"
)

// IndexArticle replaces the article's row in the FTS5 table kb_search with its terms,
// space-separated, for FTS5 to split on the spaces.
func (dialect) IndexArticle(seq int64, doc *textsearch.Document) []sqldb.Statement {
	out := []sqldb.Statement{{Query: `DELETE FROM kb_search WHERE rowid = $1`, Args: []any{seq}}}
	if doc != nil {
		out = append(out, sqldb.Statement{Query: `INSERT INTO kb_search (rowid, title, key_points, body) VALUES ($1, $2, $3, $4)`,
			Args: []any{seq, strings.Join(doc.Title, " "), strings.Join(doc.KeyPoints, " "), strings.Join(doc.Body, " ")}})
	}
	return out
}

// match is the FTS5 query of any of the terms: "term" OR "prefix"*.
func match(terms []sqldb.SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
		if t.Prefix {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " OR ")
}

func (dialect) ArticleMatches(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	return "(SELECT rowid AS seq FROM kb_search WHERE kb_search MATCH " + q.Arg(match(terms)) + ")"
}

// RankArticles ranks with FTS5's own bm25(), the fields weighted.
func (dialect) RankArticles(q *sqldb.Query, terms []sqldb.SearchTerm) string {
	return fmt.Sprintf("(SELECT rowid AS seq, -bm25(kb_search, %g, %g, %g) AS score FROM kb_search WHERE kb_search MATCH %s)",
		sqldb.TitleWeight, sqldb.KeyPointsWeight, sqldb.BodyWeight, q.Arg(match(terms)))
}

// ArticleVocabulary reads the fts5vocab table over kb_search, by a range of terms.
func (dialect) ArticleVocabulary(q *sqldb.Query, prefix string, minLen, maxLen int) string {
	return "SELECT term, doc FROM kb_search_vocab WHERE term >= " + q.Arg(prefix) + " AND term < " + q.Arg(sqldb.PrefixEnd(prefix)) +
		fmt.Sprintf(" AND length(term) BETWEEN %d AND %d", minLen, maxLen)
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
	return "SELECT term, doc FROM kb_search_vocab WHERE term IN " + q.In(args...)
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
