package web

import (
	"encoding/csv"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/thousands"
)

// importsPage lists recent imports under the form that uploads a file.
type importsPage struct {
	Imports []importStatus
	pageLinks
	Form     map[string]string // kind, source, mapping as sent
	Errors   map[string]string
	Sources  []*rapport.Source
	MaxBytes int64
	Admin    bool // sees everyone's imports
}

func (s *Server) handleImportIndex(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderImports(w, r, c, http.StatusOK, map[string]string{"kind": mapping.Customers}, nil)
}

func (s *Server) renderImports(w http.ResponseWriter, r *http.Request, c *call, status int, form, errs map[string]string) error {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	q := r.URL.Query()
	imports, next, err := s.Store.FindImports(r.Context(), c.scope, rapport.ImportFilter{Cursor: q.Get("cursor"), Limit: 20})
	if err != nil {
		return err
	}
	sources, err := s.Store.FindSources(r.Context(), c.scope)
	if err != nil {
		return err
	}
	page := &importsPage{Imports: statusesOf(imports), Form: form, Errors: errs, Sources: sources,
		MaxBytes: s.MaxUploadBytes, Admin: c.scope.IsAdmin(), pageLinks: pagerLinks("/imports", q, next)}
	return s.render(w, r, status, "imports", c, "Import", page)
}

// handleImportUpload stores the file sent and shows its preview.
func (s *Server) handleImportUpload(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "import files"); err != nil {
		return err
	}
	up, err := s.receiveUpload(w, r, r.Body)
	form := map[string]string{}
	if up != nil {
		form = up.Fields
	}
	if err == nil {
		imp := &rapport.Import{Source: form["source"], Kind: form["kind"], File: up.File, Name: up.Name, Size: up.Size, Mapping: form["mapping"]}
		if err = s.checkReadable(imp); err == nil {
			err = s.Store.CreateImport(r.Context(), c.scope, imp)
		}
		if err == nil {
			return s.redirect(w, r, "/imports/"+imp.ID.String(), "")
		}
		s.removeUpload(up.File)
	}
	switch rapport.ErrorCode(err) {
	case rapport.EINVALID, rapport.ETOOLARGE:
		errs := fieldErrors(err)
		// A form refused for its file is checked all the same, to say all that is wrong.
		for field, msg := range fieldErrors((&rapport.Import{Source: form["source"], Kind: form["kind"], Name: "-"}).Validate()) {
			if _, ok := errs[field]; !ok && field != "_" {
				errs[field] = msg
			}
		}
		return s.renderImports(w, r, c, Status(err), form, errs)
	}
	return err
}

// checkReadable refuses a file whose first rows cannot be read, so that the sender
// hears it at once, beside the file.
func (s *Server) checkReadable(imp *rapport.Import) error {
	if err := imp.Validate(); err != nil {
		return err
	}
	f, err := s.openUpload(imp)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, _, _, err := ingest.Sample(f, tabular.FormatOf(imp.Name)); err != nil {
		return rapport.FieldError("file", "the file could not be read: %v", err)
	}
	return nil
}

// previewPage shows a draft import: its mapping, to edit, and the first rows made into
// records through it.
type previewPage struct {
	Import      importStatus
	Mapping     string
	Errors      map[string]string
	Native      bool     // the file is in Rapport's own shape: no mapping needed
	FileColumns []string // the file's, to map
	Header      []string // the preview's: the fields the rows have
	Rows        []previewRow
	Rejected    int
}

// previewRow is a row of the preview: its values by Header, and its problems.
type previewRow struct {
	Line     int
	Values   []string
	Warnings []string
	Problems []ingest.Problem
}

func (s *Server) handleImportShow(w http.ResponseWriter, r *http.Request, c *call) error {
	imp, err := s.findImport(r, c)
	if err != nil {
		return err
	}
	if imp.State == rapport.ImportDraft {
		return s.renderPreview(w, r, c, imp, imp.Mapping)
	}
	return s.render(w, r, http.StatusOK, "import", c, "Import of "+imp.Name, newImportStatus(imp))
}

func (s *Server) findImport(r *http.Request, c *call) (*rapport.Import, error) {
	if err := rapport.Require(c.scope.CanWriteCustomers(), "import files"); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id", "import")
	if err != nil {
		return nil, err
	}
	return s.Store.FindImport(r.Context(), c.scope, id)
}

