package web

import (
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
)

func (s *Server) apiItemIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := rapport.ItemFilter{CustomerID: id, Cursor: q.Get("cursor")}
	switch q.Get("status") {
	case "", "open":
	case "all":
		f.All = true
	default:
		return rapport.FieldError("status", "status must be open (open and waiting items, the default) or all")
	}
	if f.Limit, err = queryLimit(q); err != nil {
		return err
	}
	items, next, err := s.Store.FindItems(r.Context(), c.scope, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(items, next))
	return nil
}

// itemInput is what a client sends to open an item.
type itemInput struct {
	Kind        rapport.ItemKind   `json:"kind"`
	Title       string             `json:"title"`
	Body        string             `json:"body"`
	RequestType string             `json:"request_type"`
	Product     string             `json:"product"`
	Channel     rapport.Channel    `json:"channel"`
	Status      rapport.ItemStatus `json:"status"`
	OwnerID     rapport.ID         `json:"owner_id"`
	TeamID      rapport.ID         `json:"team_id"`
	Due         string             `json:"due"`
	OpenedAt    time.Time          `json:"opened_at"`
	Source      string             `json:"source"`
	SourceKey   string             `json:"source_id"`
}

func (s *Server) apiItemCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in itemInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	it := &rapport.Item{CustomerID: id, Kind: in.Kind, Title: in.Title, Body: in.Body, RequestType: in.RequestType, Product: in.Product,
		Channel: in.Channel, Status: in.Status, OwnerID: in.OwnerID, TeamID: in.TeamID, Due: in.Due, OpenedAt: in.OpenedAt,
		Source: in.Source, SourceKey: in.SourceKey}
	if err := s.Store.CreateItem(r.Context(), c.scope, it); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/items/"+it.ID.String())
	writeJSON(w, http.StatusCreated, it)
	return nil
}

func (s *Server) apiItemShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "item")
	if err != nil {
		return err
	}
	it, err := s.Store.FindItemByID(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) apiItemUpdate(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "item")
	if err != nil {
		return err
	}
	var u rapport.ItemUpdate
	if err := decodeJSON(r, &u); err != nil {
		return err
	}
	it, err := s.Store.UpdateItem(r.Context(), c.scope, id, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

// apiItemBulk takes items as NDJSON, keyed by (source, source_id).
func (s *Server) apiItemBulk(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := ingest.Items(r.Context(), r.Body, s.Store, c.scope, ingest.Options{Source: r.URL.Query().Get("source")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
