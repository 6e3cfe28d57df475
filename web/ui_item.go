package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// workbench is what the profile shows of the customer's service: open items, the
// last contact by each team and when they prefer, or usually happen, to be in touch.
type workbench struct {
	Items        []itemView
	OpenCount    int
	Closed       []*rapport.Item // recently closed, to reopen
	More         int             // open items not shown
	Tips         []*rapport.Tip  // the playbook's tips for the open items' kinds of request
	LastContacts []rapport.LastContact
	Habit        string // the suggestion from the customer's own contacts, in words
	HabitOf      string // what it rests on
	Kinds        []option
	Channels     []option
	Owners       []option
	TeamChoice   []option
	// Feedback not yet resolved, with its action items: open items of business too.
	OpenFeedback []*rapport.Feedback
	FeedbackOpen int
}

// Total counts the open items and the open feedback.
func (w *workbench) Total() int { return w.OpenCount + w.FeedbackOpen }

// FeedbackItems reports whether an open item listed is of the kind feedback: an item
// of business, which the feedback log (routing, themes, the Feedback card) does not
// hold until someone logs it there.
func (w *workbench) FeedbackItems() bool {
	return slices.ContainsFunc(w.Items, func(v itemView) bool { return v.Kind == "feedback" })
}

// itemView is one open item, ready to print.
type itemView struct {
	*rapport.Item
	Overdue bool
	DueText string // "due today", "due in 3 days", "3 days overdue"
	// LogAsFeedback is, for an item of the kind feedback, the quick feedback form
	// filled in from it.
	LogAsFeedback string
}

func newItemView(it *rapport.Item, today time.Time) itemView {
	v := itemView{Item: it, Overdue: it.Overdue(today.Format(rapport.DateLayout))}
	if it.Kind == "feedback" {
		q := url.Values{"customer_id": {it.CustomerID.String()}, "channel": {string(it.Channel)},
			"text": {strings.TrimSpace(it.Title + "\n\n" + it.Body)}, "back": {"/customers/" + it.CustomerID.String() + "#feedback-h"}}
		if k := rapport.FeedbackKind(it.RequestType); k.Valid() {
			q.Set("kind", string(k))
		}
		v.LogAsFeedback = "/feedback/new?" + q.Encode()
	}
	if due, err := time.Parse(rapport.DateLayout, it.Due); err == nil {
		switch days := int(due.Sub(today).Hours() / 24); {
		case days == 0:
			v.DueText = "due today"
		case days == 1:
			v.DueText = "due tomorrow"
		case days > 1:
			v.DueText = "due in " + thousands.Count(days, "day")
		case days == -1:
			v.DueText = "1 day overdue"
		default:
			v.DueText = thousands.Count(-days, "day") + " overdue"
		}
	}
	return v
}

// allOpenItems is how many open items the profile lists when asked for all of them.
const allOpenItems = 500

// newWorkbench readies the customer's workbench and the choices of the item form.
func (s *Server) newWorkbench(r *http.Request, c *call, id rapport.ID, wb *rapport.Workbench, tips []*rapport.Tip, form func(string) string) (*workbench, error) {
	var err error
	if r.URL.Query().Get("items") == "all" && wb.OpenCount > len(wb.OpenItems) {
		// The profile shows the first few; asked for all, it reads them all.
		if wb.OpenItems, _, err = s.Store.FindItems(r.Context(), c.scope, rapport.ItemFilter{CustomerID: id, Limit: allOpenItems}); err != nil {
			return nil, err
		}
	}
	now := time.Now().UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	w := &workbench{OpenCount: wb.OpenCount, Closed: wb.Closed, More: wb.OpenCount - len(wb.OpenItems), LastContacts: wb.LastContacts, Tips: tips}
	for _, it := range wb.OpenItems {
		w.Items = append(w.Items, newItemView(it, today))
	}
	if h := wb.Habit; h != nil {
		w.Habit = h.Time.String()
		w.HabitOf = thousands.Count(h.Matching, "contact") + " of their last " + strconv.Itoa(h.Of)
	}
	if c.scope.CanWriteCustomers() {
		w.Kinds = options(rapport.ItemKinds, or(form("kind"), "task"))
		w.Channels = options(rapport.Channels, form("channel"))
		w.Owners = []option{{Value: "", Label: "Nobody yet"}}
		owner := or(form("owner_id"), c.user.ID.String())
		for _, u := range wb.Staff {
			w.Owners = append(w.Owners, option{Value: u.ID.String(), Label: u.Name, Selected: u.ID.String() == owner})
		}
		w.TeamChoice = []option{{Value: "", Label: "No team"}}
		for _, t := range wb.Teams {
			w.TeamChoice = append(w.TeamChoice, option{Value: t.ID.String(), Label: t.Name, Selected: t.ID.String() == form("team_id")})
		}
	}
	return w, nil
}

// itemFromForm reads the profile's form to open an item.
func itemFromForm(r *http.Request, customerID rapport.ID) (*rapport.Item, error) {
	it := &rapport.Item{CustomerID: customerID, Kind: rapport.ItemKind(r.PostFormValue("kind")), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body"), RequestType: r.PostFormValue("request_type"), Product: r.PostFormValue("product"),
		Channel: rapport.Channel(r.PostFormValue("channel")), Due: r.PostFormValue("due")}
	p := rapport.Problems{}
	for field, dst := range map[string]*rapport.ID{"owner_id": &it.OwnerID, "team_id": &it.TeamID} {
		if v := r.PostFormValue(field); v != "" {
			id, err := rapport.ParseID(v)
			if err != nil {
				p.Add(field, "choose from the list")
			}
			*dst = id
		}
	}
	if len(p) > 0 {
		it.Normalize()
		p.Merge(it.Validate())
	}
	return it, p.Err()
}

func (s *Server) handleItemCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	it, err := itemFromForm(r, id)
	if err == nil {
		err = s.Store.CreateItem(r.Context(), c.scope, it)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "item", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#items-h", human(it.Kind)+" “"+it.Title+"” opened.")
}

// handleItemStatus marks an item done, cancelled or open again, from the profile.
func (s *Server) handleItemStatus(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "item")
	if err != nil {
		return err
	}
	status := rapport.ItemStatus(strings.TrimSpace(r.PostFormValue("status")))
	it, err := s.Store.UpdateItem(r.Context(), c.scope, id, rapport.ItemUpdate{Status: &status})
	if err != nil {
		return err
	}
	msg := map[rapport.ItemStatus]string{rapport.ItemDone: "marked done", rapport.ItemCancelled: "cancelled",
		rapport.ItemOpen: "open again", rapport.ItemWaiting: "waiting"}[it.Status]
	return s.redirect(w, r, "/customers/"+it.CustomerID.String()+"#items-h", "“"+it.Title+"” is "+msg+".")
}
