package rapport

import (
	"context"
	"strings"
	"time"
)

// ThemeStatus says whether the problem a theme is about was fixed: open or fixed.
type ThemeStatus string

const (
	ThemeOpen  ThemeStatus = "open"
	ThemeFixed ThemeStatus = "fixed"
)

var ThemeStatuses = []ThemeStatus{ThemeOpen, ThemeFixed}

func (s ThemeStatus) Valid() bool { return oneOf(s, ThemeStatuses) }

// MaxThemeName is the longest name staff may give a theme, in characters.
const MaxThemeName = 120

// Theme is a set of feedback that says much the same thing, found by grouping the
// items' texts (package theme). Label is generated from its items' characteristic
// words and renewed by each full re-grouping; Name is what staff called it, and is
// kept. The counts are of the items the reader may see, so two readers may see
// different numbers: a theme with none they may see is not found for them.
type Theme struct {
	ID          ID          `json:"id"`
	Label       string      `json:"label"`
	Name        string      `json:"name,omitempty"`
	Terms       []string    `json:"terms"` // characteristic words, heaviest first
	Status      ThemeStatus `json:"status"`
	FixedAt     *time.Time  `json:"fixed_at,omitempty"`
	FixedBy     ID          `json:"fixed_by,omitzero"`
	FixedByName string      `json:"fixed_by_name,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`

	Items    int                  `json:"items"`       // visible items in all
	Recent   int                  `json:"recent"`      // heard in the last ThemeWindow
	Previous int                  `json:"previous"`    // heard in the ThemeWindow before that: the trend
	Kinds    map[FeedbackKind]int `json:"kinds"`       // visible items by kind
	Alerts   int                  `json:"open_alerts"` // recurrence alerts not acknowledged
}

// ThemeWindow is the span of "recent" volume by which themes are ranked, and the span
// before it that the trend compares with.
const ThemeWindow = 30 * 24 * time.Hour

// Title is what a theme is called: its staff name, else its label.
func (t *Theme) Title() string {
	switch {
	case t.Name != "":
		return t.Name
	case t.Label != "":
		return t.Label
	}
	return "Theme without words"
}

// Opportunity reports whether the theme is mostly suggestions and needs: something
// customers want rather than something that went wrong.
func (t *Theme) Opportunity() bool {
	return t.Items > 0 && 2*(t.Kinds["suggestion"]+t.Kinds["need"]) > t.Items
}

// ThemeWeek is the volume of a theme's visible items in the week starting Start.
type ThemeWeek struct {
	Start time.Time `json:"start"`
	Items int       `json:"items"`
}

// ThemeCustomer is a customer affected by a theme: their visible items in it and
// their lifetime value (0 when not valued).
type ThemeCustomer struct {
	ID            ID      `json:"id"`
	Name          string  `json:"name"`
	Items         int     `json:"items"`
	LifetimeValue float64 `json:"lifetime_value"`
	Currency      string  `json:"currency,omitempty"`
}

// ThemeReport is one theme as its page shows it: the counts, the volume by week, the
// affected customers with their total value, and the newest items; all of items the
// reader may see.
type ThemeReport struct {
	*Theme
	Weeks        []ThemeWeek      `json:"weeks"`
	Customers    int              `json:"customers"`     // distinct visible customers
	TotalValue   float64          `json:"total_value"`   // the sum of their lifetime values
	Currency     string           `json:"currency"`      // of the values; "" when none, "mixed" when several
	TopCustomers []*ThemeCustomer `json:"top_customers"` // the most valuable, at most 10
	Samples      []*Feedback      `json:"samples"`       // the newest, at most 10
	Alerts       []*ThemeAlert    `json:"alerts"`        // not acknowledged, of visible items
	// AfterFix compares, for a fixed theme, the satisfaction of its affected customers
	// before and after the fix, per survey they answered.
	AfterFix []ThemeFixScore `json:"after_fix,omitempty"`
}

// FixWindow is how far before a theme's fix the satisfaction it is compared with goes
// back, and how far after the fix it is followed.
const FixWindow = 90 * 24 * time.Hour

// ThemeFixScore is one survey's score among a fixed theme's affected customers in the
// FixWindow before the fix and since the fix (up to FixWindow).
type ThemeFixScore struct {
	SurveyID ID         `json:"survey_id"`
	Survey   string     `json:"survey"`
	Kind     SurveyKind `json:"kind"`
	Before   Score      `json:"before"`
	After    Score      `json:"after"`
}

