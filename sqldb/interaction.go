package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.InteractionService = (*DB)(nil)

const interactionColumns = `i.id, i.customer_id, i.organisation_id, i.type, i.channel, i.occurred_at,
	COALESCE(src.name, ''), COALESCE(i.source_key, ''), i.actor_kind, i.actor_id, i.summary, i.body,
	i.amount, i.currency, i.attributes, i.created_at, i.attachment_count`

const interactionFrom = `interactions i LEFT JOIN sources src ON src.id = i.source_id`

// readInteraction is an interaction as read, with whether files are attached to it.
type readInteraction struct {
	*rapport.Interaction
	attached bool
}

func scanInteraction(rows Scanner) (readInteraction, error) {
	in := &rapport.Interaction{}
	var amount sql.NullInt64
	var attrs []byte
	var files int
	err := rows.Scan(&in.ID, &in.CustomerID, &in.OrganisationID, &in.Type, &in.Channel, &in.OccurredAt,
		&in.Source, &in.SourceKey, &in.ActorKind, &in.ActorID, &in.Summary, &in.Body,
		&amount, &in.Currency, &attrs, &in.CreatedAt, &files)
	if amount.Valid {
		a := rapport.Amount(amount.Int64)
		in.Amount = &a
	}
	in.Attributes = attrs
	return readInteraction{in, files > 0}, err
}

// finishReading makes the interactions read ready for their reader: the files of those
// that have some loaded, and the organisations the reader may not see left out.
func (tx *Tx) finishReading(read []readInteraction) ([]*rapport.Interaction, error) {
	out := make([]*rapport.Interaction, len(read))
	var attached []*rapport.Interaction
	for i, r := range read {
		out[i] = r.Interaction
		if r.attached {
			attached = append(attached, r.Interaction)
		}
	}
	if err := tx.hideWalledOrganisations(out); err != nil {
		return nil, err
	}
	return out, tx.loadAttachments(attached)
}

// hideWalledOrganisations blanks the organisation of interactions done on behalf of an
// organisation behind a wall the reader is outside: the interaction is its visible
// customer's, but the walled organisation's id must not reach the reader.
func (tx *Tx) hideWalledOrganisations(ins []*rapport.Interaction) error {
	if tx.scope.SeesThroughWalls() {
		return nil
	}
	orgs := map[rapport.ID]bool{}
	for _, in := range ins {
		if !in.OrganisationID.IsZero() {
			orgs[in.OrganisationID] = true
		}
	}
	if len(orgs) == 0 {
		return nil
	}
	q := &Query{}
	hidden, err := tx.ids(`SELECT c.id FROM customers c WHERE c.id IN `+q.In(anySlice(slices.Collect(maps.Keys(orgs)))...)+
		` AND NOT `+visibleCustomer(q, tx.scope, "c.id"), q.Args()...)
	if err != nil {
		return err
	}
	for _, in := range ins {
		if slices.Contains(hidden, in.OrganisationID) {
			in.OrganisationID = rapport.ID{}
		}
	}
	return nil
}

// FindInteractionByID returns an interaction of a visible customer and records the read.
func (db *DB) FindInteractionByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Interaction, error) {
	var in *rapport.Interaction
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		found, err := queryAll(tx, `SELECT `+interactionColumns+` FROM `+interactionFrom+` WHERE i.id = `+q.Arg(id)+
			` AND `+visibleCustomer(q, s, "i.customer_id"), q.Args(), scanInteraction)
		if err != nil {
			return err
		} else if len(found) == 0 {
			return rapport.NotFound("interaction")
		}
		ins, err := tx.finishReading(found)
		in = ins[0]
		return err
	})
	if err != nil {
		return nil, err
	}
	return in, db.auditRead(ctx, s, "interaction", in.ID, in.CustomerID, "")
}

// FindInteractions returns a page of a customer's interactions and records the read.
func (db *DB) FindInteractions(ctx context.Context, s rapport.Scope, f rapport.InteractionFilter) ([]*rapport.Interaction, string, error) {
	var page []*rapport.Interaction
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		kind, err := tx.findCustomerKind(f.CustomerID)
		if err != nil {
			return err
		}
		page, next, err = tx.findInteractions(f, kind)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return page, next, db.auditRead(ctx, s, "interactions", rapport.ID{}, f.CustomerID, "timeline")
}

