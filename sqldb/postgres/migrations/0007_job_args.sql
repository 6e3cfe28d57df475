-- Jobs take an argument, such as the id of the import they run; one job of a kind is
-- queued per argument.
ALTER TABLE jobs ADD COLUMN arg TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_kind_arg ON jobs (kind, arg, state);