// Change says how the score moved: "better" or "worse" when the two 95% intervals do
// not overlap, "unclear" when they do or a side has no responses.
func (f ThemeFixScore) Change() string {
	if f.Before.N == 0 || f.After.N == 0 || (f.After.Low <= f.Before.High && f.Before.Low <= f.After.High) {
		return "unclear"
	}
	better := f.After.Value > f.Before.Value
	if f.Kind == SurveyCES { // lower effort is better
		better = !better
	}
	if better {
		return "better"
	}
	return "worse"
}

// ThemeAlert is a recurrence alert: feedback heard after its theme was marked fixed.
type ThemeAlert struct {
	ID             ID         `json:"id"`
	ThemeID        ID         `json:"theme_id"`
	ThemeTitle     string     `json:"theme"`
	FeedbackID     ID         `json:"feedback_id"`
	FeedbackText   string     `json:"feedback_text"`
	CustomerID     ID         `json:"customer_id,omitzero"`
	CustomerName   string     `json:"customer_name,omitempty"`
	FixedAt        *time.Time `json:"fixed_at,omitempty"`
	RaisedAt       time.Time  `json:"raised_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// ThemeFilter selects themes; Opportunities keeps those made mostly of suggestions and
// needs.
type ThemeFilter struct {
	Opportunities bool
	Cursor        string
	Limit         int
}

// ThemeChange renames a theme or marks it fixed or open again; nil fields are left.
// An empty name goes back to the generated label.
type ThemeChange struct {
	Name   *string      `json:"name,omitempty"`
	Status *ThemeStatus `json:"status,omitempty"`
}

// Normalize trims the name to single spaces.
func (c *ThemeChange) Normalize() {
	if c.Name != nil {
		n := strings.Join(strings.Fields(*c.Name), " ")
		c.Name = &n
	}
}

// Validate reports every problem with the change.
func (c *ThemeChange) Validate() error {
	p := Problems{}
	if c.Name == nil && c.Status == nil {
		p.Add("name", "nothing to change: give a name, a status or both")
	}
	if c.Name != nil {
		checkText(p, "name", *c.Name, MaxThemeName)
	}
	if c.Status != nil && !c.Status.Valid() {
		p.Add("status", "status %q is unknown; use one of %s", *c.Status, list(ThemeStatuses))
	}
	return p.Err()
}

// ThemeSplit takes items out of a theme into a new one: the items chosen, or, when
// Auto, the theme's visible items split in two by k-means on their texts.
type ThemeSplit struct {
	FeedbackIDs []ID   `json:"feedback_ids,omitempty"`
	Auto        bool   `json:"auto,omitempty"`
	Name        string `json:"name,omitempty"` // the new theme's name; generated when ""
}

// MaxThemeSplit is the most items one split may name.
const MaxThemeSplit = 1000

// Validate reports every problem with the split.
func (sp *ThemeSplit) Validate() error {
	p := Problems{}
	sp.Name = strings.Join(strings.Fields(sp.Name), " ")
	switch {
	case sp.Auto && len(sp.FeedbackIDs) > 0:
		p.Add("feedback_ids", "choose the items to move or ask for an automatic split, not both")
	case !sp.Auto && len(sp.FeedbackIDs) == 0:
		p.Add("feedback_ids", "choose at least one item to move to the new theme, or ask for an automatic split")
	case len(sp.FeedbackIDs) > MaxThemeSplit:
		p.Add("feedback_ids", "%d items chosen; one split moves at most %d", len(sp.FeedbackIDs), MaxThemeSplit)
	}
	checkText(p, "name", sp.Name, MaxThemeName)
	return p.Err()
}

// ThemeService keeps feedback themes and the decisions staff make about them.
type ThemeService interface {
	// FindThemes lists a page of the themes with items the scope may see, by recent
	// volume, then by all items, with counts of those items only, and the cursor of
	// the next page.
	FindThemes(ctx context.Context, s Scope, f ThemeFilter) ([]*Theme, string, error)
	// FindThemeReport returns a theme with visible items and what its page shows of
	// them, and records the read.
	FindThemeReport(ctx context.Context, s Scope, id ID) (*ThemeReport, error)
	// ChangeTheme renames a theme or marks it fixed or open again, and audits it.
	ChangeTheme(ctx context.Context, s Scope, id ID, c ThemeChange) (*Theme, error)
	// MergeThemes moves every item of theme from into theme into, removes from and
	// marks into so that re-groupings keep them together.
	MergeThemes(ctx context.Context, s Scope, from, into ID) (*Theme, error)
	// SplitTheme moves items out of a theme into a new one and returns it; moved items
	// are pinned there.
	SplitTheme(ctx context.Context, s Scope, id ID, sp ThemeSplit) (*Theme, error)
	// MoveFeedbackToTheme puts visible feedback in a theme, pinned there: re-groupings
	// leave it.
	MoveFeedbackToTheme(ctx context.Context, s Scope, feedbackID, themeID ID) (*Feedback, error)
	// FindThemeAlerts lists the recurrence alerts not acknowledged, of items the scope
	// may see, newest first.
	FindThemeAlerts(ctx context.Context, s Scope) ([]*ThemeAlert, error)
	// AcknowledgeThemeAlert marks a visible alert as seen, and audits it.
	AcknowledgeThemeAlert(ctx context.Context, s Scope, id ID) error
	// RequestRegrouping queues a full re-grouping of all feedback (managers and admins).
	RequestRegrouping(ctx context.Context, s Scope) error
}

// The kinds of job that keep feedback in themes: assigning new items (queued with
// every new item) and the full re-grouping (daily, and on demand).
const (
	JobThemeAssign   = "theme-assign"
	JobThemeRegroup  = "theme-regroup"
	RegroupInterval  = 24 * time.Hour
	DefaultThreshold = 0.4 // the similarity used before the first full re-grouping chose one
)

// The grouping's side of the store: what the jobs that assign and re-group feedback
// read and write, always with a system scope.

// ThemeState is what every process that groups feedback shares through the database:
// Generation counts the changes after which a model held in memory must be rebuilt
// (re-groupings, moves, merges, splits); Seq numbers the assignments, so that a
// process can catch up with those another made; Threshold is the similarity the last
// full re-grouping chose (0 before the first).
type ThemeState struct {
	Generation  int64
	Seq         int64
	Threshold   float64
	RegroupedAt *time.Time
}

// ThemeItem is feedback as the grouping sees it.
type ThemeItem struct {
	ID      ID
	Text    string
	ThemeID ID    // zero when it has none
	Pinned  bool  // staff put it there
	Seq     int64 // 0 when not looked at yet
}

// ThemeInfo is what a re-grouping needs to know of a stored theme: whether staff
// merged others into it (KeptWhole), and whether it carries a decision that must not
// be lost with it (a name, fixed, an alert).
type ThemeInfo struct {
	ID        ID
	KeptWhole bool
	Decided   bool
}

// ThemeCorpus is the feedback a model is built from, as of State.
type ThemeCorpus struct {
	State  ThemeState
	Items  []ThemeItem
	Themes []ThemeInfo
}

// ThemeGroup is one theme as a re-grouping leaves it: the stored theme it continues
// (zero for a new one), its generated label and terms, and its items (never pinned ones).
type ThemeGroup struct {
	ThemeID ID
	Label   string
	Terms   []string
	Items   []ID
}

// ThemeRegrouping is the outcome of a full re-grouping, made from the corpus of
// Generation: each group, the items left without a theme, and the stored themes to
// remove (left without items or decisions).
type ThemeRegrouping struct {
	Generation int64
	Threshold  float64
	Groups     []ThemeGroup
	Unthemed   []ID
	Remove     []ID
}

// ThemeBatch is one transaction of the assigner; the state row is locked for it, so
// that processes sharing the database assign in turn.
type ThemeBatch interface {
	State() ThemeState
	// Since lists the items assigned after seq, in order, with their themes.
	Since(seq int64) ([]ThemeItem, error)
	// Unthemed lists up to n items not looked at yet; with retry, instead those
	// looked at that have no theme (tried again after the vocabulary grew).
	Unthemed(n int, retry bool, after ID) ([]ThemeItem, error)
	// NewTheme stores a new theme.
	NewTheme(label string, terms []string) (ID, error)
	// Assign puts an item in a theme (zero for none) unless another process did first,
	// and raises a recurrence alert when the theme is fixed and the item was heard
	// after. It reports whether the item was assigned.
	Assign(item ThemeItem, theme ID) (bool, error)
	// Relabel renews a theme's generated label and terms.
	Relabel(theme ID, label string, terms []string) error
}

// ThemeGrouper is what the grouping jobs need of the store.
type ThemeGrouper interface {
	// ReadThemeCorpus reads the items looked at (or all, for a re-grouping) and the
	// themes, as of one state.
	ReadThemeCorpus(ctx context.Context, s Scope, all bool) (*ThemeCorpus, error)
	// AssignThemes runs fn in one transaction with the state locked.
	AssignThemes(ctx context.Context, s Scope, fn func(ThemeBatch) error) error
	// ApplyRegrouping writes a re-grouping; ECONFLICT when staff changed themes since
	// its corpus was read.
	ApplyRegrouping(ctx context.Context, s Scope, r *ThemeRegrouping) error
}
