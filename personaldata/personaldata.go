// Package personaldata writes everything Rapport holds about one customer as one JSON
// document: the answer to a person's request for their data (GDPR articles 15 and 20).
// The web app and the API serve it to admins and managers in their scope; `rapport
// customer export` writes it in the system's scope, notes private to any member of staff
// included.
package personaldata

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/rapportckm/rapport"
)

// Store is what the export reads: each part as its own endpoint reads it, in the
// exporter's scope, walls and note visibility applied and the reads audited.
type Store interface {
	RecordExport(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Customer, error)
	FindCustomerByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Customer, error)
	FindMerges(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Merge, error)
	FindSourceRecords(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.SourceRecord, error)
	FindLinks(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Link, error)
	FindConsents(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.Consent, error)
	FindCustomerValue(ctx context.Context, s rapport.Scope, customerID rapport.ID) (*rapport.CustomerValue, error)
	FindPortalAccounts(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.PortalAccount, error)
	FindAllItems(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Item, error)
	FindNotes(ctx context.Context, s rapport.Scope, f rapport.NoteFilter) ([]*rapport.Note, string, error)
	FindFeedback(ctx context.Context, s rapport.Scope, f rapport.FeedbackFilter) ([]*rapport.Feedback, string, error)
	FindInteractions(ctx context.Context, s rapport.Scope, f rapport.InteractionFilter) ([]*rapport.Interaction, string, error)
}

// pageSize is how many timeline entries, notes or feedback are read at a time.
const pageSize = 500

// Write checks that s may export customer id, records the export, and writes it to w.
// Everything a customer did or was told through Rapport (survey answers, questions to
// experts, articles read, e-mail sent) is on their timeline, so the timeline carries
// it. The long lists are written as they are read, so a customer with 100,000
// interactions costs no more memory than one with 10. begin is called once, before the
// first byte: an error returned before it was called means nothing was written.
func Write(ctx context.Context, st Store, s rapport.Scope, id rapport.ID, exportedBy string, w io.Writer, begin func()) error {
	customer, err := st.RecordExport(ctx, s, id)
	if err != nil {
		return err
	}
	// The short parts first, so that an error in them leaves nothing written.
	merges, err := st.FindMerges(ctx, s, id)
	if err != nil {
		return err
	}
	mergedRecords := []*rapport.Customer{}
	for _, m := range merges {
		if m.UndoneAt != nil {
			continue
		}
		rec, err := st.FindCustomerByID(ctx, s, m.MergedID)
		if err != nil {
			return err
		}
		mergedRecords = append(mergedRecords, rec)
	}
	sources, err := st.FindSourceRecords(ctx, s, id)
	if err != nil {
		return err
	}
	links, err := st.FindLinks(ctx, s, id)
	if err != nil {
		return err
	}
	consents, err := st.FindConsents(ctx, s, id)
	if err != nil {
		return err
	}
	value, err := st.FindCustomerValue(ctx, s, id)
	if err != nil {
		return err
	}
	accounts, err := st.FindPortalAccounts(ctx, s, id)
	if err != nil {
		return err
	}
	items, err := st.FindAllItems(ctx, s, id)
	if err != nil {
		return err
	}

	begin()
	out := newObject(w)
	out.member("exported_at", time.Now().UTC())
	out.member("exported_by", exportedBy)
	out.member("customer", customer)
	out.member("merged_records", mergedRecords)
	out.member("merges", nonNil(merges))
	out.member("source_records", nonNil(sources))
	out.member("links", nonNil(links))
	out.member("consents", nonNil(consents))
	out.member("value", value)
	out.member("portal_accounts", nonNil(accounts))
	out.member("items", nonNil(items))
	err = list(out, "notes", func(cursor string) ([]*rapport.Note, string, error) {
		return st.FindNotes(ctx, s, rapport.NoteFilter{CustomerID: id, Cursor: cursor, Limit: pageSize})
	})
	if err == nil {
		err = list(out, "feedback", func(cursor string) ([]*rapport.Feedback, string, error) {
			return st.FindFeedback(ctx, s, rapport.FeedbackFilter{CustomerID: id, Cursor: cursor, Limit: pageSize})
		})
	}
	if err == nil {
		err = list(out, "interactions", func(cursor string) ([]*rapport.Interaction, string, error) {
			return st.FindInteractions(ctx, s, rapport.InteractionFilter{CustomerID: id, Cursor: cursor, Limit: pageSize})
		})
	}
	if err != nil {
		return err
	}
	return out.close()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// object writes a JSON object one member at a time; the first error sticks.
type object struct {
	w   *bufio.Writer
	enc *json.Encoder
	n   int
	err error
}

func newObject(w io.Writer) *object {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &object{w: bw, enc: enc}
}

// key starts the next member.
func (o *object) key(name string) {
	if o.n == 0 {
		o.w.WriteByte('{')
	} else {
		o.w.WriteByte(',')
	}
	o.n++
	o.encode(name)
	o.w.WriteByte(':')
}

func (o *object) encode(v any) {
	if o.err == nil {
		o.err = o.enc.Encode(v)
	}
}

func (o *object) member(name string, v any) {
	o.key(name)
	o.encode(v)
}

func (o *object) close() error {
	o.w.WriteString("}\n")
	if o.err != nil {
		return o.err
	}
	return o.w.Flush()
}

// list writes the member name as a list of every page that next returns.
func list[T any](o *object, name string, next func(cursor string) ([]T, string, error)) error {
	o.key(name)
	o.w.WriteByte('[')
	cursor, first := "", true
	for {
		page, more, err := next(cursor)
		if err != nil {
			return err
		}
		for _, v := range page {
			if !first {
				o.w.WriteByte(',')
			}
			first = false
			o.encode(v)
		}
		if o.err != nil {
			return o.err
		}
		if more == "" {
			break
		}
		cursor = more
	}
	o.w.WriteByte(']')
	return nil
}
