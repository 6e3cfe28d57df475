package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
)

var _ rapport.CustomerService = (*DB)(nil)

const customerColumns = `c.id, c.kind, c.name, c.sort_name, c.given_name, c.family_name, c.language,
	c.preferred_channel, c.owner_id, COALESCE(u.name, ''), c.attributes, c.merged_into, c.version,
	c.created_at, c.updated_at, c.preferred_days, c.preferred_part`

// customerOwner joins each customer c with its owner u.
const customerOwner = ` LEFT JOIN users u ON u.id = c.owner_id`

const customerFrom = `customers c` + customerOwner

// customerRow is a customer with its sort key, which cursors need.
type customerRow struct {
	*rapport.Customer
	sortName string
}

func scanCustomer(rows Scanner) (customerRow, error) {
	r := customerRow{Customer: &rapport.Customer{}}
	return r, scanCustomerInto(rows, r.Customer, &r.sortName)
}

// scanCustomerInto scans customerColumns into c and sortName, then the columns more
// receives.
func scanCustomerInto(rows Scanner, c *rapport.Customer, sortName *string, more ...any) error {
	var attrs []byte
	err := rows.Scan(append([]any{&c.ID, &c.Kind, &c.Name, sortName, &c.GivenName, &c.FamilyName, &c.Language,
		&c.PreferredChannel, &c.OwnerID, &c.OwnerName, &attrs, &c.MergedInto, &c.Version,
		&c.CreatedAt, &c.UpdatedAt, &c.PreferredTime.Days, &c.PreferredTime.Part}, more...)...)
	c.Attributes = attrs
	return err
}

// FindCustomerByID returns a visible customer with all its details and records the read.
func (db *DB) FindCustomerByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Customer, error) {
	var c *rapport.Customer
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		c, err = tx.findCustomer(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, db.auditRead(ctx, s, "customer", c.ID, c.ID, "profile")
}

// findCustomer returns the customer if the transaction's scope may see it. A record
// merged into another is part of that customer, and as visible as it is: a wall over
// the customer hides the records merged into it too.
func (tx *Tx) findCustomer(id rapport.ID) (*rapport.Customer, error) {
	c := &rapport.Customer{ID: id}
	if err := tx.reads(func(b *batch) { b.customer(c, nil, nil) }); err != nil {
		return nil, err
	}
	return c, nil
}

// customer queues the read of customer c.ID into c, as findCustomer, with its
// details, which are dropped if the scope may not see it (ENOTFOUND, once read). Given
// has and q, the same statement says which of the profile's sections hold anything
// and measures the profile's quality.
func (b *batch) customer(c *rapport.Customer, has *holdings, q *rapport.Quality) {
	columns, dest := has.columns()
	measure := func() {}
	if q != nil {
		q.CustomerID = c.ID
		more, qdest, m := quality(q, b.tx.now)
		columns, dest, measure = columns+", "+more, append(dest, qdest...), m
	}
	var sortName string
	var found bool
	query := &Query{}
	b.query(`SELECT `+customerColumns+columns+` FROM `+customerFrom+`
		WHERE c.id = `+query.Arg(c.ID)+` AND `+visibleCustomer(query, b.tx.scope, "COALESCE(c.merged_into, c.id)"), query.Args(),
		func(r Scanner) error {
			found = true
			return scanCustomerInto(r, c, &sortName, dest...)
		})
	b.then(func() error {
		if !found {
			return rapport.NotFound("customer")
		}
		measure()
		return nil
	})
	b.customerDetails([]*rapport.Customer{c})
}

// RecordExport checks that the scope may export the personal data of a visible
// customer (not a record merged into another), records the export and returns the
// customer.
func (db *DB) RecordExport(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Customer, error) {
	if err := rapport.Require(s.CanExportPersonalData(), "export a customer's personal data"); err != nil {
		return nil, err
	}
	var c *rapport.Customer
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if c, err = tx.findCustomer(id); err != nil {
			return err
		}
		if err := notMerged(c, "export"); err != nil {
			return err
		}
		walled := false
		if s.SeesThroughWalls() {
			if walled, err = tx.walled(id); err != nil {
				return err
			}
		}
		return tx.audit("export", "customer", id, id, walled, "personal data of "+c.Name)
	})
	return c, err
}

// notMerged refuses to act on a record merged into another customer: what it held
// (items, feedback, consents) now belongs to that customer.
func notMerged(c *rapport.Customer, doing string) error {
	if c.MergedInto.IsZero() {
		return nil
	}
	return rapport.Errorf(rapport.ECONFLICT, "%s was merged into customer %s: %s that customer, or undo the merge first", c.Name, c.MergedInto, doing)
}

