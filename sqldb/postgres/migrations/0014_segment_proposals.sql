-- The segments proposed by the latest clustering of the customers (one row, replaced by
-- each run), as JSON: they are read whole, by one page.
CREATE TABLE segment_proposals (
	computed_at timestamptz NOT NULL,
	proposals   TEXT NOT NULL
);
