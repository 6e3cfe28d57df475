package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
)

// list is the shape of every paginated API response.
type list[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func newList[T any](data []T, next string) list[T] {
	if data == nil {
		data = []T{}
	}
	return list[T]{Data: data, NextCursor: next}
}

// decodeJSON reads a JSON request body into v, refusing unknown fields.
func decodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body) // limited by api's MaxBytesReader
	if err != nil {
		return ingest.JSONError(err)
	}
	// The decoder would store invalid bytes as U+FFFD, losing what was sent.
	if at := invalidUTF8At(body); at >= 0 {
		return rapport.Errorf(rapport.EINVALID, "the body is not valid UTF-8 (at byte %d): send JSON encoded as UTF-8", at)
	}
	return ingest.DecodeObject(body, v)
}

// invalidUTF8At is the offset of the first byte of b that is not valid UTF-8, or -1.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// pathID reads an id from the path; a malformed one names nothing, so it is not found.
func pathID(r *http.Request, name, what string) (rapport.ID, error) {
	id, err := rapport.ParseID(r.PathValue(name))
	if err != nil {
		return id, rapport.NotFound(what)
	}
	return id, nil
}

// queryID reads an optional id from the query string.
func queryID(q url.Values, name string) (rapport.ID, error) {
	v := q.Get(name)
	if v == "" {
		return rapport.ID{}, nil
	}
	id, err := rapport.ParseID(v)
	if err != nil {
		return id, rapport.FieldError(name, "%s: %v", name, rapport.ErrorMessage(err))
	}
	return id, nil
}

// queryLimit reads ?limit=, between 1 and 500.
func queryLimit(q url.Values) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 500 {
		return 0, rapport.FieldError("limit", "limit must be a whole number from 1 to 500, not %q", v)
	}
	return n, nil
}

// queryBool reads a parameter that is true or false; absent is false.
func queryBool(q url.Values, name string) (bool, error) {
	switch v := q.Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, rapport.FieldError(name, "%s must be true or false, not %q", name, v)
	}
}

// queryList reads a parameter given several times or comma-separated.
func queryList(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, splitTrimmed(v, ",")...)
	}
	return out
}

// apiNotFound answers a request no API route took: 405 with the methods the address
// takes, when it takes some, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request, c *call) error {
	if allowed, _ := s.apiMethods(r); len(allowed) > 0 {
		return methodNotAllowed(w, r, allowed)
	}
	return rapport.Errorf(rapport.ENOTFOUND, "no API endpoint %s %s; see /api/v1/openapi.json", r.Method, r.URL.Path)
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, allowed []string) error {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	return rapport.Errorf(rapport.EMETHOD, "%s takes %s, not %s", r.URL.Path, strings.Join(allowed, ", "), r.Method)
}

// apiMethods answers which methods the address of r takes, and its route's path: those
// of the most specific route for the path, whatever the method. So /segments/count is the
// address POST /segments/count, not a segment named "count" that GET /segments/{id} could
// show, and GET /segments/count is a method that address does not take.
func (s *Server) apiMethods(r *http.Request) (allowed []string, path string) {
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		_, pattern := s.mux.Handler(&http.Request{Method: method, URL: r.URL, Host: r.Host})
		if pattern == "/api/" || pattern == "" {
			continue
		}
		_, p, _ := strings.Cut(pattern, " ")
		switch {
		case path == "" || moreSpecific(p, path):
			allowed, path = []string{method}, p
		case p == path:
			allowed = append(allowed, method)
		}
	}
	return allowed, path
}

// moreSpecific reports whether route path a is more specific than b, both matching one
// address: it has a fixed segment where b has a wildcard first.
func moreSpecific(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] != bs[i] {
			return !strings.HasPrefix(as[i], "{") && strings.HasPrefix(bs[i], "{")
		}
	}
	return false
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, c.user)
	return nil
}

// Customers.

