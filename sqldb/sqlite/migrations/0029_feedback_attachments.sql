-- Files attached to feedback (a photo of the broken part, the customer's letter, an
-- e-mail's attachments). An attachment belongs to an interaction or to a feedback item,
-- exactly one; the row goes with it. SQLite cannot drop a NOT NULL, so the table is
-- made again.
CREATE TABLE attachments_new (
	id             BLOB PRIMARY KEY,
	interaction_id BLOB REFERENCES interactions (id) ON DELETE CASCADE,
	feedback_id    BLOB REFERENCES feedback (id) ON DELETE CASCADE,
	name           TEXT NOT NULL,
	content_type   TEXT NOT NULL,
	size           INTEGER NOT NULL,
	sha256         TEXT NOT NULL,
	storage_key    TEXT NOT NULL UNIQUE,
	added_by       BLOB REFERENCES users (id) ON DELETE SET NULL,
	created_at     TIMESTAMP NOT NULL,
	CHECK ((interaction_id IS NULL) <> (feedback_id IS NULL))
);
INSERT INTO attachments_new (id, interaction_id, name, content_type, size, sha256, storage_key, added_by, created_at)
	SELECT id, interaction_id, name, content_type, size, sha256, storage_key, added_by, created_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_interaction ON attachments (interaction_id, created_at, id);
CREATE INDEX attachments_feedback ON attachments (feedback_id, created_at, id) WHERE feedback_id IS NOT NULL;
CREATE TRIGGER attachments_purge AFTER DELETE ON attachments
BEGIN
	INSERT INTO attachment_purges (storage_key, queued_at) VALUES (old.storage_key, strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))
		ON CONFLICT (storage_key) DO NOTHING;
END;
