-- Feedback themes: sets of feedback that say much the same thing. label is generated
-- from the items' characteristic words (terms, heaviest first) and renewed by every
-- full re-grouping; name is what staff called it ('' for none) and is never
-- overwritten. kept_whole is set when staff merged another theme into it: a
-- re-grouping may then map several new groups to it, so that it stays merged.
CREATE TABLE themes (
	id          BLOB PRIMARY KEY,
	label       TEXT NOT NULL DEFAULT '',
	name        TEXT NOT NULL DEFAULT '',
	terms       TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'open',
	fixed_at    TIMESTAMP,
	fixed_by    BLOB REFERENCES users (id) ON DELETE SET NULL,
	kept_whole  BOOLEAN NOT NULL DEFAULT FALSE,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL
);
-- Each feedback's theme. theme_pinned: staff put it there (moved or split it), and
-- re-groupings leave it. theme_seq: when it was looked at for a theme, in the order of
-- theme_state.seq; NULL until then, which is how the assigner finds new items.
ALTER TABLE feedback ADD COLUMN theme_id BLOB REFERENCES themes (id) ON DELETE SET NULL;
ALTER TABLE feedback ADD COLUMN theme_pinned BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE feedback ADD COLUMN theme_seq BIGINT;
CREATE INDEX feedback_theme ON feedback (theme_id, heard_at);
CREATE INDEX feedback_theme_seq ON feedback (theme_seq);
-- One row: generation counts the changes to themes that a model held in memory must
-- be rebuilt after (re-groupings, moves, merges, splits); seq numbers assignments, so
-- that a process catches up with those other processes made; threshold is the
-- similarity chosen by the last full re-grouping (0 before the first).
CREATE TABLE theme_state (
	id           INTEGER PRIMARY KEY,
	generation   BIGINT NOT NULL,
	seq          BIGINT NOT NULL,
	threshold    REAL NOT NULL,
	regrouped_at TIMESTAMP
);
INSERT INTO theme_state (id, generation, seq, threshold) VALUES (1, 0, 0, 0);
-- Recurrence alerts: feedback heard after its theme was marked fixed. Listed until
-- acknowledged.
CREATE TABLE theme_alerts (
	id              BLOB PRIMARY KEY,
	theme_id        BLOB NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
	feedback_id     BLOB NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
	raised_at       TIMESTAMP NOT NULL,
	acknowledged_at TIMESTAMP,
	acknowledged_by BLOB REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX theme_alerts_theme ON theme_alerts (theme_id, raised_at);
