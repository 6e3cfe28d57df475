package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.ItemService = (*DB)(nil)

const itemColumns = `it.id, it.customer_id, it.recorded_customer_id, it.kind, it.title, it.body, it.request_type, it.product,
	it.channel, it.status, it.owner_id, COALESCE(ou.name, ''), it.team_id, COALESCE(tm.name, ''), COALESCE(it.due, ''),
	it.opened_by, COALESCE(ob.name, ''), it.opened_at, it.closed_at, COALESCE(src.name, ''), COALESCE(it.source_key, ''),
	it.updated_at`

const itemFrom = `items it LEFT JOIN users ou ON ou.id = it.owner_id LEFT JOIN teams tm ON tm.id = it.team_id
	LEFT JOIN users ob ON ob.id = it.opened_by LEFT JOIN sources src ON src.id = it.source_id`

// itemOrder puts the most urgent first: items with a due date by date (so the overdue
// come first), then the others, oldest first.
const itemOrder = ` ORDER BY CASE WHEN it.due IS NULL THEN 1 ELSE 0 END, it.due, it.opened_at, it.id`

// itemRow is an item with the customer it was recorded for, which timeline entries keep.
type itemRow struct {
	*rapport.Item
	recorded rapport.ID
}

func scanItem(rows Scanner) (itemRow, error) {
	it := &rapport.Item{}
	r := itemRow{Item: it}
	var closed sql.NullTime
	err := rows.Scan(&it.ID, &it.CustomerID, &r.recorded, &it.Kind, &it.Title, &it.Body, &it.RequestType, &it.Product,
		&it.Channel, &it.Status, &it.OwnerID, &it.OwnerName, &it.TeamID, &it.TeamName, &it.Due,
		&it.OpenedBy, &it.OpenedName, &it.OpenedAt, &closed, &it.Source, &it.SourceKey, &it.UpdatedAt)
	if closed.Valid {
		t := closed.Time.UTC()
		it.ClosedAt = &t
	}
	return r, err
}

func items(rows []itemRow) []*rapport.Item {
	out := make([]*rapport.Item, len(rows))
	for i, r := range rows {
		out[i] = r.Item
	}
	return out
}

// FindItems lists a visible customer's items and records the read.
func (db *DB) FindItems(ctx context.Context, s rapport.Scope, f rapport.ItemFilter) ([]*rapport.Item, string, error) {
	var out []*rapport.Item
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(f.CustomerID); err != nil {
			return err
		}
		var err error
		out, next, err = tx.findItems(f)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, db.auditRead(ctx, s, "items", rapport.ID{}, f.CustomerID, "")
}

