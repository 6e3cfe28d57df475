// Package sqldbtest is the contract every Rapport database passes: the same tests run
// on SQLite and on PostgreSQL (see the test files of sqldb/sqlite and sqldb/postgres).
package sqldbtest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// Opener returns a new, migrated, empty database for one test.
type Opener func(tb testing.TB) *sqldb.DB

// Run runs the whole contract against databases made by open.
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Customers", testCustomers},
		{"CustomerSearch", testCustomerSearch},
		{"CustomerPaging", testCustomerPaging},
		{"Links", testLinks},
		{"Walls", testWalls},
		{"Notes", testNotes},
		{"Interactions", testInteractions},
		{"IngestInteractions", testIngestInteractions},
		{"IngestCustomers", testIngestCustomers},
		{"IngestUnchanged", testIngestUnchanged},
		{"Imports", testImports},
		{"UploadedImports", testUploadedImports},
		{"Jobs", testJobs},
		{"Timeline", testTimeline},
		{"Profile", testProfile},
		{"Users", testUsers},
		{"Authentication", testAuthentication},
		{"Teams", testTeams},
		{"Audit", testAudit},
		{"PruneReads", testPruneReads},
		{"Idempotency", testIdempotency},
		{"MergeUnmerge", testMergeUnmerge},
		{"MergeOrganisations", testMergeOrganisations},
		{"DecideAtOnce", testDecideAtOnce},
		{"MergeAtOnce", testMergeAtOnce},
		{"RecentMerges", testRecentMerges},
		{"GoldenRecord", testGoldenRecord},
		{"CustomerValues", testCustomerValues},
		{"Quality", testQuality},
		{"Consents", testConsents},
		{"Knowledge", testKnowledge},
		{"KnowledgeSearch", testKnowledgeSearch},
		{"KnowledgeImport", testKnowledgeImport},
		{"PortalAccounts", testPortalAccounts},
		{"PortalReading", testPortalReading},
		{"ErasureForgetsReading", testErasureForgetsReading},
		{"PortalSelf", testPortalSelf},
		{"KnowledgeInsights", testKnowledgeInsights},
		{"KnowledgeWorkflow", testKnowledgeWorkflow},
		{"KnowledgeCategories", testKnowledgeCategories},
		{"Experts", testExperts},
		{"ExpertQuestions", testExpertQuestions},
		{"ArticleFiles", testArticleFiles},
		{"ArticleReading", testArticleReading},
		{"Attachments", testAttachments},
		{"Segments", testSegments},
		{"SegmentRefreshStale", testSegmentRefreshStale},
		{"SegmentProposals", testSegmentProposals},
		{"Playbook", testPlaybook},
		{"Items", testItems},
		{"ItemEditsAtOnce", testItemEditsAtOnce},
		{"LastContacts", testLastContacts},
		{"PreferredTime", testPreferredTime},
		{"AlmostCustomers", testAlmostCustomers},
		{"MergeWalls", testMergeWalls},
		{"MatchReview", testMatchReview},
		{"IdentityQueue", testIdentityQueue},
		{"ArticleAccess", testArticleAccess},
		{"Feedback", testFeedback},
		{"FeedbackStatus", testFeedbackStatus},
		{"Outbox", testOutbox},
		{"MailedKeys", testMailedKeys},
		{"NoteTemplates", testNoteTemplates},
		{"FeedbackLoop", testFeedbackLoop},
		{"FeedbackIntake", testFeedbackIntake},
		{"OwnFeedbackShown", testOwnFeedbackShown},
		{"Routing", testRouting},
		{"Actions", testActions},
		{"Themes", testThemes},
		{"ThemeFixScores", testThemeFixScores},
		{"FeedbackMeasures", testFeedbackMeasures},
		{"Surveys", testSurveys},
		{"SurveyTriggers", testSurveyTriggers},
		{"SurveyAnswersAtOnce", testSurveyAnswersAtOnce},
		{"NameConflicts", testNameConflicts},
		{"SurveyAnswerChanged", testSurveyAnswerChanged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

var ctx = context.Background()

// system is the scope of the rapport command: it sees and may do everything.
var system = rapport.SystemScope("test")

// fixture is a small organisation of staff: an admin, an agent in the sales team, an
// agent in the deals team and an analyst in no team.
type fixture struct {
	db        *sqldb.DB
	admin     rapport.Scope
	sales     rapport.Scope // agent in team Sales
	deals     rapport.Scope // agent in team Deals
	loner     rapport.Scope // analyst in no team
	salesTeam *rapport.Team
	dealsTeam *rapport.Team
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	db := open(t)
	f := &fixture{db: db}
	f.salesTeam = mustTeam(t, db, "Sales", "sales")
	f.dealsTeam = mustTeam(t, db, "Deals", "finance")
	f.admin = scopeOf(mustUser(t, db, "admin@example.com", rapport.RoleAdmin))
	f.sales = scopeOf(mustUser(t, db, "sam@example.com", rapport.RoleAgent, f.salesTeam.ID))
	f.deals = scopeOf(mustUser(t, db, "dee@example.com", rapport.RoleAgent, f.dealsTeam.ID))
	f.loner = scopeOf(mustUser(t, db, "lou@example.com", rapport.RoleAnalyst))
	return f
}

func scopeOf(u *rapport.User) rapport.Scope { return rapport.StaffScope(u, "test", "127.0.0.1") }

func mustTeam(t *testing.T, db *sqldb.DB, name, function string) *rapport.Team {
	t.Helper()
	team := &rapport.Team{Name: name, Function: function}
	if err := db.CreateTeam(ctx, system, team); err != nil {
		t.Fatalf("create team %s: %v", name, err)
	}
	return team
}

func mustUser(t *testing.T, db *sqldb.DB, email string, role rapport.Role, teams ...rapport.ID) *rapport.User {
	t.Helper()
	u := &rapport.User{Email: email, Name: email[:len(email)-len("@example.com")], Role: role}
	for _, id := range teams {
		u.Teams = append(u.Teams, rapport.TeamRef{ID: id})
	}
	if err := db.CreateUser(ctx, system, u, ""); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func mustPerson(t *testing.T, db *sqldb.DB, given, family, email string) *rapport.Customer {
	t.Helper()
	c := &rapport.Customer{Kind: rapport.KindPerson, GivenName: given, FamilyName: family}
	if email != "" {
		c.Emails = []rapport.ContactPoint{{Value: email}}
	}
	if err := db.CreateCustomer(ctx, system, c); err != nil {
		t.Fatalf("create %s %s: %v", given, family, err)
	}
	return c
}

func mustOrg(t *testing.T, db *sqldb.DB, name string) *rapport.Customer {
	t.Helper()
	c := &rapport.Customer{Kind: rapport.KindOrganisation, Name: name}
	if err := db.CreateCustomer(ctx, system, c); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return c
}

func mustLink(t *testing.T, db *sqldb.DB, from, to *rapport.Customer, kind rapport.LinkKind) *rapport.Link {
	t.Helper()
	l := &rapport.Link{FromID: from.ID, ToID: to.ID, Kind: kind}
	if err := db.CreateLink(ctx, system, l); err != nil {
		t.Fatalf("link %s %s %s: %v", from.Name, kind, to.Name, err)
	}
	return l
}

func mustWall(t *testing.T, db *sqldb.DB, name string, teams []rapport.ID, customers ...*rapport.Customer) *rapport.Wall {
	t.Helper()
	w := &rapport.Wall{Name: name}
	var ids []rapport.ID
	for _, c := range customers {
		ids = append(ids, c.ID)
	}
	if err := db.CreateWall(ctx, system, w, teams, ids); err != nil {
		t.Fatalf("create wall %s: %v", name, err)
	}
	return w
}

// wantCode fails unless err carries the code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := rapport.ErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %q", err, got, code)
	}
}

