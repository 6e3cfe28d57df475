package sqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.KnowledgeService = (*DB)(nil)

// visibleArticle is the condition that the article aliased a may be read in the scope.
// It is the one place where an article's audience reaches the SQL: every list, search,
// suggestion, count and sitemap of articles applies it.
func visibleArticle(q *Query, s rapport.Scope, a string) string {
	if s.IsStaff() {
		return "TRUE"
	}
	readable := fmt.Sprintf(`%[1]s.published_version > 0 AND %[1]s.status <> 'archived'`, a)
	if s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero() {
		return readable + fmt.Sprintf(` AND %s.audience = 'public'`, a)
	}
	c := q.Arg(s.CustomerID)
	// A customer reads what is chosen for them, for an organisation they are linked to,
	// or for a segment they belong to.
	return readable + fmt.Sprintf(` AND (%[1]s.audience IN ('public', 'customers') OR (%[1]s.audience = 'chosen' AND (
		EXISTS (SELECT 1 FROM kb_article_customers ac WHERE ac.article_id = %[1]s.id
			AND (ac.customer_id = %[2]s OR ac.customer_id IN (SELECT l.to_id FROM customer_links l WHERE l.from_id = %[2]s)))
		OR EXISTS (SELECT 1 FROM kb_article_segments asg JOIN segment_members m ON m.segment_id = asg.segment_id
			WHERE asg.article_id = %[1]s.id AND m.customer_id = %[2]s))))`, a, c)
}

const articleColumns = `a.id, a.slug, a.title, a.key_points, a.body, a.category_id, a.audience, a.status, a.version,
	a.published_version, a.owner_id, COALESCE(u.name, ''), a.review_by, a.published_at, a.created_at, a.updated_at`

// findArticles reads the articles the scope may see that meet where (over alias a).
// tail orders and limits them.
func (tx *Tx) findArticles(q *Query, where, tail string) ([]*rapport.Article, error) {
	list, err := queryAll(tx, `SELECT `+articleColumns+` FROM kb_articles a LEFT JOIN users u ON u.id = a.owner_id
		WHERE `+visibleArticle(q, tx.scope, "a")+` AND `+where+` `+tail, q.Args(), func(rows Scanner) (*rapport.Article, error) {
		a := &rapport.Article{}
		err := rows.Scan(&a.ID, &a.Slug, &a.Title, &a.KeyPoints, &a.Body, &a.CategoryID, &a.Audience, &a.Status, &a.Version,
			&a.PublishedVersion, &a.OwnerID, &a.OwnerName, &a.ReviewBy, &a.PublishedAt, &a.CreatedAt, &a.UpdatedAt)
		return a, err
	})
	if err != nil {
		return nil, err
	}
	return list, tx.articleLabels(list)
}

// articleLabels fills in the tags, products and chosen audience of articles.
func (tx *Tx) articleLabels(list []*rapport.Article) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[rapport.ID]*rapport.Article, len(list))
	q := &Query{}
	ids := make([]any, len(list))
	for i, a := range list {
		a.Tags, a.Products = []string{}, []string{}
		byID[a.ID] = a
		ids[i] = a.ID
	}
	in := q.In(ids...)
	type label struct {
		id   rapport.ID
		kind string
		text string
	}
	labels, err := queryAll(tx, `SELECT article_id, 'tag', tag FROM kb_article_tags WHERE article_id IN `+in+`
		UNION ALL SELECT article_id, 'product', product FROM kb_article_products WHERE article_id IN `+in+`
		ORDER BY 2, 3`, q.Args(), func(rows Scanner) (label, error) {
		var l label
		err := rows.Scan(&l.id, &l.kind, &l.text)
		return l, err
	})
	if err != nil {
		return err
	}
	for _, l := range labels {
		a := byID[l.id]
		if l.kind == "tag" {
			a.Tags = append(a.Tags, l.text)
		} else {
			a.Products = append(a.Products, l.text)
		}
	}
	if !tx.scope.IsStaff() {
		return nil // readers are not told who else an article was chosen for
	}
	q2 := &Query{}
	in2 := q2.In(ids...)
	members, err := queryAll(tx, `SELECT ac.article_id, 'customer', ac.customer_id FROM kb_article_customers ac
		WHERE ac.article_id IN `+in2+` AND `+visibleCustomer(q2, tx.scope, "ac.customer_id")+`
		UNION ALL SELECT article_id, 'segment', segment_id FROM kb_article_segments WHERE article_id IN `+in2, q2.Args(),
		func(rows Scanner) (label, error) {
			var l label
			var id rapport.ID
			err := rows.Scan(&l.id, &l.kind, &id)
			l.text = id.String()
			return l, err
		})
	if err != nil {
		return err
	}
	for _, m := range members {
		id, _ := rapport.ParseID(m.text)
		if a := byID[m.id]; m.kind == "customer" {
			a.Customers = append(a.Customers, id)
		} else {
			a.Segments = append(a.Segments, id)
		}
	}
	return nil
}