// renderPreview shows the preview of a draft read through the mapping text; a problem
// of the mapping is shown beside it, and answers a form sent with 400.
func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, c *call, imp *rapport.Import, text string) error {
	f, err := s.openUpload(imp)
	if err != nil {
		return err
	}
	defer f.Close()
	page := &previewPage{Import: newImportStatus(imp)}
	m, text, columns, err := uploadMapping(f, imp, text)
	page.Mapping, page.FileColumns, page.Native = text, columns, err == nil && m == nil
	if err == nil {
		err = s.previewRows(f, imp, m, page)
	}
	status := http.StatusOK
	if err != nil {
		page.Errors = fieldErrors(err)
		if r.Method == http.MethodPost {
			status = Status(err)
		}
	}
	return s.render(w, r, status, "import_preview", c, "Import "+imp.Name, page)
}

// previewRows fills the page with the first rows of the file read through m.
func (s *Server) previewRows(f *os.File, imp *rapport.Import, m *mapping.Mapping, page *previewPage) error {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	rows, err := tabular.Open(f, tabular.Options{Format: tabular.FormatOf(imp.Name)})
	var previewed []ingest.Previewed
	if err == nil {
		previewed, err = ingest.Preview(rows, m, imp.Kind, imp.Source, ingest.PreviewRows)
	}
	page.Header, page.Rows = previewTable(imp.Kind, previewed)
	for _, row := range page.Rows {
		if len(row.Problems) > 0 {
			page.Rejected++
		}
	}
	if err != nil {
		return rapport.FieldError("file", "the file could not be read: %v", err)
	}
	return nil
}

func (s *Server) handleImportPreview(w http.ResponseWriter, r *http.Request, c *call) error {
	imp, err := s.findImport(r, c)
	if err != nil {
		return err
	}
	if imp.State != rapport.ImportDraft {
		return s.redirect(w, r, "/imports/"+imp.ID.String(), "")
	}
	return s.renderPreview(w, r, c, imp, r.PostFormValue("mapping"))
}

// handleImportRun starts a draft with the mapping sent, or resumes a failed import.
func (s *Server) handleImportRun(w http.ResponseWriter, r *http.Request, c *call) error {
	imp, err := s.findImport(r, c)
	if err != nil {
		return err
	}
	text := imp.Mapping
	if imp.State == rapport.ImportDraft {
		f, err := s.openUpload(imp)
		if err != nil {
			return err
		}
		_, text, _, err = uploadMapping(f, imp, r.PostFormValue("mapping"))
		f.Close()
		if err != nil {
			return s.renderPreview(w, r, c, imp, r.PostFormValue("mapping")) // shows why
		}
	}
	if err := s.Store.QueueImport(r.Context(), c.scope, imp.ID, text); err != nil {
		return err
	}
	return s.redirect(w, r, "/imports/"+imp.ID.String(), "The import of "+imp.Name+" has started.")
}

func (s *Server) handleImportDelete(w http.ResponseWriter, r *http.Request, c *call) error {
	imp, err := s.findImport(r, c)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteImport(r.Context(), c.scope, imp.ID); err != nil {
		return err
	}
	s.removeUpload(imp.File)
	return s.redirect(w, r, "/imports", "The import of "+imp.Name+" was deleted, with its file.")
}

// handleImportRejects downloads the rows an import rejected as CSV: line, field,
// reason and the row as written.
func (s *Server) handleImportRejects(w http.ResponseWriter, r *http.Request, c *call) error {
	imp, err := s.findImport(r, c)
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(imp.Name, ".gz")
	name = strings.TrimSuffix(name, filepath.Ext(name)) + "-rejects.csv"
	startCSV(w, name)
	cw := csv.NewWriter(w)
	cw.Write([]string{"line", "field", "reason", "text"})
	err = s.Store.ImportRejects(r.Context(), c.scope, imp.ID, func(rej rapport.Reject) error {
		return cw.Write([]string{strconv.Itoa(rej.Line), tabular.SpreadsheetSafe(rej.Field), tabular.SpreadsheetSafe(rej.Message), tabular.SpreadsheetSafe(rej.Text)})
	})
	cw.Flush()
	if err != nil && !clientGone(r) {
		s.Logger.Error("write rejects", "import", imp.ID, "error", err) // the response has begun
	}
	return nil
}

