package rapport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// InteractionType is what happened.
type InteractionType string

var InteractionTypes = []InteractionType{
	"call", "email", "meeting", "visit", "order", "transaction", "ticket",
	"web_event", "letter", "document", "chat", "sms", "question", "other",
}

// readableTime writes a time in a message that people read, beside a form's field
// as in the API: the field names it, so the message need not spell out RFC 3339.
const readableTime = "2 Jan 2006 15:04 UTC"

func (t InteractionType) Valid() bool { return oneOf(t, InteractionTypes) }

// Interaction is one item on a customer's timeline: a contact, a transaction, a ticket,
// a document. Source and SourceKey identify it in the system it came from; writing the
// same pair again updates it instead of adding a duplicate.
type Interaction struct {
	ID             ID              `json:"id"`
	CustomerID     ID              `json:"customer_id"`
	OrganisationID ID              `json:"organisation_id,omitzero"` // the organisation the customer acted for
	Type           InteractionType `json:"type"`
	Channel        Channel         `json:"channel"`
	OccurredAt     time.Time       `json:"occurred_at"`
	Source         string          `json:"source,omitempty"`    // source system name
	SourceKey      string          `json:"source_id,omitempty"` // the record's id in that system
	ActorKind      ActorKind       `json:"actor_kind"`
	ActorID        string          `json:"actor_id,omitempty"` // staff user id, customer id, or the system's name
	Summary        string          `json:"summary"`
	Body           string          `json:"body,omitempty"`
	Amount         *Amount         `json:"amount,omitempty"`
	Currency       string          `json:"currency,omitempty"` // ISO 4217, such as EUR
	Attributes     json.RawMessage `json:"attributes"`
	CreatedAt      time.Time       `json:"created_at"`
	// Attachments are the files attached to the interaction, oldest first, as the
	// timeline and the interaction are read. Given to CreateInteraction, contents
	// already stored, they are recorded with it.
	Attachments []*Attachment `json:"attachments,omitempty"`
}

// Normalize fills defaults and tidies text.
func (in *Interaction) Normalize() {
	in.Summary = strings.TrimSpace(in.Summary)
	in.Source = strings.TrimSpace(in.Source)
	in.SourceKey = strings.TrimSpace(in.SourceKey)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.ActorKind == "" {
		if in.Source != "" {
			in.ActorKind = ActorSystem
		} else {
			in.ActorKind = ActorStaff
		}
	}
	if len(in.Attributes) == 0 || string(in.Attributes) == "null" {
		in.Attributes = json.RawMessage("{}")
	}
	in.OccurredAt = in.OccurredAt.UTC().Truncate(time.Microsecond)
}

// Validate reports every problem with the interaction.
func (in *Interaction) Validate() error {
	p := Problems{}
	if in.CustomerID.IsZero() {
		p.Add("customer_id", "customer_id is required")
	}
	in.check(p)
	return p.Err()
}

func (in *Interaction) check(p Problems) {
	if in.Type == "" {
		p.Add("type", "type is required; use one of %s", list(InteractionTypes))
	} else if !in.Type.Valid() {
		p.Add("type", "type %q is unknown; use one of %s", in.Type, list(InteractionTypes))
	}
	if in.Channel == "" {
		p.Add("channel", "channel is required; use one of %s", list(Channels))
	} else if !in.Channel.Valid() {
		p.Add("channel", "channel %q is unknown; use one of %s", in.Channel, list(Channels))
	}
	if in.OccurredAt.IsZero() {
		// The zero time is also what 0001-01-01T00:00:00Z decodes to: out of range, not absent.
		p.Add("occurred_at", "occurred_at is required, a time after 1900 written as RFC 3339, such as 2024-05-01T14:30:00Z")
	} else if in.OccurredAt.Year() < 1900 || in.OccurredAt.After(time.Now().AddDate(1, 0, 0)) {
		p.Add("occurred_at", "the time %s is out of range: it must be after 1900 and at most a year ahead", in.OccurredAt.UTC().Format(readableTime))
	}
	if (in.Source == "") != (in.SourceKey == "") {
		p.Add("source_id", "source and source_id go together: give both or neither")
	}
	checkName(p, "source", in.Source)
	checkText(p, "source_id", in.SourceKey, 200)
	switch in.ActorKind {
	case ActorStaff, ActorCustomer, ActorSystem:
	default:
		p.Add("actor_kind", "actor_kind %q is unknown; use staff, customer or system", in.ActorKind)
	}
	checkText(p, "actor_id", in.ActorID, 200)
	if in.Summary == "" {
		p.Add("summary", "summary is required: one line that says what happened")
	}
	checkText(p, "summary", in.Summary, 500)
	checkText(p, "body", in.Body, 100_000)
	if in.Amount != nil && in.Currency == "" {
		p.Add("currency", "currency is required with an amount, as an ISO 4217 code such as EUR")
	}
	if in.Currency != "" && !isCurrencyCode(in.Currency) {
		p.Add("currency", "currency %q is not an ISO 4217 code such as EUR or USD", in.Currency)
	}
	checkAttributes(p, "attributes", in.Attributes)
}

