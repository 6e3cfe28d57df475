package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rapportckm/rapport"
)

var _ rapport.PortalAccountService = (*DB)(nil)

const (
	portalRegistrationSetting = "portal_registration"
	portalSessionLifetime     = 30 * 24 * time.Hour
)

// portalMailRequests limits the mail anyone may make the help centre send by
// registering or asking for a new password: a few messages an hour to an address,
// and not many more from a network address. Every request counts.
var portalMailRequests = attemptLimit{"portal_mail_requests", time.Hour, 3, 20}

// allowMail records a request to mail an address, unless it is over the limits of
// portalMailRequests. Over them nothing is sent, and the visitor is told what they
// would have been told: whether a message goes says nothing of the address.
func (tx *Tx) allowMail(email, addr string) (bool, error) {
	return tx.recordAttempt(portalMailRequests, rapport.NewID(), truncate(email, 254), addr)
}

// The purposes of the links mailed to customers.
const (
	tokenVerify = "verify"
	tokenInvite = "invite"
	tokenReset  = "reset"
)

const portalAccountColumns = `p.id, p.email, p.name, p.customer_id, p.invited_by, p.verified_at, p.created_at, p.last_seen_at, p.password_hash <> ''`

func scanPortalAccount(rows Scanner) (*rapport.PortalAccount, error) {
	a := &rapport.PortalAccount{}
	var verified, seen sql.NullTime
	err := rows.Scan(&a.ID, &a.Email, &a.Name, &a.CustomerID, &a.InvitedBy, &verified, &a.CreatedAt, &seen, &a.HasPassword)
	a.VerifiedAt, a.LastSeenAt = utcPtr(verified), utcPtr(seen)
	return a, err
}

func (tx *Tx) findPortalAccount(where string, args ...any) (*rapport.PortalAccount, error) {
	list, err := queryAll(tx, `SELECT `+portalAccountColumns+` FROM portal_accounts p WHERE `+where, args, scanPortalAccount)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, rapport.NotFound("account")
	}
	return list[0], nil
}

func (db *DB) PortalSettings(ctx context.Context) (rapport.PortalSettings, error) {
	var ps rapport.PortalSettings
	err := db.view(ctx, rapport.Scope{}, func(tx *Tx) error {
		var v string
		err := tx.queryRow(`SELECT value FROM settings WHERE name = $1`, portalRegistrationSetting).Scan(&v)
		if err == sql.ErrNoRows {
			return nil
		}
		ps.Registration = v == "on"
		return err
	})
	return ps, err
}

func (db *DB) SetPortalSettings(ctx context.Context, s rapport.Scope, ps rapport.PortalSettings) error {
	if err := rapport.Require(s.IsAdmin(), "change the portal's settings"); err != nil {
		return err
	}
	v := "off"
	if ps.Registration {
		v = "on"
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.exec(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
			portalRegistrationSetting, v); err != nil {
			return err
		}
		return tx.audit("update", "portal_settings", rapport.ID{}, rapport.ID{}, false, "registration "+v)
	})
}

// portalScope is the scope of a visitor acting on their own account.
func portalScope(addr string) rapport.Scope { return rapport.PortalScope(addr) }

