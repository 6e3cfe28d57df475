package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/thousands"
)

type customerIndex struct {
	Customers []*rapport.Customer
	Count     int
	Capped    bool // the search found more than rapport.SearchLimit
	pageLinks
	Filter        rapport.CustomerFilter
	Users         []*rapport.User
	Relationships []rapport.Relationship
	Segment       *rapport.Segment // whose members are listed
	CanCreate     bool
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
	page.pageLinks = pagerLinks("/customers", q, next)
	if page.Count, err = s.Store.CountCustomers(r.Context(), c.scope, f); err != nil {
		return err
	}
	page.Capped = f.Query != "" && page.Count > rapport.SearchLimit
	if page.Users, err = s.Store.FindUsers(r.Context(), c.scope); err != nil {
		return err
	}
	title := "Customers"
	if f.Query != "" {
		title = "Customers matching “" + f.Query + "”"
	}
	if !f.SegmentID.IsZero() {
		if page.Segment, err = s.Store.FindSegmentByID(r.Context(), c.scope, f.SegmentID); err != nil {
			return err
		}
		title = page.Segment.Name
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
	Days, Parts                      []option // of the preferred time
}

func (s *Server) renderCustomerForm(w http.ResponseWriter, r *http.Request, c *call, status int, cust *rapport.Customer, err error) error {
	users, uerr := s.Store.FindUsers(r.Context(), c.scope)
	if uerr != nil {
		return uerr
	}
	attributes := attributeLines(cust.Attributes)
	if r.Method == http.MethodPost { // shown again: as typed
		attributes = r.PostFormValue("attributes")
	}
	form := customerForm{Customer: cust, Emails: contactLines(cust.Emails), Phones: contactLines(cust.Phones),
		Tags: strings.Join(cust.Tags, ", "), Attributes: attributes,
		Addresses: append(append([]rapport.Address{}, cust.Addresses...), rapport.Address{}),
		Users:     users, Errors: fieldErrors(err), Action: "/customers", Submit: "Create customer",
		Channels: rapport.Channels, Relationships: rapport.Relationships,
		Days:  relabel(options(rapport.ContactDayChoices, string(cust.PreferredTime.Days)), "any", "Any day"),
		Parts: relabel(options(rapport.DayParts, string(cust.PreferredTime.Part)), "any", "Any time of day")}
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

// customerFromForm reads the customer form. When a field cannot be read (an owner not
// from the list, attributes that are not "key: value" lines), the error also holds what
// the customer's own checks find in the rest, so that the form shows every problem at
// once.
func customerFromForm(r *http.Request) (*rapport.Customer, error) {
	cust := &rapport.Customer{
		Kind: rapport.CustomerKind(r.PostFormValue("kind")), Name: r.PostFormValue("name"),
		GivenName: r.PostFormValue("given_name"), FamilyName: r.PostFormValue("family_name"),
		Emails: formContacts(r, "emails"), Phones: formContacts(r, "phones"),
		Language: r.PostFormValue("language"), PreferredChannel: rapport.Channel(r.PostFormValue("preferred_channel")),
		Tags:          formList(r, "tags"),
		PreferredTime: rapport.ContactTime{Days: rapport.ContactDays(r.PostFormValue("preferred_days")), Part: rapport.DayPart(r.PostFormValue("preferred_part"))},
		Attributes:    []byte("{}"),
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
	unread := rapport.Problems{}
	if owner := r.PostFormValue("owner_id"); owner != "" {
		if id, err := rapport.ParseID(owner); err != nil {
			unread.Add("owner_id", "choose the owner from the list")
		} else {
			cust.OwnerID = id
		}
	}
	if attrs, err := formAttributes(r, "attributes"); err != nil {
		unread.Add("attributes", "%s", fieldErrors(err)["attributes"]) // the message alone: the field is named by the form
	} else {
		cust.Attributes = attrs
	}
	if len(unread) == 0 {
		return cust, nil
	}
	checked := *cust // Normalize tidies in place; the form shows what was typed
	checked.Emails, checked.Phones, checked.Addresses = slices.Clone(cust.Emails), slices.Clone(cust.Phones), slices.Clone(cust.Addresses)
	checked.Normalize()
	var e *rapport.Error
	if errors.As(checked.Validate(), &e) {
		for field, msg := range e.Fields {
			unread.Add(field, "%s", msg)
		}
	}
	return cust, unread.Err()
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
	// The version the form was read at goes back into a form shown again, so that the
	// next save is still checked against changes made by others meanwhile.
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	var saved *rapport.Customer
	if err == nil {
		u := rapport.CustomerUpdate{GivenName: &in.GivenName, FamilyName: &in.FamilyName, Emails: &in.Emails, Phones: &in.Phones,
			Addresses: &in.Addresses, Language: &in.Language, PreferredChannel: &in.PreferredChannel, PreferredTime: &in.PreferredTime, Relationships: &in.Relationships,
			Tags: &in.Tags, OwnerID: &in.OwnerID, Attributes: &in.Attributes, Version: in.Version}
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

// customerPage is the profile: details, links, notes and the timeline. What the
// template shows many times is prepared here as strings, because html/template spends
// its time on actions and function calls.
type customerPage struct {
	Portal        []rapport.PortalAccount // the customer's accounts in the help centre
	Customer      *rapport.Customer
	Pinned        []*rapport.Note
	Organisations []*rapport.Link // links from this customer
	Members       []*rapport.Link // links to this customer: its people and subsidiaries
	Timeline      template.HTML   // the entries grouped by day, see timelineHTML
	pageLinks                     // the timeline's older and newer entries
	Filtered      bool
	Teams         []rapport.TeamRef
	LinkResults   []*rapport.Customer
	LinkQuery     string
	Merges        []*rapport.Merge                // records merged into this customer, undone ones too
	From          map[string]*rapport.FieldSource // where each golden value came from, by "field:value"
	Value         *rapport.CustomerValue          // nil until the value job has seen a purchase
	Quality       *rapport.Quality
	Consents      []consentRow
	Segments      []rapport.SegmentRef
	Questions     []rapport.SuggestedQuestion
	Work          *workbench          // open items, last contact by team, contact habit
	Feedback      *feedbackCard       // the customer's latest feedback
	MergeResults  []*rapport.Customer // customers found to merge into this one
	MergeQuery    string
	CanWrite      bool
	CanDelete     bool
	CanExport     bool              // the customer's personal data, on their request
	Errors        map[string]string // of the form that failed
	Form          url.Values        // what was typed, when a form is shown again
	OpenForm      string            // which form to show open: note, interaction or link
	Now           string            // for the time field of the interaction form
	MaxAttachment string            // the largest file the interaction form takes, in words

	TypeFilter, ChannelFilter, SourceFilter []option
	TypeChoice, ChannelChoice, Visibility   []option
	PurposeChoice                           []option
}

// consentRow is a purpose and the customer's decision about it, nil when never asked.
type consentRow struct {
	Purpose  rapport.Purpose
	Decision *rapport.Consent
}

// option is one choice of a select element.
type option struct {
	Value, Label string
	Selected     bool
}

func options[T ~string](values []T, selected string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: string(v), Label: human(v), Selected: string(v) == selected}
	}
	return out
}

// relabel gives the option of the value the label.
func relabel(opts []option, value, label string) []option {
	for i := range opts {
		if opts[i].Value == value {
			opts[i].Label = label
		}
	}
	return opts
}

// entryView is one timeline entry, ready to print.
type entryView struct {
	Day             string // the heading of its day
	ISO, When, Time string // when it happened, for the time element
	// An interaction's, written by writeInteraction: two letters for its icon, what
	// happened, its type, channel and source system, the amount in words, the files.
	icon, summary, body   string
	kind, channel, source string
	amount                string
	Attachments           []attachmentView
	// On an organisation's timeline, the person who acted on its behalf.
	by     rapport.ID
	byName string
	// A note's:
	Note      *rapport.Note
	Body      string
	NoteFor   string // who may read it
	CanChange bool
}

// newEntryView prepares an entry of a timeline; people names those who acted on an
// organisation's behalf.
func newEntryView(e rapport.TimelineEntry, s rapport.Scope, people map[rapport.ID]string) entryView {
	v := entryView{Day: day(e.At), ISO: iso(e.At), When: when(e.At), Time: e.At.UTC().Format("15:04")}
	if n := e.Note; n != nil {
		v.Note, v.Body, v.CanChange = n, n.Body, n.CanChange(s)
		switch n.Visibility {
		case rapport.VisibilityPrivate:
			v.NoteFor = "only for the author"
		case rapport.VisibilityTeam:
			v.NoteFor = "for team " + n.TeamName
		default:
			v.NoteFor = "for all staff"
		}
		return v
	}
	in := e.Interaction
	v.icon, v.summary, v.body = string(in.Type)[:2], in.Summary, in.Body
	v.kind, v.channel, v.source = human(in.Type), otherChannel(in.Type, in.Channel), in.Source
	if in.Amount != nil {
		v.amount = thousands.Group(in.Amount.String()) + " " + in.Currency
	}
	if name := people[in.CustomerID]; name != "" {
		v.by, v.byName = in.CustomerID, name
	}
	for _, a := range in.Attachments {
		v.Attachments = append(v.Attachments, newAttachmentView(a, s))
	}
	return v
}

// otherChannel names the channel of an interaction of type t, or is "" where they are
// one: an e-mail by e-mail, a chat in a chat, is said once.
func otherChannel(t rapport.InteractionType, c rapport.Channel) string {
	if string(t) == string(c) {
		return ""
	}
	return human(c)
}

// writeInteraction writes an interaction's entry but for its files: the icon, the
// summary, a meta line ending in who acted (if not the customer) and the time, the body
// behind "Details", and the amount.
// Written here rather than in the template, as a profile page's fifty entries, each
// six template actions, were a tenth of its CPU; every value is escaped as
// html/template escapes text and quoted attributes. It writes into the timeline's one
// buffer: a string of its own for each entry was a fifth of the bytes a page allocated.
func (v *entryView) writeInteraction(b *strings.Builder) {
	b.WriteString(`<span class="icon`)
	if v.amount != "" {
		b.WriteString(` money`)
	}
	b.WriteString(`" aria-hidden="true">`)
	b.WriteString(template.HTMLEscapeString(v.icon))
	b.WriteString(`</span><div><div class="summary">`)
	b.WriteString(template.HTMLEscapeString(v.summary))
	b.WriteString(`</div><div class="meta"><span>`)
	b.WriteString(template.HTMLEscapeString(v.kind))
	b.WriteString(`</span>`)
	if v.channel != "" {
		b.WriteString(`<span>`)
		b.WriteString(template.HTMLEscapeString(v.channel))
		b.WriteString(`</span>`)
	}
	if v.source != "" {
		b.WriteString(`<span>from `)
		b.WriteString(template.HTMLEscapeString(v.source))
		b.WriteString(`</span>`)
	}
	if v.byName != "" {
		b.WriteString(`<span>by <a href="/customers/`)
		b.WriteString(v.by.String())
		b.WriteString(`">`)
		b.WriteString(template.HTMLEscapeString(v.byName))
		b.WriteString(`</a></span>`)
	}
	b.WriteString(`<time datetime="`)
	b.WriteString(template.HTMLEscapeString(v.ISO))
	b.WriteString(`" title="`)
	b.WriteString(template.HTMLEscapeString(v.When))
	b.WriteString(`">`)
	b.WriteString(template.HTMLEscapeString(v.Time))
	b.WriteString(`</time></div>`)
	if v.body != "" {
		b.WriteString(`<details><summary>Details</summary><div class="body">`)
		b.WriteString(template.HTMLEscapeString(v.body))
		b.WriteString(`</div></details>`)
	}
	b.WriteString(`</div><div class="amount">`)
	b.WriteString(template.HTMLEscapeString(v.amount))
	b.WriteString(`</div>`)
}

// noteEntry is what the template "note-entry" shows: a note and whose profile it is on.
type noteEntry struct {
	entryView
	CustomerID rapport.ID
}

// timelineHTML writes a timeline's entries under a heading for each day: an
// interaction as newEntryView wrote it, with its files, and a note through the
// template "note-entry". Written here rather than ranged over in the template, which
// spent a fifth of the profile page's rendering on the loop's actions.
func (s *Server) timelineHTML(entries []entryView, customerID rapport.ID) (template.HTML, error) {
	t := s.pages.byName["customer"]
	var b strings.Builder
	size := 0
	for i := range entries {
		e := &entries[i] // an interaction's markup and text; a note or a day adds more
		size += 320 + len(e.summary) + len(e.body) + len(e.source) + len(e.byName)
	}
	b.Grow(size)
	day := ""
	for i := range entries {
		e := &entries[i]
		if e.Day != day {
			if day != "" {
				b.WriteString("</ol>\n")
			}
			day = e.Day
			b.WriteString(`<h3 class="timeline-day">`)
			b.WriteString(template.HTMLEscapeString(day))
			b.WriteString("</h3>\n<ol class=\"entries\">\n")
		}
		if e.Note != nil {
			if err := t.ExecuteTemplate(&b, "note-entry", noteEntry{*e, customerID}); err != nil {
				return "", err
			}
			continue
		}
		b.WriteString(`<li class="entry">`)
		e.writeInteraction(&b)
		if len(e.Attachments) > 0 {
			if err := t.ExecuteTemplate(&b, "attachments", e.Attachments); err != nil {
				return "", err
			}
		}
		b.WriteString("</li>\n")
	}
	if day != "" {
		b.WriteString("</ol>\n")
	}
	return template.HTML(b.String()), nil
}

// findOthers searches, for the profile's link and merge forms, the customers of the
// kind other than the profile's own; nothing unless the user may change customers.
func (s *Server) findOthers(r *http.Request, c *call, id rapport.ID, query string, kind rapport.CustomerKind) (string, []*rapport.Customer, error) {
	query = strings.TrimSpace(query)
	if query == "" || !c.scope.CanWriteCustomers() {
		return "", nil, nil
	}
	found, _, err := s.Store.FindCustomers(r.Context(), c.scope, rapport.CustomerFilter{Query: query, Kind: kind, Limit: 8})
	return query, slices.DeleteFunc(found, func(o *rapport.Customer) bool { return o.ID == id }), err
}

func (s *Server) customerPage(r *http.Request, c *call, id rapport.ID) (*customerPage, error) {
	ctx := r.Context()
	q := r.URL.Query()
	f, err := interactionFilter(id, q)
	if err != nil {
		return nil, err
	}
	f.Limit = 50
	profile, err := s.Store.FindProfile(ctx, c.scope, f)
	if err != nil {
		return nil, err
	}
	cust := profile.Customer
	if !cust.MergedInto.IsZero() {
		return &customerPage{Customer: cust}, nil // shown as the customer it was merged into
	}
	page := &customerPage{Customer: cust, Pinned: profile.Pinned, Merges: profile.Merges, Teams: c.user.Teams, MaxAttachment: tabular.ByteSize(s.MaxAttachmentBytes),
		Now: time.Now().UTC().Format("2006-01-02T15:04"), CanWrite: c.scope.CanWriteCustomers(), CanDelete: c.scope.CanDeleteCustomers(), CanExport: c.scope.CanExportPersonalData(),
		Filtered: q.Get("type") != "" || q.Get("channel") != "" || q.Get("source") != ""}
	for _, l := range profile.Links {
		if l.FromID == id {
			page.Organisations = append(page.Organisations, l)
		} else {
			page.Members = append(page.Members, l)
		}
	}
	page.pageLinks = pagerLinks("/customers/"+id.String(), q, profile.Next)
	for _, u := range []*string{&page.NextURL, &page.PrevURL, &page.FirstURL} {
		if *u != "" {
			*u += "#timeline"
		}
	}
	entries := make([]entryView, len(profile.Timeline))
	for i, e := range profile.Timeline {
		entries[i] = newEntryView(e, c.scope, profile.People)
	}
	if page.Timeline, err = s.timelineHTML(entries, id); err != nil {
		return nil, err
	}
	if page.LinkQuery, page.LinkResults, err = s.findOthers(r, c, id, q.Get("link_q"), rapport.KindOrganisation); err != nil {
		return nil, err
	}
	facts := &profile.Facts
	page.SourceFilter = make([]option, len(facts.Systems))
	for i, src := range facts.Systems { // by name, as the systems call themselves
		page.SourceFilter[i] = option{Value: src.Name, Label: src.Name, Selected: src.Name == q.Get("source")}
	}
	page.TypeFilter = append([]option{{Value: "note", Label: "Notes", Selected: q.Get("type") == "note"}}, options(rapport.InteractionTypes, q.Get("type"))...)
	page.ChannelFilter = options(rapport.Channels, q.Get("channel"))
	page.Quality, page.Value, page.Segments, page.Questions = &facts.Quality, facts.Value, facts.Segments, facts.Questions
	for _, p := range rapport.Purposes {
		row := consentRow{Purpose: p}
		for i := range facts.Consents {
			if facts.Consents[i].Purpose == p {
				row.Decision = &facts.Consents[i]
			}
		}
		page.Consents = append(page.Consents, row)
	}
	// Where each value came from is worth saying when there was a choice: when the
	// values come from more than one record, or more than one record holds one.
	golden := facts.Sources
	page.From = map[string]*rapport.FieldSource{}
	if slices.ContainsFunc(golden, func(f rapport.FieldSource) bool {
		return f.Records > 1 || f.Source != golden[0].Source || f.SourceKey != golden[0].SourceKey
	}) {
		for i, f := range golden {
			page.From[f.Field+":"+f.Value] = &golden[i]
		}
	}
	if page.MergeQuery, page.MergeResults, err = s.findOthers(r, c, id, q.Get("merge_q"), cust.Kind); err != nil {
		return nil, err
	}
	itemForm := func(string) string { return "" }
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/items") {
		itemForm = r.PostFormValue // shown again with its mistakes
	}
	if page.Work, err = s.newWorkbench(r, c, id, facts.Work, facts.Tips, itemForm); err != nil {
		return nil, err
	}
	page.Feedback = newFeedbackCard(c, id, facts.Feedback)
	page.Work.OpenFeedback, page.Work.FeedbackOpen = facts.Feedback.Open, facts.Feedback.OpenCount
	page.Portal = facts.Portal
	page.setForms(nil, "")
	return page, nil
}

// setForms fills the choices of the note and interaction forms, keeping what was typed.
func (p *customerPage) setForms(form url.Values, open string) {
	p.Form, p.OpenForm = form, open
	typed := url.Values{} // the interaction form shows only what was typed into it
	if open == "interaction" {
		typed = form
	}
	p.TypeChoice = options(rapport.InteractionTypes, or(typed.Get("type"), "call"))
	p.ChannelChoice = options(rapport.Channels, or(typed.Get("channel"), "phone"))
	p.PurposeChoice = options(rapport.Purposes, form.Get("purpose"))
	vis := or(form.Get("visibility"), "staff")
	p.Visibility = []option{{Value: "staff", Label: "All staff", Selected: vis == "staff"}}
	for _, t := range p.Teams {
		value := "team:" + t.ID.String()
		p.Visibility = append(p.Visibility, option{Value: value, Label: "Team " + t.Name, Selected: vis == value})
	}
	p.Visibility = append(p.Visibility, option{Value: "private", Label: "Only me", Selected: vis == "private"})
}

// ErrorsOf returns the problems to show at the fields of one of the page's forms: the
// form sent, and no other with a field of the same name (the item's channel or body
// is not the interaction's).
func (p *customerPage) ErrorsOf(form string) map[string]string {
	if p.OpenForm != form {
		return nil
	}
	return p.Errors
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
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
	page.Errors = fieldErrors(err)
	page.setForms(r.PostForm, form)
	return s.render(w, r, Status(err), "customer", c, page.Customer.Name, page)
}

func (s *Server) handleNoteCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	n := &rapport.Note{CustomerID: id, Body: r.PostFormValue("body"), Pinned: r.PostFormValue("pinned") == "on"}
	structuredNote(r.PostForm, n)
	vis := r.PostFormValue("visibility")
	if teamID, ok := strings.CutPrefix(vis, "team:"); ok {
		n.Visibility = rapport.VisibilityTeam
		n.TeamID, _ = rapport.ParseID(teamID)
	} else {
		n.Visibility = rapport.Visibility(vis)
	}
	err = s.Store.CreateNote(r.Context(), c.scope, n)
	if rapport.ErrorCode(err) == rapport.EINVALID && n.Template != "" {
		return s.renderNoteForm(w, r, c, http.StatusUnprocessableEntity, r.PostForm, err)
	} else if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "note", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#note-"+n.ID.String(), "Your note was added.")
}

func (s *Server) handleConsentRecord(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	consent := rapport.Consent{Purpose: rapport.Purpose(r.PostFormValue("purpose")), Granted: r.PostFormValue("granted") == "yes",
		Source: strings.TrimSpace(r.PostFormValue("source"))}
	if day := r.PostFormValue("decided_on"); day != "" {
		if consent.DecidedAt, err = time.Parse(time.DateOnly, day); err != nil {
			return s.showCustomerWithErrors(w, r, c, id, "consent", rapport.FieldError("decided_on", "write the day as YYYY-MM-DD, such as 2026-03-01"))
		}
	}
	_, err = s.Store.RecordConsent(r.Context(), c.scope, id, consent)
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "consent", err)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#consents-h", "The consent was recorded.")
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
	files, err := s.receiveFiles(w, r, interactionFields)
	if code := rapport.ErrorCode(err); code == rapport.EINVALID || code == rapport.ETOOLARGE {
		return s.showCustomerWithErrors(w, r, c, id, "interaction", err)
	} else if err != nil {
		return err
	}
	in := &rapport.Interaction{CustomerID: id, Type: rapport.InteractionType(r.PostFormValue("type")), Attachments: files,
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
		a, err := rapport.ParseWrittenAmount(v, rapport.WrittenDecimal(v))
		if err != nil {
			p.Add("amount", "%s", rapport.ErrorMessage(err))
		}
		in.Amount = &a
	}
	if len(p) > 0 {
		in.Normalize()
		p.Merge(in.Validate())
	}
	err = p.Err()
	if err == nil {
		err = s.Store.CreateInteraction(r.Context(), c.scope, in)
	}
	if err != nil {
		s.discardContents(keysOf(files)...)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.showCustomerWithErrors(w, r, c, id, "interaction", err)
	} else if err != nil {
		return err
	}
	msg := human(in.Type) + " logged."
	if n := len(files); n > 0 {
		msg = fmt.Sprintf("%s logged with %s.", human(in.Type), thousands.Count(n, "file"))
	}
	return s.redirect(w, r, "/customers/"+id.String()+"#timeline", msg)
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
