package sqldb

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/rapportckm/rapport"
)

var _ rapport.SourceService = (*DB)(nil)

// FindSources lists the source systems.
func (db *DB) FindSources(ctx context.Context, s rapport.Scope) ([]*rapport.Source, error) {
	var sources []*rapport.Source
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		sources, err = tx.findSources()
		return err
	})
	return sources, err
}

func (tx *Tx) findSources() ([]*rapport.Source, error) {
	return queryAll(tx, `SELECT s.id, s.name, s.title, s.trust, s.created_at FROM sources s ORDER BY s.name`, nil,
		func(rows Scanner) (*rapport.Source, error) {
			src := &rapport.Source{}
			return src, rows.Scan(&src.ID, &src.Name, &src.Title, &src.Trust, &src.CreatedAt)
		})
}

// CreateSource registers a source system.
func (db *DB) CreateSource(ctx context.Context, s rapport.Scope, src *rapport.Source) error {
	if err := rapport.Require(s.IsAdmin(), "register source systems"); err != nil {
		return err
	}
	if err := src.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		src.ID, src.CreatedAt = rapport.NewID(), tx.now
		if _, err := tx.exec(`INSERT INTO sources (id, name, title, created_at) VALUES ($1, $2, $3, $4)`, src.ID, src.Name, src.Title, src.CreatedAt); err != nil {
			return tx.nameTaken(err, "source", src.Name)
		}
		return tx.audit("create", "source", src.ID, rapport.ID{}, false, src.Name)
	})
}

// FindSourceRecords returns the records source systems sent for a visible customer,
// including those of customers merged into it.
func (db *DB) FindSourceRecords(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.SourceRecord, error) {
	var recs []*rapport.SourceRecord
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		return tx.reads(func(b *batch) { b.sourceRecordsOf(customerID, &recs) })
	})
	if err != nil {
		return nil, err
	}
	return recs, db.auditRead(ctx, s, "source_records", rapport.ID{}, customerID, "")
}

// IngestCustomers writes customer records from source systems. A record seen before
// updates its customer; a new one joins the customer that has the same e-mail address
// (among those the scope may see) or creates one.
func (db *DB) IngestCustomers(ctx context.Context, s rapport.Scope, rows []rapport.IncomingCustomer) (rapport.IngestResult, error) {
	return db.ImportCustomers(ctx, s, rows, nil)
}

// ImportCustomers is IngestCustomers that also records where the batch ends in its
// file, when at is not nil.
func (db *DB) ImportCustomers(ctx context.Context, s rapport.Scope, rows []rapport.IncomingCustomer, at *rapport.ImportBatch) (rapport.IngestResult, error) {
	res := rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}, Items: []rapport.IngestItem{}}
	if err := rapport.Require(s.CanWriteCustomers(), "write customers"); err != nil {
		return res, err
	}
	valid := validRows(rows, &res, func(r *rapport.IncomingCustomer) *int { return &r.Line }, (*rapport.IncomingCustomer).Validate)
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := tx.placeBatch(at); err != nil {
			return err
		}
		items, rejected, err := tx.ingestCustomers(valid)
		if err != nil {
			return err
		}
		res.Items = items
		res.Errors = append(res.Errors, rejected...)
		for _, it := range items {
			switch it.Result {
			case "created":
				res.Created++
			case "linked":
				res.Linked++
			case "unchanged":
				res.Unchanged++
			default:
				res.Updated++
			}
		}
		res.Rejected = len(res.Errors)
		var changed []rapport.ID
		for _, it := range items {
			if it.Result == "created" || it.Result == "updated" {
				changed = append(changed, it.CustomerID)
			}
		}
		if err := tx.queueIdentities(changed...); err != nil {
			return err
		}
		if err := tx.recordBatch(at, res); err != nil {
			return err
		}
		return tx.auditIngest("customers", res)
	})
	if err != nil {
		return rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}, Items: []rapport.IngestItem{}}, err
	}
	db.grew(ctx, res.Created+res.Linked, "customers", "customer_contacts", "customer_addresses", "source_records")
	sortLineErrors(res.Errors)
	return res, nil
}

// auditIngest records a bulk write that changed something.
func (tx *Tx) auditIngest(what string, res rapport.IngestResult) error {
	if res.Created+res.Updated+res.Linked == 0 {
		return nil // nothing changed: a retry or a re-import leaves no trace to audit
	}
	return tx.audit("ingest", what, rapport.ID{}, rapport.ID{}, false,
		fmt.Sprintf("received %d, created %d, updated %d, linked %d, unchanged %d, rejected %d",
			res.Received, res.Created, res.Updated, res.Linked, res.Unchanged, res.Rejected))
}