// previewTable lays out previewed records as a table: a column per field that any of
// them has, in the order of the record.
func previewTable(kind string, previewed []ingest.Previewed) ([]string, []previewRow) {
	type column struct {
		name  string
		value func(p *ingest.Previewed) string
	}
	var columns []column
	if kind == mapping.Customers {
		c := func(p *ingest.Previewed) *rapport.Customer { return &p.Customer.Customer }
		columns = []column{
			{"Source ID", func(p *ingest.Previewed) string { return p.Customer.SourceKey }},
			{"Kind", func(p *ingest.Previewed) string { return string(c(p).Kind) }},
			{"Name", func(p *ingest.Previewed) string { // a person's, unless made of the names beside it
				if cu := c(p); cu.Kind != rapport.KindPerson || cu.Name != strings.TrimSpace(cu.GivenName+" "+cu.FamilyName) {
					return cu.Name
				}
				return ""
			}},
			{"Given name", func(p *ingest.Previewed) string { return c(p).GivenName }},
			{"Family name", func(p *ingest.Previewed) string { return c(p).FamilyName }},
			{"E-mails", func(p *ingest.Previewed) string { return contactText(c(p).Emails) }},
			{"Phones", func(p *ingest.Previewed) string { return contactText(c(p).Phones) }},
			{"Address", func(p *ingest.Previewed) string { return addressText(c(p).Addresses) }},
			{"Language", func(p *ingest.Previewed) string { return c(p).Language }},
			{"Channel", func(p *ingest.Previewed) string { return string(c(p).PreferredChannel) }},
			{"Relationships", func(p *ingest.Previewed) string { return joinText(c(p).Relationships) }},
			{"Tags", func(p *ingest.Previewed) string { return strings.Join(c(p).Tags, ", ") }},
			{"Attributes", func(p *ingest.Previewed) string { return attributeText(c(p).Attributes) }},
		}
	} else {
		in := func(p *ingest.Previewed) *rapport.IncomingInteraction { return p.Interaction }
		columns = []column{
			{"Source ID", func(p *ingest.Previewed) string { return in(p).SourceKey }},
			{"Customer", func(p *ingest.Previewed) string {
				if in(p).CustomerSourceKey == "" {
					return ""
				}
				return in(p).CustomerSource + ": " + in(p).CustomerSourceKey
			}},
			{"Type", func(p *ingest.Previewed) string { return string(in(p).Type) }},
			{"Channel", func(p *ingest.Previewed) string { return string(in(p).Channel) }},
			{"Occurred", func(p *ingest.Previewed) string {
				if in(p).OccurredAt.IsZero() {
					return ""
				}
				return in(p).OccurredAt.UTC().Format("2006-01-02 15:04 UTC")
			}},
			{"Summary", func(p *ingest.Previewed) string { return in(p).Summary }},
			{"Body", func(p *ingest.Previewed) string { return in(p).Body }},
			{"Amount", func(p *ingest.Previewed) string {
				if in(p).Amount == nil {
					return ""
				}
				return strings.TrimSpace(thousands.Group(in(p).Amount.String()) + " " + in(p).Currency)
			}},
			{"Attributes", func(p *ingest.Previewed) string { return attributeText(in(p).Attributes) }},
		}
	}
	values := make([][]string, len(previewed))
	used := make([]bool, len(columns))
	for i := range previewed {
		p := &previewed[i]
		values[i] = make([]string, len(columns))
		if p.Customer == nil && p.Interaction == nil { // a row that could not be read
			continue
		}
		for j, col := range columns {
			if values[i][j] = col.value(p); values[i][j] != "" {
				used[j] = true
			}
		}
	}
	var header []string
	for j, col := range columns {
		if used[j] {
			header = append(header, col.name)
		}
	}
	rows := make([]previewRow, len(previewed))
	for i, p := range previewed {
		rows[i] = previewRow{Line: p.Line, Warnings: p.Warnings, Problems: p.Problems}
		for j := range columns {
			if used[j] {
				rows[i].Values = append(rows[i].Values, values[i][j])
			}
		}
	}
	return header, rows
}

func contactText(cps []rapport.ContactPoint) string {
	var out []string
	for _, cp := range cps {
		if cp.Normalized != "" && cp.Normalized != cp.Value && strings.HasPrefix(cp.Normalized, "+") {
			out = append(out, cp.Value+" ("+cp.Normalized+")")
		} else {
			out = append(out, cp.Value)
		}
	}
	return strings.Join(out, ", ")
}

func addressText(addresses []rapport.Address) string {
	var out []string
	for _, a := range addresses {
		out = append(out, a.String())
	}
	return strings.Join(out, "; ")
}

func joinText[T ~string](values []T) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return strings.Join(out, ", ")
}

func attributeText(raw []byte) string {
	var out []string
	for _, a := range attrList(raw) {
		out = append(out, a.Key+": "+a.Value)
	}
	return strings.Join(out, "; ")
}
