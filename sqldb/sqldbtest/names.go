package sqldbtest

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

// testNameConflicts: a name (or slug) another record has already is refused as a
// conflict about that field, saying which value clashes, on creating and on renaming.
func testNameConflicts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	manager := scopeOf(mustUser(t, db, "meg@example.com", rapport.RoleManager, f.salesTeam.ID))
	taken := func(what string, err error, field, value string) {
		t.Helper()
		if rapport.ErrorCode(err) != rapport.ECONFLICT {
			t.Errorf("%s: got %v, want a conflict", what, err)
			return
		}
		if e := err.(*rapport.Error); e.Field != field || e.Fields[field] == "" || !strings.Contains(e.Message, value) {
			t.Errorf("%s: got %+v, want a conflict about %s naming %q", what, e, field, value)
		}
	}

	// Segments.
	panel := &rapport.Segment{Name: "Survey panel", Rule: `kind = person`}
	must(t, db.CreateSegment(ctx, f.admin, panel))
	other := &rapport.Segment{Name: "Others", Rule: `kind = organisation`}
	must(t, db.CreateSegment(ctx, f.admin, other))
	taken("new segment", db.CreateSegment(ctx, f.admin, &rapport.Segment{Name: "Survey panel", Rule: `kind = person`}), "name", "Survey panel")
	name := "Survey panel"
	_, err := db.UpdateSegment(ctx, f.admin, other.ID, rapport.SegmentUpdate{Name: &name})
	taken("renamed segment", err, "name", "Survey panel")

	// Question rules.
	rule := &rapport.QuestionRule{Name: "Ask twice", Rule: `kind = person`, Question: "Why?"}
	must(t, db.CreateQuestionRule(ctx, manager, rule))
	second := &rapport.QuestionRule{Name: "Ask once", Rule: `kind = person`, Question: "How?"}
	must(t, db.CreateQuestionRule(ctx, manager, second))
	taken("new question rule", db.CreateQuestionRule(ctx, manager, &rapport.QuestionRule{Name: "Ask twice", Rule: `kind = person`, Question: "?"}), "name", "Ask twice")
	second.Name = "Ask twice"
	taken("renamed question rule", db.UpdateQuestionRule(ctx, manager, second), "name", "Ask twice")

	// Surveys.
	must(t, db.CreateSurvey(ctx, manager, &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS}))
	csat := &rapport.Survey{Name: "Service", Kind: rapport.SurveyCSAT}
	must(t, db.CreateSurvey(ctx, manager, csat))
	taken("new survey", db.CreateSurvey(ctx, manager, &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyNPS}), "name", "Loyalty")
	taken("renamed survey", db.ReplaceSurvey(ctx, manager, csat.ID, &rapport.Survey{Name: "Loyalty", Kind: rapport.SurveyCSAT}), "name", "Loyalty")

	// Sources.
	must(t, db.CreateSource(ctx, f.admin, &rapport.Source{Name: "crm"}))
	taken("new source", db.CreateSource(ctx, f.admin, &rapport.Source{Name: "crm"}), "name", "crm")

	// Walls.
	must(t, db.CreateWall(ctx, f.admin, &rapport.Wall{Name: "Falcon"}, nil, nil))
	hawk := &rapport.Wall{Name: "Hawk"}
	must(t, db.CreateWall(ctx, f.admin, hawk, nil, nil))
	taken("new wall", db.CreateWall(ctx, f.admin, &rapport.Wall{Name: "Falcon"}, nil, nil), "name", "Falcon")
	name = "Falcon"
	_, err = db.UpdateWall(ctx, f.admin, hawk.ID, rapport.WallUpdate{Name: &name})
	taken("renamed wall", err, "name", "Falcon")

	// Knowledge base categories clash by their slug, made from the name unless given.
	_, err = db.CreateCategory(ctx, manager, rapport.Category{Name: "Cat A"})
	must(t, err)
	_, err = db.CreateCategory(ctx, manager, rapport.Category{Name: "Cat A"})
	taken("new category", err, "name", "cat-a")
	_, err = db.CreateCategory(ctx, manager, rapport.Category{Name: "Another", Slug: "cat-a"})
	taken("new category with a slug", err, "slug", "cat-a")
	b, err := db.CreateCategory(ctx, manager, rapport.Category{Name: "Cat B"})
	must(t, err)
	b.Slug = "cat-a"
	_, err = db.UpdateCategory(ctx, manager, *b)
	taken("category given a slug taken", err, "slug", "cat-a")
}
