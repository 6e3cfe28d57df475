package sqldbtest

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// testKnowledgeWorkflow: an article moves draft → review → published → archived and
// back only along allowed steps, each by those who may take it, and every step is in
// its history; versions are kept and an old one can be restored; overdue articles and
// the review queue are listed for their owners and reviewers.
func testKnowledgeWorkflow(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	managerUser := mustUser(t, db, "kim@example.com", rapport.RoleManager)
	manager := scopeOf(managerUser)
	reviewerUser := mustUser(t, db, "rev@example.com", rapport.RoleAnalyst)
	reviewer := scopeOf(reviewerUser)
	visitor := rapport.PortalScope("198.51.100.7")

	a, err := db.CreateArticle(ctx, f.sales, rapport.ArticleInput{Title: "Change your plan", KeyPoints: "Plans change at month end.",
		Body: "Open Billing.\nChoose a plan.\nConfirm.", Tags: []string{"billing"}, Note: "first draft"})
	must(t, err)
	step := func(s rapport.Scope, st rapport.ArticleStep, reviewers ...rapport.ID) (*rapport.Article, error) {
		return db.ChangeArticleStatus(ctx, s, a.ID, rapport.ArticleTransition{Step: st, Reviewers: reviewers, Note: "via " + string(st)})
	}

	// Steps that the status does not allow are conflicts; reviewers are required.
	_, err = step(manager, rapport.StepWithdraw)
	wantCode(t, err, rapport.ECONFLICT)
	_, err = step(manager, rapport.StepUnarchive)
	wantCode(t, err, rapport.ECONFLICT)
	_, err = step(f.sales, rapport.StepSubmit)
	wantField(t, err, "reviewers")
	_, err = step(f.sales, rapport.StepSubmit, rapport.NewID())
	wantField(t, err, "reviewers")
	_, err = db.ChangeArticleStatus(ctx, f.sales, a.ID, rapport.ArticleTransition{Step: "approve"})
	wantField(t, err, "step")
	// Authors do not publish; analysts do not submit; readers change nothing.
	_, err = step(f.sales, rapport.StepPublish)
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = step(f.loner, rapport.StepSubmit, reviewerUser.ID)
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = step(visitor, rapport.StepArchive)
	wantCode(t, err, rapport.EFORBIDDEN)

	// The author sends it to a reviewer, who finds it in their queue and sends it back.
	got, err := step(f.sales, rapport.StepSubmit, reviewerUser.ID, reviewerUser.ID)
	must(t, err)
	if got.Status != rapport.ArticleReview {
		t.Fatalf("after submit the status is %s, want review", got.Status)
	}
	if _, err = step(manager, rapport.StepUnarchive); err == nil || !strings.Contains(err.Error(), "the article is in review, so it cannot") {
		t.Errorf("unarchive in review: got %v, want a conflict that says the article is in review", err)
	}
	queue, err := db.ListArticles(ctx, reviewer, rapport.ArticleFilter{ReviewerID: reviewerUser.ID})
	must(t, err)
	if len(queue.Articles) != 1 || queue.Articles[0].ID != a.ID {
		t.Errorf("the reviewer's queue holds %d articles, want the one submitted", len(queue.Articles))
	}
	counts, err := db.CountArticles(ctx, reviewer)
	must(t, err)
	if counts.ToReview != 1 || counts.ByStatus[rapport.ArticleReview] != 1 || counts.Total != 1 {
		t.Errorf("counts for the reviewer: %+v, want 1 to review of 1 in review", counts)
	}
	if _, err := step(reviewer, rapport.StepWithdraw); err != nil {
		t.Fatalf("the reviewer sends the article back: %v", err)
	}
	if _, err := step(f.deals, rapport.StepSubmit, reviewerUser.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := step(reviewer, rapport.StepPublish); rapport.ErrorCode(err) != rapport.EFORBIDDEN {
		t.Errorf("an analyst reviewer publishes: %v", err)
	}

	// The knowledge manager publishes; readers see it.
	if got, err = step(manager, rapport.StepPublish); err != nil || got.Status != rapport.ArticlePublished || got.PublishedVersion != 1 {
		t.Fatalf("publish: %v, %v", got, err)
	}
	if _, err := db.FindArticle(ctx, visitor, a.Slug); err != nil {
		t.Errorf("a visitor cannot read the published article: %v", err)
	}
	_, err = step(manager, rapport.StepPublish)
	wantCode(t, err, rapport.ECONFLICT)

	// A second version: the reviewer compares it with the first, and it is restored.
	_, err = db.SaveArticle(ctx, f.sales, a.ID, rapport.ArticleInput{Slug: a.Slug, Title: "Change your plan", KeyPoints: "Plans change at once.",
		Body: "Open Billing.\nChoose a plan.\nPay the difference.\nConfirm.", Tags: []string{"billing", "plans"}, Note: "plans change at once now"})
	must(t, err)
	work, err := db.ArticleWork(ctx, reviewer, a.ID)
	must(t, err)
	if len(work.Versions) != 2 || work.Versions[0].Version != 2 || work.Versions[0].Note != "plans change at once now" ||
		work.Versions[0].AuthorName != "sam" || !work.Versions[1].Published || work.Versions[0].Published {
		t.Errorf("versions: %+v", work.Versions)
	}
	if len(work.Reviewers) != 1 || work.Reviewers[0].ID != reviewerUser.ID {
		t.Errorf("reviewers: %+v", work.Reviewers)
	}
	var steps []string
	for _, e := range work.Events {
		steps = append(steps, string(e.Step)+":"+string(e.To))
	}
	if want := "publish:published submit:review withdraw:draft submit:review"; strings.Join(steps, " ") != want {
		t.Errorf("history of steps %q, want %q", strings.Join(steps, " "), want)
	}
	v2, err := db.FindArticleVersion(ctx, f.sales, a.ID, 2)
	must(t, err)
	if !strings.Contains(v2.Body, "Pay the difference") || len(v2.Tags) != 2 {
		t.Errorf("version 2: %+v", v2)
	}
	_, err = db.FindArticleVersion(ctx, f.sales, a.ID, 9)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.FindArticleVersion(ctx, visitor, a.ID, 1)
	wantCode(t, err, rapport.EFORBIDDEN)
	restored, err := db.RestoreArticleVersion(ctx, f.sales, a.ID, 1, "")
	must(t, err)
	v3, err := db.FindArticleVersion(ctx, f.sales, a.ID, 3)
	must(t, err)
	if restored.Version != 3 || restored.Status != rapport.ArticleDraft || v3.Body != "Open Billing.\nChoose a plan.\nConfirm." ||
		v3.KeyPoints != "Plans change at month end." || len(v3.Tags) != 1 || v3.Note != "Restored version 1" {
		t.Errorf("restored: version %d status %s, content %+v", restored.Version, restored.Status, v3)
	}
	if read, err := db.FindArticle(ctx, visitor, a.Slug); err != nil || read.PublishedVersion != 1 {
		t.Errorf("readers see version %v (%v) while the restored draft waits, want 1", read, err)
	}

	// Archived: gone for readers, and a new draft does not bring it back.
	if _, err := step(manager, rapport.StepArchive); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindArticle(ctx, visitor, a.Slug); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a visitor reads an archived article: %v", err)
	}
	if saved, err := db.SaveArticle(ctx, f.sales, a.ID, rapport.ArticleInput{Slug: a.Slug, Title: "Change your plan"}); err != nil || saved.Status != rapport.ArticleArchived {
		t.Errorf("a new version of an archived article: %v, %v; want it archived still", saved, err)
	}
	if _, err := db.FindArticle(ctx, visitor, a.Slug); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a visitor reads an archived article after a new draft: %v", err)
	}
	if got, err = step(manager, rapport.StepUnarchive); err != nil || got.Status != rapport.ArticleDraft {
		t.Errorf("unarchive with an unpublished latest version: %v, %v; want draft", got, err)
	}
	if _, err := db.FindArticle(ctx, visitor, a.Slug); err != nil {
		t.Errorf("after unarchiving, readers do not see the published version: %v", err)
	}

	// Review-by dates: the owner's overdue articles, not archived ones or others'.
	past, future := time.Now().Add(-48*time.Hour), time.Now().Add(48*time.Hour)
	late, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Late one", ReviewBy: &past})
	must(t, err)
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Fresh one", ReviewBy: &future})
	must(t, err)
	_, err = db.CreateArticle(ctx, f.sales, rapport.ArticleInput{Title: "Someone else's late one", ReviewBy: &past})
	must(t, err)
	gone, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Archived late one", ReviewBy: &past})
	must(t, err)
	_, err = db.ChangeArticleStatus(ctx, manager, gone.ID, rapport.ArticleTransition{Step: rapport.StepArchive})
	must(t, err)
	overdue, err := db.ListArticles(ctx, manager, rapport.ArticleFilter{Overdue: true, OwnerID: managerUser.ID})
	must(t, err)
	if len(overdue.Articles) != 1 || overdue.Articles[0].ID != late.ID {
		t.Errorf("the manager's overdue articles: %v, want only %q", overdue.Articles, late.Title)
	}
	if counts, err = db.CountArticles(ctx, manager); err != nil || counts.Overdue != 1 {
		t.Errorf("the manager's overdue count: %+v, %v; want 1", counts, err)
	}
	_, err = db.CountArticles(ctx, visitor)
	wantCode(t, err, rapport.EFORBIDDEN)
}

