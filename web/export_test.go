package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
)

// TestCustomerExport: a manager downloads everything held about a customer (the record
// merged into it, items, consents, notes and a timeline longer than one page) as one
// JSON document; agents may not, a walled customer does not exist for a manager outside
// the wall, a merged record is exported through the customer it went into, and every
// export is audited.
func TestCustomerExport(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) { testCustomerExport(t, newEnv(t, open)) })
	}
}

func testCustomerExport(t *testing.T, e *env) {
	sys := rapport.SystemScope("test")
	manager := &rapport.User{Email: "manager@example.com", Name: "Mona Manager", Role: rapport.RoleManager, Teams: []rapport.TeamRef{{ID: e.team.ID}}}
	must(t, e.db.CreateUser(ctx, sys, manager, password))
	_, secret, err := e.db.CreateToken(ctx, sys, manager.ID, "test")
	must(t, err)
	e.tokens[manager.Email] = secret

	id := e.open.ID.String()
	// A timeline longer than one page of the export (500).
	var rows []rapport.IncomingInteraction
	start := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 520 {
		rows = append(rows, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: e.open.ID, Type: "order", Channel: "web",
			OccurredAt: start.Add(time.Duration(i) * time.Hour), Source: "shop", SourceKey: fmt.Sprint("o-", i), Summary: fmt.Sprint("Order ", i)}})
	}
	if res, err := e.db.IngestInteractions(ctx, sys, rows); err != nil || res.Created != len(rows) {
		t.Fatalf("ingest: %+v, %v", res, err)
	}
	for _, call := range []struct{ method, path, as, body string }{
		{"POST", "/api/v1/customers/" + id + "/notes", "agent@example.com", `{"body":"Prefers letters to calls","visibility":"staff"}`},
		{"POST", "/api/v1/customers/" + id + "/notes", "agent@example.com", `{"body":"My private reminder","visibility":"private"}`},
		{"POST", "/api/v1/customers/" + id + "/items", "agent@example.com", `{"kind":"request","title":"Change of address"}`},
		{"PUT", "/api/v1/customers/" + id + "/consents/marketing", "agent@example.com", `{"granted":true}`},
	} {
		if res, body := e.do(call.method, call.path, call.as, call.body); res.StatusCode >= 300 {
			t.Fatalf("%s %s: %d %s", call.method, call.path, res.StatusCode, body)
		}
	}
	dup := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Otto", FamilyName: "Open", Emails: []rapport.ContactPoint{{Value: "otto.open@old-mail.example"}}}
	must(t, e.db.CreateCustomer(ctx, sys, dup))
	if _, err := e.db.MergeCustomers(ctx, sys, e.open.ID, dup.ID, rapport.MergeManual, 0); err != nil {
		t.Fatal(err)
	}

	res, body := e.do("GET", "/api/v1/customers/"+id+"/export", manager.Email, "")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="customer-`+id) {
		t.Fatalf("export: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}
	var got struct {
		ExportedBy    string                 `json:"exported_by"`
		Customer      rapport.Customer       `json:"customer"`
		MergedRecords []rapport.Customer     `json:"merged_records"`
		Items         []rapport.Item         `json:"items"`
		Consents      []rapport.Consent      `json:"consents"`
		Notes         []rapport.Note         `json:"notes"`
		Interactions  []rapport.Interaction  `json:"interactions"`
		Value         *rapport.CustomerValue `json:"value"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("the export is not JSON: %v", err)
	}
	if got.ExportedBy != manager.Email || got.Customer.ID != e.open.ID || got.Value != nil {
		t.Errorf("got exported by %q, customer %v, value %v; want the manager, Otto and no value yet", got.ExportedBy, got.Customer.ID, got.Value)
	}
	if len(got.MergedRecords) != 1 || got.MergedRecords[0].ID != dup.ID || got.MergedRecords[0].Emails[0].Value != "otto.open@old-mail.example" {
		t.Errorf("merged records: %+v, want the record merged into Otto with its address", got.MergedRecords)
	}
	if len(got.Items) != 1 || got.Items[0].Title != "Change of address" || len(got.Consents) == 0 || got.Consents[0].Purpose != "marketing" {
		t.Errorf("items %+v, consents %+v: want the request and the marketing consent", got.Items, got.Consents)
	}
	if len(got.Notes) != 1 || got.Notes[0].Body != "Prefers letters to calls" {
		t.Errorf("notes: %+v, want the shared note and not the agent's private one", got.Notes)
	}
	orders, seen := 0, map[rapport.ID]bool{}
	for _, in := range got.Interactions {
		if seen[in.ID] {
			t.Fatalf("interaction %v is in the export twice", in.ID)
		}
		seen[in.ID] = true
		if in.Source == "shop" {
			orders++
		}
	}
	if orders != len(rows) {
		t.Errorf("the export holds %d of the %d orders on the timeline", orders, len(rows))
	}

	// Who may not.
	if res, _ := e.do("GET", "/api/v1/customers/"+id+"/export", "agent@example.com", ""); res.StatusCode != http.StatusForbidden {
		t.Errorf("an agent's export: %d, want 403", res.StatusCode)
	}
	if res, body := e.do("GET", "/api/v1/customers/"+e.walled.ID.String()+"/export", manager.Email, ""); res.StatusCode != http.StatusNotFound || strings.Contains(body, "Wanda") {
		t.Errorf("a walled customer's export by a manager outside the wall: %d %s, want 404", res.StatusCode, body)
	}
	if res, _ := e.do("GET", "/api/v1/customers/"+dup.ID.String()+"/export", manager.Email, ""); res.StatusCode != http.StatusConflict {
		t.Errorf("a merged record's export: %d, want 409", res.StatusCode)
	}
	if res, body := e.do("GET", "/api/v1/customers/"+e.walled.ID.String()+"/export", "admin@example.com", ""); res.StatusCode != http.StatusOK || !strings.Contains(body, "wanda@secret.example") {
		t.Errorf("the admin's export of the walled customer: %d", res.StatusCode)
	}
	events, _, err := e.db.FindAuditEvents(ctx, sys, rapport.AuditFilter{Action: "export"})
	must(t, err)
	exports := map[string]bool{}
	for _, ev := range events {
		exports[fmt.Sprint(ev.CustomerID, ev.ThroughWall)] = true
	}
	if len(events) != 2 || !exports[fmt.Sprint(e.open.ID, false)] || !exports[fmt.Sprint(e.walled.ID, true)] {
		t.Errorf("audited exports: %d %v, want Otto's and the admin's through the wall", len(events), exports)
	}

	// In the web app: the profile offers it to the manager, not to the agent.
	mona := e.signIn(manager.Email)
	if _, page := mona.get("/customers/" + id); !strings.Contains(page, `href="/customers/`+id+`/export"`) {
		t.Error("the manager's profile page has no Export data")
	}
	if _, page := e.signIn("agent@example.com").get("/customers/" + id); strings.Contains(page, "/export") {
		t.Error("the agent's profile page offers Export data")
	}
	if status, body := mona.get("/customers/" + id + "/export"); status != http.StatusOK || !json.Valid([]byte(body)) || !strings.Contains(body, "Prefers letters to calls") {
		t.Errorf("the web download: %d", status)
	}
}

// TestSegmentExportCSV: a segment's export opens in a spreadsheet as written: UTF-8
// that Excel recognises, names with commas, quotes and line breaks whole, formulas
// shown as text; and only the customers who agreed to the purpose, outside walls.
func TestSegmentExportCSV(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) { testSegmentExportCSV(t, newEnv(t, open)) })
	}
}

func testSegmentExportCSV(t *testing.T, e *env) {
	sys := rapport.SystemScope("test")
	org := func(name string, consent bool) *rapport.Customer {
		c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: name, Tags: []string{"exp"}}
		must(t, e.db.CreateCustomer(ctx, sys, c))
		if consent {
			if res, body := e.do("PUT", "/api/v1/customers/"+c.ID.String()+"/consents/marketing", "admin@example.com", `{"granted":true}`); res.StatusCode >= 300 {
				t.Fatalf("consent: %d %s", res.StatusCode, body)
			}
		}
		return c
	}
	org("Smith, \"Jo\" & Sons\nLtd", true)
	org("=HYPERLINK(\"http://evil.example\",\"x\")", true)
	org("Müller Straße GmbH", true)
	org("No Consent Ltd", false)
	tags := []string{"exp"}
	_, err := e.db.UpdateCustomer(ctx, sys, e.walled.ID, rapport.CustomerUpdate{Tags: &tags})
	must(t, err)
	_, err = e.db.RecordConsent(ctx, sys, e.walled.ID, rapport.Consent{Purpose: "marketing", Granted: true})
	must(t, err)

	manager := &rapport.User{Email: "manager@example.com", Name: "Mona Manager", Role: rapport.RoleManager, Teams: []rapport.TeamRef{{ID: e.team.ID}}}
	must(t, e.db.CreateUser(ctx, sys, manager, password))
	_, secret, err := e.db.CreateToken(ctx, sys, manager.ID, "test")
	must(t, err)
	e.tokens[manager.Email] = secret

	res, body := e.do("POST", "/api/v1/segments", manager.Email, `{"name":"Export","rule":"tag = exp"}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("segment: %d %s", res.StatusCode, body)
	}
	seg := decode[struct{ ID string }](t, body)
	res, body = e.do("GET", "/api/v1/segments/"+seg.ID+"/export?purpose=marketing", manager.Email, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d %s", res.StatusCode, body)
	}
	if !strings.HasPrefix(body, tabular.BOM+"id,kind,name,") {
		t.Errorf("the export starts %q: without a byte-order mark, Excel reads UTF-8 as Windows-1252", body[:min(len(body), 20)])
	}
	_, rows, err := tabular.ReadAll(strings.NewReader(body))
	must(t, err)
	var names []string
	for _, r := range rows {
		names = append(names, r[2])
	}
	if want := []string{`'=HYPERLINK("http://evil.example","x")`, "Müller Straße GmbH", "Smith, \"Jo\" & Sons\nLtd"}; !slices.Equal(names, want) {
		t.Errorf("got names %q, want %q", names, want)
	}

	// An admin sees through the wall, and the audit trail says so.
	res, body = e.do("GET", "/api/v1/segments/"+seg.ID+"/export?purpose=marketing", "admin@example.com", "")
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Wanda Walled") {
		t.Fatalf("an admin's export: %d %s", res.StatusCode, body)
	}
	_, body = e.do("GET", "/api/v1/audit-events?action=export&entity=segment", "admin@example.com", "")
	events := decode[struct {
		Data []struct {
			UserID      string `json:"user_id"`
			ThroughWall bool   `json:"through_wall"`
			Detail      string `json:"detail"`
		}
	}](t, body).Data
	var got []string
	for _, ev := range events {
		got = append(got, fmt.Sprintf("%v %s", ev.ThroughWall, ev.Detail))
	}
	slices.Sort(got)
	if want := []string{"false Export: 3 customers who agreed to marketing", "true Export: 4 customers who agreed to marketing, 1 of them behind walls"}; !slices.Equal(got, want) {
		t.Errorf("got the exports audited as %q, want %q", got, want)
	}
}
