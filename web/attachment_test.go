package web_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// pngOf is a small valid PNG.
func pngOf(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	must(t, png.Encode(&b, img))
	return b.Bytes()
}

const letterPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// file is one file part of a form: its name, the type the browser claims, its bytes.
type file struct{ name, claimed, content string }

// postMultipart sends a multipart form, as a browser sends the interaction form.
func (b *browser) postMultipart(path string, fields map[string]string, files ...file) (*http.Response, string) {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="files"; filename="`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.name)+`"`)
		h.Set("Content-Type", f.claimed)
		w, _ := mw.CreatePart(h)
		io.WriteString(w, f.content)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.e.srv.URL+path, &body)
	must(b.e.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.client.Do(req)
	must(b.e.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

// fetch gets a path with the session and headers, and returns the whole response.
func (b *browser) fetch(path string, headers ...string) (*http.Response, string) {
	b.e.t.Helper()
	req, err := http.NewRequest("GET", b.e.srv.URL+path, nil)
	must(b.e.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := b.client.Do(req)
	must(b.e.t, err)
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, string(out)
}

// stored counts the contents in the attachment store.
func (e *env) stored() int {
	e.t.Helper()
	n := 0
	must(e.t, filepath.WalkDir(e.attachments.Dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	}))
	return n
}

// attachmentsOf returns the attachments on a customer's timeline, newest interaction first.
func (e *env) attachmentsOf(c *rapport.Customer) []*rapport.Attachment {
	e.t.Helper()
	page, _, err := e.db.FindInteractions(ctx, rapport.SystemScope("test"), rapport.InteractionFilter{CustomerID: c.ID})
	must(e.t, err)
	var out []*rapport.Attachment
	for _, in := range page {
		out = append(out, in.Attachments...)
	}
	return out
}

func interactionForm(summary string) map[string]string {
	return map[string]string{"type": "letter", "channel": "post", "summary": summary, "occurred_at": "2026-03-02T10:00"}
}

func TestAttachmentsOnTheProfile(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	agent := e.signIn("agent@example.com")
	profile := "/customers/" + e.open.ID.String()
	image := pngOf(t)

	res, body := agent.postMultipart(profile+"/interactions", interactionForm("Signed form received"),
		file{"C:\\Scans\\form.png", "image/png", string(image)},
		file{"../../x.html", "image/png", "<html><script>alert(document.cookie)</script></html>"},
		file{"letter.pdf", "application/pdf", letterPDF})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("posting the form with files: %d %s", res.StatusCode, body)
	}
	got := e.attachmentsOf(e.open)
	if len(got) != 3 || e.stored() != 3 {
		t.Fatalf("got %d attachments and %d stored contents, want 3 of each", len(got), e.stored())
	}
	form, html, pdf := got[0], got[1], got[2]
	if form.Name != "form.png" || form.ContentType != "image/png" || form.Size != int64(len(image)) || form.AddedBy != e.agent.ID {
		t.Errorf("the PNG: %+v", form)
	}
	if html.Name != "x.html" || html.ContentType != "text/html" {
		t.Errorf("HTML sent as image/png named ../../x.html: name %q, type %q; want x.html, text/html", html.Name, html.ContentType)
	}
	if pdf.ContentType != "application/pdf" {
		t.Errorf("the PDF: type %q", pdf.ContentType)
	}

	// The timeline shows the image as a thumbnail, the PDF in place, the HTML as a download.
	_, page := agent.get(profile)
	for _, want := range []string{
		`<img src="/attachments/` + form.ID.String() + `" alt="form.png" loading="lazy"`,
		`<iframe src="/attachments/` + pdf.ID.String() + `" title="letter.pdf" loading="lazy">`,
		`<a class="file" href="/attachments/` + html.ID.String() + `?download=1" download>x.html</a>`,
		`enctype="multipart/form-data"`,
		`action="/attachments/` + form.ID.String() + `/delete"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the profile lacks %s", want)
		}
	}

	tests := []struct {
		name, path, wantType, wantDisposition, wantCSP string
	}{
		{"PNG", "/attachments/" + form.ID.String(), "image/png", `inline; filename="form.png"; filename*=UTF-8''form.png`, "sandbox"},
		{"PNG download", "/attachments/" + form.ID.String() + "?download=1", "application/octet-stream", `attachment; filename="form.png"`, "sandbox"},
		{"HTML", "/attachments/" + html.ID.String(), "application/octet-stream", `attachment; filename="x.html"; filename*=UTF-8''x.html`, "sandbox"},
		{"PDF", "/attachments/" + pdf.ID.String(), "application/pdf", `inline; filename="letter.pdf"`, "sandbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := agent.fetch(tt.path)
			h := res.Header
			switch {
			case res.StatusCode != 200:
				t.Fatalf("status %d: %s", res.StatusCode, body)
			case h.Get("Content-Type") != tt.wantType:
				t.Errorf("Content-Type %q, want %q", h.Get("Content-Type"), tt.wantType)
			case !strings.HasPrefix(h.Get("Content-Disposition"), tt.wantDisposition):
				t.Errorf("Content-Disposition %q, want it to begin %q", h.Get("Content-Disposition"), tt.wantDisposition)
			case h.Get("X-Content-Type-Options") != "nosniff":
				t.Errorf("X-Content-Type-Options %q, want nosniff", h.Get("X-Content-Type-Options"))
			case !strings.Contains(h.Get("Content-Security-Policy"), tt.wantCSP) || strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'"):
				t.Errorf("Content-Security-Policy %q, want %q and no scripts", h.Get("Content-Security-Policy"), tt.wantCSP)
			case h.Get("ETag") == "" || h.Get("Cache-Control") != "private, no-cache":
				t.Errorf("ETag %q, Cache-Control %q", h.Get("ETag"), h.Get("Cache-Control"))
			}
		})
	}
	// Ranges and revalidation.
	res, part := agent.fetch("/attachments/"+pdf.ID.String(), "Range", "bytes=0-7")
	if res.StatusCode != http.StatusPartialContent || part != "%PDF-1.4" {
		t.Errorf("a range: %d %q, want 206 %%PDF-1.4", res.StatusCode, part)
	}
	res, _ = agent.fetch("/attachments/"+pdf.ID.String(), "If-None-Match", `"`+pdf.SHA256+`"`)
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation with the ETag: %d, want 304", res.StatusCode)
	}
	// Every read is audited, revalidations included.
	events, _, err := e.db.FindAuditEvents(ctx, rapport.SystemScope("test"), rapport.AuditFilter{Entities: []string{"attachment"}, Action: "read", CustomerID: e.open.ID})
	must(t, err)
	if len(events) != len(tests)+2 || events[0].UserID != e.agent.ID {
		t.Errorf("got %d audited reads of attachments, want %d, by the agent", len(events), len(tests)+2)
	}

	// A name with quotes and letters outside ASCII is encoded, not pasted.
	res, _ = agent.postMultipart(profile+"/interactions", interactionForm("Carta"), file{`Cotação "final"; x.txt`, "text/plain", "Olá"})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("posting a text file: %d", res.StatusCode)
	}
	text := e.attachmentsOf(e.open)[0]
	res, _ = agent.fetch("/attachments/" + text.ID.String())
	if got, want := res.Header.Get("Content-Disposition"), `inline; filename="Cota__o _final__ x.txt"; filename*=UTF-8''Cota%C3%A7%C3%A3o%20%22final%22%3B%20x.txt`; got != want {
		t.Errorf("Content-Disposition %s, want %s", got, want)
	}
	if got := res.Header.Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("text file: Content-Type %q", got)
	}

	// Walls: the walled customer's files are not found by those outside.
	insider := e.signIn("insider@example.com")
	res, _ = insider.postMultipart("/customers/"+e.walled.ID.String()+"/interactions", interactionForm("Walled letter"), file{"secret.pdf", "", letterPDF})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the insider attaching: %d", res.StatusCode)
	}
	secret := e.attachmentsOf(e.walled)[0]
	if status, _ := agent.get("/attachments/" + secret.ID.String()); status != http.StatusNotFound {
		t.Errorf("the agent outside the wall reading its file: %d, want 404", status)
	}
	if status, _ := insider.get("/attachments/" + secret.ID.String()); status != http.StatusOK {
		t.Errorf("the insider reading the file: %d, want 200", status)
	}
	before := e.stored()
	res, _ = agent.postMultipart("/customers/"+e.walled.ID.String()+"/interactions", interactionForm("Sneaky"), file{"x.pdf", "", letterPDF})
	if res.StatusCode != http.StatusNotFound || e.stored() != before {
		t.Errorf("the agent attaching to the walled customer: %d with %d contents stored (was %d), want 404 and nothing kept", res.StatusCode, e.stored(), before)
	}

	// Removing a file deletes its content once the job has run.
	res, _ = agent.post("/attachments/"+form.ID.String()+"/delete", nil)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("removing the PNG: %d", res.StatusCode)
	}
	e.runJobs()
	if _, err := e.attachments.Stat(ctx, form.StorageKey); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("the removed PNG's content: %v, want it deleted", err)
	}
	if status, _ := agent.get("/attachments/" + form.ID.String()); status != http.StatusNotFound {
		t.Errorf("the removed PNG: %d, want 404", status)
	}
}

