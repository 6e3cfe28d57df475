-- "Customers who read this also read" counts only each reader's most recent views, so
-- that a reader with thousands of views (a crawler that keeps its cookie) costs no more
-- than anyone else; this index finds them.
CREATE INDEX kb_views_reader_recent ON kb_views (reader, viewed_at);