// findArticle reads one article the scope may see by id or slug.
func (tx *Tx) findArticle(idOrSlug string) (*rapport.Article, error) {
	q := &Query{}
	var where string
	if id, err := rapport.ParseID(idOrSlug); err == nil {
		where = `a.id = ` + q.Arg(id)
	} else {
		where = `a.slug = ` + q.Arg(strings.ToLower(idOrSlug))
	}
	list, err := tx.findArticles(q, where, "")
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, rapport.NotFound("article")
	}
	return list[0], nil
}

func (db *DB) FindArticle(ctx context.Context, s rapport.Scope, idOrSlug string) (*rapport.Article, error) {
	var a *rapport.Article
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		a, err = tx.findArticle(idOrSlug)
		return err
	})
	return a, err
}

func (db *DB) ListArticles(ctx context.Context, s rapport.Scope, f rapport.ArticleFilter) (*rapport.ArticlePage, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	page := &rapport.ArticlePage{}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		conds := []string{"TRUE"}
		if f.Status != "" {
			conds = append(conds, "a.status = "+q.Arg(f.Status))
		}
		if !f.CategoryID.IsZero() {
			conds = append(conds, "a.category_id = "+q.Arg(f.CategoryID))
		}
		if !f.OwnerID.IsZero() {
			conds = append(conds, "a.owner_id = "+q.Arg(f.OwnerID))
		}
		if f.Product != "" {
			conds = append(conds, "EXISTS (SELECT 1 FROM kb_article_products p WHERE p.article_id = a.id AND p.product = "+q.Arg(f.Product)+")")
		}
		if !f.ReviewerID.IsZero() {
			conds = append(conds, "a.status = 'review' AND EXISTS (SELECT 1 FROM kb_article_reviewers r WHERE r.article_id = a.id AND r.user_id = "+q.Arg(f.ReviewerID)+")")
		}
		if f.Overdue {
			conds = append(conds, "a.review_by < "+q.Arg(tx.now)+" AND a.status <> 'archived'")
		}
		if f.Tag != "" {
			conds = append(conds, "EXISTS (SELECT 1 FROM kb_article_tags t WHERE t.article_id = a.id AND t.tag = "+q.Arg(strings.ToLower(f.Tag))+")")
		}
		conds, err := pastCursor(q, conds, f.Cursor, "a.updated_at", "a.id")
		if err != nil {
			return err
		}
		list, err := tx.findArticles(q, strings.Join(conds, " AND "), "ORDER BY a.updated_at DESC, a.id DESC LIMIT "+strconv.Itoa(limit+1))
		if err != nil {
			return err
		}
		rows := make([]rapport.Article, len(list))
		for i, a := range list {
			rows[i] = *a
		}
		page.Articles, page.NextCursor = pageOf(rows, limit, func(a rapport.Article) (time.Time, rapport.ID) { return a.UpdatedAt, a.ID })
		return nil
	})
	return page, err
}

func (db *DB) CreateArticle(ctx context.Context, s rapport.Scope, in rapport.ArticleInput) (*rapport.Article, error) {
	return db.saveArticle(ctx, s, rapport.ID{}, in)
}

