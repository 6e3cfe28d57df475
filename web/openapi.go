package web

import (
	_ "embed"
	"net/http"
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