// findInteractions reads one page of the timeline of a customer of the kind given,
// whom the caller has found visible, with a keyset cursor, so that page 1,000 of a
// customer with 100,000 interactions costs what page 1 costs.
func (tx *Tx) findInteractions(f rapport.InteractionFilter, kind rapport.CustomerKind) (page []*rapport.Interaction, next string, err error) {
	var read []readInteraction
	if err := tx.reads(func(b *batch) { b.interactions(f, kind, &read, &next) }); err != nil {
		return nil, "", err
	}
	page, err = tx.finishReading(read)
	return page, next, err
}

// interactions reads into out a page of the interactions of a customer of the kind
// given, as f chooses, and the cursor of the next into next; finishReading finishes
// them.
func (b *batch) interactions(f rapport.InteractionFilter, kind rapport.CustomerKind, out *[]readInteraction, next *string) {
	n := limit(f.Limit, 50, 500)
	q := &Query{}
	var conds []string
	if len(f.Types) > 0 {
		conds = append(conds, "i.type IN "+q.In(anySlice(f.Types)...))
	}
	if len(f.Channels) > 0 {
		conds = append(conds, "i.channel IN "+q.In(anySlice(f.Channels)...))
	}
	if len(f.Sources) > 0 {
		conds = append(conds, "src.name IN "+q.In(anySlice(f.Sources)...))
	}
	conds, err := pastCursor(q, conds, f.Cursor, "i.occurred_at", "i.id")
	if err != nil {
		b.fail(err)
		return
	}
	branch := func(cond string) string {
		return `SELECT ` + interactionColumns + ` FROM ` + interactionFrom + ` WHERE ` + strings.Join(append([]string{cond}, conds...), " AND ") +
			` ORDER BY i.occurred_at DESC, i.id DESC LIMIT ` + strconv.Itoa(n+1)
	}
	customer := q.Arg(f.CustomerID)
	query := branch("i.customer_id = " + customer)
	if kind == rapport.KindOrganisation {
		// An organisation's timeline also holds what its (visible) people did on its
		// behalf. Two index scans merged beat one scan over an OR.
		query = `SELECT * FROM (` + query + `) a UNION ALL SELECT * FROM (` +
			branch("i.organisation_id = "+customer+" AND i.customer_id <> "+customer+" AND "+visibleCustomer(q, b.tx.scope, "i.customer_id")) +
			`) b ORDER BY 6 DESC, 1 DESC LIMIT ` + strconv.Itoa(n+1)
	}
	var rows []readInteraction
	appendRows(b, &rows, query, q.Args(), scanInteraction)
	b.then(func() error {
		*out, *next = pageOf(rows, n, func(in readInteraction) (time.Time, rapport.ID) { return in.OccurredAt, in.ID })
		return nil
	})
}

