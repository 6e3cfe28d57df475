-- Each record's latest decision about each purpose. customer_id is the profile the
-- record belongs to now (moved by merges); recorded_customer_id the one it was given
-- for, so that unmerge can move it back. A profile's consent is its latest decision.
CREATE TABLE consents (
	recorded_customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	purpose              TEXT NOT NULL,
	customer_id          BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	granted              BOOLEAN NOT NULL,
	decided_at           TIMESTAMP NOT NULL,
	source               TEXT NOT NULL DEFAULT '',
	recorded_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
	recorded_at          TIMESTAMP NOT NULL,
	PRIMARY KEY (recorded_customer_id, purpose)
);
CREATE INDEX consents_customer ON consents (customer_id, purpose, decided_at DESC);
