-- The almost-customers list as the almost job last worked it out, for every customer:
-- readers see the entries of the customers they may see. Replaced whole by every run.
-- The flags say which kinds of reason an entry has, for the list's filters; reasons
-- holds them all as JSON, in plain words.
CREATE TABLE almost_customers (
	customer_id    uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	score          double precision NOT NULL,
	slipping       BOOLEAN NOT NULL,
	frustrated     BOOLEAN NOT NULL,
	lookalike      BOOLEAN NOT NULL,
	reasons        TEXT NOT NULL,
	next_step      TEXT NOT NULL,
	currency       TEXT NOT NULL DEFAULT '',
	revenue        BIGINT NOT NULL DEFAULT 0,
	lifetime_value double precision NOT NULL DEFAULT 0,
	p_alive        double precision,
	computed_at    timestamptz NOT NULL
);
CREATE INDEX almost_customers_rank ON almost_customers (score DESC, customer_id);

-- Each customer's P(alive) when the job first saw their last purchase: how far it has
-- fallen since is the "falling" of the slipping signal.
CREATE TABLE almost_baselines (
	customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	last_at     timestamptz NOT NULL,
	p_alive     double precision NOT NULL
);

-- When the list was last worked out, even if it came out empty. One row.
CREATE TABLE almost_runs (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	computed_at timestamptz NOT NULL,
	listed      INTEGER NOT NULL
);
