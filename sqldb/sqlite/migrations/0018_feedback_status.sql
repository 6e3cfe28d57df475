-- The feedback status workflow: when each status was reached (the last time), by whom
-- it was resolved and how, and by whom and how the customer was told.
ALTER TABLE feedback ADD COLUMN triaged_at TIMESTAMP;
ALTER TABLE feedback ADD COLUMN started_at TIMESTAMP;
ALTER TABLE feedback ADD COLUMN resolved_at TIMESTAMP;
ALTER TABLE feedback ADD COLUMN resolved_by BLOB REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN informed_at TIMESTAMP;
ALTER TABLE feedback ADD COLUMN informed_by BLOB REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN informed_via TEXT NOT NULL DEFAULT '';
-- Each change of status, for the feedback's history: the event (triaged, in_progress,
-- resolved, informed, reopened), the status reached, the resolution or channel, who
-- and when.
CREATE TABLE feedback_events (
	id          BLOB PRIMARY KEY,
	feedback_id BLOB NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	event       TEXT NOT NULL,
	status      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	actor_id    BLOB REFERENCES users (id) ON DELETE SET NULL,
	at          TIMESTAMP NOT NULL
);
CREATE INDEX feedback_events_feedback ON feedback_events (feedback_id, at);
