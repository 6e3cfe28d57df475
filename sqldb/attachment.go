package sqldb

import (
	"context"
	"fmt"

	"github.com/rapportckm/rapport"
)

var _ rapport.AttachmentService = (*DB)(nil)

const attachmentColumns = `a.id, a.interaction_id, a.feedback_id, COALESCE(i.customer_id, fb.customer_id), a.name, a.content_type,
	a.size, a.sha256, a.storage_key, a.added_by, a.created_at`

const attachmentFrom = `attachments a LEFT JOIN interactions i ON i.id = a.interaction_id LEFT JOIN feedback fb ON fb.id = a.feedback_id`

// visibleAttachment is the condition that the scope sees the interaction's customer or
// the feedback item an attachment belongs to.
func visibleAttachment(q *Query, s rapport.Scope) string {
	return `(a.interaction_id IS NOT NULL AND ` + visibleCustomer(q, s, "i.customer_id") + ` OR a.feedback_id IS NOT NULL AND ` + visibleFeedback(q, s) + `)`
}

func scanAttachment(rows Scanner) (*rapport.Attachment, error) {
	a := &rapport.Attachment{}
	err := rows.Scan(&a.ID, &a.InteractionID, &a.FeedbackID, &a.CustomerID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.StorageKey,
		&a.AddedBy, &a.CreatedAt)
	return a, err
}

// CreateAttachment records a stored content as an attachment of a visible customer's
// interaction, or of a visible feedback item. Whoever may log feedback may attach
// files to it.
func (db *DB) CreateAttachment(ctx context.Context, s rapport.Scope, a *rapport.Attachment) error {
	if a.FeedbackID.IsZero() {
		if err := rapport.Require(s.CanWriteCustomers(), "attach files"); err != nil {
			return err
		}
	} else if err := rapport.Require(s.CanWriteNotes(), "attach files to feedback"); err != nil {
		return err
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if !a.FeedbackID.IsZero() {
			a.InteractionID = rapport.ID{}
			q := &Query{}
			err := tx.queryRow(`SELECT fb.customer_id FROM feedback fb WHERE fb.id = `+q.Arg(a.FeedbackID)+
				` AND `+visibleFeedback(q, s), q.Args()...).Scan(&a.CustomerID)
			if err != nil {
				return notFound(err, "feedback")
			}
			return tx.insertAttachment(a)
		}
		q := &Query{}
		err := tx.queryRow(`SELECT i.customer_id FROM interactions i WHERE i.id = `+q.Arg(a.InteractionID)+
			` AND `+visibleCustomer(q, s, "i.customer_id"), q.Args()...).Scan(&a.CustomerID)
		if err != nil {
			return notFound(err, "interaction")
		}
		return tx.insertAttachment(a)
	})
}

