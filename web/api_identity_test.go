package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

func TestAPIIdentity(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) { testAPIIdentity(t, newEnv(t, open)) })
	}
}

func testAPIIdentity(t *testing.T, e *env) {
	const agent, insider, analyst = "agent@example.com", "insider@example.com", "outsider@example.com"
	sys := rapport.SystemScope("test")
	person := func(given, email string) rapport.Customer {
		t.Helper()
		return decode[rapport.Customer](t, mustBody(e.do("POST", "/api/v1/customers", agent,
			fmt.Sprintf(`{"kind":"person","given_name":%q,"family_name":"Silva","emails":[%q]}`, given, email))))
	}
	get := func(path, as string) (int, string) {
		t.Helper()
		res, body := e.do("GET", path, as, "")
		return res.StatusCode, body
	}
	emails := func(id rapport.ID) []string {
		t.Helper()
		var out []string
		for _, cp := range decode[rapport.Customer](t, mustBody(e.do("GET", "/api/v1/customers/"+id.String(), agent, ""))).Emails {
			out = append(out, cp.Value)
		}
		slices.Sort(out)
		return out
	}
	ana, anaM := person("Ana", "ana@one.example"), person("Ana M.", "ana@two.example")
	cleo, cleoB := person("Cleo", "cleo@one.example"), person("Cleo B.", "cleo@two.example")
	pairs := []rapport.ScoredPair{
		{LeftID: cleo.ID, RightID: cleoB.ID, Probability: 0.8, Weight: 2,
			Explanation: []rapport.MatchField{{Field: "prior", Level: "prior", Weight: -10}, {Field: "family_name", Left: "Silva", Right: "Silva", Level: "exact", Weight: 12, Rarity: true}}},
		{LeftID: e.open.ID, RightID: e.walled.ID, Probability: 0.9, Weight: 3,
			Explanation: []rapport.MatchField{{Field: "prior", Level: "prior", Weight: 3}}},
	}
	if _, err := e.db.ProposeMatches(ctx, sys, pairs); err != nil {
		t.Fatal(err)
	}
	matches := func(query, as string) []rapport.MatchCandidate {
		t.Helper()
		return decode[page[rapport.MatchCandidate]](t, mustBody(e.do("GET", "/api/v1/matches"+query, as, ""))).Data
	}
	queue := matches("", insider)
	if len(queue) != 2 {
		t.Fatalf("got %d proposed matches for the insider, want 2", len(queue))
	}
	walledMatch, cleoMatch := queue[0], queue[1] // the likelier first

	t.Run("Errors", func(t *testing.T) {
		anaPath, matchPath := "/api/v1/customers/"+ana.ID.String(), "/api/v1/matches/"+cleoMatch.ID.String()
		for _, tt := range []struct {
			name, method, path, as, body string
			status                       int
			field                        string
		}{
			{"AnalystCannotMerge", "POST", anaPath + "/merge", analyst, fmt.Sprintf(`{"merged_id":%q}`, anaM.ID), 403, ""},
			{"MalformedMergedID", "POST", anaPath + "/merge", agent, `{"merged_id":"nope"}`, 400, "merged_id"},
			{"MissingMergedID", "POST", anaPath + "/merge", agent, `{}`, 400, "merged_id"},
			{"MergeIntoItself", "POST", anaPath + "/merge", agent, fmt.Sprintf(`{"merged_id":%q}`, ana.ID), 400, "merged_id"},
			{"MergeWalled", "POST", anaPath + "/merge", agent, fmt.Sprintf(`{"merged_id":%q}`, e.walled.ID), 404, ""},
			{"WalledMerges", "GET", "/api/v1/customers/" + e.walled.ID.String() + "/merges", agent, "", 404, ""},
			{"NotMerged", "POST", anaPath + "/unmerge", agent, "", 409, ""},
			{"BadStatus", "GET", "/api/v1/matches?status=maybe", agent, "", 400, "status"},
			{"BadLimit", "GET", "/api/v1/matches?limit=0", agent, "", 400, "limit"},
			{"WalledMatch", "GET", "/api/v1/matches/" + walledMatch.ID.String(), agent, "", 404, ""},
			{"UnknownMatch", "GET", "/api/v1/matches/" + rapport.NewID().String(), agent, "", 404, ""},
			{"BadDecision", "POST", matchPath + "/decision", agent, `{"decision":"yes"}`, 400, "decision"},
			{"AnalystCannotDecide", "POST", matchPath + "/decision", analyst, `{"decision":"reject"}`, 403, ""},
			{"AnalystCannotRun", "POST", "/api/v1/resolution-runs", analyst, "", 403, ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res, body := e.do(tt.method, tt.path, tt.as, tt.body)
				if eb := decode[errorBody](t, body); res.StatusCode != tt.status || eb.Error.Field != tt.field {
					t.Errorf("got %d %s, want %d on field %q", res.StatusCode, body, tt.status, tt.field)
				}
			})
		}
	})

	t.Run("MergeAndUnmerge", func(t *testing.T) {
		path := "/api/v1/customers/" + ana.ID.String()
		m := decode[rapport.Merge](t, mustBody(e.do("POST", path+"/merge", agent, fmt.Sprintf(`{"merged_id":%q}`, anaM.ID))))
		if m.TargetID != ana.ID || m.MergedID != anaM.ID || m.Reason != rapport.MergeManual || m.UserID != e.agent.ID || m.UndoneAt != nil {
			t.Errorf("got merge %+v", m)
		}
		if got := emails(ana.ID); !slices.Equal(got, []string{"ana@one.example", "ana@two.example"}) {
			t.Errorf("got e-mails %q on the merged profile, want both", got)
		}
		_, body := get(path+"/merges", analyst) // reading is open to every role
		if p := decode[page[rapport.Merge]](t, body); len(p.Data) != 1 || p.Data[0].ID != m.ID || p.Data[0].MergedName != "Ana M. Silva" {
			t.Errorf("got merges %s", body)
		}

		u := decode[rapport.Merge](t, mustBody(e.do("POST", "/api/v1/customers/"+anaM.ID.String()+"/unmerge", agent, "")))
		if u.ID != m.ID || u.UndoneAt == nil {
			t.Errorf("got %+v, want the merge undone", u)
		}
		if got := emails(ana.ID); !slices.Equal(got, []string{"ana@one.example"}) {
			t.Errorf("got e-mails %q after the unmerge, want the target's own", got)
		}
		if back := decode[rapport.Customer](t, mustBody(e.do("GET", "/api/v1/customers/"+anaM.ID.String(), agent, ""))); !back.MergedInto.IsZero() {
			t.Errorf("the unmerged customer is still merged into %s", back.MergedInto)
		}
		_, body = get(path+"/merges", agent)
		if p := decode[page[rapport.Merge]](t, body); len(p.Data) != 1 || p.Data[0].UndoneAt == nil {
			t.Errorf("got merges %s, want the one merge, undone", body)
		}
		if res, body := e.do("POST", "/api/v1/customers/"+anaM.ID.String()+"/unmerge", agent, ""); res.StatusCode != 409 {
			t.Errorf("got %d %s unmerging twice, want 409", res.StatusCode, body)
		}
	})

	t.Run("ReviewQueue", func(t *testing.T) {
		// Walls hide a pair from everyone who may not see both of its customers.
		for as, want := range map[string][]rapport.ID{agent: {cleoMatch.ID}, analyst: {cleoMatch.ID}, insider: {walledMatch.ID, cleoMatch.ID}} {
			var got []rapport.ID
			for _, m := range matches("?status=pending", as) {
				got = append(got, m.ID)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s sees matches %v, want %v", as, got, want)
			}
		}
		if cleoMatch.Left.ID != cleo.ID || len(cleoMatch.Explanation) != 2 || !cleoMatch.Explanation[1].Rarity {
			t.Errorf("got %+v", cleoMatch)
		}
		p := decode[page[rapport.MatchCandidate]](t, mustBody(e.do("GET", "/api/v1/matches?limit=1", insider, "")))
		if len(p.Data) != 1 || p.Data[0].ID != walledMatch.ID || p.NextCursor == "" {
			t.Fatalf("got first page %+v, want the likelier match and a cursor", p)
		}
		if got := matches("?limit=1&cursor="+p.NextCursor, insider); len(got) != 1 || got[0].ID != cleoMatch.ID {
			t.Errorf("got second page %+v, want the other match", got)
		}
		if status, _ := get("/api/v1/matches/"+walledMatch.ID.String(), insider); status != 200 {
			t.Errorf("got %d for the insider reading the walled match, want 200", status)
		}

		path := "/api/v1/matches/" + cleoMatch.ID.String()
		m := decode[rapport.MatchCandidate](t, mustBody(e.do("POST", path+"/decision", agent, `{"decision":"accept"}`)))
		if m.Status != rapport.MatchAccepted || m.DecidedBy != e.agent.ID || m.DecidedAt == nil {
			t.Errorf("got %+v, want accepted by the agent", m)
		}
		if got := emails(cleo.ID); !slices.Equal(got, []string{"cleo@one.example", "cleo@two.example"}) {
			t.Errorf("got e-mails %q, want the accepted pair merged into the older customer", got)
		}
		_, body := get("/api/v1/customers/"+cleo.ID.String()+"/merges", agent)
		if p := decode[page[rapport.Merge]](t, body); len(p.Data) != 1 || p.Data[0].Reason != rapport.MergeReviewed || p.Data[0].Probability != 0.8 {
			t.Errorf("got merges %s, want one reviewed merge", body)
		}
		if res, body := e.do("POST", path+"/decision", agent, `{"decision":"reject"}`); res.StatusCode != 409 {
			t.Errorf("got %d %s deciding twice, want 409", res.StatusCode, body)
		}
		if got := matches("?status=accepted", agent); len(got) != 1 || got[0].ID != cleoMatch.ID {
			t.Errorf("got accepted matches %+v", got)
		}
		if got := matches("", agent); len(got) != 0 {
			t.Errorf("got pending matches %+v, want none left for the agent", got)
		}
	})

	t.Run("ResolutionRun", func(t *testing.T) {
		// Creating customers queued a run already; finish it so that the run the API
		// queues can be told from it.
		for {
			j, err := e.db.ClaimJob(ctx, []string{rapport.JobResolve}, time.Minute)
			must(t, err)
			if j == nil {
				break
			}
			must(t, e.db.FinishJob(ctx, j, "test", nil))
		}
		res, body := e.do("POST", "/api/v1/resolution-runs", agent, "")
		if res.StatusCode != 202 || !decode[struct{ Queued bool }](t, body).Queued {
			t.Fatalf("got %d %s, want 202 queued", res.StatusCode, body)
		}
		jobs, err := e.db.FindJobs(ctx, sys, rapport.JobResolve, 10)
		must(t, err)
		if len(jobs) == 0 || jobs[0].State != rapport.JobQueued || jobs[0].RunAt.After(time.Now()) {
			t.Errorf("got jobs %+v, want a run queued to start now", jobs)
		}
	})
}

