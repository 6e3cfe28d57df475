package web

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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
	kind, source, format, async, err := importParams(r.URL.Query())
	if err != nil {
		return err
	}
	if async {
		return s.apiImportAsync(w, r, c, kind, source, format)
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
			return incompleteProposal(err, string(text))
		}
		res.Mapping = string(text)
		body = io.MultiReader(bytes.NewReader(head), body)
	}
	rows, err := ingest.OpenRows(body, m, tabular.Options{Format: format})
	if err != nil {
		if tooBig := bodyError(err); tooBig != err {
			return tooBig
		}
		return rapport.Errorf(rapport.EINVALID, "the file could not be read: %v", err)
	}
	opt := ingest.Options{Source: source}
	out, err := ingest.Import(r.Context(), kind, rows, m, s.Store, c.scope, opt)
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

// incompleteProposal says, at the field mapping, what the mapping Rapport proposed
// lacks, and shows it to be completed and sent back.
func incompleteProposal(err error, proposed string) error {
	return rapport.FieldError("mapping", "%s; complete the mapping proposed and send it as the part mapping:\n%s", rapport.ErrorMessage(err), proposed)
}

// importParams reads the query of POST /api/v1/imports.
func importParams(q url.Values) (kind, source string, format tabular.Format, async bool, err error) {
	kind, source, format = q.Get("kind"), q.Get("source"), tabular.Format(q.Get("format"))
	if v := q.Get("async"); v != "" {
		if async, err = strconv.ParseBool(v); err != nil {
			return "", "", "", false, rapport.FieldError("async", "async is true or false, not %q", v)
		}
	}
	switch {
	case kind != mapping.Customers && kind != mapping.Interactions:
		err = rapport.FieldError("kind", "kind must be customers or interactions")
	case source == "":
		err = rapport.FieldError("source", "source is required: the system the records come from, such as billing")
	case format != "" && format != tabular.CSV && format != tabular.NDJSON && format != tabular.JSON:
		err = rapport.FieldError("format", "format %q is unknown: use csv, ndjson or json, or leave it out to have it found", format)
	}
	return kind, source, format, async, err
}

// asyncImport reports whether a request to import asks to do it in the background.
func asyncImport(r *http.Request) bool {
	async, _ := strconv.ParseBool(r.URL.Query().Get("async"))
	return async
}

// apiImportAsync stores the file sent, as apiImport takes it, and queues its import:
// it answers 202 with the import, to follow at its address.
func (s *Server) apiImportAsync(w http.ResponseWriter, r *http.Request, c *call, kind, source string, format tabular.Format) error {
	imp := &rapport.Import{Kind: kind, Source: source, Name: "upload"}
	if err := imp.Validate(); err != nil { // before the body is read
		return err
	}
	if err := rapport.Require(c.scope.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	hash := requestHash(r)
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(r.Body, hash), r.Body}
	up, err := s.receiveUpload(w, r, r.Body)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil { // whatever follows the form counts for its hash too
		s.removeUpload(up.File)
		return bodyError(err)
	}
	imp.File, imp.Size, imp.Name = up.File, up.Size, cmp.Or(up.Name, imp.Name)
	if format != "" && tabular.FormatOf(imp.Name) != format {
		imp.Name += "." + string(format) // the name is what tells the job the format
	}
	queue := func(w http.ResponseWriter, r *http.Request) error {
		if err := s.queueUpload(r, c, imp, up.Fields["mapping"]); err != nil {
			s.removeUpload(imp.File)
			return err
		}
		w.Header().Set("Location", "/api/v1/imports/"+imp.ID.String())
		writeJSON(w, http.StatusAccepted, newImportStatus(imp))
		return nil
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if !s.once(w, r, c, key, hex.EncodeToString(hash.Sum(nil)), queue) {
			s.removeUpload(imp.File) // a retry: the first request's file is the one imported
		}
		return nil
	}
	return queue(w, r)
}

// queueUpload records the import of an uploaded file with its mapping, given or
// proposed, and queues it.
func (s *Server) queueUpload(r *http.Request, c *call, imp *rapport.Import, given string) error {
	f, err := s.openUpload(imp)
	if err != nil {
		return err
	}
	_, text, _, err := uploadMapping(f, imp, given)
	f.Close()
	if rapport.ErrorCode(err) == rapport.EINVALID && text != "" && strings.TrimSpace(given) == "" {
		return incompleteProposal(err, text)
	} else if err != nil {
		return err
	}
	imp.Mapping = text
	if err := s.Store.CreateImport(r.Context(), c.scope, imp); err != nil {
		return err
	}
	if err := s.Store.QueueImport(r.Context(), c.scope, imp.ID, text); err != nil {
		return err
	}
	queued, err := s.Store.FindImport(r.Context(), c.scope, imp.ID)
	if err == nil {
		*imp = *queued
	}
	return err
}

func (s *Server) apiImportIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	q := r.URL.Query()
	n, err := queryLimit(q)
	if err != nil {
		return err
	}
	imports, next, err := s.Store.FindImports(r.Context(), c.scope, rapport.ImportFilter{Cursor: q.Get("cursor"), Limit: n})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newList(statusesOf(imports), next))
	return nil
}

func (s *Server) apiImportShow(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "import")
	if err != nil {
		return err
	}
	imp, err := s.Store.FindImport(r.Context(), c.scope, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newImportStatus(imp))
	return nil
}

// apiImportRejects answers with every row the import rejected, in line order, written
// as they are read: there may be many.
func (s *Server) apiImportRejects(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "import")
	if err != nil {
		return err
	}
	if _, err := s.Store.FindImport(r.Context(), c.scope, id); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	bw := bufio.NewWriter(w)
	bw.WriteString(`{"data":[`)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	err = s.Store.ImportRejects(r.Context(), c.scope, id, func(rej rapport.Reject) error {
		if n++; n > 1 {
			bw.WriteByte(',')
		}
		return enc.Encode(rej)
	})
	if err != nil && !clientGone(r) {
		s.Logger.Error("write rejects", "import", id, "error", err) // the response has begun
	}
	bw.WriteString("]}\n")
	return bw.Flush()
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
