-- The playbook: handling tips keyed by request type, product and channel ('' matches
-- any; keys kept in lower case for matching), and rules that propose the next question
-- to ask a customer.
CREATE TABLE tips (
	id           uuid PRIMARY KEY,
	request_type TEXT NOT NULL,
	product      TEXT NOT NULL,
	channel      TEXT NOT NULL,
	title        TEXT NOT NULL,
	body         TEXT NOT NULL,
	author_id    uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL
);

CREATE TABLE question_rules (
	id         uuid PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	rule       TEXT NOT NULL,
	question   TEXT NOT NULL,
	active     BOOLEAN NOT NULL,
	author_id  uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at timestamptz NOT NULL,
	updated_at timestamptz NOT NULL
);