func anySlice[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// CreateInteraction records an interaction logged in Rapport itself (a call, a visit).
func (db *DB) CreateInteraction(ctx context.Context, s rapport.Scope, in *rapport.Interaction) error {
	if err := rapport.Require(s.CanWriteCustomers(), "log interactions"); err != nil {
		return err
	}
	if in.ActorKind == "" && s.Kind == rapport.ActorStaff {
		in.ActorKind, in.ActorID = rapport.ActorStaff, s.UserID.String()
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	for _, a := range in.Attachments {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(in.CustomerID); err != nil {
			return err
		}
		if err := tx.checkOrganisation(in.OrganisationID); err != nil {
			return err
		}
		var sourceID rapport.ID
		if in.Source != "" {
			ids, err := tx.sourceIDs([]string{in.Source}, true)
			if err != nil {
				return err
			}
			sourceID = ids[in.Source]
		}
		in.ID, in.CreatedAt = rapport.NewID(), tx.now
		var amount any
		if in.Amount != nil {
			amount = int64(*in.Amount)
		}
		var sourceKey any
		if in.SourceKey != "" {
			sourceKey = in.SourceKey
		}
		if _, err := tx.exec(`INSERT INTO interactions (id, customer_id, recorded_customer_id, organisation_id, type, channel,
			occurred_at, source_id, source_key, actor_kind, actor_id, summary, body, amount, currency, attributes, created_at)
			VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			in.ID, in.CustomerID, in.OrganisationID, string(in.Type), string(in.Channel), in.OccurredAt, sourceID, sourceKey,
			string(in.ActorKind), in.ActorID, in.Summary, in.Body, amount, in.Currency, string(in.Attributes), in.CreatedAt); err != nil {
			return err
		}
		if err := tx.audit("create", "interaction", in.ID, in.CustomerID, false, string(in.Type)+": "+in.Summary); err != nil {
			return err
		}
		for _, a := range in.Attachments {
			a.InteractionID, a.CustomerID = in.ID, in.CustomerID
			if err := tx.insertAttachment(a); err != nil {
				return err
			}
		}
		return nil
	})
}

// checkOrganisation requires id, if set, to name a visible organisation.
func (tx *Tx) checkOrganisation(id rapport.ID) error {
	if id.IsZero() {
		return nil
	}
	kind, err := tx.findCustomerKind(id)
	if err != nil {
		return rapport.FieldError("organisation_id", "organisation %s not found", id)
	} else if kind != rapport.KindOrganisation {
		return rapport.FieldError("organisation_id", "organisation_id must name an organisation; %s is a person", id)
	}
	return nil
}

// IngestInteractions upserts rows from source systems keyed by (source, source id).
func (db *DB) IngestInteractions(ctx context.Context, s rapport.Scope, rows []rapport.IncomingInteraction) (rapport.IngestResult, error) {
	return db.ImportInteractions(ctx, s, rows, nil)
}

// validRows checks the records of a bulk write: each is numbered by its place from 1
// unless it carries its line, checked, and kept if valid; the others' errors, by line,
// go to res.
func validRows[R any](rows []R, res *rapport.IngestResult, line func(*R) *int, check func(*R) error) []*R {
	valid := make([]*R, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		if n := line(r); *n == 0 {
			*n = i + 1
		}
		if err := check(r); err != nil {
			res.Errors = append(res.Errors, rapport.LineErrorOf(*line(r), err))
			continue
		}
		valid = append(valid, r)
	}
	return valid
}

// ImportInteractions is IngestInteractions that also records where the batch ends in
// its file, when at is not nil.
func (db *DB) ImportInteractions(ctx context.Context, s rapport.Scope, rows []rapport.IncomingInteraction, at *rapport.ImportBatch) (rapport.IngestResult, error) {
	res := rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}}
	if err := rapport.Require(s.CanWriteCustomers(), "write interactions"); err != nil {
		return res, err
	}
	valid := validRows(rows, &res, func(r *rapport.IncomingInteraction) *int { return &r.Line },
		func(r *rapport.IncomingInteraction) error { r.Normalize(); return r.Validate() })
	err := db.update(ctx, s, func(tx *Tx) error {
		if err := tx.placeBatch(at); err != nil {
			return err
		}
		counts, rejected, err := tx.ingestInteractions(valid)
		if err != nil {
			return err
		}
		res.Created, res.Updated, res.Unchanged = counts.created, counts.updated, counts.unchanged
		res.Errors = append(res.Errors, rejected...)
		res.Rejected = len(res.Errors)
		if err := tx.recordBatch(at, res); err != nil {
			return err
		}
		return tx.auditIngest("interactions", res)
	})
	if err != nil {
		return rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}}, err
	}
	db.grew(ctx, res.Created, "interactions")
	sortLineErrors(res.Errors)
	return res, nil
}

// upsertCounts counts what upserts did.
type upsertCounts struct{ created, updated, unchanged int }

func (c *upsertCounts) add(more upsertCounts) {
	c.created, c.updated, c.unchanged = c.created+more.created, c.updated+more.updated, c.unchanged+more.unchanged
}

// ingestChunk is how many interactions one INSERT carries (17 values each), and how
// many parameters the other chunked statements hold (IN lists, execChunks): both well
// under the databases' limits on parameters.
const ingestChunk = 500

// sourceRef is a record's key in a source system.
type sourceRef struct {
	source rapport.ID
	key    string
}

// ingestRow is an accepted row with the ids it resolved to.
type ingestRow struct {
	*rapport.IncomingInteraction
	customer rapport.ID // the profile it belongs to now
	recorded rapport.ID // the customer it names
	source   rapport.ID
}

// bulkRef is what a row of a bulk write says of where it comes from and whose it is.
type bulkRef struct {
	source                      string
	customerSource, customerKey string
	customerID                  rapport.ID
}

// unseenAsUnknown makes a customer the scope may not see, named by its key in a source
// system, read as one that no record has: the answer tells neither that it exists nor
// its id.
func unseenAsUnknown(named []bulkRef, customerOf []rapport.ID, visible map[rapport.ID]customerInfo) {
	for i, r := range named {
		if _, ok := visible[customerOf[i]]; !ok && r.customerID.IsZero() {
			customerOf[i] = rapport.ID{}
		}
	}
}

// resolveBulk works out, in a few set-wise queries, the id of each row's source (made
// if new) and the customer each row names: by id, or by its key in a source system
// (zero when no record has that key).
func (tx *Tx) resolveBulk(rows []bulkRef) (sources map[string]rapport.ID, customerOf []rapport.ID, err error) {
	names, customerNames := map[string]bool{}, map[string]bool{}
	for _, r := range rows {
		names[r.source] = true
		if r.customerSource != "" {
			customerNames[r.customerSource] = true
		}
	}
	if sources, err = tx.sourceIDs(keys(names), true); err != nil {
		return nil, nil, err
	}
	customerSources, err := tx.sourceIDs(keys(customerNames), false)
	if err != nil {
		return nil, nil, err
	}
	var refs []sourceRef
	for _, r := range rows {
		if r.customerSource != "" {
			refs = append(refs, sourceRef{customerSources[r.customerSource], r.customerKey})
		}
	}
	bySourceKey, err := tx.sourceRecordCustomers(refs)
	if err != nil {
		return nil, nil, err
	}
	customerOf = make([]rapport.ID, len(rows))
	for i, r := range rows {
		customerOf[i] = r.customerID
		if r.customerID.IsZero() {
			customerOf[i] = bySourceKey[sourceRef{customerSources[r.customerSource], r.customerKey}]
		}
	}
	return sources, customerOf, nil
}

func (tx *Tx) ingestInteractions(rows []*rapport.IncomingInteraction) (counts upsertCounts, rejected []rapport.LineError, err error) {
	if len(rows) == 0 {
		return counts, nil, nil
	}
	// Resolve names and references in a few set-wise queries, then check each row.
	named := make([]bulkRef, len(rows))
	for i, r := range rows {
		named[i] = bulkRef{r.Source, r.CustomerSource, r.CustomerSourceKey, r.CustomerID}
	}
	sources, customerOf, err := tx.resolveBulk(named)
	if err != nil {
		return counts, nil, err
	}
	ids := map[rapport.ID]bool{}
	for i, r := range rows {
		ids[customerOf[i]], ids[r.OrganisationID] = true, true
	}
	visible, err := tx.visibleCustomers(keys(ids))
	if err != nil {
		return counts, nil, err
	}
	unseenAsUnknown(named, customerOf, visible)

	reject := func(r *rapport.IncomingInteraction, field, msg string) {
		rejected = append(rejected, rapport.LineError{Line: r.Line, Code: rapport.ENOTFOUND, Field: field, Message: msg})
	}
	batch := make([]ingestRow, 0, ingestChunk)
	inBatch := map[sourceRef]bool{}
	flush := func() error {
		c, hidden, err := tx.upsertInteractions(batch)
		counts.add(c)
		for _, r := range hidden {
			reject(r, "source_id", fmt.Sprintf("interaction %q of source %q belongs to a customer not found", r.SourceKey, r.Source))
		}
		batch, inBatch = batch[:0], map[sourceRef]bool{}
		return err
	}
	for i, r := range rows {
		cust, ok := visible[customerOf[i]]
		switch {
		case customerOf[i].IsZero():
			reject(r, "customer_source_id", fmt.Sprintf("no customer has id %q in source %q: send the customer first", r.CustomerSourceKey, r.CustomerSource))
			continue
		case !ok:
			reject(r, "customer_id", "customer "+customerOf[i].String()+" not found")
			continue
		case !r.OrganisationID.IsZero() && visible[r.OrganisationID].kind != rapport.KindOrganisation:
			reject(r, "organisation_id", "organisation "+r.OrganisationID.String()+" not found")
			continue
		}
		// One statement may not write a key twice: a repeated key starts a new one.
		ref := sourceRef{sources[r.Source], r.SourceKey}
		if inBatch[ref] || len(batch) == ingestChunk {
			if err := flush(); err != nil {
				return counts, nil, err
			}
		}
		inBatch[ref] = true
		// A merged customer's interactions belong to the profile it was merged into.
		batch = append(batch, ingestRow{IncomingInteraction: r, customer: cust.current, recorded: customerOf[i], source: ref.source})
	}
	err = flush()
	return counts, rejected, err
}

// upsertInteractions writes rows in one statement. A row whose (source, source id) is
// stored already replaces it, keeping its id, unless it holds the same data (it is
// unchanged, and not written) or the stored one belongs to a customer the scope may not
// see: such rows come back as hidden, unwritten.
func (tx *Tx) upsertInteractions(rows []ingestRow) (counts upsertCounts, hidden []*rapport.IncomingInteraction, err error) {
	if len(rows) == 0 {
		return counts, nil, nil
	}
	q := &Query{args: make([]any, 0, len(rows)*17+1)}
	newIDs := make(map[rapport.ID]bool, len(rows))
	var b strings.Builder
	b.WriteString(`INSERT INTO interactions (id, customer_id, recorded_customer_id, organisation_id, type, channel,
		occurred_at, source_id, source_key, actor_kind, actor_id, summary, body, amount, currency, attributes, created_at) VALUES `)
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		var amount any
		if r.Amount != nil {
			amount = int64(*r.Amount)
		}
		id := rapport.NewID()
		newIDs[id] = true
		b.WriteString(q.In(id, r.customer, r.recorded, r.OrganisationID, string(r.Type), string(r.Channel), r.OccurredAt,
			r.source, r.SourceKey, string(r.ActorKind), r.ActorID, r.Summary, r.Body, amount, r.Currency, string(r.Attributes), tx.now))
	}
	b.WriteString(` ON CONFLICT (source_id, source_key) DO UPDATE SET ` + strings.Join(upsertSet, ", ") + `
		WHERE ` + visibleCustomer(q, tx.scope, "interactions.customer_id") + ` AND (` + strings.Join(upsertChanged, " OR ") + `)
		RETURNING id, source_key`)
	// Every full chunk has the same text, so it is parsed once per transaction.
	result, err := tx.queryPrepared(b.String(), q.Args()...)
	if err != nil {
		return counts, nil, err
	}
	defer result.Close()
	written := make(map[string]bool, len(rows))
	for result.Next() {
		var id rapport.ID
		var key string
		if err := result.Scan(&id, &key); err != nil {
			return counts, nil, err
		}
		written[key] = true
		if newIDs[id] {
			counts.created++
		} else {
			counts.updated++
		}
	}
	if err := result.Err(); err != nil {
		return counts, nil, err
	}
	var missing []ingestRow
	for _, r := range rows {
		if !written[r.SourceKey] {
			missing = append(missing, r)
		}
	}
	if len(missing) == 0 {
		return counts, nil, nil
	}
	// A row not written is unchanged if the scope may see the stored one, else hidden.
	refs := make([]sourceRef, len(missing))
	for i, r := range missing {
		refs[i] = sourceRef{r.source, r.SourceKey}
	}
	owners := map[sourceRef]rapport.ID{}
	err = tx.eachBySourceRef(`SELECT source_id, source_key, customer_id FROM interactions`, refs, func(rows Scanner) error {
		var ref sourceRef
		var id rapport.ID
		err := rows.Scan(&ref.source, &ref.key, &id)
		owners[ref] = id
		return err
	})
	if err != nil {
		return counts, nil, err
	}
	visible, err := tx.visibleCustomers(slices.Collect(maps.Values(owners)))
	if err != nil {
		return counts, nil, err
	}
	for i, r := range missing {
		if _, ok := visible[owners[refs[i]]]; ok {
			counts.unchanged++
		} else {
			hidden = append(hidden, r.IncomingInteraction)
		}
	}
	return counts, hidden, nil
}

// upsertSet replaces a stored interaction's data; upsertChanged is true when the new
// row differs from it, so that an unchanged row is not written.
var upsertSet, upsertChanged = func() (set, changed []string) {
	for _, col := range []string{"customer_id", "recorded_customer_id", "organisation_id", "type", "channel", "occurred_at",
		"actor_kind", "actor_id", "summary", "body", "amount", "currency", "attributes"} {
		set = append(set, col+" = excluded."+col)
		changed = append(changed, "interactions."+col+" IS DISTINCT FROM excluded."+col)
	}
	return set, changed
}()

// sourceIDs returns the ids of the named sources, creating those that are new when
// create is set.
func (tx *Tx) sourceIDs(names []string, create bool) (map[string]rapport.ID, error) {
	ids := make(map[string]rapport.ID, len(names))
	find := func() error {
		q := &Query{}
		return tx.each(`SELECT id, name FROM sources WHERE name IN `+q.In(anySlice(names)...), q.Args(), func(r Scanner) error {
			var id rapport.ID
			var name string
			if err := r.Scan(&id, &name); err != nil {
				return err
			}
			ids[name] = id
			return nil
		})
	}
	if len(names) == 0 {
		return ids, nil
	}
	if err := find(); err != nil || len(ids) == len(names) || !create {
		return ids, err
	}
	for _, name := range names {
		if _, ok := ids[name]; !ok {
			src := &rapport.Source{Name: name}
			if err := src.Validate(); err != nil {
				return nil, err
			}
			if _, err := tx.exec(`INSERT INTO sources (id, name, title, created_at) VALUES ($1, $2, '', $3) ON CONFLICT (name) DO NOTHING`,
				rapport.NewID(), name, tx.now); err != nil {
				return nil, err
			}
		}
	}
	return ids, find()
}

// sourceRecordCustomers maps source record keys to the customers they belong to.
func (tx *Tx) sourceRecordCustomers(refs []sourceRef) (map[sourceRef]rapport.ID, error) {
	out := make(map[sourceRef]rapport.ID, len(refs))
	err := tx.eachBySourceRef(`SELECT source_id, source_key, customer_id FROM source_records`, refs, func(rows Scanner) error {
		var ref sourceRef
		var id rapport.ID
		if err := rows.Scan(&ref.source, &ref.key, &id); err != nil {
			return err
		}
		out[ref] = id
		return nil
	})
	return out, err
}

// eachBySourceRef runs selectFrom (whose table has source_id and source_key) for the
// refs, a source and a chunk of keys at a time, and calls scan for each row.
func (tx *Tx) eachBySourceRef(selectFrom string, refs []sourceRef, scan func(Scanner) error) error {
	bySource := map[rapport.ID][]any{}
	for _, r := range refs {
		bySource[r.source] = append(bySource[r.source], r.key)
	}
	return tx.reads(func(b *batch) {
		for source, ks := range bySource {
			for start := 0; start < len(ks); start += ingestChunk {
				q := &Query{}
				src := q.Arg(source)
				b.query(selectFrom+` WHERE source_id = `+src+` AND source_key IN `+q.In(ks[start:min(start+ingestChunk, len(ks))]...), q.Args(), scan)
			}
		}
	})
}

// customerInfo is what ingest needs to know of a customer the scope may see.
type customerInfo struct {
	kind    rapport.CustomerKind
	current rapport.ID // the customer itself, or the profile it was merged into
}

// visibleCustomers returns the customers among ids that the scope may see.
func (tx *Tx) visibleCustomers(ids []rapport.ID) (map[rapport.ID]customerInfo, error) {
	out := make(map[rapport.ID]customerInfo, len(ids))
	for start := 0; start < len(ids); start += ingestChunk {
		q := &Query{}
		in := q.In(anySlice(ids[start:min(start+ingestChunk, len(ids))])...)
		if err := tx.each(`SELECT c.id, c.kind, COALESCE(c.merged_into, c.id) FROM customers c WHERE c.id IN `+in+
			` AND `+visibleCustomer(q, tx.scope, "COALESCE(c.merged_into, c.id)"), q.Args(), func(r Scanner) error {
			var id rapport.ID
			var info customerInfo
			if err := r.Scan(&id, &info.kind, &info.current); err != nil {
				return err
			}
			out[id] = info
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		var zero K
		if k != zero {
			out = append(out, k)
		}
	}
	return out
}

func sortLineErrors(errs []rapport.LineError) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}