func (db *DB) SaveArticle(ctx context.Context, s rapport.Scope, id rapport.ID, in rapport.ArticleInput) (*rapport.Article, error) {
	return db.saveArticle(ctx, s, id, in)
}

// saveArticle writes a new version of the article id, or version 1 of a new article
// when id is zero.
func (db *DB) saveArticle(ctx context.Context, s rapport.Scope, id rapport.ID, in rapport.ArticleInput) (*rapport.Article, error) {
	if err := rapport.Require(s.CanWriteArticles(), "write knowledge base articles"); err != nil {
		return nil, err
	}
	if err := rapport.Require(!in.Publish || s.CanPublish(), "publish articles; ask a knowledge manager to review it"); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var a *rapport.Article
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		a, err = tx.writeArticle(id, in)
		return err
	})
	return a, err
}

// writeArticle writes a checked, normalized input as a new version of the article id,
// or as version 1 of a new article when id is zero, in the transaction's writes.
func (tx *Tx) writeArticle(id rapport.ID, in rapport.ArticleInput) (*rapport.Article, error) {
	s := tx.scope
	err := func() error {
		if err := tx.checkArticleRefs(&in); err != nil {
			return err
		}
		version := 1
		if id.IsZero() {
			id = rapport.NewID()
			slug, err := tx.freeSlug(in.Slug)
			if err != nil {
				return err
			}
			in.Slug = slug
			if _, err := tx.exec(`INSERT INTO kb_articles (id, slug, title, key_points, body, category_id, audience, status, version,
				owner_id, review_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', 1, $8, $9, $10, $10)`,
				id, in.Slug, in.Title, in.KeyPoints, in.Body, in.CategoryID, in.Audience, in.OwnerID, in.ReviewBy, tx.now); err != nil {
				return err
			}
		} else {
			old, err := tx.findArticle(id.String())
			if err != nil {
				return err
			}
			version = old.Version + 1
			if in.Slug != old.Slug {
				if in.Slug, err = tx.freeSlug(in.Slug); err != nil {
					return err
				}
			}
			// Who may read it and who owns it change at once; the content waits for publishing.
			// A new version is a draft, to be reviewed again; an archived article stays archived.
			if _, err := tx.exec(`UPDATE kb_articles SET slug = $2, audience = $3, owner_id = $4, review_by = $5, version = $6,
				status = CASE WHEN status = 'archived' THEN 'archived' ELSE 'draft' END, updated_at = $7 WHERE id = $1`, id, in.Slug, in.Audience, in.OwnerID, in.ReviewBy, version, tx.now); err != nil {
				return err
			}
			if old.PublishedVersion == 0 {
				if err := tx.setArticleContent(id, in.Title, in.KeyPoints, in.Body, in.CategoryID, in.Tags, in.Products); err != nil {
					return err
				}
			}
		}
		if err := tx.setArticleAudience(id, in.Customers, in.Segments); err != nil {
			return err
		}
		tags, _ := json.Marshal(in.Tags)
		products, _ := json.Marshal(in.Products)
		if _, err := tx.exec(`INSERT INTO kb_article_versions (article_id, version, title, key_points, body, category_id, tags, products,
			note, author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, version, in.Title, in.KeyPoints, in.Body, in.CategoryID, string(tags), string(products), in.Note, s.UserID, tx.now); err != nil {
			return err
		}
		if version == 1 {
			if err := tx.setArticleContent(id, in.Title, in.KeyPoints, in.Body, in.CategoryID, in.Tags, in.Products); err != nil {
				return err
			}
		}
		if in.Publish {
			if err := tx.publishArticle(id, version); err != nil {
				return err
			}
			if err := tx.articleEvent(id, rapport.StepPublish, rapport.ArticleDraft, rapport.ArticlePublished, version, in.Note); err != nil {
				return err
			}
		}
		return tx.audit("save", "article", id, rapport.ID{}, false, fmt.Sprintf("%s, version %d", in.Title, version))
	}()
	if err != nil {
		return nil, err
	}
	return tx.findArticle(id.String())
}

// checkArticleRefs checks that the category, owner, customers and segments exist, and
// that the customers are visible to the author; the owner defaults to the author.
func (tx *Tx) checkArticleRefs(in *rapport.ArticleInput) error {
	if in.OwnerID.IsZero() {
		in.OwnerID = tx.scope.UserID
	}
	checks := []struct {
		field, what, query string
		ids                []rapport.ID
	}{
		{"category_id", "category", `SELECT COUNT(*) FROM kb_categories WHERE id IN %s`, nonZero(in.CategoryID)},
		{"owner_id", "staff user", `SELECT COUNT(*) FROM users WHERE active AND id IN %s`, nonZero(in.OwnerID)},
		{"segments", "segment", `SELECT COUNT(*) FROM segments WHERE id IN %s`, uniqueIDs(in.Segments)},
	}
	for _, c := range checks {
		if len(c.ids) == 0 {
			continue
		}
		q := &Query{}
		var n int
		if err := tx.queryRow(fmt.Sprintf(c.query, q.In(anySlice(c.ids)...)), q.Args()...).Scan(&n); err != nil {
			return err
		}
		if n != len(c.ids) {
			return rapport.FieldError(c.field, "a %s chosen in %s does not exist", c.what, c.field)
		}
	}
	in.Customers = uniqueIDs(in.Customers)
	if len(in.Customers) > 0 {
		q := &Query{}
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM customers c WHERE c.merged_into IS NULL AND c.id IN `+q.In(anySlice(in.Customers)...)+
			` AND `+visibleCustomer(q, tx.scope, "c.id"), q.Args()...).Scan(&n); err != nil {
			return err
		}
		if n != len(in.Customers) {
			return rapport.FieldError("customers", "a customer chosen in customers was not found")
		}
	}
	return nil
}

