package sqldbtest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

func testUsers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db

	u := &rapport.User{Email: " New.Person@Example.com ", Name: "New Person", Role: rapport.RoleManager, Teams: []rapport.TeamRef{{ID: f.salesTeam.ID}}}
	wantCode(t, db.CreateUser(ctx, f.sales, u, ""), rapport.EFORBIDDEN)
	must(t, db.CreateUser(ctx, f.admin, u, "correct horse battery"))
	if u.Email != "new.person@example.com" || len(u.Teams) != 1 || u.Teams[0].Name != "Sales" {
		t.Errorf("got %q in %v, want the normalised address in Sales", u.Email, u.Teams)
	}
	wantConflict(t, db.CreateUser(ctx, f.admin, &rapport.User{Email: "NEW.person@example.com", Name: "Twin", Role: rapport.RoleAgent}, ""), "email")
	wantField(t, db.CreateUser(ctx, f.admin, &rapport.User{Email: "x@example.com", Name: "X", Role: "boss"}, ""), "role")
	wantField(t, db.CreateUser(ctx, f.admin, &rapport.User{Email: "y@example.com", Name: "Y", Role: rapport.RoleAgent}, "short"), "password")
	// Every problem of the form at once: the address's and the password's.
	var both *rapport.Error
	if err := db.CreateUser(ctx, f.admin, &rapport.User{Email: "not an address", Name: "Y", Role: rapport.RoleAgent}, "short"); !errors.As(err, &both) ||
		both.Fields["email"] == "" || both.Fields["password"] == "" {
		t.Errorf("a bad address and a short password: got %v, want both named", err)
	}
	wantField(t, db.CreateUser(ctx, f.admin, &rapport.User{Email: "z@example.com", Name: "Z", Role: rapport.RoleAgent, Teams: []rapport.TeamRef{{ID: rapport.NewID()}}}, ""), "team_ids")

	got, err := db.UpdateUser(ctx, f.admin, u.ID, rapport.UserUpdate{Role: ptr(rapport.RoleAgent), TeamIDs: &[]rapport.ID{f.dealsTeam.ID}})
	must(t, err)
	if got.Role != rapport.RoleAgent || len(got.Teams) != 1 || got.Teams[0].ID != f.dealsTeam.ID {
		t.Errorf("got %s in %v, want agent in Deals", got.Role, got.Teams)
	}
	_, err = db.UpdateUser(ctx, f.admin, f.admin.UserID, rapport.UserUpdate{Role: ptr(rapport.RoleAgent)})
	wantField(t, err, "role")

	users, err := db.FindUsers(ctx, f.loner)
	must(t, err)
	if len(users) != 5 {
		t.Errorf("got %d users, want 5", len(users))
	}
	n, err := db.CountUsers(ctx)
	must(t, err)
	if n != 5 {
		t.Errorf("got count %d, want 5", n)
	}

	t.Run("Tokens", func(t *testing.T) {
		tok, secret, err := db.CreateToken(ctx, f.sales, f.sales.UserID, "billing sync")
		must(t, err)
		if !strings.HasPrefix(secret, "rpt_") || len(secret) < 30 {
			t.Fatalf("got secret %q, want rpt_ and 32 random characters", secret)
		}
		who, got, err := db.FindToken(ctx, secret)
		must(t, err)
		if who.ID != f.sales.UserID || got.ID != tok.ID {
			t.Errorf("got user %v token %v, want sam's token", who.ID, got.ID)
		}
		_, _, err = db.CreateToken(ctx, f.sales, f.deals.UserID, "not mine")
		wantCode(t, err, rapport.EFORBIDDEN)
		_, _, err = db.FindToken(ctx, secret+"x")
		wantCode(t, err, rapport.EUNAUTHORIZED)
		wantCode(t, db.RevokeToken(ctx, f.deals, tok.ID), rapport.ENOTFOUND)
		must(t, db.RevokeToken(ctx, f.sales, tok.ID))
		_, _, err = db.FindToken(ctx, secret)
		wantCode(t, err, rapport.EUNAUTHORIZED)
		tokens, err := db.FindTokens(ctx, f.sales, f.sales.UserID)
		must(t, err)
		if len(tokens) != 1 || tokens[0].RevokedAt.IsZero() {
			t.Errorf("got %+v, want one revoked token", tokens)
		}

		// A token's user comes with all their teams, and the list has them once.
		_, err = db.UpdateUser(ctx, f.admin, u.ID, rapport.UserUpdate{TeamIDs: &[]rapport.ID{f.salesTeam.ID, f.dealsTeam.ID}})
		must(t, err)
		_, secret, err = db.CreateToken(ctx, f.admin, u.ID, "")
		must(t, err)
		who, _, err = db.FindToken(ctx, secret)
		must(t, err)
		if len(who.Teams) != 2 || who.Teams[0].Name != "Deals" || who.Teams[1].Name != "Sales" {
			t.Errorf("got teams %v, want Deals and Sales", who.Teams)
		}
		users, err := db.FindUsers(ctx, f.loner)
		must(t, err)
		teams := map[string]int{}
		for _, x := range users {
			teams[x.Email] = len(x.Teams)
		}
		if len(users) != 5 || teams["new.person@example.com"] != 2 || teams["admin@example.com"] != 0 {
			t.Errorf("got users with teams %v, want 5 users, the new person in two teams and the admin in none", teams)
		}

		// Deactivating a user stops their tokens.
		_, err = db.UpdateUser(ctx, f.admin, u.ID, rapport.UserUpdate{Active: ptr(false)})
		must(t, err)
		_, _, err = db.FindToken(ctx, secret)
		wantCode(t, err, rapport.EUNAUTHORIZED)
	})
}

