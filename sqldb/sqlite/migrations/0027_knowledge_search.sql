-- Ranked search of the knowledge base. The terms are made in Go (package textsearch:
-- folded, stop words dropped, Porter2 stems) and written here as space-separated words,
-- so FTS5 only splits them on spaces and ranks with its bm25(). rowid is kb_articles.seq.
-- Every article is indexed as its row is (what readers see); who may read it is decided
-- when searching, by visibleArticle.
CREATE VIRTUAL TABLE kb_search USING fts5 (title, key_points, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3');
-- The vocabulary with each term's number of articles, for typo correction and common
-- words (fts5vocab would count them by reading every term's list of articles).
CREATE TABLE kb_search_terms (
	term TEXT PRIMARY KEY,
	df   INTEGER NOT NULL
) WITHOUT ROWID;

-- search_version: the textsearch.Version the row was indexed with (0: not yet).
ALTER TABLE kb_articles ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX kb_articles_search_version ON kb_articles (search_version);
-- external_id: the id an article had in the collection it was imported from.
ALTER TABLE kb_articles ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX kb_articles_external ON kb_articles (external_id);
-- What a search reads of every matching article — who may read it, its category — in
-- an index small enough to stay in memory (the rows hold whole bodies).
CREATE INDEX kb_articles_search ON kb_articles (seq, published_version, status, audience, category_id, id);

-- Searches made, for the knowledge managers' measures (searches that found nothing or
-- led to no view). The customer follows merges: customer_id is the profile now,
-- recorded_customer_id the one who searched.
CREATE TABLE kb_searches (
	id                   BLOB PRIMARY KEY,
	at                   TIMESTAMP NOT NULL,
	query                TEXT NOT NULL,
	normalized           TEXT NOT NULL,
	results              INTEGER NOT NULL,
	reader               TEXT NOT NULL,
	recorded_customer_id BLOB REFERENCES customers (id) ON DELETE SET NULL,
	customer_id          BLOB REFERENCES customers (id) ON DELETE SET NULL,
	user_id              BLOB REFERENCES users (id) ON DELETE SET NULL,
	category_id          BLOB,
	product              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX kb_searches_at ON kb_searches (at);
CREATE INDEX kb_searches_normalized ON kb_searches (normalized, at);
CREATE INDEX kb_searches_customer ON kb_searches (customer_id, at);
