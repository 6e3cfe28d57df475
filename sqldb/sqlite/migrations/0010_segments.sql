-- Segments: saved rules over customers, their members at the last refresh, and their
-- size by day. Sizes are kept per set of walls covering the members (walls: their ids,
-- sorted, joined by commas; '' for members no wall covers), so that each reader's
-- chart counts only the members they may see.
CREATE TABLE segments (
	id           BLOB PRIMARY KEY,
	name         TEXT NOT NULL UNIQUE,
	description  TEXT NOT NULL DEFAULT '',
	rule         TEXT NOT NULL,
	owner_id     BLOB REFERENCES users (id) ON DELETE SET NULL,
	refreshed_at TIMESTAMP,
	created_at   TIMESTAMP NOT NULL,
	updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE segment_members (
	segment_id  BLOB NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
	customer_id BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	PRIMARY KEY (segment_id, customer_id)
);
CREATE INDEX segment_members_customer ON segment_members (customer_id);

CREATE TABLE segment_sizes (
	segment_id BLOB NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
	day        TEXT NOT NULL,
	walls      TEXT NOT NULL,
	size       INTEGER NOT NULL,
	PRIMARY KEY (segment_id, day, walls)
);
