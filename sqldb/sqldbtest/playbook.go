package sqldbtest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testPlaybook: managers write tips and question rules, agents read them; tips match
// by request type, product and channel, the most specific first; question rules test
// one customer, within the reader's walls, and a rule with a mistake is refused with
// where it is.
func testPlaybook(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	manager := scopeOf(mustUser(t, db, "meg@example.com", rapport.RoleManager, f.salesTeam.ID))

	wantCode(t, db.CreateTip(ctx, f.sales, &rapport.Tip{RequestType: "refund", Title: "x", Body: "y"}), rapport.EFORBIDDEN)
	err := db.CreateTip(ctx, manager, &rapport.Tip{Title: " ", Body: ""})
	wantCode(t, err, rapport.EINVALID)
	if e := err.(*rapport.Error); e.Fields["request_type"] == "" || e.Fields["title"] == "" || e.Fields["body"] == "" {
		t.Errorf("got %v, want problems on request_type, title and body", e.Fields)
	}
	wantCode(t, db.CreateTip(ctx, manager, &rapport.Tip{RequestType: "refund", Channel: "pigeon", Title: "x", Body: "y"}), rapport.EINVALID)
	general := &rapport.Tip{RequestType: "Refund", Title: "Refunds in general", Body: "Check the order first."}
	desks := &rapport.Tip{RequestType: "refund", Product: "Standing desks", Title: "Desk refunds", Body: "Desks are collected, not posted."}
	phone := &rapport.Tip{RequestType: "refund", Product: "standing  desks", Channel: "phone", Title: "On the phone", Body: "Offer the collection slot."}
	other := &rapport.Tip{RequestType: "address change", Title: "Addresses", Body: "Ask about every product."}
	for _, tip := range []*rapport.Tip{general, desks, phone, other} {
		must(t, db.CreateTip(ctx, manager, tip))
	}
	if phone.Product != "standing desks" || phone.AuthorName == "" {
		t.Errorf("saved tip: %+v", phone)
	}
	titles := func(tips []*rapport.Tip) string {
		var s []string
		for _, tip := range tips {
			s = append(s, tip.Title)
		}
		return strings.Join(s, "; ")
	}
	for _, tt := range []struct {
		keys []rapport.TipKey
		want string
	}{
		{[]rapport.TipKey{{RequestType: "REFUND", Product: "Standing desks", Channel: "phone"}}, "On the phone; Desk refunds; Refunds in general"},
		{[]rapport.TipKey{{RequestType: "refund", Product: "Chairs", Channel: "phone"}}, "Refunds in general"},
		{[]rapport.TipKey{{RequestType: "refund", Product: "standing desks", Channel: "email"}, {RequestType: "address change"}}, "Desk refunds; Addresses; Refunds in general"},
		{[]rapport.TipKey{{RequestType: "complaint"}}, ""},
		{nil, ""},
	} {
		got, err := db.MatchTips(ctx, f.sales, tt.keys)
		if err != nil || titles(got) != tt.want {
			t.Errorf("%+v: got %q (%v), want %q", tt.keys, titles(got), err, tt.want)
		}
	}
	general.Body = "Check the order and the payment first."
	must(t, db.UpdateTip(ctx, manager, general))
	if got, _ := db.FindTipByID(ctx, f.sales, general.ID); got.Body != general.Body {
		t.Errorf("updated tip: %+v", got)
	}
	wantCode(t, db.DeleteTip(ctx, f.sales, other.ID), rapport.EFORBIDDEN)
	must(t, db.DeleteTip(ctx, manager, other.ID))
	if tips, err := db.FindTips(ctx, f.sales); err != nil || len(tips) != 3 {
		t.Errorf("after a delete: %d tips (%v)", len(tips), err)
	}

	// Question rules look at what just happened to one customer.
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	bo := mustPerson(t, db, "Bo", "Berg", "bo@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "sam@falcon.example")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)
	for _, c := range []*rapport.Customer{ana, secret} {
		in := &rapport.Interaction{CustomerID: c.ID, Type: "ticket", Channel: "email", OccurredAt: time.Now().Add(-48 * time.Hour), Summary: "Late delivery",
			Attributes: json.RawMessage(`{"category":"complaint","status":"resolved"}`)}
		must(t, db.CreateInteraction(ctx, system, in))
	}
	rating := &rapport.QuestionRule{Name: "Rate the fix", Rule: `count(type = ticket, attr.category = complaint, attr.status = resolved, since 7d ago) >= 1`,
		Question: "Are you happy with how we solved it? How would you rate it from 1 to 5?", Active: true}
	wantCode(t, db.CreateQuestionRule(ctx, f.sales, rating), rapport.EFORBIDDEN)
	must(t, db.CreateQuestionRule(ctx, manager, rating))
	never := &rapport.QuestionRule{Name: "Never", Rule: `kind = organisation`, Question: "Who else decides?", Active: true}
	must(t, db.CreateQuestionRule(ctx, manager, never))
	off := &rapport.QuestionRule{Name: "Off", Rule: `kind = person`, Question: "Switched off", Active: false}
	must(t, db.CreateQuestionRule(ctx, manager, off))
	wantCode(t, db.CreateQuestionRule(ctx, manager, &rapport.QuestionRule{Name: "Rate the fix", Rule: "kind = person", Question: "again?"}), rapport.ECONFLICT)
	err = db.CreateQuestionRule(ctx, manager, &rapport.QuestionRule{Name: "Broken", Rule: "count(type = tickets) >= 1", Question: "?"})
	if e, ok := err.(*rapport.Error); !ok || e.Field != "rule" || !strings.Contains(e.Message, "column") {
		t.Errorf("a rule with a mistake: got %v, want an error on rule that says where", err)
	}

	questions := func(s rapport.Scope, c *rapport.Customer) string {
		t.Helper()
		got, err := db.SuggestQuestions(ctx, s, c.ID)
		if err != nil {
			return err.Error()
		}
		var names []string
		for _, q := range got {
			names = append(names, q.RuleName)
		}
		return strings.Join(names, ", ")
	}
	if got := questions(f.sales, ana); got != "Rate the fix" {
		t.Errorf("Ana's questions: %q", got)
	}
	if got := questions(f.sales, bo); got != "" {
		t.Errorf("Bo's questions: %q", got)
	}
	if got := questions(f.sales, secret); !strings.Contains(got, "not found") {
		t.Errorf("the walled customer's questions, as an outsider: %q", got)
	}
	if got := questions(f.deals, secret); got != "Rate the fix" {
		t.Errorf("the walled customer's questions, inside the wall: %q", got)
	}
	if met, err := db.TestQuestionRule(ctx, f.sales, off.Rule, bo.ID); err != nil || !met {
		t.Errorf("preview of an inactive rule on Bo: %v %v", met, err)
	}
	_, err = db.TestQuestionRule(ctx, f.sales, off.Rule, secret.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.TestQuestionRule(ctx, f.sales, "clv > lots", bo.ID)
	wantCode(t, err, rapport.EINVALID)

	off.Active, off.Question = true, "Now on"
	must(t, db.UpdateQuestionRule(ctx, manager, off))
	if got := questions(f.sales, bo); got != "Off" {
		t.Errorf("after switching a rule on: %q", got)
	}
	must(t, db.DeleteQuestionRule(ctx, manager, off.ID))
	if rules, err := db.FindQuestionRules(ctx, f.sales); err != nil || len(rules) != 2 {
		t.Errorf("after a delete: %d rules (%v)", len(rules), err)
	}
}
