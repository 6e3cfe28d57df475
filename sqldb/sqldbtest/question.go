package sqldbtest

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// questionMails returns the queued mail of a purpose, newest first.
func questionMails(t *testing.T, db *sqldb.DB, purpose string) []*rapport.Mail {
	t.Helper()
	ms, err := db.FindOutbox(ctx, system, rapport.OutboxFilter{Limit: 500})
	must(t, err)
	var out []*rapport.Mail
	for _, m := range ms {
		if m.Purpose == purpose {
			out = append(out, m)
		}
	}
	return out
}

// questionEntries lists the summaries of the question entries on a customer's timeline.
func questionEntries(t *testing.T, db *sqldb.DB, id rapport.ID) []string {
	t.Helper()
	es, _, err := db.FindTimeline(ctx, system, rapport.InteractionFilter{CustomerID: id})
	must(t, err)
	var out []string
	for _, e := range es {
		if e.Interaction != nil && e.Interaction.Type == "question" {
			if e.Interaction.Channel != "portal" {
				t.Errorf("a question entry on channel %q, want portal", e.Interaction.Channel)
			}
			out = append(out, e.Interaction.Summary)
		}
	}
	return out
}

// testExpertQuestions: a signed-in customer asks a listed expert (never an unlisted
// one, never as a visitor), within limits; the question is on their timeline and mailed
// to the expert; staff see the questions addressed to them, knowledge managers all,
// and nobody a question from behind a wall they are outside of; the expert answers,
// which is mailed to the customer, and turns the answer into a draft article; the
// questions follow the customer through merge and unmerge.
func testExpertQuestions(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	kimUser := mustUser(t, db, "kim@example.com", rapport.RoleManager)
	kim := scopeOf(kimUser)
	sam, dee := f.sales, f.deals
	_, err := db.SaveExpert(ctx, kim, kimUser.ID, rapport.ExpertInput{Headline: "Billing", Areas: []string{"billing"}, Listed: true})
	must(t, err)
	_, err = db.SaveExpert(ctx, sam, sam.UserID, rapport.ExpertInput{Headline: "Onboarding", Areas: []string{"onboarding", "setup"}, Listed: true})
	must(t, err)
	_, err = db.SaveExpert(ctx, dee, dee.UserID, rapport.ExpertInput{Headline: "Deals", Areas: []string{"deals"}})
	must(t, err)

	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	bob := mustPerson(t, db, "Bob", "Stone", "bob@example.com")
	wanda := mustPerson(t, db, "Wanda", "Walled", "wanda@example.com")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, wanda)
	acct, err := db.InviteCustomer(ctx, f.admin, ana.ID, "ana@example.com", pm)
	must(t, err)
	anaS := rapport.CustomerScope(ana.ID, "198.51.100.7")
	bobS := rapport.CustomerScope(bob.ID, "198.51.100.7")
	wandaS := rapport.CustomerScope(wanda.ID, "198.51.100.7")
	visitor := rapport.PortalScope("198.51.100.7")

	// Whom an article's page offers: listed experts in its tags' and products' areas.
	names := func(es []rapport.Expert, err error) string {
		t.Helper()
		must(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.Name)
		}
		return strings.Join(out, ",")
	}
	if got := names(db.ExpertsFor(ctx, visitor, []string{" Onboarding", "deals", "billing", "cooking"}, 5)); got != "kim,sam" {
		t.Errorf("experts for the labels, to a visitor: %q, want kim,sam", got)
	}
	if got := names(db.ExpertsFor(ctx, f.loner, []string{"deals"}, 5)); got != "dee" {
		t.Errorf("experts for deals, to staff: %q, want the unlisted dee", got)
	}
	if got := names(db.ExpertsFor(ctx, visitor, []string{"onboarding", "billing"}, 1)); got != "kim" {
		t.Errorf("one expert for the labels: %q", got)
	}
	if got := names(db.ExpertsFor(ctx, visitor, nil, 5)); got != "" {
		t.Errorf("experts for no labels: %q", got)
	}

	// Who may ask whom, and what.
	ask := func(s rapport.Scope, expert rapport.ID, area, text string) (*rapport.ExpertQuestion, error) {
		return db.AskExpert(ctx, s, rapport.Question{ExpertID: expert, Area: area, Text: text, AccountID: acct.ID}, pm)
	}
	_, err = ask(visitor, sam.UserID, "", "May I ask?")
	wantCode(t, err, rapport.EUNAUTHORIZED)
	_, err = ask(anaS, dee.UserID, "", "Are you there?")
	wantCode(t, err, rapport.ENOTFOUND) // unlisted
	_, err = ask(anaS, sam.UserID, "billing", "Wrong area")
	wantField(t, err, "area")
	_, err = ask(anaS, sam.UserID, "", "   ")
	wantField(t, err, "question")
	_, err = ask(anaS, sam.UserID, "", strings.Repeat("a", rapport.MaxQuestion+1))
	wantField(t, err, "question")
	_, err = ask(anaS, sam.UserID, "", "bad \xff bytes")
	wantField(t, err, "question")

	text := "How do I invite my team? <script>alert(1)</script>\nWe are ten people."
	q1, err := ask(anaS, sam.UserID, " Onboarding ", text)
	must(t, err)
	if q1.ExpertID != sam.UserID || q1.CustomerID != ana.ID || q1.Area != "onboarding" || q1.Question != text || q1.Answered() || q1.ExpertName != "sam" {
		t.Errorf("asked: %+v", q1)
	}
	if got := questionEntries(t, db, ana.ID); len(got) != 1 || !strings.HasPrefix(got[0], "Asked sam: How do I invite my team?") {
		t.Errorf("Ana's timeline: %q", got)
	}
	mails := questionMails(t, db, "expert_question")
	if len(mails) != 1 || mails[0].ToAddress != "sam@example.com" || !strings.Contains(mails[0].Text, "https://help.test/kb/questions/"+q1.ID.String()) ||
		!strings.Contains(mails[0].Text, "> How do I invite my team?") || !mails[0].CustomerID.IsZero() {
		t.Fatalf("mail to the expert: %+v", mails)
	}

	// Wanda, behind a wall, asks sam, who is outside it: he is not mailed and does not
	// see it. With no manager inside the wall, the admin is mailed instead.
	sent := map[rapport.ID]bool{}
	newMail := func() []string { // to whom the mails since the last call went
		var out []string
		for _, m := range questionMails(t, db, "expert_question") {
			if !sent[m.ID] {
				sent[m.ID] = true
				out = append(out, m.ToAddress)
			}
		}
		return out
	}
	newMail()
	qw, err := ask(wandaS, sam.UserID, "", "Falcon question")
	must(t, err)
	if got := newMail(); len(got) != 1 || got[0] != "admin@example.com" {
		t.Errorf("a question the expert may not see is mailed to %q, want the admin only", got)
	}
	ids := func(s rapport.Scope, f rapport.QuestionFilter) []rapport.ID {
		t.Helper()
		list, _, err := db.FindQuestions(ctx, s, f)
		must(t, err)
		var out []rapport.ID
		for _, q := range list {
			out = append(out, q.ID)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		scope rapport.Scope
		want  []rapport.ID
	}{
		{"sam, the expert asked", sam, []rapport.ID{q1.ID}},
		{"kim, a knowledge manager outside the wall", kim, []rapport.ID{q1.ID}},
		{"the admin", f.admin, []rapport.ID{qw.ID, q1.ID}},
		{"dee, an agent asked nothing", dee, nil},
		{"lou, an analyst", f.loner, nil},
	} {
		if got := ids(c.scope, rapport.QuestionFilter{}); !eq(got, c.want) {
			t.Errorf("%s sees %v, want %v", c.name, got, c.want)
		}
	}
	_, err = db.FindQuestion(ctx, sam, qw.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.FindQuestion(ctx, dee, q1.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, _, err = db.FindQuestions(ctx, anaS, rapport.QuestionFilter{})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.FindQuestion(ctx, anaS, q1.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	got, err := db.FindQuestion(ctx, sam, q1.ID)
	must(t, err)
	if got.CustomerName != "Ana Silva" {
		t.Errorf("sam reads %+v", got)
	}
	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID})
	must(t, err)
	var actions []string
	for _, e := range events {
		if e.Entity == "question" {
			actions = append(actions, e.Action)
		}
	}
	if !strings.Contains(strings.Join(actions, ","), "read") || !strings.Contains(strings.Join(actions, ","), "ask") {
		t.Errorf("audit of Ana's question: %v, want the ask and the read", actions)
	}

	// Limits: at most MaxOpenQuestions open at once.
	for i := 1; i < rapport.MaxOpenQuestions; i++ {
		_, err := ask(anaS, kimUser.ID, "", "Another question")
		must(t, err)
	}
	_, err = ask(anaS, kimUser.ID, "", "One too many")
	wantCode(t, err, rapport.ERATELIMIT)
	if got := ids(kim, rapport.QuestionFilter{ExpertID: kimUser.ID}); len(got) != rapport.MaxOpenQuestions-1 {
		t.Errorf("kim's questions: %d", len(got))
	}
	// Kim's own come first on her list; paging walks the whole list once.
	list, _, err := db.FindQuestions(ctx, kim, rapport.QuestionFilter{})
	must(t, err)
	if len(list) != rapport.MaxOpenQuestions || list[0].ExpertID != kimUser.ID || list[len(list)-1].ID != q1.ID {
		t.Errorf("kim's list does not start with her own questions")
	}
	var paged []rapport.ID
	cursor := ""
	for i := 0; i < 10; i++ {
		page, next, err := db.FindQuestions(ctx, kim, rapport.QuestionFilter{Limit: 2, Cursor: cursor})
		must(t, err)
		for _, q := range page {
			paged = append(paged, q.ID)
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	var all []rapport.ID
	for _, q := range list {
		all = append(all, q.ID)
	}
	if !eq(paged, all) {
		t.Errorf("pages of 2: %v, want %v", paged, all)
	}
	_, _, err = db.FindQuestions(ctx, kim, rapport.QuestionFilter{Cursor: "bogus"})
	wantField(t, err, "cursor")
	_, _, err = db.FindQuestions(ctx, kim, rapport.QuestionFilter{Status: "pending"})
	wantField(t, err, "status")

	// Answers: the expert asked or a knowledge manager; mailed to the customer.
	_, err = db.AnswerQuestion(ctx, dee, q1.ID, "I know!", pm)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.AnswerQuestion(ctx, sam, q1.ID, "  ", pm)
	wantField(t, err, "answer")
	_, err = db.AnswerQuestion(ctx, sam, q1.ID, strings.Repeat("x", rapport.MaxAnswer+1), pm)
	wantField(t, err, "answer")
	_, err = db.AnswerQuestion(ctx, sam, qw.ID, "Falcon answer", pm)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.QuestionToArticle(ctx, sam, q1.ID, rapport.QuestionArticle{})
	wantCode(t, err, rapport.ECONFLICT) // not answered yet
	answered, err := db.AnswerQuestion(ctx, sam, q1.ID, "Open **Settings → Team** and invite them.", pm)
	must(t, err)
	if !answered.Answered() || answered.AnsweredBy != sam.UserID || answered.AnsweredByName != "sam" {
		t.Errorf("answered: %+v", answered)
	}
	answers := questionMails(t, db, "expert_answer")
	if len(answers) != 1 || answers[0].ToAddress != "ana@example.com" || answers[0].CustomerID != ana.ID ||
		!strings.Contains(answers[0].Text, "Settings → Team") || !strings.Contains(answers[0].Text, "https://help.test/help/account#questions") {
		t.Fatalf("answer mail: %+v", answers)
	}
	if got := questionEntries(t, db, ana.ID); len(got) != rapport.MaxOpenQuestions+1 || !strings.HasPrefix(got[0], "sam answered “How do I invite") {
		t.Errorf("Ana's timeline after the answer: %q", got)
	}
	if got := ids(sam, rapport.QuestionFilter{Status: rapport.QuestionOpen}); len(got) != 0 {
		t.Errorf("sam's open questions after answering: %v", got)
	}
	if got := ids(sam, rapport.QuestionFilter{Status: rapport.QuestionAnswered}); !eq(got, []rapport.ID{q1.ID}) {
		t.Errorf("sam's answered questions: %v", got)
	}
	// The customer sees her own questions and answers, and nobody else's.
	mine, err := db.MyQuestions(ctx, anaS)
	must(t, err)
	if len(mine) != rapport.MaxOpenQuestions || mine[len(mine)-1].Answer != "Open **Settings → Team** and invite them." {
		t.Errorf("Ana's questions: %d", len(mine))
	}
	if theirs, err := db.MyQuestions(ctx, bobS); err != nil || len(theirs) != 0 {
		t.Errorf("Bob sees %d questions (%v)", len(theirs), err)
	}
	_, err = db.MyQuestions(ctx, visitor)
	wantCode(t, err, rapport.EUNAUTHORIZED)
	// One more question may be asked now that one is answered.
	_, err = ask(anaS, kimUser.ID, "", "Now I may ask again")
	must(t, err)

	// Into an article: a draft owned by the expert, once.
	_, err = db.QuestionToArticle(ctx, sam, q1.ID, rapport.QuestionArticle{Audience: rapport.AudienceChosen})
	wantField(t, err, "audience")
	_, err = db.QuestionToArticle(ctx, f.loner, q1.ID, rapport.QuestionArticle{})
	wantCode(t, err, rapport.EFORBIDDEN)
	a, err := db.QuestionToArticle(ctx, sam, q1.ID, rapport.QuestionArticle{})
	must(t, err)
	if a.Status != rapport.ArticleDraft || a.OwnerID != sam.UserID || a.Audience != rapport.AudiencePublic || a.Title != "How do I invite my team? <script>alert(1)</script>" ||
		!strings.Contains(a.Body, "> We are ten people.") || !strings.Contains(a.Body, "Settings → Team") || !eq(a.Tags, []string{"onboarding"}) {
		t.Errorf("article from the question: %+v", a)
	}
	if _, err := db.FindArticle(ctx, visitor, a.Slug); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a visitor reads the draft: %v", err)
	}
	linked, err := db.FindQuestion(ctx, sam, q1.ID)
	must(t, err)
	if linked.ArticleID != a.ID || linked.ArticleTitle != a.Title {
		t.Errorf("the question links %s %q, want the article", linked.ArticleID, linked.ArticleTitle)
	}
	_, err = db.QuestionToArticle(ctx, sam, q1.ID, rapport.QuestionArticle{})
	wantCode(t, err, rapport.ECONFLICT)
	// The customer's plain text is quoted to read as written, not as Markdown; the key
	// points are the first sentences of the answer's first paragraph, not all of it.
	cy := mustPerson(t, db, "Cy", "Plain", "cy@example.com")
	plain, err := ask(rapport.CustomerScope(cy.ID, ""), kimUser.ID, "", "# Sizes\n- Is *L* 40 cm? <b>[see](x)</b>\n1. Thanks")
	must(t, err)
	_, err = db.AnswerQuestion(ctx, kim, plain.ID, "| Size | Width |\n|---|---|\n| L | 40 cm |\n\nL is 40 cm wide. M is 35 cm.\n\nAsk us about XL.", pm)
	must(t, err)
	a, err = db.QuestionToArticle(ctx, kim, plain.ID, rapport.QuestionArticle{})
	must(t, err)
	if a.KeyPoints != "L is 40 cm wide. M is 35 cm." {
		t.Errorf("the key points of an answer with a table: %q", a.KeyPoints)
	}
	if quoted := "> \\# Sizes\\\n> \\- Is \\*L\\* 40 cm? \\<b\\>\\[see\\](x)\\</b\\>\\\n> 1\\. Thanks"; !strings.Contains(a.Body, quoted) {
		t.Errorf("the article's body %q does not quote the question as written", a.Body)
	}

	// Merge: Ana's questions follow her into the other profile, and come back.
	other := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	_, err = db.MergeCustomers(ctx, f.sales, other.ID, ana.ID, rapport.MergeManual, 0)
	must(t, err)
	if moved, err := db.MyQuestions(ctx, rapport.CustomerScope(other.ID, "")); err != nil || len(moved) != rapport.MaxOpenQuestions+1 {
		t.Errorf("after the merge, the profile has %d questions (%v)", len(moved), err)
	}
	if got := ids(f.admin, rapport.QuestionFilter{CustomerID: other.ID}); len(got) != rapport.MaxOpenQuestions+1 {
		t.Errorf("staff see %d questions on the merged profile", len(got))
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, ana.ID)
	must(t, err)
	if back, err := db.MyQuestions(ctx, anaS); err != nil || len(back) != rapport.MaxOpenQuestions+1 {
		t.Errorf("after the unmerge, Ana has %d questions (%v)", len(back), err)
	}
	if left, err := db.MyQuestions(ctx, rapport.CustomerScope(other.ID, "")); err != nil || len(left) != 0 {
		t.Errorf("after the unmerge, the other profile keeps %d questions (%v)", len(left), err)
	}

	// Questions sent at once are counted one after the other: no more than the limit
	// get through.
	bea := mustPerson(t, db, "Bea", "Quick", "bea@example.com")
	beaS := rapport.CustomerScope(bea.ID, "198.51.100.7")
	results := make(chan error, rapport.MaxOpenQuestions+5)
	for range rapport.MaxOpenQuestions + 5 {
		go func() {
			_, err := db.AskExpert(ctx, beaS, rapport.Question{ExpertID: kimUser.ID, Text: "All at once"}, pm)
			results <- err
		}()
	}
	asked := 0
	for range rapport.MaxOpenQuestions + 5 {
		if err := <-results; err == nil {
			asked++
		} else if rapport.ErrorCode(err) != rapport.ERATELIMIT {
			t.Errorf("a question sent at once with others: %v", err)
		}
	}
	if asked != rapport.MaxOpenQuestions {
		t.Errorf("%d questions sent at once got through, want %d", asked, rapport.MaxOpenQuestions)
	}

	// With a manager inside the wall, the manager is mailed, not the admin.
	mustUser(t, db, "mia@example.com", rapport.RoleManager, f.dealsTeam.ID)
	newMail()
	_, err = db.AskExpert(ctx, wandaS, rapport.Question{ExpertID: sam.UserID, Text: "Another Falcon question"}, pm)
	must(t, err)
	if got := newMail(); len(got) != 1 || got[0] != "mia@example.com" {
		t.Errorf("a question the expert may not see, with a manager inside the wall, is mailed to %q", got)
	}
	// Under a second wall, a manager must be inside both: neither Mia (Falcon only) nor
	// Ola (Osprey only) may read Wanda's name, so the admin is mailed.
	osprey := mustTeam(t, db, "Osprey", "finance")
	mustWall(t, db, "Osprey", []rapport.ID{osprey.ID}, wanda)
	mustUser(t, db, "ola@example.com", rapport.RoleManager, osprey.ID)
	newMail()
	_, err = db.AskExpert(ctx, wandaS, rapport.Question{ExpertID: sam.UserID, Text: "A question under two walls"}, pm)
	must(t, err)
	if got := newMail(); len(got) != 1 || got[0] != "admin@example.com" {
		t.Errorf("a question under two walls, with managers inside only one each, is mailed to %q, want the admin only", got)
	}
}
