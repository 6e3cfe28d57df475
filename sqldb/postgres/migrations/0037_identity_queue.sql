-- Incremental identity resolution. identity_queue holds the customers created or changed
-- since they were last resolved; a new ticket on each change, so that a change made while
-- the customer is being resolved keeps it queued.
CREATE TABLE identity_queue (
	customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	ticket      uuid NOT NULL
);
-- identity_keys holds every person record's key under each blocking rule, so that an
-- arriving record finds the records it may match without reading them all.
CREATE TABLE identity_keys (
	rule        integer NOT NULL,
	key         bigint NOT NULL,
	customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
	PRIMARY KEY (rule, key, customer_id)
);
CREATE INDEX identity_keys_customer ON identity_keys (customer_id);
-- identity_model is the model the last full resolution learnt (linkage.Trained as JSON),
-- with which arriving records are scored.
CREATE TABLE identity_model (
	id         integer PRIMARY KEY CHECK (id = 1),
	model      text NOT NULL,
	fitted_at  timestamptz NOT NULL
);