// testKnowledgeCategories: categories are renamed, moved (never under themselves),
// reordered and deleted only when empty, by knowledge managers.
func testKnowledgeCategories(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	manager := scopeOf(mustUser(t, db, "kim@example.com", rapport.RoleManager))
	mk := func(name string, parent rapport.ID) *rapport.Category {
		t.Helper()
		c, err := db.CreateCategory(ctx, manager, rapport.Category{Name: name, ParentID: parent})
		must(t, err)
		return c
	}
	billing := mk("Billing", rapport.ID{})
	refunds := mk("Refunds", billing.ID)
	accounts := mk("Accounts", rapport.ID{})
	order := func() string {
		t.Helper()
		cats, err := db.ListCategories(ctx, manager)
		must(t, err)
		var names []string
		for _, c := range cats {
			names = append(names, c.Name)
		}
		return strings.Join(names, ",")
	}
	if got := order(); got != "Accounts,Billing,Refunds" {
		t.Errorf("tree %q, want Accounts,Billing,Refunds", got)
	}
	must(t, db.MoveCategory(ctx, manager, billing.ID, -1))
	if got := order(); got != "Billing,Refunds,Accounts" {
		t.Errorf("after moving Billing up: %q", got)
	}
	must(t, db.MoveCategory(ctx, manager, billing.ID, -1)) // already first: stays
	if got := order(); got != "Billing,Refunds,Accounts" {
		t.Errorf("after moving the first up: %q", got)
	}
	wantCode(t, db.MoveCategory(ctx, f.sales, billing.ID, 1), rapport.EFORBIDDEN)

	billing.ParentID = refunds.ID
	_, err := db.UpdateCategory(ctx, manager, *billing)
	wantField(t, err, "parent_id")
	billing.ParentID = billing.ID
	_, err = db.UpdateCategory(ctx, manager, *billing)
	wantField(t, err, "parent_id")
	refunds.ParentID, refunds.Name = accounts.ID, "Refunds and returns"
	got, err := db.UpdateCategory(ctx, manager, *refunds)
	must(t, err)
	if got.Name != "Refunds and returns" || got.Slug != "refunds" {
		t.Errorf("renamed: %+v (the slug stays)", got)
	}
	if got := order(); got != "Billing,Accounts,Refunds and returns" {
		t.Errorf("after moving Refunds under Accounts: %q", got)
	}
	_, err = db.UpdateCategory(ctx, f.sales, *refunds)
	wantCode(t, err, rapport.EFORBIDDEN)

	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Refund times", CategoryID: refunds.ID})
	must(t, err)
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Close your account", CategoryID: accounts.ID, Publish: true})
	must(t, err)
	_, err = db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Uncategorised", Publish: true})
	must(t, err)
	// Each category's articles are counted as the reader may see them: the draft by
	// staff only; a category without an article is left out.
	visitor := rapport.PortalScope("198.51.100.7")
	for _, c := range []struct {
		name  string
		scope rapport.Scope
		want  map[rapport.ID]int
	}{
		{"staff", manager, map[rapport.ID]int{refunds.ID: 1, accounts.ID: 1}},
		{"a visitor", visitor, map[rapport.ID]int{accounts.ID: 1}},
	} {
		got, err := db.CountCategoryArticles(ctx, c.scope)
		must(t, err)
		if !maps.Equal(got, c.want) {
			t.Errorf("%s: articles by category %v, want %v", c.name, got, c.want)
		}
	}
	err = db.DeleteCategory(ctx, manager, refunds.ID)
	wantCode(t, err, rapport.ECONFLICT)
	if want := "holds 1 article and 0 subcategories"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("deleting a category with an article: %v, want it to say %q", err, want)
	}
	wantCode(t, db.DeleteCategory(ctx, manager, accounts.ID), rapport.ECONFLICT)
	must(t, db.DeleteCategory(ctx, manager, billing.ID))
	wantCode(t, db.DeleteCategory(ctx, manager, billing.ID), rapport.ENOTFOUND)
	if got := order(); got != "Accounts,Refunds and returns" {
		t.Errorf("after deleting Billing: %q", got)
	}
}

