package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.SurvivorshipService = (*DB)(nil)

// Survivorship returns the rules of the golden record and the trust of the sources.
func (db *DB) Survivorship(ctx context.Context, s rapport.Scope) (rapport.Survivorship, error) {
	var sv rapport.Survivorship
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		sv, err = tx.readSurvivorship() // the caller's own, not the setup views share
		return err
	})
	return sv, err
}

func (tx *Tx) survivorship() (rapport.Survivorship, error) {
	if tx.rules != nil {
		return *tx.rules, nil
	}
	if tx.tx != nil { // a write reads only what it needs, with its own changes
		sv, err := tx.readSurvivorship()
		if err == nil {
			tx.rules = &sv
		}
		return sv, err
	}
	st, err := tx.setup()
	if err != nil {
		return rapport.Survivorship{}, err
	}
	tx.rules = &st.survivorship
	return st.survivorship, nil
}

func (tx *Tx) readSurvivorship() (rapport.Survivorship, error) {
	sv := rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{}, Trust: map[string]int{}}
	err := tx.reads(func(b *batch) {
		b.query(`SELECT field, rule FROM survivorship_rules`, nil, func(r Scanner) error {
			var field, rule string
			if err := r.Scan(&field, &rule); err != nil {
				return err
			}
			sv.Rules[field] = rapport.SurvivalRule(rule)
			return nil
		})
		b.query(`SELECT name, trust FROM sources WHERE trust <> 0`, nil, func(r Scanner) error {
			var name string
			var trust int
			if err := r.Scan(&name, &trust); err != nil {
				return err
			}
			sv.Trust[name] = trust
			return nil
		})
	})
	return sv, err
}

// SetSurvivorship replaces the rules, sets the trust of the sources named, and queues
// the job that chooses the golden records again.
func (db *DB) SetSurvivorship(ctx context.Context, s rapport.Scope, sv rapport.Survivorship) error {
	if err := rapport.Require(s.IsAdmin(), "change the rules of the golden record"); err != nil {
		return err
	}
	if err := sv.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`DELETE FROM survivorship_rules`); err != nil {
			return err
		}
		for field, rule := range sv.Rules {
			if _, err := tx.exec(`INSERT INTO survivorship_rules (field, rule) VALUES ($1, $2)`, field, string(rule)); err != nil {
				return err
			}
		}
		if _, err := tx.staffSourceID(); err != nil {
			return err // so that the staff's trust can be set like any source's
		}
		for name, trust := range sv.Trust {
			res, err := tx.exec(`UPDATE sources SET trust = $1 WHERE name = $2`, trust, name)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				return rapport.FieldError("trust."+name, "there is no source %q", name)
			}
		}
		if err := tx.enqueueJob(rapport.JobGolden, 0); err != nil {
			return err
		}
		detail, _ := json.Marshal(sv)
		return tx.audit("update", "survivorship", rapport.ID{}, rapport.ID{}, false, string(detail))
	})
}

