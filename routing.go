package rapport

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapportckm/rapport/fold"
)

// ServiceLevel is the time an action item has to be done in, in whole hours: "2d" is
// two days, "36h" thirty-six hours.
type ServiceLevel int

// MaxServiceLevel is the longest service level: a year. Anything longer is no promise.
const MaxServiceLevel ServiceLevel = 365 * 24

// ParseServiceLevel reads "2d", "2 days", "36h", "36 hours" or "36" (hours).
func ParseServiceLevel(s string) (ServiceLevel, error) {
	t := strings.ToLower(strings.Join(strings.Fields(s), ""))
	unit := 1
	for _, suffix := range []struct {
		s string
		n int
	}{{"days", 24}, {"day", 24}, {"d", 24}, {"hours", 1}, {"hour", 1}, {"h", 1}} {
		if strings.HasSuffix(t, suffix.s) {
			t, unit = strings.TrimSuffix(t, suffix.s), suffix.n
			break
		}
	}
	n, err := strconv.Atoi(t)
	if err != nil || len(t) > 6 {
		return 0, FieldError("service_level", "write the service level as a number of days or hours, such as 2d or 36h")
	}
	sl := ServiceLevel(n * unit)
	if err := sl.check(); err != nil {
		return 0, err
	}
	return sl, nil
}

func (sl ServiceLevel) check() error {
	if sl < 1 || sl > MaxServiceLevel {
		return FieldError("service_level", "the service level must be between 1 hour and 365 days")
	}
	return nil
}

// Duration is the service level as a time.Duration.
func (sl ServiceLevel) Duration() time.Duration { return time.Duration(sl) * time.Hour }

// String is the service level in days where it is whole days, else in hours.
func (sl ServiceLevel) String() string {
	if sl > 0 && sl%24 == 0 {
		return strconv.Itoa(int(sl/24)) + "d"
	}
	return strconv.Itoa(int(sl)) + "h"
}

// Words is the service level for people: "2 days", "1 hour".
func (sl ServiceLevel) Words() string {
	n, unit := int(sl), "hour"
	if sl > 0 && sl%24 == 0 {
		n, unit = int(sl/24), "day"
	}
	if n != 1 {
		unit += "s"
	}
	return strconv.Itoa(n) + " " + unit
}

func (sl ServiceLevel) MarshalJSON() ([]byte, error) { return json.Marshal(sl.String()) }

// UnmarshalJSON takes "2d", "36h" or a number of hours.
func (sl *ServiceLevel) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err := json.Unmarshal(b, &n); err != nil || n != float64(int(n)) {
			return FieldError("service_level", "service_level is a string such as \"2d\" or \"36h\"")
		}
		s = strconv.Itoa(int(n))
	}
	v, err := ParseServiceLevel(s)
	if err != nil {
		return err
	}
	*sl = v
	return nil
}

// Limits of routing rules: a rule's words are a few words or phrases to look for, not
// a dictionary.
const (
	MaxRoutingWords     = 20
	MaxRoutingWordChars = 100
	MaxRoutingRules     = 200
)

// RoutingRule sends feedback to the team that owns the fix. Its conditions are all
// optional and must all hold; a rule without any matches all feedback. Every matching
// rule makes an action item for its team (one per team: the first matching rule of a
// team sets the terms).
type RoutingRule struct {
	ID       ID     `json:"id"`
	Position int    `json:"position"` // 1 is tried first
	Name     string `json:"name"`
	// Conditions.
	Kinds       []FeedbackKind `json:"kinds"`             // any of them; none: every kind
	Product     string         `json:"product,omitempty"` // equal, ignoring case and accents
	Area        string         `json:"area,omitempty"`    // equal, ignoring case and accents
	Words       []string       `json:"words"`             // any of them occurs in the text, as whole words
	MinValue    *float64       `json:"min_value"`         // the customer's lifetime value is at least this
	MinSeverity Severity       `json:"min_severity,omitempty"`
	// Outcome.
	TeamID       ID           `json:"team_id"`
	TeamName     string       `json:"team_name,omitempty"`
	OwnerID      ID           `json:"owner_id,omitzero"` // a member of the team
	OwnerName    string       `json:"owner_name,omitempty"`
	ServiceLevel ServiceLevel `json:"service_level"`
	Title        string       `json:"title,omitempty"` // of the action item; else the feedback's first words
	CreatedAt    time.Time    `json:"created_at"`
	UpdatedAt    time.Time    `json:"updated_at"`
}