func testAuthentication(t *testing.T, open Opener) {
	db := open(t)

	t.Run("Setup", func(t *testing.T) {
		secret, err := db.CreateSetupSecret(ctx)
		must(t, err)
		again, err := db.CreateSetupSecret(ctx)
		must(t, err)
		if secret == "" || again != secret {
			t.Fatalf("got %q then %q, want the same secret for every server until setup is done", secret, again)
		}
		err = db.CompleteSetup(ctx, "wrong", &rapport.User{Email: "a@example.com", Name: "A"}, "correct horse battery", "1.2.3.4")
		wantCode(t, err, rapport.ENOTFOUND)
		admin := &rapport.User{Email: "first@example.com", Name: "First Admin"}
		must(t, db.CompleteSetup(ctx, secret, admin, "correct horse battery", "1.2.3.4"))
		if admin.Role != rapport.RoleAdmin {
			t.Errorf("got role %s, want admin", admin.Role)
		}
		err = db.CompleteSetup(ctx, secret, &rapport.User{Email: "second@example.com", Name: "B"}, "correct horse battery", "1.2.3.4")
		wantCode(t, err, rapport.ENOTFOUND)
		_, err = db.CreateSetupSecret(ctx)
		wantCode(t, err, rapport.ECONFLICT)
	})

	t.Run("SignInAndSessions", func(t *testing.T) {
		u, err := db.Authenticate(ctx, "FIRST@example.com", "correct horse battery", "10.0.0.1")
		must(t, err)
		secret, err := db.CreateSession(ctx, u.ID, "10.0.0.1", "test")
		must(t, err)
		who, err := db.FindSession(ctx, secret)
		must(t, err)
		if who.ID != u.ID {
			t.Errorf("got %v, want the signed-in user", who.ID)
		}
		must(t, db.DeleteSession(ctx, secret))
		_, err = db.FindSession(ctx, secret)
		wantCode(t, err, rapport.EUNAUTHORIZED)
		_, err = db.FindSession(ctx, "made-up")
		wantCode(t, err, rapport.EUNAUTHORIZED)
	})

	t.Run("NewPasswordEndsSessions", func(t *testing.T) {
		pat := &rapport.User{Email: "pat@example.com", Name: "Pat", Role: rapport.RoleAgent}
		must(t, db.CreateUser(ctx, system, pat, "old passphrase 1"))
		quin := &rapport.User{Email: "quin@example.com", Name: "Quin", Role: rapport.RoleAgent}
		must(t, db.CreateUser(ctx, system, quin, "quin's passphrase"))
		laptop, err := db.CreateSession(ctx, pat.ID, "10.0.0.5", "laptop")
		must(t, err)
		stolen, err := db.CreateSession(ctx, pat.ID, "10.9.9.9", "elsewhere")
		must(t, err)
		quins, err := db.CreateSession(ctx, quin.ID, "10.0.0.7", "desk")
		must(t, err)
		self := rapport.StaffScope(pat, "test", "10.0.0.5")
		wantField(t, db.SetPassword(ctx, self, pat.ID, "short"), "password")
		wantCode(t, db.SetPassword(ctx, rapport.StaffScope(quin, "test", "10.0.0.7"), pat.ID, "quin chose this"), rapport.EFORBIDDEN)
		if _, err := db.FindSession(ctx, stolen); err != nil {
			t.Errorf("a refused password change ended the sessions: %v", err)
		}
		must(t, db.SetPassword(ctx, self, pat.ID, "new passphrase 2"))
		for _, secret := range []string{laptop, stolen} {
			_, err := db.FindSession(ctx, secret)
			wantCode(t, err, rapport.EUNAUTHORIZED)
		}
		if _, err := db.FindSession(ctx, quins); err != nil {
			t.Errorf("another user's session ended too: %v", err)
		}
		_, err = db.Authenticate(ctx, "pat@example.com", "old passphrase 1", "10.0.0.6")
		wantCode(t, err, rapport.EUNAUTHORIZED)
		_, err = db.Authenticate(ctx, "pat@example.com", "new passphrase 2", "10.0.0.6")
		must(t, err)
	})

	t.Run("GuessesAtOnce", func(t *testing.T) {
		// Guesses sent together are counted one after another: no more than the limit
		// get their password checked, from however many addresses.
		must(t, db.CreateUser(ctx, system, &rapport.User{Email: "target@example.com", Name: "Target", Role: rapport.RoleAgent}, "the right passphrase"))
		got := map[string]int{}
		for _, err := range atOnce(20, func(i int) error {
			_, err := db.Authenticate(ctx, "target@example.com", "a wrong guess", atf("10.7.0.%d", i))
			return err
		}) {
			got[rapport.ErrorCode(err)]++
		}
		if got[rapport.EUNAUTHORIZED] != 5 || got[rapport.ERATELIMIT] != 15 {
			t.Errorf("20 guesses at once: %v, want 5 checked (unauthorized) and 15 refused (rate limit)", got)
		}
	})

	t.Run("WrongPasswordAndLimits", func(t *testing.T) {
		_, err := db.Authenticate(ctx, "first@example.com", "wrong password", "10.0.0.2")
		wantCode(t, err, rapport.EUNAUTHORIZED)
		_, err = db.Authenticate(ctx, "nobody@example.com", "wrong password", "10.0.0.2")
		wantCode(t, err, rapport.EUNAUTHORIZED)
		for i := 0; i < 4; i++ {
			_, err = db.Authenticate(ctx, "first@example.com", "wrong password", atf("10.0.1.%d", i))
			wantCode(t, err, rapport.EUNAUTHORIZED)
		}
		// Five failures on the account: even the right password waits now.
		_, err = db.Authenticate(ctx, "first@example.com", "correct horse battery", "10.0.0.3")
		wantCode(t, err, rapport.ERATELIMIT)
		// The limit passes with time.
		db.Now = func() time.Time { return time.Now().Add(16 * time.Minute) }
		defer func() { db.Now = time.Now }()
		_, err = db.Authenticate(ctx, "first@example.com", "correct horse battery", "10.0.0.3")
		must(t, err)
	})

	t.Run("PerAddressLimit", func(t *testing.T) {
		for i := 0; i < 20; i++ {
			_, err := db.Authenticate(ctx, atf("guess%d@example.com", i), "wrong password", "10.9.9.9")
			wantCode(t, err, rapport.EUNAUTHORIZED)
		}
		_, err := db.Authenticate(ctx, "first@example.com", "correct horse battery", "10.9.9.9")
		wantCode(t, err, rapport.ERATELIMIT)
	})
}

