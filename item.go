package rapport

import (
	"context"
	"strings"
	"time"
)

// ItemKind is what sort of business an item is.
type ItemKind string

// ItemKinds are the kinds of items: something staff must do (task), a problem the
// customer reported (ticket), something the customer asked for (request), and what
// they told the firm (feedback).
var ItemKinds = []ItemKind{"task", "ticket", "request", "feedback"}

func (k ItemKind) Valid() bool { return oneOf(k, ItemKinds) }

// ItemStatus is where an item stands. Open and waiting items are unfinished; done and
// cancelled ones are closed.
type ItemStatus string

const (
	ItemOpen      ItemStatus = "open"
	ItemWaiting   ItemStatus = "waiting" // on the customer or a third party
	ItemDone      ItemStatus = "done"
	ItemCancelled ItemStatus = "cancelled"
)

var ItemStatuses = []ItemStatus{ItemOpen, ItemWaiting, ItemDone, ItemCancelled}

func (s ItemStatus) Valid() bool { return oneOf(s, ItemStatuses) }

// Closed reports whether the item is finished, done or cancelled.
func (s ItemStatus) Closed() bool { return s == ItemDone || s == ItemCancelled }

// DateLayout is the form of dates without a time, such as an item's due date.
const DateLayout = "2006-01-02"