// newPortalToken stores a one-use link's secret for an account and returns it.
func (tx *Tx) newPortalToken(accountID rapport.ID, purpose string, lifetime time.Duration) (string, error) {
	secret := randomSecret(24)
	_, err := tx.exec(`INSERT INTO portal_tokens (secret_hash, account_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hashSecret(secret), accountID, purpose, tx.now, tx.now.Add(lifetime))
	return secret, err
}

// usePortalToken spends a live link of one of the purposes and returns its account;
// a used, expired or unknown link is not found.
func (tx *Tx) usePortalToken(secret string, purposes ...string) (*rapport.PortalAccount, string, error) {
	q := &Query{}
	var accountID rapport.ID
	var purpose string
	err := tx.queryRow(`UPDATE portal_tokens SET used_at = `+q.Arg(tx.now)+` WHERE secret_hash = `+q.Arg(hashSecret(secret))+
		` AND used_at IS NULL AND expires_at > `+q.Arg(tx.now)+` AND purpose IN `+q.In(stringsToAny(purposes)...)+
		` RETURNING account_id, purpose`, q.Args()...).Scan(&accountID, &purpose)
	if err != nil {
		return nil, "", linkNotFound(err)
	}
	a, err := tx.findPortalAccount(`p.id = $1`, accountID)
	return a, purpose, err
}

func linkNotFound(err error) error {
	if err == sql.ErrNoRows {
		return rapport.Errorf(rapport.ENOTFOUND, "this link has expired or was used already; ask for a new one")
	}
	return err
}

func stringsToAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// portalMail queues a message to a portal account. The account's name goes in the
// message only once it is linked to a customer: before that, it is whatever a visitor
// typed, and the firm's mail would carry a stranger's words to the address.
func (tx *Tx) portalMail(a *rapport.PortalAccount, purpose, subject, text string, m rapport.PortalMail) error {
	sign := m.Firm
	if sign == "" {
		sign = "The help centre"
	}
	name := a.Name
	if a.CustomerID.IsZero() {
		name = ""
	}
	return tx.queueMail(&rapport.Mail{CustomerID: a.CustomerID, Purpose: purpose, Ref: a.ID.String(), ToAddress: a.Email,
		ToName: name, Subject: subject, Text: text + "\n\n" + sign + "\n"})
}

func (db *DB) Register(ctx context.Context, addr string, r rapport.Registration, m rapport.PortalMail) error {
	ps, err := db.PortalSettings(ctx)
	if err != nil {
		return err
	}
	if !ps.Registration {
		return rapport.Errorf(rapport.EFORBIDDEN, "accounts are opened by invitation only; ask us for one")
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	return db.update(ctx, portalScope(addr), func(tx *Tx) error {
		if ok, err := tx.allowMail(r.Email, addr); err != nil || !ok {
			return err
		}
		if old, err := tx.findPortalAccount(`p.email = $1`, r.Email); err == nil && !old.Verified() {
			// Never confirmed: a new link, for the first may be lost or expired. The
			// name is the one typed last, unless staff chose the customer.
			if old.CustomerID.IsZero() && old.Name != r.Name {
				if _, err := tx.exec(`UPDATE portal_accounts SET name = $1 WHERE id = $2`, r.Name, old.ID); err != nil {
					return err
				}
				old.Name = r.Name
			}
			if err := tx.audit("register", "portal_account", old.ID, old.CustomerID, false, old.Email+" (again, not confirmed yet)"); err != nil {
				return err
			}
			return tx.mailConfirmation(old, m)
		} else if err == nil {
			// The address has an account: tell its owner, and the visitor nothing.
			text := fmt.Sprintf("Someone, perhaps you, tried to open an account in our help centre with this address, %s. You have one already.\n\n"+
				"Sign in: %s\nForgot your password? Choose a new one: %s\n\nIf it was not you, you need not do anything.",
				old.Email, m.Link("/help/sign-in"), m.Link("/help/reset"))
			return tx.portalMail(old, "portal_registered_twice", "You already have an account", text, m)
		} else if rapport.ErrorCode(err) != rapport.ENOTFOUND {
			return err
		}
		// No password yet: whoever confirms the address chooses it.
		a := &rapport.PortalAccount{ID: rapport.NewID(), Email: r.Email, Name: r.Name, CreatedAt: tx.now}
		if _, err := tx.exec(`INSERT INTO portal_accounts (id, email, name, created_at) VALUES ($1, $2, $3, $4)`,
			a.ID, a.Email, a.Name, tx.now); err != nil {
			return err
		}
		if err := tx.audit("register", "portal_account", a.ID, rapport.ID{}, false, a.Email); err != nil {
			return err
		}
		return tx.mailConfirmation(a, m)
	})
}

// mailConfirmation mails an account a link to confirm its address by choosing a
// password (the page it opens asks for one, so mail scanners that open links do not
// use it up).
func (tx *Tx) mailConfirmation(a *rapport.PortalAccount, m rapport.PortalMail) error {
	secret, err := tx.newPortalToken(a.ID, tokenVerify, rapport.VerifyLinkLifetime)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("To finish opening your account in our help centre, confirm your e-mail address and choose a password by opening this link within %d hours:\n\n%s\n\n"+
		"If you did not ask for an account, you need not do anything.", int(rapport.VerifyLinkLifetime.Hours()), m.Link("/help/password/"+secret))
	return tx.portalMail(a, "portal_verify", "Confirm your e-mail address", text, m)
}

// verifyAccount marks an account's address as verified and, if it has no customer yet,
// links it: to the one customer who has the address (the oldest, if several), or to a
// new person customer.
func (tx *Tx) verifyAccount(a *rapport.PortalAccount) error {
	if a.VerifiedAt == nil {
		now := tx.now
		a.VerifiedAt = &now
	}
	if a.CustomerID.IsZero() {
		var id rapport.ID
		err := tx.queryRow(`SELECT COALESCE(c.merged_into, c.id) FROM customer_contacts e JOIN customers c ON c.id = e.customer_id
			WHERE e.kind = 'email' AND e.normalized = $1 AND c.kind = 'person' ORDER BY c.created_at, c.id LIMIT 1`, a.Email).Scan(&id)
		switch {
		case err == sql.ErrNoRows:
			c := &rapport.Customer{Kind: rapport.KindPerson, Name: a.Name, Emails: []rapport.ContactPoint{{Value: a.Email}},
				PreferredChannel: "email", Attributes: []byte(`{}`)}
			if err := tx.createPortalCustomer(c); err != nil {
				return err
			}
			id = c.ID
		case err != nil:
			return err
		}
		a.CustomerID = id
	}
	if _, err := tx.exec(`UPDATE portal_accounts SET verified_at = $1, customer_id = $2,
		recorded_customer_id = COALESCE(recorded_customer_id, $2) WHERE id = $3`, a.VerifiedAt, a.CustomerID, a.ID); err != nil {
		return err
	}
	tx.scope.CustomerID = a.CustomerID
	return tx.audit("verify", "portal_account", a.ID, a.CustomerID, false, a.Email)
}

func (db *DB) InviteCustomer(ctx context.Context, s rapport.Scope, customerID rapport.ID, email string, m rapport.PortalMail) (*rapport.PortalAccount, error) {
	if err := rapport.Require(s.CanWriteCustomers(), "invite customers to the portal"); err != nil {
		return nil, err
	}
	email = rapport.NormalizeEmail(email)
	var a *rapport.PortalAccount
	err := db.update(ctx, s, func(tx *Tx) error {
		c, err := tx.findCustomer(customerID)
		if err != nil {
			return err
		}
		if err := notMerged(c, "invite"); err != nil {
			return err
		}
		if c.Kind != rapport.KindPerson {
			return rapport.Errorf(rapport.EINVALID, "%s is an organisation: invite one of its people", c.Name)
		}
		has := false
		for _, e := range c.Emails {
			if rapport.NormalizeEmail(e.Value) == email {
				has = true
			}
		}
		if !has {
			return rapport.FieldError("email", "choose one of %s's e-mail addresses", c.Name)
		}
		old, err := tx.findPortalAccount(`p.email = $1`, email)
		switch {
		case err == nil && !old.CustomerID.IsZero() && old.CustomerID != c.ID:
			return rapport.Errorf(rapport.ECONFLICT, "%s is the address of another customer's account", email)
		case err == nil && old.HasPassword && old.VerifiedAt != nil:
			return rapport.Errorf(rapport.ECONFLICT, "%s has an account already", email)
		case err == nil:
			// Invited again, or registered but never verified: the invitation links it,
			// with the customer's name rather than one a visitor may have typed.
			a = old
			a.Name = c.Name
			if _, err := tx.exec(`UPDATE portal_accounts SET customer_id = $1, recorded_customer_id = $1, invited_by = $2, name = $3 WHERE id = $4`,
				c.ID, s.UserID, a.Name, a.ID); err != nil {
				return err
			}
		case rapport.ErrorCode(err) == rapport.ENOTFOUND:
			a = &rapport.PortalAccount{ID: rapport.NewID(), Email: email, Name: c.Name, CreatedAt: tx.now}
			if _, err := tx.exec(`INSERT INTO portal_accounts (id, email, name, customer_id, recorded_customer_id, invited_by, created_at)
				VALUES ($1, $2, $3, $4, $4, $5, $6)`, a.ID, a.Email, a.Name, c.ID, s.UserID, tx.now); err != nil {
				return err
			}
		default:
			return err
		}
		a.CustomerID, a.InvitedBy = c.ID, s.UserID
		secret, err := tx.newPortalToken(a.ID, tokenInvite, rapport.InviteLinkLifetime)
		if err != nil {
			return err
		}
		if err := tx.audit("invite", "portal_account", a.ID, c.ID, false, email); err != nil {
			return err
		}
		text := fmt.Sprintf("Hello %s,\n\nYou are invited to our help centre, where you find answers, your profile and what we did with your feedback. "+
			"Choose a password to open your account (the link works for %d days):\n\n%s", a.Name, int(rapport.InviteLinkLifetime.Hours()/24), m.Link("/help/password/"+secret))
		return tx.portalMail(a, "portal_invite", "Your account in our help centre", text, m)
	})
	return a, err
}

func (db *DB) RequestPasswordReset(ctx context.Context, addr, email string, m rapport.PortalMail) error {
	email = rapport.NormalizeEmail(email)
	return db.update(ctx, portalScope(addr), func(tx *Tx) error {
		if ok, err := tx.allowMail(email, addr); err != nil || !ok {
			return err
		}
		a, err := tx.findPortalAccount(`p.email = $1`, email)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return nil // the visitor is told the same either way
		} else if err != nil {
			return err
		}
		secret, err := tx.newPortalToken(a.ID, tokenReset, rapport.ResetLinkLifetime)
		if err != nil {
			return err
		}
		if err := tx.audit("reset_requested", "portal_account", a.ID, a.CustomerID, false, a.Email); err != nil {
			return err
		}
		if !a.Verified() {
			// Never confirmed (registered, or invited and not come yet): the link to
			// confirm the address is the one to choose a password.
			return tx.mailConfirmation(a, m)
		}
		text := fmt.Sprintf("Someone, perhaps you, asked to choose a new password for your account in our help centre. "+
			"Open this link within %d minutes to choose one:\n\n%s\n\nIf it was not you, you need not do anything: your password stays as it is.",
			int(rapport.ResetLinkLifetime.Minutes()), m.Link("/help/password/"+secret))
		return tx.portalMail(a, "portal_reset", "Choose a new password", text, m)
	})
}

func (db *DB) CheckPasswordToken(ctx context.Context, token string) (*rapport.PortalAccount, error) {
	var a *rapport.PortalAccount
	err := db.view(ctx, rapport.Scope{}, func(tx *Tx) error {
		var err error
		a, err = tx.findPortalAccount(`p.id = (SELECT account_id FROM portal_tokens WHERE secret_hash = $1 AND used_at IS NULL
			AND expires_at > $2 AND purpose IN ('verify', 'invite', 'reset'))`, hashSecret(token), tx.now)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return linkNotFound(sql.ErrNoRows)
		}
		return err
	})
	return a, err
}

func (db *DB) SetPasswordWithToken(ctx context.Context, addr, token, password string) (*rapport.PortalAccount, error) {
	if err := rapport.CheckPortalPassword(password); err != nil {
		return nil, err
	}
	hash := hashPassword(password)
	var a *rapport.PortalAccount
	err := db.update(ctx, portalScope(addr), func(tx *Tx) error {
		var err error
		if a, _, err = tx.usePortalToken(token, tokenVerify, tokenInvite, tokenReset); err != nil {
			return err
		}
		// The link came by e-mail, so the address is verified by using it.
		if err := tx.verifyAccount(a); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE portal_accounts SET password_hash = $1 WHERE id = $2`, hash, a.ID); err != nil {
			return err
		}
		// Other links to set a password, and other sessions, end with the new password.
		if _, err := tx.exec(`UPDATE portal_tokens SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL AND purpose IN ('verify', 'invite', 'reset')`,
			tx.now, a.ID); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM portal_sessions WHERE account_id = $1`, a.ID); err != nil {
			return err
		}
		a.HasPassword = true
		return tx.audit("update", "portal_account", a.ID, a.CustomerID, false, "password set")
	})
	return a, err
}

func (db *DB) AuthenticateCustomer(ctx context.Context, email, password, addr string) (*rapport.PortalAccount, error) {
	email = rapport.NormalizeEmail(email)
	s := portalScope(addr)
	attempt, err := db.startSignIn(ctx, s, portalSignIns, email, addr)
	if err != nil {
		return nil, err
	}
	var a *rapport.PortalAccount
	var hash string
	err = db.view(ctx, s, func(tx *Tx) error {
		var err error
		a, err = tx.findPortalAccount(`p.email = $1`, email)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			a = nil
			return nil
		} else if err != nil {
			return err
		}
		return tx.queryRow(`SELECT password_hash FROM portal_accounts WHERE id = $1`, a.ID).Scan(&hash)
	})
	if err != nil {
		return nil, err
	}
	ok := checkPassword(hash, password) && a != nil && a.Verified()
	err = db.update(ctx, s, func(tx *Tx) error {
		if !ok {
			return tx.audit("sign_in_failed", "portal_account", rapport.ID{}, rapport.ID{}, false, email)
		}
		if _, err := tx.exec(`UPDATE portal_sign_in_attempts SET ok = TRUE WHERE id = $1`, attempt); err != nil {
			return err
		}
		tx.scope.CustomerID = a.CustomerID
		if _, err := tx.exec(`UPDATE portal_accounts SET last_seen_at = $1 WHERE id = $2`, tx.now, a.ID); err != nil {
			return err
		}
		return tx.audit("sign_in", "portal_account", a.ID, a.CustomerID, false, email)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "the e-mail address or the password is wrong, or the address is not confirmed yet")
	}
	return a, nil
}

func (db *DB) CreatePortalSession(ctx context.Context, accountID rapport.ID, addr, userAgent string) (string, error) {
	secret := randomSecret(32)
	err := db.update(ctx, portalScope(addr), func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO portal_sessions (secret_hash, account_id, created_at, expires_at, addr, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
			hashSecret(secret), accountID, tx.now, tx.now.Add(portalSessionLifetime), addr, truncate(userAgent, 300))
		return err
	})
	return secret, err
}

func (db *DB) FindPortalSession(ctx context.Context, secret string) (*rapport.PortalAccount, error) {
	var a *rapport.PortalAccount
	err := db.view(ctx, rapport.Scope{}, func(tx *Tx) error {
		var err error
		a, err = tx.findPortalAccount(`p.id = (SELECT account_id FROM portal_sessions WHERE secret_hash = $1 AND expires_at > $2)
			AND p.verified_at IS NOT NULL AND p.customer_id IS NOT NULL`, hashSecret(secret), tx.now)
		if rapport.ErrorCode(err) == rapport.ENOTFOUND {
			return rapport.Errorf(rapport.EUNAUTHORIZED, "your session has ended: sign in again")
		}
		return err
	})
	return a, err
}

func (db *DB) DeletePortalSession(ctx context.Context, secret string) error {
	return db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM portal_sessions WHERE secret_hash = $1 OR expires_at < $2`, hashSecret(secret), tx.now)
		return err
	})
}

