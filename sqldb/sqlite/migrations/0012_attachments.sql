-- Files attached to interactions. The content is in a blob store under storage_key, a
-- random key; the row goes with its interaction, and so with its customer, through
-- merges and deletes.
CREATE TABLE attachments (
	id             BLOB PRIMARY KEY,
	interaction_id BLOB NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
	name           TEXT NOT NULL,
	content_type   TEXT NOT NULL,
	size           INTEGER NOT NULL,
	sha256         TEXT NOT NULL,
	storage_key    TEXT NOT NULL UNIQUE,
	added_by       BLOB REFERENCES users (id) ON DELETE SET NULL,
	created_at     TIMESTAMP NOT NULL
);
CREATE INDEX attachments_interaction ON attachments (interaction_id, created_at, id);

-- Keys of contents whose attachments are gone, however they went (the attachment,
-- its interaction or its customer deleted), written in the transaction that deleted
-- them; the purge-attachments job deletes the contents from the store after commit and
-- then the keys from here, so that a content that could not be deleted is tried again.
CREATE TABLE attachment_purges (
	storage_key TEXT PRIMARY KEY,
	queued_at   TIMESTAMP NOT NULL
);
CREATE TRIGGER attachments_purge AFTER DELETE ON attachments
BEGIN
	INSERT INTO attachment_purges (storage_key, queued_at) VALUES (old.storage_key, strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
		ON CONFLICT (storage_key) DO NOTHING;
END;
