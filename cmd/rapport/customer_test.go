package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// TestCustomerExport: the command writes the customer's whole export, a note private to
// a member of staff included, to standard output or to a file that appears only when
// the export is whole; bad ids are usage errors and unknown ones failures.
func TestCustomerExport(t *testing.T) {
	dir, db := migrated(t)
	ctx, system := context.Background(), rapport.SystemScope("test")
	ana := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Silva", Emails: []rapport.ContactPoint{{Value: "ana@example.com"}}}
	author := &rapport.User{Email: "kim@example.com", Name: "Kim", Role: rapport.RoleAgent}
	for _, err := range []error{db.CreateCustomer(ctx, system, ana), db.CreateUser(ctx, system, author, "")} {
		if err != nil {
			t.Fatal(err)
		}
	}
	note := &rapport.Note{CustomerID: ana.ID, Body: "Kim's own reminder about Ana", Visibility: rapport.VisibilityPrivate}
	if err := db.CreateNote(ctx, rapport.StaffScope(author, "test", "127.0.0.1"), note); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := rapportCmd(t, dir, "", "customer", "export", "--id", ana.ID.String())
	var got struct {
		Customer rapport.Customer `json:"customer"`
		Notes    []rapport.Note   `json:"notes"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || got.Customer.ID != ana.ID || len(got.Notes) != 1 || got.Notes[0].Body != note.Body {
		t.Fatalf("exit %d, stderr %q: want Ana's export with Kim's private note, got %.300s", code, errOut, out)
	}
	file := filepath.Join(dir, "ana.json")
	if code, _, errOut := rapportCmd(t, dir, "", "customer", "export", "--id", ana.ID.String(), "--output", file); code != exitOK {
		t.Fatal(errOut)
	}
	if b, err := os.ReadFile(file); err != nil || !json.Valid(b) || !strings.Contains(string(b), "ana@example.com") {
		t.Errorf("the file: %v, want Ana's export", err)
	}
	unknown := filepath.Join(dir, "nobody.json")
	for _, tt := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"customer"}, exitUsage, "usage: rapport customer export"},
		{[]string{"customer", "export"}, exitUsage, "--id is required"},
		{[]string{"customer", "export", "--id", "ana"}, exitUsage, `--id "ana" is not a customer id`},
		{[]string{"customer", "export", "--id", rapport.NewID().String(), "--output", unknown}, exitError, "not found"},
	} {
		if code, _, errOut := rapportCmd(t, dir, "", tt.args...); code != tt.code || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", tt.args, code, errOut, tt.code, tt.stderr)
		}
	}
	if _, err := os.Stat(unknown); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, ".customer-export-*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}
}