// InteractionFilter selects a customer's interactions, newest first.
type InteractionFilter struct {
	CustomerID ID
	Types      []InteractionType
	Channels   []Channel
	Sources    []string
	Cursor     string
	Limit      int
}

// InteractionService reads and writes interactions.
type InteractionService interface {
	FindInteractionByID(ctx context.Context, s Scope, id ID) (*Interaction, error)
	// FindInteractions returns a page of the customer's timeline, newest first, and the
	// cursor of the next page. An organisation's timeline includes what its people did
	// on its behalf.
	FindInteractions(ctx context.Context, s Scope, f InteractionFilter) ([]*Interaction, string, error)
	CreateInteraction(ctx context.Context, s Scope, in *Interaction) error
	// IngestInteractions writes interactions from source systems keyed by (source,
	// source id): a row seen before is updated, never duplicated. Rows that fail are
	// reported by their position and the rest are written.
	IngestInteractions(ctx context.Context, s Scope, rows []IncomingInteraction) (IngestResult, error)
}

// IncomingInteraction is an interaction as a source system sends it: the customer may be
// named by Rapport's id or by the source system's own customer id.
type IncomingInteraction struct {
	Interaction
	Line              int    `json:"-"` // position in the input, for error reports
	CustomerSource    string `json:"customer_source,omitempty"`
	CustomerSourceKey string `json:"customer_source_id,omitempty"`
}

// Validate reports every problem with the row. Rows from source systems need their own
// key (source, source_id), so that sending them again cannot make duplicates.
func (in *IncomingInteraction) Validate() error {
	p := Problems{}
	checkSourceRow(p, in.CustomerID, &in.CustomerSource, &in.CustomerSourceKey, in.Source, in.SourceKey)
	in.check(p)
	checkAssigned(p, assigned{"id", !in.ID.IsZero()}, assigned{"created_at", !in.CreatedAt.IsZero()}, assigned{"attachments", in.Attachments != nil})
	return p.Err()
}

// checkSourceRow adds the problems of a row from a source system, tidying its
// reference to the customer: it names its customer once, by Rapport's id or by the
// source system's, and has a key of its own.
func checkSourceRow(p Problems, customerID ID, customerSource, customerKey *string, source, key string) {
	*customerSource, *customerKey = strings.TrimSpace(*customerSource), strings.TrimSpace(*customerKey)
	switch {
	case !customerID.IsZero() && *customerSource != "":
		p.Add("customer_id", "name the customer once: by customer_id or by customer_source and customer_source_id, not both")
	case customerID.IsZero() && (*customerSource == "" || *customerKey == ""):
		p.Add("customer_id", "name the customer: give customer_id, or customer_source and customer_source_id (the customer's id in that system)")
	}
	checkSourceKey(p, source, key, true)
	checkName(p, "customer_source", *customerSource)
}

// IngestResult counts what a bulk write did and lists the rows it rejected. Every row
// received is counted once: created, updated, linked, unchanged or rejected.
type IngestResult struct {
	Received  int          `json:"received"`
	Created   int          `json:"created"`
	Updated   int          `json:"updated"`
	Linked    int          `json:"linked"`    // customer records joined to a customer with the same e-mail address
	Unchanged int          `json:"unchanged"` // rows already stored as sent: nothing written
	Rejected  int          `json:"rejected"`
	Errors    []LineError  `json:"errors"`
	Items     []IngestItem `json:"items,omitempty"`
}

// IngestItem says what happened to one accepted row.
type IngestItem struct {
	Line       int    `json:"line"`
	ID         ID     `json:"id"`
	CustomerID ID     `json:"customer_id,omitzero"`
	Result     string `json:"result"` // created, updated, linked or unchanged
}

