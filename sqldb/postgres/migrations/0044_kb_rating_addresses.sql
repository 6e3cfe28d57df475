-- The network address an anonymous visitor rated an article from, kept for a day: a
-- visitor who clears their cookies is a new reader, so new ratings of one article from
-- one address are limited per day. Signed-in customers' ratings keep no address.
ALTER TABLE kb_ratings ADD COLUMN addr TEXT NOT NULL DEFAULT '';
CREATE INDEX kb_ratings_addr ON kb_ratings (article_id, addr, created_at) WHERE addr <> '';
CREATE INDEX kb_ratings_addr_age ON kb_ratings (created_at) WHERE addr <> '';
