-- Routing rules send feedback to the team that owns the fix, in order (position 1
-- first). Conditions: kinds (a JSON array, empty for every kind), product and area
-- (compared folded), words (a JSON array of words or phrases, any of which occurs in
-- the text), the customer's minimum lifetime value and the minimum severity; the
-- outcome: a team, an optional owner from it, a service level in hours and a title.
CREATE TABLE routing_rules (
	id            uuid PRIMARY KEY,
	position      INTEGER NOT NULL,
	name          TEXT NOT NULL,
	kinds         TEXT NOT NULL DEFAULT '[]',
	product       TEXT NOT NULL DEFAULT '',
	area          TEXT NOT NULL DEFAULT '',
	words         TEXT NOT NULL DEFAULT '[]',
	min_value     double precision,
	min_severity  TEXT NOT NULL DEFAULT '',
	team_id       uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	owner_id      uuid REFERENCES users (id) ON DELETE SET NULL,
	service_hours INTEGER NOT NULL,
	title         TEXT NOT NULL DEFAULT '',
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);
CREATE INDEX routing_rules_position ON routing_rules (position);
-- One row: where feedback goes that no rule matches (no team: it is not routed).
CREATE TABLE routing_settings (
	id                     integer PRIMARY KEY CHECK (id = 1),
	fallback_team_id       uuid REFERENCES teams (id) ON DELETE SET NULL,
	fallback_service_hours INTEGER NOT NULL
);
INSERT INTO routing_settings (id, fallback_team_id, fallback_service_hours) VALUES (1, NULL, 72);
-- Action items: work one team owes because of one piece of feedback. They have no
-- customer of their own: they follow their feedback, and so its merges and walls.
-- rule_name keeps the name of the rule that made the item (empty: by hand).
CREATE TABLE action_items (
	id            uuid PRIMARY KEY,
	feedback_id   uuid NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	team_id       uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
	owner_id      uuid REFERENCES users (id) ON DELETE SET NULL,
	title         TEXT NOT NULL,
	rule_id       uuid REFERENCES routing_rules (id) ON DELETE SET NULL,
	rule_name     TEXT NOT NULL DEFAULT '',
	fallback      BOOLEAN NOT NULL DEFAULT FALSE,
	service_hours INTEGER NOT NULL,
	due_at        timestamptz NOT NULL,
	status        TEXT NOT NULL,
	done_at       timestamptz,
	done_by       uuid REFERENCES users (id) ON DELETE SET NULL,
	note          TEXT NOT NULL DEFAULT '',
	escalated_at  timestamptz,
	escalated_to  uuid REFERENCES users (id) ON DELETE SET NULL,
	created_by    uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);
-- A feedback's items; routing adds one for each team that has none (staff may add more).
CREATE INDEX action_items_feedback ON action_items (feedback_id, created_at);
-- The escalation job's search, and the lists of a team's, an owner's and an escalated
-- person's items.
CREATE INDEX action_items_due ON action_items (status, due_at);
CREATE INDEX action_items_team ON action_items (team_id, status, due_at);
CREATE INDEX action_items_owner ON action_items (owner_id, status);
CREATE INDEX action_items_escalated ON action_items (escalated_to, status);
