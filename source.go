package rapport

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Source is a system customer data comes from: billing, orders, the support desk.
type Source struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"` // short name used in files and the API, such as "billing"
	Title     string    `json:"title,omitempty"`
	Trust     int       `json:"trust"` // rank in the golden record's "trusted" rule: higher wins
	CreatedAt time.Time `json:"created_at"`
}

func (src *Source) Validate() error {
	p := Problems{}
	src.Name = strings.TrimSpace(src.Name)
	if src.Name == "" {
		p.Add("name", "a source needs a short name such as \"billing\"")
	}
	checkName(p, "name", src.Name)
	checkReserved(p, "name", src.Name)
	checkText(p, "title", src.Title, 200)
	return p.Err()
}

// SourceRecord is a customer record as one source system sent it, kept apart from the
// unified profile it belongs to so that identity resolution can redo its work.
type SourceRecord struct {
	ID         ID              `json:"id"`
	Source     string          `json:"source"`
	SourceKey  string          `json:"source_id"`
	CustomerID ID              `json:"customer_id"`
	Trust      int             `json:"trust"`  // of its source
	Fields     json.RawMessage `json:"fields"` // as received
	// Values are the profile values the record holds, which the golden record is
	// chosen from; nil for a record stored before Rapport kept them.
	Values     *RecordValues `json:"values,omitempty"`
	ReceivedAt time.Time     `json:"received_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// ContributionsOf returns the records that hold profile values as contributions to the
// golden record.
func ContributionsOf(recs []*SourceRecord) []Contribution {
	var cs []Contribution
	for _, r := range recs {
		if r.Values != nil {
			cs = append(cs, Contribution{Source: r.Source, SourceKey: r.SourceKey, At: r.UpdatedAt, Values: *r.Values})
		}
	}
	return cs
}

// IncomingCustomer is a customer record from a source system: its key in that system
// and the profile fields it holds. Raw keeps the record as received.
type IncomingCustomer struct {
	Line      int    `json:"-"`
	Source    string `json:"source"`
	SourceKey string `json:"source_id"`
	Customer
	Raw json.RawMessage `json:"-"`
}

// checkSourceKey adds what is missing of a record's source system and its id there: a
// row from a source system needs both, so that sending it again updates it instead of
// adding a duplicate (required); a record logged in Rapport may have neither, but not
// one alone.
func checkSourceKey(p Problems, source, key string, required bool) {
	const together = "source and source_id go together: give both or neither"
	switch {
	case required:
		if source == "" {
			p.Add("source", "source is required (on the line, or ?source= for the whole request), so that sending a row again updates it instead of adding a duplicate")
		}
		if key == "" {
			p.Add("source_id", "source_id is required: the row's id in its source, so that sending it again updates it instead of adding a duplicate")
		}
	case source == "" && key != "":
		p.Add("source", together)
	case source != "" && key == "":
		p.Add("source_id", together)
	}
}

// Validate reports every problem with the record.
func (ic *IncomingCustomer) Validate() error {
	ic.Source, ic.SourceKey = strings.TrimSpace(ic.Source), strings.TrimSpace(ic.SourceKey)
	ic.Customer.Normalize()
	err := ic.Customer.Validate()
	p := Problems{}
	var e *Error
	if errors.As(err, &e) {
		for f, msg := range e.Fields {
			p[f] = msg
		}
	}
	checkSourceKey(p, ic.Source, ic.SourceKey, true)
	checkName(p, "source", ic.Source)
	checkReserved(p, "source", ic.Source)
	checkText(p, "source_id", ic.SourceKey, 200)
	c := &ic.Customer
	checkAssigned(p, assigned{"id", !c.ID.IsZero()}, assigned{"owner_name", c.OwnerName != ""}, assigned{"merged_into", !c.MergedInto.IsZero()},
		assigned{"version", c.Version != 0}, assigned{"created_at", !c.CreatedAt.IsZero()}, assigned{"updated_at", !c.UpdatedAt.IsZero()})
	return p.Err()
}

// assigned is a field of a record that Rapport fills in itself, and whether a row from
// a source system set it.
type assigned struct {
	field string
	set   bool
}

// checkAssigned refuses fields Rapport fills in that a row from a source system set:
// they would be ignored, and an id sent in the hope of changing that record would
// quietly add another instead.
func checkAssigned(p Problems, fields ...assigned) {
	for _, f := range fields {
		if f.set {
			p.Add(f.field, "%s is Rapport's to fill in, not a source system's: leave it out (a row is known by its source and source_id)", f.field)
		}
	}
}

// checkReserved refuses the name of the staff source to source systems, so that no
// import can pass its records off as what staff entered.
func checkReserved(p Problems, field, name string) {
	if name == StaffSource {
		p.Add(field, "%q is the name Rapport gives to what staff enter; choose another name for the source", name)
	}
}

// SourceService reads and writes source systems and the records they send.
type SourceService interface {
	FindSources(ctx context.Context, s Scope) ([]*Source, error)
	CreateSource(ctx context.Context, s Scope, src *Source) error
	// FindSourceRecords returns the source records of a customer.
	FindSourceRecords(ctx context.Context, s Scope, customerID ID) ([]*SourceRecord, error)
	// IngestCustomers writes customer records keyed by (source, source id). A record seen
	// before updates the customer it is linked to; a new record whose e-mail address
	// matches a customer's is linked to that customer; otherwise it creates a customer.
	IngestCustomers(ctx context.Context, s Scope, rows []IncomingCustomer) (IngestResult, error)
}