// FindAllItems returns every item of a visible customer, oldest first, and records the
// read.
func (db *DB) FindAllItems(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]*rapport.Item, error) {
	var out []*rapport.Item
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		rows, err := queryAll(tx, `SELECT `+itemColumns+` FROM `+itemFrom+` WHERE it.customer_id = $1 ORDER BY it.opened_at, it.id`,
			[]any{customerID}, scanItem)
		out = items(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, db.auditRead(ctx, s, "items", rapport.ID{}, customerID, "all")
}

// findItems reads a page of the items of a customer the scope has found visible, in
// itemOrder, and the cursor of the next page.
func (tx *Tx) findItems(f rapport.ItemFilter) ([]*rapport.Item, string, error) {
	n := limit(f.Limit, 100, 500)
	var rows []itemRow
	if err := tx.reads(func(b *batch) { b.items(f, n+1, &rows) }); err != nil {
		return nil, "", err
	}
	out := items(rows)
	if len(out) <= n {
		return out, "", nil
	}
	last := out[n-1]
	return out[:n], encodeCursor(last.Due, last.OpenedAt.UTC().Format(time.RFC3339Nano), last.ID.String()), nil
}

// items reads into out up to n of a customer's items that f chooses, in itemOrder.
func (b *batch) items(f rapport.ItemFilter, n int, out *[]itemRow) {
	q := &Query{}
	cond := `it.customer_id = ` + q.Arg(f.CustomerID)
	if !f.All {
		cond += ` AND it.status IN ('open', 'waiting')`
	}
	if f.Cursor != "" {
		after, err := afterItem(q, f.Cursor)
		if err != nil {
			b.fail(err)
			return
		}
		cond += ` AND ` + after
	}
	appendRows(b, out, `SELECT `+itemColumns+` FROM `+itemFrom+` WHERE `+cond+itemOrder+` LIMIT `+strconv.Itoa(n), q.Args(), scanItem)
}

// afterItem is the condition that an item comes after the cursor's in itemOrder: items
// with a due date first, by date, then those without; each by opening time and id.
func afterItem(q *Query, cursor string) (string, error) {
	parts, err := decodeCursor(cursor, 3)
	if err != nil {
		return "", err
	}
	due := parts[0]
	opened, err1 := time.Parse(time.RFC3339Nano, parts[1])
	id, err2 := rapport.ParseID(parts[2])
	if _, err := time.Parse(rapport.DateLayout, due); err1 != nil || err2 != nil || (due != "" && err != nil) {
		return "", badCursor()
	}
	if due == "" {
		return fmt.Sprintf(`it.due IS NULL AND (it.opened_at, it.id) > (%s, %s)`, q.Arg(opened), q.Arg(id)), nil
	}
	return fmt.Sprintf(`(it.due IS NULL OR (it.due, it.opened_at, it.id) > (%s, %s, %s))`, q.Arg(due), q.Arg(opened), q.Arg(id)), nil
}

// FindItemByID returns an item of a visible customer and records the read.
func (db *DB) FindItemByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Item, error) {
	var it *rapport.Item
	err := db.view(ctx, s, func(tx *Tx) error {
		r, err := tx.findItem(id)
		it = r.Item
		return err
	})
	if err != nil {
		return nil, err
	}
	return it, db.auditRead(ctx, s, "item", it.ID, it.CustomerID, "")
}

// findItem returns an item whose customer the scope may see.
func (tx *Tx) findItem(id rapport.ID) (itemRow, error) {
	q := &Query{}
	rows, err := queryAll(tx, `SELECT `+itemColumns+` FROM `+itemFrom+` WHERE it.id = `+q.Arg(id)+
		` AND `+visibleCustomer(q, tx.scope, "it.customer_id"), q.Args(), scanItem)
	if err != nil {
		return itemRow{}, err
	} else if len(rows) == 0 {
		return itemRow{}, rapport.NotFound("item")
	}
	return rows[0], nil
}

// CreateItem opens an item for a visible customer, with its timeline entry.
func (db *DB) CreateItem(ctx context.Context, s rapport.Scope, it *rapport.Item) error {
	if err := rapport.Require(s.CanWriteCustomers(), "open items"); err != nil {
		return err
	}
	it.Normalize()
	if err := it.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(it.CustomerID); err != nil {
			return err
		}
		var source rapport.ID
		if it.Source != "" {
			ids, err := tx.sourceIDs([]string{it.Source}, true)
			if err != nil {
				return err
			}
			source = ids[it.Source]
		}
		r := itemRow{Item: it, recorded: it.CustomerID}
		if err := tx.insertItem(r, source); err != nil {
			return err
		}
		return tx.audit("create", "item", it.ID, it.CustomerID, false, string(it.Kind)+": "+it.Title)
	})
}

