-- The golden record. Each source record keeps, besides the fields as received, the
-- profile values it holds (NULL for records stored before this migration: a customer
-- with none keeps its profile until a record with values arrives). Sources are ranked
-- by trust, and each golden field has its survivorship rule (recent when unlisted).
ALTER TABLE source_records ADD COLUMN profile jsonb;
ALTER TABLE sources ADD COLUMN trust INTEGER NOT NULL DEFAULT 0;

CREATE TABLE survivorship_rules (
	field TEXT PRIMARY KEY,
	rule  TEXT NOT NULL
);
