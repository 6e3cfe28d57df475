package sqldb

import (
	"context"
	"database/sql"
	"regexp"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

var _ rapport.MailService = (*DB)(nil)

const mailColumns = `id, customer_id, purpose, ref, to_address, to_name, subject, body, state, attempts, next_attempt_at,
	last_error, message_id, created_at, sent_at`

func scanMail(rows Scanner) (*rapport.Mail, error) {
	m := &rapport.Mail{}
	var sent sql.NullTime
	err := rows.Scan(&m.ID, &m.CustomerID, &m.Purpose, &m.Ref, &m.ToAddress, &m.ToName, &m.Subject, &m.Text, &m.State,
		&m.Attempts, &m.NextAttemptAt, &m.LastError, &m.MessageID, &m.CreatedAt, &sent)
	m.SentAt = utcPtr(sent)
	return m, err
}

// QueueMail queues a message to be sent by the mail job.
func (db *DB) QueueMail(ctx context.Context, s rapport.Scope, m *rapport.Mail) error {
	return db.update(ctx, s, func(tx *Tx) error { return tx.queueMail(m) })
}

// queueMail queues a message in the transaction's writes, with the job that sends it:
// both exist if the transaction commits.
func (tx *Tx) queueMail(m *rapport.Mail) error {
	if err := m.Validate(); err != nil {
		return err
	}
	m.ID, m.State, m.Attempts, m.NextAttemptAt, m.CreatedAt = rapport.NewID(), rapport.MailQueued, 0, tx.now, tx.now
	if _, err := tx.exec(`INSERT INTO outbox (id, customer_id, purpose, ref, to_address, to_name, subject, body, state,
		next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.ID, m.CustomerID, m.Purpose, m.Ref, m.ToAddress, m.ToName, m.Subject, m.Text, string(m.State),
		m.NextAttemptAt, m.CreatedAt); err != nil {
		return err
	}
	if err := tx.audit("queue", "mail", m.ID, m.CustomerID, false, m.Purpose+" to "+m.ToAddress+": "+m.Subject); err != nil {
		return err
	}
	return tx.enqueueJob(rapport.JobMail, 0)
}

// ClaimMail takes due messages, oldest first. The due condition is repeated outside
// the subquery so that of two servers racing for a message, only one gets it (as
// ClaimJob does).
func (db *DB) ClaimMail(ctx context.Context, n int, lease time.Duration) ([]*rapport.Mail, error) {
	var out []*rapport.Mail
	err := db.update(ctx, rapport.SystemScope(""), func(tx *Tx) (err error) {
		out, err = queryAll(tx, `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1
			WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= $2 ORDER BY next_attempt_at LIMIT $3)
			AND state = 'queued' AND next_attempt_at <= $2
			RETURNING `+mailColumns, []any{tx.now.Add(lease), tx.now, n}, scanMail)
		return err
	})
	return out, err
}

// mailedKey is a link mailed to a customer that is a key in itself: to choose the
// password of their help centre account, answer a survey, or say whether their
// feedback was resolved. Whoever holds it acts as the customer.
var mailedKey = regexp.MustCompile(`(/(?:help/password|help/verify|portal/survey|portal/feedback)/)[A-Za-z0-9_-]+`)

// withoutKeys is a message as the timeline keeps it: every member of staff who may see
// the customer reads it there, so the keys in its links are left out.
func withoutKeys(text string) string { return mailedKey.ReplaceAllString(text, "${1}…") }

// MailSent records that a message was taken by the mail server and writes its entry on
// the timeline of the customer it was written to, where they are now.
func (db *DB) MailSent(ctx context.Context, id rapport.ID, messageID string) error {
	return db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		ms, err := queryAll(tx, `UPDATE outbox SET state = 'sent', sent_at = $1, message_id = $2, last_error = ''
			WHERE id = $3 AND state = 'queued' RETURNING `+mailColumns, []any{tx.now, messageID, id}, scanMail)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return rapport.NotFound("queued mail")
		}
		m := ms[0]
		if m.CustomerID.IsZero() {
			return nil
		}
		var current rapport.ID
		if err := tx.queryRow(`SELECT COALESCE(merged_into, id) FROM customers WHERE id = $1`, m.CustomerID).Scan(&current); err != nil {
			return err
		}
		return tx.writeEntry(entry{customer: current, recorded: m.CustomerID, typ: "email", channel: "email",
			actorKind: rapport.ActorSystem, actorID: "rapport", summary: m.Subject, body: withoutKeys(m.Text),
			attrs: map[string]any{"direction": "outbound", "mail_id": m.ID.String(), "purpose": m.Purpose, "ref": m.Ref,
				"to": m.ToAddress, "message_id": messageID}})
	})
}

// MailFailed records a failed attempt and when to try again, or gives the message up.
func (db *DB) MailFailed(ctx context.Context, id rapport.ID, reason string, final bool) error {
	return db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		var attempts int
		if err := tx.queryRow(`SELECT attempts FROM outbox WHERE id = $1 AND state = 'queued'`, id).Scan(&attempts); err != nil {
			return cmpErr(err, nil)
		}
		state, next := rapport.MailQueued, tx.now.Add(rapport.MailRetryAfter(attempts))
		if final || attempts >= rapport.MailMaxAttempts {
			state, next = rapport.MailFailed, tx.now
		}
		if _, err := tx.exec(`UPDATE outbox SET state = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4`,
			string(state), next, markdown.Shorten(reason, 500), id); err != nil {
			return err
		}
		if state == rapport.MailQueued {
			// Try again when it is due, whether or not other mail is queued by then.
			_, err := tx.queueJob(rapport.JobMail, "", next.Sub(tx.now))
			return err
		}
		return nil
	})
}

// FindOutbox lists the outbox for admins, newest first.
func (db *DB) FindOutbox(ctx context.Context, s rapport.Scope, f rapport.OutboxFilter) ([]*rapport.Mail, error) {
	if err := rapport.Require(s.IsAdmin(), "read the outbox"); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var out []*rapport.Mail
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		q := &Query{}
		where := ""
		if f.State != "" {
			where = `WHERE state = ` + q.Arg(string(f.State))
		}
		out, err = queryAll(tx, `SELECT `+mailColumns+` FROM outbox `+where+` ORDER BY created_at DESC, id DESC LIMIT `+q.Arg(f.Limit),
			q.Args(), scanMail)
		return err
	})
	return out, err
}
