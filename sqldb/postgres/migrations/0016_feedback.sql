-- Feedback: what customers tell the firm, as staff heard it or a system sent it.
-- customer_id is NULL when the customer is not known (heard at an event); otherwise it
-- is the profile the feedback belongs to now (moved by merges), and
-- recorded_customer_id the one it was logged for, so that unmerge can move it back.
CREATE TABLE feedback (
	id                   uuid PRIMARY KEY,
	customer_id          uuid REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id uuid REFERENCES customers (id) ON DELETE CASCADE,
	kind                 TEXT NOT NULL,
	text                 TEXT NOT NULL,
	channel              TEXT NOT NULL DEFAULT '',
	product              TEXT NOT NULL DEFAULT '',
	area                 TEXT NOT NULL DEFAULT '',
	severity             TEXT NOT NULL,
	sentiment            double precision NOT NULL, -- compound score in [-1, 1]
	status               TEXT NOT NULL,
	heard_by             uuid REFERENCES users (id) ON DELETE SET NULL,
	heard_at             timestamptz NOT NULL,
	source_id            uuid REFERENCES sources (id),
	source_key           TEXT,
	created_by           uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at           timestamptz NOT NULL,
	updated_at           timestamptz NOT NULL,
	UNIQUE (source_id, source_key)
);
-- The list, newest heard first, and one customer's feedback.
CREATE INDEX feedback_heard ON feedback (heard_at, id);
CREATE INDEX feedback_customer ON feedback (customer_id, heard_at);
