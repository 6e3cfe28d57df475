-- Closing the loop with the customer. The customer's answer to what was done: whether
-- it is resolved for them (NULL: not said), a rating from 1 to 5 (0: none), a comment.
ALTER TABLE feedback ADD COLUMN confirmed BOOLEAN;
ALTER TABLE feedback ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feedback ADD COLUMN customer_comment TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN answered_at timestamptz;
-- Who took a step of the history when it was not staff: 'customer' for an answer.
ALTER TABLE feedback_events ADD COLUMN actor_kind TEXT NOT NULL DEFAULT '';
-- The links sent to customers to confirm or rate what was done: only the hash of the
-- token is kept; one answer per link, until it expires.
CREATE TABLE feedback_links (
	id          uuid PRIMARY KEY,
	feedback_id uuid NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	mail_id     uuid REFERENCES outbox (id) ON DELETE SET NULL,
	token_hash  TEXT NOT NULL UNIQUE,
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	answered_at timestamptz,
	confirmed   BOOLEAN,
	rating      INTEGER NOT NULL DEFAULT 0,
	comment     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX feedback_links_feedback ON feedback_links (feedback_id);
-- E-mail replies to what was done, kept by Message-ID so that a retried delivery is
-- taken once.
CREATE TABLE feedback_replies (
	message_id   TEXT PRIMARY KEY,
	feedback_id  uuid NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	from_address TEXT NOT NULL,
	body         TEXT NOT NULL,
	received_at  timestamptz NOT NULL
);
-- The e-mail customers get when told what was done, per language (BCP 47, lower
-- case); the built-in ones live in the code, rows here replace or add to them.
CREATE TABLE feedback_templates (
	language   TEXT PRIMARY KEY,
	subject    TEXT NOT NULL,
	body       TEXT NOT NULL,
	updated_by uuid REFERENCES users (id) ON DELETE SET NULL,
	updated_at timestamptz NOT NULL
);
-- A reply to a message Rapport sent is found by the sent message's Message-ID.
CREATE INDEX outbox_message ON outbox (message_id);
