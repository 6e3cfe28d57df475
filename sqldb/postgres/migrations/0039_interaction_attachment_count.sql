-- How many files are attached to each interaction, kept by the store as attachments are
-- added and deleted, so that a timeline looks up the files of only the interactions that
-- have some: most have none, and looking for each one's cost a seventh of a timeline.
ALTER TABLE interactions ADD COLUMN attachment_count INTEGER NOT NULL DEFAULT 0;
UPDATE interactions SET attachment_count = (SELECT COUNT(*) FROM attachments a WHERE a.interaction_id = interactions.id)
	WHERE id IN (SELECT interaction_id FROM attachments WHERE interaction_id IS NOT NULL);
