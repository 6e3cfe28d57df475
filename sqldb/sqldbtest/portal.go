package sqldbtest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

var helpLink = regexp.MustCompile(`/help/(verify|password)/([A-Za-z0-9_-]+)`)

// portalMails returns the queued mail to an address, newest first, with the secret of
// the link each holds ("" without one).
func portalMails(t *testing.T, db *sqldb.DB, to string) (purposes, secrets []string) {
	t.Helper()
	ms, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{Limit: 500})
	must(t, err)
	for _, m := range ms {
		if m.ToAddress != to {
			continue
		}
		purposes = append(purposes, m.Purpose)
		secret := ""
		if sub := helpLink.FindStringSubmatch(m.Text); sub != nil {
			secret = sub[2]
		}
		secrets = append(secrets, secret)
	}
	return purposes, secrets
}

var pm = rapport.PortalMail{BaseURL: "https://help.test", Firm: "Acme"}

// testPortalAccounts: registration is a setting; an address is linked to its customer
// only once confirmed by choosing a password, else a new customer is made; links are
// single-use and expire; answers never tell whether an address has an account;
// invitations; sign-in limits; an account follows its customer through merge and
// unmerge.
func testPortalAccounts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	const addr = "198.51.100.9"
	reg := rapport.Registration{Email: "Ana@Example.com ", Name: "Ana Silva"}
	const anaPassword = "a long passphrase"

	// Off by default, and only admins turn it on.
	wantCode(t, db.Register(ctx, addr, reg, pm), rapport.EFORBIDDEN)
	wantCode(t, db.SetPortalSettings(ctx, f.sales, rapport.PortalSettings{Registration: true}), rapport.EFORBIDDEN)
	must(t, db.SetPortalSettings(ctx, f.admin, rapport.PortalSettings{Registration: true}))
	if ps, err := db.PortalSettings(ctx); err != nil || !ps.Registration {
		t.Fatalf("settings after turning registration on: %+v, %v", ps, err)
	}
	wantField(t, db.Register(ctx, addr, rapport.Registration{Email: "not an address", Name: "X"}, pm), "email")
	wantField(t, db.Register(ctx, addr, rapport.Registration{Email: "x@example.com", Name: " "}, pm), "name")

	// Ana is a customer already: she is linked to that profile, but only once she
	// confirmed the address, by choosing a password from the link.
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	must(t, db.Register(ctx, addr, reg, pm))
	if _, err := db.AuthenticateCustomer(ctx, "ana@example.com", anaPassword, addr); rapport.ErrorCode(err) != rapport.EUNAUTHORIZED {
		t.Errorf("an unconfirmed account signs in: %v", err)
	}
	purposes, secrets := portalMails(t, db, "ana@example.com")
	if len(purposes) != 1 || purposes[0] != "portal_verify" || secrets[0] == "" {
		t.Fatalf("mail to Ana: %v %v, want one confirmation link", purposes, secrets)
	}
	_, err := db.SetPasswordWithToken(ctx, addr, "not-a-token", anaPassword)
	wantCode(t, err, rapport.ENOTFOUND)
	if a, err := db.CheckPasswordToken(ctx, secrets[0]); err != nil || a.Verified() || a.HasPassword {
		t.Errorf("the confirmation link before use: %+v, %v; want a live link to an unconfirmed account without a password", a, err)
	}
	acct, err := db.SetPasswordWithToken(ctx, addr, secrets[0], anaPassword)
	must(t, err)
	if acct.CustomerID != ana.ID || !acct.Verified() {
		t.Errorf("confirmed account: customer %s verified %v, want Ana %s", acct.CustomerID, acct.VerifiedAt, ana.ID)
	}
	_, err = db.SetPasswordWithToken(ctx, addr, secrets[0], "another passphrase")
	wantCode(t, err, rapport.ENOTFOUND) // single use
	// Registering again answers the same, and the owner is told by mail.
	must(t, db.Register(ctx, addr, reg, pm))
	if purposes, _ := portalMails(t, db, "ana@example.com"); len(purposes) != 2 || purposes[0] != "portal_registered_twice" {
		t.Errorf("mail after registering twice: %v", purposes)
	}

	signedIn, err := db.AuthenticateCustomer(ctx, " ANA@example.com", anaPassword, addr)
	must(t, err)
	secret, err := db.CreatePortalSession(ctx, signedIn.ID, addr, "test")
	must(t, err)
	if got, err := db.FindPortalSession(ctx, secret); err != nil || got.CustomerID != ana.ID {
		t.Errorf("session: %v, %v", got, err)
	}
	must(t, db.DeletePortalSession(ctx, secret))
	_, err = db.FindPortalSession(ctx, secret)
	wantCode(t, err, rapport.EUNAUTHORIZED)

	// A stranger's address makes a new person customer on verification. Registering
	// again before confirming sends a new link, with the name typed last; confirming
	// with one spends the others.
	must(t, db.Register(ctx, addr, rapport.Registration{Email: "neu@example.com", Name: "Nora Nue"}, pm))
	must(t, db.Register(ctx, addr, rapport.Registration{Email: "neu@example.com", Name: "Nora Neu"}, pm))
	purposes, secrets = portalMails(t, db, "neu@example.com")
	if len(purposes) != 2 || purposes[0] != "portal_verify" || purposes[1] != "portal_verify" || secrets[0] == secrets[1] {
		t.Fatalf("mail after registering twice before confirming: %v, want two confirmation links", purposes)
	}
	nora, err := db.SetPasswordWithToken(ctx, addr, secrets[0], "another passphrase")
	must(t, err)
	c, err := db.FindCustomerByID(ctx, system, nora.CustomerID)
	must(t, err)
	if c.Name != "Nora Neu" || c.Kind != rapport.KindPerson || len(c.Emails) != 1 || c.Emails[0].Value != "neu@example.com" {
		t.Errorf("the new customer: %+v", c)
	}
	_, err = db.CheckPasswordToken(ctx, secrets[1])
	wantCode(t, err, rapport.ENOTFOUND)

	// Password reset: the same answer for unknown addresses; the link works once, and
	// not after an hour.
	must(t, db.RequestPasswordReset(ctx, addr, "nobody@example.com", pm))
	if purposes, _ := portalMails(t, db, "nobody@example.com"); len(purposes) != 0 {
		t.Errorf("mail to an address without an account: %v", purposes)
	}
	must(t, db.RequestPasswordReset(ctx, addr, "ana@example.com", pm))
	_, secrets = portalMails(t, db, "ana@example.com")
	if _, err := db.CheckPasswordToken(ctx, secrets[0]); err != nil {
		t.Errorf("a fresh reset link: %v", err)
	}
	_, err = db.SetPasswordWithToken(ctx, addr, secrets[0], "short")
	wantField(t, err, "password")
	_, err = db.SetPasswordWithToken(ctx, addr, secrets[0], "a brand new passphrase")
	must(t, err)
	_, err = db.SetPasswordWithToken(ctx, addr, secrets[0], "yet another passphrase")
	wantCode(t, err, rapport.ENOTFOUND)
	if _, err := db.AuthenticateCustomer(ctx, "ana@example.com", "a brand new passphrase", addr); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	// Ana had three messages this hour, as many as an address gets; an hour on, she
	// gets another link.
	db.Now = func() time.Time { return time.Now().Add(time.Hour + time.Minute) }
	must(t, db.RequestPasswordReset(ctx, addr, "ana@example.com", pm))
	purposes, secrets = portalMails(t, db, "ana@example.com")
	if len(purposes) != 4 || purposes[0] != "portal_reset" {
		t.Fatalf("mail to Ana an hour later: %v, want a fourth, a reset link", purposes)
	}
	db.Now = func() time.Time { return time.Now().Add(time.Hour + rapport.ResetLinkLifetime + 2*time.Minute) }
	_, err = db.SetPasswordWithToken(ctx, addr, secrets[0], "too late a passphrase")
	wantCode(t, err, rapport.ENOTFOUND)
	db.Now = time.Now

	// Mail anyone can ask for is limited: three messages an hour to an address, by
	// registering or resetting alike, and twenty from a network address. Beyond that
	// nothing is sent, and the answer is the same. A name typed at registration is in
	// no message before the address is confirmed.
	const lure = "Pay your invoice at evil.example"
	for range 4 {
		must(t, db.Register(ctx, "203.0.113.7", rapport.Registration{Email: "lim@example.com", Name: lure}, pm))
		must(t, db.RequestPasswordReset(ctx, "203.0.113.7", "lim@example.com", pm))
	}
	// An address not confirmed yet gets a link to confirm it, however asked for.
	if purposes, _ := portalMails(t, db, "lim@example.com"); !eq(purposes, []string{"portal_verify", "portal_verify", "portal_verify"}) {
		t.Errorf("8 requests for an unconfirmed address sent %v, want 3 confirmation links", purposes)
	}
	for i := range 20 {
		must(t, db.Register(ctx, "203.0.113.7", rapport.Registration{Email: fmt.Sprintf("lim%d@example.com", i), Name: "Lim"}, pm))
	}
	ms, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{Limit: 500})
	must(t, err)
	sent := 0
	for _, m := range ms {
		if strings.HasPrefix(m.ToAddress, "lim") {
			sent++
		}
		if strings.Contains(m.Text, lure) || strings.Contains(m.ToName, lure) {
			t.Errorf("a message to %s holds the name typed at registration: %q %q", m.ToAddress, m.ToName, m.Text)
		}
	}
	if sent != 20 {
		t.Errorf("28 requests from one network address sent %d messages, want 20", sent)
	}

	// Failed sign-ins are limited per address.
	for range 5 {
		_, err := db.AuthenticateCustomer(ctx, "neu@example.com", "wrong password!", "203.0.113.5")
		wantCode(t, err, rapport.EUNAUTHORIZED)
	}
	_, err = db.AuthenticateCustomer(ctx, "neu@example.com", "another passphrase", "203.0.113.5")
	wantCode(t, err, rapport.ERATELIMIT)

	// Staff invite a customer: one of their addresses, and not through a wall.
	bob := mustPerson(t, db, "Bob", "Stone", "bob@example.com")
	walled := mustPerson(t, db, "Wanda", "Walled", "wanda@example.com")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, walled)
	_, err = db.InviteCustomer(ctx, f.sales, walled.ID, "wanda@example.com", pm)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.InviteCustomer(ctx, f.sales, bob.ID, "someone@else.example", pm)
	wantField(t, err, "email")
	_, err = db.InviteCustomer(ctx, f.loner, bob.ID, "bob@example.com", pm)
	wantCode(t, err, rapport.EFORBIDDEN)
	// A stranger registered Bob's address first, with a name of their own: the
	// invitation greets Bob by the customer's name.
	must(t, db.Register(ctx, "203.0.113.9", rapport.Registration{Email: "bob@example.com", Name: lure}, pm))
	inv, err := db.InviteCustomer(ctx, f.sales, bob.ID, "bob@example.com", pm)
	must(t, err)
	if inv.CustomerID != bob.ID || inv.HasPassword || inv.Name != "Bob Stone" {
		t.Errorf("invitation: %+v", inv)
	}
	ms, err = db.FindOutbox(ctx, system, rapport.OutboxFilter{Limit: 500})
	must(t, err)
	for _, m := range ms {
		if m.ToAddress == "bob@example.com" && (strings.Contains(m.Text, lure) || (m.Purpose == "portal_invite" && m.ToName != "Bob Stone")) {
			t.Errorf("a message to Bob: %q %q", m.ToName, m.Text)
		}
	}
	_, secrets = portalMails(t, db, "bob@example.com")
	if _, err := db.SetPasswordWithToken(ctx, addr, secrets[0], "bob's own passphrase"); err != nil {
		t.Fatal(err)
	}
	bobAcct, err := db.AuthenticateCustomer(ctx, "bob@example.com", "bob's own passphrase", addr)
	must(t, err)
	accounts, err := db.FindPortalAccounts(ctx, f.sales, bob.ID)
	must(t, err)
	if len(accounts) != 1 || accounts[0].ID != bobAcct.ID {
		t.Errorf("Bob's accounts: %+v", accounts)
	}
	facts, err := profileFacts(db, f.sales, bob.ID)
	must(t, err)
	if len(facts.Portal) != 1 || facts.Portal[0].ID != bobAcct.ID {
		t.Errorf("Bob's accounts on his profile: %+v", facts.Portal)
	}
	_, err = db.InviteCustomer(ctx, f.sales, bob.ID, "bob@example.com", pm)
	wantCode(t, err, rapport.ECONFLICT)

	// Merged into another profile, the account follows; unmerged, it comes back.
	dup := mustPerson(t, db, "Bob", "Stone", "b.stone@example.com")
	_, err = db.MergeCustomers(ctx, f.sales, dup.ID, bob.ID, rapport.MergeManual, 0)
	must(t, err)
	secret, err = db.CreatePortalSession(ctx, bobAcct.ID, addr, "test")
	must(t, err)
	if got, err := db.FindPortalSession(ctx, secret); err != nil || got.CustomerID != dup.ID {
		t.Errorf("after merging Bob into his duplicate, the account's customer: %v, %v; want %s", got, err, dup.ID)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, bob.ID)
	must(t, err)
	if got, err := db.FindPortalSession(ctx, secret); err != nil || got.CustomerID != bob.ID {
		t.Errorf("after unmerge, the account's customer: %v, %v; want %s", got, err, bob.ID)
	}
}