func TestAttachmentFormErrors(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	agent := e.signIn("agent@example.com")
	path := "/customers/" + e.open.ID.String() + "/interactions"
	big := strings.Repeat("x", maxAttachment+1)
	tests := []struct {
		name   string
		fields map[string]string
		files  []file
		status int
		want   string
	}{
		{"TooLarge", interactionForm("Big"), []file{{"ok.txt", "", "fine"}, {"big.txt", "text/plain", big}}, http.StatusRequestEntityTooLarge, "big.txt is over the limit of 32 KiB"},
		{"Empty", interactionForm("Empty"), []file{{"empty.pdf", "application/pdf", ""}}, http.StatusBadRequest, "empty.pdf is empty"},
		{"BadInteraction", map[string]string{"type": "letter", "channel": "post"}, []file{{"ok.txt", "", "fine"}}, http.StatusBadRequest, "Summary is required"},
		{"UnknownField", map[string]string{"type": "letter", "channel": "post", "summary": "x", "evil": "1"}, nil, http.StatusBadRequest, "The form has no field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := agent.postMultipart(path, tt.fields, tt.files...)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.want) {
				t.Errorf("got %d, want %d with %q", res.StatusCode, tt.status, tt.want)
			}
			if n := e.stored(); n != 0 {
				t.Errorf("%d contents stored, want none kept after an error", n)
			}
			if got := e.attachmentsOf(e.open); len(got) != 0 {
				t.Errorf("%d attachments recorded", len(got))
			}
		})
	}
	// Without files, the form still works as a plain form.
	res, _ := agent.postMultipart(path, interactionForm("No files"))
	if res.StatusCode != http.StatusSeeOther {
		t.Errorf("the form without files: %d, want 303", res.StatusCode)
	}
}

