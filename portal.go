package rapport

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// PortalAccount is a customer's account on the portal (the help centre). It is linked
// to the customer's profile once its e-mail address is verified, and follows the
// profile through merges.
type PortalAccount struct {
	ID         ID         `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	CustomerID ID         `json:"customer_id,omitzero"` // zero until verified
	InvitedBy  ID         `json:"invited_by,omitzero"`  // the staff user who invited them
	VerifiedAt *time.Time `json:"verified_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastSeenAt *time.Time `json:"last_seen_at,omitempty"`
	// HasPassword is false for an invitation not yet accepted and a registration
	// not yet confirmed.
	HasPassword bool `json:"has_password"`
}

// Verified reports whether the account's e-mail address was verified and it is linked
// to a customer: only such accounts sign in.
func (a *PortalAccount) Verified() bool { return a.VerifiedAt != nil && !a.CustomerID.IsZero() }

// Registration is what a visitor fills in to open an account. It holds no password:
// whoever confirms the address from the mailed link chooses it, so that a stranger
// who registers someone else's address cannot sign in once its owner confirms it.
type Registration struct {
	Email string
	Name  string
}

// Limits of a portal account.
const (
	MinPortalPassword = 10
	MaxPortalPassword = 200
)

// Normalize trims the registration's fields and lower-cases the address.
func (r *Registration) Normalize() {
	r.Email = NormalizeEmail(r.Email)
	r.Name = strings.Join(strings.Fields(r.Name), " ")
}

// Validate checks a normalized registration.
func (r *Registration) Validate() error {
	p := Problems{}
	if a, err := mail.ParseAddress(r.Email); err != nil || a.Address != r.Email || len(r.Email) > 254 {
		p.Add("email", "enter your e-mail address, such as ana@example.com")
	}
	if r.Name == "" {
		p.Add("name", "enter your name")
	}
	checkText(p, "name", r.Name, 200)
	return p.Err()
}

// CheckPortalPassword checks a password a customer chooses.
func CheckPortalPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return FieldError("password", "the password has characters that are not valid text")
	case n < MinPortalPassword:
		return FieldError("password", "choose a password of at least %d characters", MinPortalPassword)
	case n > MaxPortalPassword:
		return FieldError("password", "choose a password of at most %d characters", MaxPortalPassword)
	}
	return nil
}

// PortalSettings are the portal's settings, kept by admins.
type PortalSettings struct {
	// Registration lets visitors open an account themselves; without it, only
	// customers whom staff invite have accounts.
	Registration bool `json:"registration"`
}

// PortalMail is what the portal's e-mail needs to know: the address links start
// with and the name the firm signs with.
type PortalMail struct {
	BaseURL string
	Firm    string
}

// Link is BaseURL followed by path.
func (m PortalMail) Link(path string) string { return strings.TrimRight(m.BaseURL, "/") + path }

// How long the links mailed to customers work.
const (
	VerifyLinkLifetime = 48 * time.Hour
	ResetLinkLifetime  = time.Hour
	InviteLinkLifetime = 14 * 24 * time.Hour
)