// LineError is a rejected row: its line number, the field at fault and why.
type LineError struct {
	Line    int    `json:"line"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// LineErrorOf describes err as the rejection of line.
func LineErrorOf(line int, err error) LineError {
	le := LineError{Line: line, Code: ErrorCode(err), Message: ErrorMessage(err)}
	var e *Error
	if errors.As(err, &e) {
		le.Field = e.Field
		le.Message = e.Message
	}
	return le
}

// Amount is a sum of money with four decimal places, held exactly as ten-thousandths.
type Amount int64

// ParseAmount reads a decimal such as "-12.50".
func ParseAmount(s string) (Amount, error) {
	text := strings.TrimSpace(s)
	neg := strings.HasPrefix(text, "-")
	if neg || strings.HasPrefix(text, "+") {
		text = text[1:]
	}
	whole, frac, _ := strings.Cut(text, ".")
	if whole == "" && frac == "" || !isDigits(whole) || !isDigits(frac) {
		return 0, Errorf(EINVALID, "%q is not an amount such as 1234.50", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 4 {
		return 0, Errorf(EINVALID, "%q has more than four decimal places", s)
	}
	// Held as ten-thousandths in 64 bits: at most 922,337,203,685,476.9999.
	w, err := strconv.ParseInt("0"+whole, 10, 64)
	if err != nil || w > math.MaxInt64/10000-1 {
		return 0, Errorf(EINVALID, "%q is too large an amount: at most 922337203685476.9999", s)
	}
	f, _ := strconv.ParseInt((frac + "0000")[:4], 10, 64)
	a := Amount(w*10000 + f)
	if neg {
		a = -a
	}
	return a, nil
}

// ParseWrittenAmount reads an amount as people and spreadsheets write it, with decimal
// ('.' or ',') as its decimal mark: the other mark, a space or an apostrophe may group
// the whole part's digits in threes (1,234.50; 1.234,50; 1 234,50; 1'234.50). A mark
// that does not group in threes is refused, not guessed at: "12,50" written with a
// decimal point is no amount, where dropping the comma would make it 1250.
func ParseWrittenAmount(s string, decimal byte) (Amount, error) {
	group, name, example := byte(','), "a decimal point", "1,234.50"
	if decimal == ',' {
		group, name, example = '.', "a decimal comma", "1.234,50"
	}
	text := strings.TrimSpace(s)
	sign := ""
	if strings.HasPrefix(text, "-") || strings.HasPrefix(text, "+") {
		sign, text = text[:1], text[1:]
	}
	isGroup := func(r rune) bool { return r == rune(group) || r == ' ' || r == '\'' || r == '\u00a0' || r == '\u202f' }
	whole, frac, hasFrac := strings.Cut(text, string(decimal))
	if strings.IndexFunc(frac, isGroup) >= 0 {
		return 0, Errorf(EINVALID, "%q is not an amount written with %s, such as %s", s, name, example)
	}
	if strings.IndexFunc(whole, isGroup) >= 0 {
		// Groups of one to three digits, then of three: n counts the digits since the
		// last mark, groups the marks passed.
		var digits strings.Builder
		n, groups, grouped := 0, 0, true
		for _, r := range whole {
			if !isGroup(r) {
				digits.WriteRune(r)
				n++
				continue
			}
			grouped = grouped && n > 0 && n <= 3 && (groups == 0 || n == 3)
			n, groups = 0, groups+1
		}
		if !grouped || n != 3 {
			return 0, Errorf(EINVALID, "%q is not an amount written with %s, such as %s: only thousands may be grouped", s, name, example)
		}
		whole = digits.String()
	}
	if hasFrac {
		whole += "." + frac
	}
	if !isDigits(strings.Replace(whole, ".", "", 1)) {
		return 0, Errorf(EINVALID, "%q is not an amount written with %s, such as %s", s, name, example)
	}
	return ParseAmount(sign + whole) // too large, or too many decimals
}

// WrittenDecimal is the decimal mark that amounts written as values are read with: a
// decimal point, unless only a decimal comma reads them all (12,50; 1.234,50). 1,250
// stays a thousand two hundred and fifty.
func WrittenDecimal(values ...string) byte {
	readWith := func(decimal byte) bool {
		for _, v := range values {
			if _, err := ParseWrittenAmount(v, decimal); err != nil {
				return false
			}
		}
		return true
	}
	if !readWith('.') && readWith(',') {
		return ','
	}
	return '.'
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (a Amount) String() string {
	sign := ""
	v := int64(a)
	if v < 0 {
		sign, v = "-", -v
	}
	s := fmt.Sprintf("%s%d.%04d", sign, v/10000, v%10000)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "00"
	} else if i := strings.IndexByte(s, '.'); len(s)-i == 2 {
		s += "0"
	}
	return s
}

// Float is the amount as a float64, for charts and statistics, never for sums.
func (a Amount) Float() float64 { return float64(a) / 10000 }

func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// checkName accepts source names: lower-case letters, digits, - and _, as in "billing".
func checkName(p Problems, field, s string) {
	if len(s) > 64 {
		p.Add(field, "%s: %d characters, and at most 64 are allowed", fieldWords(field), len(s))
		return
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			p.Add(field, "%s %q may hold only lower-case letters, digits, - and _, as in \"billing\"", field, s)
			return
		}
	}
}
