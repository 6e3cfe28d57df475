package sqldb

import (
	"context"
	"sort"

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
		entries, next, err = tx.timeline(f, kind)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return entries, next, nil
}

// timeline reads a page of the timeline of a customer of the kind given, whom the
// caller has found visible.
func (tx *Tx) timeline(f rapport.InteractionFilter, kind rapport.CustomerKind) ([]rapport.TimelineEntry, string, error) {
	wantNotes := len(f.Channels) == 0 && len(f.Sources) == 0 && (len(f.Types) == 0 || contains(f.Types, rapport.TypeNote))
	var types []rapport.InteractionType
	for _, t := range f.Types {
		if t != rapport.TypeNote {
			types = append(types, t)
		}
	}
	wantInteractions := len(f.Types) == 0 || len(types) > 0
	f.Types = types
	n := limit(f.Limit, 50, 500)

	var entries []rapport.TimelineEntry
	more := false
	if wantInteractions {
		page, next, err := tx.findInteractions(f, kind)
		if err != nil {
			return nil, "", err
		}
		more = next != ""
		for _, in := range page {
			entries = append(entries, rapport.TimelineEntry{At: in.OccurredAt, Interaction: in})
		}
	}
	if wantNotes {
		notes, next, err := tx.findNotes(rapport.NoteFilter{CustomerID: f.CustomerID, Cursor: f.Cursor, Limit: n})
		if err != nil {
			return nil, "", err
		}
		more = more || next != ""
		for _, note := range notes {
			entries = append(entries, rapport.TimelineEntry{At: note.CreatedAt, Note: note})
		}
	}
	sort.Slice(entries, func(i, j int) bool {
		if !entries[i].At.Equal(entries[j].At) {
			return entries[i].At.After(entries[j].At)
		}
		return entryID(entries[i]).String() > entryID(entries[j]).String()
	})
	if len(entries) > n {
		entries, more = entries[:n], true
	}
	var next string
	if more && len(entries) > 0 {
		last := entries[len(entries)-1]
		next = timeCursor(last.At, entryID(last))
	}
	return entries, next, nil
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
