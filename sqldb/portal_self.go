package sqldb

import (
	"context"
	"fmt"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
	"github.com/rapportckm/rapport/sentiment"
)

var _ rapport.PortalSelfService = (*DB)(nil)

// ownCustomer reads the signed-in customer's own profile. Walls keep customers from
// staff outside a team, not from themselves, so the wall condition does not apply.
func (tx *Tx) ownCustomer() (*rapport.Customer, error) {
	s := tx.scope
	if s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero() {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "sign in first")
	}
	tx.scope = rapport.SystemScope(s.Addr)
	defer func() { tx.scope = s }()
	return tx.findCustomer(s.CustomerID)
}

func (db *DB) FindMyProfile(ctx context.Context, s rapport.Scope) (*rapport.MyProfile, error) {
	var p *rapport.MyProfile
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		p, err = tx.myProfile()
		return err
	})
	return p, err
}

func (tx *Tx) myProfile() (*rapport.MyProfile, error) {
	c, err := tx.ownCustomer()
	if err != nil {
		return nil, err
	}
	p := &rapport.MyProfile{Customer: c}
	if p.Consents, err = tx.consents(c.ID); err != nil {
		return nil, err
	}
	// Only what they gave themselves: what staff logged is in staff's words.
	p.Feedback, err = queryAll(tx, `SELECT fb.id, fb.kind, fb.text, fb.product, fb.status, fb.heard_at FROM feedback fb
		WHERE fb.customer_id = $1 AND `+fromCustomer+` ORDER BY fb.heard_at DESC, fb.id DESC LIMIT 100`, []any{c.ID}, func(rows Scanner) (rapport.MyFeedback, error) {
		var f rapport.MyFeedback
		err := rows.Scan(&f.ID, &f.Kind, &f.Text, &f.Product, &f.Status, &f.HeardAt)
		return f, err
	})
	return p, err
}

func (db *DB) UpdateMyProfile(ctx context.Context, s rapport.Scope, u rapport.MyProfileUpdate) (*rapport.MyProfile, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var out *rapport.MyProfile
	err := db.update(ctx, s, func(tx *Tx) error {
		c, err := tx.ownCustomer()
		if err != nil {
			return err
		}
		before := cloneCustomer(c)
		if c.Kind == rapport.KindPerson && u.Name != "" && u.Name != c.Name {
			c.Name, c.GivenName, c.FamilyName = u.Name, "", ""
		}
		c.Language, c.PreferredChannel = u.Language, u.PreferredChannel
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		chosen := rapport.ValuesOf(c)
		if err := tx.staffEdit(before, c); err != nil {
			return err
		}
		if err := tx.ownChoice(c, chosen); err != nil {
			return err
		}
		if err := tx.saveCustomer(c); err != nil {
			return err
		}
		if c.Name != before.Name { // a new name may now match another customer
			if err := tx.queueIdentities(c.ID); err != nil {
				return err
			}
		}
		if err := tx.audit("update", "customer", c.ID, c.ID, false, c.Name+" (in the portal)"); err != nil {
			return err
		}
		current, err := tx.consents(c.ID)
		if err != nil {
			return err
		}
		for _, p := range rapport.Purposes {
			granted, ok := u.Consents[p]
			if !ok || hasDecision(current, p, granted) {
				continue // unchanged decisions keep their date and source
			}
			if _, err := tx.exec(`INSERT INTO consents (recorded_customer_id, purpose, customer_id, granted, decided_at, source, recorded_by, recorded_at)
				VALUES ($1, $2, $1, $3, $4, 'portal', NULL, $4)
				ON CONFLICT (recorded_customer_id, purpose) DO UPDATE SET customer_id = excluded.customer_id, granted = excluded.granted,
					decided_at = excluded.decided_at, source = excluded.source, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at`,
				c.ID, p, granted, tx.now); err != nil {
				return err
			}
			verb := "withdrawn"
			if granted {
				verb = "granted"
			}
			if err := tx.audit("record", "consent", rapport.ID{}, c.ID, false, fmt.Sprintf("%s %s (portal)", p, verb)); err != nil {
				return err
			}
		}
		out, err = tx.myProfile()
		return err
	})
	return out, err
}

// ownChoice makes the language and preferred channel the customer chose, "no
// preference" included, what their profile says where the golden record chose
// another record's value (a source's channel when the customer's is empty, or a more
// trusted source's): the customer said it themselves, just now.
func (tx *Tx) ownChoice(c *rapport.Customer, chosen rapport.RecordValues) error {
	var fields []string
	if c.Language != chosen.Language {
		fields = append(fields, "language")
	}
	if c.PreferredChannel != chosen.PreferredChannel {
		fields = append(fields, "preferred_channel")
	}
	if len(fields) == 0 {
		return nil
	}
	cs, err := tx.contributions(c.ID)
	if err != nil {
		return err
	}
	i := findContribution(cs, rapport.StaffSource, c.ID.String())
	if i < 0 {
		return fmt.Errorf("customer %s has no staff record after an edit", c.ID)
	}
	staff := cs[i]
	for _, field := range fields {
		staff.Values.Overrule(c.Kind, field, cs)
	}
	if err := tx.saveStaffRecord(c.ID, staff.Values, tx.now); err != nil {
		return err
	}
	return tx.chooseGolden(c, withContribution(cs, staff))
}

func hasDecision(cs []rapport.Consent, p rapport.Purpose, granted bool) bool {
	for _, c := range cs {
		if c.Purpose == p {
			return c.Granted == granted
		}
	}
	return false
}

func (db *DB) GiveFeedback(ctx context.Context, s rapport.Scope, kind rapport.FeedbackKind, product, text string) (*rapport.MyFeedback, error) {
	if !contains(rapport.PortalFeedbackKinds, kind) {
		return nil, rapport.FieldError("kind", "choose what kind of feedback it is")
	}
	f := &rapport.Feedback{Kind: kind, Product: product, Text: text, Channel: "portal"}
	f.Normalize()
	// The customer reads the messages: first in their words, then the checks of all
	// feedback, which what they can send passes.
	if err := f.ValidateGiven(); err != nil {
		return nil, err
	}
	if err := f.Validate(db.Now()); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		c, err := tx.ownCustomer()
		if err != nil {
			return err
		}
		f.CustomerID, f.CustomerName = c.ID, c.Name
		f.ID, f.CreatedAt, f.UpdatedAt, f.HeardAt = rapport.NewID(), tx.now, tx.now, tx.now
		f.Sentiment = sentiment.Text(f.Text).Compound
		return tx.insertFeedback(f, rapport.ID{}, string(f.Kind)+" in the portal: "+markdown.Shorten(f.Text, 80))
	})
	if err != nil {
		return nil, err
	}
	return &rapport.MyFeedback{ID: f.ID, Kind: f.Kind, Text: f.Text, Product: f.Product, Status: f.Status, HeardAt: f.HeardAt}, nil
}