// insertAttachment records a of a visible customer's interaction, with its audit event.
func (tx *Tx) insertAttachment(a *rapport.Attachment) error {
	a.ID, a.CreatedAt = rapport.NewID(), tx.now
	if tx.scope.Kind == rapport.ActorStaff {
		a.AddedBy = tx.scope.UserID
	}
	if _, err := tx.exec(`INSERT INTO attachments (id, interaction_id, feedback_id, name, content_type, size, sha256, storage_key, added_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		a.ID, a.InteractionID, a.FeedbackID, a.Name, a.ContentType, a.Size, a.SHA256, a.StorageKey, a.AddedBy, a.CreatedAt); err != nil {
		return err
	}
	if err := tx.countAttachment(a, +1); err != nil {
		return err
	}
	return tx.audit("create", "attachment", a.ID, a.CustomerID, false,
		fmt.Sprintf("%s (%s, %d bytes)", a.Name, a.ContentType, a.Size))
}

// findAttachment reads an attachment of a visible customer's interaction or of a
// visible feedback item.
func (tx *Tx) findAttachment(id rapport.ID) (*rapport.Attachment, error) {
	q := &Query{}
	found, err := queryAll(tx, `SELECT `+attachmentColumns+` FROM `+attachmentFrom+` WHERE a.id = `+q.Arg(id)+
		` AND `+visibleAttachment(q, tx.scope), q.Args(), scanAttachment)
	if err != nil {
		return nil, err
	} else if len(found) == 0 {
		return nil, rapport.NotFound("attachment")
	}
	return found[0], nil
}

// FindAttachmentByID returns an attachment of a visible customer's interaction and
// records the read: reading an attachment's description is how its content is reached.
func (db *DB) FindAttachmentByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Attachment, error) {
	var a *rapport.Attachment
	err := db.view(ctx, s, func(tx *Tx) error {
		var err error
		a, err = tx.findAttachment(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, db.auditRead(ctx, s, "attachment", a.ID, a.CustomerID, a.Name)
}

// FindAttachments lists the attachments of a visible customer's interaction.
func (db *DB) FindAttachments(ctx context.Context, s rapport.Scope, interactionID rapport.ID) ([]*rapport.Attachment, error) {
	var customerID rapport.ID
	var out []*rapport.Attachment
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		err := tx.queryRow(`SELECT i.customer_id FROM interactions i WHERE i.id = `+q.Arg(interactionID)+
			` AND `+visibleCustomer(q, s, "i.customer_id"), q.Args()...).Scan(&customerID)
		if err != nil {
			return notFound(err, "interaction")
		}
		in := &rapport.Interaction{ID: interactionID, CustomerID: customerID}
		if err := tx.loadAttachments([]*rapport.Interaction{in}); err != nil {
			return err
		}
		out = in.Attachments
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []*rapport.Attachment{}
	}
	return out, db.auditRead(ctx, s, "attachments", interactionID, customerID, "")
}

// FindFeedbackAttachments lists the attachments of a visible feedback item.
func (db *DB) FindFeedbackAttachments(ctx context.Context, s rapport.Scope, feedbackID rapport.ID) ([]*rapport.Attachment, error) {
	var out []*rapport.Attachment
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findFeedback(feedbackID); err != nil {
			return err
		}
		q := &Query{}
		var err error
		out, err = queryAll(tx, `SELECT `+attachmentColumns+` FROM `+attachmentFrom+` WHERE a.feedback_id = `+q.Arg(feedbackID)+
			` ORDER BY a.created_at, a.id`, q.Args(), scanAttachment)
		return err
	})
	if out == nil {
		out = []*rapport.Attachment{}
	}
	return out, err
}

// loadAttachments sets the Attachments of interactions the caller has found visible,
// with one query however many there are.
func (tx *Tx) loadAttachments(ins []*rapport.Interaction) error {
	if len(ins) == 0 {
		return nil
	}
	byID := make(map[rapport.ID]*rapport.Interaction, len(ins))
	ids := make([]any, len(ins))
	for i, in := range ins {
		byID[in.ID], ids[i] = in, in.ID
	}
	q := &Query{}
	return tx.each(`SELECT a.id, a.interaction_id, a.name, a.content_type, a.size, a.sha256, a.storage_key, a.added_by, a.created_at
		FROM attachments a WHERE a.interaction_id IN `+q.In(ids...)+` ORDER BY a.created_at, a.id`, q.Args(), func(r Scanner) error {
		a := &rapport.Attachment{}
		if err := r.Scan(&a.ID, &a.InteractionID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.StorageKey, &a.AddedBy, &a.CreatedAt); err != nil {
			return err
		}
		in := byID[a.InteractionID]
		a.CustomerID = in.CustomerID
		in.Attachments = append(in.Attachments, a)
		return nil
	})
}

// DeleteAttachment deletes an attachment of a visible customer's interaction; the
// table's trigger queues its content for the purge job, queued here.
func (db *DB) DeleteAttachment(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWriteCustomers(), "delete attachments"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		a, err := tx.findAttachment(id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM attachments WHERE id = $1`, id); err != nil {
			return err
		}
		if err := tx.countAttachment(a, -1); err != nil {
			return err
		}
		if err := tx.queuePurge(); err != nil {
			return err
		}
		return tx.audit("delete", "attachment", id, a.CustomerID, false, a.Name)
	})
}

// countAttachment adds by to the count of files attached to a's interaction, if it
// has one (migration 0039): timelines look up the files of counted interactions only.
func (tx *Tx) countAttachment(a *rapport.Attachment, by int) error {
	if a.InteractionID.IsZero() {
		return nil
	}
	_, err := tx.exec(`UPDATE interactions SET attachment_count = attachment_count + $1 WHERE id = $2`, by, a.InteractionID)
	return err
}

// queuePurge queues the purge job if contents wait to be deleted: call it in any
// transaction that may have deleted attachments.
func (tx *Tx) queuePurge() error {
	var waiting bool
	if err := tx.queryRow(`SELECT EXISTS (SELECT 1 FROM attachment_purges)`).Scan(&waiting); err != nil || !waiting {
		return err
	}
	return tx.enqueueJob(rapport.JobPurgeAttachments, 0)
}

// ContentsToDelete returns up to n keys of contents to delete, oldest first.
func (db *DB) ContentsToDelete(ctx context.Context, n int) ([]string, error) {
	var keys []string
	err := db.view(ctx, rapport.SystemScope(""), func(tx *Tx) (err error) {
		keys, err = queryAll(tx, `SELECT storage_key FROM attachment_purges ORDER BY queued_at, storage_key LIMIT `+fmt.Sprint(limit(n, 100, 1000)),
			nil, func(rows Scanner) (string, error) {
				var k string
				return k, rows.Scan(&k)
			})
		return err
	})
	return keys, err
}

// ContentsDeleted forgets keys whose contents are deleted.
func (db *DB) ContentsDeleted(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	return db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		q := &Query{}
		_, err := tx.exec(`DELETE FROM attachment_purges WHERE storage_key IN `+q.In(anySlice(keys)...), q.Args()...)
		return err
	})
}