// testPortalReading: views and ratings keep to what the reader may read; "also read"
// and popular lists never show an article the reader may not see; related articles
// share category, tags or products; the sitemap has only public articles; views by
// customers land on their timeline and follow merges.
func testPortalReading(t *testing.T, open Opener) {
	f, manager, acme, ana, bob := newReaders(t, open)
	db := f.db
	create := func(in rapport.ArticleInput) *rapport.Article {
		t.Helper()
		in.Publish = true
		a, err := db.CreateArticle(ctx, manager, in)
		must(t, err)
		return a
	}
	reset := create(rapport.ArticleInput{Title: "Reset your password", Tags: []string{"account"}, Products: []string{"Web app"}})
	login := create(rapport.ArticleInput{Title: "Sign in with a passkey", Tags: []string{"account", "security"}})
	invoices := create(rapport.ArticleInput{Title: "Invoices explained", Products: []string{"Billing"}})
	secret := create(rapport.ArticleInput{Title: "Acme rollout plan", Tags: []string{"account"}, Audience: rapport.AudienceChosen, Customers: []rapport.ID{acme.ID}})
	staffOnly := create(rapport.ArticleInput{Title: "Escalations", Tags: []string{"account"}, Audience: rapport.AudienceStaff})

	visitor := rapport.PortalScope("198.51.100.7")
	anaS := rapport.CustomerScope(ana.ID, "198.51.100.7")
	bobS := rapport.CustomerScope(bob.ID, "198.51.100.7")

	// Ana reads the reset article and Acme's plan; visitors read reset and invoices.
	must(t, db.RecordView(ctx, anaS, rapport.ArticleView{ArticleID: reset.ID}))
	must(t, db.RecordView(ctx, anaS, rapport.ArticleView{ArticleID: secret.ID}))
	must(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: reset.ID, Reader: "visitor-1"}))
	must(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: invoices.ID, Reader: "visitor-1"}))
	wantCode(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: secret.ID, Reader: "visitor-1"}), rapport.ENOTFOUND)
	wantCode(t, db.RecordView(ctx, bobS, rapport.ArticleView{ArticleID: staffOnly.ID}), rapport.ENOTFOUND)
	wantCode(t, db.RecordView(ctx, visitor, rapport.ArticleView{ArticleID: reset.ID}), rapport.EINVALID) // no cookie

	titles := func(ls []rapport.ArticleLink, err error) []string {
		t.Helper()
		must(t, err)
		out := []string{}
		for _, l := range ls {
			out = append(out, l.Title)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		scope rapport.Scope
		want  string
	}{
		{"Ana", anaS, "Acme rollout plan,Invoices explained"},
		{"Bob", bobS, "Invoices explained"},
		{"a visitor", visitor, "Invoices explained"},
	} {
		if got := strings.Join(titles(db.AlsoRead(ctx, c.scope, reset.ID, 5)), ","); got != c.want {
			t.Errorf("%s: readers of the reset article also read %q, want %q", c.name, got, c.want)
		}
		for _, title := range titles(db.PopularArticles(ctx, c.scope, time.Now().Add(-time.Hour), 10)) {
			if title == secret.Title && c.scope.CustomerID != ana.ID || title == staffOnly.Title {
				t.Errorf("%s is shown %q as popular", c.name, title)
			}
		}
	}
	if got := strings.Join(titles(db.PopularArticles(ctx, visitor, time.Now().Add(-time.Hour), 2)), ","); got != "Reset your password,Invoices explained" {
		t.Errorf("popular for visitors: %q", got)
	}
	if got := strings.Join(titles(db.RelatedArticles(ctx, visitor, reset.ID, 5)), ","); got != "Sign in with a passkey" {
		t.Errorf("related to reset, for a visitor: %q", got)
	}
	if got := strings.Join(titles(db.RelatedArticles(ctx, anaS, login.ID, 5)), ","); got != "Acme rollout plan,Reset your password" {
		t.Errorf("related to the passkey article, for Ana: %q", got)
	}
	_, err := db.AlsoRead(ctx, bobS, secret.ID, 5)
	wantCode(t, err, rapport.ENOTFOUND)

	sitemap, err := db.Sitemap(ctx)
	must(t, err)
	var slugs []string
	for _, e := range sitemap {
		slugs = append(slugs, e.Slug)
	}
	if got := strings.Join(slugs, ","); got != "invoices-explained,reset-your-password,sign-in-with-a-passkey" {
		t.Errorf("sitemap: %q", got)
	}

	// Ratings: one per reader, changeable; none for what the reader may not see.
	yes, no := true, false
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-1", rapport.ArticleRating{Helpful: &yes, Rating: 4, Comment: " <script>alert(1)</script> "})
	must(t, err)
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-1", rapport.ArticleRating{Helpful: &no, Rating: 2})
	must(t, err)
	_, err = db.RateArticle(ctx, anaS, reset.ID, "", rapport.ArticleRating{Helpful: &yes, Rating: 5, Comment: "Clear"})
	must(t, err)
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-2", rapport.ArticleRating{Rating: 6})
	wantField(t, err, "rating")
	_, err = db.RateArticle(ctx, visitor, reset.ID, "visitor-2", rapport.ArticleRating{})
	wantField(t, err, "rating")
	_, err = db.RateArticle(ctx, bobS, secret.ID, "", rapport.ArticleRating{Rating: 1})
	wantCode(t, err, rapport.ENOTFOUND)
	mine, err := db.FindRating(ctx, visitor, reset.ID, "visitor-1")
	must(t, err)
	if mine.Rating != 2 || mine.Helpful == nil || *mine.Helpful || mine.Comment != "" {
		t.Errorf("the visitor's changed rating: %+v", mine)
	}
	_, err = db.FindRating(ctx, visitor, reset.ID, "visitor-2")
	wantCode(t, err, rapport.ENOTFOUND)
	score, err := db.ArticleScore(ctx, visitor, reset.ID)
	must(t, err)
	if score.Helpful != 1 || score.NotHelpful != 1 || score.Ratings != 2 || score.Average != 3.5 {
		t.Errorf("score: %+v, want 1 helpful, 1 not, 2 ratings averaging 3.5", score)
	}

	// Ana's views are on her timeline, and follow her into a merge.
	timeline := func(id rapport.ID) []string {
		t.Helper()
		es, _, err := db.FindTimeline(ctx, system, rapport.InteractionFilter{CustomerID: id})
		must(t, err)
		var out []string
		for _, e := range es {
			if e.Interaction != nil && strings.HasPrefix(e.Interaction.Summary, "Read ") {
				out = append(out, e.Interaction.Summary)
			}
		}
		return out
	}
	if got := timeline(ana.ID); len(got) != 2 || !strings.Contains(strings.Join(got, ","), "Reset your password") {
		t.Errorf("Ana's timeline: %v", got)
	}
	other := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	_, err = db.MergeCustomers(ctx, f.sales, other.ID, ana.ID, rapport.MergeManual, 0)
	must(t, err)
	if got := strings.Join(titles(db.AlsoRead(ctx, rapport.CustomerScope(other.ID, ""), reset.ID, 5)), ","); got != "Acme rollout plan,Invoices explained" {
		t.Errorf("after the merge, also read for Ana's profile: %q", got)
	}
}

