package web

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestAuditFilterValues: the document lists as the audit trail's action and entity
// filters the values the API takes, those of the audit page's lists.
func TestAuditFilterValues(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum []string `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]string{"AuditAction": auditActions, "AuditEntity": auditEntities} {
		if got := doc.Components.Schemas[name].Enum; !slices.Equal(got, want) {
			t.Errorf("schema %s enumerates %q, want %q as the audit page lists them", name, got, want)
		}
	}
}