// testExperts: staff write their own expert profile; readers outside the firm see
// listed experts only, without their e-mail addresses, with the articles they may read.
func testExperts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	kimUser := mustUser(t, db, "kim@example.com", rapport.RoleManager)
	kim := scopeOf(kimUser)
	samUser, err := db.FindUserByID(ctx, system, f.sales.UserID)
	must(t, err)
	visitor := rapport.PortalScope("198.51.100.7")

	e, err := db.SaveExpert(ctx, kim, kimUser.ID, rapport.ExpertInput{Headline: "Billing and refunds", Bio: "Ten years in **billing**.",
		Areas: []string{"Billing", "refunds", "billing "}, Listed: true})
	must(t, err)
	if e.Name != "kim" || !eq(e.Areas, []string{"billing", "refunds"}) || e.Email != "kim@example.com" {
		t.Errorf("saved expert: %+v", e)
	}
	_, err = db.SaveExpert(ctx, f.sales, samUser.ID, rapport.ExpertInput{Headline: "Onboarding", Areas: []string{"onboarding"}})
	must(t, err)
	_, err = db.SaveExpert(ctx, f.sales, kimUser.ID, rapport.ExpertInput{Headline: "Taken over"})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.SaveExpert(ctx, f.admin, samUser.ID, rapport.ExpertInput{Headline: "Onboarding", Areas: []string{"onboarding"}})
	must(t, err)
	_, err = db.SaveExpert(ctx, kim, kimUser.ID, rapport.ExpertInput{Listed: true})
	wantField(t, err, "headline")
	_, err = db.SaveExpert(ctx, kim, kimUser.ID, rapport.ExpertInput{Headline: "x", Bio: "bad \x00 byte"})
	wantField(t, err, "bio")

	_, err = db.CreateArticle(ctx, kim, rapport.ArticleInput{Title: "Refunds in five days", Publish: true})
	must(t, err)
	_, err = db.CreateArticle(ctx, kim, rapport.ArticleInput{Title: "Internal refund rules", Audience: rapport.AudienceStaff, Publish: true})
	must(t, err)

	staffList, err := db.ListExperts(ctx, f.loner, "")
	must(t, err)
	if len(staffList) != 2 {
		t.Errorf("staff see %d experts, want both profiles", len(staffList))
	}
	public, err := db.ListExperts(ctx, visitor, "")
	must(t, err)
	if len(public) != 1 || public[0].UserID != kimUser.ID || public[0].Email != "" || public[0].Articles != 1 {
		t.Errorf("a visitor sees %+v, want only kim, no e-mail, 1 article", public)
	}
	if byArea, err := db.ListExperts(ctx, visitor, " Refunds "); err != nil || len(byArea) != 1 {
		t.Errorf("experts in refunds: %v, %v", byArea, err)
	}
	if byArea, err := db.ListExperts(ctx, visitor, "onboarding"); err != nil || len(byArea) != 0 {
		t.Errorf("a visitor finds the unlisted expert by area: %v, %v", byArea, err)
	}
	if _, err := db.FindExpert(ctx, visitor, samUser.ID); rapport.ErrorCode(err) != rapport.ENOTFOUND {
		t.Errorf("a visitor finds the unlisted expert: %v", err)
	}
	if mine, err := db.FindExpert(ctx, kim, kimUser.ID); err != nil || mine.Articles != 2 {
		t.Errorf("staff see kim's %v articles (%v), want 2", mine, err)
	}
}