func customerFilter(q url.Values) (rapport.CustomerFilter, error) {
	f := rapport.CustomerFilter{
		Query: q.Get("q"), Kind: rapport.CustomerKind(q.Get("kind")), Relationship: rapport.Relationship(q.Get("relationship")),
		Tag: q.Get("tag"), Cursor: q.Get("cursor"),
	}
	p := rapport.Problems{}
	if f.Kind != "" && !f.Kind.Valid() {
		p.Add("kind", `kind must be "person" or "organisation", not %q`, f.Kind)
	}
	if f.Relationship != "" && !f.Relationship.Valid() {
		p.Add("relationship", "relationship %q is unknown", f.Relationship)
	}
	var err error
	if f.OwnerID, err = queryID(q, "owner_id"); err != nil {
		p.Add("owner_id", "%s", rapport.ErrorMessage(err))
	}
	if f.OrganisationID, err = queryID(q, "organisation_id"); err != nil {
		p.Add("organisation_id", "%s", rapport.ErrorMessage(err))
	}
	if f.SegmentID, err = queryID(q, "segment"); err != nil {
		p.Add("segment", "%s", rapport.ErrorMessage(err))
	}
	if f.Limit, err = queryLimit(q); err != nil {
		p.Add("limit", "%s", rapport.ErrorMessage(err))
	}
	return f, p.Err()
}

func (s *Server) apiCustomerIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	f, err := customerFilter(r.URL.Query())
	if err != nil {
		return err
	}
	customers, next, err := s.Store.FindCustomers(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(customers, next))
	return nil
}

func (s *Server) apiCustomerShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	customer, err := s.Store.FindCustomerByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, customer)
	return nil
}

// customerInput is what a client may send to create a customer.
type customerInput struct {
	Kind             rapport.CustomerKind   `json:"kind"`
	Name             string                 `json:"name"`
	GivenName        string                 `json:"given_name"`
	FamilyName       string                 `json:"family_name"`
	Emails           []rapport.ContactPoint `json:"emails"`
	Phones           []rapport.ContactPoint `json:"phones"`
	Addresses        []rapport.Address      `json:"addresses"`
	Language         string                 `json:"language"`
	PreferredChannel rapport.Channel        `json:"preferred_channel"`
	PreferredTime    rapport.ContactTime    `json:"preferred_time"`
	Relationships    []rapport.Relationship `json:"relationships"`
	Tags             []string               `json:"tags"`
	OwnerID          rapport.ID             `json:"owner_id"`
	Attributes       json.RawMessage        `json:"attributes"`
}

func (in customerInput) customer() *rapport.Customer {
	return &rapport.Customer{Kind: in.Kind, Name: in.Name, GivenName: in.GivenName, FamilyName: in.FamilyName,
		Emails: in.Emails, Phones: in.Phones, Addresses: in.Addresses, Language: in.Language,
		PreferredChannel: in.PreferredChannel, PreferredTime: in.PreferredTime, Relationships: in.Relationships, Tags: in.Tags,
		OwnerID: in.OwnerID, Attributes: in.Attributes}
}

func (s *Server) apiCustomerCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in customerInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	customer := in.customer()
	if err := s.Store.CreateCustomer(r.Context(), c.scope, customer); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/customers/"+customer.ID.String())
	writeJSON(w, http.StatusCreated, customer)
	return nil
}

func (s *Server) apiCustomerUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var u rapport.CustomerUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	customer, err := s.Store.UpdateCustomer(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, customer)
	return nil
}

