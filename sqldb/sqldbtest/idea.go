package sqldbtest

import (
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// testIdeas proposes ideas for a theme, moves one through its statuses and checks who
// may do what and what bad input says; it returns an idea linked to the theme.
func testIdeas(t *testing.T, db *sqldb.DB, f *fixture, theme rapport.ID) *rapport.Idea {
	t.Helper()
	idea, err := db.CreateIdea(ctx, f.sales, rapport.IdeaInput{Title: "  A dark theme for the app ", Description: "Follow the phone's setting.", ThemeID: theme})
	must(t, err)
	if idea.Title != "A dark theme for the app" || idea.Status != rapport.IdeaProposed || idea.ThemeID != theme || idea.CreatorName == "" {
		t.Errorf("the new idea: %+v", idea)
	}
	other, err := db.CreateIdea(ctx, f.deals, rapport.IdeaInput{Title: "Night shipping window"})
	must(t, err)

	planned, err := db.UpdateIdea(ctx, f.deals, idea.ID, rapport.IdeaInput{Title: idea.Title, Description: idea.Description, Status: rapport.IdeaPlanned, ThemeID: theme})
	must(t, err)
	if planned.Status != rapport.IdeaPlanned || planned.CreatedBy != idea.CreatedBy || planned.UpdatedAt.Before(idea.UpdatedAt) {
		t.Errorf("after planning: %+v", planned)
	}
	list, err := db.FindIdeas(ctx, f.loner, rapport.IdeaFilter{ThemeID: theme})
	must(t, err)
	if len(list) != 1 || list[0].ID != idea.ID {
		t.Errorf("the theme's ideas: %+v, want the one", list)
	}
	list, err = db.FindIdeas(ctx, f.sales, rapport.IdeaFilter{Status: rapport.IdeaProposed})
	must(t, err)
	if len(list) != 1 || list[0].ID != other.ID {
		t.Errorf("proposed ideas: %+v, want the other", list)
	}

	_, err = db.CreateIdea(ctx, f.loner, rapport.IdeaInput{Title: "Analysts only read"})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.FindIdeas(ctx, rapport.PortalScope("203.0.113.9"), rapport.IdeaFilter{})
	wantCode(t, err, rapport.EFORBIDDEN)
	_, err = db.CreateIdea(ctx, f.sales, rapport.IdeaInput{Title: " "})
	wantField(t, err, "title")
	_, err = db.CreateIdea(ctx, f.sales, rapport.IdeaInput{Title: "x", Status: "someday"})
	wantField(t, err, "status")
	_, err = db.CreateIdea(ctx, f.sales, rapport.IdeaInput{Title: "x", ThemeID: rapport.NewID()})
	wantField(t, err, "theme_id")
	_, err = db.CreateIdea(ctx, f.sales, rapport.IdeaInput{Title: "bad\x00title"})
	wantField(t, err, "title")
	_, err = db.UpdateIdea(ctx, f.sales, rapport.NewID(), rapport.IdeaInput{Title: "x"})
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.FindIdeas(ctx, f.sales, rapport.IdeaFilter{Status: "someday"})
	wantField(t, err, "status")
	return idea
}