// Normalize trims the rule's text and drops empty and repeated words.
func (r *RoutingRule) Normalize() {
	r.Name = strings.Join(strings.Fields(r.Name), " ")
	r.Product = strings.Join(strings.Fields(r.Product), " ")
	r.Area = strings.Join(strings.Fields(r.Area), " ")
	r.Title = strings.Join(strings.Fields(r.Title), " ")
	var words []string
	seen := map[string]bool{}
	for _, w := range r.Words {
		w = strings.Join(strings.Fields(w), " ")
		if k := fold.String(w); w != "" && !seen[k] {
			seen[k] = true
			words = append(words, w)
		}
	}
	r.Words = words
	kinds := []FeedbackKind{}
	for _, k := range r.Kinds {
		if k != "" && !oneOf(k, kinds) {
			kinds = append(kinds, k)
		}
	}
	r.Kinds = kinds
	if r.Words == nil {
		r.Words = []string{}
	}
}

// Validate reports every problem with the rule; the store checks that the team
// exists and the owner is one of its members.
func (r *RoutingRule) Validate() error {
	p := Problems{}
	if r.Name == "" {
		p.Add("name", "a rule needs a name, such as “Billing complaints”")
	}
	checkText(p, "name", r.Name, 100)
	for _, k := range r.Kinds {
		if !k.Valid() {
			p.Add("kinds", "kind %q is unknown; use any of %s", k, list(FeedbackKinds))
		}
	}
	checkText(p, "product", r.Product, 100)
	checkText(p, "area", r.Area, 100)
	if len(r.Words) > MaxRoutingWords {
		p.Add("words", "a rule may look for at most %d words or phrases; it has %d", MaxRoutingWords, len(r.Words))
	}
	for _, w := range r.Words {
		if !utf8.ValidString(w) || utf8.RuneCountInString(w) > MaxRoutingWordChars {
			p.Add("words", "each word or phrase is valid UTF-8 text of at most %d characters", MaxRoutingWordChars)
		} else if len(fold.Words(w)) == 0 {
			p.Add("words", "%q has no letters or digits to look for", w)
		}
		checkText(p, "words", w, MaxRoutingWordChars)
	}
	if r.MinValue != nil && (*r.MinValue < 0 || *r.MinValue > 1e12 || *r.MinValue != *r.MinValue) {
		p.Add("min_value", "the minimum customer value must be between 0 and 1,000,000,000,000")
	}
	if r.MinSeverity != "" && !r.MinSeverity.Valid() {
		p.Add("min_severity", "severity %q is unknown; use one of %s", r.MinSeverity, list(Severities))
	}
	if r.TeamID.IsZero() {
		p.Add("team_id", "choose the team that owns the fix")
	}
	if err := r.ServiceLevel.check(); err != nil {
		p.Add("service_level", "%s", ErrorMessage(err))
	}
	checkText(p, "title", r.Title, 200)
	return p.Err()
}

// rank is the place of a severity from low (0) to critical (3).
func (s Severity) rank() int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return -1
}