func testTeams(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	wantConflict(t, db.CreateTeam(ctx, f.admin, &rapport.Team{Name: "Sales", Function: "sales"}), "name")
	wantConflict(t, db.CreateTeam(ctx, f.admin, &rapport.Team{Name: "sales", Function: "sales"}), "name") // in any case
	wantField(t, db.CreateTeam(ctx, f.admin, &rapport.Team{Name: "Ghosts", Function: "haunting"}), "function")
	wantCode(t, db.CreateTeam(ctx, f.sales, &rapport.Team{Name: "Mine", Function: "sales"}), rapport.EFORBIDDEN)
	team := &rapport.Team{Name: "Service Desk", Function: "service", Members: []rapport.UserRef{{ID: f.sales.UserID}, {ID: f.loner.UserID}}}
	must(t, db.CreateTeam(ctx, f.admin, team))
	if len(team.Members) != 2 {
		t.Errorf("got %d members, want 2", len(team.Members))
	}
	got, err := db.UpdateTeam(ctx, f.admin, team.ID, rapport.TeamUpdate{Description: ptr("First line"), MemberIDs: &[]rapport.ID{f.loner.UserID}})
	must(t, err)
	if got.Description != "First line" || len(got.Members) != 1 || got.Members[0].ID != f.loner.UserID {
		t.Errorf("got %+v, want lou alone, described", got)
	}
	_, err = db.UpdateTeam(ctx, f.admin, team.ID, rapport.TeamUpdate{Name: ptr("SALES")})
	wantConflict(t, err, "name")
	_, err = db.UpdateTeam(ctx, f.admin, team.ID, rapport.TeamUpdate{Name: ptr("Service desk")}) // its own name, recased
	must(t, err)
	teams, err := db.FindTeams(ctx, f.loner)
	must(t, err)
	if len(teams) != 3 {
		t.Errorf("got %d teams, want 3", len(teams))
	}
	must(t, db.DeleteTeam(ctx, f.admin, team.ID))
	_, err = db.FindTeamByID(ctx, f.admin, team.ID)
	wantCode(t, err, rapport.ENOTFOUND)
}