// RefreshGoldenRecords chooses every customer's golden record again, a few hundred
// customers a transaction.
func (db *DB) RefreshGoldenRecords(ctx context.Context, s rapport.Scope) (int, error) {
	if err := rapport.Require(s.IsAdmin(), "refresh the golden records"); err != nil {
		return 0, err
	}
	changed := 0
	var after rapport.ID
	for {
		var page []customerRow
		err := db.update(ctx, s, func(tx *Tx) (err error) {
			q := &Query{}
			next := ""
			if !after.IsZero() {
				next = "AND c.id > " + q.Arg(after)
			}
			page, err = queryAll(tx, `SELECT `+customerColumns+` FROM `+customerFrom+`
				WHERE c.merged_into IS NULL `+next+` ORDER BY c.id LIMIT 500`, q.Args(), scanCustomer)
			if err != nil {
				return err
			}
			for _, row := range page {
				c := row.Customer
				cs, err := tx.contributions(c.ID)
				if err != nil {
					return err
				}
				if len(cs) == 0 {
					continue // entered before records kept their values: nothing to choose from
				}
				if err := tx.loadCustomerDetails([]*rapport.Customer{c}); err != nil {
					return err
				}
				before := cloneCustomer(c)
				if err := tx.chooseGolden(c, cs); err != nil {
					return err
				}
				if !sameCustomer(before, c) {
					changed++
					if err := tx.saveCustomer(c); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil || len(page) == 0 {
			return changed, err
		}
		after = page[len(page)-1].ID
	}
}

// FindGoldenRecord says where the golden fields of a visible customer came from.
func (db *DB) FindGoldenRecord(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.FieldSource, error) {
	var sources []rapport.FieldSource
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		sources, err = tx.goldenSources(customerID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sources, db.auditRead(ctx, s, "golden_record", rapport.ID{}, customerID, "")
}

// goldenSources says where the golden fields of a visible customer came from.
func (tx *Tx) goldenSources(customerID rapport.ID) (sources []rapport.FieldSource, err error) {
	kind, err := tx.findCustomerKind(customerID)
	if err != nil {
		return nil, err
	}
	return sources, tx.reads(func(b *batch) { b.sourcesOf(customerID, &kind, &sources) })
}

// sourcesOf says where the golden fields of a customer of the kind given (once the
// batch has read it) came from; the caller has found the customer visible.
func (b *batch) sourcesOf(customerID rapport.ID, kind *rapport.CustomerKind, out *[]rapport.FieldSource) {
	var recs []*rapport.SourceRecord
	b.sourceRecordsOf(customerID, &recs)
	b.then(func() error {
		*out = []rapport.FieldSource{}
		cs := rapport.ContributionsOf(recs)
		if len(cs) == 0 {
			return nil
		}
		sv, err := b.tx.survivorship()
		if err == nil {
			*out = sv.Survive(*kind, cs).Sources
		}
		return err
	})
}

// contributions returns the records of a customer, and of the customers merged into
// it, that hold profile values.
func (tx *Tx) contributions(customerID rapport.ID) ([]rapport.Contribution, error) {
	var recs []*rapport.SourceRecord
	err := tx.reads(func(b *batch) { b.sourceRecordsOf(customerID, &recs) })
	return rapport.ContributionsOf(recs), err
}

// contributionsOrSnapshot is contributions, but for a customer without any (entered
// before Rapport kept them) it first keeps the profile as it is as the staff's record,
// so that a record arriving later adds to the profile instead of replacing it.
func (tx *Tx) contributionsOrSnapshot(c *rapport.Customer) ([]rapport.Contribution, error) {
	cs, err := tx.contributions(c.ID)
	if err != nil || len(cs) > 0 {
		return cs, err
	}
	v := rapport.ValuesOf(c)
	if err := tx.saveStaffRecord(c.ID, v, c.UpdatedAt); err != nil {
		return nil, err
	}
	return []rapport.Contribution{{Source: rapport.StaffSource, SourceKey: c.ID.String(), At: c.UpdatedAt, Values: v}}, nil
}

// chooseGolden sets c's golden fields from the records.
func (tx *Tx) chooseGolden(c *rapport.Customer, cs []rapport.Contribution) error {
	sv, err := tx.survivorship()
	if err != nil {
		return err
	}
	sv.Survive(c.Kind, cs).ApplyTo(c)
	return nil
}

// findContribution returns the index in cs of the record (source, key), or -1.
func findContribution(cs []rapport.Contribution, source, key string) int {
	return slices.IndexFunc(cs, func(c rapport.Contribution) bool { return c.Source == source && c.SourceKey == key })
}

// withContribution returns cs with r in place of the contribution of the same record.
func withContribution(cs []rapport.Contribution, r rapport.Contribution) []rapport.Contribution {
	if i := findContribution(cs, r.Source, r.SourceKey); i >= 0 {
		cs[i] = r
		return cs
	}
	return append(cs, r)
}

// staffSourceID returns the id of the source that stands for staff, registering it
// the first time; the transaction keeps it.
func (tx *Tx) staffSourceID() (rapport.ID, error) {
	if !tx.staffSource.IsZero() {
		return tx.staffSource, nil
	}
	ids, err := tx.sourceIDs([]string{rapport.StaffSource}, false)
	if err != nil {
		return rapport.ID{}, err
	}
	if id, ok := ids[rapport.StaffSource]; ok {
		tx.staffSource = id
		return id, nil
	}
	if _, err := tx.exec(`INSERT INTO sources (id, name, title, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`,
		rapport.NewID(), rapport.StaffSource, "Entered in Rapport by staff", tx.now); err != nil {
		return rapport.ID{}, err
	}
	return tx.staffSource, tx.queryRow(`SELECT id FROM sources WHERE name = $1`, rapport.StaffSource).Scan(&tx.staffSource)
}

// saveStaffRecord stores what staff entered for a customer as the record of the
// staff source, keyed by the customer's id.
func (tx *Tx) saveStaffRecord(customerID rapport.ID, v rapport.RecordValues, at time.Time) error {
	src, err := tx.staffSourceID()
	if err != nil {
		return err
	}
	profile, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.upsertSourceRecord(sourceRef{src, customerID.String()}, customerID, profile, profile, at)
}

// upsertSourceRecord stores a record as received with the profile values it holds,
// linked to its customer, or replaces the stored one.
func (tx *Tx) upsertSourceRecord(ref sourceRef, customerID rapport.ID, fields, profile []byte, at time.Time) error {
	return tx.upsertSourceRecords([]sourceRecord{{ref, customerID, fields, profile}}, at)
}

// sourceRecord is a source record to store: its customer, its fields as received and
// its profile values.
type sourceRecord struct {
	ref             sourceRef
	customer        rapport.ID
	fields, profile []byte
}

// upsertSourceRecords stores records, received at at, many to a statement; no two may
// have the same ref.
func (tx *Tx) upsertSourceRecords(rs []sourceRecord, at time.Time) error {
	return execChunks(tx, `INSERT INTO source_records (id, source_id, source_key, customer_id, fields, profile, received_at, updated_at)
		VALUES %s ON CONFLICT (source_id, source_key) DO UPDATE SET fields = excluded.fields, profile = excluded.profile, updated_at = excluded.updated_at`,
		rs, 8, ", ", func(q *Query, r sourceRecord) string {
			return q.In(rapport.NewID(), r.ref.source, r.ref.key, r.customer, string(r.fields), string(r.profile), at, at)
		})
}

// staffEdit records in the staff record what an edit changed, and chooses the golden
// record again with it.
func (tx *Tx) staffEdit(before, after *rapport.Customer) error {
	cs, err := tx.contributionsOrSnapshot(before)
	if err != nil {
		return err
	}
	staff := rapport.Contribution{Source: rapport.StaffSource, SourceKey: after.ID.String()}
	if i := findContribution(cs, staff.Source, staff.SourceKey); i >= 0 {
		staff = cs[i]
	}
	staff.Values.StaffEdit(after.Kind, before, after, tx.now, cs)
	staff.At = tx.now
	if err := tx.saveStaffRecord(after.ID, staff.Values, tx.now); err != nil {
		return err
	}
	return tx.chooseGolden(after, withContribution(cs, staff))
}

// sourceRecordsOf reads into out the records of a customer and of those merged into it. The
// customers are chosen inside the IN: with "customer_id = $1 OR customer_id IN (…)"
// PostgreSQL read every source record (72 ms a profile page at 100,000 customers).
func (b *batch) sourceRecordsOf(customerID rapport.ID, out *[]*rapport.SourceRecord) {
	appendRows(b, out, `SELECT r.id, s.name, s.trust, r.source_key, r.customer_id, r.fields, r.profile, r.received_at, r.updated_at
		FROM source_records r JOIN sources s ON s.id = r.source_id
		WHERE r.customer_id IN (SELECT id FROM customers WHERE id = $1 OR merged_into = $1)
		ORDER BY s.name, r.source_key`, []any{customerID}, func(rows Scanner) (*rapport.SourceRecord, error) {
		r := &rapport.SourceRecord{}
		var fields []byte
		var profile sql.Null[[]byte]
		if err := rows.Scan(&r.ID, &r.Source, &r.Trust, &r.SourceKey, &r.CustomerID, &fields, &profile, &r.ReceivedAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		r.Fields = fields
		if profile.Valid {
			r.Values = &rapport.RecordValues{}
			if err := json.Unmarshal(profile.V, r.Values); err != nil {
				return nil, fmt.Errorf("source record %s: %w", r.ID, err)
			}
		}
		return r, nil
	})
}
