package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

type customerIndex struct {
	Customers         []*rapport.Customer
	Count             int
	FirstURL, NextURL string
	Filter            rapport.CustomerFilter
	Users             []*rapport.User
	Relationships     []rapport.Relationship
	CanCreate         bool
}

func (s *Server) handleCustomerIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	f, err := customerFilter(q)
	if err != nil {
		return err
	}
	f.Limit = 50
	page := customerIndex{Filter: f, CanCreate: c.scope.CanWriteCustomers(), Relationships: rapport.Relationships}
	var next string
	if page.Customers, next, err = s.Store.FindCustomers(r.Context(), c.scope, f); err != nil {
		return err
	}
	if next != "" {
		page.NextURL = "/customers" + withParam(q, "cursor", next)
	}
	if f.Cursor != "" {
		page.FirstURL = "/customers" + withParam(q, "cursor", "")
	}
	if page.Count, err = s.Store.CountCustomers(r.Context(), c.scope, f); err != nil {
		return err
	}
	if page.Users, err = s.Store.FindUsers(r.Context(), c.scope); err != nil {
		return err
	}
	title := "Customers"
	if f.Query != "" {
		title = "Customers matching “" + f.Query + "”"
	}
	return s.render(w, r, http.StatusOK, "customers", c, title, page)
}

// customerForm is the create and edit form.
type customerForm struct {
	Customer                         *rapport.Customer
	Emails, Phones, Tags, Attributes string
	Addresses                        []rapport.Address
	Users                            []*rapport.User
	Errors                           map[string]string
	Action, Submit                   string
	Channels                         []rapport.Channel
	Relationships                    []rapport.Relationship
}

func (s *Server) renderCustomerForm(w http.ResponseWriter, r *http.Request, c *call, status int, cust *rapport.Customer, err error) error {
	users, uerr := s.Store.FindUsers(r.Context(), c.scope)
	if uerr != nil {
		return uerr
	}
	form := customerForm{Customer: cust, Emails: contactLines(cust.Emails), Phones: contactLines(cust.Phones),
		Tags: strings.Join(cust.Tags, ", "), Attributes: attributeLines(cust.Attributes),
		Addresses: append(append([]rapport.Address{}, cust.Addresses...), rapport.Address{}),
		Users:     users, Errors: fieldErrors(err), Action: "/customers", Submit: "Create customer",
		Channels: rapport.Channels, Relationships: rapport.Relationships}
	title := "New customer"
	if !cust.ID.IsZero() {
		form.Action, form.Submit, title = "/customers/"+cust.ID.String()+"/edit", "Save changes", "Edit "+cust.Name
	}
	return s.render(w, r, status, "customer_form", c, title, form)
}

func (s *Server) handleCustomerNew(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "create customers"); err != nil {
		return err
	}
	kind := rapport.CustomerKind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		kind = rapport.KindPerson
	}
	return s.renderCustomerForm(w, r, c, http.StatusOK, &rapport.Customer{Kind: kind, Attributes: []byte("{}")}, nil)
}

// customerFromForm reads the customer form.
func customerFromForm(r *http.Request) (*rapport.Customer, error) {
	cust := &rapport.Customer{
		Kind: rapport.CustomerKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		GivenName: r.PostFormValue("given_name"), FamilyName: r.PostFormValue("family_name"),
		Emails: formContacts(r, "emails"), Phones: formContacts(r, "phones"),
		Language: r.PostFormValue("language"), PreferredChannel: rapport.Channel(r.PostFormValue("preferred_channel")),
		Tags: formList(r, "tags"),
	}
	if cust.Kind == rapport.KindPerson {
		cust.Name = ""
	}
	for _, rel := range r.PostForm["relationships"] {
		cust.Relationships = append(cust.Relationships, rapport.Relationship(rel))
	}
	f := r.PostForm
	for i := range f["address_street"] {
		a := rapport.Address{Label: at(f["address_label"], i), Street: at(f["address_street"], i), City: at(f["address_city"], i),
			Postcode: at(f["address_postcode"], i), Region: at(f["address_region"], i), Country: at(f["address_country"], i)}
		if strings.TrimSpace(a.Street+a.City+a.Postcode+a.Region+a.Country) != "" {
			cust.Addresses = append(cust.Addresses, a)
		}
	}
	if owner := r.PostFormValue("owner_id"); owner != "" {
		id, err := rapport.ParseID(owner)
		if err != nil {
			return cust, rapport.FieldError("owner_id", "choose the owner from the list")
		}
		cust.OwnerID = id
	}
	attrs, err := formAttributes(r, "attributes")
	cust.Attributes = attrs
	return cust, err
}

func at(values []string, i int) string {
	if i < len(values) {
		return values[i]
	}
	return ""
}

func (s *Server) handleCustomerCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	cust, err := customerFromForm(r)
	if err == nil {
		err = s.Store.CreateCustomer(r.Context(), c.scope, cust)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		if cust.Attributes == nil {
			cust.Attributes = []byte("{}")
		}
		return s.renderCustomerForm(w, r, c, http.StatusBadRequest, cust, err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+cust.ID.String(), cust.Name+" was created.")
}