// PortalAccountService keeps customers' portal accounts. Its answers never tell a
// visitor whether an address has an account: registering an address that has one and
// asking to reset the password of one that has none answer as the others do (the mail
// sent says what happened). Registering and asking for a new password mail an address
// at most a few times an hour, and from one network address not many more; beyond
// that they send nothing and answer as before.
type PortalAccountService interface {
	PortalSettings(ctx context.Context) (PortalSettings, error)
	// SetPortalSettings changes the settings; only admins may.
	SetPortalSettings(ctx context.Context, s Scope, ps PortalSettings) error
	// Register opens an account without a password and mails a link to confirm the
	// address by choosing one: again to an account not confirmed yet, and to one
	// that is, a note saying it exists. EFORBIDDEN when registration is off.
	Register(ctx context.Context, addr string, r Registration, m PortalMail) error
	// InviteCustomer opens an account for a customer (staff choose the address, one of
	// theirs) and mails a link to choose a password.
	InviteCustomer(ctx context.Context, s Scope, customerID ID, email string, m PortalMail) (*PortalAccount, error)
	// RequestPasswordReset mails a link to choose a new password, if the address has
	// an account; to an account not confirmed yet, the link to confirm it.
	RequestPasswordReset(ctx context.Context, addr, email string, m PortalMail) error
	// CheckPasswordToken reports whether a confirmation, invitation or reset link
	// still works.
	CheckPasswordToken(ctx context.Context, token string) (*PortalAccount, error)
	// SetPasswordWithToken uses a confirmation, invitation or reset link to set the
	// password. The address is verified by it, and an account not linked to a
	// customer yet is linked: to the person customer who has the address, or to a new
	// one when none has it.
	SetPasswordWithToken(ctx context.Context, addr, token, password string) (*PortalAccount, error)
	// AuthenticateCustomer checks a customer's address and password, within limits on
	// failed attempts like staff sign-in.
	AuthenticateCustomer(ctx context.Context, email, password, addr string) (*PortalAccount, error)
	// CreatePortalSession signs an account in and returns the session's secret.
	CreatePortalSession(ctx context.Context, accountID ID, addr, userAgent string) (string, error)
	// FindPortalSession returns the account of a live session.
	FindPortalSession(ctx context.Context, secret string) (*PortalAccount, error)
	// DeletePortalSession signs out.
	DeletePortalSession(ctx context.Context, secret string) error
	// FindPortalAccounts lists the accounts of a customer the staff member may see.
	FindPortalAccounts(ctx context.Context, s Scope, customerID ID) ([]PortalAccount, error)
}

// ArticleView is one reading of an article by a visitor or a customer.
type ArticleView struct {
	ArticleID ID
	Reader    string // a visitor's cookie value; the customer's id when signed in
	SearchID  ID     // the logged search that led there, if any
}