func testAudit(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: "Audited Ltd"}
	must(t, db.CreateCustomer(ctx, f.sales, c))
	_, err := db.FindCustomerByID(ctx, f.deals, c.ID)
	must(t, err)
	_, err = db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{Language: ptr("en")})
	must(t, err)

	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: c.ID})
	must(t, err)
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" by "+e.UserName)
	}
	want := []string{"update by sam", "read by dee", "create by sam"}
	if !eq(got, want) {
		t.Fatalf("got %v, want %v (newest first)", got, want)
	}
	if e := events[1]; e.Via != "test" || e.Addr != "127.0.0.1" || e.Entity != "customer" || e.EntityID != c.ID {
		t.Errorf("got %+v, want where from and what", e)
	}
	events, _, err = db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{UserID: f.deals.UserID, Action: "read"})
	must(t, err)
	if len(events) != 1 {
		t.Errorf("got %d reads by dee, want 1", len(events))
	}
	events, next, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Limit: 2})
	must(t, err)
	if len(events) != 2 || next == "" {
		t.Fatalf("got %d events and cursor %q, want a page of 2 and more", len(events), next)
	}
	more, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Limit: 2, Cursor: next})
	must(t, err)
	if len(more) == 0 || more[0].ID == events[1].ID {
		t.Errorf("second page repeats the first")
	}
	events, _, err = db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Since: time.Now().Add(time.Hour)})
	must(t, err)
	if len(events) != 0 {
		t.Errorf("got %d events from the future", len(events))
	}
	_, _, err = db.FindAuditEvents(ctx, f.sales, rapport.AuditFilter{})
	wantCode(t, err, rapport.EFORBIDDEN)
}

func testPruneReads(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	cutoff := time.Now().Add(-30 * 24 * time.Hour)
	db.Now = func() time.Time { return cutoff.Add(-time.Hour) } // a month and more ago
	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: "Ana", FamilyName: "Read"}
	must(t, db.CreateCustomer(ctx, f.sales, c))
	_, err := db.FindCustomerByID(ctx, f.deals, c.ID)
	must(t, err)
	_, err = db.UpdateCustomer(ctx, f.sales, c.ID, rapport.CustomerUpdate{Language: ptr("pt")})
	must(t, err)
	db.Now = time.Now
	_, err = db.FindCustomerByID(ctx, f.sales, c.ID)
	must(t, err)

	_, err = db.PruneReads(ctx, f.sales, cutoff)
	wantCode(t, err, rapport.EFORBIDDEN)
	n, err := db.PruneReads(ctx, system, cutoff)
	must(t, err)
	if n != 1 {
		t.Fatalf("pruned %d records, want the one old read", n)
	}
	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: c.ID})
	must(t, err)
	var got []string
	for _, e := range events {
		got = append(got, e.Action+" by "+e.UserName)
	}
	if want := []string{"read by sam", "update by sam", "create by sam"}; !eq(got, want) {
		t.Fatalf("left %v, want %v: the recent read and every change", got, want)
	}
	events, _, err = db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Action: "delete", Entities: []string{"audit_events"}})
	must(t, err)
	if len(events) != 1 || !strings.HasPrefix(events[0].Detail, "1 records of reads made before ") {
		t.Fatalf("got %+v, want the pruning on the record", events)
	}
	if n, err := db.PruneReads(ctx, system, cutoff); err != nil || n != 0 {
		t.Fatalf("pruned %d again (%v), want none", n, err)
	}
	events, _, err = db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{Action: "delete", Entities: []string{"audit_events"}})
	must(t, err)
	if len(events) != 1 {
		t.Errorf("a run that deleted nothing left %d records, want the first run's only", len(events))
	}
}

