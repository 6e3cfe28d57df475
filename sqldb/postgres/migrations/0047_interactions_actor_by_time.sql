-- A customer's contacts by kind of actor in time order: the customer's latest own
-- contacts (for when they are usually in touch) are read from the index alone, newest
-- first, where they were read through the timeline with a row for each; the latest
-- contact of each staff member is still found by the whole key.
DROP INDEX interactions_actor;
CREATE INDEX interactions_actor ON interactions (customer_id, actor_kind, occurred_at, actor_id);
