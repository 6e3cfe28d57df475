-- Imports of files from source systems. Each import's place in its file is saved with
-- every batch, in the same transaction, so that an import stopped at any point resumes
-- after the last batch written; its rejected rows are kept with it, to be reported
-- however the import ended.
CREATE TABLE imports (
	id           BLOB PRIMARY KEY,
	source_id    BLOB NOT NULL REFERENCES sources (id),
	kind         TEXT NOT NULL,
	file         TEXT NOT NULL,
	name         TEXT NOT NULL,
	size         INTEGER NOT NULL,
	offset_bytes INTEGER NOT NULL DEFAULT 0,
	line         INTEGER NOT NULL DEFAULT 0,
	read_rows    INTEGER NOT NULL DEFAULT 0,
	created      INTEGER NOT NULL DEFAULT 0,
	updated      INTEGER NOT NULL DEFAULT 0,
	linked       INTEGER NOT NULL DEFAULT 0,
	unchanged    INTEGER NOT NULL DEFAULT 0,
	rejected     INTEGER NOT NULL DEFAULT 0,
	done         BOOLEAN NOT NULL DEFAULT FALSE,
	started_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL,
	UNIQUE (source_id, kind, file)
);

CREATE TABLE import_rejects (
	id        BLOB PRIMARY KEY,
	import_id BLOB NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	line      INTEGER NOT NULL,
	code      TEXT NOT NULL,
	field     TEXT NOT NULL,
	message   TEXT NOT NULL,
	text      TEXT NOT NULL
);
CREATE INDEX import_rejects_line ON import_rejects (import_id, line);