// Item is a customer's item of business: a task, ticket, request or feedback, with a
// status, so that what is unfinished can be seen at a glance. Opening, closing and
// reopening an item writes an entry on the customer's timeline.
type Item struct {
	ID          ID         `json:"id"`
	CustomerID  ID         `json:"customer_id"`
	Kind        ItemKind   `json:"kind"`
	Title       string     `json:"title"`
	Body        string     `json:"body,omitempty"`
	RequestType string     `json:"request_type,omitempty"` // the kind of request, as "address change" or "refund"
	Product     string     `json:"product,omitempty"`
	Channel     Channel    `json:"channel,omitempty"` // where it came in
	Status      ItemStatus `json:"status"`
	OwnerID     ID         `json:"owner_id,omitzero"` // the staff user working on it
	OwnerName   string     `json:"owner_name,omitempty"`
	TeamID      ID         `json:"team_id,omitzero"` // the team it is with
	TeamName    string     `json:"team_name,omitempty"`
	Due         string     `json:"due,omitempty"` // a date, YYYY-MM-DD
	OpenedBy    ID         `json:"opened_by,omitzero"`
	OpenedName  string     `json:"opened_by_name,omitempty"`
	OpenedAt    time.Time  `json:"opened_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Source      string     `json:"source,omitempty"`    // the system it came from
	SourceKey   string     `json:"source_id,omitempty"` // its id in that system
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Overdue reports whether the item is unfinished after its due date, on the day today
// (YYYY-MM-DD, UTC).
func (it *Item) Overdue(today string) bool {
	return !it.Status.Closed() && it.Due != "" && it.Due < today
}

// Normalize trims text and fills defaults.
func (it *Item) Normalize() {
	it.Title = strings.TrimSpace(it.Title)
	it.RequestType = strings.Join(strings.Fields(it.RequestType), " ")
	it.Product = strings.Join(strings.Fields(it.Product), " ")
	it.Source = strings.TrimSpace(it.Source)
	it.SourceKey = strings.TrimSpace(it.SourceKey)
	it.Due = strings.TrimSpace(it.Due)
	if it.Status == "" {
		it.Status = ItemOpen
	}
	it.OpenedAt = it.OpenedAt.UTC().Truncate(time.Microsecond)
	if it.ClosedAt != nil {
		t := it.ClosedAt.UTC().Truncate(time.Microsecond)
		it.ClosedAt = &t
	}
}

// Validate reports every problem with the item.
func (it *Item) Validate() error {
	p := Problems{}
	if it.CustomerID.IsZero() {
		p.Add("customer_id", "customer_id is required")
	}
	it.check(p)
	return p.Err()
}

func (it *Item) check(p Problems) {
	if it.Kind == "" {
		p.Add("kind", "kind is required; use one of %s", list(ItemKinds))
	} else if !it.Kind.Valid() {
		p.Add("kind", "kind %q is unknown; use one of %s", it.Kind, list(ItemKinds))
	}
	if it.Title == "" {
		p.Add("title", "title is required: one line that says what is to be done")
	}
	checkText(p, "title", it.Title, 200)
	checkText(p, "body", it.Body, 20_000)
	checkText(p, "request_type", it.RequestType, 100)
	checkText(p, "product", it.Product, 100)
	if it.Channel != "" && !it.Channel.Valid() {
		p.Add("channel", "channel %q is unknown; use one of %s", it.Channel, list(Channels))
	}
	if !it.Status.Valid() {
		p.Add("status", "status %q is unknown; use one of %s", it.Status, list(ItemStatuses))
	}
	checkDate(p, "due", it.Due)
	checkSourceKey(p, it.Source, it.SourceKey, false)
	checkName(p, "source", it.Source)
	checkText(p, "source_id", it.SourceKey, 200)
	if !it.OpenedAt.IsZero() && (it.OpenedAt.Year() < 1900 || it.OpenedAt.After(time.Now().Add(time.Hour))) {
		p.Add("opened_at", "opened_at %s is out of range: it must be after 1900 and not in the future", it.OpenedAt.Format(time.RFC3339))
	}
	if it.ClosedAt != nil && it.ClosedAt.After(time.Now().Add(time.Hour)) {
		p.Add("closed_at", "closed_at %s is in the future", it.ClosedAt.Format(time.RFC3339))
	}
}

// checkDate accepts "" or a date written YYYY-MM-DD between 1900 and 2999.
func checkDate(p Problems, field, s string) {
	if s == "" {
		return
	}
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		p.Add(field, "%s must be a date written YYYY-MM-DD, such as 2026-03-31", field)
	} else if d.Year() < 1900 || d.Year() > 2999 {
		p.Add(field, "%s %s is out of range: give a date from 1900-01-01 to 2999-12-31", field, s)
	}
}

// ItemFilter selects a customer's items.
type ItemFilter struct {
	CustomerID ID
	All        bool // closed items too; otherwise only open and waiting ones
	Limit      int
	Cursor     string // next_cursor of the previous page
}

// ItemUpdate changes the fields that are not nil. An empty Due, OwnerID or TeamID clears it.
type ItemUpdate struct {
	Title       *string     `json:"title"`
	Body        *string     `json:"body"`
	RequestType *string     `json:"request_type"`
	Product     *string     `json:"product"`
	Channel     *Channel    `json:"channel"`
	Status      *ItemStatus `json:"status"`
	OwnerID     *ID         `json:"owner_id"`
	TeamID      *ID         `json:"team_id"`
	Due         *string     `json:"due"`
}

// Apply copies the set fields of u onto it.
func (u ItemUpdate) Apply(it *Item) {
	set(&it.Title, u.Title)
	set(&it.Body, u.Body)
	set(&it.RequestType, u.RequestType)
	set(&it.Product, u.Product)
	set(&it.Channel, u.Channel)
	set(&it.Status, u.Status)
	set(&it.OwnerID, u.OwnerID)
	set(&it.TeamID, u.TeamID)
	set(&it.Due, u.Due)
}

// IncomingItem is an item as a source system sends it, keyed by (source, source id);
// the customer is named by Rapport's id or by the source system's customer id.
type IncomingItem struct {
	Item
	Line              int    `json:"-"`
	CustomerSource    string `json:"customer_source,omitempty"`
	CustomerSourceKey string `json:"customer_source_id,omitempty"`
}

// Validate reports every problem with the row.
func (in *IncomingItem) Validate() error {
	p := Problems{}
	checkSourceRow(p, in.CustomerID, &in.CustomerSource, &in.CustomerSourceKey, in.Source, in.SourceKey)
	in.check(p)
	checkAssigned(p, assigned{"id", !in.ID.IsZero()}, assigned{"owner_name", in.OwnerName != ""}, assigned{"team_name", in.TeamName != ""},
		assigned{"opened_by", !in.OpenedBy.IsZero()}, assigned{"opened_by_name", in.OpenedName != ""}, assigned{"updated_at", !in.UpdatedAt.IsZero()})
	return p.Err()
}

// ItemEvent is what happened to an item, as its timeline entry records it in the
// attributes item_id and item_event.
type ItemEvent string

const (
	ItemOpened   ItemEvent = "opened"
	ItemClosed   ItemEvent = "closed" // done
	ItemDropped  ItemEvent = "cancelled"
	ItemReopened ItemEvent = "reopened"
)

// EventOf is the event of a change of status from was ("" for a new item) to now, or
// "" when the change is not one the timeline records (open to waiting and back).
func EventOf(was, now ItemStatus) ItemEvent {
	switch {
	case was == "":
		return ItemOpened
	case was == now:
		return ""
	case now == ItemDone:
		return ItemClosed
	case now == ItemCancelled:
		return ItemDropped
	case was.Closed() && !now.Closed():
		return ItemReopened
	}
	return ""
}

// LastContact is the most recent interaction of a team's staff with a customer.
type LastContact struct {
	TeamID        ID              `json:"team_id"`
	TeamName      string          `json:"team_name"`
	UserID        ID              `json:"user_id"`
	UserName      string          `json:"user_name"`
	InteractionID ID              `json:"interaction_id"`
	Type          InteractionType `json:"type"`
	Channel       Channel         `json:"channel"`
	Summary       string          `json:"summary"`
	At            time.Time       `json:"at"`
}

// Workbench is what the profile page shows of a customer's service: the open items,
// the last contact by each team, and when the customer is usually in touch. Reading it
// is part of reading the profile.
type Workbench struct {
	OpenItems    []*Item       // open and waiting, overdue first, then by due date, then oldest
	OpenCount    int           // all open and waiting items, of which OpenItems holds the first
	Closed       []*Item       // the last few closed, most recent first, to reopen
	LastContacts []LastContact // the most recent first
	Habit        *ContactHabit // nil when the customer's own contacts show no clear habit
	// Staff and Teams are whom an item may be given to: the active staff and every
	// team, by name, for the form that opens one.
	Staff []UserRef
	Teams []TeamRef
}

// ItemService keeps customers' items of business.
type ItemService interface {
	// FindItems lists a visible customer's items, open ones (or all) by urgency, and
	// records the read.
	FindItems(ctx context.Context, s Scope, f ItemFilter) ([]*Item, string, error)
	// FindAllItems returns every item of a customer, however many, oldest first.
	FindAllItems(ctx context.Context, s Scope, customerID ID) ([]*Item, error)
	// FindItemByID returns an item of a visible customer and records the read.
	FindItemByID(ctx context.Context, s Scope, id ID) (*Item, error)
	// CreateItem opens an item for a visible customer and writes its timeline entry.
	CreateItem(ctx context.Context, s Scope, it *Item) error
	// UpdateItem changes an item; closing and reopening it write timeline entries.
	UpdateItem(ctx context.Context, s Scope, id ID, u ItemUpdate) (*Item, error)
	// IngestItems upserts items from source systems keyed by (source, source id).
	IngestItems(ctx context.Context, s Scope, rows []IncomingItem) (IngestResult, error)
}
