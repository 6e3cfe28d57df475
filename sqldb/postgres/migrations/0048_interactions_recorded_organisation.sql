-- What a person did on an organisation's behalf follows the organisation through a
-- merge, as the person's own interactions follow them. recorded_organisation_id is the
-- organisation it was recorded for, set when a merge first moves it (NULL until then),
-- so that undoing the merge gives the organisation back what was recorded for it.
ALTER TABLE interactions ADD COLUMN recorded_organisation_id uuid;
-- Organisations merged before now get what was done on their behalf.
UPDATE interactions SET recorded_organisation_id = organisation_id,
	organisation_id = (SELECT c.merged_into FROM customers c WHERE c.id = interactions.organisation_id)
	WHERE organisation_id IN (SELECT id FROM customers WHERE merged_into IS NOT NULL);
