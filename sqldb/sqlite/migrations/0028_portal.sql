-- The customer portal: customers' accounts and sessions, the one-use links mailed to
-- them, what readers did with articles (views and ratings), and questions asked of
-- experts. Rows about a customer keep customer_id (the profile now, moved by merges)
-- and recorded_customer_id (the one it was recorded for, so unmerge moves it back).

-- A customer's account on the portal. customer_id is empty until the e-mail address is
-- verified: registration links to a customer only then. An invited account is linked
-- from the start (staff chose the customer).
CREATE TABLE portal_accounts (
	id                   BLOB PRIMARY KEY,
	email                TEXT NOT NULL UNIQUE,
	name                 TEXT NOT NULL DEFAULT '',
	password_hash        TEXT NOT NULL DEFAULT '',
	customer_id          BLOB REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id BLOB REFERENCES customers (id) ON DELETE CASCADE,
	invited_by           BLOB REFERENCES users (id) ON DELETE SET NULL,
	verified_at          TIMESTAMP,
	created_at           TIMESTAMP NOT NULL,
	last_seen_at         TIMESTAMP
);
CREATE INDEX portal_accounts_customer ON portal_accounts (customer_id);

CREATE TABLE portal_sessions (
	secret_hash TEXT PRIMARY KEY,
	account_id  BLOB NOT NULL REFERENCES portal_accounts (id) ON DELETE CASCADE,
	created_at  TIMESTAMP NOT NULL,
	expires_at  TIMESTAMP NOT NULL,
	addr        TEXT NOT NULL DEFAULT '',
	user_agent  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX portal_sessions_account ON portal_sessions (account_id);

-- One-use links mailed to a customer: verify (an e-mail address), invite (set a first
-- password) and reset (a new password). Only the hash of the secret is kept.
CREATE TABLE portal_tokens (
	secret_hash TEXT PRIMARY KEY,
	account_id  BLOB NOT NULL REFERENCES portal_accounts (id) ON DELETE CASCADE,
	purpose     TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	expires_at  TIMESTAMP NOT NULL,
	used_at     TIMESTAMP
);
CREATE INDEX portal_tokens_account ON portal_tokens (account_id, purpose);

CREATE TABLE portal_sign_in_attempts (
	id    BLOB PRIMARY KEY,
	at    TIMESTAMP NOT NULL,
	email TEXT NOT NULL,
	addr  TEXT NOT NULL,
	ok    BOOLEAN NOT NULL
);
CREATE INDEX portal_sign_in_attempts_email ON portal_sign_in_attempts (email, at);
CREATE INDEX portal_sign_in_attempts_addr ON portal_sign_in_attempts (addr, at);

-- Every time an article was read. reader is who read it: a signed-in customer's
-- recorded id, or a visitor's cookie; search_id the logged search that led there.
CREATE TABLE kb_views (
	id                   BLOB PRIMARY KEY,
	article_id           BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	reader               TEXT NOT NULL,
	customer_id          BLOB REFERENCES customers (id) ON DELETE SET NULL,
	recorded_customer_id BLOB REFERENCES customers (id) ON DELETE SET NULL,
	search_id            BLOB,
	viewed_at            TIMESTAMP NOT NULL
);
CREATE INDEX kb_views_article ON kb_views (article_id, viewed_at);
CREATE INDEX kb_views_reader ON kb_views (reader, article_id);
CREATE INDEX kb_views_customer ON kb_views (customer_id);

-- A reader's judgement of an article, one per reader, changeable: helpful (yes or no)
-- and a quality rating of 1 to 5 with a comment, each optional.
CREATE TABLE kb_ratings (
	article_id           BLOB NOT NULL REFERENCES kb_articles (id) ON DELETE CASCADE,
	reader               TEXT NOT NULL,
	customer_id          BLOB REFERENCES customers (id) ON DELETE SET NULL,
	recorded_customer_id BLOB REFERENCES customers (id) ON DELETE SET NULL,
	helpful              BOOLEAN,
	rating               INTEGER,
	comment              TEXT NOT NULL DEFAULT '',
	created_at           TIMESTAMP NOT NULL,
	updated_at           TIMESTAMP NOT NULL,
	PRIMARY KEY (article_id, reader)
);
CREATE INDEX kb_ratings_customer ON kb_ratings (customer_id);

-- A question a signed-in customer asked an expert, and the expert's answer.
CREATE TABLE expert_questions (
	id                   BLOB PRIMARY KEY,
	expert_id            BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	customer_id          BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	account_id           BLOB REFERENCES portal_accounts (id) ON DELETE SET NULL,
	area                 TEXT NOT NULL DEFAULT '',
	question             TEXT NOT NULL,
	answer               TEXT NOT NULL DEFAULT '',
	answered_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
	answered_at          TIMESTAMP,
	article_id           BLOB REFERENCES kb_articles (id) ON DELETE SET NULL,
	created_at           TIMESTAMP NOT NULL
);
CREATE INDEX expert_questions_expert ON expert_questions (expert_id, created_at);
CREATE INDEX expert_questions_customer ON expert_questions (customer_id, created_at);
