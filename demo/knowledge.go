package demo

import (
	"context"

	"github.com/rapportckm/rapport"
)

// writeKnowledge writes a small knowledge base: a few categories, articles with owners
// in every state of the workflow (one with a second version, one in review, one past
// its review-by date) and two subject-matter experts, so that the pages are not empty.
func (f *filler) writeKnowledge(ctx context.Context) error {
	chloe := rapport.StaffScope(f.users[staffIndex("chloe.martin")], "cli", "demo")
	jonas := rapport.StaffScope(f.users[staffIndex("jonas.lindqvist")], "cli", "demo")
	cats := map[string]rapport.ID{}
	for i, name := range []string{"Orders and delivery", "Your account", "Products"} {
		c, err := f.store.CreateCategory(ctx, chloe, rapport.Category{Name: name, Position: i})
		if err != nil {
			return err
		}
		cats[name] = c.ID
	}
	if _, err := f.store.CreateCategory(ctx, chloe, rapport.Category{Name: "Returns", ParentID: cats["Orders and delivery"]}); err != nil {
		return err
	}
	past, later := f.end.AddDate(0, 0, -20), f.end.AddDate(0, 6, 0)
	type article struct {
		by              rapport.Scope
		in              rapport.ArticleInput
		next            string // a second version's body
		review, publish bool
	}
	articles := []article{
		{by: chloe, publish: true, in: rapport.ArticleInput{Title: "Track your delivery", CategoryID: cats["Orders and delivery"],
			KeyPoints: "Every order has a tracking link in its confirmation e-mail.\nDeliveries arrive within 3 working days in the EU.",
			Body:      "## Where is my order?\n\n1. Open the confirmation e-mail.\n2. Follow **Track my order**.\n3. The page shows where the parcel is.\n\n| Destination | Working days |\n|---|---|\n| EU | 3 |\n| UK | 5 |\n| Elsewhere | 10 |",
			Tags:      []string{"delivery", "tracking"}, Products: []string{"Sit-stand desks", "Ergonomic seating"}, ReviewBy: &later},
			next: "## Where is my order?\n\n1. Open the confirmation e-mail.\n2. Follow **Track my order**, or sign in and open *Orders*.\n3. The page shows where the parcel is.\n\n| Destination | Working days |\n|---|---|\n| EU | 2 |\n| UK | 5 |\n| Elsewhere | 10 |"},
		{by: jonas, publish: true, in: rapport.ArticleInput{Title: "Return a product", CategoryID: cats["Orders and delivery"],
			KeyPoints: "You may return any product within 30 days.", Body: "Pack the product in its box, print the label from your order page and drop it at any parcel shop.",
			Tags: []string{"returns"}, ReviewBy: &past}},
		{by: jonas, publish: true, in: rapport.ArticleInput{Title: "Reset your password", CategoryID: cats["Your account"],
			KeyPoints: "Use *Forgot password* on the sign-in page; the link works for an hour.", Body: "If the e-mail does not arrive, check the spam folder, then ask us.",
			Tags: []string{"account", "login"}, Audience: rapport.AudienceCustomers, ReviewBy: &later}},
		{by: chloe, publish: true, in: rapport.ArticleInput{Title: "Escalating a complaint", KeyPoints: "Complaints open for 5 days go to the team lead.",
			Body: "Staff only: log the complaint as feedback, route it, and tell the customer when it is fixed.", Audience: rapport.AudienceStaff, Tags: []string{"complaints"}}},
		{by: jonas, review: true, in: rapport.ArticleInput{Title: "Adjust a sit-stand desk", CategoryID: cats["Products"],
			KeyPoints: "Hold the button until the desk stops; it remembers three heights.", Body: "Press **M** and a number to save a height.",
			Products: []string{"Sit-stand desks"}, Note: "first draft"}},
		{by: jonas, in: rapport.ArticleInput{Title: "Coffee machine descaling", CategoryID: cats["Products"], KeyPoints: "Descale every month.",
			Body: "Draft: steps to follow.", Products: []string{"Coffee service"}}},
	}
	for _, a := range articles {
		a.in.Publish = a.publish
		if a.in.Note == "" {
			a.in.Note = "first version"
		}
		// Agents write drafts; the knowledge manager publishes, the author owns.
		a.in.OwnerID = a.by.UserID
		writer := a.by
		if a.publish {
			writer = chloe
		}
		saved, err := f.store.CreateArticle(ctx, writer, a.in)
		if err != nil {
			return err
		}
		if a.next != "" {
			in := a.in
			in.Slug, in.Body, in.Note, in.Publish = saved.Slug, a.next, "EU deliveries now take 2 days; orders page added", false
			if _, err := f.store.SaveArticle(ctx, jonas, saved.ID, in); err != nil {
				return err
			}
			if _, err := f.store.ChangeArticleStatus(ctx, jonas, saved.ID, rapport.ArticleTransition{Step: rapport.StepSubmit,
				Reviewers: []rapport.ID{chloe.UserID}, Note: "please check the new times"}); err != nil {
				return err
			}
		}
		if a.review {
			if _, err := f.store.ChangeArticleStatus(ctx, a.by, saved.ID, rapport.ArticleTransition{Step: rapport.StepSubmit,
				Reviewers: []rapport.ID{chloe.UserID}}); err != nil {
				return err
			}
		}
	}
	experts := []struct {
		s  rapport.Scope
		in rapport.ExpertInput
	}{
		{chloe, rapport.ExpertInput{Headline: "Service and complaints", Bio: "Leads customer service; ten years with office furniture customers.",
			Areas: []string{"complaints", "delivery", "returns"}, Listed: true}},
		{jonas, rapport.ExpertInput{Headline: "Products and set-up", Bio: "Knows every desk and chair we sell, and how to fix them.",
			Areas: []string{"sit-stand desks", "ergonomic seating"}, Listed: true}},
	}
	for _, e := range experts {
		if _, err := f.store.SaveExpert(ctx, e.s, e.s.UserID, e.in); err != nil {
			return err
		}
	}
	f.log("knowledge base: %d articles, %d experts", len(articles), len(experts))
	return nil
}
