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

// apiTable is what the API's handling reads from the OpenAPI document: read at the first
// API request, not when any rapport command starts (4 ms).
var apiTable = sync.OnceValue(func() documented { return readDocument(openAPI) })

type documented struct {
	// queryParameters are the query parameters each endpoint takes, by its route
	// pattern ("GET /api/v1/customers/{id}/interactions").
	queryParameters map[string][]string
	// fixedSegments are the fixed parts of the API's paths ("customers", "bulk"): a
	// wildcard that holds one may have caught the address of another route.
	fixedSegments map[string]bool
}

func readDocument(doc []byte) documented {
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
	fixed := map[string]bool{}
	for path, item := range d.Paths {
		for _, seg := range strings.Split(path, "/") {
			if seg != "" && !strings.HasPrefix(seg, "{") {
				fixed[seg] = true
			}
		}
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
	return documented{queryParameters: out, fixedSegments: fixed}
}

// wildcardHoldsFixed reports whether a wildcard of the route that took r holds a fixed
// part of the API's paths, as GET /segments/{id} does for /segments/count: only then
// may another route's address have been caught.
func wildcardHoldsFixed(r *http.Request) bool {
	for rest := r.Pattern; ; {
		_, after, ok := strings.Cut(rest, "{")
		if !ok {
			return false
		}
		name, tail, _ := strings.Cut(after, "}")
		if apiTable().fixedSegments[r.PathValue(strings.TrimSuffix(name, "..."))] {
			return true
		}
		rest = tail
	}
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
	known, ok := apiTable().queryParameters[r.Pattern]
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
