-- Structured notes (visit reports, meeting notes, interviews): the template a note
-- follows ('' for a free note) and its sections as a JSON array of {key, text}; the
-- body holds the same text whole, for search and lists.
ALTER TABLE notes ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE notes ADD COLUMN sections TEXT NOT NULL DEFAULT '';
-- Feedback logged from a line of a note.
ALTER TABLE feedback ADD COLUMN note_id BLOB REFERENCES notes (id) ON DELETE SET NULL;
