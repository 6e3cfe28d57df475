package web

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// importResponse is what an import did, the warnings about values it kept as they were,
// and the mapping it proposed when none was sent.
type importResponse struct {
	rapport.IngestResult
	Warnings []ingest.Warning `json:"warnings"`
	Mapping  string           `json:"mapping,omitempty"`
}

// sampleBytes is how much of a body a mapping is proposed from: it is read ahead and
// then imported with the rest.
const sampleBytes = 1 << 20

// apiImport imports a file of customers or interactions (CSV, NDJSON or a JSON array,
// optionally gzipped) sent as the body, or as the part "file" of a multipart form whose
// optional first part "mapping" is the mapping.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	kind, source, format := q.Get("kind"), q.Get("source"), tabular.Format(q.Get("format"))
	switch {
	case kind != mapping.Customers && kind != mapping.Interactions:
		return rapport.FieldError("kind", "kind must be customers or interactions")
	case source == "":
		return rapport.FieldError("source", "source is required: the system the records come from, such as billing")
	case format != "" && format != tabular.CSV && format != tabular.NDJSON && format != tabular.JSON:
		return rapport.FieldError("format", "format %q is unknown: use csv, ndjson or json, or leave it out to have it found", format)
	}
	body, m, err := importParts(r, &format)
	if err != nil {
		return err
	}
	res := importResponse{}
	if m == nil {
		// Propose a mapping from the start of the body, then read the body whole.
		head, err := io.ReadAll(io.LimitReader(body, sampleBytes))
		if err != nil {
			return bodyError(err)
		}
		f, header, sample, err := ingest.Sample(bytes.NewReader(head), format)
		if err != nil {
			return rapport.Errorf(rapport.EINVALID, "the file could not be read: %v", err)
		}
		var text []byte
		if m, text, err = ingest.ChooseMapping(kind, f, header, sample); err != nil {
			return rapport.Errorf(rapport.EINVALID, "%s; complete the mapping proposed and send it as the part mapping:\n%s", rapport.ErrorMessage(err), text)
		}
		res.Mapping = string(text)
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	rows, err := tabular.Open(body, tabular.Options{Format: format})
	if err != nil {
		if tooBig := bodyError(err); tooBig != err {
			return tooBig
		}
		return rapport.Errorf(rapport.EINVALID, "the file could not be read: %v", err)
	}
	if m != nil && rows.Header != nil {
		if err := ingest.CheckColumns(m, rows.Header); err != nil {
			return err
		}
	}
	opt := ingest.Options{Source: source}
	var out ingest.Result
	if kind == mapping.Customers {
		out, err = ingest.ImportCustomers(r.Context(), rows, m, s.Store, c.scope, opt)
	} else {
		out, err = ingest.ImportInteractions(r.Context(), rows, m, s.Store, c.scope, opt)
	}
	if err != nil {
		return bodyError(err)
	}
	res.IngestResult, res.Warnings = out.IngestResult, out.FirstWarnings
	if res.Warnings == nil {
		res.Warnings = []ingest.Warning{}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// importParts returns the file to import and the mapping sent with it, if any.
func importParts(r *http.Request, format *tabular.Format) (io.Reader, *mapping.Mapping, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return r.Body, nil, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, rapport.Errorf(rapport.EINVALID, "the multipart body could not be read: %v", err)
	}
	part, err := mr.NextPart()
	if err != nil {
		return nil, nil, rapport.Errorf(rapport.EINVALID, "the multipart body has no part: send the part file, after an optional part mapping")
	}
	var m *mapping.Mapping
	if part.FormName() == "mapping" {
		text, err := io.ReadAll(io.LimitReader(part, 1<<20))
		if err != nil {
			return nil, nil, bodyError(err)
		}
		if m, err = mapping.Parse(text); err != nil {
			return nil, nil, rapport.FieldError("mapping", "%v", err)
		}
		if part, err = mr.NextPart(); err != nil {
			return nil, nil, rapport.FieldError("file", "the part file is missing: send it after the part mapping")
		}
	}
	if part.FormName() != "file" {
		return nil, nil, rapport.FieldError(part.FormName(), "the parts are mapping (optional, first) and file; %q is neither", part.FormName())
	}
	if m != nil && m.Record != r.URL.Query().Get("kind") {
		return nil, nil, rapport.FieldError("mapping", "the mapping maps %s, not %s", m.Record, r.URL.Query().Get("kind"))
	}
	if *format == "" {
		*format = tabular.FormatOf(part.FileName())
	}
	return part, m, nil
}

// bodyError reports a body over the limit as ETOOLARGE.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return tooLarge(tooBig.Limit)
	}
	return err
}
