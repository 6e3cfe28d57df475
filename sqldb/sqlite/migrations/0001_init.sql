-- Rapport's first schema (SQLite). Ids are 16-byte UUIDv7 BLOBs; times are TIMESTAMP
-- text in UTC; JSON is TEXT. sqldb/postgres/migrations/0001_init.sql is the same schema.

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE users (
	id            BLOB PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	active        BOOLEAN NOT NULL DEFAULT TRUE,
	created_at    TIMESTAMP NOT NULL,
	updated_at    TIMESTAMP NOT NULL,
	last_seen_at  TIMESTAMP
);

CREATE TABLE teams (
	id          BLOB PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	function    TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL
);

CREATE TABLE team_members (
	team_id BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE sessions (
	secret_hash  TEXT PRIMARY KEY,
	user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   TIMESTAMP NOT NULL,
	expires_at   TIMESTAMP NOT NULL,
	addr         TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           BLOB PRIMARY KEY,
	user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL UNIQUE,
	created_at   TIMESTAMP NOT NULL,
	last_used_at TIMESTAMP,
	revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sign_in_attempts (
	id    BLOB PRIMARY KEY,
	at    TIMESTAMP NOT NULL,
	email TEXT NOT NULL,
	addr  TEXT NOT NULL,
	ok    BOOLEAN NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_addr ON sign_in_attempts (addr, at);

CREATE TABLE sources (
	id         BLOB PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	title      TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL
);

-- seq keeps FTS rows tied to customers across VACUUM (an INTEGER PRIMARY KEY is stable).
CREATE TABLE customers (
	seq               INTEGER PRIMARY KEY,
	id                BLOB NOT NULL UNIQUE,
	kind              TEXT NOT NULL,
	name              TEXT NOT NULL,
	sort_name         TEXT NOT NULL,
	given_name        TEXT NOT NULL DEFAULT '',
	family_name       TEXT NOT NULL DEFAULT '',
	language          TEXT NOT NULL DEFAULT '',
	preferred_channel TEXT NOT NULL DEFAULT '',
	owner_id          BLOB REFERENCES users (id) ON DELETE SET NULL,
	attributes        TEXT NOT NULL DEFAULT '{}',
	search_doc        TEXT NOT NULL DEFAULT '',
	merged_into       BLOB REFERENCES customers (id),
	version           INTEGER NOT NULL DEFAULT 1,
	created_at        TIMESTAMP NOT NULL,
	updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX customers_sort ON customers (sort_name, id) WHERE merged_into IS NULL;
CREATE INDEX customers_owner ON customers (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL;

CREATE VIRTUAL TABLE customer_fts USING fts5 (
	search_doc, content = 'customers', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
	INSERT INTO customer_fts (rowid, search_doc) VALUES (new.seq, new.search_doc);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
	INSERT INTO customer_fts (customer_fts, rowid, search_doc) VALUES ('delete', old.seq, old.search_doc);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE OF search_doc ON customers BEGIN
	INSERT INTO customer_fts (customer_fts, rowid, search_doc) VALUES ('delete', old.seq, old.search_doc);
	INSERT INTO customer_fts (rowid, search_doc) VALUES (new.seq, new.search_doc);
END;

-- E-mail addresses and phone numbers; normalized is the form they are matched in.
CREATE TABLE customer_contacts (
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	position    INTEGER NOT NULL,
	value       TEXT NOT NULL,
	normalized  TEXT NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (customer_id, kind, position)
);
CREATE INDEX customer_contacts_normalized ON customer_contacts (kind, normalized);

CREATE TABLE customer_addresses (
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	position    INTEGER NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	street      TEXT NOT NULL DEFAULT '',
	city        TEXT NOT NULL DEFAULT '',
	postcode    TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	country     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (customer_id, position)
);

CREATE TABLE customer_relationships (
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	PRIMARY KEY (customer_id, kind)
);
CREATE INDEX customer_relationships_kind ON customer_relationships (kind, customer_id);

CREATE TABLE customer_tags (
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	tag         TEXT NOT NULL,
	PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

-- A link points at an organisation: from a person (works_at, owns, advises) or from a
-- subsidiary organisation (subsidiary_of).
CREATE TABLE customer_links (
	id         BLOB PRIMARY KEY,
	from_id    BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	to_id      BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	role       TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMP NOT NULL,
	UNIQUE (from_id, to_id, kind)
);
CREATE INDEX customer_links_to ON customer_links (to_id);

-- A customer record as a source system sent it, apart from the profile it belongs to.
CREATE TABLE source_records (
	id          BLOB PRIMARY KEY,
	source_id   BLOB NOT NULL REFERENCES sources (id),
	source_key  TEXT NOT NULL,
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	fields      TEXT NOT NULL,
	received_at TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (source_id, source_key)
);
CREATE INDEX source_records_customer ON source_records (customer_id);

-- recorded_customer_id is the customer an interaction was recorded for; customer_id is
-- the profile it belongs to now. They differ after a merge, and unmerge uses the former.
CREATE TABLE interactions (
	id                   BLOB PRIMARY KEY,
	customer_id          BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id BLOB NOT NULL,
	organisation_id      BLOB REFERENCES customers (id) ON DELETE SET NULL,
	type                 TEXT NOT NULL,
	channel              TEXT NOT NULL,
	occurred_at          TIMESTAMP NOT NULL,
	source_id            BLOB REFERENCES sources (id),
	source_key           TEXT,
	actor_kind           TEXT NOT NULL,
	actor_id             TEXT NOT NULL DEFAULT '',
	summary              TEXT NOT NULL,
	body                 TEXT NOT NULL DEFAULT '',
	amount               INTEGER,
	currency             TEXT NOT NULL DEFAULT '',
	attributes           TEXT NOT NULL DEFAULT '{}',
	created_at           TIMESTAMP NOT NULL,
	UNIQUE (source_id, source_key)
);
CREATE INDEX interactions_timeline ON interactions (customer_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_organisation ON interactions (organisation_id, occurred_at DESC, id DESC) WHERE organisation_id IS NOT NULL;

CREATE TABLE notes (
	id          BLOB PRIMARY KEY,
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	author_id   BLOB NOT NULL REFERENCES users (id),
	visibility  TEXT NOT NULL,
	team_id     BLOB REFERENCES teams (id) ON DELETE SET NULL,
	body        TEXT NOT NULL,
	pinned      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX notes_customer ON notes (customer_id, created_at DESC, id DESC);

CREATE TABLE walls (
	id          BLOB PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE wall_teams (
	wall_id BLOB NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	team_id BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	PRIMARY KEY (wall_id, team_id)
);

-- The customers chosen for a wall.
CREATE TABLE wall_members (
	wall_id     BLOB NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	PRIMARY KEY (wall_id, customer_id)
);

-- Every customer a wall covers: its members and, through links, the people and
-- subsidiaries of member organisations. Derived from wall_members and customer_links
-- whenever either changes, so that reads need one indexed probe.
CREATE TABLE wall_coverage (
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	wall_id     BLOB NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	PRIMARY KEY (customer_id, wall_id)
);
CREATE INDEX wall_coverage_wall ON wall_coverage (wall_id);

CREATE TABLE audit_events (
	id           BLOB PRIMARY KEY,
	at           TIMESTAMP NOT NULL,
	actor_kind   TEXT NOT NULL,
	user_id      BLOB,
	token_id     BLOB,
	via          TEXT NOT NULL,
	addr         TEXT NOT NULL,
	action       TEXT NOT NULL,
	entity       TEXT NOT NULL,
	entity_id    BLOB,
	customer_id  BLOB,
	through_wall BOOLEAN NOT NULL DEFAULT FALSE,
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_user ON audit_events (user_id, at DESC);
CREATE INDEX audit_events_customer ON audit_events (customer_id, at DESC);

-- Responses to POST requests that carried an Idempotency-Key, replayed on retry.
CREATE TABLE idempotency_keys (
	user_id      BLOB NOT NULL,
	idem_key     TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL DEFAULT 0,
	location     TEXT NOT NULL DEFAULT '',
	body         BLOB,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (user_id, idem_key)
);
