-- Each customer's value as the value job last worked it out: RFM scores and what the
-- BG/NBD and Gamma-Gamma models expect of them. Replaced whole by every run.
CREATE TABLE customer_values (
	customer_id        uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
	currency           TEXT NOT NULL,
	purchases          INTEGER NOT NULL,
	revenue            BIGINT NOT NULL,
	first_at           timestamptz NOT NULL,
	last_at            timestamptz NOT NULL,
	recency_score      INTEGER NOT NULL,
	frequency_score    INTEGER NOT NULL,
	monetary_score     INTEGER NOT NULL,
	p_alive            double precision NOT NULL,
	expected_purchases double precision NOT NULL,
	expected_spend     double precision NOT NULL,
	lifetime_value     double precision NOT NULL,
	computed_at        timestamptz NOT NULL
);