func (tx *Tx) ingestCustomers(rows []*rapport.IncomingCustomer) ([]rapport.IngestItem, []rapport.LineError, error) {
	var items []rapport.IngestItem
	var rejected []rapport.LineError
	names := map[string]bool{}
	for _, r := range rows {
		names[r.Source] = true
	}
	sources, err := tx.sourceIDs(keys(names), true)
	if err != nil {
		return nil, nil, err
	}
	refs := make([]sourceRef, len(rows))
	var emails []any
	for i, r := range rows {
		refs[i] = sourceRef{sources[r.Source], r.SourceKey}
		for _, e := range r.Emails {
			emails = append(emails, rapport.NormalizeEmail(e.Value))
		}
	}
	stored, err := tx.sourceRecords(refs)
	if err != nil {
		return nil, nil, err
	}
	byEmail, err := tx.customersByEmail(emails)
	if err != nil {
		return nil, nil, err
	}
	// The customers the batch creates, and their records, are written together (one
	// statement a table instead of four a customer), before a later row reads one of
	// them, and at the end. Their rows were checked (newCustomer): what the database
	// could still refuse is no one row's fault, and fails the batch.
	var created []*rapport.Customer
	var records []sourceRecord
	pending := map[rapport.ID]bool{}
	write := func() error {
		if err := tx.insertCustomers(created); err != nil {
			return err
		}
		if err := tx.upsertSourceRecords(records, tx.now); err != nil {
			return err
		}
		created, records = nil, nil
		clear(pending)
		return nil
	}
	for i, r := range rows {
		ref := refs[i]
		item := rapport.IngestItem{Line: r.Line}
		values := rapport.ValuesOf(&r.Customer) // what the record holds, as stored with it
		values.Rest = restOf(&r.Customer)
		var c *rapport.Customer
		rec, seen := stored[ref]
		match := firstMatch(byEmail, r.Emails)
		if pending[cmp.Or(rec.customer, match)] {
			if err := write(); err != nil {
				return nil, nil, err
			}
		}
		if seen {
			if c, err = tx.findCustomer(rec.customer); err != nil {
				if rapport.ErrorCode(err) != rapport.ENOTFOUND {
					return nil, nil, err
				}
				rejected = append(rejected, rapport.LineError{Line: r.Line, Code: rapport.ENOTFOUND, Field: "source_id",
					Message: fmt.Sprintf("record %q of source %q belongs to a customer not found", r.SourceKey, r.Source)})
				continue
			}
			item.Result = "updated"
		} else if !match.IsZero() {
			if c, err = tx.findCustomer(match); err != nil {
				return nil, nil, err
			}
			item.Result = "linked"
		}
		if c == nil {
			c = &r.Customer
			if err := tx.newCustomer(c); err != nil {
				if rapport.ErrorCode(err) == rapport.EINTERNAL {
					return nil, nil, err
				}
				rejected = append(rejected, rapport.LineErrorOf(r.Line, err))
				continue
			}
			created, pending[c.ID] = append(created, c), true
			item.Result = "created"
		} else {
			if c.MergedInto != (rapport.ID{}) {
				if c, err = tx.findCustomer(c.MergedInto); err != nil {
					return nil, nil, err
				}
			}
			if seen && rapport.SameJSON(rec.fields, rawFields(r)) && sameValues(rec.profile, values) {
				// Stored as sent: neither the customer nor its record is written, so
				// importing a file again changes nothing, not even a version. (What the
				// record gave the customer may have been changed since, by staff or by
				// another record of the customer's; sending it again does not undo that.)
				item.Result = "unchanged"
				item.ID, item.CustomerID = c.ID, c.ID
				items = append(items, item)
				continue
			}
			before := cloneCustomer(c)
			cs, err := tx.contributionsOrSnapshot(before)
			if err != nil {
				return nil, nil, err
			}
			c.Absorb(&r.Customer) // the fields outside the golden record
			record := rapport.Contribution{Source: r.Source, SourceKey: r.SourceKey, At: tx.now, Values: values}
			if i := findContribution(cs, r.Source, r.SourceKey); i >= 0 {
				record = cs[i].Revise(c.Kind, values, tx.now)
			}
			if err := tx.chooseGolden(c, withContribution(cs, record)); err != nil {
				return nil, nil, err
			}
			if err := c.Validate(); err != nil {
				rejected = append(rejected, rapport.LineErrorOf(r.Line, err))
				continue
			}
			if !sameCustomer(before, c) {
				if err := tx.saveCustomer(c); err != nil {
					if rapport.ErrorCode(err) == rapport.EINTERNAL {
						return nil, nil, err
					}
					rejected = append(rejected, rapport.LineErrorOf(r.Line, err))
					continue
				}
			}
			values = record.Values
		}
		profile, err := json.Marshal(values)
		if err != nil {
			return nil, nil, err
		}
		if pending[c.ID] {
			records = append(records, sourceRecord{ref, c.ID, rawFields(r), profile})
		} else if err := tx.upsertSourceRecord(ref, c.ID, rawFields(r), profile, tx.now); err != nil {
			return nil, nil, err
		}
		for _, e := range c.Emails {
			if _, ok := byEmail[rapport.NormalizeEmail(e.Value)]; !ok {
				byEmail[rapport.NormalizeEmail(e.Value)] = c.ID
			}
		}
		stored[ref] = storedRecord{customer: c.ID, fields: rawFields(r), profile: profile}
		item.ID, item.CustomerID = c.ID, c.ID
		items = append(items, item)
	}
	if err := write(); err != nil {
		return nil, nil, err
	}
	return items, rejected, nil
}

