package sqldb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"golang.org/x/crypto/argon2"
)

var _ rapport.UserService = (*DB)(nil)

// Limits on sign-in attempts within signInWindow.
const (
	signInWindow      = 15 * time.Minute
	maxFailsPerEmail  = 5
	maxFailsPerAddr   = 20
	sessionLifetime   = 14 * 24 * time.Hour
	tokenUseGranule   = time.Hour // last_used_at is written at most this often
	setupSecretName   = "setup_secret"
	tokenSecretPrefix = "rpt_"
)

const userColumns = `u.id, u.email, u.name, u.role, u.active, u.created_at, u.last_seen_at`

// withTeams joins, to a statement over users u, a row for each of a user's teams, so
// that a user and their teams take one statement (every request reads its user's).
// A user in no team has one row, with t.id and t.name NULL.
const withTeams = ` LEFT JOIN team_members tm ON tm.user_id = u.id LEFT JOIN teams t ON t.id = tm.team_id `

// queryUsers reads users from a statement joined withTeams that selects userColumns,
// t.id and t.name, then the columns more receives, and orders each user's rows
// together.
func (tx *Tx) queryUsers(query string, args []any, more ...any) ([]*rapport.User, error) {
	var users []*rapport.User
	err := tx.each(query, args, func(r Scanner) error {
		u := &rapport.User{Teams: []rapport.TeamRef{}}
		var seen sql.NullTime
		var team rapport.ID
		var teamName sql.NullString
		if err := r.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt, &seen, &team, &teamName}, more...)...); err != nil {
			return err
		}
		if n := len(users); n > 0 && users[n-1].ID == u.ID {
			u = users[n-1]
		} else {
			u.LastSeenAt = seen.Time
			users = append(users, u)
		}
		if !team.IsZero() {
			u.Teams = append(u.Teams, rapport.TeamRef{ID: team, Name: teamName.String})
		}
		return nil
	})
	return users, err
}

// findUsers returns the users that the tables joined in from and the condition where
// choose, with their teams.
func (tx *Tx) findUsers(from, where string, args ...any) ([]*rapport.User, error) {
	return tx.queryUsers(`SELECT `+userColumns+`, t.id, t.name FROM users u `+from+withTeams+where+` ORDER BY u.name, u.email, t.name`, args)
}

func (tx *Tx) findUser(id rapport.ID) (*rapport.User, error) {
	users, err := tx.findUsers("", `WHERE u.id = $1`, id)
	if err != nil {
		return nil, err
	} else if len(users) == 0 {
		return nil, rapport.NotFound("user")
	}
	return users[0], nil
}

// FindUserByID returns a staff user; any staff member may look colleagues up.
func (db *DB) FindUserByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.User, error) {
	if s.Kind == rapport.ActorCustomer {
		return nil, rapport.NotFound("user")
	}
	var u *rapport.User
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		u, err = tx.findUser(id)
		return err
	})
	return u, err
}

// FindUsers lists all staff users.
func (db *DB) FindUsers(ctx context.Context, s rapport.Scope) ([]*rapport.User, error) {
	if s.Kind == rapport.ActorCustomer {
		return nil, rapport.Errorf(rapport.EFORBIDDEN, "customers may not list staff")
	}
	var users []*rapport.User
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		users, err = tx.findUsers("", "")
		return err
	})
	return users, err
}

// CountUsers counts staff users; zero means the database awaits its first admin.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

// CreateUser adds a staff user with the teams in u.Teams.
func (db *DB) CreateUser(ctx context.Context, s rapport.Scope, u *rapport.User, password string) error {
	if err := rapport.Require(s.IsAdmin(), "manage users"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error { return tx.createUser(u, password) })
}