func (db *DB) FindPortalAccounts(ctx context.Context, s rapport.Scope, customerID rapport.ID) ([]rapport.PortalAccount, error) {
	if err := rapport.Require(s.IsStaff(), "list portal accounts"); err != nil {
		return nil, err
	}
	var out []rapport.PortalAccount
	err := db.view(ctx, s, func(tx *Tx) error {
		if _, err := tx.findCustomerKind(customerID); err != nil {
			return err
		}
		return tx.reads(func(b *batch) { b.portalAccounts(customerID, &out) })
	})
	return out, err
}

// portalAccounts reads into out the help centre accounts of a customer the caller has
// found visible.
func (b *batch) portalAccounts(customerID rapport.ID, out *[]rapport.PortalAccount) {
	b.query(`SELECT `+portalAccountColumns+` FROM portal_accounts p WHERE p.customer_id = $1 ORDER BY p.created_at`,
		[]any{customerID}, func(r Scanner) error {
			a, err := scanPortalAccount(r)
			if err == nil {
				*out = append(*out, *a)
			}
			return err
		})
}

// createPortalCustomer creates the person a verified registration is for, as staff
// creating a customer would (the resolver then looks for their other records).
func (tx *Tx) createPortalCustomer(c *rapport.Customer) error {
	c.Normalize()
	if err := c.Validate(); err != nil {
		return err
	}
	if err := tx.insertCustomer(c); err != nil {
		return err
	}
	if err := tx.saveStaffRecord(c.ID, rapport.ValuesOf(c), tx.now); err != nil {
		return err
	}
	if err := tx.queueIdentities(c.ID); err != nil {
		return err
	}
	return tx.audit("create", "customer", c.ID, c.ID, false, c.Name+" (registered in the portal)")
}
