package sqldbtest

import (
	"slices"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// SharedSetup: the firm's setup that profile pages share (staff, teams, question
// rules) shows a process's own changes at once, though it was read a moment before,
// and another process's within a second.
func SharedSetup(t *testing.T, open func() (*sqldb.DB, error)) {
	handle := handles(t, open)
	first, second := handle(), handle()
	manager := scopeOf(mustUser(t, first, "kim@example.com", rapport.RoleManager))
	c := mustPerson(t, first, "Ada", "Quinn", "ada@example.com")
	setup := func(db *sqldb.DB) (staff, teams, questions []string) {
		t.Helper()
		f, err := profileFacts(db, manager, c.ID)
		must(t, err)
		for _, u := range f.Work.Staff {
			staff = append(staff, u.Name)
		}
		for _, team := range f.Work.Teams {
			teams = append(teams, team.Name)
		}
		for _, q := range f.Questions {
			questions = append(questions, q.RuleName)
		}
		return staff, teams, questions
	}
	if staff, teams, questions := setup(first); !slices.Equal(staff, []string{"kim"}) || len(teams) != 0 || len(questions) != 0 {
		t.Fatalf("before any change: staff %q, teams %q, questions %q", staff, teams, questions)
	}

	mustTeam(t, first, "Service", "service")
	mustUser(t, first, "lee@example.com", rapport.RoleAgent)
	must(t, first.CreateQuestionRule(ctx, manager, &rapport.QuestionRule{Name: "Ask people", Rule: "kind = person", Question: "Anything else?", Active: true}))
	if staff, teams, questions := setup(first); !slices.Equal(staff, []string{"kim", "lee"}) || !slices.Equal(teams, []string{"Service"}) || !slices.Equal(questions, []string{"Ask people"}) {
		t.Errorf("at once after this process's changes: staff %q, teams %q, questions %q", staff, teams, questions)
	}

	setup(second) // read, and kept, before the first process's next change
	mustTeam(t, first, "Sales", "sales")
	time.Sleep(time.Second + 100*time.Millisecond)
	if _, teams, _ := setup(second); !slices.Equal(teams, []string{"Sales", "Service"}) {
		t.Errorf("a second after another process added a team: %q", teams)
	}
}
