-- Rapport's first schema (PostgreSQL). Ids are UUIDv7 made in Go; times are timestamptz;
-- JSON is jsonb. sqldb/sqlite/migrations/0001_init.sql is the same schema.

CREATE TABLE settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE users (
	id            uuid PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	active        boolean NOT NULL DEFAULT TRUE,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL,
	last_seen_at  timestamptz
);

CREATE TABLE teams (
	id          uuid PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	function    TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL
);

CREATE TABLE team_members (
	team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE sessions (
	secret_hash  TEXT PRIMARY KEY,
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	addr         TEXT NOT NULL DEFAULT '',
	user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           uuid PRIMARY KEY,
	user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL,
	last_used_at timestamptz,
	revoked_at   timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE sign_in_attempts (
	id    uuid PRIMARY KEY,
	at    timestamptz NOT NULL,
	email TEXT NOT NULL,
	addr  TEXT NOT NULL,
	ok    boolean NOT NULL
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email, at);
CREATE INDEX sign_in_attempts_addr ON sign_in_attempts (addr, at);

CREATE TABLE sources (
	id         uuid PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	title      TEXT NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL
);

CREATE TABLE customers (
	id                uuid PRIMARY KEY,
	kind              TEXT NOT NULL,
	name              TEXT NOT NULL,
	sort_name         TEXT COLLATE "C" NOT NULL, -- byte order, as in SQLite, for stable cursors
	given_name        TEXT NOT NULL DEFAULT '',
	family_name       TEXT NOT NULL DEFAULT '',
	language          TEXT NOT NULL DEFAULT '',
	preferred_channel TEXT NOT NULL DEFAULT '',
	owner_id          uuid REFERENCES users (id) ON DELETE SET NULL,
	attributes        jsonb NOT NULL DEFAULT '{}',
	search_doc        TEXT NOT NULL DEFAULT '',
	search            tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_doc)) STORED,
	merged_into       uuid REFERENCES customers (id),
	version           integer NOT NULL DEFAULT 1,
	created_at        timestamptz NOT NULL,
	updated_at        timestamptz NOT NULL
);
CREATE INDEX customers_sort ON customers (sort_name, id) WHERE merged_into IS NULL;
CREATE INDEX customers_owner ON customers (owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX customers_merged ON customers (merged_into) WHERE merged_into IS NOT NULL;

CREATE INDEX customers_search ON customers USING gin (search);

-- E-mail addresses and phone numbers; normalized is the form they are matched in.
CREATE TABLE customer_contacts (
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	position    integer NOT NULL,
	value       TEXT NOT NULL,
	normalized  TEXT NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (customer_id, kind, position)
);
CREATE INDEX customer_contacts_normalized ON customer_contacts (kind, normalized);

CREATE TABLE customer_addresses (
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	position    integer NOT NULL,
	label       TEXT NOT NULL DEFAULT '',
	street      TEXT NOT NULL DEFAULT '',
	city        TEXT NOT NULL DEFAULT '',
	postcode    TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	country     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (customer_id, position)
);

CREATE TABLE customer_relationships (
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind        TEXT NOT NULL,
	PRIMARY KEY (customer_id, kind)
);
CREATE INDEX customer_relationships_kind ON customer_relationships (kind, customer_id);

CREATE TABLE customer_tags (
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	tag         TEXT NOT NULL,
	PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

-- A link points at an organisation: from a person (works_at, owns, advises) or from a
-- subsidiary organisation (subsidiary_of).
CREATE TABLE customer_links (
	id         uuid PRIMARY KEY,
	from_id    uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	to_id      uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind       TEXT NOT NULL,
	role       TEXT NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL,
	UNIQUE (from_id, to_id, kind)
);
CREATE INDEX customer_links_to ON customer_links (to_id);

-- A customer record as a source system sent it, apart from the profile it belongs to.
CREATE TABLE source_records (
	id          uuid PRIMARY KEY,
	source_id   uuid NOT NULL REFERENCES sources (id),
	source_key  TEXT NOT NULL,
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	fields      jsonb NOT NULL,
	received_at timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	UNIQUE (source_id, source_key)
);
CREATE INDEX source_records_customer ON source_records (customer_id);

-- recorded_customer_id is the customer an interaction was recorded for; customer_id is
-- the profile it belongs to now. They differ after a merge, and unmerge uses the former.
CREATE TABLE interactions (
	id                   uuid PRIMARY KEY,
	customer_id          uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id uuid NOT NULL,
	organisation_id      uuid REFERENCES customers (id) ON DELETE SET NULL,
	type                 TEXT NOT NULL,
	channel              TEXT NOT NULL,
	occurred_at          timestamptz NOT NULL,
	source_id            uuid REFERENCES sources (id),
	source_key           TEXT,
	actor_kind           TEXT NOT NULL,
	actor_id             TEXT NOT NULL DEFAULT '',
	summary              TEXT NOT NULL,
	body                 TEXT NOT NULL DEFAULT '',
	amount               bigint,
	currency             TEXT NOT NULL DEFAULT '',
	attributes           jsonb NOT NULL DEFAULT '{}',
	created_at           timestamptz NOT NULL,
	UNIQUE (source_id, source_key)
);
CREATE INDEX interactions_timeline ON interactions (customer_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_organisation ON interactions (organisation_id, occurred_at DESC, id DESC) WHERE organisation_id IS NOT NULL;

CREATE TABLE notes (
	id          uuid PRIMARY KEY,
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	author_id   uuid NOT NULL REFERENCES users (id),
	visibility  TEXT NOT NULL,
	team_id     uuid REFERENCES teams (id) ON DELETE SET NULL,
	body        TEXT NOT NULL,
	pinned      boolean NOT NULL DEFAULT FALSE,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL
);
CREATE INDEX notes_customer ON notes (customer_id, created_at DESC, id DESC);

CREATE TABLE walls (
	id          uuid PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL
);

CREATE TABLE wall_teams (
	wall_id uuid NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	PRIMARY KEY (wall_id, team_id)
);

-- The customers chosen for a wall.
CREATE TABLE wall_members (
	wall_id     uuid NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	PRIMARY KEY (wall_id, customer_id)
);

-- Every customer a wall covers: its members and, through links, the people and
-- subsidiaries of member organisations. Derived from wall_members and customer_links
-- whenever either changes, so that reads need one indexed probe.
CREATE TABLE wall_coverage (
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	wall_id     uuid NOT NULL REFERENCES walls (id) ON DELETE CASCADE,
	PRIMARY KEY (customer_id, wall_id)
);
CREATE INDEX wall_coverage_wall ON wall_coverage (wall_id);

CREATE TABLE audit_events (
	id           uuid PRIMARY KEY,
	at           timestamptz NOT NULL,
	actor_kind   TEXT NOT NULL,
	user_id      uuid,
	token_id     uuid,
	via          TEXT NOT NULL,
	addr         TEXT NOT NULL,
	action       TEXT NOT NULL,
	entity       TEXT NOT NULL,
	entity_id    uuid,
	customer_id  uuid,
	through_wall boolean NOT NULL DEFAULT FALSE,
	detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_user ON audit_events (user_id, at DESC);
CREATE INDEX audit_events_customer ON audit_events (customer_id, at DESC);

-- Responses to POST requests that carried an Idempotency-Key, replayed on retry.
CREATE TABLE idempotency_keys (
	user_id      uuid NOT NULL,
	idem_key     TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       integer NOT NULL DEFAULT 0,
	location     TEXT NOT NULL DEFAULT '',
	body         bytea,
	created_at   timestamptz NOT NULL,
	PRIMARY KEY (user_id, idem_key)
);
