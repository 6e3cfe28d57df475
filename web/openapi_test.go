package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
	"github.com/rapportckm/rapport/web"
)

// apiSpec is the OpenAPI document loaded, validated and routed once for all tests.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
	opts   *openapi3filter.Options
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(web.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("load web/openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("web/openapi.json is not a valid OpenAPI document: %w", err)
	}
	// The document leaves response objects open, so that fields can be added within
	// version 1 without breaking clients; the tests close them, so that a field the
	// server sends but the document does not describe fails.
	closeObjects(doc)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route web/openapi.json: %w", err)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true, // a status the operation does not list fails
		MultiError:            true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(), // the message prints the body; the schema is in the document
			openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562)),
		},
	}
	return &apiSpec{doc: doc, router: router, opts: opts}, nil
})

// closeObjects sets additionalProperties: false on every object schema of the document
// that lists its properties and says nothing about others. Free-form objects (custom
// attributes, source record fields) list no properties and stay open.
func closeObjects(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(*openapi3.SchemaRef)
	walk = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if len(s.Properties) > 0 && s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			no := false
			s.AdditionalProperties.Has = &no
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties.Schema)
		for _, list := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf, s.AllOf} {
			for _, sub := range list {
				walk(sub)
			}
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for _, res := range op.Responses.Map() {
				if res.Value != nil {
					for _, mt := range res.Value.Content {
						walk(mt.Schema)
					}
				}
			}
		}
	}
}

// TestOpenAPIDocument checks that web/openapi.json is a valid OpenAPI 3 document that
// describes exactly the API routes of web/routes.go.
func TestOpenAPIDocument(t *testing.T) {
	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	if spec.doc.OpenAPI != "3.0.3" {
		t.Errorf("got openapi %q, want 3.0.3", spec.doc.OpenAPI)
	}

	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+) (/api/v1/[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		registered[m[1]+" "+m[2]] = true
	}
	if len(registered) < 40 {
		t.Fatalf("found %d API routes in routes.go; has the way routes are registered changed?", len(registered))
	}
	documented := map[string]bool{}
	for path, item := range spec.doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, r := range sortedKeys(registered) {
		if !documented[r] {
			t.Errorf("routes.go registers %s, but web/openapi.json does not describe it", r)
		}
	}
	for _, r := range sortedKeys(documented) {
		if !registered[r] {
			t.Errorf("web/openapi.json describes %s, but routes.go registers no such route", r)
		}
	}

	// The enumerations are the Go code's.
	for name, want := range map[string][]string{
		"CustomerKind":    {string(rapport.KindPerson), string(rapport.KindOrganisation)},
		"Relationship":    strs(rapport.Relationships),
		"Channel":         strs(rapport.Channels),
		"InteractionType": strs(rapport.InteractionTypes),
		"Role":            strs(rapport.Roles),
		"LinkKind":        strs(rapport.LinkKinds),
		"Visibility":      {string(rapport.VisibilityPrivate), string(rapport.VisibilityTeam), string(rapport.VisibilityStaff)},
		"TeamFunction":    rapport.TeamFunctions,
		"ActorKind":       {string(rapport.ActorStaff), string(rapport.ActorCustomer), string(rapport.ActorSystem)},
		"ImportState": strs([]rapport.ImportState{rapport.ImportDraft, rapport.ImportQueued, rapport.ImportRunning, rapport.ImportDone,
			rapport.ImportFailed, rapport.ImportUnfinished}),
		"ErrorCode": {rapport.EINVALID, rapport.ENOTFOUND, rapport.ECONFLICT, rapport.EUNAUTHORIZED, rapport.EFORBIDDEN,
			rapport.EMETHOD, rapport.ETOOLARGE, rapport.ERANGE, rapport.ERATELIMIT, rapport.EINTERNAL},
	} {
		schema := spec.doc.Components.Schemas[name]
		if schema == nil {
			t.Errorf("the document has no schema %s", name)
			continue
		}
		var got []string
		for _, v := range schema.Value.Enum {
			got = append(got, fmt.Sprint(v))
		}
		if !slices.Equal(got, want) {
			t.Errorf("schema %s enumerates %q, want %q as the Go code does", name, got, want)
		}
	}

	// Every operation is described, and every POST takes an Idempotency-Key.
	for path, item := range spec.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Summary == "" || op.Description == "" {
				t.Errorf("%s %s: needs an operationId, a summary and a description", method, path)
			}
			if method == http.MethodPost && op.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
				t.Errorf("%s %s: does not take the Idempotency-Key header", method, path)
			}
		}
	}
}

// TestOpenAPIServed checks that the document is served as it is embedded.
func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	res, body := e.do("GET", "/api/v1/openapi.json", "", "")
	if res.StatusCode != 200 || body != string(web.OpenAPI()) {
		t.Errorf("got %d and %d bytes, want 200 and the document", res.StatusCode, len(body))
	}
}

// checkAPIResponse fails the test when a response of the API does not match
// web/openapi.json: its status must be one the operation lists, and its headers and
// body must match what the document says of that status. Requests are not validated:
// the tests send wrong ones on purpose. A path the document does not describe (the
// catch-all of routes.go) must answer with an error in the shape of the Error schema.
func checkAPIResponse(t testing.TB, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	spec, err := loadSpec()
	if err != nil {
		reportLoadError.Do(func() { t.Errorf("cannot check API responses: %v", err) })
		return
	}
	if err := spec.validate(req, res, body); err != nil {
		t.Errorf("%s %s answered %d, which does not match web/openapi.json:\n%v\nbody: %s",
			req.Method, req.URL.RequestURI(), res.StatusCode, err, abbreviate(body))
	}
}

