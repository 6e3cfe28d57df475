package web

import (
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
)

// goldenRecord is where each golden field of a customer came from.
type goldenRecord struct {
	CustomerID rapport.ID            `json:"customer_id"`
	Fields     []rapport.FieldSource `json:"fields"`
}

func (s *Server) apiGoldenRecord(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	fields, err := s.Store.FindGoldenRecord(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, goldenRecord{id, fields})
	return nil
}

// survivorship is the whole configuration: the rule of every golden field and the
// trust of every source, unlisted ones included.
func (s *Server) survivorship(r *http.Request, c *call) (rapport.Survivorship, error) {
	sv, err := s.Store.Survivorship(r.Context(), c.scope)
	if err != nil {
		return sv, err
	}
	sources, err := s.sources(r, c)
	if err != nil {
		return sv, err
	}
	for _, f := range rapport.GoldenFields {
		sv.Rules[f] = sv.Rule(f)
	}
	for _, src := range sources {
		sv.Trust[src.Name] = src.Trust
	}
	return sv, nil
}

func (s *Server) apiSurvivorship(w http.ResponseWriter, r *http.Request, c *call) error {
	sv, err := s.survivorship(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sv)
	return nil
}

func (s *Server) apiSurvivorshipSet(w http.ResponseWriter, r *http.Request, c *call) error {
	var in rapport.Survivorship
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.Store.SetSurvivorship(r.Context(), c.scope, in); err != nil {
		return err
	}
	return s.apiSurvivorship(w, r, c)
}

func (s *Server) apiCustomerValue(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	v, err := s.Store.FindCustomerValue(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	if v == nil {
		return rapport.Errorf(rapport.ENOTFOUND, "the customer has no value yet: it is worked out once a day from orders and transactions")
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) apiDataQuality(w http.ResponseWriter, r *http.Request, c *call) error {
	owners, err := s.Store.OwnerQualities(r.Context(), c.scope)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(owners, ""))
	return nil
}

func (s *Server) apiCustomerQuality(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	q, err := s.Store.CustomerQuality(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) apiConsentIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	consents, err := s.Store.FindConsents(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(consents, ""))
	return nil
}

func (s *Server) apiConsentRecord(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "customer")
	if err != nil {
		return err
	}
	var in struct {
		Granted   *bool     `json:"granted"`
		DecidedAt time.Time `json:"decided_at"`
		Source    string    `json:"source"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.Granted == nil {
		return rapport.FieldError("granted", "granted is required: true when the customer agreed, false when they declined or withdrew")
	}
	consent, err := s.Store.RecordConsent(r.Context(), c.scope, id, rapport.Consent{
		Purpose: rapport.Purpose(r.PathValue("purpose")), Granted: *in.Granted, DecidedAt: in.DecidedAt, Source: in.Source})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, consent)
	return nil
}