func (s *Server) handleCustomerEdit(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	if err := rapport.Require(c.scope.CanWriteCustomers(), "change customers"); err != nil {
		return err
	}
	cust, err := s.Store.FindCustomerByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	return s.renderCustomerForm(w, r, c, http.StatusOK, cust, nil)
}

func (s *Server) handleCustomerUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	in, err := customerFromForm(r)
	var saved *rapport.Customer
	if err == nil {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		u := rapport.CustomerUpdate{GivenName: &in.GivenName, FamilyName: &in.FamilyName, Emails: &in.Emails, Phones: &in.Phones,
			Addresses: &in.Addresses, Language: &in.Language, PreferredChannel: &in.PreferredChannel, Relationships: &in.Relationships,
			Tags: &in.Tags, OwnerID: &in.OwnerID, Attributes: &in.Attributes, Version: version}
		if in.Kind == rapport.KindOrganisation {
			u.Name = &in.Name
		}
		saved, err = s.Store.UpdateCustomer(r.Context(), c.scope, id, u)
	}
	switch rapport.ErrorCode(err) {
	case "":
		return s.redirect(w, r, "/customers/"+id.String(), "Changes to "+saved.Name+" were saved.")
	case rapport.EINVALID, rapport.ECONFLICT:
		in.ID = id
		if in.Attributes == nil {
			in.Attributes = []byte("{}")
		}
		status := Status(err)
		if rapport.ErrorCode(err) == rapport.ECONFLICT {
			err = &rapport.Error{Code: rapport.EINVALID, Message: rapport.ErrorMessage(err), Fields: map[string]string{"_": rapport.ErrorMessage(err)}}
		}
		return s.renderCustomerForm(w, r, c, status, in, err)
	}
	return err
}

func (s *Server) handleCustomerDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteCustomer(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/customers", "The customer was deleted.")
}

// customerPage is the profile: details, links, notes and the timeline.
type customerPage struct {
	Customer      *rapport.Customer
	Pinned        []*rapport.Note
	Organisations []*rapport.Link // links from this customer
	Members       []*rapport.Link // links to this customer: its people and subsidiaries
	Days          []timelineDay
	NextURL       string // older entries
	NewestURL     string // back to the start, when paging
	Query         url.Values
	Sources       []*rapport.Source
	Teams         []rapport.TeamRef
	LinkResults   []*rapport.Customer
	LinkQuery     string
	CanWrite      bool
	CanDelete     bool
	Errors        map[string]string // of the form that failed
	Form          url.Values        // what was typed, when a form is shown again
	OpenForm      string            // which form to show open: note, interaction or link
	Now           time.Time
	Types         []rapport.InteractionType
	Channels      []rapport.Channel
	Relationships []rapport.Relationship
	LinkKinds     []rapport.LinkKind
	scope         rapport.Scope
}

// CanChangeNote reports whether the viewer may pin or delete the note.
func (p *customerPage) CanChangeNote(n *rapport.Note) bool { return n.CanChange(p.scope) }

type timelineDay struct {
	Day     time.Time
	Entries []rapport.TimelineEntry
}

func (s *Server) customerPage(r *http.Request, c *call, id rapport.ID) (*customerPage, error) {
	ctx := r.Context()
	cust, err := s.Store.FindCustomerByID(ctx, c.scope, id)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	f, err := interactionFilter(id, q)
	if err != nil {
		return nil, err
	}
	f.Limit = 50
	page := &customerPage{Customer: cust, Query: q, Teams: c.user.Teams, Now: time.Now().UTC(), scope: c.scope,
		CanWrite: c.scope.CanWriteCustomers(), CanDelete: c.scope.CanDeleteCustomers(),
		Types: rapport.InteractionTypes, Channels: rapport.Channels, Relationships: rapport.Relationships, LinkKinds: rapport.LinkKinds}
	if page.Pinned, _, err = s.Store.FindNotes(ctx, c.scope, rapport.NoteFilter{CustomerID: id, PinnedOnly: true, Limit: 10}); err != nil {
		return nil, err
	}
	links, err := s.Store.FindLinks(ctx, c.scope, id)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.FromID == id {
			page.Organisations = append(page.Organisations, l)
		} else {
			page.Members = append(page.Members, l)
		}
	}
	entries, next, err := s.Store.FindTimeline(ctx, c.scope, f)
	if err != nil {
		return nil, err
	}
	base := "/customers/" + id.String()
	if next != "" {
		page.NextURL = base + withParam(q, "cursor", next) + "#timeline"
	}
	if f.Cursor != "" {
		page.NewestURL = base + withParam(q, "cursor", "") + "#timeline"
	}
	for _, e := range entries {
		day := e.At.UTC().Truncate(24 * time.Hour)
		if n := len(page.Days); n == 0 || !page.Days[n-1].Day.Equal(day) {
			page.Days = append(page.Days, timelineDay{Day: day})
		}
		page.Days[len(page.Days)-1].Entries = append(page.Days[len(page.Days)-1].Entries, e)
	}
	if page.Sources, err = s.Store.FindSources(ctx, c.scope); err != nil {
		return nil, err
	}
	if lq := strings.TrimSpace(q.Get("link_q")); lq != "" && page.CanWrite {
		page.LinkQuery = lq
		results, _, err := s.Store.FindCustomers(ctx, c.scope, rapport.CustomerFilter{Query: lq, Kind: rapport.KindOrganisation, Limit: 8})
		if err != nil {
			return nil, err
		}
		for _, o := range results {
			if o.ID != id {
				page.LinkResults = append(page.LinkResults, o)
			}
		}
	}
	return page, nil
}

