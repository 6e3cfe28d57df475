-- The Duplicates page lists every merge, newest first, across customers.
CREATE INDEX merges_recent ON merges (created_at DESC, id DESC);