// storedRecord is a source record as stored: its customer, its fields as received and
// the profile values it holds (nil if stored before they were kept).
type storedRecord struct {
	customer rapport.ID
	fields   []byte
	profile  []byte
}

// restOf is what a record gives its customer outside the golden record.
func restOf(c *rapport.Customer) json.RawMessage {
	var owner *rapport.ID
	if !c.OwnerID.IsZero() {
		owner = &c.OwnerID
	}
	rest, _ := json.Marshal(struct {
		OwnerID       *rapport.ID            `json:"owner_id,omitempty"`
		Relationships []rapport.Relationship `json:"relationships,omitempty"`
		Tags          []string               `json:"tags,omitempty"`
		Attributes    json.RawMessage        `json:"attributes,omitempty"`
	}{owner, c.Relationships, c.Tags, c.Attributes})
	return rest
}

// sameValues reports whether stored profile values are v, whatever their dates.
func sameValues(stored []byte, v rapport.RecordValues) bool {
	var was rapport.RecordValues
	if stored == nil || json.Unmarshal(stored, &was) != nil {
		return false
	}
	// Rest is compared as JSON: PostgreSQL's jsonb keeps an object's keys in an order
	// of its own.
	sameRest := rapport.SameJSON(was.Rest, v.Rest)
	was.ChangedAt, was.Removed, was.Rest, v.Rest = nil, nil, nil, nil
	a, errA := json.Marshal(was)
	b, errB := json.Marshal(v)
	return sameRest && errA == nil && errB == nil && string(a) == string(b)
}

// sourceRecords returns the stored records among refs.
func (tx *Tx) sourceRecords(refs []sourceRef) (map[sourceRef]storedRecord, error) {
	out := make(map[sourceRef]storedRecord, len(refs))
	err := tx.eachBySourceRef(`SELECT source_id, source_key, customer_id, fields, profile FROM source_records`, refs, func(rows Scanner) error {
		var ref sourceRef
		var rec storedRecord
		if err := rows.Scan(&ref.source, &ref.key, &rec.customer, &rec.fields, &rec.profile); err != nil {
			return err
		}
		out[ref] = rec
		return nil
	})
	return out, err
}

// cloneCustomer copies a customer with its lists, which Absorb, Combine and Revert
// change; attributes are replaced whole, never changed in place.
func cloneCustomer(c *rapport.Customer) *rapport.Customer {
	d := *c
	d.Emails = slices.Clone(c.Emails)
	d.Phones = slices.Clone(c.Phones)
	d.Addresses = slices.Clone(c.Addresses)
	d.Relationships = slices.Clone(c.Relationships)
	d.Tags = slices.Clone(c.Tags)
	return &d
}

// sameCustomer reports whether two versions of a customer hold the same data.
func sameCustomer(a, b *rapport.Customer) bool {
	return a.Kind == b.Kind && a.Name == b.Name && a.GivenName == b.GivenName && a.FamilyName == b.FamilyName &&
		a.Language == b.Language && a.PreferredChannel == b.PreferredChannel && a.PreferredTime == b.PreferredTime && a.OwnerID == b.OwnerID &&
		slices.Equal(a.Emails, b.Emails) && slices.Equal(a.Phones, b.Phones) && slices.Equal(a.Addresses, b.Addresses) &&
		slices.Equal(a.Relationships, b.Relationships) && slices.Equal(a.Tags, b.Tags) && rapport.SameJSON(a.Attributes, b.Attributes)
}

// rawFields is the record as received, "{}" when it was not kept.
func rawFields(r *rapport.IncomingCustomer) []byte {
	if len(r.Raw) == 0 {
		return []byte("{}")
	}
	return r.Raw
}

// customersByEmail maps normalised e-mail addresses to the visible customer that holds
// them (the oldest, when several do).
func (tx *Tx) customersByEmail(emails []any) (map[string]rapport.ID, error) {
	out := map[string]rapport.ID{}
	for start := 0; start < len(emails); start += ingestChunk {
		q := &Query{}
		in := q.In(emails[start:min(start+ingestChunk, len(emails))]...)
		if err := tx.each(`SELECT cc.normalized, c.id FROM customer_contacts cc JOIN customers c ON c.id = cc.customer_id
			WHERE cc.kind = 'email' AND cc.normalized IN `+in+` AND c.merged_into IS NULL AND `+visibleCustomer(q, tx.scope, "c.id")+`
			ORDER BY c.id DESC`, q.Args(), func(r Scanner) error {
			var email string
			var id rapport.ID
			if err := r.Scan(&email, &id); err != nil {
				return err
			}
			out[email] = id // rows come newest first, so the oldest customer wins
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func firstMatch(byEmail map[string]rapport.ID, emails []rapport.ContactPoint) rapport.ID {
	for _, e := range emails {
		if id, ok := byEmail[rapport.NormalizeEmail(e.Value)]; ok {
			return id
		}
	}
	return rapport.ID{}
}