// setArticleAudience replaces the customers and segments an article is chosen for.
// Customers behind a wall the author may not see stay chosen.
func (tx *Tx) setArticleAudience(id rapport.ID, customers, segments []rapport.ID) error {
	q := &Query{}
	q.Arg(id)
	if _, err := tx.exec(`DELETE FROM kb_article_customers WHERE article_id = $1 AND `+visibleCustomer(q, tx.scope, "customer_id"), q.Args()...); err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM kb_article_segments WHERE article_id = $1`, id); err != nil {
		return err
	}
	for _, c := range customers {
		if _, err := tx.exec(`INSERT INTO kb_article_customers (article_id, recorded_customer_id, customer_id) VALUES ($1, $2, $2)
			ON CONFLICT DO NOTHING`, id, c); err != nil {
			return err
		}
	}
	for _, g := range segments {
		if _, err := tx.exec(`INSERT INTO kb_article_segments (article_id, segment_id) VALUES ($1, $2)`, id, g); err != nil {
			return err
		}
	}
	return nil
}

// setArticleContent writes what readers see of an article.
func (tx *Tx) setArticleContent(id rapport.ID, title, keyPoints, body string, category rapport.ID, tags, products []string) error {
	if _, err := tx.exec(`UPDATE kb_articles SET title = $2, key_points = $3, body = $4, category_id = $5 WHERE id = $1`,
		id, title, keyPoints, body, category); err != nil {
		return err
	}
	for _, step := range []struct {
		table, column string
		values        []string
	}{{"kb_article_tags", "tag", tags}, {"kb_article_products", "product", products}} {
		if _, err := tx.exec(`DELETE FROM `+step.table+` WHERE article_id = $1`, id); err != nil {
			return err
		}
		for _, v := range step.values {
			if _, err := tx.exec(`INSERT INTO `+step.table+` (article_id, `+step.column+`) VALUES ($1, $2)`, id, v); err != nil {
				return err
			}
		}
	}
	return tx.indexArticle(id)
}

// publishArticle makes a version of an article what readers see.
func (tx *Tx) publishArticle(id rapport.ID, version int) error {
	var title, keyPoints, body, tagsJSON, productsJSON string
	var category rapport.ID
	if err := tx.queryRow(`SELECT title, key_points, body, category_id, tags, products FROM kb_article_versions
		WHERE article_id = $1 AND version = $2`, id, version).Scan(&title, &keyPoints, &body, &category, &tagsJSON, &productsJSON); err != nil {
		return notFound(err, "article version")
	}
	var tags, products []string
	if err := json.Unmarshal([]byte(tagsJSON), &tags); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(productsJSON), &products); err != nil {
		return err
	}
	if err := tx.setArticleContent(id, title, keyPoints, body, category, tags, products); err != nil {
		return err
	}
	_, err := tx.exec(`UPDATE kb_articles SET published_version = $2, published_at = $3, updated_at = $3,
		status = CASE WHEN version = $2 THEN 'published' ELSE status END WHERE id = $1`, id, version, tx.now)
	return err
}

// freeSlug returns slug, or slug-2, slug-3 … when it is taken.
func (tx *Tx) freeSlug(slug string) (string, error) {
	for n := 1; ; n++ {
		try := slug
		if n > 1 {
			try = fmt.Sprintf("%s-%d", slug, n)
		}
		var taken int
		if err := tx.queryRow(`SELECT COUNT(*) FROM kb_articles WHERE slug = $1`, try).Scan(&taken); err != nil {
			return "", err
		}
		if taken == 0 {
			return try, nil
		}
	}
}

func (db *DB) CreateCategory(ctx context.Context, s rapport.Scope, c rapport.Category) (*rapport.Category, error) {
	if err := rapport.Require(s.CanPublish(), "change the knowledge base's categories"); err != nil {
		return nil, err
	}
	field := categorySlugField(c)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		if !c.ParentID.IsZero() {
			var n int
			if err := tx.queryRow(`SELECT COUNT(*) FROM kb_categories WHERE id = $1`, c.ParentID).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return rapport.FieldError("parent_id", "the parent category does not exist")
			}
		}
		c.ID, c.CreatedAt = rapport.NewID(), tx.now
		if _, err := tx.exec(`INSERT INTO kb_categories (id, parent_id, name, slug, description, position, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, c.ParentID, c.Name, c.Slug, c.Description, c.Position, c.CreatedAt); err != nil {
			return tx.slugTaken(err, field, c.Slug)
		}
		return tx.audit("create", "category", c.ID, rapport.ID{}, false, c.Name)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (db *DB) ListCategories(ctx context.Context, s rapport.Scope) ([]rapport.Category, error) {
	var all []rapport.Category
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		all, err = queryAll(tx, `SELECT id, parent_id, name, slug, description, position, created_at FROM kb_categories
			ORDER BY position, name`, nil, func(rows Scanner) (rapport.Category, error) {
			var c rapport.Category
			err := rows.Scan(&c.ID, &c.ParentID, &c.Name, &c.Slug, &c.Description, &c.Position, &c.CreatedAt)
			return c, err
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	// Depth first: each parent followed by its children, in position order.
	children := map[rapport.ID][]rapport.Category{}
	for _, c := range all {
		children[c.ParentID] = append(children[c.ParentID], c)
	}
	out := make([]rapport.Category, 0, len(all))
	var walk func(parent rapport.ID)
	walk = func(parent rapport.ID) {
		for _, c := range children[parent] {
			out = append(out, c)
			walk(c.ID)
		}
	}
	walk(rapport.ID{})
	return out, nil
}

func (db *DB) CountCategoryArticles(ctx context.Context, s rapport.Scope) (map[rapport.ID]int, error) {
	out := map[rapport.ID]int{}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		type count struct {
			category rapport.ID
			n        int
		}
		counts, err := queryAll(tx, `SELECT a.category_id, COUNT(*) FROM kb_articles a
			WHERE a.category_id IS NOT NULL AND `+visibleArticle(q, tx.scope, "a")+` GROUP BY a.category_id`, q.Args(),
			func(rows Scanner) (count, error) {
				var c count
				err := rows.Scan(&c.category, &c.n)
				return c, err
			})
		for _, c := range counts {
			out[c.category] = c.n
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func nonZero(id rapport.ID) []rapport.ID {
	if id.IsZero() {
		return nil
	}
	return []rapport.ID{id}
}

func uniqueIDs(ids []rapport.ID) []rapport.ID {
	seen := map[rapport.ID]bool{}
	out := []rapport.ID{}
	for _, id := range ids {
		if !id.IsZero() && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