func (tx *Tx) createUser(u *rapport.User, password string) error {
	if err := u.ValidateNew(password); err != nil {
		return err
	}
	hash := ""
	if password != "" {
		hash = hashPassword(password)
	}
	u.ID, u.CreatedAt, u.Active = rapport.NewID(), tx.now, true
	if _, err := tx.exec(`INSERT INTO users (id, email, name, role, password_hash, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)`, u.ID, u.Email, u.Name, string(u.Role), hash, tx.now); err != nil {
		return tx.taken(err, "email", "a user with the e-mail address %s exists already", u.Email)
	}
	teamIDs := make([]rapport.ID, len(u.Teams))
	for i, t := range u.Teams {
		teamIDs[i] = t.ID
	}
	if err := tx.setUserTeams(u.ID, teamIDs); err != nil {
		return err
	}
	saved, err := tx.findUser(u.ID)
	if err != nil {
		return err
	}
	*u = *saved
	return tx.audit("create", "user", u.ID, rapport.ID{}, false, u.Email+" as "+string(u.Role))
}

func (tx *Tx) setUserTeams(userID rapport.ID, teamIDs []rapport.ID) error {
	if _, err := tx.exec(`DELETE FROM team_members WHERE user_id = $1`, userID); err != nil {
		return err
	}
	for _, id := range teamIDs {
		if _, err := tx.exec(`INSERT INTO team_members (team_id, user_id) SELECT id, $1 FROM teams WHERE id = $2 ON CONFLICT DO NOTHING`, userID, id); err != nil {
			return err
		}
	}
	return tx.checkAllExist("teams", "team_ids", teamIDs)
}

// UpdateUser changes a user. The last active admin cannot be demoted or deactivated.
func (db *DB) UpdateUser(ctx context.Context, s rapport.Scope, id rapport.ID, upd rapport.UserUpdate) (*rapport.User, error) {
	if err := rapport.Require(s.IsAdmin(), "manage users"); err != nil {
		return nil, err
	}
	var u *rapport.User
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if u, err = tx.findUser(id); err != nil {
			return err
		}
		wasAdmin := u.Role == rapport.RoleAdmin && u.Active
		upd.Apply(u)
		if err := u.Validate(); err != nil {
			return err
		}
		if wasAdmin && (u.Role != rapport.RoleAdmin || !u.Active) {
			var admins int
			if err := tx.queryRow(`SELECT COUNT(*) FROM users WHERE role = 'admin' AND active`).Scan(&admins); err != nil {
				return err
			} else if admins <= 1 {
				return rapport.FieldError("role", "%s is the last active admin: make someone else admin first", u.Name)
			}
		}
		if _, err := tx.exec(`UPDATE users SET name = $1, email = $2, role = $3, active = $4, updated_at = $5 WHERE id = $6`,
			u.Name, u.Email, string(u.Role), u.Active, tx.now, id); err != nil {
			return tx.taken(err, "email", "a user with the e-mail address %s exists already", u.Email)
		}
		if !u.Active {
			if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		if upd.TeamIDs != nil {
			if err := tx.setUserTeams(id, *upd.TeamIDs); err != nil {
				return err
			}
		}
		if u, err = tx.findUser(id); err != nil {
			return err
		}
		return tx.audit("update", "user", id, rapport.ID{}, false, fmt.Sprintf("%s as %s, active %t", u.Email, u.Role, u.Active))
	})
	return u, err
}

