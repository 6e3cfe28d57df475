-- Files attached to feedback (a photo of the broken part, the customer's letter, an
-- e-mail's attachments). An attachment belongs to an interaction or to a feedback item,
-- exactly one; the row goes with it.
ALTER TABLE attachments ALTER COLUMN interaction_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN feedback_id uuid REFERENCES feedback (id) ON DELETE CASCADE;
ALTER TABLE attachments ADD CONSTRAINT attachments_one_owner CHECK ((interaction_id IS NULL) <> (feedback_id IS NULL));
CREATE INDEX attachments_feedback ON attachments (feedback_id, created_at, id) WHERE feedback_id IS NOT NULL;