// insertItem stores a new, valid item of a visible customer and writes its entry.
func (tx *Tx) insertItem(r itemRow, source rapport.ID) error {
	it := r.Item
	if err := tx.checkItemPeople(it); err != nil {
		return err
	}
	it.ID, it.UpdatedAt = rapport.NewID(), tx.now
	if it.OpenedAt.IsZero() {
		it.OpenedAt = tx.now
	}
	if tx.scope.Kind == rapport.ActorStaff {
		it.OpenedBy = tx.scope.UserID
	}
	switch {
	case !it.Status.Closed():
		it.ClosedAt = nil
	case it.ClosedAt == nil || it.ClosedAt.Before(it.OpenedAt):
		it.ClosedAt = &tx.now
	}
	var sourceKey any
	if it.SourceKey != "" {
		sourceKey = it.SourceKey
	}
	if _, err := tx.exec(`INSERT INTO items (id, customer_id, recorded_customer_id, kind, title, body, request_type, product, channel,
		status, owner_id, team_id, due, opened_by, opened_at, closed_at, source_id, source_key, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		it.ID, it.CustomerID, r.recorded, string(it.Kind), it.Title, it.Body, it.RequestType, it.Product, string(it.Channel),
		string(it.Status), it.OwnerID, it.TeamID, nullText(it.Due), it.OpenedBy, it.OpenedAt, it.ClosedAt, source, sourceKey, tx.now); err != nil {
		return err
	}
	if err := tx.itemEntry(r, rapport.ItemOpened, it.OpenedAt); err != nil {
		return err
	}
	if it.Status.Closed() {
		return tx.itemEntry(r, rapport.EventOf(rapport.ItemOpen, it.Status), *it.ClosedAt)
	}
	return nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkItemPeople requires the owner to be an active user and the team to exist, and
// fills in their names.
func (tx *Tx) checkItemPeople(it *rapport.Item) error {
	if err := tx.checkOwner(it.OwnerID); err != nil {
		return err
	}
	it.OwnerName, it.TeamName = "", ""
	if !it.OwnerID.IsZero() {
		if err := tx.queryRow(`SELECT name FROM users WHERE id = $1`, it.OwnerID).Scan(&it.OwnerName); err != nil {
			return err
		}
	}
	if !it.TeamID.IsZero() {
		err := tx.queryRow(`SELECT name FROM teams WHERE id = $1`, it.TeamID).Scan(&it.TeamName)
		if err == sql.ErrNoRows {
			return rapport.FieldError("team_id", "no team has the id %s: choose the team from the list", it.TeamID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// itemEntry writes the timeline entry of an event of an item: an interaction by the
// scope's actor whose attributes name the item and the event, so that what reads the
// timeline (people, and rules that look at what just happened) sees it.
func (tx *Tx) itemEntry(r itemRow, ev rapport.ItemEvent, at time.Time) error {
	it := r.Item
	e := entry{customer: it.CustomerID, recorded: r.recorded, channel: it.Channel, at: at}
	if it.Kind == "ticket" {
		e.typ = "ticket"
	}
	kind := string(it.Kind)
	e.summary = string(kind[0]-'a'+'A') + kind[1:] + " " + map[rapport.ItemEvent]string{rapport.ItemOpened: "opened",
		rapport.ItemClosed: "done", rapport.ItemDropped: "cancelled", rapport.ItemReopened: "reopened"}[ev] + ": " + it.Title
	e.attrs = map[string]any{"item_id": it.ID.String(), "item_event": string(ev), "item_kind": kind}
	if it.RequestType != "" {
		e.attrs["request_type"] = it.RequestType
	}
	if it.Product != "" {
		e.attrs["product"] = it.Product
	}
	if tx.scope.Kind != rapport.ActorStaff && it.Source != "" {
		e.actorKind, e.actorID = tx.scope.Kind, it.Source
	}
	return tx.writeEntry(e)
}

// UpdateItem changes an item of a visible customer.
func (db *DB) UpdateItem(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.ItemUpdate) (*rapport.Item, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change items"); err != nil {
		return nil, err
	}
	var it *rapport.Item
	err := db.update(ctx, s, func(tx *Tx) error {
		// Locked first: the row is written whole, so an edit of another field made at
		// the same moment must be read, not overwritten.
		if err := tx.lockRows("items", id); err != nil {
			return err
		}
		r, err := tx.findItem(id)
		if err != nil {
			return err
		}
		it = r.Item
		was := *it
		u.Apply(it)
		it.Normalize()
		if err := it.Validate(); err != nil {
			return err
		}
		changed, err := tx.saveItem(r, &was)
		if err != nil || !changed {
			return err
		}
		return tx.audit("update", "item", it.ID, it.CustomerID, false, fmt.Sprintf("%s: %s (%s)", it.Kind, it.Title, it.Status))
	})
	return it, err
}

// saveItem writes a changed item, and the timeline entry of a change of status; it
// reports whether anything changed.
func (tx *Tx) saveItem(r itemRow, was *rapport.Item) (bool, error) {
	it := r.Item
	if err := tx.checkItemPeople(it); err != nil {
		return false, err
	}
	ev := rapport.EventOf(was.Status, it.Status)
	switch {
	case it.Status.Closed() && !was.Status.Closed():
		it.ClosedAt = &tx.now
	case !it.Status.Closed():
		it.ClosedAt = nil
	}
	if sameItem(was, it) {
		return false, nil
	}
	it.UpdatedAt = tx.now
	if _, err := tx.exec(`UPDATE items SET title = $1, body = $2, request_type = $3, product = $4, channel = $5, status = $6,
		owner_id = $7, team_id = $8, due = $9, closed_at = $10, updated_at = $11, kind = $12, opened_at = $13 WHERE id = $14`,
		it.Title, it.Body, it.RequestType, it.Product, string(it.Channel), string(it.Status), it.OwnerID, it.TeamID,
		nullText(it.Due), it.ClosedAt, tx.now, string(it.Kind), it.OpenedAt, it.ID); err != nil {
		return false, err
	}
	if ev != "" {
		return true, tx.itemEntry(r, ev, tx.now)
	}
	return true, nil
}

func sameItem(a, b *rapport.Item) bool {
	return a.Kind == b.Kind && a.Title == b.Title && a.Body == b.Body && a.RequestType == b.RequestType && a.Product == b.Product &&
		a.Channel == b.Channel && a.Status == b.Status && a.OwnerID == b.OwnerID && a.TeamID == b.TeamID && a.Due == b.Due &&
		a.OpenedAt.Equal(b.OpenedAt)
}

// IngestItems upserts items from source systems keyed by (source, source id). Items are
// written one by one, unlike interactions: each change of status writes its timeline
// entry, and source systems send far fewer items than interactions.
func (db *DB) IngestItems(ctx context.Context, s rapport.Scope, rows []rapport.IncomingItem) (rapport.IngestResult, error) {
	res := rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}}
	if err := rapport.Require(s.CanWriteCustomers(), "write items"); err != nil {
		return res, err
	}
	valid := validRows(rows, &res, func(r *rapport.IncomingItem) *int { return &r.Line },
		func(r *rapport.IncomingItem) error { r.Normalize(); return r.Validate() })
	err := db.update(ctx, s, func(tx *Tx) error {
		items, rejected, err := tx.ingestItems(valid)
		if err != nil {
			return err
		}
		for _, it := range items {
			switch it.Result {
			case "created":
				res.Created++
			case "updated":
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		res.Items = items
		res.Errors = append(res.Errors, rejected...)
		res.Rejected = len(res.Errors)
		return tx.auditIngest("items", res)
	})
	if err != nil {
		return rapport.IngestResult{Received: len(rows), Errors: []rapport.LineError{}}, err
	}
	sortLineErrors(res.Errors)
	return res, nil
}

func (tx *Tx) ingestItems(rows []*rapport.IncomingItem) (out []rapport.IngestItem, rejected []rapport.LineError, err error) {
	if len(rows) == 0 {
		return nil, nil, nil
	}
	named := make([]bulkRef, len(rows))
	for i, r := range rows {
		named[i] = bulkRef{r.Source, r.CustomerSource, r.CustomerSourceKey, r.CustomerID}
	}
	sources, customerOf, err := tx.resolveBulk(named)
	if err != nil {
		return nil, nil, err
	}
	ids := map[rapport.ID]bool{}
	for _, id := range customerOf {
		ids[id] = true
	}
	visible, err := tx.visibleCustomers(keys(ids))
	if err != nil {
		return nil, nil, err
	}
	unseenAsUnknown(named, customerOf, visible)
	// The items stored already, by key, with their customers.
	existing := map[sourceRef]rapport.ID{}
	var refs []sourceRef
	for _, r := range rows {
		refs = append(refs, sourceRef{sources[r.Source], r.SourceKey})
	}
	err = tx.eachBySourceRef(`SELECT source_id, source_key, id FROM items`, refs, func(rows Scanner) error {
		var ref sourceRef
		var id rapport.ID
		err := rows.Scan(&ref.source, &ref.key, &id)
		existing[ref] = id
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	reject := func(r *rapport.IncomingItem, field, msg string) {
		rejected = append(rejected, rapport.LineError{Line: r.Line, Code: rapport.ENOTFOUND, Field: field, Message: msg})
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
		}
		ref := sourceRef{sources[r.Source], r.SourceKey}
		it := r.Item
		it.CustomerID = cust.current
		if id, ok := existing[ref]; ok {
			stored, err := tx.findItem(id)
			if rapport.ErrorCode(err) == rapport.ENOTFOUND {
				reject(r, "source_id", fmt.Sprintf("item %q of source %q belongs to a customer not found", r.SourceKey, r.Source))
				continue
			} else if err != nil {
				return nil, nil, err
			}
			was := *stored.Item
			// The item follows the customer the source names now; it keeps its id.
			stored.recorded = customerOf[i]
			it.ID, it.OpenedBy, it.ClosedAt = stored.ID, stored.OpenedBy, stored.ClosedAt
			if it.OpenedAt.IsZero() {
				it.OpenedAt = stored.OpenedAt
			}
			stored.Item = &it
			moved := was.CustomerID != it.CustomerID
			changed, err := tx.saveItem(stored, &was)
			if err != nil {
				return nil, nil, err
			}
			if moved {
				if _, err := tx.exec(`UPDATE items SET customer_id = $1, recorded_customer_id = $2 WHERE id = $3`, it.CustomerID, customerOf[i], it.ID); err != nil {
					return nil, nil, err
				}
				changed = true
			}
			result := "unchanged"
			if changed {
				result = "updated"
			}
			out = append(out, rapport.IngestItem{Line: r.Line, ID: it.ID, CustomerID: it.CustomerID, Result: result})
			continue
		}
		if err := tx.checkItemPeople(&it); err != nil {
			rejected = append(rejected, rapport.LineErrorOf(r.Line, err))
			continue
		}
		if err := tx.insertItem(itemRow{Item: &it, recorded: customerOf[i]}, ref.source); err != nil {
			return nil, nil, err
		}
		existing[ref] = it.ID
		out = append(out, rapport.IngestItem{Line: r.Line, ID: it.ID, CustomerID: it.CustomerID, Result: "created"})
	}
	return out, rejected, nil
}

// workbenchItems reads into w how many items of the customer are open, the first of
// them, and the latest closed.
func (b *batch) workbenchItems(w *rapport.Workbench, customerID rapport.ID) {
	b.queryRow(`SELECT COUNT(*) FROM items WHERE customer_id = $1 AND status IN ('open', 'waiting')`, []any{customerID}, nil, &w.OpenCount)
	var open, closed []itemRow
	b.items(rapport.ItemFilter{CustomerID: customerID}, workbenchItems, &open)
	appendRows(b, &closed, `SELECT `+itemColumns+` FROM `+itemFrom+` WHERE it.customer_id = $1
		AND it.status IN ('done', 'cancelled') ORDER BY it.closed_at DESC, it.id DESC LIMIT 3`, []any{customerID}, scanItem)
	b.then(func() error {
		if len(open) > 0 {
			w.OpenItems = items(open)
		}
		w.Closed = items(closed)
		return nil
	})
}

// workbenchItems is how many open items the profile shows; the rest are counted.
const workbenchItems = 10

// lastContacts finds, for each team, the latest interaction with the customer by a
// member of the team. The latest time of each staff member comes from the index
// interactions_actor alone; each member's interaction at that time is then found by
// the whole index key, and only those rows are read. The members' teams come from
// the setup, and the latest is kept per team. Teams are the members' teams now, not
// when they made the contact.
func (b *batch) lastContacts(customerID rapport.ID, out *[]rapport.LastContact) {
	type latest struct {
		actor string
		c     rapport.LastContact
	}
	// The rows are chosen by id: joined on (actor, time) instead, PostgreSQL hashed
	// every staff interaction's row of a customer with 100,000 interactions (25 ms
	// against 6 ms).
	var rows []latest
	appendRows(b, &rows, `SELECT i.actor_id, i.id, i.type, i.channel, i.summary, i.occurred_at
		FROM interactions i WHERE i.id IN (
			SELECT (SELECT j.id FROM interactions j WHERE j.customer_id = $1 AND j.actor_kind = 'staff'
				AND j.occurred_at = m.at AND j.actor_id = m.actor_id LIMIT 1)
			FROM (SELECT actor_id, MAX(occurred_at) AS at FROM interactions
				WHERE customer_id = $1 AND actor_kind = 'staff' GROUP BY actor_id) m)`,
		[]any{customerID}, func(rows Scanner) (latest, error) {
			var l latest
			err := rows.Scan(&l.actor, &l.c.InteractionID, &l.c.Type, &l.c.Channel, &l.c.Summary, &l.c.At)
			return l, err
		})
	b.then(func() error {
		*out = []rapport.LastContact{}
		byUser := map[rapport.ID]latest{}
		for _, l := range rows {
			id, err := rapport.ParseID(l.actor)
			if err != nil {
				continue // not a user's id: written by a system that named its own staff
			}
			if prev, ok := byUser[id]; !ok || l.c.At.After(prev.c.At) {
				byUser[id] = l
			}
		}
		if len(byUser) == 0 {
			return nil
		}
		st, err := b.tx.setup()
		if err != nil {
			return err
		}
		byTeam := map[rapport.ID]rapport.LastContact{}
		for id, l := range byUser {
			u := st.users[id]
			if u == nil {
				continue // not one of the firm's users
			}
			for _, t := range u.Teams {
				c := l.c
				c.UserID, c.UserName, c.TeamID, c.TeamName = u.ID, u.Name, t.ID, t.Name
				if prev, ok := byTeam[t.ID]; !ok || c.At.After(prev.At) {
					byTeam[t.ID] = c
				}
			}
		}
		for _, c := range byTeam {
			c.At = c.At.UTC()
			*out = append(*out, c)
		}
		slices.SortFunc(*out, func(a, b rapport.LastContact) int {
			if c := b.At.Compare(a.At); c != 0 {
				return c
			}
			return strings.Compare(a.TeamName, b.TeamName)
		})
		return nil
	})
}

// habitContacts is how many of the customer's latest own contacts the habit reads:
// enough for a habit, few enough to be cheap on every profile (200 cost the page 6 %
// of its CPU time), and recent, as habits change.
const habitContacts = 50

// contactHabit reads when the customer's latest own contacts (those they made
// themselves: orders, visits, messages) happened, from the index interactions_actor
// alone, newest first.
func (b *batch) contactHabit(customerID rapport.ID, out **rapport.ContactHabit) {
	var times []time.Time
	appendRows(b, &times, `SELECT occurred_at FROM interactions WHERE customer_id = $1 AND actor_kind = 'customer'
		ORDER BY occurred_at DESC LIMIT `+strconv.Itoa(habitContacts), []any{customerID}, func(rows Scanner) (t time.Time, err error) {
		err = rows.Scan(&t)
		return t, err
	})
	b.then(func() error {
		*out = rapport.HabitOf(times)
		return nil
	})
}
