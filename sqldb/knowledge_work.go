package sqldb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

var _ rapport.KnowledgeWork = (*DB)(nil)

// ChangeArticleStatus takes a workflow step if the article's status allows it and
// the scope may take it.
func (db *DB) ChangeArticleStatus(ctx context.Context, s rapport.Scope, id rapport.ID, t rapport.ArticleTransition) (*rapport.Article, error) {
	if err := rapport.Require(s.IsStaff(), "change articles"); err != nil {
		return nil, err
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if t.Step.PublisherOnly() {
		if err := rapport.Require(s.CanPublish(), "publish, archive or unarchive articles; ask a knowledge manager"); err != nil {
			return nil, err
		}
	}
	var a *rapport.Article
	err := db.update(ctx, s, func(tx *Tx) error {
		// Locked first, so that of two steps taken at once the second sees the first.
		if err := tx.lockRows("kb_articles", id); err != nil {
			return err
		}
		old, err := tx.findArticle(id.String())
		if err != nil {
			return err
		}
		// Authors submit and withdraw; a reviewer who writes no articles may still
		// send a version back to its author.
		if !s.CanWriteArticles() && !(t.Step == rapport.StepWithdraw && tx.isReviewer(id)) {
			return rapport.Require(false, "change articles")
		}
		if !t.Step.From(old.Status) {
			state := string(old.Status)
			if old.Status == rapport.ArticleReview {
				state = "in review"
			}
			return rapport.Errorf(rapport.ECONFLICT, "the article is %s, so it cannot take the step %q; reload the page to see its state", state, t.Step)
		}
		var to rapport.ArticleStatus
		switch t.Step {
		case rapport.StepSubmit:
			if err := tx.setReviewers(id, t.Reviewers); err != nil {
				return err
			}
			to = rapport.ArticleReview
		case rapport.StepWithdraw:
			to = rapport.ArticleDraft
		case rapport.StepPublish:
			if err := tx.publishArticle(id, old.Version); err != nil {
				return err
			}
			to = rapport.ArticlePublished
		case rapport.StepArchive:
			to = rapport.ArticleArchived
		case rapport.StepUnarchive:
			to = rapport.ArticleDraft
			if old.PublishedVersion == old.Version {
				to = rapport.ArticlePublished
			}
		}
		if _, err := tx.exec(`UPDATE kb_articles SET status = $2, updated_at = $3 WHERE id = $1`, id, to, tx.now); err != nil {
			return err
		}
		if err := tx.articleEvent(id, t.Step, old.Status, to, old.Version, t.Note); err != nil {
			return err
		}
		if err := tx.audit(string(t.Step), "article", id, rapport.ID{}, false, fmt.Sprintf("%s, version %d: %s → %s", old.Title, old.Version, old.Status, to)); err != nil {
			return err
		}
		a, err = tx.findArticle(id.String())
		return err
	})
	return a, err
}

// articleEvent records a workflow step in the article's history.
func (tx *Tx) articleEvent(id rapport.ID, step rapport.ArticleStep, from, to rapport.ArticleStatus, version int, note string) error {
	_, err := tx.exec(`INSERT INTO kb_article_events (id, article_id, step, from_status, to_status, version, note, user_id, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, rapport.NewID(), id, step, from, to, version, note, tx.scope.UserID, tx.now)
	return err
}

// setReviewers replaces an article's reviewers with active staff users.
func (tx *Tx) setReviewers(id rapport.ID, reviewers []rapport.ID) error {
	reviewers = uniqueIDs(reviewers)
	q := &Query{}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM users WHERE active AND id IN `+q.In(anySlice(reviewers)...), q.Args()...).Scan(&n); err != nil {
		return err
	}
	if n != len(reviewers) {
		return rapport.FieldError("reviewers", "a reviewer chosen is not an active staff user")
	}
	if _, err := tx.exec(`DELETE FROM kb_article_reviewers WHERE article_id = $1`, id); err != nil {
		return err
	}
	for _, u := range reviewers {
		if _, err := tx.exec(`INSERT INTO kb_article_reviewers (article_id, user_id) VALUES ($1, $2)`, id, u); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) isReviewer(id rapport.ID) bool {
	var n int
	err := tx.queryRow(`SELECT COUNT(*) FROM kb_article_reviewers WHERE article_id = $1 AND user_id = $2`, id, tx.scope.UserID).Scan(&n)
	return err == nil && n > 0
}

// ArticleWork returns an article's versions (without their bodies), steps and reviewers.
func (db *DB) ArticleWork(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.ArticleWork, error) {
	if err := rapport.Require(s.IsStaff(), "see the history of articles"); err != nil {
		return nil, err
	}
	w := &rapport.ArticleWork{}
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findArticle(id.String()); err != nil {
			return err
		}
		var err error
		if w.Versions, err = tx.articleVersions(id, 0); err != nil {
			return err
		}
		w.Events, err = queryAll(tx, `SELECT e.step, e.from_status, e.to_status, e.version, e.note, e.user_id, COALESCE(u.name, ''), e.at
			FROM kb_article_events e LEFT JOIN users u ON u.id = e.user_id WHERE e.article_id = $1 ORDER BY e.at DESC, e.id DESC`,
			[]any{id}, func(rows Scanner) (rapport.ArticleEvent, error) {
				var e rapport.ArticleEvent
				err := rows.Scan(&e.Step, &e.From, &e.To, &e.Version, &e.Note, &e.UserID, &e.UserName, &e.At)
				return e, err
			})
		if err != nil {
			return err
		}
		w.Reviewers, err = queryAll(tx, `SELECT u.id, u.name, u.email FROM kb_article_reviewers r JOIN users u ON u.id = r.user_id
			WHERE r.article_id = $1 ORDER BY u.name`, []any{id}, func(rows Scanner) (rapport.UserRef, error) {
			var u rapport.UserRef
			err := rows.Scan(&u.ID, &u.Name, &u.Email)
			return u, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	if w.Events == nil {
		w.Events = []rapport.ArticleEvent{}
	}
	if w.Reviewers == nil {
		w.Reviewers = []rapport.UserRef{}
	}
	return w, nil
}

// articleVersions reads an article's versions, newest first: all without their bodies
// when version is 0, else that one with its body.
func (tx *Tx) articleVersions(id rapport.ID, version int) ([]rapport.ArticleVersion, error) {
	body, where, args := `''`, ``, []any{id}
	if version > 0 {
		body, where, args = `v.body`, ` AND v.version = $2`, append(args, version)
	}
	return queryAll(tx, `SELECT v.article_id, v.version, v.title, v.key_points, `+body+`, v.category_id, v.tags, v.products, v.note,
		v.author_id, COALESCE(u.name, ''), v.created_at, v.version = a.published_version
		FROM kb_article_versions v JOIN kb_articles a ON a.id = v.article_id LEFT JOIN users u ON u.id = v.author_id
		WHERE v.article_id = $1`+where+` ORDER BY v.version DESC`, args, func(rows Scanner) (rapport.ArticleVersion, error) {
		var v rapport.ArticleVersion
		var tags, products string
		err := rows.Scan(&v.ArticleID, &v.Version, &v.Title, &v.KeyPoints, &v.Body, &v.CategoryID, &tags, &products, &v.Note,
			&v.AuthorID, &v.AuthorName, &v.CreatedAt, &v.Published)
		if err == nil {
			err = json.Unmarshal([]byte(tags), &v.Tags)
		}
		if err == nil {
			err = json.Unmarshal([]byte(products), &v.Products)
		}
		return v, err
	})
}

func (db *DB) FindArticleVersion(ctx context.Context, s rapport.Scope, id rapport.ID, version int) (*rapport.ArticleVersion, error) {
	if err := rapport.Require(s.IsStaff(), "see the history of articles"); err != nil {
		return nil, err
	}
	var v *rapport.ArticleVersion
	err := db.view(ctx, s, func(tx *Tx) error {
		if version <= 0 {
			return rapport.NotFound("article version")
		}
		list, err := tx.articleVersions(id, version)
		if err != nil {
			return err
		} else if len(list) == 0 {
			return rapport.NotFound("article version")
		}
		v = &list[0]
		return nil
	})
	return v, err
}

// RestoreArticleVersion saves an old version's content as a new draft; who may read
// the article, its owner and review-by date stay as they are.
func (db *DB) RestoreArticleVersion(ctx context.Context, s rapport.Scope, id rapport.ID, version int, note string) (*rapport.Article, error) {
	old, err := db.FindArticleVersion(ctx, s, id, version)
	if err != nil {
		return nil, err
	}
	a, err := db.FindArticle(ctx, s, id.String())
	if err != nil {
		return nil, err
	}
	if note == "" {
		note = fmt.Sprintf("Restored version %d", version)
	}
	return db.SaveArticle(ctx, s, id, rapport.ArticleInput{
		Slug: a.Slug, Title: old.Title, KeyPoints: old.KeyPoints, Body: old.Body, CategoryID: old.CategoryID,
		Tags: old.Tags, Products: old.Products, Audience: a.Audience, Customers: a.Customers, Segments: a.Segments,
		OwnerID: a.OwnerID, ReviewBy: a.ReviewBy, Note: note,
	})
}

func (db *DB) CountArticles(ctx context.Context, s rapport.Scope) (*rapport.ArticleCounts, error) {
	if err := rapport.Require(s.IsStaff(), "count articles"); err != nil {
		return nil, err
	}
	c := &rapport.ArticleCounts{ByStatus: map[rapport.ArticleStatus]int{}}
	err := db.view(ctx, s, func(tx *Tx) error {
		type row struct {
			status rapport.ArticleStatus
			n      int
		}
		rows, err := queryAll(tx, `SELECT status, COUNT(*) FROM kb_articles GROUP BY status`, nil, func(rows Scanner) (row, error) {
			var r row
			err := rows.Scan(&r.status, &r.n)
			return r, err
		})
		if err != nil {
			return err
		}
		for _, r := range rows {
			c.ByStatus[r.status] = r.n
			c.Total += r.n
		}
		return tx.queryRow(`SELECT
			(SELECT COUNT(*) FROM kb_articles WHERE owner_id = $1 AND review_by < $2 AND status <> 'archived'),
			(SELECT COUNT(*) FROM kb_articles a JOIN kb_article_reviewers r ON r.article_id = a.id WHERE r.user_id = $1 AND a.status = 'review')`,
			s.UserID, tx.now).Scan(&c.Overdue, &c.ToReview)
	})
	return c, err
}

// Categories.

// categorySlugField is the field a clash of c's slug is about: the slug, or the name it
// is made from when c has none of its own.
func categorySlugField(c rapport.Category) string {
	if c.Slug == "" {
		return "name"
	}
	return "slug"
}

// slugTaken says which slug a conflict of a category's statement is about.
func (tx *Tx) slugTaken(err error, field, slug string) error {
	if field == "name" {
		return tx.taken(err, field, "there is a category with the slug %q, which this name makes, already: give this category another name, or a slug of its own", slug)
	}
	return tx.taken(err, field, "there is a category with the slug %q already", slug)
}

func (db *DB) UpdateCategory(ctx context.Context, s rapport.Scope, c rapport.Category) (*rapport.Category, error) {
	if err := rapport.Require(s.CanPublish(), "change the knowledge base's categories"); err != nil {
		return nil, err
	}
	field := categorySlugField(c)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		parents := map[rapport.ID]rapport.ID{}
		type node struct{ id, parent rapport.ID }
		all, err := queryAll(tx, `SELECT id, parent_id FROM kb_categories`, nil, func(rows Scanner) (node, error) {
			var n node
			err := rows.Scan(&n.id, &n.parent)
			return n, err
		})
		if err != nil {
			return err
		}
		for _, n := range all {
			parents[n.id] = n.parent
		}
		if _, ok := parents[c.ID]; !ok {
			return rapport.NotFound("category")
		}
		if !c.ParentID.IsZero() {
			if _, ok := parents[c.ParentID]; !ok {
				return rapport.FieldError("parent_id", "the parent category does not exist")
			}
			for p := c.ParentID; !p.IsZero(); p = parents[p] {
				if p == c.ID {
					return rapport.FieldError("parent_id", "a category cannot move into itself or one of its own subcategories")
				}
			}
		}
		if _, err := tx.exec(`UPDATE kb_categories SET parent_id = $2, name = $3, slug = $4, description = $5, position = $6 WHERE id = $1`,
			c.ID, c.ParentID, c.Name, c.Slug, c.Description, c.Position); err != nil {
			return tx.slugTaken(err, field, c.Slug)
		}
		if err := tx.queryRow(`SELECT created_at FROM kb_categories WHERE id = $1`, c.ID).Scan(&c.CreatedAt); err != nil {
			return err
		}
		return tx.audit("update", "category", c.ID, rapport.ID{}, false, c.Name)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// MoveCategory swaps a category with its neighbour among its siblings and numbers the
// siblings' positions afresh.
func (db *DB) MoveCategory(ctx context.Context, s rapport.Scope, id rapport.ID, delta int) error {
	if err := rapport.Require(s.CanPublish(), "change the knowledge base's categories"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var parent rapport.ID
		if err := tx.queryRow(`SELECT parent_id FROM kb_categories WHERE id = $1`, id).Scan(&parent); err != nil {
			return notFound(err, "category")
		}
		q := &Query{}
		cond := `parent_id IS NULL`
		if !parent.IsZero() {
			cond = `parent_id = ` + q.Arg(parent)
		}
		siblings, err := queryAll(tx, `SELECT id FROM kb_categories WHERE `+cond+` ORDER BY position, name`, q.Args(), func(rows Scanner) (rapport.ID, error) {
			var id rapport.ID
			err := rows.Scan(&id)
			return id, err
		})
		if err != nil {
			return err
		}
		for i, sib := range siblings {
			j := i + 1
			if delta < 0 {
				j = i - 1
			}
			if sib == id && j >= 0 && j < len(siblings) {
				siblings[i], siblings[j] = siblings[j], siblings[i]
				break
			}
		}
		for i, sib := range siblings {
			if _, err := tx.exec(`UPDATE kb_categories SET position = $2 WHERE id = $1`, sib, i); err != nil {
				return err
			}
		}
		return tx.audit("move", "category", id, rapport.ID{}, false, "")
	})
}

func (db *DB) DeleteCategory(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanPublish(), "change the knowledge base's categories"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var name string
		var articles, children int
		err := tx.queryRow(`SELECT name, (SELECT COUNT(*) FROM kb_articles WHERE category_id = c.id),
			(SELECT COUNT(*) FROM kb_categories WHERE parent_id = c.id) FROM kb_categories c WHERE c.id = $1`, id).Scan(&name, &articles, &children)
		if err != nil {
			return notFound(err, "category")
		}
		if articles+children > 0 {
			return rapport.Errorf(rapport.ECONFLICT, "%s holds %s and %s; move them elsewhere before deleting it", name, thousands.Count(articles, "article"), thousands.Count(children, "subcategory"))
		}
		if _, err := tx.exec(`DELETE FROM kb_categories WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "category", id, rapport.ID{}, false, name)
	})
}

// Files.

const articleFileColumns = `f.id, f.article_id, f.name, f.content_type, f.size, f.sha256, f.storage_key, f.added_by, f.created_at`

func scanArticleFile(rows Scanner) (*rapport.ArticleFile, error) {
	f := &rapport.ArticleFile{}
	err := rows.Scan(&f.ID, &f.ArticleID, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.StorageKey, &f.AddedBy, &f.CreatedAt)
	return f, err
}

func (db *DB) CreateArticleFile(ctx context.Context, s rapport.Scope, f *rapport.ArticleFile) error {
	if err := rapport.Require(s.CanWriteArticles(), "add files to articles"); err != nil {
		return err
	}
	if err := f.Attachment().Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		a, err := tx.findArticle(f.ArticleID.String())
		if err != nil {
			return err
		}
		f.ID, f.CreatedAt, f.AddedBy = rapport.NewID(), tx.now, s.UserID
		if _, err := tx.exec(`INSERT INTO kb_article_files (id, article_id, name, content_type, size, sha256, storage_key, added_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, f.ID, f.ArticleID, f.Name, f.ContentType, f.Size, f.SHA256, f.StorageKey, f.AddedBy, f.CreatedAt); err != nil {
			return err
		}
		return tx.audit("create", "article_file", f.ID, rapport.ID{}, false, fmt.Sprintf("%s on %s (%s, %d bytes)", f.Name, a.Title, f.ContentType, f.Size))
	})
}

func (db *DB) ListArticleFiles(ctx context.Context, s rapport.Scope, articleID rapport.ID) ([]*rapport.ArticleFile, error) {
	if err := rapport.Require(s.IsStaff(), "list the files of articles"); err != nil {
		return nil, err
	}
	var out []*rapport.ArticleFile
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = queryAll(tx, `SELECT `+articleFileColumns+` FROM kb_article_files f WHERE f.article_id = $1 ORDER BY f.created_at, f.id`,
			[]any{articleID}, scanArticleFile)
		return err
	})
	return out, err
}

// FindArticleFile returns a file of an article the scope may read: a reader who may
// not read the article finds no file.
func (db *DB) FindArticleFile(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.ArticleFile, error) {
	var f *rapport.ArticleFile
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		found, err := queryAll(tx, `SELECT `+articleFileColumns+` FROM kb_article_files f JOIN kb_articles a ON a.id = f.article_id
			WHERE f.id = `+q.Arg(id)+` AND `+visibleArticle(q, s, "a"), q.Args(), scanArticleFile)
		if err != nil {
			return err
		} else if len(found) == 0 {
			return rapport.NotFound("file")
		}
		f = found[0]
		return nil
	})
	return f, err
}

func (db *DB) DeleteArticleFile(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteArticles(), "remove files from articles"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var name string
		if err := tx.queryRow(`SELECT name FROM kb_article_files WHERE id = $1`, id).Scan(&name); err != nil {
			return notFound(err, "file")
		}
		if _, err := tx.exec(`DELETE FROM kb_article_files WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "article_file", id, rapport.ID{}, false, name)
	})
}