// SetPassword sets a user's password: admins for anyone, users for themselves. It ends
// the user's sessions, so that one taken with the old password does not outlive it.
func (db *DB) SetPassword(ctx context.Context, s rapport.Scope, id rapport.ID, password string) error {
	if err := rapport.Require(s.IsAdmin() || s.UserID == id, "set other users' passwords"); err != nil {
		return err
	}
	if msg := rapport.ValidPassword(password); msg != "" {
		return rapport.FieldError("password", "%s", msg)
	}
	return db.update(ctx, s, func(tx *Tx) error {
		res, err := tx.exec(`UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hashPassword(password), tx.now, id)
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return rapport.NotFound("user")
		}
		if _, err := tx.exec(`DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		return tx.audit("update", "user", id, rapport.ID{}, false, "password set; sessions ended")
	})
}

// Authenticate checks credentials; every attempt is recorded and limits apply per
// account and per address.
func (db *DB) Authenticate(ctx context.Context, email, password, addr string) (*rapport.User, error) {
	email = rapport.NormalizeEmail(email)
	s := rapport.Scope{Kind: rapport.ActorStaff, Via: "web", Addr: addr}
	attempt, err := db.startSignIn(ctx, s, staffSignIns, email, addr)
	if err != nil {
		return nil, err
	}

	var u *rapport.User
	var hash string
	err = db.view(ctx, s, func(tx *Tx) error {
		users, err := tx.findUsers("", `WHERE u.email = $1`, email)
		if err != nil || len(users) == 0 {
			return err
		}
		u = users[0]
		return tx.queryRow(`SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash)
	})
	if err != nil {
		return nil, err
	}
	ok := checkPassword(hash, password) && u != nil && u.Active
	err = db.update(ctx, s, func(tx *Tx) error {
		if !ok {
			return tx.audit("sign_in_failed", "user", rapport.ID{}, rapport.ID{}, false, email)
		}
		if _, err := tx.exec(`UPDATE sign_in_attempts SET ok = TRUE WHERE id = $1`, attempt); err != nil {
			return err
		}
		tx.scope.UserID, tx.scope.Role = u.ID, u.Role
		if _, err := tx.exec(`UPDATE users SET last_seen_at = $1 WHERE id = $2`, tx.now, u.ID); err != nil {
			return err
		}
		return tx.audit("sign_in", "user", u.ID, rapport.ID{}, false, email)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "the e-mail address or the password is wrong")
	}
	return u, nil
}

// attemptLimit bounds what visitors may try within a window, per e-mail address and
// per network address: guess passwords, or make the help centre send mail. Its table
// keeps a row per attempt (id, at, email, addr, ok); rows marked ok, sign-ins whose
// password proved right, do not count.
type attemptLimit struct {
	table             string
	window            time.Duration
	perEmail, perAddr int
}

var (
	staffSignIns  = attemptLimit{"sign_in_attempts", signInWindow, maxFailsPerEmail, maxFailsPerAddr}
	portalSignIns = attemptLimit{"portal_sign_in_attempts", signInWindow, maxFailsPerEmail, maxFailsPerAddr}
)

// startSignIn records an attempt to sign in, as failed until the password proves
// right, unless the failures already recorded in the window reach a limit.
func (db *DB) startSignIn(ctx context.Context, s rapport.Scope, l attemptLimit, email, addr string) (rapport.ID, error) {
	attempt := rapport.NewID()
	err := db.update(ctx, s, func(tx *Tx) error {
		ok, err := tx.recordAttempt(l, attempt, email, addr)
		if err == nil && !ok {
			return rapport.Errorf(rapport.ERATELIMIT, "too many failed sign-ins: wait %d minutes and try again", int(l.window.Minutes()))
		}
		return err
	})
	return attempt, err
}

// recordAttempt records an attempt, as failed until marked ok, unless the failures
// already recorded in the window for the address or from the network address reach
// their limits; it reports whether it did. Counting and recording are one write,
// under a lock on the table, before the slow password check: guesses sent together
// are counted one after another, not all against the count before any of them.
// Attempts that have left the window count for nothing and are deleted first, so the
// table keeps no one's addresses longer than it needs them.
func (tx *Tx) recordAttempt(l attemptLimit, id rapport.ID, email, addr string) (bool, error) {
	if err := tx.lock(l.table); err != nil {
		return false, err
	}
	var byEmail, byAddr int
	since := tx.now.Add(-l.window)
	if _, err := tx.exec(`DELETE FROM `+l.table+` WHERE at <= $1`, since); err != nil {
		return false, err
	}
	if err := tx.queryRow(`SELECT
		(SELECT COUNT(*) FROM `+l.table+` WHERE email = $1 AND at > $2 AND NOT ok),
		(SELECT COUNT(*) FROM `+l.table+` WHERE addr = $3 AND at > $2 AND NOT ok)`, email, since, addr).Scan(&byEmail, &byAddr); err != nil {
		return false, err
	}
	if byEmail >= l.perEmail || byAddr >= l.perAddr {
		return false, nil
	}
	_, err := tx.exec(`INSERT INTO `+l.table+` (id, at, email, addr, ok) VALUES ($1, $2, $3, $4, FALSE)`, id, tx.now, email, addr)
	return err == nil, err
}

// CreateSession starts a browser session and returns its secret for the cookie.
func (db *DB) CreateSession(ctx context.Context, userID rapport.ID, addr, userAgent string) (string, error) {
	secret := randomSecret(32)
	err := db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		_, err := tx.exec(`INSERT INTO sessions (secret_hash, user_id, created_at, expires_at, addr, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
			hashSecret(secret), userID, tx.now, tx.now.Add(sessionLifetime), addr, truncate(userAgent, 300))
		return err
	})
	return secret, err
}

// FindSession returns the active user of a live session.
func (db *DB) FindSession(ctx context.Context, secret string) (*rapport.User, error) {
	var u *rapport.User
	err := db.view(ctx, rapport.Scope{}, func(tx *Tx) error {
		users, err := tx.findUsers(`JOIN sessions s ON s.user_id = u.id`, `WHERE s.secret_hash = $1 AND s.expires_at > $2 AND u.active`, hashSecret(secret), tx.now)
		if err != nil {
			return err
		} else if len(users) == 0 {
			return rapport.Errorf(rapport.EUNAUTHORIZED, "your session has ended: sign in again")
		}
		u = users[0]
		return nil
	})
	return u, err
}

// DeleteSession ends a session (sign-out).
func (db *DB) DeleteSession(ctx context.Context, secret string) error {
	return db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
		_, err := tx.exec(`DELETE FROM sessions WHERE secret_hash = $1 OR expires_at < $2`, hashSecret(secret), tx.now)
		return err
	})
}

