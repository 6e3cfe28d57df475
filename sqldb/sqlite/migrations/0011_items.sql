-- Items of business: a customer's tasks, tickets, requests and feedback, with a status.
-- customer_id is the profile the item belongs to now (moved by merges);
-- recorded_customer_id the one it was opened for, so that unmerge can move it back.
CREATE TABLE items (
	id                   BLOB PRIMARY KEY,
	customer_id          BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	kind                 TEXT NOT NULL,
	title                TEXT NOT NULL,
	body                 TEXT NOT NULL DEFAULT '',
	request_type         TEXT NOT NULL DEFAULT '',
	product              TEXT NOT NULL DEFAULT '',
	channel              TEXT NOT NULL DEFAULT '',
	status               TEXT NOT NULL,
	owner_id             BLOB REFERENCES users (id) ON DELETE SET NULL,
	team_id              BLOB REFERENCES teams (id) ON DELETE SET NULL,
	due                  TEXT, -- a date, YYYY-MM-DD
	opened_by            BLOB REFERENCES users (id) ON DELETE SET NULL,
	opened_at            TIMESTAMP NOT NULL,
	closed_at            TIMESTAMP,
	source_id            BLOB REFERENCES sources (id),
	source_key           TEXT,
	updated_at           TIMESTAMP NOT NULL,
	UNIQUE (source_id, source_key)
);
-- A customer's open items, and how many, in one index range.
CREATE INDEX items_customer ON items (customer_id, status, due, opened_at);

-- Staff contacts per staff member of a customer, for the last contact by each team,
-- and the customer's own contacts, for when they are usually in touch.
CREATE INDEX interactions_actor ON interactions (customer_id, actor_kind, actor_id, occurred_at);

-- When the customer prefers to be contacted: days and part of the day, '' if not known.
ALTER TABLE customers ADD COLUMN preferred_days TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN preferred_part TEXT NOT NULL DEFAULT '';
