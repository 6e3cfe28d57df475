-- The staff side of the knowledge base: the steps each article went through in the
-- workflow, and the files (images, PDFs) used in articles.
CREATE TABLE kb_article_events (
	id          uuid PRIMARY KEY,
	article_id  uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	step        TEXT NOT NULL,
	from_status TEXT NOT NULL,
	to_status   TEXT NOT NULL,
	version     INTEGER NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
	at          timestamptz NOT NULL
);
CREATE INDEX kb_article_events_article ON kb_article_events (article_id, at);

-- Files used in articles. The content is in the blob store under storage_key, like an
-- attachment's, and is queued for deletion in attachment_purges when its row goes.
CREATE TABLE kb_article_files (
	id           uuid PRIMARY KEY,
	article_id   uuid NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size         BIGINT NOT NULL,
	sha256       TEXT NOT NULL,
	storage_key  TEXT NOT NULL UNIQUE,
	added_by     uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at   timestamptz NOT NULL
);
CREATE INDEX kb_article_files_article ON kb_article_files (article_id, created_at);
CREATE TRIGGER kb_article_files_purge AFTER DELETE ON kb_article_files FOR EACH ROW EXECUTE FUNCTION attachments_purge();

-- Articles in review by reviewer, and overdue ones, are listed often.
CREATE INDEX kb_articles_review_by ON kb_articles (review_by);
