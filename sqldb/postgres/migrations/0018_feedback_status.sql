-- The feedback status workflow: when each status was reached (the last time), by whom
-- it was resolved and how, and by whom and how the customer was told.
ALTER TABLE feedback ADD COLUMN triaged_at timestamptz;
ALTER TABLE feedback ADD COLUMN started_at timestamptz;
ALTER TABLE feedback ADD COLUMN resolved_at timestamptz;
ALTER TABLE feedback ADD COLUMN resolved_by uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN resolution TEXT NOT NULL DEFAULT '';
ALTER TABLE feedback ADD COLUMN informed_at timestamptz;
ALTER TABLE feedback ADD COLUMN informed_by uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN informed_via TEXT NOT NULL DEFAULT '';
-- Each change of status, for the feedback's history: the event (triaged, in_progress,
-- resolved, informed, reopened), the status reached, the resolution or channel, who
-- and when.
CREATE TABLE feedback_events (
	id          uuid PRIMARY KEY,
	feedback_id uuid NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	event       TEXT NOT NULL,
	status      TEXT NOT NULL,
	note        TEXT NOT NULL DEFAULT '',
	actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
	at          timestamptz NOT NULL
);
CREATE INDEX feedback_events_feedback ON feedback_events (feedback_id, at);
