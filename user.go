package rapport

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a staff member who signs in to the staff app or acts through an API token.
type User struct {
	ID         ID        `json:"id"`
	Email      string    `json:"email"`
	Name       string    `json:"name"`
	Role       Role      `json:"role"`
	Active     bool      `json:"active"` // inactive users cannot sign in and their tokens stop working
	Teams      []TeamRef `json:"teams"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at,omitzero"`
}

// TeamRef names a team.
type TeamRef struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
}

// InTeam reports whether the user belongs to the team.
func (u *User) InTeam(id ID) bool {
	for _, t := range u.Teams {
		if t.ID == id {
			return true
		}
	}
	return false
}

func (u *User) Validate() error { return u.problems().Err() }

// ValidateNew checks a new user and the password they are given ("" for none yet),
// naming every problem of the form at once.
func (u *User) ValidateNew(password string) error {
	p := u.problems()
	if msg := ValidPassword(password); password != "" && msg != "" {
		p.Add("password", "%s", msg)
	}
	return p.Err()
}

func (u *User) problems() Problems {
	p := Problems{}
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if msg := ValidEmail(u.Email); msg != "" {
		p.Add("email", "%s", msg)
	}
	if u.Name == "" {
		p.Add("name", "a user needs a name")
	}
	checkText(p, "name", u.Name, 100)
	if !u.Role.Valid() {
		p.Add("role", "role %q is unknown; use admin, manager, agent or analyst", u.Role)
	}
	return p
}

// ValidPassword returns what is wrong with a new password, or "".
func ValidPassword(pw string) string {
	switch n := utf8.RuneCountInString(pw); {
	case n < 10:
		return "a password needs at least 10 characters; a few words make a good one"
	case len(pw) > 1024:
		return "a password has at most 1024 bytes"
	}
	return ""
}

// UserUpdate changes the fields that are not nil. TeamIDs replaces the user's teams.
type UserUpdate struct {
	Name    *string `json:"name"`
	Email   *string `json:"email"`
	Role    *Role   `json:"role"`
	Active  *bool   `json:"active"`
	TeamIDs *[]ID   `json:"team_ids"`
}

// Apply copies the set fields of u onto user; the store replaces the teams.
func (u UserUpdate) Apply(user *User) {
	set(&user.Name, u.Name)
	set(&user.Email, u.Email)
	set(&user.Role, u.Role)
	set(&user.Active, u.Active)
}

// Team is a business function: sales, service, marketing, operations, product …
type Team struct {
	ID          ID        `json:"id"`
	Name        string    `json:"name"`
	Function    string    `json:"function"`
	Description string    `json:"description,omitempty"`
	Members     []UserRef `json:"members"`
	CreatedAt   time.Time `json:"created_at"`
}

// TeamFunctions are the business functions a team may stand for.
var TeamFunctions = []string{"sales", "service", "marketing", "operations", "product", "finance", "legal", "management", "other"}

func (t *Team) Validate() error {
	p := Problems{}
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		p.Add("name", "a team needs a name")
	}
	checkText(p, "name", t.Name, 100)
	checkText(p, "description", t.Description, 1000)
	if !oneOf(t.Function, TeamFunctions) {
		p.Add("function", "function %q is unknown; use one of %s", t.Function, strings.Join(TeamFunctions, ", "))
	}
	return p.Err()
}

// UserRef names a user.
type UserRef struct {
	ID    ID     `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// TeamUpdate changes the fields that are not nil. MemberIDs replaces the members.
type TeamUpdate struct {
	Name        *string `json:"name"`
	Function    *string `json:"function"`
	Description *string `json:"description"`
	MemberIDs   *[]ID   `json:"member_ids"`
}

// Apply copies the set fields of u onto t; the store replaces the members.
func (u TeamUpdate) Apply(t *Team) {
	set(&t.Name, u.Name)
	set(&t.Function, u.Function)
	set(&t.Description, u.Description)
}

// Token is an API token. Its secret is shown once, when it is made; only a hash is kept.
type Token struct {
	ID         ID        `json:"id"`
	UserID     ID        `json:"user_id"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// Session is a signed-in browser.
type Session struct {
	UserID    ID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserService manages staff users, their credentials and teams.
type UserService interface {
	FindUserByID(ctx context.Context, s Scope, id ID) (*User, error)
	FindUsers(ctx context.Context, s Scope) ([]*User, error)
	// CreateUser makes a user; an empty password leaves them unable to sign in until
	// one is set.
	CreateUser(ctx context.Context, s Scope, u *User, password string) error
	UpdateUser(ctx context.Context, s Scope, id ID, u UserUpdate) (*User, error)
	// SetPassword sets a password and ends the user's sessions.
	SetPassword(ctx context.Context, s Scope, id ID, password string) error
	CountUsers(ctx context.Context) (int, error)

	// Authenticate checks an e-mail address and password. Failed attempts are counted
	// per account and per address; past the limit it returns ERATELIMIT.
	Authenticate(ctx context.Context, email, password, addr string) (*User, error)
	CreateSession(ctx context.Context, userID ID, addr, userAgent string) (secret string, err error)
	// FindSession returns EUNAUTHORIZED for an unknown or expired session.
	FindSession(ctx context.Context, secret string) (*User, error)
	DeleteSession(ctx context.Context, secret string) error

	CreateToken(ctx context.Context, s Scope, userID ID, name string) (*Token, string, error)
	FindTokens(ctx context.Context, s Scope, userID ID) ([]*Token, error)
	RevokeToken(ctx context.Context, s Scope, id ID) error
	// FindToken returns the active user behind a token secret, or EUNAUTHORIZED.
	FindToken(ctx context.Context, secret string) (*User, *Token, error)

	// Setup: on an empty database, a one-time secret lets the first person become admin.
	CreateSetupSecret(ctx context.Context) (string, error)
	CompleteSetup(ctx context.Context, secret string, u *User, password string, addr string) error

	FindTeams(ctx context.Context, s Scope) ([]*Team, error)
	FindTeamByID(ctx context.Context, s Scope, id ID) (*Team, error)
	CreateTeam(ctx context.Context, s Scope, t *Team) error
	UpdateTeam(ctx context.Context, s Scope, id ID, u TeamUpdate) (*Team, error)
	DeleteTeam(ctx context.Context, s Scope, id ID) error
}
