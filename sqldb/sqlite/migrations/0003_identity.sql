-- Identity resolution: merges that can be undone, the pairs waiting for a reviewer,
-- and the job queue that runs resolution in the background.
-- sqldb/postgres/migrations/0003_identity.sql is the same schema.

-- A merge of merged_id into target_id. undo holds what unmerging needs (JSON): the
-- customers that had been merged into merged_id and moved with it, the notes and links
-- moved, and the target's profile before and after the merge.
CREATE TABLE merges (
	id          BLOB PRIMARY KEY,
	target_id   BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	merged_id   BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	reason      TEXT NOT NULL,
	probability REAL,
	user_id     BLOB REFERENCES users (id) ON DELETE SET NULL,
	undo        TEXT NOT NULL,
	created_at  TIMESTAMP NOT NULL,
	undone_at   TIMESTAMP
);
CREATE INDEX merges_target ON merges (target_id, created_at DESC);
CREATE UNIQUE INDEX merges_in_effect ON merges (merged_id) WHERE undone_at IS NULL;

-- Two customers that may be the same, scored by identity resolution; left_id sorts
-- before right_id. A decided pair keeps its decision: resolution never proposes or
-- merges a rejected pair again.
CREATE TABLE match_candidates (
	id          BLOB PRIMARY KEY,
	left_id     BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	right_id    BLOB NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	probability REAL NOT NULL,
	weight      REAL NOT NULL,
	explanation TEXT NOT NULL,
	status      TEXT NOT NULL,
	decided_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
	decided_at  TIMESTAMP,
	created_at  TIMESTAMP NOT NULL,
	updated_at  TIMESTAMP NOT NULL,
	UNIQUE (left_id, right_id)
);
CREATE INDEX match_candidates_status ON match_candidates (status, probability DESC, id);
CREATE INDEX match_candidates_right ON match_candidates (right_id);

-- Background work. A worker claims a queued job by setting it running with a lease;
-- a job whose lease ran out (its process died) is claimed again.
CREATE TABLE jobs (
	id           BLOB PRIMARY KEY,
	kind         TEXT NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	run_at       TIMESTAMP NOT NULL,
	leased_until TIMESTAMP,
	result       TEXT NOT NULL DEFAULT '',
	error        TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL,
	finished_at  TIMESTAMP
);
CREATE INDEX jobs_queue ON jobs (state, run_at);