// ArticleRating is a reader's judgement of an article: was it helpful, and its quality
// from 1 to 5 with a comment. Either part may be left out.
type ArticleRating struct {
	Helpful   *bool     `json:"helpful,omitempty"`
	Rating    int       `json:"rating,omitempty"` // 0: not rated
	Comment   string    `json:"comment,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxRatingComment is the longest comment on a rating.
const MaxRatingComment = 2000

// Validate checks a rating before it is kept.
func (r *ArticleRating) Validate() error {
	p := Problems{}
	r.Comment = strings.TrimSpace(r.Comment)
	if r.Rating < 0 || r.Rating > 5 {
		p.Add("rating", "a rating is 1 to 5 stars")
	}
	checkText(p, "comment", r.Comment, MaxRatingComment)
	if r.Helpful == nil && r.Rating == 0 && r.Comment == "" {
		p.Add("rating", "say whether the article helped, or rate it")
	}
	return p.Err()
}

// ArticleScore sums up what readers thought of an article.
type ArticleScore struct {
	Helpful    int     `json:"helpful"`
	NotHelpful int     `json:"not_helpful"`
	Ratings    int     `json:"ratings"`
	Average    float64 `json:"average"` // of the ratings, 0 without any
}

// ArticleLink is an article in a list on the portal: related, popular, also read.
type ArticleLink struct {
	ID         ID     `json:"id"`
	Slug       string `json:"slug"`
	Title      string `json:"title"`
	KeyPoints  string `json:"key_points"`
	CategoryID ID     `json:"category_id,omitzero"`
}

// ArticleReading is an article as the help centre's page shows it to one reader: with
// its category, related articles, what its readers also read, its score and the
// reader's own rating (nil if they have not rated it).
type ArticleReading struct {
	Article  *Article
	Category *Category
	Related  []ArticleLink
	AlsoRead []ArticleLink
	Score    *ArticleScore
	Mine     *ArticleRating
}

// SitemapEntry is an article in the sitemap.
type SitemapEntry struct {
	Slug      string
	UpdatedAt time.Time
}

// PortalReadingService keeps what readers do with articles on the portal. Every list
// applies the reader's scope: only articles they may read appear.
type PortalReadingService interface {
	// ReadArticle reads an article by id or slug and what its page shows around it,
	// at most links related and also-read articles, in one view. The article, its
	// score and the reader's rating are as of now; which articles are related or
	// also read may be some minutes old for visitors (the articles listed are still
	// checked, as of now, to be readable).
	ReadArticle(ctx context.Context, s Scope, idOrSlug, visitor string, links int) (*ArticleReading, error)
	// RecordView records a reading of an article the reader may see; a signed-in
	// customer's lands on their timeline.
	RecordView(ctx context.Context, s Scope, v ArticleView) error
	// QueueView records a view as RecordView does, but without waiting: it is stored
	// within a fraction of a second, with others in one transaction (the article page
	// uses it; a page's reader need not wait for the count of readers).
	QueueView(ctx context.Context, s Scope, v ArticleView) error
	// RateArticle keeps the reader's rating of an article, replacing theirs.
	RateArticle(ctx context.Context, s Scope, articleID ID, reader string, r ArticleRating) (*ArticleRating, error)
	// FindRating returns the reader's rating of an article, ENOTFOUND without one.
	FindRating(ctx context.Context, s Scope, articleID ID, reader string) (*ArticleRating, error)
	// ArticleScore sums the ratings of an article the reader may see.
	ArticleScore(ctx context.Context, s Scope, articleID ID) (*ArticleScore, error)
	// RelatedArticles lists articles that share the article's category, tags or
	// products, the most shared first.
	RelatedArticles(ctx context.Context, s Scope, articleID ID, limit int) ([]ArticleLink, error)
	// AlsoRead lists the articles most read by those who read the article.
	AlsoRead(ctx context.Context, s Scope, articleID ID, limit int) ([]ArticleLink, error)
	// PopularArticles lists the articles most read in the last days, then the newest.
	PopularArticles(ctx context.Context, s Scope, since time.Time, limit int) ([]ArticleLink, error)
	// Sitemap lists the articles anyone may read.
	Sitemap(ctx context.Context) ([]SitemapEntry, error)
}

// MyProfile is what a signed-in customer sees of themselves on the portal: their
// profile's preferences, consents and the feedback they gave (only their own).
type MyProfile struct {
	Customer *Customer
	Consents []Consent
	Feedback []MyFeedback
}

// MyFeedback is a feedback item as its customer sees it: what they said and where it
// stands, without staff's notes. Customers see only the feedback they gave themselves
// (Feedback.FromCustomer).
type MyFeedback struct {
	ID      ID             `json:"id"`
	Kind    FeedbackKind   `json:"kind"`
	Text    string         `json:"text"`
	Product string         `json:"product,omitempty"`
	Status  FeedbackStatus `json:"status"`
	HeardAt time.Time      `json:"heard_at"`
}

// MyProfileUpdate is what a customer changes of their own profile. Consents holds a
// decision for each purpose they decided on now.
type MyProfileUpdate struct {
	Name             string
	Language         string
	PreferredChannel Channel
	Consents         map[Purpose]bool
}

// Validate checks the customer's choices, in words for them: the form offers only
// choices that pass, so these messages answer a request changed by hand.
func (u MyProfileUpdate) Validate() error {
	p := Problems{}
	if u.Language != "" && !isLanguageTag(u.Language) {
		p.Add("language", "choose one of the languages offered")
	}
	if u.PreferredChannel != "" && !u.PreferredChannel.Valid() {
		p.Add("preferred_channel", "choose one of the channels offered")
	}
	for purpose := range u.Consents {
		if !purpose.Valid() {
			p.Add("consents", "%q is not something we ask consent for", purpose)
		}
	}
	return p.Err()
}

// PortalSelfService is a signed-in customer's own data: the scope's CustomerID is the
// only customer it reaches.
type PortalSelfService interface {
	FindMyProfile(ctx context.Context, s Scope) (*MyProfile, error)
	// UpdateMyProfile changes the customer's name and preferences and records the
	// consent decisions with the source "portal".
	UpdateMyProfile(ctx context.Context, s Scope, u MyProfileUpdate) (*MyProfile, error)
	// GiveFeedback logs feedback the customer gives in the portal (channel "portal"):
	// it is routed, themed and on their timeline like feedback from any channel.
	GiveFeedback(ctx context.Context, s Scope, kind FeedbackKind, product, text string) (*MyFeedback, error)
}

// PortalFeedbackKinds are the kinds of feedback customers choose from in the portal
// (observation is staff's own).
var PortalFeedbackKinds = []FeedbackKind{"complaint", "compliment", "suggestion", "question", "need"}