func (s *Server) apiCustomerDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteCustomer(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiCustomerBulk takes customer records as NDJSON, keyed by (source, source_id).
func (s *Server) apiCustomerBulk(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := ingest.Customers(r.Context(), r.Body, s.Store, c.scope, ingest.Options{Source: r.URL.Query().Get("source")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// Links.

func (s *Server) apiLinkIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	links, err := s.Store.FindLinks(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(links, ""))
	return nil
}

func (s *Server) apiLinkCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		FromID rapport.ID       `json:"from_id"`
		ToID   rapport.ID       `json:"to_id"`
		Kind   rapport.LinkKind `json:"kind"`
		Role   string           `json:"role"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	l := &rapport.Link{FromID: in.FromID, ToID: in.ToID, Kind: in.Kind, Role: in.Role}
	if err := s.Store.CreateLink(r.Context(), c.scope, l); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *Server) apiLinkDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "link")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteLink(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Interactions.

func interactionFilter(customerID rapport.ID, q url.Values) (rapport.InteractionFilter, error) {
	f := rapport.InteractionFilter{CustomerID: customerID, Cursor: q.Get("cursor"), Sources: queryList(q, "source")}
	p := rapport.Problems{}
	for _, t := range queryList(q, "type") {
		if tt := rapport.InteractionType(t); tt.Valid() || tt == rapport.TypeNote {
			f.Types = append(f.Types, tt)
		} else {
			p.Add("type", "type %q is unknown", t)
		}
	}
	for _, ch := range queryList(q, "channel") {
		if c := rapport.Channel(ch); c.Valid() {
			f.Channels = append(f.Channels, c)
		} else {
			p.Add("channel", "channel %q is unknown", ch)
		}
	}
	var err error
	if f.Limit, err = queryLimit(q); err != nil {
		return f, err
	}
	return f, p.Err()
}

func (s *Server) apiInteractionIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	f, err := interactionFilter(id, r.URL.Query())
	if err != nil {
		return err
	}
	for _, t := range f.Types {
		if t == rapport.TypeNote {
			return rapport.FieldError("type", "notes are not interactions: read them at /api/v1/customers/{id}/notes")
		}
	}
	page, next, err := s.Store.FindInteractions(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(page, next))
	return nil
}

func (s *Server) apiInteractionShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "interaction")
	if err != nil {
		return err
	}
	in, err := s.Store.FindInteractionByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// interactionInput is what a client may send to record one interaction.
type interactionInput struct {
	OrganisationID rapport.ID              `json:"organisation_id"`
	Type           rapport.InteractionType `json:"type"`
	Channel        rapport.Channel         `json:"channel"`
	OccurredAt     time.Time               `json:"occurred_at"`
	Source         string                  `json:"source"`
	SourceKey      string                  `json:"source_id"`
	ActorKind      rapport.ActorKind       `json:"actor_kind"`
	ActorID        string                  `json:"actor_id"`
	Summary        string                  `json:"summary"`
	Body           string                  `json:"body"`
	Amount         *rapport.Amount         `json:"amount"`
	Currency       string                  `json:"currency"`
	Attributes     json.RawMessage         `json:"attributes"`
}

func (s *Server) apiInteractionCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in interactionInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	interaction := &rapport.Interaction{CustomerID: id, OrganisationID: in.OrganisationID, Type: in.Type, Channel: in.Channel,
		OccurredAt: in.OccurredAt, Source: in.Source, SourceKey: in.SourceKey, ActorKind: in.ActorKind, ActorID: in.ActorID,
		Summary: in.Summary, Body: in.Body, Amount: in.Amount, Currency: in.Currency, Attributes: in.Attributes}
	if err := s.Store.CreateInteraction(r.Context(), c.scope, interaction); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/interactions/"+interaction.ID.String())
	writeJSON(w, http.StatusCreated, interaction)
	return nil
}

// apiInteractionBulk takes interactions as NDJSON, keyed by (source, source_id).
func (s *Server) apiInteractionBulk(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := ingest.Interactions(r.Context(), r.Body, s.Store, c.scope, ingest.Options{Source: r.URL.Query().Get("source")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// Notes.

func (s *Server) apiNoteIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, err := queryLimit(q)
	if err != nil {
		return err
	}
	pinned, err := queryBool(q, "pinned")
	if err != nil {
		return err
	}
	notes, next, err := s.Store.FindNotes(r.Context(), c.scope, rapport.NoteFilter{CustomerID: id, PinnedOnly: pinned, Cursor: q.Get("cursor"), Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(notes, next))
	return nil
}

func (s *Server) apiNoteCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in struct {
		Body       string                `json:"body"`
		Template   string                `json:"template"`
		Sections   []rapport.NoteSection `json:"sections"`
		Visibility rapport.Visibility    `json:"visibility"`
		TeamID     rapport.ID            `json:"team_id"`
		Pinned     bool                  `json:"pinned"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n := &rapport.Note{CustomerID: id, Body: in.Body, Template: in.Template, Sections: in.Sections, Visibility: in.Visibility,
		TeamID: in.TeamID, Pinned: in.Pinned}
	if err := s.Store.CreateNote(r.Context(), c.scope, n); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, n)
	return nil
}

func (s *Server) apiNoteShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	n, err := s.Store.FindNoteByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) apiNoteUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	var u rapport.NoteUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	n, err := s.Store.UpdateNote(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) apiNoteDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "note")
	if err != nil {
		return err
	}
	if err := s.Store.DeleteNote(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// Sources.

func (s *Server) apiSourceIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	sources, err := s.Store.FindSources(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(sources, ""))
	return nil
}

func (s *Server) apiSourceCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	var in struct {
		Name  string `json:"name"`
		Title string `json:"title"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	src := &rapport.Source{Name: in.Name, Title: in.Title}
	if err := s.Store.CreateSource(r.Context(), c.scope, src); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, src)
	return nil
}

func (s *Server) apiSourceRecordIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	recs, err := s.Store.FindSourceRecords(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(recs, ""))
	return nil
}