func (s *Server) handleCustomerShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	page, err := s.customerPage(r, c, id)
	if err != nil {
		return err
	}
	if !page.Customer.MergedInto.IsZero() {
		return s.redirect(w, r, "/customers/"+page.Customer.MergedInto.String(), page.Customer.Name+" was merged into this customer.")
	}
	return s.render(w, r, http.StatusOK, "customer", c, page.Customer.Name, page)
}

// showCustomerWithErrors shows the profile again with a form's errors and input.
func (s *Server) showCustomerWithErrors(w http.ResponseWriter, r *http.Request, c *call, id rapport.ID, form string, err error) error {
	page, perr := s.customerPage(r, c, id)
	if perr != nil {
		return perr
	}
	page.Errors, page.Form, page.OpenForm = fieldErrors(err), r.PostForm, form
	return s.render(w, r, Status(err), "customer", c, page.Customer.Name, page)
}

func (s *Server) handleNoteCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	n := &rapport.Note{CustomerID: id, Body: r.PostFormValue("body"), Pinned: r.PostFormValue("pinned") == "on"}
	vis := r.PostFormValue("visibility")
	if teamID, ok := strings.CutPrefix(vis, "team:"); ok {
		n.Visibility = rapport.VisibilityTeam
		n.TeamID, _ = rapport.ParseID(teamID)
	} else {
		n.Visibility = rapport.Visibility(vis)
	}
	err = s.Store.CreateNote(r.Context(), c.scope, n)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "note", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#timeline", "Your note was added.")
}

func (s *Server) handleNotePin(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	pinned := r.PostFormValue("pinned") == "true"
	n, err := s.Store.UpdateNote(r.Context(), c.scope, id, rapport.NoteUpdate{Pinned: &pinned})
	if err != nil {
		return err
	}
	msg := "The note was unpinned."
	if pinned {
		msg = "The note was pinned."
	}
	return s.redirect(w, r, "/customers/"+n.CustomerID.String(), msg)
}

func (s *Server) handleNoteDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	n, err := s.Store.FindNoteByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteNote(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+n.CustomerID.String(), "The note was deleted.")
}

func (s *Server) handleInteractionCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	in := &rapport.Interaction{CustomerID: id, Type: rapport.InteractionType(r.PostFormValue("type")),
		Channel: rapport.Channel(r.PostFormValue("channel")), Summary: r.PostFormValue("summary"), Body: r.PostFormValue("body"),
		Currency: r.PostFormValue("currency")}
	p := rapport.Problems{}
	if v := r.PostFormValue("occurred_at"); v != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", v, time.UTC)
		if err != nil {
			p.Add("occurred_at", "write the time as YYYY-MM-DD HH:MM")
		}
		in.OccurredAt = at
	} else {
		in.OccurredAt = time.Now()
	}
	if v := strings.TrimSpace(r.PostFormValue("amount")); v != "" {
		a, err := rapport.ParseAmount(strings.ReplaceAll(v, ",", ""))
		if err != nil {
			p.Add("amount", "%s", rapport.ErrorMessage(err))
		}
		in.Amount = &a
	}
	err = p.Err()
	if err == nil {
		err = s.Store.CreateInteraction(r.Context(), c.scope, in)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "interaction", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#timeline", human(in.Type)+" logged.")
}

func (s *Server) handleLinkCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	to, err := rapport.ParseID(r.PostFormValue("to_id"))
	if err != nil {
		return rapport.FieldError("to_id", "choose the organisation to link to")
	}
	l := &rapport.Link{FromID: id, ToID: to, Kind: rapport.LinkKind(r.PostFormValue("kind")), Role: r.PostFormValue("role")}
	err = s.Store.CreateLink(r.Context(), c.scope, l)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ECONFLICT {
		return s.showCustomerWithErrors(w, r, c, id, "link", &rapport.Error{Code: rapport.EINVALID, Message: rapport.ErrorMessage(err), Fields: map[string]string{"link": rapport.ErrorMessage(err)}})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String(), "Linked to "+l.ToName+".")
}

func (s *Server) handleLinkDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "link")
	if err != nil {
		return err
	}
	back, err := rapport.ParseID(r.PostFormValue("back"))
	if err != nil {
		return rapport.FieldError("back", "missing the customer to return to")
	}
	if err := s.Store.DeleteLink(r.Context(), c.scope, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+back.String(), "The link was removed.")
}
