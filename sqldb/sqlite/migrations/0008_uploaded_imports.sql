-- Files uploaded through the web app and the API are imported by a job, as the user
-- who uploaded them (user_id; NULL for rapport import) with the mapping they
-- confirmed. run_* record where the current run started, for its pace.
ALTER TABLE imports ADD COLUMN user_id BLOB REFERENCES users (id);
ALTER TABLE imports ADD COLUMN job_id BLOB REFERENCES jobs (id);
ALTER TABLE imports ADD COLUMN mapping TEXT NOT NULL DEFAULT '';
ALTER TABLE imports ADD COLUMN run_started_at TIMESTAMP;
ALTER TABLE imports ADD COLUMN run_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imports ADD COLUMN run_read INTEGER NOT NULL DEFAULT 0;
CREATE INDEX imports_user ON imports (user_id, id);
