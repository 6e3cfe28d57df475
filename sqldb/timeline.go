package sqldb

import (
	"context"
	"encoding/json"
	"sort"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.TimelineService = (*DB)(nil)

// FindTimeline merges a page of interactions with the notes of the same period. It
// records no read: the profile page reads its timeline through FindProfile, which does.
func (db *DB) FindTimeline(ctx context.Context, s rapport.Scope, f rapport.InteractionFilter) ([]rapport.TimelineEntry, string, error) {
	var entries []rapport.TimelineEntry
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		kind, err := tx.findCustomerKind(f.CustomerID)
		if err != nil {
			return err
		}
		return tx.reads(func(b *batch) { b.timeline(f, kind, true, &entries, &next) })
	})
	if err != nil {
		return nil, "", err
	}
	return entries, next, nil
}

// timeline reads into out a page of the timeline of a customer of the kind given, whom
// the caller has found visible, and the cursor of the next into next; its notes only
// if hasNotes says it may have some.
func (b *batch) timeline(f rapport.InteractionFilter, kind rapport.CustomerKind, hasNotes bool, out *[]rapport.TimelineEntry, next *string) {
	wantNotes := hasNotes && len(f.Channels) == 0 && len(f.Sources) == 0 && (len(f.Types) == 0 || contains(f.Types, rapport.TypeNote))
	var types []rapport.InteractionType
	for _, t := range f.Types {
		if t != rapport.TypeNote {
			types = append(types, t)
		}
	}
	wantInteractions := len(f.Types) == 0 || len(types) > 0
	f.Types = types
	n := limit(f.Limit, 50, 500)

	var read []readInteraction
	var notes []*rapport.Note
	var moreInteractions, moreNotes string
	if wantInteractions {
		b.interactions(f, kind, &read, &moreInteractions)
	}
	if wantNotes {
		b.notes(rapport.NoteFilter{CustomerID: f.CustomerID, Cursor: f.Cursor, Limit: n}, &notes, &moreNotes)
	}
	b.then(func() error {
		page, err := b.tx.finishReading(read)
		if err != nil {
			return err
		}
		var entries []rapport.TimelineEntry
		for _, in := range page {
			entries = append(entries, rapport.TimelineEntry{At: in.OccurredAt, Interaction: in})
		}
		for _, note := range notes {
			entries = append(entries, rapport.TimelineEntry{At: note.CreatedAt, Note: note})
		}
		sort.Slice(entries, func(i, j int) bool {
			if !entries[i].At.Equal(entries[j].At) {
				return entries[i].At.After(entries[j].At)
			}
			return entryID(entries[i]).String() > entryID(entries[j]).String()
		})
		more := moreInteractions != "" || moreNotes != ""
		if len(entries) > n {
			entries, more = entries[:n], true
		}
		*out = entries
		if more && len(entries) > 0 {
			last := entries[len(entries)-1]
			*next = timeCursor(last.At, entryID(last))
		}
		return nil
	})
}

func entryID(e rapport.TimelineEntry) rapport.ID {
	if e.Note != nil {
		return e.Note.ID
	}
	return e.Interaction.ID
}

func contains[T comparable](values []T, v T) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

// entry is a timeline entry Rapport writes itself when something happens to a
// customer: feedback logged or moved on, an action item, an item of business, a survey
// answer, a mail sent. Its attributes name what happened, so that segment rules and the
// playbook's questions can test them.
type entry struct {
	id       rapport.ID      // a new one when zero
	customer rapport.ID      // the profile it lands on
	recorded rapport.ID      // the customer it was recorded for, which unmerge goes by; customer when zero
	typ      string          // "other" when empty
	channel  rapport.Channel // "other" when empty
	at       time.Time       // when it happened; now when zero
	// Who acted: the scope's actor (and staff user) when actorKind is empty.
	actorKind     rapport.ActorKind
	actorID       string
	summary, body string
	attrs         map[string]any
}

// writeEntry writes e, its summary cut to 500 characters.
func (tx *Tx) writeEntry(e entry) error {
	raw, err := json.Marshal(e.attrs)
	if err != nil {
		return err
	}
	if e.id.IsZero() {
		e.id = rapport.NewID()
	}
	if e.recorded.IsZero() {
		e.recorded = e.customer
	}
	if e.typ == "" {
		e.typ = "other"
	}
	if e.channel == "" {
		e.channel = "other"
	}
	if e.at.IsZero() {
		e.at = tx.now
	}
	if e.actorKind == "" {
		e.actorKind = tx.scope.Kind
		if e.actorKind == rapport.ActorStaff {
			e.actorID = tx.scope.UserID.String()
		}
	}
	if r := []rune(e.summary); len(r) > 500 {
		e.summary = string(r[:499]) + "…"
	}
	_, err = tx.exec(`INSERT INTO interactions (id, customer_id, recorded_customer_id, type, channel, occurred_at,
		actor_kind, actor_id, summary, body, currency, attributes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12)`,
		e.id, e.customer, e.recorded, e.typ, string(e.channel), e.at, string(e.actorKind), e.actorID,
		e.summary, e.body, string(raw), tx.now)
	return err
}

// feedbackRecordedFor is the customer feedback was logged for, whom its entries are
// recorded for.
func (tx *Tx) feedbackRecordedFor(feedbackID rapport.ID) (rapport.ID, error) {
	var recorded rapport.ID
	err := tx.queryRow(`SELECT recorded_customer_id FROM feedback WHERE id = $1`, feedbackID).Scan(&recorded)
	return recorded, err
}
