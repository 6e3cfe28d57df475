-- Ideas: what the firm might build or change because of what customers said, most
-- often linked to the feedback theme they answer.
CREATE TABLE ideas (
	id          uuid PRIMARY KEY,
	title       TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL,
	theme_id    uuid REFERENCES themes (id) ON DELETE SET NULL,
	created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL
);
CREATE INDEX ideas_theme ON ideas (theme_id, updated_at);
CREATE INDEX ideas_updated ON ideas (updated_at);