// testErasureForgetsReading: deleting a customer takes them out of the help centre's
// records of reading. Their views and ratings still count in the articles' figures,
// but no longer under their key or with their comment, and their searches, whose words
// may name them, are gone from the content gaps.
func testErasureForgetsReading(t *testing.T, open Opener) {
	f, manager, _, ana, _ := newReaders(t, open)
	db := f.db
	article, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Track your delivery", Publish: true})
	must(t, err)
	anaS := rapport.CustomerScope(ana.ID, "198.51.100.7")
	must(t, db.RecordView(ctx, anaS, rapport.ArticleView{ArticleID: article.ID}))
	yes := true
	_, err = db.RateArticle(ctx, anaS, article.ID, "", rapport.ArticleRating{Helpful: &yes, Rating: 2, Comment: "My order 5531 is still broken"})
	must(t, err)
	_, err = db.SearchArticles(ctx, anaS, rapport.SearchQuery{Text: "order 5531 refund", Limit: 10, Log: true})
	must(t, err)
	gaps := func() string {
		t.Helper()
		in, err := db.KnowledgeInsights(ctx, f.admin, 4)
		must(t, err)
		var qs []string
		for _, g := range in.Gaps {
			qs = append(qs, g.Query)
		}
		return strings.Join(qs, ",")
	}
	if got := gaps(); !strings.Contains(got, "5531") {
		t.Fatalf("before: the gaps are %q, want Ana's search", got)
	}

	must(t, db.DeleteCustomer(ctx, f.admin, ana.ID))
	if r, err := db.FindRating(ctx, anaS, article.ID, ""); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("after the erasure her key still finds the rating %+v (%v)", r, err)
	}
	if got := gaps(); strings.Contains(got, "5531") {
		t.Errorf("after the erasure the gaps still hold her search: %q", got)
	}
	score, err := db.ArticleScore(ctx, manager, article.ID)
	must(t, err)
	if score.Helpful != 1 || score.Ratings != 1 {
		t.Errorf("after the erasure the article's score is %+v, want her judgement still counted", score)
	}
	weeks, err := db.ArticleWeeks(ctx, manager, article.ID, 4)
	must(t, err)
	views := 0
	for _, w := range weeks {
		views += w.Views
	}
	if views != 1 {
		t.Errorf("after the erasure the article has %d views, want hers still counted", views)
	}
}