// Matches reports whether the feedback meets every condition of the rule; value is
// the customer's lifetime value, nil without a customer or a value.
func (r *RoutingRule) Matches(f *Feedback, value *float64) bool {
	if len(r.Kinds) > 0 && !oneOf(f.Kind, r.Kinds) {
		return false
	}
	if r.Product != "" && fold.String(r.Product) != fold.String(f.Product) {
		return false
	}
	if r.Area != "" && fold.String(r.Area) != fold.String(f.Area) {
		return false
	}
	if r.MinSeverity != "" && f.Severity.rank() < r.MinSeverity.rank() {
		return false
	}
	if r.MinValue != nil && (value == nil || *value < *r.MinValue) {
		return false
	}
	if len(r.Words) > 0 {
		text := fold.Words(f.Text)
		found := false
		for _, w := range r.Words {
			if containsWords(text, fold.Words(w)) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// containsWords reports whether the words of phrase occur in text one after another.
func containsWords(text, phrase []string) bool {
	if len(phrase) == 0 {
		return false
	}
	for i := 0; i+len(phrase) <= len(text); i++ {
		j := 0
		for j < len(phrase) && text[i+j] == phrase[j] {
			j++
		}
		if j == len(phrase) {
			return true
		}
	}
	return false
}

// Conditions describes the rule's conditions for people: "complaints · product Desk ·
// words late, damaged".
func (r *RoutingRule) Conditions() string {
	var parts []string
	if len(r.Kinds) > 0 {
		parts = append(parts, "kind "+strings.ReplaceAll(list(r.Kinds), "_", " "))
	}
	if r.Product != "" {
		parts = append(parts, "product "+r.Product)
	}
	if r.Area != "" {
		parts = append(parts, "area "+r.Area)
	}
	if len(r.Words) > 0 {
		parts = append(parts, "words “"+strings.Join(r.Words, "”, “")+"”")
	}
	if r.MinValue != nil {
		parts = append(parts, "customer value ≥ "+strconv.FormatFloat(*r.MinValue, 'f', -1, 64))
	}
	if r.MinSeverity != "" {
		parts = append(parts, "severity "+string(r.MinSeverity)+" or more")
	}
	if len(parts) == 0 {
		return "all feedback"
	}
	return strings.Join(parts, " · ")
}

// RoutingSettings is what routing does when no rule matches: the feedback goes to the
// fallback team, if one is set, with the fallback service level; else it is not routed
// and listed for managers.
type RoutingSettings struct {
	FallbackTeamID       ID           `json:"fallback_team_id,omitzero"`
	FallbackTeamName     string       `json:"fallback_team_name,omitempty"`
	FallbackServiceLevel ServiceLevel `json:"fallback_service_level"`
}

// DefaultFallbackServiceLevel is the service level of fallback items until one is set.
const DefaultFallbackServiceLevel ServiceLevel = 3 * 24

// RulePreview is what a rule would do to recent feedback: how many of it match, and a
// few of them.
type RulePreview struct {
	RuleID  ID          `json:"rule_id"`
	Matches int         `json:"matches"`
	Sample  []*Feedback `json:"sample"`
}

// RoutingPreview applies the rules to the latest feedback the reader may see.
type RoutingPreview struct {
	Considered int           `json:"considered"` // feedback items looked at
	Rules      []RulePreview `json:"rules"`      // in the order of the rules
	Unmatched  int           `json:"unmatched"`  // matched by no rule: fallback or not routed
}

// PreviewSize is how much recent feedback a preview looks at.
const PreviewSize = 200

// CanManageRouting reports whether the actor may change the routing rules: managers
// and admins.
func (s Scope) CanManageRouting() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager))
}

// ActionStatus is where an action item stands: open or done.
type ActionStatus string

const (
	ActionOpen ActionStatus = "open"
	ActionDone ActionStatus = "done"
)

var ActionStatuses = []ActionStatus{ActionOpen, ActionDone}

func (s ActionStatus) Valid() bool { return oneOf(s, ActionStatuses) }

// MaxActionNote is the longest note on finishing an action item.
const MaxActionNote = 1000