func TestAttachmentAPI(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			const agent, outsider, insider = "agent@example.com", "outsider@example.com", "insider@example.com"
			in := &rapport.Interaction{CustomerID: e.open.ID, Type: "letter", Channel: "post", Summary: "Letter"}
			in.OccurredAt = in.CreatedAt.AddDate(2026, 0, 0)
			must(t, e.db.CreateInteraction(ctx, rapport.SystemScope("test"), in))
			base := "/api/v1/interactions/" + in.ID.String() + "/attachments"

			res, body := e.do("POST", base+"?name=..%2F..%2Fletter.pdf", agent, letterPDF, "Content-Type", "text/html", "Idempotency-Key", "a-1")
			if res.StatusCode != 201 {
				t.Fatalf("upload: %d %s", res.StatusCode, body)
			}
			a := decode[rapport.Attachment](t, body)
			if a.Name != "letter.pdf" || a.ContentType != "application/pdf" || a.Size != int64(len(letterPDF)) || res.Header.Get("Location") != "/api/v1/attachments/"+a.ID.String() {
				t.Errorf("uploaded: %+v at %s", a, res.Header.Get("Location"))
			}
			res, again := e.do("POST", base+"?name=..%2F..%2Fletter.pdf", agent, letterPDF, "Content-Type", "text/html", "Idempotency-Key", "a-1")
			if again != body || res.Header.Get("Idempotent-Replayed") != "true" || e.stored() != 1 {
				t.Errorf("a retry with the same key: replayed %q, %d contents stored; want the first answer and 1 content", res.Header.Get("Idempotent-Replayed"), e.stored())
			}

			res, content := e.do("GET", "/api/v1/attachments/"+a.ID.String(), agent, "")
			if res.StatusCode != 200 || content != letterPDF || res.Header.Get("Content-Type") != "application/pdf" {
				t.Errorf("content: %d %s %q", res.StatusCode, res.Header.Get("Content-Type"), content)
			}
			// Ranges: a part, and errors in JSON for ranges not in the file.
			if res, part := e.do("GET", "/api/v1/attachments/"+a.ID.String(), agent, "", "Range", "bytes=0-7"); res.StatusCode != 206 || part != letterPDF[:8] {
				t.Errorf("a range: %d %q, want 206 %q", res.StatusCode, part, letterPDF[:8])
			}
			for _, rng := range []string{"bytes=100000-100050", "bytes=9-5", "pages=1"} {
				res, body := e.do("GET", "/api/v1/attachments/"+a.ID.String(), agent, "", "Range", rng)
				if res.StatusCode != 416 || res.Header.Get("Content-Type") != "application/json" || res.Header.Get("Content-Disposition") != "" ||
					decode[errorBody](t, body).Error.Code != "range_not_satisfiable" || !strings.Contains(body, rng) {
					t.Errorf("Range %s: got %d %s %s, want 416 in JSON naming the range", rng, res.StatusCode, res.Header.Get("Content-Type"), body)
				}
			}
			if res, _ := e.do("GET", "/api/v1/attachments/"+a.ID.String(), agent, "", "Range", "bytes=100000-100050"); res.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(letterPDF)) {
				t.Errorf("a range past the end: Content-Range %q, want the size", res.Header.Get("Content-Range"))
			}
			_, list := e.do("GET", base, agent, "")
			if items := decode[struct{ Data []rapport.Attachment }](t, list).Data; len(items) != 1 || items[0].ID != a.ID {
				t.Errorf("the list: %s", list)
			}
			_, timeline := e.do("GET", "/api/v1/customers/"+e.open.ID.String()+"/interactions", agent, "")
			if items := decode[struct{ Data []rapport.Interaction }](t, timeline).Data; len(items) != 1 || len(items[0].Attachments) != 1 {
				t.Errorf("the timeline: %s", timeline)
			}

			for _, tt := range []struct {
				name, path, as, body string
				status               int
				field                string
			}{
				{"NoName", base, agent, "x", 400, "name"},
				{"Empty", base + "?name=e.txt", agent, "", 400, "file"},
				{"TooLarge", base + "?name=big.bin", agent, strings.Repeat("x", maxAttachment+1), 413, "file"},
				{"Analyst", base + "?name=a.txt", outsider, "x", 403, ""},
				{"UnknownInteraction", "/api/v1/interactions/" + rapport.NewID().String() + "/attachments?name=a.txt", agent, "x", 404, ""},
			} {
				t.Run(tt.name, func(t *testing.T) {
					res, body := e.do("POST", tt.path, tt.as, tt.body, "Content-Type", "application/octet-stream")
					if res.StatusCode != tt.status || (tt.field != "" && !strings.Contains(body, `"field":"`+tt.field+`"`)) {
						t.Errorf("got %d %s, want %d about %q", res.StatusCode, body, tt.status, tt.field)
					}
				})
			}
			if n := e.stored(); n != 1 {
				t.Errorf("%d contents stored after the refused uploads, want 1", n)
			}

			// Walls hide the walled customer's attachments, as they hide the customer.
			walled := &rapport.Interaction{CustomerID: e.walled.ID, Type: "letter", Channel: "post", Summary: "Walled", OccurredAt: in.OccurredAt}
			must(t, e.db.CreateInteraction(ctx, rapport.SystemScope("test"), walled))
			res, body = e.do("POST", "/api/v1/interactions/"+walled.ID.String()+"/attachments?name=w.txt", insider, "walled text")
			if res.StatusCode != 201 {
				t.Fatalf("insider upload: %d %s", res.StatusCode, body)
			}
			w := decode[rapport.Attachment](t, body)
			for _, path := range []string{"/api/v1/attachments/" + w.ID.String(), "/api/v1/interactions/" + walled.ID.String() + "/attachments"} {
				if res, _ := e.do("GET", path, agent, ""); res.StatusCode != 404 {
					t.Errorf("the agent outside the wall: GET %s answered %d, want 404", path, res.StatusCode)
				}
			}
			if res, _ := e.do("DELETE", "/api/v1/attachments/"+w.ID.String(), agent, ""); res.StatusCode != 404 {
				t.Errorf("the agent deleting a walled attachment: %d, want 404", res.StatusCode)
			}

			// Deleting the attachment, and the customer, delete the contents after the job.
			if res, _ := e.do("DELETE", "/api/v1/attachments/"+a.ID.String(), agent, ""); res.StatusCode != 204 {
				t.Errorf("delete: %d", res.StatusCode)
			}
			must(t, e.db.DeleteCustomer(ctx, rapport.SystemScope("test"), e.walled.ID))
			if n := e.stored(); n != 2 {
				t.Errorf("%d contents before the job, want 2: they go after the commit, by the job", n)
			}
			e.runJobs()
			if n := e.stored(); n != 0 {
				t.Errorf("%d contents after the purge job, want none", n)
			}
		})
	}
}