// reportLoadError reports a document that does not load once, not for every response.
var reportLoadError sync.Once

func (spec *apiSpec) validate(req *http.Request, res *http.Response, body []byte) error {
	route, params, err := spec.router.FindRoute(req)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		return spec.validateUndocumented(res, body)
	} else if err != nil {
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: spec.opts,
		},
		Status:  res.StatusCode,
		Header:  res.Header,
		Options: spec.opts,
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return err
	}
	if res.StatusCode < 300 {
		answered.Store(route.Method+" "+route.Path, true)
	}
	return nil
}

// answered holds the operations ("GET /api/v1/me") that have given a success response
// matching the document.
var answered sync.Map

// validateUndocumented checks the answer of the catch-all route: an error (401 without
// a token, 404 with one, 405 with the methods the address takes, 413 for a body over
// the limit) in the shape of the Error schema.
func (spec *apiSpec) validateUndocumented(res *http.Response, body []byte) error {
	switch res.StatusCode {
	case http.StatusUnauthorized, http.StatusNotFound, http.StatusRequestEntityTooLarge:
	case http.StatusMethodNotAllowed:
		if res.Header.Get("Allow") == "" {
			return fmt.Errorf("405 without an Allow header")
		}
	default:
		return fmt.Errorf("the document describes no such operation, so the status should be 401, 404, 405 or 413")
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		return fmt.Errorf("content type %q, want application/json", ct)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("the body is not JSON: %w", err)
	}
	opts := slices.Concat(spec.opts.SchemaValidationOptions, []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsResponse()})
	return spec.doc.Components.Schemas["Error"].Value.VisitJSON(v, opts...)
}

