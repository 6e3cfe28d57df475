-- The outbox: e-mail Rapport sends (customers told what was done with their feedback,
-- surveys, escalations to managers). A message is queued in the transaction that
-- decides to send it and sent by the mail job, which tries again after failures.
-- customer_id is the customer it was written to; once it is sent, its timeline entry
-- goes to the profile that holds that customer then (after any merge).
CREATE TABLE outbox (
	id              BLOB PRIMARY KEY,
	customer_id     BLOB REFERENCES customers (id) ON DELETE CASCADE,
	purpose         TEXT NOT NULL,
	ref             TEXT NOT NULL DEFAULT '',
	to_address      TEXT NOT NULL,
	to_name         TEXT NOT NULL DEFAULT '',
	subject         TEXT NOT NULL,
	body            TEXT NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TIMESTAMP NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	message_id      TEXT NOT NULL DEFAULT '',
	created_at      TIMESTAMP NOT NULL,
	sent_at         TIMESTAMP
);
-- The messages due, and the list newest first.
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_created ON outbox (created_at);
