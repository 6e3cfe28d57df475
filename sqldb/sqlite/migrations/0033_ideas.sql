-- Ideas: what the firm might build or change because of what customers said, most
-- often linked to the feedback theme they answer.
CREATE TABLE ideas (
	id          BLOB PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	theme_id    BLOB REFERENCES themes (id) ON DELETE SET NULL,
	created_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX ideas_theme ON ideas (theme_id, updated_at);
CREATE INDEX ideas_updated ON ideas (updated_at);
