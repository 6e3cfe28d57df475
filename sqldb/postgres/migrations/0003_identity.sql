-- Identity resolution: merges that can be undone, the pairs waiting for a reviewer,
-- and the job queue that runs resolution in the background.
-- sqldb/sqlite/migrations/0003_identity.sql is the same schema.

-- A merge of merged_id into target_id. undo holds what unmerging needs (JSON): the
-- customers that had been merged into merged_id and moved with it, the notes and links
-- moved, and the target's profile before and after the merge.
CREATE TABLE merges (
	id          uuid PRIMARY KEY,
	target_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	merged_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	reason      TEXT NOT NULL,
	probability double precision,
	user_id     uuid REFERENCES users (id) ON DELETE SET NULL,
	undo        jsonb NOT NULL,
	created_at  timestamptz NOT NULL,
	undone_at   timestamptz
);
CREATE INDEX merges_target ON merges (target_id, created_at DESC);
CREATE UNIQUE INDEX merges_in_effect ON merges (merged_id) WHERE undone_at IS NULL;

-- Two customers that may be the same, scored by identity resolution; left_id sorts
-- before right_id. A decided pair keeps its decision: resolution never proposes or
-- merges a rejected pair again.
CREATE TABLE match_candidates (
	id          uuid PRIMARY KEY,
	left_id     uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	right_id    uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	probability double precision NOT NULL,
	weight      double precision NOT NULL,
	explanation jsonb NOT NULL,
	status      TEXT NOT NULL,
	decided_by  uuid REFERENCES users (id) ON DELETE SET NULL,
	decided_at  timestamptz,
	created_at  timestamptz NOT NULL,
	updated_at  timestamptz NOT NULL,
	UNIQUE (left_id, right_id)
);
CREATE INDEX match_candidates_status ON match_candidates (status, probability DESC, id);
CREATE INDEX match_candidates_right ON match_candidates (right_id);

-- Background work. A worker claims a queued job by setting it running with a lease;
-- a job whose lease ran out (its process died) is claimed again.
CREATE TABLE jobs (
	id           uuid PRIMARY KEY,
	kind         TEXT NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	run_at       timestamptz NOT NULL,
	leased_until timestamptz,
	result       TEXT NOT NULL DEFAULT '',
	error        TEXT NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL,
	finished_at  timestamptz
);
CREATE INDEX jobs_queue ON jobs (state, run_at);
