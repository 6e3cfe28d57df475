-- Ranked search of the knowledge base. The terms are made in Go (package textsearch:
-- folded, stop words dropped, Porter2 stems), the same as on SQLite, and kept here in
-- an inverted index of our own: PostgreSQL's ts_rank is not BM25 (it ignores how many
-- documents hold a term) and a tsvector keeps at most 256 positions of a word, so to
-- rank as SQLite's FTS5 bm25() does we keep each term's frequency per field. The
-- primary key (term, seq), which includes the frequencies, is the postings list, read by
-- index-only scans. seq is
-- kb_articles.seq. Every article is indexed as its row is (what readers see); who may
-- read it is decided when searching, by visibleArticle.
CREATE TABLE kb_search_postings (
	term     text COLLATE "C" NOT NULL,
	seq      bigint NOT NULL,
	tf_title integer NOT NULL,
	tf_key   integer NOT NULL,
	tf_body  integer NOT NULL,
	PRIMARY KEY (term, seq) INCLUDE (tf_title, tf_key, tf_body)
);
CREATE INDEX kb_search_postings_seq ON kb_search_postings (seq);
-- The postings of titles, for the word being typed alone, which is looked for there.
CREATE INDEX kb_search_postings_title ON kb_search_postings (term, seq) INCLUDE (tf_title) WHERE tf_title > 0;
-- Each indexed article's number of terms.
CREATE TABLE kb_search_docs (
	seq    bigint PRIMARY KEY,
	length integer NOT NULL
);
-- The vocabulary with each term's number of articles, for typo correction.
CREATE TABLE kb_search_terms (
	term text COLLATE "C" PRIMARY KEY,
	df   integer NOT NULL
);
-- The number of indexed articles and of their terms, for BM25's average length.
CREATE TABLE kb_search_stats (
	id     integer PRIMARY KEY CHECK (id = 1),
	docs   bigint NOT NULL,
	tokens bigint NOT NULL
);
INSERT INTO kb_search_stats (id, docs, tokens) VALUES (1, 0, 0);

-- search_version: the textsearch.Version the row was indexed with (0: not yet).
ALTER TABLE kb_articles ADD COLUMN search_version integer NOT NULL DEFAULT 0;
CREATE INDEX kb_articles_search_version ON kb_articles (search_version);
-- external_id: the id an article had in the collection it was imported from.
ALTER TABLE kb_articles ADD COLUMN external_id text;
CREATE UNIQUE INDEX kb_articles_external ON kb_articles (external_id);
-- What a search reads of every matching article — who may read it, its category — for
-- index-only scans (the rows hold whole bodies).
CREATE INDEX kb_articles_search ON kb_articles (seq) INCLUDE (published_version, status, audience, category_id, id);

-- Searches made, for the knowledge managers' measures (searches that found nothing or
-- led to no view). The customer follows merges: customer_id is the profile now,
-- recorded_customer_id the one who searched.
CREATE TABLE kb_searches (
	id                   uuid PRIMARY KEY,
	at                   timestamptz NOT NULL,
	query                text NOT NULL,
	normalized           text NOT NULL,
	results              integer NOT NULL,
	reader               text NOT NULL,
	recorded_customer_id uuid REFERENCES customers (id) ON DELETE SET NULL,
	customer_id          uuid REFERENCES customers (id) ON DELETE SET NULL,
	user_id              uuid REFERENCES users (id) ON DELETE SET NULL,
	category_id          uuid,
	product              text NOT NULL DEFAULT ''
);
CREATE INDEX kb_searches_at ON kb_searches (at);
CREATE INDEX kb_searches_normalized ON kb_searches (normalized, at);
CREATE INDEX kb_searches_customer ON kb_searches (customer_id, at);
