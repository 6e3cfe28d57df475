package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// almostPage is the almost-customers list: a page of entries, the filters by kind with
// what the reader may see of each, and when the list was worked out.
type almostPage struct {
	List    *rapport.AlmostList
	Entries []almostEntry
	Signals map[string]string
	Kind    rapport.AlmostKind
	Kinds   []almostKindLink
	pageLinks
	CanRecompute bool
}

// almostEntry is an entry with its value figures written out.
type almostEntry struct {
	rapport.AlmostCustomer
	Spent, Lifetime, Chance string // empty without purchases
}

func newAlmostEntry(a rapport.AlmostCustomer) almostEntry {
	e := almostEntry{AlmostCustomer: a}
	if a.PAlive != nil {
		e.Spent = thousands.Group(strconv.FormatFloat(a.Revenue.Float(), 'f', 0, 64)) + " " + a.Currency
		e.Lifetime = thousands.Group(strconv.FormatFloat(a.LifetimeValue, 'f', 0, 64)) + " " + a.Currency
		e.Chance = strconv.FormatFloat(100**a.PAlive, 'f', 0, 64) + " %"
	}
	return e
}

type almostKindLink struct {
	Label, URL string
	Count      int
	Current    bool
}

// almostLabels name the kinds on the page.
var almostLabels = map[rapport.AlmostKind]string{
	"": "All", rapport.AlmostSlipping: "Slipping away", rapport.AlmostFrustrated: "Frustrated", rapport.AlmostLookalike: "Could become valuable",
}

// signalLabels name each reason's chip on the page.
var signalLabels = map[string]string{
	rapport.SignalSlipping: "Slipping away", rapport.SignalComplaints: "Complaints", rapport.SignalContacts: "Many contacts",
	rapport.SignalSearches: "Searched in vain", rapport.SignalOpenItems: "Open feedback", rapport.SignalLookalike: "Could become valuable",
}

// canRecompute: admins and managers may work the list out again on demand.
func canRecompute(s rapport.Scope) bool { return s.IsAdmin() || s.Role == rapport.RoleManager }

// almostFilter reads ?kind=, ?cursor= and ?limit=.
func almostFilter(q url.Values) (rapport.AlmostFilter, error) {
	f := rapport.AlmostFilter{Kind: rapport.AlmostKind(q.Get("kind")), Cursor: q.Get("cursor")}
	var err error
	f.Limit, err = queryLimit(q)
	return f, err
}

func (s *Server) handleAlmostIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f, err := almostFilter(q)
	if err != nil {
		return err
	}
	list, err := s.Store.FindAlmostCustomers(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	page := almostPage{List: list, Kind: f.Kind, Signals: signalLabels, CanRecompute: canRecompute(c.scope)}
	for _, a := range list.Customers {
		page.Entries = append(page.Entries, newAlmostEntry(a))
	}
	for _, k := range append([]rapport.AlmostKind{""}, rapport.AlmostKinds...) {
		page.Kinds = append(page.Kinds, almostKindLink{Label: almostLabels[k], URL: "/almost" + withParam(url.Values{}, "kind", string(k)),
			Count: list.Counts[k], Current: k == f.Kind})
	}
	page.pageLinks = pagerLinks("/almost", q, list.Next)
	return s.render(w, r, http.StatusOK, "almost", c, "Almost customers", page)
}

// handleAlmostRefresh queues the almost job: it reads every customer's history, which
// takes longer than a request should.
func (s *Server) handleAlmostRefresh(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(canRecompute(c.scope), "work out the almost-customers list again"); err != nil {
		return err
	}
	if err := s.Store.EnqueueJob(r.Context(), c.scope, rapport.JobAlmost, "", 0); err != nil {
		return err
	}
	return s.redirect(w, r, "/almost", "The list will be worked out again in a moment; reload this page to see it.")
}

// handleWatchlistMoved sends the old watchlist's links to the list that replaced it.
func (s *Server) handleWatchlistMoved(w http.ResponseWriter, r *http.Request) {
	kind := rapport.AlmostSlipping
	if r.URL.Query().Get("list") == "rising" {
		kind = rapport.AlmostLookalike
	}
	http.Redirect(w, r, "/almost?kind="+string(kind), http.StatusMovedPermanently)
}

func (s *Server) apiAlmostIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := almostFilter(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := s.Store.FindAlmostCustomers(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(list.Customers, list.Next))
	return nil
}

func (s *Server) apiAlmostRefresh(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(canRecompute(c.scope), "work out the almost-customers list again"); err != nil {
		return err
	}
	if err := s.Store.EnqueueJob(r.Context(), c.scope, rapport.JobAlmost, "", 0); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]bool{"queued": true})
	return nil
}
