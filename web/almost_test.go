package web_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/almost"
)

// almostFixture gives the env's customers reasons to be on the almost-customers list:
// Otto (open) searched the portal in vain with a script for a query, Wanda (walled)
// complained, and Fay, Gus and Hal complained too, for paging; then runs the job.
func almostFixture(t *testing.T, e *env) {
	t.Helper()
	sys := rapport.SystemScope("test")
	var more []*rapport.Customer
	for _, name := range []string{"Fay", "Gus", "Hal"} {
		c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: name, FamilyName: "Grumble"}
		must(t, e.db.CreateCustomer(ctx, sys, c))
		more = append(more, c)
	}
	var batch []rapport.IncomingInteraction
	n := 0
	add := func(c *rapport.Customer, typ rapport.InteractionType, daysAgo int, attrs string) {
		n++
		batch = append(batch, rapport.IncomingInteraction{Interaction: rapport.Interaction{CustomerID: c.ID, Type: typ, Channel: "portal",
			OccurredAt: time.Now().AddDate(0, 0, -daysAgo), Source: "support", SourceKey: fmt.Sprint("k", n), Summary: string(typ), Attributes: []byte(attrs)}})
	}
	for i := range 2 {
		add(e.open, "web_event", 3+i, `{"event":"search","query":"<script>alert(1)</script>","results":0}`)
	}
	for i, c := range append([]*rapport.Customer{e.walled}, more...) {
		for j := range 2 + i { // more complaints, higher on the list
			add(c, "ticket", 10+15*j, `{"category":"complaint"}`)
		}
	}
	res, err := e.db.IngestInteractions(ctx, sys, batch)
	must(t, err)
	if res.Created != len(batch) {
		t.Fatalf("got %+v", res)
	}
	if _, err := almost.Run(ctx, e.db, sys, time.Now()); err != nil {
		t.Fatal(err)
	}
}

var nextLink = regexp.MustCompile(`href="([^"]+)" rel="next"`)

func TestAlmostPage(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, open)
			almostFixture(t, e)
			agent := e.signIn("agent@example.com")

			status, body := agent.get("/almost")
			if status != 200 {
				t.Fatalf("got %d", status)
			}
			for _, want := range []string{"All (4)", "Frustrated (4)", "Slipping away (0)", "Otto Open", "Hal Grumble",
				"5 complaints in the last 90 days", "Resolve the open complaint first", `href="/customers/` + e.open.ID.String() + `"`,
				"2 searches in the portal found nothing in the last 90 days, such as “&lt;script&gt;alert(1)&lt;/script&gt;”", "Worked out"} {
				if !strings.Contains(body, want) {
					t.Errorf("the list lacks %q", want)
				}
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "Wanda") {
				t.Errorf("the page holds the query unescaped or names the walled customer")
			}
			if strings.Contains(body, "Work out again now") {
				t.Errorf("an agent is offered to work the list out again")
			}
			if strings.Index(body, "Hal Grumble") > strings.Index(body, "Fay Grumble") {
				t.Errorf("Hal, with the most complaints, is not listed before Fay")
			}

			// Filters and paging work as links, without JavaScript.
			if _, body := agent.get("/almost?kind=lookalike"); !strings.Contains(body, "No one here for this reason") {
				t.Errorf("the look-alike filter is not empty")
			}
			var seen []string
			path := "/almost?kind=frustrated&limit=2"
			for range 5 {
				status, body := agent.get(path)
				if status != 200 {
					t.Fatalf("%s: got %d", path, status)
				}
				for _, name := range []string{"Otto Open", "Fay Grumble", "Gus Grumble", "Hal Grumble"} {
					if strings.Contains(body, name) {
						seen = append(seen, name)
					}
				}
				m := nextLink.FindStringSubmatch(body)
				if m == nil {
					break
				}
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			if len(seen) != 4 {
				t.Errorf("paging two at a time showed %v, want the four outside the wall once each", seen)
			}
			if status, _ := agent.get("/almost?kind=grumpy"); status != 400 {
				t.Errorf("an unknown kind: got %d, want 400", status)
			}

			// Working it out again: managers and admins only; it queues the job.
			if res, _ := agent.post("/almost/refresh", url.Values{}); res.StatusCode != 403 {
				t.Errorf("an agent refreshing: got %d, want 403", res.StatusCode)
			}
			admin := e.signIn("admin@example.com")
			if _, body := admin.get("/almost"); !strings.Contains(body, "Work out again now") || !strings.Contains(body, "All (5)") {
				t.Errorf("the admin does not see the button, or all five")
			}
			if res, _ := admin.post("/almost/refresh", url.Values{}); res.StatusCode != 303 || res.Header.Get("Location") != "/almost" {
				t.Errorf("refresh: got %d to %q, want 303 to /almost", res.StatusCode, res.Header.Get("Location"))
			}
			jobs, err := e.db.FindJobs(ctx, rapport.SystemScope("test"), rapport.JobAlmost, 10)
			must(t, err)
			if len(jobs) != 1 || jobs[0].State != "queued" {
				t.Errorf("got %+v, want one almost job queued", jobs)
			}

			// The old watchlist's links lead here.
			for from, to := range map[string]string{"/watchlist": "/almost?kind=slipping", "/watchlist?list=rising": "/almost?kind=lookalike"} {
				res, _ := agent.client.Get(e.srv.URL + from)
				res.Body.Close()
				if res.StatusCode != 301 || res.Header.Get("Location") != to {
					t.Errorf("%s: got %d to %q, want 301 to %s", from, res.StatusCode, res.Header.Get("Location"), to)
				}
			}
		})
	}
}
