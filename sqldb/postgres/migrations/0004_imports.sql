-- Imports of files from source systems. Each import's place in its file is saved with
-- every batch, in the same transaction, so that an import stopped at any point resumes
-- after the last batch written; its rejected rows are kept with it, to be reported
-- however the import ended.
CREATE TABLE imports (
	id           uuid PRIMARY KEY,
	source_id    uuid NOT NULL REFERENCES sources (id),
	kind         TEXT NOT NULL,
	file         TEXT NOT NULL,
	name         TEXT NOT NULL,
	size         BIGINT NOT NULL,
	offset_bytes BIGINT NOT NULL DEFAULT 0,
	line         BIGINT NOT NULL DEFAULT 0,
	read_rows    BIGINT NOT NULL DEFAULT 0,
	created      BIGINT NOT NULL DEFAULT 0,
	updated      BIGINT NOT NULL DEFAULT 0,
	linked       BIGINT NOT NULL DEFAULT 0,
	unchanged    BIGINT NOT NULL DEFAULT 0,
	rejected     BIGINT NOT NULL DEFAULT 0,
	done         BOOLEAN NOT NULL DEFAULT FALSE,
	started_at   timestamptz NOT NULL,
	updated_at   timestamptz NOT NULL,
	UNIQUE (source_id, kind, file)
);

CREATE TABLE import_rejects (
	id        uuid PRIMARY KEY,
	import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
	line      BIGINT NOT NULL,
	code      TEXT NOT NULL,
	field     TEXT NOT NULL,
	message   TEXT NOT NULL,
	text      TEXT NOT NULL
);
CREATE INDEX import_rejects_line ON import_rejects (import_id, line);