// testPortalSelf: the language and channel a customer chooses on their own profile,
// "no preference" included, are what it says though source systems hold others, a
// more trusted source too; staff can still choose one of those, and a new value a
// source sends later takes part again.
func testPortalSelf(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	send := func(language string, channel rapport.Channel) rapport.ID {
		t.Helper()
		res, err := db.IngestCustomers(ctx, system, []rapport.IncomingCustomer{{Source: "shop", SourceKey: "S-1", Customer: rapport.Customer{
			Kind: rapport.KindPerson, GivenName: "Petra", FamilyName: "Pref", Emails: []rapport.ContactPoint{{Value: "petra@example.com"}},
			Language: language, PreferredChannel: channel}}})
		must(t, err)
		return res.Items[0].CustomerID
	}
	id := send("fr", "web")
	must(t, db.SetSurvivorship(ctx, f.admin, rapport.Survivorship{Rules: map[string]rapport.SurvivalRule{"language": rapport.RuleTrusted},
		Trust: map[string]int{"shop": 10}}))
	petra := rapport.CustomerScope(id, "test")
	check := func(step, language string, channel rapport.Channel) {
		t.Helper()
		c, err := db.FindCustomerByID(ctx, f.sales, id)
		must(t, err)
		if c.Language != language || c.PreferredChannel != channel {
			t.Errorf("%s: language %q channel %q, want %q %q", step, c.Language, c.PreferredChannel, language, channel)
		}
	}
	check("from the shop", "fr", "web")

	p, err := db.UpdateMyProfile(ctx, petra, rapport.MyProfileUpdate{Language: "de", PreferredChannel: "web"})
	must(t, err)
	if p.Customer.Language != "de" {
		t.Errorf("the profile UpdateMyProfile returns: language %q, want de", p.Customer.Language)
	}
	check("her language over the most trusted source's", "de", "web")
	_, err = db.UpdateMyProfile(ctx, petra, rapport.MyProfileUpdate{})
	must(t, err)
	check("no preference", "", "")
	send("fr", "web")
	check("the shop sends its values again", "", "")

	_, err = db.UpdateCustomer(ctx, f.sales, id, rapport.CustomerUpdate{Language: ptr("fr")})
	must(t, err)
	check("staff choose the shop's language", "fr", "")
	send("es", "web")
	check("the shop sends a new language", "es", "")
}