func testIdempotency(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	user := f.sales.UserID
	stored, claim, err := db.BeginIdempotent(ctx, user, "k1", "hash-a")
	must(t, err)
	if stored != nil || claim.IsZero() {
		t.Fatalf("got %+v and claim %v for a new key, want nil and a claim", stored, claim)
	}
	_, _, err = db.BeginIdempotent(ctx, user, "k1", "hash-a")
	wantCode(t, err, rapport.ECONFLICT) // still running
	must(t, db.FinishIdempotent(ctx, user, "k1", claim, rapport.StoredResponse{Status: 201, Location: "/x", Body: []byte(`{"id":"x"}`)}))
	stored, _, err = db.BeginIdempotent(ctx, user, "k1", "hash-a")
	must(t, err)
	if stored == nil || stored.Status != 201 || stored.Location != "/x" || string(stored.Body) != `{"id":"x"}` {
		t.Fatalf("got %+v, want the stored 201 response", stored)
	}
	_, _, err = db.BeginIdempotent(ctx, user, "k1", "hash-b")
	wantCode(t, err, rapport.ECONFLICT)
	// Another user's key of the same name is theirs.
	stored, _, err = db.BeginIdempotent(ctx, f.deals.UserID, "k1", "hash-b")
	must(t, err)
	if stored != nil {
		t.Errorf("got another user's response")
	}
	// A failed request releases the key.
	_, claim, err = db.BeginIdempotent(ctx, user, "k2", "h")
	must(t, err)
	must(t, db.FinishIdempotent(ctx, user, "k2", claim, rapport.StoredResponse{Status: 500}))
	stored, _, err = db.BeginIdempotent(ctx, user, "k2", "h")
	must(t, err)
	if stored != nil {
		t.Errorf("got %+v after a failure, want the key free again", stored)
	}

	// A claim whose server stopped while the request ran is taken over once the request
	// would have had to end; the first request, should it finish after all, changes nothing.
	_, first, err := db.BeginIdempotent(ctx, user, "k3", "h")
	must(t, err)
	db.Now = func() time.Time { return time.Now().Add(rapport.IdempotentRunLimit) }
	_, _, err = db.BeginIdempotent(ctx, user, "k3", "h")
	wantCode(t, err, rapport.ECONFLICT) // it may still be finishing
	db.Now = func() time.Time { return time.Now().Add(rapport.IdempotentRunLimit + 10*time.Minute) }
	stored, second, err := db.BeginIdempotent(ctx, user, "k3", "h")
	must(t, err)
	if stored != nil || !second.After(first) {
		t.Fatalf("got %+v and claim %v, want the abandoned key claimed again", stored, second)
	}
	_, _, err = db.BeginIdempotent(ctx, user, "k3", "h")
	wantCode(t, err, rapport.ECONFLICT) // the second claim runs
	must(t, db.FinishIdempotent(ctx, user, "k3", first, rapport.StoredResponse{Status: 500}))
	must(t, db.FinishIdempotent(ctx, user, "k3", second, rapport.StoredResponse{Status: 201, Body: []byte(`{"id":"y"}`)}))
	stored, _, err = db.BeginIdempotent(ctx, user, "k3", "h")
	must(t, err)
	if stored == nil || stored.Status != 201 || string(stored.Body) != `{"id":"y"}` {
		t.Errorf("got %+v, want the second request's response kept", stored)
	}
}