// CreateToken makes an API token for a user (admins for anyone, users for themselves)
// and returns its secret, which is not stored.
func (db *DB) CreateToken(ctx context.Context, s rapport.Scope, userID rapport.ID, name string) (*rapport.Token, string, error) {
	if err := rapport.Require(s.IsAdmin() || s.UserID == userID, "make tokens for other users"); err != nil {
		return nil, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API token"
	}
	p := rapport.Problems{}
	if len(name) > 100 {
		p.Add("name", "a token name has at most 100 characters")
	}
	if err := p.Err(); err != nil {
		return nil, "", err
	}
	secret := tokenSecretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(randomBytes(20)))
	t := &rapport.Token{ID: rapport.NewID(), UserID: userID, Name: name}
	err := db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findUser(userID); err != nil {
			return err
		}
		t.CreatedAt = tx.now
		if _, err := tx.exec(`INSERT INTO api_tokens (id, user_id, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, userID, name, hashSecret(secret), tx.now); err != nil {
			return err
		}
		return tx.audit("create", "token", t.ID, rapport.ID{}, false, name)
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

func scanToken(rows Scanner) (*rapport.Token, error) {
	t := &rapport.Token{}
	var used, revoked sql.NullTime
	err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &used, &revoked)
	t.LastUsedAt, t.RevokedAt = used.Time, revoked.Time
	return t, err
}

// FindTokens lists a user's tokens.
func (db *DB) FindTokens(ctx context.Context, s rapport.Scope, userID rapport.ID) ([]*rapport.Token, error) {
	if err := rapport.Require(s.IsAdmin() || s.UserID == userID, "see other users' tokens"); err != nil {
		return nil, err
	}
	var tokens []*rapport.Token
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		tokens, err = queryAll(tx, `SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
			WHERE user_id = $1 ORDER BY created_at DESC`, []any{userID}, scanToken)
		return err
	})
	return tokens, err
}

// RevokeToken stops a token from working.
func (db *DB) RevokeToken(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	return db.update(ctx, s, func(tx *Tx) error {
		var owner rapport.ID
		if err := tx.queryRow(`SELECT user_id FROM api_tokens WHERE id = $1`, id).Scan(&owner); err != nil {
			return notFound(err, "token")
		}
		if !s.IsAdmin() && owner != s.UserID {
			return rapport.NotFound("token")
		}
		if _, err := tx.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.now, id); err != nil {
			return err
		}
		return tx.audit("delete", "token", id, rapport.ID{}, false, "revoked")
	})
}

// FindToken returns the active user behind a token secret.
func (db *DB) FindToken(ctx context.Context, secret string) (*rapport.User, *rapport.Token, error) {
	unauthorized := rapport.Errorf(rapport.EUNAUTHORIZED, "the API token is not valid: it may be mistyped or revoked")
	if !strings.HasPrefix(secret, tokenSecretPrefix) {
		return nil, nil, unauthorized
	}
	var u *rapport.User
	t := &rapport.Token{}
	err := db.view(ctx, rapport.Scope{}, func(tx *Tx) error {
		var used sql.NullTime
		users, err := tx.queryUsers(`SELECT `+userColumns+`, t.id, t.name, tk.id, tk.name, tk.created_at, tk.last_used_at
			FROM api_tokens tk JOIN users u ON u.id = tk.user_id`+withTeams+`
			WHERE tk.secret_hash = $1 AND tk.revoked_at IS NULL AND u.active ORDER BY t.name`, []any{hashSecret(secret)}, &t.ID, &t.Name, &t.CreatedAt, &used)
		if err != nil {
			return err
		} else if len(users) == 0 {
			return unauthorized
		}
		u, t.UserID, t.LastUsedAt = users[0], users[0].ID, used.Time
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if now := db.Now(); now.Sub(t.LastUsedAt) > tokenUseGranule {
		err = db.update(ctx, rapport.Scope{}, func(tx *Tx) error {
			_, err := tx.exec(`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, tx.now, t.ID)
			return err
		})
	}
	return u, t, err
}