// ActionItem is work that one team owes because of one piece of feedback: made by a
// routing rule or by hand, due its service level after it was made, escalated to the
// team's manager when it is overdue.
type ActionItem struct {
	ID              ID           `json:"id"`
	FeedbackID      ID           `json:"feedback_id"`
	CustomerID      ID           `json:"customer_id,omitzero"` // the feedback's
	CustomerName    string       `json:"customer_name,omitempty"`
	FeedbackKind    FeedbackKind `json:"feedback_kind"`
	TeamID          ID           `json:"team_id"`
	TeamName        string       `json:"team_name"`
	OwnerID         ID           `json:"owner_id,omitzero"`
	OwnerName       string       `json:"owner_name,omitempty"`
	Title           string       `json:"title"`
	RuleID          ID           `json:"rule_id,omitzero"`
	RuleName        string       `json:"rule_name,omitempty"` // the rule that made it, as it was named then; "" by hand
	Fallback        bool         `json:"fallback,omitempty"`  // made because no rule matched
	ServiceLevel    ServiceLevel `json:"service_level"`
	DueAt           time.Time    `json:"due_at"`
	Status          ActionStatus `json:"status"`
	DoneAt          *time.Time   `json:"done_at,omitempty"`
	DoneBy          ID           `json:"done_by,omitzero"`
	DoneByName      string       `json:"done_by_name,omitempty"`
	Note            string       `json:"note,omitempty"`
	EscalatedAt     *time.Time   `json:"escalated_at,omitempty"`
	EscalatedTo     ID           `json:"escalated_to,omitzero"`
	EscalatedToName string       `json:"escalated_to_name,omitempty"`
	CreatedBy       ID           `json:"created_by,omitzero"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// Overdue reports whether the item is open past its due time at now.
func (a *ActionItem) Overdue(now time.Time) bool { return a.Status == ActionOpen && now.After(a.DueAt) }

// NewAction is an action item made by hand: for a team, with an owner from it or
// none, a title and a due time (or a service level from now).
type NewAction struct {
	TeamID       ID           `json:"team_id"`
	OwnerID      ID           `json:"owner_id"`
	Title        string       `json:"title"`
	DueAt        time.Time    `json:"due_at"`
	ServiceLevel ServiceLevel `json:"service_level"`
}

// Validate reports every problem with the new item, at now.
func (n *NewAction) Validate(now time.Time) error {
	p := Problems{}
	n.Title = strings.Join(strings.Fields(n.Title), " ")
	if n.TeamID.IsZero() {
		p.Add("team_id", "choose the team that owns the fix")
	}
	checkText(p, "title", n.Title, 200)
	switch {
	case n.DueAt.IsZero() && n.ServiceLevel == 0:
		p.Add("due_at", "say when it is due, or give a service level such as 2d")
	case !n.DueAt.IsZero() && (n.DueAt.Before(now.Add(-24*time.Hour)) || n.DueAt.After(now.Add(MaxServiceLevel.Duration()))):
		p.Add("due_at", "the due time must be from today to a year ahead")
	case n.DueAt.IsZero():
		if err := n.ServiceLevel.check(); err != nil {
			p.Add("service_level", "%s", ErrorMessage(err))
		}
	}
	return p.Err()
}

// ActionUpdate changes an action item: the fields that are not nil. An owner of the
// zero id takes the owner away; status done needs no note but keeps one; status open
// reopens a done item.
type ActionUpdate struct {
	OwnerID *ID           `json:"owner_id"`
	DueAt   *time.Time    `json:"due_at"`
	Status  *ActionStatus `json:"status"`
	Note    *string       `json:"note"`
}

// Validate reports every problem with the change, at now.
func (u *ActionUpdate) Validate(now time.Time) error {
	p := Problems{}
	if u.Status != nil && !u.Status.Valid() {
		p.Add("status", "status %q is unknown; use open or done", *u.Status)
	}
	if u.Note != nil {
		*u.Note = strings.TrimSpace(*u.Note)
		checkText(p, "note", *u.Note, MaxActionNote)
	}
	if u.DueAt != nil && (u.DueAt.Before(now.Add(-MaxServiceLevel.Duration())) || u.DueAt.After(now.Add(MaxServiceLevel.Duration()))) {
		p.Add("due_at", "the due time must be within a year of today")
	}
	if u.OwnerID == nil && u.DueAt == nil && u.Status == nil && u.Note == nil {
		p.Add("status", "nothing to change: send owner_id, due_at, status or note")
	}
	return p.Err()
}

// ActionEvent names what happened to an action item on the customer's timeline, in
// the attribute action_event: created, done, reopened, escalated.
type ActionEvent string

const (
	ActionCreated   ActionEvent = "created"
	ActionFinished  ActionEvent = "done"
	ActionReopened  ActionEvent = "reopened"
	ActionEscalated ActionEvent = "escalated"
)

// ActionWhose chooses whose action items a list shows: the reader's own (owned or
// escalated to them), their teams' and their own, or all they may see.
type ActionWhose string

const (
	ActionsMine  ActionWhose = "mine"
	ActionsTeams ActionWhose = "teams"
	ActionsAll   ActionWhose = "all"
)

// ActionFilter selects action items; zero fields do not filter.
type ActionFilter struct {
	Whose      ActionWhose // for staff readers; "" is all
	Status     ActionStatus
	FeedbackID ID
	ThemeID    ID // of feedback in this theme
	TeamID     ID
	Overdue    bool
	Cursor     string
	Limit      int
}

// Validate checks the filter's choices.
func (f ActionFilter) Validate() error {
	p := Problems{}
	if f.Whose != "" && !oneOf(f.Whose, []ActionWhose{ActionsMine, ActionsTeams, ActionsAll}) {
		p.Add("whose", "whose %q is unknown; use mine, teams or all", f.Whose)
	}
	if f.Status != "" && !f.Status.Valid() {
		p.Add("status", "status %q is unknown; use open or done", f.Status)
	}
	return p.Err()
}

// Escalation is an overdue action item escalated to a person, for a notifier.
type Escalation struct {
	Action *ActionItem
	To     UserRef
}

// RoutingService keeps the routing rules and the setting of the fallback team.
type RoutingService interface {
	// FindRoutingRules lists the rules in order; any staff member may.
	FindRoutingRules(ctx context.Context, s Scope) ([]*RoutingRule, error)
	FindRoutingRule(ctx context.Context, s Scope, id ID) (*RoutingRule, error)
	// CreateRoutingRule adds a rule at r.Position (0 or past the end: last); managers
	// and admins may.
	CreateRoutingRule(ctx context.Context, s Scope, r *RoutingRule) error
	// UpdateRoutingRule replaces a rule's conditions and outcome, and moves it to
	// r.Position when that is not 0.
	UpdateRoutingRule(ctx context.Context, s Scope, id ID, r *RoutingRule) error
	DeleteRoutingRule(ctx context.Context, s Scope, id ID) error
	FindRoutingSettings(ctx context.Context, s Scope) (*RoutingSettings, error)
	SetRoutingSettings(ctx context.Context, s Scope, rs *RoutingSettings) error
	// PreviewRouting applies the rules to the latest PreviewSize feedback the scope
	// may see, with up to sample items of each rule.
	PreviewRouting(ctx context.Context, s Scope, rules []*RoutingRule, sample int) (*RoutingPreview, error)
	// FindUnrouted lists open feedback the scope may see that has no action item.
	FindUnrouted(ctx context.Context, s Scope, limit int) ([]*Feedback, int, error)
}

// ActionService keeps the action items of feedback.
type ActionService interface {
	// FindActions lists the action items the scope may see: escalated to the reader
	// and open first, then open, overdue first, by due time; then done.
	FindActions(ctx context.Context, s Scope, f ActionFilter) ([]*ActionItem, string, error)
	FindActionByID(ctx context.Context, s Scope, id ID) (*ActionItem, error)
	// CreateAction adds an action item to visible feedback by hand.
	CreateAction(ctx context.Context, s Scope, feedbackID ID, n NewAction) (*ActionItem, error)
	UpdateAction(ctx context.Context, s Scope, id ID, u ActionUpdate) (*ActionItem, error)
	// RouteFeedback applies the current rules to visible feedback again, adding items
	// only for teams that have none; it returns the items added.
	RouteFeedback(ctx context.Context, s Scope, feedbackID ID) ([]*ActionItem, error)
	// EscalateOverdue escalates each open action item due before now and not yet
	// escalated to its team's manager (else an admin), and returns them; on an error,
	// those it escalated before, with the error.
	EscalateOverdue(ctx context.Context, s Scope, now time.Time) ([]Escalation, error)
}

// JobEscalate is the kind of job that escalates overdue action items; it runs every
// EscalateInterval.
const (
	JobEscalate      = "escalate"
	EscalateInterval = 5 * time.Minute
)

// ActionTitle is the title of an action item made from feedback without one: the
// kind and the first words of the text.
func ActionTitle(f *Feedback) string {
	kind := string(f.Kind)
	if kind == "" {
		return "Feedback"
	}
	text := strings.Join(strings.Fields(f.Text), " ")
	if r := []rune(text); len(r) > 80 {
		text = string(r[:79]) + "…"
	}
	return fmt.Sprintf("%s%s: %s", strings.ToUpper(kind[:1]), kind[1:], text)
}

// ActionRef is what feedback shows of one of its action items.
type ActionRef struct {
	ID          ID           `json:"id"`
	TeamID      ID           `json:"team_id"`
	TeamName    string       `json:"team_name"`
	OwnerName   string       `json:"owner_name,omitempty"`
	Status      ActionStatus `json:"status"`
	DueAt       time.Time    `json:"due_at"`
	EscalatedAt *time.Time   `json:"escalated_at,omitempty"`
}
