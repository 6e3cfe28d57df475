package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// The staff knowledge base through its pages: an agent writes and submits, the
// admin (a knowledge manager) publishes and sees the diff of a new version; scripts in
// the body render inert; files reach only those who may read the article.
func TestKnowledgePages(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			agent, admin := e.signIn("agent@example.com"), e.signIn("admin@example.com")

			res, body := agent.post("/kb/articles", url.Values{"title": {"Reset your password"}, "key_points": {"Use the link we e-mail."},
				"body": {"## Steps\n\nOpen **Settings**.\n<script>alert(1)</script>\n[x](javascript:alert(1))"}, "audience": {"public"},
				"tags": {"account, Login"}, "note": {"first"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create: %d %s", res.StatusCode, body)
			}
			path := res.Header.Get("Location")
			status, page := agent.get(path)
			if status != http.StatusOK || !strings.Contains(page, "<strong>Settings</strong>") || strings.Contains(page, "<script>alert") ||
				strings.Contains(page, "javascript:alert") {
				t.Fatalf("article page %d: rendered body missing or unsafe", status)
			}
			if strings.Contains(page, `value="publish"`) {
				t.Error("an agent is offered Publish")
			}
			id := strings.TrimPrefix(path, "/kb/articles/")

			// Bad input comes back on the form, naming the field.
			res, page = agent.post("/kb/articles", url.Values{"title": {""}, "audience": {"chosen"}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Title is required") {
				t.Errorf("an empty title: %d", res.StatusCode)
			}
			res, page = agent.post("/kb/articles", url.Values{"title": {"For Nobody"}, "audience": {"chosen"}, "add_customers": {"Nobody Atall"}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(page, "No customer matches") {
				t.Errorf("an unknown customer: %d", res.StatusCode)
			}
			res, page = agent.post("/kb/articles", url.Values{"title": {"For Wanda"}, "audience": {"chosen"}, "add_customers": {"Wanda Walled"}})
			if res.StatusCode != http.StatusBadRequest || strings.Contains(page, "Wanda") && !strings.Contains(page, "No customer matches") {
				t.Errorf("a customer behind a wall is found by name: %d", res.StatusCode)
			}
			res, _ = agent.post("/kb/articles", url.Values{"title": {"For Otto"}, "audience": {"chosen"}, "add_customers": {"otto@open.example"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("a customer by e-mail: %d", res.StatusCode)
			}

			// Preview renders without saving.
			res, page = agent.post(path+"/edit", url.Values{"title": {"Reset your password"}, "body": {"*preview me*"}, "action": {"preview"}, "audience": {"public"}})
			if res.StatusCode != http.StatusOK || !strings.Contains(page, "<em>preview me</em>") {
				t.Errorf("preview: %d", res.StatusCode)
			}

			// Submit to the admin; the admin sees it waiting, publishes.
			res, _ = agent.post(path+"/status", url.Values{"step": {"submit"}, "reviewers": {e.admin.ID.String()}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("submit: %d", res.StatusCode)
			}
			if _, page := admin.get("/kb"); !strings.Contains(page, "1 article to review") {
				t.Error("the index does not tell the reviewer an article waits")
			}
			if _, page := admin.get("/kb/review"); !strings.Contains(page, "Reset your password") {
				t.Error("the review page does not list the article")
			}
			if res, _ := agent.post(path+"/status", url.Values{"step": {"publish"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("an agent publishes: %d", res.StatusCode)
			}
			if res, _ := admin.post(path+"/status", url.Values{"step": {"publish"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", res.StatusCode)
			}
			if res, _ := admin.post(path+"/status", url.Values{"step": {"publish"}}); res.StatusCode != http.StatusConflict {
				t.Errorf("publishing twice: %d, want 409", res.StatusCode)
			}

			// A new version; the history shows the diff, coloured and marked.
			res, _ = agent.post(path+"/edit", url.Values{"title": {"Reset your password"}, "body": {"## Steps\n\nOpen **Settings**.\nChoose Security."},
				"audience": {"public"}, "tags": {"account, login"}, "note": {"added a step"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save version 2: %d", res.StatusCode)
			}
			_, page = admin.get(path + "/history")
			for _, want := range []string{`<tr class="added">`, "Choose Security.", `<tr class="removed">`, "added a step", "Changes from version 1 to version 2"} {
				if !strings.Contains(page, want) {
					t.Errorf("history lacks %q", want)
				}
			}
			res, _ = agent.post(path+"/restore", url.Values{"version": {"1"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("restore: %d", res.StatusCode)
			}
			a, err := e.db.FindArticleVersion(ctx, rapport.SystemScope("t"), mustID(t, id), 3)
			must(t, err)
			if !strings.Contains(a.Body, "javascript:alert(1)") || a.Note != "Restored version 1" {
				t.Errorf("version 3 after restoring: %+v", a)
			}

			// A file: staff and visitors reach it while the article is public; then not.
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "steps.txt")
			io.WriteString(fw, "step one\nstep two\n")
			mw.Close()
			req, _ := http.NewRequest("POST", e.srv.URL+path+"/files", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			fres, err := agent.client.Do(req)
			must(t, err)
			fres.Body.Close()
			if fres.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d", fres.StatusCode)
			}
			files, err := e.db.ListArticleFiles(ctx, rapport.SystemScope("t"), mustID(t, id))
			must(t, err)
			if len(files) != 1 {
				t.Fatalf("%d files, want 1", len(files))
			}
			fileURL := files[0].URL()
			if res, body := e.do("GET", fileURL, "", ""); res.StatusCode != http.StatusOK || body != "step one\nstep two\n" ||
				res.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("a visitor fetches the public article's file: %d %q", res.StatusCode, body)
			}
			if res, _ := admin.post(path+"/status", url.Values{"step": {"archive"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("archive: %d", res.StatusCode)
			}
			if res, _ := e.do("GET", fileURL, "", ""); res.StatusCode != http.StatusNotFound {
				t.Errorf("a visitor fetches the archived article's file: %d", res.StatusCode)
			}
			if status, _ := agent.get(fileURL); status != http.StatusOK {
				t.Errorf("staff fetch the archived article's file: %d", status)
			}

			// Categories: add, and the analyst may not.
			if res, _ := admin.post("/kb/categories", url.Values{"name": {"Accounts"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("add a category: %d", res.StatusCode)
			}
			if res, _ := e.signIn("outsider@example.com").post("/kb/categories", url.Values{"name": {"Mine"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("an analyst adds a category: %d", res.StatusCode)
			}
			if _, page := admin.get("/kb/categories"); !strings.Contains(page, "Accounts") {
				t.Error("the category is not listed")
			}

			// Experts: one's own profile, rendered sanitised.
			res, _ = agent.post("/kb/experts/"+e.agent.ID.String(), url.Values{"headline": {"Logins"}, "bio": {"<img src=x onerror=alert(1)> **Ten** years"},
				"areas": {"login, accounts"}, "listed": {"1"}})
			if res.StatusCode != http.StatusSeeOther {
				t.Fatalf("save expert: %d", res.StatusCode)
			}
			_, page = admin.get("/kb/experts/" + e.agent.ID.String())
			if !strings.Contains(page, "<strong>Ten</strong>") || strings.Contains(page, "onerror") {
				t.Error("the expert's bio is not rendered, or not sanitised")
			}
			if res, _ := admin.post("/kb/experts/"+e.agent.ID.String(), url.Values{"headline": {"x"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("an admin edits another's profile: %d", res.StatusCode)
			}
			if res, _ := agent.post("/kb/experts/"+e.admin.ID.String(), url.Values{"headline": {"x"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("an agent edits another's profile: %d", res.StatusCode)
			}
		})
	}
}

func mustID(t *testing.T, s string) rapport.ID {
	t.Helper()
	id, err := rapport.ParseID(s)
	must(t, err)
	return id
}
