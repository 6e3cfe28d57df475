package web

import (
	_ "embed"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/rapportckm/rapport"
)

// openAPI describes the JSON API; the tests check every response against it.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPI)
}

// OpenAPI returns the OpenAPI 3 document of the API.
func OpenAPI() []byte { return openAPI }

// queryParameters are the query parameters each endpoint takes, by its route pattern
// ("GET /api/v1/customers/{id}/interactions"), as the OpenAPI document lists them:
// read at the first API request, not when any rapport command starts (4 ms).
var queryParameters = sync.OnceValue(func() map[string][]string { return readQueryParameters(openAPI) })

func readQueryParameters(doc []byte) map[string][]string {
	type parameter struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]parameter `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		panic("openapi.json: " + err.Error()) // embedded, and checked by the tests
	}
	out := map[string][]string{}
	for path, item := range d.Paths {
		var common []parameter
		json.Unmarshal(item["parameters"], &common)
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Parameters []parameter `json:"parameters"`
			}
			json.Unmarshal(raw, &op)
			names := []string{}
			for _, p := range append(slices.Clone(common), op.Parameters...) {
				if p.Ref != "" {
					p = d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				}
				if p.In == "query" {
					names = append(names, p.Name)
				}
			}
			out[strings.ToUpper(method)+" "+path] = names
		}
	}
	return out
}

// checkQuery refuses a query string that does not parse, which r.URL.Query would read
// in part and so widen a filtered list, and query parameters the endpoint does not
// take: a misspelt filter ("limt", "chanel") would otherwise be ignored, and the answer
// look like what was asked for.
func checkQuery(r *http.Request) error {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return rapport.Errorf(rapport.EINVALID, "the query string is malformed (%v): escape %% as %%25 and separate parameters with &", err)
	}
	known, ok := queryParameters()[r.Pattern]
	if !ok {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if slices.Contains(known, name) {
			continue
		}
		takes := "takes no query parameters"
		if len(known) > 0 {
			takes = "takes " + strings.Join(known, ", ")
		}
		return rapport.FieldError(name, "unknown query parameter %q: %s %s", name, r.Pattern, takes)
	}
	return nil
}