// CreateSetupSecret returns the one-time secret that lets the first person become
// admin. Every server of an empty database hands out the same one.
func (db *DB) CreateSetupSecret(ctx context.Context) (string, error) {
	var secret string
	err := db.update(ctx, rapport.SystemScope(""), func(tx *Tx) error {
		var users int
		if err := tx.queryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return err
		} else if users > 0 {
			return rapport.Errorf(rapport.ECONFLICT, "setup is done: this database has users already")
		}
		if _, err := tx.exec(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, setupSecretName, randomSecret(24)); err != nil {
			return err
		}
		return tx.queryRow(`SELECT value FROM settings WHERE name = $1`, setupSecretName).Scan(&secret)
	})
	return secret, err
}

// CompleteSetup makes the first admin if the secret is right and no user exists yet.
func (db *DB) CompleteSetup(ctx context.Context, secret string, u *rapport.User, password string, addr string) error {
	if password == "" {
		return rapport.FieldError("password", "choose a password of at least 10 characters")
	}
	return db.update(ctx, rapport.Scope{Kind: rapport.ActorSystem, Via: "web", Addr: addr}, func(tx *Tx) error {
		var want string
		err := tx.queryRow(`SELECT value FROM settings WHERE name = $1`, setupSecretName).Scan(&want)
		if errors.Is(err, sql.ErrNoRows) || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
			return rapport.Errorf(rapport.ENOTFOUND, "this setup link is not valid: it was used already, or it is mistyped")
		} else if err != nil {
			return err
		}
		u.Role = rapport.RoleAdmin
		if err := tx.createUser(u, password); err != nil {
			return err
		}
		_, err = tx.exec(`DELETE FROM settings WHERE name = $1`, setupSecretName)
		return err
	})
}

// Passwords are hashed with argon2id at OWASP's recommended cost (19 MiB, 2 passes)
// and stored in the PHC string format.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

func hashPassword(password string) string {
	salt := randomBytes(16)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// checkPassword verifies password against a PHC string; with no hash it still spends
// the time of a check, so that response times do not tell which accounts exist.
func checkPassword(encoded, password string) bool {
	var version, memory, time, threads int
	var saltB64, keyB64 string
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		argon2.IDKey([]byte(password), make([]byte, 16), argonTime, argonMemory, argonThreads, argonKeyLen)
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false
	}
	saltB64, keyB64 = parts[4], parts[5]
	salt, err1 := base64.RawStdEncoding.DecodeString(saltB64)
	key, err2 := base64.RawStdEncoding.DecodeString(keyB64)
	if err1 != nil || err2 != nil || version != argon2.Version {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, uint32(time), uint32(memory), uint8(threads), uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func randomSecret(n int) string { return base64.RawURLEncoding.EncodeToString(randomBytes(n)) }

// hashSecret is how session and token secrets are stored: a leaked table holds no
// usable credential. The secrets are random, so a plain SHA-256 suffices.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
