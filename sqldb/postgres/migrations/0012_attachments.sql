-- Files attached to interactions. The content is in a blob store under storage_key, a
-- random key; the row goes with its interaction, and so with its customer, through
-- merges and deletes.
CREATE TABLE attachments (
	id             uuid PRIMARY KEY,
	interaction_id uuid NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
	name           TEXT NOT NULL,
	content_type   TEXT NOT NULL,
	size           BIGINT NOT NULL,
	sha256         TEXT NOT NULL,
	storage_key    TEXT NOT NULL UNIQUE,
	added_by       uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at     timestamptz NOT NULL
);
CREATE INDEX attachments_interaction ON attachments (interaction_id, created_at, id);

-- Keys of contents whose attachments are gone, however they went (the attachment,
-- its interaction or its customer deleted), written in the transaction that deleted
-- them; the purge-attachments job deletes the contents from the store after commit and
-- then the keys from here, so that a content that could not be deleted is tried again.
CREATE TABLE attachment_purges (
	storage_key TEXT PRIMARY KEY,
	queued_at   timestamptz NOT NULL
);
CREATE FUNCTION attachments_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO attachment_purges (storage_key, queued_at) VALUES (OLD.storage_key, now())
		ON CONFLICT (storage_key) DO NOTHING;
	RETURN OLD;
END
$$;
CREATE TRIGGER attachments_purge AFTER DELETE ON attachments FOR EACH ROW EXECUTE FUNCTION attachments_purge();