// wantField fails unless err is EINVALID about the field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	wantFieldCode(t, err, field, rapport.EINVALID)
}

// wantConflict fails unless err is ECONFLICT about the field: its value is taken.
func wantConflict(t *testing.T, err error, field string) {
	t.Helper()
	wantFieldCode(t, err, field, rapport.ECONFLICT)
}

func wantFieldCode(t *testing.T, err error, field, code string) {
	t.Helper()
	wantCode(t, err, code)
	e := err.(*rapport.Error)
	if _, ok := e.Fields[field]; !ok && e.Field != field {
		t.Fatalf("got error about %v, want one about %q: %v", e.Fields, field, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func names(cs []*rapport.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}

func eq[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }

func atf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// profileFacts reads a customer's facts as the profile page does.
func profileFacts(db *sqldb.DB, s rapport.Scope, id rapport.ID) (*rapport.ProfileFacts, error) {
	p, err := db.FindProfile(ctx, s, rapport.InteractionFilter{CustomerID: id})
	if err != nil {
		return nil, err
	}
	return &p.Facts, nil
}

// workbenchOf reads a customer's workbench as the profile page does.
func workbenchOf(db *sqldb.DB, s rapport.Scope, id rapport.ID) (*rapport.Workbench, error) {
	f, err := profileFacts(db, s, id)
	if err != nil {
		return nil, err
	}
	return f.Work, nil
}

// feedbackOf reads a customer's feedback card as the profile page does.
func feedbackOf(db *sqldb.DB, s rapport.Scope, id rapport.ID) (*rapport.CustomerFeedback, error) {
	f, err := profileFacts(db, s, id)
	if err != nil {
		return nil, err
	}
	return f.Feedback, nil
}

// atOnce makes the n calls at the same moment, as n servers or people would, and
// returns their errors in order.
func atOnce(n int, call func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = call(i) })
	}
	wg.Wait()
	return errs
}