// FindCustomers lists customers by name, or by relevance when f.Query is set.
func (db *DB) FindCustomers(ctx context.Context, s rapport.Scope, f rapport.CustomerFilter) ([]*rapport.Customer, string, error) {
	var out []*rapport.Customer
	var next string
	err := db.view(ctx, s, func(tx *Tx) error {
		n := limit(f.Limit, 50, 500)
		q := &Query{}
		from, conds, searched := customerConditions(q, db.dialect, s, f)
		order := "c.sort_name, c.id"
		offset := 0
		if searched != nil {
			// Search results page by position: there are at most SearchLimit+1 of them.
			order = searchRank(q, searched) + ", c.sort_name, c.id"
			if f.Cursor != "" {
				parts, err := decodeCursor(f.Cursor, 2)
				if err != nil {
					return err
				}
				if offset, err = strconv.Atoi(parts[1]); err != nil || parts[0] != "offset" || offset < 0 {
					return badCursor()
				}
			}
		} else if f.Cursor != "" {
			parts, err := decodeCursor(f.Cursor, 2)
			if err != nil {
				return err
			}
			id, err := rapport.ParseID(parts[1])
			if err != nil {
				return badCursor()
			}
			conds = append(conds, fmt.Sprintf("(c.sort_name > %s OR (c.sort_name = %s AND c.id > %s))", q.Arg(parts[0]), q.Arg(parts[0]), q.Arg(id)))
		}
		query := `SELECT ` + customerColumns + ` FROM ` + from + customerOwner + ` WHERE ` + strings.Join(conds, " AND ") +
			` ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(n+1) + ` OFFSET ` + strconv.Itoa(offset)
		rows, err := queryAll(tx, query, q.Args(), scanCustomer)
		if err != nil {
			return err
		}
		if len(rows) > n {
			rows = rows[:n]
			last := rows[n-1]
			if searched != nil {
				next = encodeCursor("offset", strconv.Itoa(offset+n))
			} else {
				next = encodeCursor(last.sortName, last.ID.String())
			}
		}
		for _, r := range rows {
			out = append(out, r.Customer)
		}
		return tx.loadCustomerDetails(out)
	})
	return out, next, err
}

// CountCustomers counts what FindCustomers would list; a search counts at most
// rapport.SearchLimit+1, meaning "more than SearchLimit".
func (db *DB) CountCustomers(ctx context.Context, s rapport.Scope, f rapport.CustomerFilter) (int, error) {
	var n int
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		from, conds, _ := customerConditions(q, db.dialect, s, f)
		return tx.queryRow(`SELECT COUNT(*) FROM `+from+` WHERE `+strings.Join(conds, " AND "), q.Args()...).Scan(&n)
	})
	return n, err
}

// customerConditions turns a filter into SQL: the customers c to read (all, or a
// search's matches) and the conditions on them, the scope's visibility always among
// them; searched holds a search's terms.
func customerConditions(q *Query, d Dialect, s rapport.Scope, f rapport.CustomerFilter) (from string, conds []string, searched []string) {
	from = "customers c"
	conds = []string{"c.merged_into IS NULL", visibleCustomer(q, s, "c.id")}
	if f.Kind != "" {
		conds = append(conds, "c.kind = "+q.Arg(string(f.Kind)))
	}
	if f.Relationship != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM customer_relationships r WHERE r.customer_id = c.id AND r.kind = "+q.Arg(string(f.Relationship))+")")
	}
	if f.Tag != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM customer_tags t WHERE t.customer_id = c.id AND t.tag = "+q.Arg(strings.ToLower(strings.TrimSpace(f.Tag)))+")")
	}
	if !f.OwnerID.IsZero() {
		conds = append(conds, "c.owner_id = "+q.Arg(f.OwnerID))
	}
	if !f.OrganisationID.IsZero() {
		conds = append(conds, "c.id IN (SELECT l.from_id FROM customer_links l WHERE l.to_id = "+q.Arg(f.OrganisationID)+")")
	}
	if !f.SegmentID.IsZero() {
		conds = append(conds, "c.id IN (SELECT m.customer_id FROM segment_members m WHERE m.segment_id = "+q.Arg(f.SegmentID)+")")
	}
	if email := strings.TrimSpace(f.Query); rapport.ValidEmail(email) == "" {
		// A whole e-mail address is looked up, not searched word by word: its domain's
		// words match thousands of customers, which the search engine would rank.
		conds = append(conds, "c.id IN (SELECT cc.customer_id FROM customer_contacts cc WHERE cc.kind = 'email' AND cc.normalized = "+q.Arg(rapport.NormalizeEmail(email))+")")
	} else if terms := searchTerms(f.Query); len(terms) > 0 {
		from, searched = d.MatchCustomers(q, terms, rapport.SearchLimit+1), terms
	} else if strings.TrimSpace(f.Query) != "" {
		conds = append(conds, "FALSE") // only punctuation: nothing can match
	}
	return from, conds, searched
}

// searchRank orders a search's matches by their names: first those whose name holds
// every term (each at the start of a word), then those found by an e-mail address or
// phone number alone; within each, by how little of the name the query leaves over,
// shortest names first. It needs nothing but the rows the results are read from, where
// BM25 reads statistics of every term and document (a fifth of the time of a search on
// 100,000 customers).
func searchRank(q *Query, terms []string) string {
	inName := make([]string, len(terms))
	for i, t := range terms {
		inName[i] = "(' ' || c.sort_name) LIKE " + q.Arg("% "+t+"%") // terms hold letters and digits only
	}
	return "CASE WHEN " + strings.Join(inName, " AND ") + " THEN 0 ELSE 1 END, length(c.sort_name)"
}

// loadCustomerDetails fills in contacts, addresses, relationships and tags.
func (tx *Tx) loadCustomerDetails(cs []*rapport.Customer) error {
	return tx.reads(func(b *batch) { b.customerDetails(cs) })
}

// customerDetails reads the contact points, addresses, relationships and tags of the
// customers cs (who have their ids).
func (b *batch) customerDetails(cs []*rapport.Customer) {
	if len(cs) == 0 {
		return
	}
	byID := make(map[rapport.ID]*rapport.Customer, len(cs))
	ids := make([]any, len(cs))
	for i, c := range cs {
		byID[c.ID] = c
		ids[i] = c.ID
		c.Emails, c.Phones, c.Addresses = []rapport.ContactPoint{}, []rapport.ContactPoint{}, []rapport.Address{}
		c.Relationships, c.Tags = []rapport.Relationship{}, []string{}
	}
	// One statement reads all four tables, each row padded to the widest (an address):
	// a query costs a round trip to PostgreSQL, and on either database more than its
	// few rows. Contacts and addresses keep their order by position.
	q := &Query{}
	in := q.In(ids...)
	b.query(`SELECT customer_id, kind, position, value, label, normalized, '', '', '' FROM customer_contacts WHERE customer_id IN `+in+`
		UNION ALL SELECT customer_id, 'address', position, label, street, city, postcode, region, country FROM customer_addresses WHERE customer_id IN `+in+`
		UNION ALL SELECT customer_id, 'relationship', 0, kind, '', '', '', '', '' FROM customer_relationships WHERE customer_id IN `+in+`
		UNION ALL SELECT customer_id, 'tag', 0, tag, '', '', '', '', '' FROM customer_tags WHERE customer_id IN `+in+`
		ORDER BY 3`, q.Args(), func(rows Scanner) error {
		var id rapport.ID
		var what string
		var position int
		var v [6]string
		if err := rows.Scan(&id, &what, &position, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]); err != nil {
			return err
		}
		c := byID[id]
		switch what {
		case "email":
			c.Emails = append(c.Emails, rapport.ContactPoint{Value: v[0], Label: v[1], Normalized: v[2]})
		case "phone":
			c.Phones = append(c.Phones, rapport.ContactPoint{Value: v[0], Label: v[1], Normalized: v[2]})
		case "address":
			c.Addresses = append(c.Addresses, rapport.Address{Label: v[0], Street: v[1], City: v[2], Postcode: v[3], Region: v[4], Country: v[5]})
		case "relationship":
			c.Relationships = append(c.Relationships, rapport.Relationship(v[0]))
		case "tag":
			c.Tags = append(c.Tags, v[0])
		}
		return nil
	})
	b.then(func() error {
		for _, c := range cs {
			rapport.SortRelationships(c.Relationships)
			sort.Strings(c.Tags)
		}
		return nil
	})
}

// CreateCustomer validates and stores a new customer.
func (db *DB) CreateCustomer(ctx context.Context, s rapport.Scope, c *rapport.Customer) error {
	if err := rapport.Require(s.CanWriteCustomers(), "create customers"); err != nil {
		return err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if err := tx.insertCustomer(c); err != nil {
			return err
		}
		if err := tx.saveStaffRecord(c.ID, rapport.ValuesOf(c), tx.now); err != nil {
			return err
		}
		if err := tx.queueIdentities(c.ID); err != nil {
			return err
		}
		return tx.audit("create", "customer", c.ID, c.ID, false, c.Name)
	})
}

// insertCustomer stores a normalised, valid customer under a new id.
func (tx *Tx) insertCustomer(c *rapport.Customer) error {
	if err := tx.newCustomer(c); err != nil {
		return err
	}
	return tx.insertCustomers([]*rapport.Customer{c})
}

// newCustomer checks a normalised, valid customer's owner and gives it a new id and
// its first version, for insertCustomers.
func (tx *Tx) newCustomer(c *rapport.Customer) error {
	if err := tx.checkOwner(c.OwnerID); err != nil {
		return err
	}
	c.ID = rapport.NewID()
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	c.MergedInto = rapport.ID{}
	return nil
}

// insertCustomers stores customers made by newCustomer, many to a statement: a bulk
// write creates hundreds.
func (tx *Tx) insertCustomers(cs []*rapport.Customer) error {
	err := execChunks(tx, `INSERT INTO customers (id, kind, name, sort_name, given_name, family_name, language,
		preferred_channel, owner_id, attributes, search_doc, version, created_at, updated_at, preferred_days, preferred_part)
		VALUES %s`, cs, 16, ", ", func(q *Query, c *rapport.Customer) string {
		return q.In(c.ID, string(c.Kind), c.Name, sortName(c.Name), c.GivenName, c.FamilyName, c.Language,
			string(c.PreferredChannel), c.OwnerID, string(c.Attributes), searchDocument(c), c.Version, c.CreatedAt, c.UpdatedAt,
			string(c.PreferredTime.Days), string(c.PreferredTime.Part))
	})
	if err != nil {
		return err
	}
	if err := tx.insertCustomerDetails(cs); err != nil {
		return err
	}
	for _, c := range cs {
		if err := tx.fillOwnerName(c); err != nil {
			return err
		}
	}
	return nil
}

// UpdateCustomer applies u to a visible customer.
func (db *DB) UpdateCustomer(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.CustomerUpdate) (*rapport.Customer, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "change customers"); err != nil {
		return nil, err
	}
	if u.Version < 0 {
		return nil, rapport.FieldError("version", "version is the number the customer had when read (1 or more), not %d", u.Version)
	}
	var c *rapport.Customer
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if c, err = tx.findCustomer(id); err != nil {
			return err
		}
		if err := notMerged(c, "change"); err != nil {
			return err
		}
		if u.Version != 0 && u.Version != c.Version {
			return rapport.Errorf(rapport.ECONFLICT, "%s was changed by someone else since you loaded it (your version %d, now %d): reload and make your change again", c.Name, u.Version, c.Version)
		}
		before := cloneCustomer(c)
		u.Apply(c)
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		if reflect.DeepEqual(before, c) { // nothing changes: no new version, nothing to audit
			return nil
		}
		if err := tx.staffEdit(before, c); err != nil {
			return err
		}
		if err := tx.saveCustomer(c); err != nil {
			return err
		}
		if c.Kind == rapport.KindPerson { // a changed name or address may now match another
			if err := tx.queueIdentities(c.ID); err != nil {
				return err
			}
		}
		return tx.audit("update", "customer", c.ID, c.ID, false, c.Name)
	})
	return c, err
}

// saveCustomer writes a changed customer; it fails with ECONFLICT if another
// transaction changed it first.
func (tx *Tx) saveCustomer(c *rapport.Customer) error {
	if err := tx.checkOwner(c.OwnerID); err != nil {
		return err
	}
	res, err := tx.exec(`UPDATE customers SET name = $1, sort_name = $2, given_name = $3, family_name = $4,
		language = $5, preferred_channel = $6, owner_id = $7, attributes = $8, search_doc = $9,
		version = version + 1, updated_at = $10, preferred_days = $13, preferred_part = $14 WHERE id = $11 AND version = $12`,
		c.Name, sortName(c.Name), c.GivenName, c.FamilyName, c.Language, string(c.PreferredChannel),
		c.OwnerID, string(c.Attributes), searchDocument(c), tx.now, c.ID, c.Version,
		string(c.PreferredTime.Days), string(c.PreferredTime.Part))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return rapport.Errorf(rapport.ECONFLICT, "%s was changed by someone else at the same time: reload and make your change again", c.Name)
	}
	c.Version++
	c.UpdatedAt = tx.now
	for _, table := range []string{"customer_contacts", "customer_addresses", "customer_relationships", "customer_tags"} {
		if _, err := tx.exec(`DELETE FROM `+table+` WHERE customer_id = $1`, c.ID); err != nil {
			return err
		}
	}
	if err := tx.insertCustomerDetails([]*rapport.Customer{c}); err != nil {
		return err
	}
	return tx.fillOwnerName(c)
}

// insertCustomerDetails writes customers' contacts, addresses, relationships and
// tags: each kind of detail of all of them together, many to a statement.
func (tx *Tx) insertCustomerDetails(cs []*rapport.Customer) error {
	var contacts, addresses, relationships, tags [][]any
	for _, c := range cs {
		for i, cp := range c.Emails {
			contacts = append(contacts, []any{c.ID, "email", i, cp.Value, rapport.NormalizeEmail(cp.Value), cp.Label})
		}
		for i, cp := range c.Phones {
			contacts = append(contacts, []any{c.ID, "phone", i, cp.Value, cp.PhoneKey(), cp.Label})
		}
		for i, a := range c.Addresses {
			addresses = append(addresses, []any{c.ID, i, a.Label, a.Street, a.City, a.Postcode, a.Region, a.Country})
		}
		for _, r := range c.Relationships {
			relationships = append(relationships, []any{c.ID, string(r)})
		}
		for _, t := range c.Tags {
			tags = append(tags, []any{c.ID, t})
		}
	}
	values := func(q *Query, row []any) string { return q.In(row...) }
	if err := execChunks(tx, `INSERT INTO customer_contacts (customer_id, kind, position, value, normalized, label) VALUES %s`, contacts, 6, ", ", values); err != nil {
		return err
	}
	if err := execChunks(tx, `INSERT INTO customer_addresses (customer_id, position, label, street, city, postcode, region, country) VALUES %s`, addresses, 8, ", ", values); err != nil {
		return err
	}
	if err := execChunks(tx, `INSERT INTO customer_relationships (customer_id, kind) VALUES %s`, relationships, 2, ", ", values); err != nil {
		return err
	}
	return execChunks(tx, `INSERT INTO customer_tags (customer_id, tag) VALUES %s`, tags, 2, ", ", values)
}

// checkOwner requires the owner, if any, to be an active user.
func (tx *Tx) checkOwner(id rapport.ID) error {
	if id.IsZero() {
		return nil
	}
	var active bool
	err := tx.queryRow(`SELECT active FROM users WHERE id = $1`, id).Scan(&active)
	if err == sql.ErrNoRows || (err == nil && !active) {
		return rapport.FieldError("owner_id", "the owner must be an active staff user; no such user %s", id)
	}
	return err
}

func (tx *Tx) fillOwnerName(c *rapport.Customer) error {
	c.OwnerName = ""
	if c.OwnerID.IsZero() {
		return nil
	}
	return tx.queryRow(`SELECT name FROM users WHERE id = $1`, c.OwnerID).Scan(&c.OwnerName)
}

// forgetReader takes the customer out of the help centre's records of reading: their
// views and ratings keep counting in the articles' figures, from a reader no one is
// (the key "c:" and their id named them), their rating comments are emptied, and their
// searches, whose words may name them, are deleted.
func (tx *Tx) forgetReader(id rapport.ID) error {
	nobody := "x:" + rapport.NewID().String()
	for _, stmt := range []string{
		`UPDATE kb_ratings SET reader = $1, comment = '' WHERE customer_id = $2 OR recorded_customer_id = $2`,
		`UPDATE kb_views SET reader = $1 WHERE customer_id = $2 OR recorded_customer_id = $2`,
	} {
		if _, err := tx.exec(stmt, nobody, id); err != nil {
			return err
		}
	}
	_, err := tx.exec(`DELETE FROM kb_searches WHERE customer_id = $1 OR recorded_customer_id = $1`, id)
	return err
}

// DeleteCustomer deletes a visible customer with everything recorded about them.
func (db *DB) DeleteCustomer(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanDeleteCustomers(), "delete customers"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		c, err := tx.findCustomer(id)
		if err != nil {
			return err
		}
		if err := notMerged(c, "delete"); err != nil {
			return err
		}
		var merged int
		if err := tx.queryRow(`SELECT COUNT(*) FROM customers WHERE merged_into = $1`, id).Scan(&merged); err != nil {
			return err
		} else if merged > 0 {
			return rapport.Errorf(rapport.ECONFLICT, "%s holds %d merged records: unmerge them before deleting", c.Name, merged)
		}
		if err := tx.forgetReader(id); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM customers WHERE id = $1`, id); err != nil {
			return err
		}
		if err := tx.queuePurge(); err != nil { // the files of their attachments
			return err
		}
		if err := tx.refreshWallCoverage(); err != nil {
			return err
		}
		return tx.audit("delete", "customer", id, id, false, c.Name)
	})
}
