-- The knowledge base: articles in one shape (title, key points, Markdown body), a
-- category tree, tags and products, who may read each, and every version kept.
--
-- An article's row holds what readers see: the content of its published version
-- (published_version > 0), or of its latest draft while it was never published. The
-- latest version (version) is what staff edit; status is that version's state in the
-- workflow. Readers see an article when published_version > 0 and it is not archived.
CREATE TABLE kb_categories (
	id          BLOB PRIMARY KEY,
	parent_id   BLOB REFERENCES kb_categories (id) ON DELETE RESTRICT,
	name        TEXT NOT NULL,
	slug        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	position    INTEGER NOT NULL DEFAULT 0,
	created_at  TIMESTAMP NOT NULL
);
CREATE INDEX kb_categories_parent ON kb_categories (parent_id, position);

-- seq is the row number full-text indexes refer to.
CREATE TABLE kb_articles (
	seq               INTEGER PRIMARY KEY,
	id                BLOB NOT NULL UNIQUE,
	slug              TEXT NOT NULL UNIQUE,
	title             TEXT NOT NULL,
	key_points        TEXT NOT NULL DEFAULT '',
	body              TEXT NOT NULL DEFAULT '',
	category_id       BLOB REFERENCES kb_categories (id) ON DELETE SET NULL,
	audience          TEXT NOT NULL,
	status            TEXT NOT NULL,
	version           INTEGER NOT NULL,
	published_version INTEGER NOT NULL DEFAULT 0,
	owner_id          BLOB REFERENCES users (id) ON DELETE SET NULL,
	review_by         TIMESTAMP,
	published_at      TIMESTAMP,
	created_at        TIMESTAMP NOT NULL,
	updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX kb_articles_category ON kb_articles (category_id);
CREATE INDEX kb_articles_owner ON kb_articles (owner_id, review_by);
CREATE INDEX kb_articles_status ON kb_articles (status, updated_at);

-- Tags and products of the article's row (its published content).
CREATE TABLE kb_article_tags (
	article_id BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	tag        TEXT NOT NULL,
	PRIMARY KEY (article_id, tag)
);
CREATE INDEX kb_article_tags_tag ON kb_article_tags (tag);
CREATE TABLE kb_article_products (
	article_id BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	product    TEXT NOT NULL,
	PRIMARY KEY (article_id, product)
);
CREATE INDEX kb_article_products_product ON kb_article_products (product);

-- Who may read an article whose audience is "chosen": customers (a person, or an
-- organisation and the people linked to it) and segments. customer_id is the profile
-- now (moved by merges), recorded_customer_id the one chosen, so unmerge moves it back.
CREATE TABLE kb_article_customers (
	article_id           BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	recorded_customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	customer_id          BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, recorded_customer_id)
);
CREATE INDEX kb_article_customers_customer ON kb_article_customers (customer_id);
CREATE TABLE kb_article_segments (
	article_id BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	segment_id BLOB NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, segment_id)
);
CREATE INDEX kb_article_segments_segment ON kb_article_segments (segment_id);

-- Every version of an article as saved; tags and products are JSON arrays.
CREATE TABLE kb_article_versions (
	article_id  BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	version     INTEGER NOT NULL,
	title       TEXT NOT NULL,
	key_points  TEXT NOT NULL,
	body        TEXT NOT NULL,
	category_id BLOB,
	tags        TEXT NOT NULL DEFAULT '[]',
	products    TEXT NOT NULL DEFAULT '[]',
	note        TEXT NOT NULL DEFAULT '',
	author_id   BLOB REFERENCES users (id) ON DELETE SET NULL,
	created_at  TIMESTAMP NOT NULL,
	PRIMARY KEY (article_id, version)
);

-- The staff asked to review an article before it is published.
CREATE TABLE kb_article_reviewers (
	article_id BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, user_id)
);
CREATE INDEX kb_article_reviewers_user ON kb_article_reviewers (user_id);

-- Subject-matter experts: a staff member's public profile and areas of expertise.
-- listed puts them in the portal's expert directory.
CREATE TABLE expert_profiles (
	user_id    BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	headline   TEXT NOT NULL DEFAULT '',
	bio        TEXT NOT NULL DEFAULT '',
	listed     BOOLEAN NOT NULL DEFAULT FALSE,
	updated_at TIMESTAMP NOT NULL
);
CREATE TABLE expert_areas (
	user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	area    TEXT NOT NULL,
	PRIMARY KEY (user_id, area)
);
CREATE INDEX expert_areas_area ON expert_areas (area);