// TestMatchConflicts shows why a likely pair waits for a reviewer: the two differ
// outright on a name, which the list and the comparison say.
func TestMatchConflicts(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) { testMatchConflicts(t, newEnv(t, open)) })
	}
}

func testMatchConflicts(t *testing.T, e *env) {
	sys := rapport.SystemScope("test")
	sakura := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Sakura", FamilyName: "Yamaguchi"}
	misaki := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Misaki", FamilyName: "Yamaguchi"}
	must(t, e.db.CreateCustomer(ctx, sys, sakura))
	must(t, e.db.CreateCustomer(ctx, sys, misaki))
	_, err := e.db.ProposeMatches(ctx, sys, []rapport.ScoredPair{{LeftID: sakura.ID, RightID: misaki.ID, Probability: 0.999, Weight: 16.7,
		Explanation: []rapport.MatchField{{Field: "prior", Level: "before comparing", Weight: -14.7},
			{Field: "given_name", Left: "sakura", Right: "misaki", Level: "different", Weight: -2.6, Conflict: true},
			{Field: "street", Left: "1 22 7 nishi shinjuku", Right: "1 22 7 nishi shinjuku", Level: "exact", Weight: 8.7}}}})
	if err != nil {
		t.Fatal(err)
	}
	queue, _, err := e.db.FindMatchCandidates(ctx, sys, rapport.MatchFilter{})
	if err != nil || len(queue) != 1 || !slices.Equal(queue[0].Conflicts(), []string{"given_name"}) {
		t.Fatalf("got queue %+v (%v), want the pair held back by the given name", queue, err)
	}
	// The API says it too (and the response matches web/openapi.json).
	if body := mustBody(e.do("GET", "/api/v1/matches/"+queue[0].ID.String(), "agent@example.com", "")); !strings.Contains(body, `"field":"given_name","left":"sakura","right":"misaki","level":"different","weight":-2.6,"conflict":true`) {
		t.Errorf("the API's match does not mark the given name: %s", body)
	}
	agent := e.signIn("agent@example.com")
	_, list := agent.get("/matches")
	if !strings.Contains(list, "Misaki Yamaguchi") || !strings.Contains(list, "Given name differs") {
		t.Errorf("the review queue does not say that the given names differ:\n%s", list)
	}
	_, page := agent.get("/matches/" + queue[0].ID.String())
	if !strings.Contains(page, "Not merged automatically:</strong> the two differ outright on <span class=\"lower\">Given name</span>") ||
		strings.Count(page, "differs outright") != 1 {
		t.Errorf("the comparison does not say which field held the pair back:\n%s", page)
	}
	// Kept apart, the pair is listed as such, not as a possible duplicate.
	if _, err := e.db.DecideMatch(ctx, sys, queue[0].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, kept := agent.get("/matches?status=rejected"); !strings.Contains(kept, "Misaki Yamaguchi") || !strings.Contains(kept, "<title>Duplicates kept apart") ||
		!strings.Contains(kept, "Pairs a reviewer decided are two customers") {
		t.Errorf("the Kept apart tab does not list the pair as kept apart:\n%s", kept)
	}
}

// TestMergesPage lists every merge, automatic ones too, and undoes one from the list;
// a merge into a walled customer is not there for whoever the wall keeps out.
func TestMergesPage(t *testing.T) {
	for name, open := range databases() {
		t.Run(name, func(t *testing.T) { testMergesPage(t, newEnv(t, open)) })
	}
}

func testMergesPage(t *testing.T, e *env) {
	sys := rapport.SystemScope("test")
	dup := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Olga", FamilyName: "Openova"}
	secret := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Wanda", FamilyName: "Twice"}
	must(t, e.db.CreateCustomer(ctx, sys, dup))
	must(t, e.db.CreateCustomer(ctx, sys, secret))
	_, err := e.db.MergeCustomers(ctx, sys, e.open.ID, dup.ID, rapport.MergeAutomatic, 0.995)
	must(t, err)
	_, err = e.db.MergeCustomers(ctx, sys, e.walled.ID, secret.ID, rapport.MergeAutomatic, 0.999)
	must(t, err)

	agent := e.signIn("agent@example.com")
	_, list := agent.get("/matches/merged")
	if !strings.Contains(list, `<a href="/customers/`+e.open.ID.String()+`">`) || !strings.Contains(list, "Olga Openova") || !strings.Contains(list, "Automatic · 99.5 %") {
		t.Errorf("the merged tab does not list the automatic merge:\n%s", list)
	}
	if strings.Contains(list, "Wanda") {
		t.Errorf("the merged tab shows a walled customer to an agent outside the wall:\n%s", list)
	}
	if _, page := e.signIn("insider@example.com").get("/matches/merged"); !strings.Contains(page, "Wanda Twice") {
		t.Errorf("the merged tab hides the walled merge from the insider:\n%s", page)
	}
	if status, _ := agent.get("/matches?status=accepted"); status != http.StatusSeeOther {
		t.Errorf("the accepted pairs answer %d, want 303 to the reviewed merges", status)
	}
	if _, page := agent.get("/matches/merged?reason=manual"); !strings.Contains(page, "No merges of this kind yet.") {
		t.Errorf("the manual merges are not empty:\n%s", page)
	}
	res, _ := agent.post("/customers/"+e.open.ID.String()+"/unmerge", url.Values{"merged_id": {dup.ID.String()}, "back": {"/matches/merged"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/matches/merged" {
		t.Fatalf("undo from the list: got %d to %q, want 303 back to the list", res.StatusCode, res.Header.Get("Location"))
	}
	if _, page := agent.get("/matches/merged"); !strings.Contains(page, "<s class=\"faint\">Olga Openova</s>") || !strings.Contains(page, "undone") {
		t.Errorf("the merged tab does not show the merge undone:\n%s", page)
	}

	// The API lists the same, and says what was wrong with a bad filter.
	merges := decode[page[rapport.Merge]](t, mustBody(e.do("GET", "/api/v1/merges?reason=automatic", "agent@example.com", ""))).Data
	if len(merges) != 1 || merges[0].TargetID != e.open.ID || merges[0].TargetName != e.open.Name || merges[0].MergedName != "Olga Openova" || merges[0].UndoneAt == nil {
		t.Errorf("got merges %+v, want the open merge, undone", merges)
	}
	res, body := e.do("GET", "/api/v1/merges?reason=maybe", "agent@example.com", "")
	if eb := decode[errorBody](t, body); res.StatusCode != 400 || eb.Error.Field != "reason" {
		t.Errorf("got %d %s for an unknown reason, want 400 on reason", res.StatusCode, body)
	}
}