func abbreviate(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

func strs[T ~string](values []T) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPITour calls every operation of the API at least once with a request that
// succeeds, so that every success response the document describes is checked against
// a real one; a few error answers that the other tests leave out come along.
func TestOpenAPITour(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	const admin, agent, outsider = "admin@example.com", "agent@example.com", "outsider@example.com"
	type obj = map[string]any
	call := func(method, path, as, body string, want int, headers ...string) string {
		t.Helper()
		res, out := e.do(method, path, as, body, headers...)
		if res.StatusCode != want {
			t.Fatalf("%s %s: got %d %s, want %d", method, path, res.StatusCode, out, want)
		}
		return out
	}
	id := func(body string) string {
		t.Helper()
		return decode[struct {
			ID string `json:"id"`
		}](t, body).ID
	}
	jsonOf := func(v obj) string {
		b, err := json.Marshal(v)
		must(t, err)
		return string(b)
	}

	call("GET", "/api/v1/openapi.json", "", "", 200)
	call("GET", "/api/v1/me", agent, "", 200)

	// Sources, teams and users.
	call("POST", "/api/v1/sources", admin, `{"name":"crm","title":"The CRM"}`, 201)
	call("POST", "/api/v1/sources", admin, `{"name":"crm"}`, 409)
	call("GET", "/api/v1/sources", agent, "", 200)
	team := id(call("POST", "/api/v1/teams", admin, jsonOf(obj{"name": "Service", "function": "service", "description": "Front line", "member_ids": []string{e.agent.ID.String()}}), 201))
	call("GET", "/api/v1/teams", agent, "", 200)
	call("GET", "/api/v1/teams/"+team, agent, "", 200)
	call("PATCH", "/api/v1/teams/"+team, admin, `{"description":"","member_ids":[]}`, 200)
	user := id(call("POST", "/api/v1/users", admin, jsonOf(obj{"email": "Manny@Example.com", "name": "Manny", "role": "manager", "team_ids": []string{team}, "password": "long enough password"}), 201))
	call("GET", "/api/v1/users", outsider, "", 200)
	call("GET", "/api/v1/users/"+user, outsider, "", 200)
	call("PATCH", "/api/v1/users/"+user, admin, `{"active":false,"team_ids":[]}`, 200)
	call("PATCH", "/api/v1/users/"+e.admin.ID.String(), admin, `{"role":"agent"}`, 400)

	// Customers, links, interactions and notes.
	org := id(call("POST", "/api/v1/customers", agent, jsonOf(obj{"kind": "organisation", "name": "Tour Corp", "owner_id": e.agent.ID.String(),
		"relationships": []string{"client", "partner"}, "preferred_channel": "post", "attributes": obj{"tier": 1}}), 201))
	call("GET", "/api/v1/customers/"+org, agent, "", 200)
	call("PATCH", "/api/v1/customers/"+org, agent, `{"owner_id":"","preferred_channel":"","tags":["Key Account"],"addresses":[{"label":"hq","street":"1 Main St","city":"Leeds","region":"West Yorkshire","country":"gb"}]}`, 200)
	call("GET", "/api/v1/customers?relationship=client&tag=key%20account&owner_id="+e.agent.ID.String()+"&limit=1", agent, "", 200)
	link := id(call("POST", "/api/v1/links", agent, jsonOf(obj{"from_id": e.open.ID.String(), "to_id": org, "kind": "advises"}), 201))
	call("POST", "/api/v1/links", agent, jsonOf(obj{"from_id": e.open.ID.String(), "to_id": org, "kind": "advises"}), 409)
	call("GET", "/api/v1/customers/"+org+"/links", agent, "", 200)
	call("GET", "/api/v1/customers?organisation_id="+org, agent, "", 200)
	interaction := `{"organisation_id":"` + org + `","type":"order","channel":"web","occurred_at":"2024-05-01T14:30:00.123456+02:00","source":"shop","source_id":"S-1",
		"summary":"Order S-1","body":"Two boxes","amount":-12.5,"currency":"eur","attributes":{"items":2}}`
	created := call("POST", "/api/v1/customers/"+e.open.ID.String()+"/interactions", agent, interaction, 201, "Idempotency-Key", "tour-1")
	replayed := call("POST", "/api/v1/customers/"+e.open.ID.String()+"/interactions", agent, interaction, 201, "Idempotency-Key", "tour-1")
	if created != replayed {
		t.Errorf("the replay differs: %s, then %s", created, replayed)
	}
	call("POST", "/api/v1/customers/"+e.open.ID.String()+"/interactions", agent, `{"type":"call","channel":"phone","occurred_at":"2024-05-02T09:00:00Z","summary":"Called"}`, 201)
	call("GET", "/api/v1/interactions/"+id(created), agent, "", 200)
	attachment := id(call("POST", "/api/v1/interactions/"+id(created)+"/attachments?name=receipt.txt", agent, "Two boxes, paid", 201,
		"Content-Type", "text/plain", "Idempotency-Key", "tour-file"))
	call("POST", "/api/v1/interactions/"+id(created)+"/attachments?name=empty.txt", agent, "", 400)
	call("GET", "/api/v1/interactions/"+id(created)+"/attachments", agent, "", 200)
	call("GET", "/api/v1/attachments/"+attachment, agent, "", 200)
	call("GET", "/api/v1/attachments/"+attachment+"?download=1", agent, "", 206, "Range", "bytes=0-2")
	call("DELETE", "/api/v1/attachments/"+attachment, outsider, "", 403)
	call("GET", "/api/v1/customers/"+org+"/interactions?type=order,call&channel=web&channel=phone&source=shop", agent, "", 200)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/interactions?limit=1", agent, "", 200)
	note := id(call("POST", "/api/v1/customers/"+e.open.ID.String()+"/notes", agent, jsonOf(obj{"body": "Prefers mornings", "visibility": "team", "team_id": e.team.ID.String(), "pinned": true}), 201))
	call("POST", "/api/v1/customers/"+e.open.ID.String()+"/notes", agent, `{"body":"Second","visibility":"staff"}`, 201)
	call("GET", "/api/v1/notes/"+note, agent, "", 200)
	call("PATCH", "/api/v1/notes/"+note, agent, `{"body":"Prefers afternoons","visibility":"private","pinned":false}`, 200)
	call("PATCH", "/api/v1/notes/"+note, admin, `{"pinned":true}`, 404)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/notes?limit=1", agent, "", 200)
	call("DELETE", "/api/v1/notes/"+note, agent, "", 204)
	call("DELETE", "/api/v1/attachments/"+attachment, agent, "", 204)

	// Bulk ingest: customers, sent twice, then interactions that name them by their key.
	customers := `{"source_id":"C-1","kind":"person","given_name":"Cleo","family_name":"Tour","emails":["cleo@tour.example"],"phones":[{"value":"+44 20 7946 0999","label":"mobile"}]}
{"source_id":"C-2","kind":"person","given_name":"Otto","emails":["OTTO@open.example"]}
{"source_id":"C-3","kind":"organisation","name":"Broken","given_name":"X"}
`
	for range 2 {
		call("POST", "/api/v1/customers/bulk?source=crm", agent, customers, 200, "Content-Type", "application/x-ndjson")
	}
	call("POST", "/api/v1/customers/bulk", agent, "\n", 200, "Content-Type", "application/x-ndjson")
	interactions := `{"customer_source":"crm","customer_source_id":"C-1","type":"ticket","channel":"email","occurred_at":"2024-05-03T08:00:00Z","source_id":"T-1","summary":"Help","amount":"3","currency":"GBP"}
{"customer_source":"crm","customer_source_id":"nobody","type":"ticket","channel":"email","occurred_at":"2024-05-03T08:00:00Z","source_id":"T-2","summary":"Help"}
`
	call("POST", "/api/v1/interactions/bulk?source=desk", agent, interactions, 200, "Content-Type", "application/x-ndjson")
	call("POST", "/api/v1/imports?kind=customers&source=crm", agent, "id,first,last,email,phone\nT-1,Tina,Tour,tina@tour.example,555\n", 200, "Content-Type", "text/csv")
	call("POST", "/api/v1/imports?kind=customers&source=crm", agent, "first,last\nTina,Tour\n", 400, "Content-Type", "text/csv")
	queued := id(call("POST", "/api/v1/imports?kind=customers&source=crm&async=true", agent, "id,first,last\nT-2,Tom,Tour\nT-3,,\n", 202, "Content-Type", "text/csv"))
	call("GET", "/api/v1/imports/"+queued, agent, "", 200)
	e.runJobs()
	call("GET", "/api/v1/imports/"+queued, agent, "", 200)
	call("GET", "/api/v1/imports?limit=5", admin, "", 200)
	call("GET", "/api/v1/imports/"+queued+"/rejects", agent, "", 200)
	call("GET", "/api/v1/imports/"+queued+"/rejects", outsider, "", 403)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/source-records", agent, "", 200)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/golden-record", agent, "", 200)
	call("GET", "/api/v1/customers/"+e.walled.ID.String()+"/golden-record", agent, "", 404)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/value", agent, "", 404) // no purchases valued yet
	must(t, e.db.ReplaceCustomerValues(ctx, rapport.SystemScope("test"), []rapport.CustomerValue{{CustomerID: e.open.ID, Currency: "EUR",
		Purchases: 3, Revenue: 1234500, FirstAt: time.Now().AddDate(-1, 0, 0), LastAt: time.Now().AddDate(0, 0, -9), Recency: 4, Frequency: 3,
		Monetary: 5, PAlive: 0.8, ExpectedPurchases: 2.1, ExpectedSpend: 40, LifetimeValue: 76.4, ComputedAt: time.Now()}}))
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/value", agent, "", 200)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/quality", agent, "", 200)
	call("PUT", "/api/v1/customers/"+e.open.ID.String()+"/consents/marketing", agent, `{"granted":true,"source":"tour"}`, 200)
	call("PUT", "/api/v1/customers/"+e.open.ID.String()+"/consents/telepathy", agent, `{"granted":true}`, 400)
	call("PUT", "/api/v1/customers/"+e.open.ID.String()+"/consents/surveys", agent, `{}`, 400)
	call("PUT", "/api/v1/customers/"+e.walled.ID.String()+"/consents/surveys", agent, `{"granted":false}`, 404)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/consents", agent, "", 200)
	item := id(call("POST", "/api/v1/customers/"+e.open.ID.String()+"/items", agent, jsonOf(obj{"kind": "ticket", "title": "Refund", "request_type": "refund",
		"product": "Desk", "channel": "phone", "owner_id": e.agent.ID.String(), "due": "2026-03-31"}), 201))
	call("PATCH", "/api/v1/items/"+item, agent, `{"status":"done","owner_id":"","due":""}`, 200)
	call("GET", "/api/v1/items/"+item, agent, "", 200)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/items?status=all", agent, "", 200)
	call("POST", "/api/v1/items/bulk?source=helpdesk", agent, `{"customer_id":"`+e.open.ID.String()+`","source_id":"HD-1","kind":"request","title":"New address"}`+"\n", 200)
	call("POST", "/api/v1/customers/"+e.walled.ID.String()+"/items", agent, `{"kind":"task","title":"x"}`, 404)
	call("POST", "/api/v1/segments/count", agent, `{"rule":"consent = marketing"}`, 200)
	call("POST", "/api/v1/segments/count", agent, `{"rule":"clv > lots"}`, 400)
	segment := id(call("POST", "/api/v1/segments", agent, `{"name":"Tour","rule":"consent = marketing"}`, 201))
	call("POST", "/api/v1/segments", agent, `{"name":"Tour","rule":"kind = person"}`, 409)
	call("GET", "/api/v1/segments", agent, "", 200)
	call("GET", "/api/v1/segments/proposed", agent, "", 404)
	must(t, e.db.ReplaceSegmentProposals(ctx, rapport.SystemScope("tour"), &rapport.SegmentProposals{ComputedAt: time.Now(), Customers: 60, K: 2,
		Silhouette: 0.5, Features: []rapport.ProposalFeature{{Name: "purchases", Label: "purchases", Mean: 3}}, Scores: []rapport.ProposalScore{{K: 2, Silhouette: 0.5}},
		Segments: []rapport.ProposedSegment{{Description: "Buy often", Share: 1, Means: []float64{3}, Rule: "purchases >= 2", Recall: 1, Precision: 1}}}))
	call("GET", "/api/v1/segments/proposed", agent, "", 200)
	call("POST", "/api/v1/tips", agent, `{"request_type":"refund","title":"Refunds","body":"Check the order."}`, 403)
	call("POST", "/api/v1/tips", admin, `{"title":"Refunds","body":"Check the order."}`, 400)
	tip := id(call("POST", "/api/v1/tips", admin, `{"request_type":"refund","channel":"phone","title":"Refunds","body":"Check the order."}`, 201))
	call("GET", "/api/v1/tips", agent, "", 200)
	call("GET", "/api/v1/tips/"+tip, agent, "", 200)
	call("PUT", "/api/v1/tips/"+tip, admin, `{"request_type":"refund","title":"Refunds","body":"Check the order and the payment."}`, 200)
	call("DELETE", "/api/v1/tips/"+tip, admin, "", 204)
	call("POST", "/api/v1/question-rules", admin, `{"name":"Rate","rule":"count(type = tickets) >= 1","question":"How was it?"}`, 400)
	rule := id(call("POST", "/api/v1/question-rules", admin, `{"name":"Rate","rule":"kind = person","question":"How was it?"}`, 201))
	call("POST", "/api/v1/question-rules", admin, `{"name":"Rate","rule":"kind = person","question":"Again?"}`, 409)
	call("GET", "/api/v1/question-rules", agent, "", 200)
	call("GET", "/api/v1/question-rules/"+rule, agent, "", 200)
	call("PUT", "/api/v1/question-rules/"+rule, admin, `{"name":"Rate","rule":"kind = person","question":"How was it, from 1 to 5?","active":true}`, 200)
	call("POST", "/api/v1/question-rules/test", admin, `{"rule":"kind = person","customer_id":"`+e.open.ID.String()+`"}`, 200)
	call("POST", "/api/v1/question-rules/test", admin, `{"rule":"kind = person","customer_id":"nope"}`, 400)
	call("POST", "/api/v1/question-rules/test", agent, `{"rule":"kind = person","customer_id":"`+e.open.ID.String()+`"}`, 403)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/questions", agent, "", 200)
	call("GET", "/api/v1/customers/"+e.walled.ID.String()+"/questions", agent, "", 404)
	call("DELETE", "/api/v1/question-rules/"+rule, admin, "", 204)
	call("GET", "/api/v1/segments/"+segment, agent, "", 200)
	call("PATCH", "/api/v1/segments/"+segment, agent, `{"description":"For the tour"}`, 200)
	call("POST", "/api/v1/segments/"+segment+"/refresh", agent, "", 200)
	call("GET", "/api/v1/segments/"+segment+"/history", agent, "", 200)
	call("GET", "/api/v1/customers?segment="+segment, agent, "", 200)
	call("GET", "/api/v1/customers/"+e.open.ID.String()+"/segments", agent, "", 200)
	call("GET", "/api/v1/segments/"+segment+"/export?purpose=marketing", agent, "", 403)
	call("GET", "/api/v1/segments/"+segment+"/export?purpose=marketing", admin, "", 200)
	call("GET", "/api/v1/segments/"+segment+"/export?purpose=spam", admin, "", 400)
	call("DELETE", "/api/v1/segments/"+segment, agent, "", 204)
	call("POST", "/api/v1/almost-customers/refresh", agent, "", 403)
	call("POST", "/api/v1/almost-customers/refresh", admin, "", 202)
	e.runJobs() // the test worker runs no almost job: the one queued stays queued
	must(t, e.db.ReplaceCustomerValues(ctx, rapport.SystemScope("test"), []rapport.CustomerValue{{CustomerID: e.open.ID, Currency: "EUR",
		Purchases: 3, Revenue: 1234500, FirstAt: time.Now().AddDate(-2, 0, 0), LastAt: time.Now().AddDate(0, -9, 0), Recency: 1, Frequency: 3,
		Monetary: 5, PAlive: 0.3, ExpectedPurchases: 0.4, ExpectedSpend: 40, LifetimeValue: 12.5, ComputedAt: time.Now()}}))
	if _, err := almost.Run(ctx, e.db, rapport.SystemScope("test"), time.Now()); err != nil {
		t.Fatal(err)
	}
	almostPage := decode[struct {
		Data       []rapport.AlmostCustomer `json:"data"`
		NextCursor string                   `json:"next_cursor"`
	}](t, call("GET", "/api/v1/almost-customers?kind=slipping&limit=1", agent, "", 200))
	if len(almostPage.Data) != 1 || almostPage.Data[0].ID != e.open.ID || almostPage.Data[0].Reasons[0].Signal != rapport.SignalSlipping {
		t.Errorf("almost customers: got %+v, want Otto slipping (monetary 5, P(alive) 0.3)", almostPage.Data)
	}
	call("GET", "/api/v1/almost-customers", agent, "", 200)
	call("GET", "/api/v1/almost-customers?kind=grumpy", agent, "", 400)
	call("GET", "/api/v1/almost-customers?cursor=bm9wZQ", agent, "", 400)
	call("GET", "/api/v1/data-quality", agent, "", 200)
	call("GET", "/api/v1/survivorship", agent, "", 200)
	call("PUT", "/api/v1/survivorship", agent, `{"rules":{"name":"trusted"}}`, 403)
	call("PUT", "/api/v1/survivorship", admin, `{"rules":{"name":"loudest"}}`, 400)
	call("PUT", "/api/v1/survivorship", admin, `{"rules":{"name":"trusted"},"trust":{"crm":10}}`, 200)
	call("GET", "/api/v1/customers?q=cleo", agent, "", 200)

	// Routing rules and action items: feedback logged after the rule is routed by it.
	routingRule := id(call("POST", "/api/v1/routing-rules", admin, jsonOf(obj{"name": "Late deliveries", "kinds": []string{"complaint"},
		"words": []string{"late"}, "team_id": e.team.ID.String(), "owner_id": e.agent.ID.String(), "service_level": "2d"}), 201))
	call("POST", "/api/v1/routing-rules", agent, jsonOf(obj{"name": "Mine", "team_id": e.team.ID.String(), "service_level": "2d"}), 403)
	call("POST", "/api/v1/routing-rules", admin, jsonOf(obj{"name": "Never", "team_id": e.team.ID.String(), "service_level": 0}), 400)
	call("GET", "/api/v1/routing-rules", agent, "", 200)
	call("GET", "/api/v1/routing-rules/"+routingRule, agent, "", 200)
	call("PUT", "/api/v1/routing-rules/"+routingRule, admin, jsonOf(obj{"name": "Late deliveries", "kinds": []string{"complaint"},
		"words": []string{"late", "never arrived"}, "min_severity": "medium", "team_id": e.team.ID.String(), "service_level": 36}), 200)
	call("PUT", "/api/v1/routing-settings", admin, jsonOf(obj{"fallback_team_id": e.team.ID.String(), "fallback_service_level": "3d"}), 200)
	call("GET", "/api/v1/routing-settings", agent, "", 200)
	routed := decode[rapport.Feedback](t, call("POST", "/api/v1/feedback", agent, jsonOf(obj{"customer_id": e.open.ID.String(),
		"kind": "complaint", "text": "The parcel was late"}), 201))
	if len(routed.ActionItems) != 1 {
		t.Fatalf("feedback routed to %d teams, want 1", len(routed.ActionItems))
	}
	action := routed.ActionItems[0].ID.String()
	call("GET", "/api/v1/feedback/"+routed.ID.String()+"/actions", agent, "", 200)
	call("POST", "/api/v1/feedback/"+routed.ID.String()+"/actions", agent, jsonOf(obj{"team_id": e.team.ID.String(), "title": "Call back", "service_level": "4h"}), 201)
	call("POST", "/api/v1/feedback/"+routed.ID.String()+"/route", agent, "", 200)
	call("GET", "/api/v1/actions?whose=mine&status=open&limit=10", agent, "", 200)
	call("GET", "/api/v1/actions/"+action, agent, "", 200)
	call("PATCH", "/api/v1/actions/"+action, agent, `{"status":"done","note":"Carrier chased"}`, 200)
	call("PATCH", "/api/v1/actions/"+action, agent, `{"owner_id":"`+e.outsider.ID.String()+`"}`, 400)
	call("DELETE", "/api/v1/routing-rules/"+routingRule, admin, "", 204)

	// Feedback.
	fb := id(call("POST", "/api/v1/feedback", agent, jsonOf(obj{"customer_id": e.open.ID.String(), "kind": "complaint", "text": "The desk arrived late",
		"channel": "phone", "product": "Desk", "area": "delivery", "severity": "high"}), 201))
	call("POST", "/api/v1/feedback", agent, `{"kind":"suggestion","text":"Open on Sundays","source":"survey","source_id":"T-1"}`, 201)
	call("POST", "/api/v1/feedback", agent, `{"kind":"suggestion","text":"Open on Sundays","source":"survey","source_id":"T-1"}`, 200)
	call("POST", "/api/v1/feedback", agent, `{"kind":"rant","text":""}`, 400)
	call("GET", "/api/v1/feedback/"+fb, agent, "", 200)
	call("POST", "/api/v1/feedback/"+fb+"/attachments?name=photo.txt", agent, "The scratched corner", 201, "Content-Type", "text/plain")
	call("GET", "/api/v1/feedback/"+fb+"/attachments", agent, "", 200)
	call("PATCH", "/api/v1/feedback/"+fb, agent, `{"status":"resolved","resolution":"Sent a new desk"}`, 200)
	call("PATCH", "/api/v1/feedback/"+fb, agent, `{"status":"triaged"}`, 400)
	call("PATCH", "/api/v1/feedback/"+fb, agent, `{"status":"informed","informed_via":"phone"}`, 200)
	call("POST", "/api/v1/feedback/"+fb+"/inform", agent, `{"channel":"email"}`, 400) // informed already
	call("POST", "/api/v1/feedback/"+fb+"/inform", agent, `{"channel":"pigeon"}`, 400)
	fb2 := id(call("POST", "/api/v1/feedback", agent, jsonOf(obj{"customer_id": e.open.ID.String(), "kind": "complaint", "text": "The lamp flickers"}), 201))
	call("POST", "/api/v1/feedback/"+fb2+"/inform", agent, `{"channel":"email","resolution":"Sent a new bulb"}`, 200)
	call("GET", "/api/v1/feedback?kind=complaint&status=new&customer_id="+e.open.ID.String()+"&limit=1", agent, "", 200)
	call("GET", "/api/v1/feedback/measures?months=3", agent, "", 200)
	call("GET", "/api/v1/feedback/measures?months=99", agent, "", 400)

	// Themes.
	delivery, password, walled := e.grouped(t)
	call("GET", "/api/v1/themes?view=opportunities&limit=5", agent, "", 200)
	call("GET", "/api/v1/themes?view=best", agent, "", 400)
	call("GET", "/api/v1/themes/"+delivery.String(), agent, "", 200)
	call("GET", "/api/v1/themes/"+walled.String(), agent, "", 404)
	call("PATCH", "/api/v1/themes/"+delivery.String(), agent, `{"name":"Late deliveries","status":"fixed"}`, 200)
	call("PATCH", "/api/v1/themes/"+delivery.String(), agent, `{"status":"solved"}`, 400)
	idea := id(call("POST", "/api/v1/ideas", agent, jsonOf(obj{"title": "Evening delivery slots", "theme_id": delivery.String()}), 201))
	call("POST", "/api/v1/ideas", agent, `{"title":""}`, 400)
	call("POST", "/api/v1/ideas", outsider, `{"title":"Analysts read"}`, 403)
	call("GET", "/api/v1/ideas?theme_id="+delivery.String(), outsider, "", 200)
	call("GET", "/api/v1/ideas/"+idea, agent, "", 200)
	call("PATCH", "/api/v1/ideas/"+idea, agent, `{"status":"planned"}`, 200)
	call("PATCH", "/api/v1/ideas/"+idea, agent, `{"status":"someday"}`, 400)
	call("PATCH", "/api/v1/ideas/"+idea, agent, `{"theme_id":null}`, 200)
	call("GET", "/api/v1/ideas/"+e.open.ID.String(), agent, "", 404)
	call("POST", "/api/v1/themes/"+delivery.String()+"/merge", agent, jsonOf(obj{"into": delivery.String()}), 400)
	late := id(call("POST", "/api/v1/feedback", agent, `{"kind":"complaint","text":"Courier delivery late and the parcel box damaged"}`, 201))
	if _, err := (&grouping.Assigner{Store: e.db, Scope: rapport.JobScope("test")}).AssignAll(ctx); err != nil {
		t.Fatal(err)
	}
	alerts := decode[struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}](t, call("GET", "/api/v1/theme-alerts", agent, "", 200)).Data
	if len(alerts) != 1 {
		t.Fatalf("got %d recurrence alerts, want 1 for the new delivery complaint", len(alerts))
	}
	call("POST", "/api/v1/theme-alerts/"+alerts[0].ID+"/acknowledge", agent, "", 204)
	call("PUT", "/api/v1/feedback/"+late+"/theme", agent, jsonOf(obj{"theme_id": password.String()}), 200)
	call("PUT", "/api/v1/feedback/"+late+"/theme", agent, jsonOf(obj{"theme_id": walled.String()}), 400)
	call("POST", "/api/v1/themes/"+password.String()+"/split", agent, jsonOf(obj{"feedback_ids": []string{late}, "name": "Late"}), 201)
	call("POST", "/api/v1/themes/"+password.String()+"/split", agent, `{"auto":true,"feedback_ids":["`+late+`"]}`, 400)
	merged := id(call("POST", "/api/v1/themes/"+password.String()+"/merge", agent, jsonOf(obj{"into": delivery.String()}), 200))
	if merged != delivery.String() {
		t.Errorf("merge answered theme %s, want the theme merged into, %s", merged, delivery)
	}
	call("POST", "/api/v1/themes/regroup", agent, "", 403)
	call("POST", "/api/v1/themes/regroup", admin, "", 202)

	// Surveys: written by admins and managers, sent to a segment, read by all.
	surveyed := id(call("POST", "/api/v1/segments", admin, `{"name":"Surveyed","rule":"kind = person"}`, 201))
	survey := id(call("POST", "/api/v1/surveys", admin, `{"name":"Tour NPS","kind":"nps","triggers":[{"event":"purchase","delay_hours":24}],"active":true}`, 201))
	call("POST", "/api/v1/surveys", agent, `{"name":"Agent NPS","kind":"nps"}`, 403)
	call("POST", "/api/v1/surveys", admin, `{"name":"Mood","kind":"mood"}`, 400)
	call("GET", "/api/v1/surveys", agent, "", 200)
	call("GET", "/api/v1/surveys/"+survey, agent, "", 200)
	call("PUT", "/api/v1/surveys/"+survey, admin, `{"name":"Tour NPS","kind":"nps","intro":"Thank you.","ask_every_days":60}`, 200)
	call("POST", "/api/v1/surveys/"+survey+"/send", admin, jsonOf(obj{"segment_id": surveyed, "dry_run": true}), 200)
	call("POST", "/api/v1/surveys/"+survey+"/send", admin, jsonOf(obj{"segment_id": surveyed}), 200)
	call("GET", "/api/v1/surveys/"+survey+"/invitations?limit=10", agent, "", 200)
	call("GET", "/api/v1/surveys/"+survey+"/responses", agent, "", 200)
	call("GET", "/api/v1/surveys/"+survey+"/results?period=week&by=team", agent, "", 200)
	call("GET", "/api/v1/surveys/"+survey+"/results?by=nothing", agent, "", 400)
	call("DELETE", "/api/v1/surveys/"+survey, admin, "", 204)

	// The knowledge base.
	cat := id(call("POST", "/api/v1/kb/categories", admin, `{"name":"Tour help"}`, 201))
	call("POST", "/api/v1/kb/categories", agent, `{"name":"Agent's"}`, 403)
	call("GET", "/api/v1/kb/categories", agent, "", 200)
	call("PATCH", "/api/v1/kb/categories/"+cat, admin, `{"name":"Tour help","description":"For the tour"}`, 200)
	article := id(call("POST", "/api/v1/kb/articles", agent, jsonOf(obj{"title": "Tour article", "key_points": "Short.", "body": "# One", "category_id": cat, "tags": []string{"tour"}}), 201))
	call("POST", "/api/v1/kb/articles", agent, `{"title":""}`, 400)
	call("GET", "/api/v1/kb/articles?status=draft&tag=tour&limit=5", agent, "", 200)
	call("GET", "/api/v1/kb/articles/"+article, agent, "", 200)
	call("GET", "/api/v1/kb/articles/tour-article", agent, "", 200)
	call("PUT", "/api/v1/kb/articles/"+article, agent, jsonOf(obj{"title": "Tour article", "body": "# One\n\nTwo", "note": "more", "category_id": cat}), 200)
	call("POST", "/api/v1/kb/articles/"+article+"/status", agent, jsonOf(obj{"step": "submit", "reviewers": []string{e.admin.ID.String()}}), 200)
	call("POST", "/api/v1/kb/articles/"+article+"/status", agent, `{"step":"publish"}`, 403)
	call("POST", "/api/v1/kb/articles/"+article+"/status", admin, `{"step":"publish","note":"good"}`, 200)
	call("POST", "/api/v1/kb/articles/"+article+"/status", admin, `{"step":"publish"}`, 409)
	call("GET", "/api/v1/kb/articles/"+article+"/versions", agent, "", 200)
	call("GET", "/api/v1/kb/articles/"+article+"/versions/1", agent, "", 200)
	call("GET", "/api/v1/kb/articles/"+article+"/versions/9", agent, "", 404)
	call("GET", "/api/v1/kb/articles/"+article+"/diff?from=1&to=2", agent, "", 200)
	call("GET", "/api/v1/kb/articles/"+article+"/insights?weeks=4", agent, "", 200)
	call("GET", "/api/v1/kb/insights", outsider, "", 200)
	call("GET", "/api/v1/kb/insights?weeks=0", agent, "", 400)
	call("POST", "/api/v1/kb/articles/"+article+"/versions/1/restore", agent, "", 200)
	call("DELETE", "/api/v1/kb/categories/"+cat, admin, "", 409)
	empty := id(call("POST", "/api/v1/kb/categories", admin, `{"name":"Empty"}`, 201))
	call("DELETE", "/api/v1/kb/categories/"+empty, admin, "", 204)
	call("PUT", "/api/v1/kb/experts/"+e.agent.ID.String(), agent, `{"headline":"Logins","areas":["login"],"listed":true}`, 200)
	call("PUT", "/api/v1/kb/experts/"+e.admin.ID.String(), agent, `{"headline":"Not mine"}`, 403)
	call("GET", "/api/v1/kb/experts?area=login", outsider, "", 200)
	call("GET", "/api/v1/kb/experts/"+e.agent.ID.String(), outsider, "", 200)
	// Questions to experts: Otto asks the agent in the help centre; the agent answers it
	// and turns it into an article.
	question, err := e.db.AskExpert(ctx, rapport.CustomerScope(e.open.ID, "test"), rapport.Question{ExpertID: e.agent.ID, Area: "login", Text: "How do I sign in?"}, rapport.PortalMail{BaseURL: "https://help.test"})
	must(t, err)
	qpath := "/api/v1/kb/questions/" + question.ID.String()
	call("GET", "/api/v1/kb/questions?status=open&expert_id="+e.agent.ID.String()+"&customer_id="+e.open.ID.String()+"&limit=10", agent, "", 200)
	call("GET", "/api/v1/kb/questions?status=waiting", agent, "", 400)
	call("GET", qpath, agent, "", 200)
	call("GET", qpath, outsider, "", 404)
	call("POST", qpath+"/article", agent, `{}`, 409)
	call("POST", qpath+"/answer", agent, `{"answer":""}`, 400)
	call("POST", qpath+"/answer", agent, `{"answer":"Use the **Sign in** link."}`, 200)
	call("POST", qpath+"/article", agent, `{"audience":"staff"}`, 201)
	// Knowledge base search.
	_, err = e.db.CreateArticle(ctx, rapport.SystemScope("test"), rapport.ArticleInput{Title: "Reset your password", KeyPoints: "Use the link.",
		Body: "Open the **settings**.", Products: []string{"Web app"}, Publish: true})
	must(t, err)
	call("GET", "/api/v1/kb/search?q=pasword+reset&limit=5&log=true", agent, "", 200)
	call("GET", "/api/v1/kb/search?q=reset&limit=500", agent, "", 400)
	call("GET", "/api/v1/kb/suggest?q=pass", agent, "", 200)

	// Walls and the audit trail.
	wall := id(call("POST", "/api/v1/walls", admin, jsonOf(obj{"name": "Tour wall", "description": "For the tour", "team_ids": []string{team}, "customer_ids": []string{org}}), 201))
	call("POST", "/api/v1/walls", admin, `{"name":"Tour wall"}`, 409)
	call("GET", "/api/v1/walls", admin, "", 200)
	call("GET", "/api/v1/walls/"+wall, admin, "", 200)
	call("PATCH", "/api/v1/walls/"+wall, admin, `{"description":"","team_ids":[],"customer_ids":[]}`, 200)
	call("GET", "/api/v1/customers/"+e.walled.ID.String(), admin, "", 200)
	call("DELETE", "/api/v1/walls/"+wall, admin, "", 204)
	page := decode[struct {
		NextCursor string `json:"next_cursor"`
	}](t, call("GET", "/api/v1/audit-events?since=2000-01-01&until="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339)+"&limit=2", admin, "", 200))
	call("GET", "/api/v1/audit-events?limit=2&cursor="+page.NextCursor, admin, "", 200)
	call("GET", "/api/v1/audit-events?through_wall=true&entity=customer&action=read&user_id="+e.admin.ID.String()+"&customer_id="+e.walled.ID.String(), admin, "", 200)

	// Tokens.
	token := id(call("POST", "/api/v1/tokens", agent, `{}`, 201))
	call("DELETE", "/api/v1/tokens/"+token, agent, "", 204)
	call("GET", "/api/v1/tokens", agent, "", 200)

	// Duplicates: merge, unmerge, the review queue and resolution runs.
	first := id(call("POST", "/api/v1/customers", agent, `{"kind":"person","given_name":"Tia","emails":["tia@one.example"]}`, 201))
	second := id(call("POST", "/api/v1/customers", agent, `{"kind":"person","given_name":"Tia","emails":["tia@two.example"]}`, 201))
	call("POST", "/api/v1/customers/"+first+"/merge", agent, `{"merged_id":"`+second+`"}`, 200)
	call("GET", "/api/v1/customers/"+first+"/merges", agent, "", 200)
	call("GET", "/api/v1/merges", agent, "", 200)
	call("GET", "/api/v1/customers/"+first+"/export", admin, "", 200)
	call("POST", "/api/v1/customers/"+second+"/unmerge", agent, "", 200)
	_, err = e.db.ProposeMatches(ctx, rapport.SystemScope("test"), []rapport.ScoredPair{{LeftID: rapport.MustParseID(first),
		RightID: rapport.MustParseID(second), Probability: 0.9, Explanation: []rapport.MatchField{{Field: "given_name", Left: "tia", Right: "tia", Level: "exact", Weight: 4}}}})
	must(t, err)
	match := decode[struct{ Data []struct{ ID string } }](t, call("GET", "/api/v1/matches?status=pending&limit=10", agent, "", 200)).Data[0].ID
	call("GET", "/api/v1/matches/"+match, agent, "", 200)
	call("POST", "/api/v1/matches/"+match+"/decision", agent, `{"decision":"reject"}`, 200)
	call("POST", "/api/v1/resolution-runs", agent, "", 202)

	// Deletions.
	call("DELETE", "/api/v1/links/"+link, agent, "", 204)
	call("DELETE", "/api/v1/customers/"+org, admin, "", 204)
	call("DELETE", "/api/v1/teams/"+team, admin, "", 204)

	// Answers of the catch-all route.
	call("PUT", "/api/v1/customers/"+e.open.ID.String(), agent, "{}", 405)
	call("GET", "/api/v2/customers", "", "", 401)

	spec, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range spec.doc.Paths.Map() {
		for method := range item.Operations() {
			if _, ok := answered.Load(method + " " + path); !ok {
				t.Errorf("%s %s has not given a success response that was checked against the document", method, path)
			}
		}
	}
}
