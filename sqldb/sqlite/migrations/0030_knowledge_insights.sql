-- What knowledge managers measure: views by week across all articles, and whether a
-- search led to an article read.
CREATE INDEX kb_views_viewed ON kb_views (viewed_at);
CREATE INDEX kb_views_search ON kb_views (search_id);
CREATE INDEX kb_ratings_updated ON kb_ratings (updated_at);