// testArticleFiles: files of an article reach readers only when they may read the
// article, and deleting one queues its content for purging.
func testArticleFiles(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	manager := scopeOf(mustUser(t, db, "kim@example.com", rapport.RoleManager))
	acme := mustOrg(t, db, "Acme")
	bob := mustPerson(t, db, "Bob", "Stone", "bob@example.com")
	public, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Public guide", Publish: true})
	must(t, err)
	forAcme, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Acme plan", Audience: rapport.AudienceChosen,
		Customers: []rapport.ID{acme.ID}, Publish: true})
	must(t, err)
	draft, err := db.CreateArticle(ctx, manager, rapport.ArticleInput{Title: "Draft"})
	must(t, err)
	file := func(a *rapport.Article, key string) *rapport.ArticleFile {
		t.Helper()
		fl := &rapport.ArticleFile{ArticleID: a.ID, Name: "chart.png", ContentType: "image/png", Size: 10,
			SHA256: strings.Repeat("a", 64), StorageKey: key}
		must(t, db.CreateArticleFile(ctx, f.sales, fl))
		return fl
	}
	pub, acmeFile, draftFile := file(public, "k1"), file(forAcme, "k2"), file(draft, "k3")
	err = db.CreateArticleFile(ctx, f.loner, &rapport.ArticleFile{ArticleID: public.ID, Name: "x", ContentType: "image/png", Size: 1,
		SHA256: strings.Repeat("a", 64), StorageKey: "k4"})
	wantCode(t, err, rapport.EFORBIDDEN)
	err = db.CreateArticleFile(ctx, f.sales, &rapport.ArticleFile{ArticleID: rapport.NewID(), Name: "x", ContentType: "image/png", Size: 1,
		SHA256: strings.Repeat("a", 64), StorageKey: "k5"})
	wantCode(t, err, rapport.ENOTFOUND)

	visitor, bobScope := rapport.PortalScope("198.51.100.7"), rapport.CustomerScope(bob.ID, "198.51.100.7")
	for _, c := range []struct {
		name  string
		scope rapport.Scope
		file  *rapport.ArticleFile
		found bool
	}{
		{"visitor, public", visitor, pub, true},
		{"visitor, Acme's", visitor, acmeFile, false},
		{"Bob, Acme's", bobScope, acmeFile, false},
		{"visitor, draft", visitor, draftFile, false},
		{"staff, draft", f.loner, draftFile, true},
	} {
		got, err := db.FindArticleFile(ctx, c.scope, c.file.ID)
		if c.found && (err != nil || got.StorageKey != c.file.StorageKey) {
			t.Errorf("%s: %v, %v", c.name, got, err)
		}
		if !c.found && rapport.ErrorCode(err) != rapport.ENOTFOUND {
			t.Errorf("%s: found %v (%v), want not found", c.name, got, err)
		}
	}
	list, err := db.ListArticleFiles(ctx, f.loner, public.ID)
	must(t, err)
	if len(list) != 1 || list[0].ID != pub.ID {
		t.Errorf("files of the public guide: %v", list)
	}
	must(t, db.DeleteArticleFile(ctx, f.sales, pub.ID))
	keys, err := db.ContentsToDelete(ctx, 10)
	must(t, err)
	if !eq(keys, []string{"k1"}) {
		t.Errorf("contents to delete %v, want [k1]", keys)
	}
	wantCode(t, db.DeleteArticleFile(ctx, f.sales, pub.ID), rapport.ENOTFOUND)
}
