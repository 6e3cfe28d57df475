package sqldb

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/fold"
	"github.com/rapportckm/rapport/textsearch"
	"github.com/rapportckm/rapport/thousands"
)

// ImportedArticle is an article loaded from a collection, such as a BEIR corpus: it is
// published for the public at once, and keeps the id it had there.
type ImportedArticle struct {
	ExternalID string
	Title      string
	Body       string
	CategoryID rapport.ID // optional
	Products   []string   // optional
}

// ImportArticles writes a batch of articles in one transaction, each as version 1,
// published and public, indexed for search. Articles whose external id is in the
// database already are left as they are. It returns how many were written.
func (db *DB) ImportArticles(ctx context.Context, s rapport.Scope, list []ImportedArticle) (int, error) {
	if err := rapport.Require(s.CanPublish(), "import articles"); err != nil {
		return 0, err
	}
	written := 0
	err := db.update(ctx, s, func(tx *Tx) error {
		var seqs []int64
		var docs []textsearch.Document
		for i, in := range list {
			in.ExternalID = strings.TrimSpace(in.ExternalID)
			if in.ExternalID == "" || len(in.ExternalID) > 200 || !utf8.ValidString(in.ExternalID) {
				return rapport.FieldError("_id", "article %d: the id must be 1 to 200 bytes of UTF-8", i+1)
			}
			title := cut(strings.Join(strings.Fields(strings.ToValidUTF8(in.Title, " ")), " "), rapport.MaxArticleTitle)
			if title == "" {
				title = cut(in.ExternalID, rapport.MaxArticleTitle)
			}
			body := cut(strings.ToValidUTF8(in.Body, " "), rapport.MaxArticleBody)
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM kb_articles WHERE external_id = $1`, in.ExternalID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			slug, err := tx.freeSlug(slugOf(in.ExternalID))
			if err != nil {
				return err
			}
			id := rapport.NewID()
			var seq int64
			if err := tx.queryRow(`INSERT INTO kb_articles (id, slug, title, key_points, body, audience, status, version, published_version,
				owner_id, published_at, created_at, updated_at, external_id) VALUES ($1, $2, $3, '', $4, 'public', 'published', 1, 1, $5, $6, $6, $6, $7)
				RETURNING seq`, id, slug, title, body, s.UserID, tx.now, in.ExternalID).Scan(&seq); err != nil {
				return err
			}
			if _, err := tx.exec(`INSERT INTO kb_article_versions (article_id, version, title, key_points, body, note, author_id, created_at)
				VALUES ($1, 1, $2, '', $3, $4, $5, $6)`, id, title, body, "imported as "+in.ExternalID, s.UserID, tx.now); err != nil {
				return err
			}
			if !in.CategoryID.IsZero() {
				if _, err := tx.exec(`UPDATE kb_articles SET category_id = $2 WHERE seq = $1`, seq, in.CategoryID); err != nil {
					return err
				}
			}
			for _, p := range in.Products {
				if _, err := tx.exec(`INSERT INTO kb_article_products (article_id, product) VALUES ($1, $2) ON CONFLICT DO NOTHING`, id, p); err != nil {
					return err
				}
			}
			seqs = append(seqs, seq)
			docs = append(docs, textsearch.Analyze(title, "", body))
			written++
		}
		if len(seqs) > 0 {
			for _, st := range tx.db.dialect.IndexNewArticles(seqs, docs) {
				if _, err := tx.exec(st.Query, st.Args...); err != nil {
					return fmt.Errorf("index the articles: %w", err)
				}
			}
			q := &Query{}
			if _, err := tx.exec(`UPDATE kb_articles SET search_version = `+q.Arg(textsearch.Version)+` WHERE seq IN `+q.In(anySlice(seqs)...), q.Args()...); err != nil {
				return err
			}
		}
		return tx.audit("import", "article", rapport.ID{}, rapport.ID{}, false, thousands.Count(written, "article"))
	})
	if err != nil {
		return 0, err
	}
	return written, nil
}

// slugOf makes a slug of an external id: its folded words joined by hyphens.
func slugOf(externalID string) string {
	s := strings.Join(fold.Words(externalID), "-")
	if len(s) > 100 {
		s = strings.TrimRight(s[:100], "-")
	}
	if s == "" || !isSlug(s) {
		return "article"
	}
	return s
}

func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// ArticleExternalIDs returns the external ids of the articles that have one.
func (db *DB) ArticleExternalIDs(ctx context.Context, s rapport.Scope, ids []rapport.ID) (map[rapport.ID]string, error) {
	out := map[rapport.ID]string{}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		rows, err := queryAll(tx, `SELECT a.id, a.external_id FROM kb_articles a WHERE a.external_id IS NOT NULL AND a.id IN `+q.In(anySlice(ids)...)+
			` AND `+visibleArticle(q, tx.scope, "a"), q.Args(), func(r Scanner) (struct {
			id  rapport.ID
			ext string
		}, error) {
			var x struct {
				id  rapport.ID
				ext string
			}
			return x, r.Scan(&x.id, &x.ext)
		})
		for _, r := range rows {
			out[r.id] = r.ext
		}
		return err
	})
	return out, err
}

// OptimizeArticleIndex tidies the search index after a bulk load, for faster searches.
func (db *DB) OptimizeArticleIndex(ctx context.Context) error {
	for _, st := range db.dialect.OptimizeArticleIndex() {
		if _, err := db.write.ExecContext(ctx, st.Query, st.Args...); err != nil {
			return db.translate(err)
		}
	}
	return nil
}
