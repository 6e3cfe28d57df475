package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
)

// people is a file of customers to import: line 3 has no name and is rejected, line 4
// has a value that must reach the page as text.
const people = "Customer ID;First Name;Last Name;Email\n" +
	"C-1;Ana;Silva;ana@silva.example\n" +
	"C-2;;;\n" +
	"C-3;<script>alert(1)</script>;Bold;bold@example.com\n"

// multipartForm makes a form of the fields and, when name is not "", a file.
func multipartForm(fields map[string]string, name, content string) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// upload sends the upload form.
func (b *browser) upload(fields map[string]string, name, content string) (*http.Response, string) {
	b.e.t.Helper()
	body, contentType := multipartForm(fields, name, content)
	res, err := b.client.Post(b.e.srv.URL+"/imports", contentType, strings.NewReader(body))
	must(b.e.t, err)
	defer res.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(res.Body)
	return res, out.String()
}

// fieldError is the message a page shows at a field, unescaped.
func fieldError(page, field string) string {
	m := regexp.MustCompile(`id="` + field + `-error"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func gzipText(s string) string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.String()
}

// TestImportPages uploads a file in the web app, previews it with the mapping
// proposed and with one edited, runs it, follows it to the end and downloads what it
// rejected.
func TestImportPages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")
			status, page := agent.get("/imports")
			if status != 200 || !strings.Contains(page, `<a href="/imports" aria-current="page">Import</a>`) || !strings.Contains(page, "No imports yet") {
				t.Fatalf("got %d, want the import page, in the navigation, with no imports yet", status)
			}

			res, _ := agent.upload(map[string]string{"kind": "customers", "source": "crm"}, "people.csv", people)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/imports/") {
				t.Fatalf("got %d to %q, want a redirect to the preview", res.StatusCode, res.Header.Get("Location"))
			}
			at := res.Header.Get("Location")
			id := strings.TrimPrefix(at, "/imports/")
			status, page = agent.get(at)
			for _, want := range []string{"given_name: First Name", "<th>Source ID</th>", "<td>Ana</td>", "<td>Silva</td>", "ana@silva.example",
				"<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>", "1 would be rejected", "Rejected, <strong>"} {
				if !strings.Contains(page, want) {
					t.Errorf("the preview lacks %q", want)
				}
			}
			if status != 200 || strings.Contains(page, "<script>alert") {
				t.Fatalf("got %d, and the page holds the file's <script> as markup: %t", status, strings.Contains(page, "<script>alert"))
			}
			if got := fieldError(page, "mapping"); got != "" {
				t.Errorf("the proposed mapping has the error %q", got)
			}

			// A mapping that does not parse, or reads a column the file lacks, is
			// shown with the parser's message; nothing runs.
			for _, tt := range []struct{ mapping, message string }{
				{"record: customers\nfields: [", "line 2"},
				{"record: customers\nfields: {source_id: Customer ID, emails: E-mail}\n", `"E-mail", which the file does not have`},
				{"record: interactions\nfields: {source_id: a, customer_source_id: b}\n", "The mapping says record: interactions"},
				{"record: customers\nfields: {source_id: Customer ID, shoe_size: Size}\n", `no field "shoe_size"`},
			} {
				for _, action := range []string{"preview", "run"} {
					res, page := agent.post(at+"/"+action, url.Values{"mapping": {tt.mapping}})
					if got := fieldError(page, "mapping"); res.StatusCode != 400 || !strings.Contains(got, tt.message) {
						t.Errorf("%s with %q: got %d and %q at the mapping, want 400 and %q", action, tt.mapping, res.StatusCode, got, tt.message)
					}
					if !strings.Contains(page, html.EscapeString(tt.mapping)) {
						t.Errorf("%s with %q: the mapping sent is not shown to correct", action, tt.mapping)
					}
				}
			}
			// An edited mapping is previewed as edited.
			edited := "record: customers\nfields: {source_id: Customer ID, family_name: Last Name, emails: Email}\ndefaults: {kind: person, tags: vip}\n"
			res, page = agent.post(at+"/preview", url.Values{"mapping": {edited}})
			if res.StatusCode != 200 || !strings.Contains(page, "<th>Tags</th>") || strings.Contains(page, "<th>Given name</th>") || !strings.Contains(page, "<td>vip</td>") {
				t.Errorf("got %d, want the preview through the edited mapping", res.StatusCode)
			}
			if imp, _ := e.db.FindImport(ctx, rapport.SystemScope("test"), rapport.MustParseID(id)); imp.State != rapport.ImportDraft {
				t.Fatalf("got %s after previews, want a draft still", imp.State)
			}

			// Run it with the mapping proposed: queued, then done.
			_, proposed := agent.get(at)
			mapping := html.UnescapeString(regexp.MustCompile(`(?s)<textarea id="mapping"[^>]*>(.*?)</textarea>`).FindStringSubmatch(proposed)[1])
			res, _ = agent.post(at+"/run", url.Values{"mapping": {mapping}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != at {
				t.Fatalf("got %d to %q, want back to the import", res.StatusCode, res.Header.Get("Location"))
			}
			_, page = agent.get(at)
			if !strings.Contains(page, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(page, "Queued") {
				t.Errorf("a queued import's page does not follow it")
			}
			if res, _ := agent.post(at+"/run", url.Values{"mapping": {mapping}}); res.StatusCode != http.StatusConflict {
				t.Errorf("got %d starting a queued import again, want 409", res.StatusCode)
			}
			e.runJobs()
			_, page = agent.get(at)
			counts := regexp.MustCompile(`<dt>(\w+)</dt><dd>(\d+)</dd>`).FindAllStringSubmatch(page, -1)
			var got []string
			for _, c := range counts {
				got = append(got, c[1]+" "+c[2])
			}
			if want := "[Read 3 Created 2 Updated 0 Linked 0 Unchanged 0 Rejected 1]"; fmt.Sprint(got) != want {
				t.Errorf("got the counts %v, want %s", got, want)
			}
			if strings.Contains(page, "http-equiv") || !strings.Contains(page, "Done") || !strings.Contains(page, "100.0 %") {
				t.Errorf("the page of a finished import does not say so, or still refreshes")
			}
			res, err := agent.client.Get(e.srv.URL + at + "/rejects.csv")
			must(t, err)
			b, err := io.ReadAll(res.Body)
			res.Body.Close()
			must(t, err)
			text, bom := strings.CutPrefix(string(b), tabular.BOM)
			rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
			must(t, err)
			if !bom || len(rows) != 2 || fmt.Sprint(rows[0]) != "[line field reason text]" || rows[1][0] != "3" || rows[1][1] == "" || rows[1][3] != "C-2;;;" ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "people-rejects.csv") {
				t.Errorf("got the rejects %q (%s), want line 3 with its field, reason and text", rows, res.Header.Get("Content-Disposition"))
			}
			if left, _ := filepath.Glob(filepath.Join(e.uploads, "*")); len(left) != 0 {
				t.Errorf("the upload directory holds %v after the import, want nothing", left)
			}

			// A file in Rapport's own shape is previewed without a mapping.
			res, _ = agent.upload(map[string]string{"kind": "customers", "source": "crm"}, "native.ndjson",
				`{"source_id":"N-1","kind":"person","given_name":"Nia","emails":["nia@example.com"]}`+"\n")
			if _, page := agent.get(res.Header.Get("Location")); !strings.Contains(page, "needs no mapping") || !strings.Contains(page, "<td>nia@example.com</td>") {
				t.Errorf("the preview of a file in Rapport's own shape does not show it as such")
			}

			// Only its starter and admins see it.
			insider := e.signIn("insider@example.com")
			for _, path := range []string{at, at + "/rejects.csv"} {
				if status, _ := insider.get(path); status != 404 {
					t.Errorf("another agent got %d for %s, want 404", status, path)
				}
			}
			if _, page := insider.get("/imports"); strings.Contains(page, "people.csv") {
				t.Error("another agent's list shows the import")
			}
			if status, page := e.signIn("admin@example.com").get("/imports"); status != 200 || !strings.Contains(page, "people.csv") || !strings.Contains(page, "by agent") {
				t.Errorf("the admin's list does not show the agent's import and who started it")
			}
			if status, page := e.signIn("outsider@example.com").get("/imports"); status != 403 {
				t.Errorf("an analyst got %d for the import page, want 403", status)
			} else if _, page = e.signIn("outsider@example.com").get("/customers"); strings.Contains(page, `href="/imports"`) {
				t.Error("an analyst's navigation leads to the import page")
			}
		})
	}
}

// TestImportUploadErrors sends uploads that cannot be imported: each is refused
// with a message at the field at fault, and nothing is kept.
func TestImportUploadErrors(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent := e.signIn("agent@example.com")
			ok := map[string]string{"kind": "customers", "source": "crm"}
			with := func(k, v string) map[string]string {
				f := map[string]string{"kind": ok["kind"], "source": ok["source"]}
				if v == "" {
					delete(f, k)
				} else {
					f[k] = v
				}
				return f
			}
			for _, tt := range []struct {
				name           string
				fields         map[string]string
				file, content  string
				status         int
				field, message string
			}{
				{"NoFile", ok, "", "", 400, "file", "Choose a file"},
				{"EmptyFileField", ok, "", "", 400, "file", "Choose a file"},
				{"UnknownKind", with("kind", "orders"), "people.csv", people, 400, "kind", "customers or interactions"},
				{"NoKind", with("kind", ""), "people.csv", people, 400, "kind", "customers or interactions"},
				{"NoSource", with("source", ""), "people.csv", people, 400, "source", "Source is required"},
				{"BadSource", with("source", "The CRM"), "people.csv", people, 400, "source", "lower-case letters"},
				{"TooLarge", ok, "big.csv", "id,name\n" + strings.Repeat("1,Ann\n", maxUpload/6), 413, "file", "over this server's limit of 64 KiB"},
				{"TooLargeDecompressed", ok, "big.csv.gz", gzipText("id,name\n" + strings.Repeat("1,Ann\n", maxUpload/6)), 413, "file", "64 KiB once decompressed"},
				{"UTF16", ok, "people.csv", "\xff\xfeI\x00d\x00\n\x00", 400, "file", "not text in UTF-8 or Latin-1"},
				{"DamagedGzip", ok, "people.csv.gz", gzipText(people)[:30], 400, "file", "damaged"},
				{"NoHeader", ok, "people.csv", "\n\n", 400, "file", "could not be read"},
				{"BrokenJSON", ok, "people.json", `[{"id": 1,`, 400, "file", "could not be read"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					fields, file, content := tt.fields, tt.file, tt.content
					if tt.name == "EmptyFileField" {
						file = " " // a form whose file input is empty sends a part without a name
					}
					body, contentType := multipartForm(fields, strings.TrimSpace(file), content)
					if tt.name == "EmptyFileField" {
						body, contentType = emptyFilePart(fields)
					}
					res, err := agent.client.Post(e.srv.URL+"/imports", contentType, strings.NewReader(body))
					must(t, err)
					var out bytes.Buffer
					out.ReadFrom(res.Body)
					res.Body.Close()
					page := out.String()
					if got := fieldError(page, tt.field); res.StatusCode != tt.status || !strings.Contains(got, tt.message) {
						t.Errorf("got %d and %q at %s, want %d and %q", res.StatusCode, got, tt.field, tt.status, tt.message)
					}
					if tt.field != "source" && !strings.Contains(page, `value="`+fields["source"]+`"`) {
						t.Errorf("the form lost the source typed")
					}
					if tt.field != "file" && !strings.Contains(page, "Choose it again") {
						t.Errorf("the form does not say to choose the file again")
					}
					if left, _ := filepath.Glob(filepath.Join(e.uploads, "*")); len(left) != 0 {
						t.Errorf("a refused upload left %v", left)
					}
				})
			}
			// Everything wrong is said at once.
			if res, page := agent.upload(map[string]string{"kind": "customers"}, "", ""); res.StatusCode != 400 ||
				fieldError(page, "file") == "" || fieldError(page, "source") == "" {
				t.Errorf("got %d, file %q and source %q, want both refused", res.StatusCode, fieldError(page, "file"), fieldError(page, "source"))
			}
			if list, _, _ := e.db.FindImports(ctx, rapport.SystemScope("test"), rapport.ImportFilter{}); len(list) != 0 {
				t.Errorf("got %d imports, want none from refused uploads", len(list))
			}

			// A mapping sent with the file that does not parse is shown on the preview,
			// to correct.
			res, _ := agent.upload(map[string]string{"kind": "customers", "source": "crm", "mapping": "record: customers\nfields: {source_id: Nope}\n"}, "people.csv", people)
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("got %d, want the upload kept for its preview", res.StatusCode)
			}
			status, page := agent.get(res.Header.Get("Location"))
			if got := fieldError(page, "mapping"); status != 200 || !strings.Contains(got, `"Nope", which the file does not have`) {
				t.Errorf("got %d and %q at the mapping, want the missing column named", status, got)
			}
			// Deleting the draft deletes its file.
			res, _ = agent.post(res.Header.Get("Location")+"/delete", nil)
			if left, _ := os.ReadDir(e.uploads); res.StatusCode != http.StatusSeeOther || len(left) != 0 {
				t.Errorf("got %d and %d files left after deleting the draft", res.StatusCode, len(left))
			}
		})
	}
}

// emptyFilePart is the form a browser sends when no file was chosen: the part is
// there, with an empty file name and no content.
func emptyFilePart(fields map[string]string) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.CreateFormFile("file", "")
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestImportAPI imports files in the background through the API: the file is stored
// and queued (202), its progress followed, its rejects listed; bad requests are refused
// with the field at fault before anything is stored.
func TestImportAPI(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			const agent, insider, admin = "agent@example.com", "insider@example.com", "admin@example.com"
			type status struct {
				ID, State, Mapping, Error string
				Read, Created, Rejected   int
				Share                     float64
				UserID                    string `json:"user_id"`
			}
			res, body := e.do("POST", "/api/v1/imports?kind=customers&source=crm&async=true", agent, people, "Content-Type", "text/csv")
			imp := decode[status](t, body)
			if res.StatusCode != 202 || res.Header.Get("Location") != "/api/v1/imports/"+imp.ID || imp.State != "queued" ||
				!strings.Contains(imp.Mapping, "source_id: Customer ID") || imp.UserID != e.agent.ID.String() {
				t.Fatalf("got %d %s, want 202 with the queued import and the mapping proposed", res.StatusCode, body)
			}
			e.runJobs()
			_, body = e.do("GET", "/api/v1/imports/"+imp.ID, agent, "")
			if got := decode[status](t, body); got.State != "done" || got.Read != 3 || got.Created != 2 || got.Rejected != 1 || got.Share != 1 {
				t.Errorf("got %s, want it done: 3 read, 2 created, 1 rejected", body)
			}
			_, body = e.do("GET", "/api/v1/imports/"+imp.ID+"/rejects", agent, "")
			rejects := decode[struct{ Data []rapport.Reject }](t, body).Data
			if len(rejects) != 1 || rejects[0].Line != 3 || rejects[0].Field == "" || rejects[0].Text != "C-2;;;" {
				t.Errorf("got %s, want line 3 with its field and text", body)
			}
			_, body = e.do("GET", "/api/v1/imports?limit=1", agent, "")
			if list := decode[struct{ Data []status }](t, body).Data; len(list) != 1 || list[0].ID != imp.ID {
				t.Errorf("got %s, want the import listed", body)
			}

			// A mapping and a gzipped file in a form; sent twice with one key, it is
			// stored and imported once.
			form, contentType := multipartForm(map[string]string{"mapping": "record: customers\nfields: {source_id: Customer ID, family_name: Last Name}\ndefaults: {kind: person}\n"},
				"people.csv.gz", gzipText(people))
			var first string
			for i := range 2 {
				res, body := e.do("POST", "/api/v1/imports?kind=customers&source=crm&async=true", agent, form, "Content-Type", contentType, "Idempotency-Key", "upload-1")
				got := decode[status](t, body)
				if res.StatusCode != 202 || (i == 1 && (got.ID != first || res.Header.Get("Idempotent-Replayed") != "true")) {
					t.Fatalf("attempt %d: got %d %s, want the same import", i+1, res.StatusCode, body)
				}
				first = got.ID
			}
			if left, _ := os.ReadDir(e.uploads); len(left) != 1 {
				t.Errorf("got %d files in the upload directory, want the one queued", len(left))
			}
			e.runJobs()
			_, body = e.do("GET", "/api/v1/imports/"+first, agent, "")
			if got := decode[status](t, body); got.State != "done" || got.Read != 3 || got.Rejected != 1 {
				t.Errorf("got %s, want it done", body)
			}

			// A file in Rapport's own shape needs no mapping.
			native := `{"source_id":"N-1","kind":"person","given_name":"Nia","emails":["nia@example.com"]}` + "\n"
			res, body = e.do("POST", "/api/v1/imports?kind=customers&source=crm&async=true", agent, native, "Content-Type", "application/x-ndjson")
			if got := decode[status](t, body); res.StatusCode != 202 || got.Mapping != "" {
				t.Fatalf("got %d %s, want it queued without a mapping", res.StatusCode, body)
			}
			e.runJobs()
			_, body = e.do("GET", "/api/v1/imports/"+decode[status](t, body).ID, agent, "")
			if got := decode[status](t, body); got.State != "done" || got.Created != 1 {
				t.Errorf("got %s, want Nia created", body)
			}

			// Only its starter and admins see it.
			for _, path := range []string{"/api/v1/imports/" + imp.ID, "/api/v1/imports/" + imp.ID + "/rejects"} {
				if res, _ := e.do("GET", path, insider, ""); res.StatusCode != 404 {
					t.Errorf("another agent got %d for %s, want 404", res.StatusCode, path)
				}
				if res, _ := e.do("GET", path, admin, ""); res.StatusCode != 200 {
					t.Errorf("an admin got %d for %s, want 200", res.StatusCode, path)
				}
			}

			const path = "/api/v1/imports?async=true&"
			for _, tt := range []struct {
				name, query, body, contentType string
				status                         int
				field, message                 string
			}{
				{"NoKind", "source=crm", people, "text/csv", 400, "kind", "customers or interactions"},
				{"UnknownKind", "kind=orders&source=crm", people, "text/csv", 400, "kind", "customers or interactions"},
				{"NoSource", "kind=customers", people, "text/csv", 400, "source", "source is required"},
				{"BadSource", "kind=customers&source=The%20CRM", people, "text/csv", 400, "source", "lower-case letters"},
				{"BadAsync", "kind=customers&source=crm&async=soon", people, "text/csv", 400, "async", "true or false"},
				{"NoFile", "kind=customers&source=crm", "", "text/csv", 400, "file", "empty"},
				{"TooLarge", "kind=customers&source=crm", "id,name\n" + strings.Repeat("1,Ann\n", maxUpload/6), "text/csv", 413, "file", "64 KiB"},
				{"UTF16", "kind=customers&source=crm", "\xff\xfeI\x00d\x00", "text/csv", 400, "file", "UTF-16"},
				{"BadMapping", "kind=customers&source=crm", "", "", 400, "mapping", "line 2"},
				{"IncompleteProposal", "kind=customers&source=crm", "First,Last\nAna,Silva\n", "text/csv", 400, "mapping", "complete the mapping proposed"},
			} {
				t.Run(tt.name, func(t *testing.T) {
					body, contentType := tt.body, tt.contentType
					if tt.name == "BadMapping" {
						body, contentType = multipartForm(map[string]string{"mapping": "record: customers\nfields: ["}, "people.csv", people)
					}
					q := path + tt.query
					if tt.name == "BadAsync" {
						q = "/api/v1/imports?" + tt.query
					}
					res, out := e.do("POST", q, agent, body, "Content-Type", contentType)
					if res.StatusCode != tt.status || !strings.Contains(out, `"field":"`+tt.field+`"`) || !strings.Contains(out, tt.message) {
						t.Errorf("got %d %s, want %d about %s saying %q", res.StatusCode, out, tt.status, tt.field, tt.message)
					}
				})
			}
			if res, body := e.do("POST", path+"kind=customers&source=crm", "outsider@example.com", people, "Content-Type", "text/csv"); res.StatusCode != 403 {
				t.Errorf("got %d %s for an analyst, want 403", res.StatusCode, body)
			}
			if left, _ := os.ReadDir(e.uploads); len(left) != 0 {
				t.Errorf("refused uploads left %d files", len(left))
			}
		})
	}
}
