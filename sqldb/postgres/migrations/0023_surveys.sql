-- Surveys: a main question (NPS, CSAT, CES or custom) with optional follow-ups, the
-- wording per language, the events that trigger them and how often one customer may be
-- asked. translations, follow_ups and triggers are JSON.
CREATE TABLE surveys (
	id             uuid PRIMARY KEY,
	name           TEXT NOT NULL UNIQUE,
	kind           TEXT NOT NULL,
	question       TEXT NOT NULL,
	intro          TEXT NOT NULL DEFAULT '',
	subject        TEXT NOT NULL DEFAULT '',
	translations   TEXT NOT NULL DEFAULT '{}',
	follow_ups     TEXT NOT NULL DEFAULT '[]',
	ask_every_days INTEGER NOT NULL,
	triggers       TEXT NOT NULL DEFAULT '[]',
	active         BOOLEAN NOT NULL,
	created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL
);
-- The rules all surveys follow: one row.
CREATE TABLE survey_settings (
	id               INTEGER PRIMARY KEY CHECK (id = 1),
	min_days_between INTEGER NOT NULL
);
INSERT INTO survey_settings (id, min_days_between) VALUES (1, 30);
-- One customer asked one survey. customer_id is the profile it belongs to now (moved by
-- merges), recorded_customer_id the one asked. Only the hash of the link's token is
-- kept. team_id and product come from what caused it, for the results' breakdowns.
CREATE TABLE survey_invitations (
	id                   uuid PRIMARY KEY,
	survey_id            uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	customer_id          uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	token_hash           TEXT NOT NULL UNIQUE,
	cause                TEXT NOT NULL,
	cause_ref            TEXT NOT NULL DEFAULT '',
	team_id              uuid REFERENCES teams (id) ON DELETE SET NULL,
	product              TEXT NOT NULL DEFAULT '',
	language             TEXT NOT NULL DEFAULT '',
	mail_id              uuid,
	created_at           timestamptz NOT NULL,
	expires_at           timestamptz NOT NULL
);
CREATE INDEX survey_invitations_customer ON survey_invitations (customer_id, created_at);
CREATE INDEX survey_invitations_survey ON survey_invitations (survey_id, created_at);
-- The answer to an invitation, at most one, changed while the link is valid.
CREATE TABLE survey_responses (
	invitation_id        uuid PRIMARY KEY REFERENCES survey_invitations (id) ON DELETE CASCADE,
	survey_id            uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	customer_id          uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	recorded_customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	score                INTEGER NOT NULL,
	category             TEXT NOT NULL DEFAULT '',
	comment              TEXT NOT NULL DEFAULT '',
	answers              TEXT NOT NULL DEFAULT '{}',
	interaction_id       uuid,
	feedback_id          uuid REFERENCES feedback (id) ON DELETE SET NULL,
	answered_at          timestamptz NOT NULL,
	updated_at           timestamptz NOT NULL
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id, answered_at);
CREATE INDEX survey_responses_customer ON survey_responses (customer_id);
-- How far the triggers have looked, per survey and event: events up to this time are done.
CREATE TABLE survey_watermarks (
	survey_id uuid NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
	event     TEXT NOT NULL,
	done_to   timestamptz NOT NULL,
	PRIMARY KEY (survey_id, event)
);