// TestFeedbackFiles: files are attached to feedback from its page and through the API,
// shown on the page, served to those who see the feedback and to no one else.
func TestFeedbackFiles(t *testing.T) {
	e := newEnv(t, sqldbtest.SQLite)
	fb := &rapport.Feedback{CustomerID: e.open.ID, Kind: "complaint", Text: "The lid broke"}
	_, err := e.db.CreateFeedback(ctx, rapport.SystemScope("test"), fb)
	must(t, err)
	hidden := &rapport.Feedback{CustomerID: e.walled.ID, Kind: "complaint", Text: "Behind the wall"}
	_, err = e.db.CreateFeedback(ctx, rapport.SystemScope("test"), hidden)
	must(t, err)
	agent := e.signIn("agent@example.com")

	res, _ := agent.postMultipart("/feedback/"+fb.ID.String()+"/attachments", nil, file{"lid.png", "image/png", string(pngOf(t))})
	if res.StatusCode != 303 {
		t.Fatalf("attach on the page: %d", res.StatusCode)
	}
	files, err := e.db.FindFeedbackAttachments(ctx, rapport.SystemScope("test"), fb.ID)
	must(t, err)
	if len(files) != 1 || files[0].ContentType != "image/png" || files[0].Name != "lid.png" {
		t.Fatalf("attached: %+v", files)
	}
	if _, body := agent.get("/feedback/" + fb.ID.String()); !strings.Contains(body, `href="/attachments/`+files[0].ID.String()+`"`) {
		t.Errorf("the feedback's page does not show its file")
	}
	if res, content := agent.fetch("/attachments/" + files[0].ID.String()); res.StatusCode != 200 || content != string(pngOf(t)) {
		t.Errorf("serve the file: %d", res.StatusCode)
	}
	if res, body := agent.postMultipart("/feedback/"+fb.ID.String()+"/attachments", nil); res.StatusCode != 422 || strings.Count(body, "Choose one or more files") != 1 {
		t.Errorf("attach nothing: %d; want the message once, under the form", res.StatusCode)
	}
	if res, _ := agent.postMultipart("/feedback/"+hidden.ID.String()+"/attachments", nil, file{"x.txt", "text/plain", "x"}); res.StatusCode != 404 {
		t.Errorf("attach to walled feedback: %d, want 404", res.StatusCode)
	}

	base := "/api/v1/feedback/" + fb.ID.String() + "/attachments"
	res, body := e.do("POST", base+"?name=receipt.pdf", "agent@example.com", letterPDF, "Content-Type", "application/pdf")
	if res.StatusCode != 201 {
		t.Fatalf("API upload: %d %s", res.StatusCode, body)
	}
	if a := decode[rapport.Attachment](t, body); a.FeedbackID != fb.ID || !a.InteractionID.IsZero() || a.ContentType != "application/pdf" {
		t.Errorf("API upload: %+v", a)
	}
	_, list := e.do("GET", base, "agent@example.com", "")
	if items := decode[struct{ Data []rapport.Attachment }](t, list).Data; len(items) != 2 {
		t.Errorf("the API list: %s", list)
	}
	if res, _ := e.do("GET", "/api/v1/feedback/"+hidden.ID.String()+"/attachments", "agent@example.com", ""); res.StatusCode != 404 {
		t.Errorf("list walled feedback's files: %d, want 404", res.StatusCode)
	}
	if e.stored() != 2 {
		t.Errorf("%d contents stored, want 2 (nothing kept from refused uploads)", e.stored())
	}
}
