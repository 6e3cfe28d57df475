package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// Team names, for the rules that refer to them.
const (
	teamSales     = "Sales"
	teamService   = "Customer Service"
	teamFinance   = "Corporate Finance"
	wallName      = "Project Falcon"
	keyAccounts   = "key" // territory of the sales manager: the largest accounts
	staffDomain   = "@demo.example"
	passwordChars = "abcdefghijkmnpqrstuvwxyz23456789" // 32 letters and digits that cannot be misread
)

var demoTeams = []rapport.Team{
	{Name: teamSales, Function: "sales", Description: "Account managers and sales agents; they own most business customers, each for a territory."},
	{Name: teamService, Function: "service", Description: "Answers calls, chats and tickets from every customer."},
	{Name: "Marketing", Function: "marketing", Description: "Campaigns, newsletters, trade fairs and the website."},
	{Name: "Operations", Function: "operations", Description: "Orders, deliveries, warehouses and returns."},
	{Name: "Product & R&D", Function: "product", Description: "Product management and research; runs the beta programme with lead customers."},
	{Name: teamFinance, Function: "finance", Description: "Mergers, acquisitions and investor relations. The only team that sees the customers behind the Project Falcon wall."},
}

// staffMember is a demo user. Sales people own the customers of their territories
// (country codes, or keyAccounts).
type staffMember struct {
	name        string
	email       string
	role        rapport.Role
	teams       []string
	territories []string
}

var demoStaff = []staffMember{
	{"Alex Morgan", "admin" + staffDomain, rapport.RoleAdmin, nil, nil},
	{"Sofia Almeida", "sofia.almeida" + staffDomain, rapport.RoleManager, []string{teamSales}, []string{keyAccounts, "FR", "JP"}},
	{"Liam O'Connor", "liam.oconnor" + staffDomain, rapport.RoleAgent, []string{teamSales}, []string{"GB", "IE", "US"}},
	{"Hannah Becker", "hannah.becker" + staffDomain, rapport.RoleAgent, []string{teamSales}, []string{"DE", "AT", "NL", "SE", "DK", "PL"}},
	{"Mateo García", "mateo.garcia" + staffDomain, rapport.RoleAgent, []string{teamSales}, []string{"ES", "PT", "IT", "BR"}},
	{"Chloé Martin", "chloe.martin" + staffDomain, rapport.RoleManager, []string{teamService}, nil},
	{"Jonas Lindqvist", "jonas.lindqvist" + staffDomain, rapport.RoleAgent, []string{teamService}, nil},
	{"Aisha Khan", "aisha.khan" + staffDomain, rapport.RoleAgent, []string{teamService}, nil},
	{"Giulia Rossi", "giulia.rossi" + staffDomain, rapport.RoleManager, []string{"Marketing"}, nil},
	{"Piotr Nowak", "piotr.nowak" + staffDomain, rapport.RoleAgent, []string{"Operations"}, nil},
	{"Yuki Tanaka", "yuki.tanaka" + staffDomain, rapport.RoleAgent, []string{"Product & R&D"}, nil},
	{"Margaret Ellis", "margaret.ellis" + staffDomain, rapport.RoleManager, []string{teamFinance}, nil},
	{"Daniel Okafor", "daniel.okafor" + staffDomain, rapport.RoleAnalyst, []string{teamFinance}, nil},
	{"Ravi Patel", "ravi.patel" + staffDomain, rapport.RoleAnalyst, nil, nil},
}

// ownerFor returns the index in demoStaff of the sales person for a territory, or -1.
func ownerFor(territory string) int {
	for i, m := range demoStaff {
		if slices.Contains(m.territories, territory) {
			return i
		}
	}
	return -1
}

// staffIndex returns the index in demoStaff of the user whose address starts with local.
func staffIndex(local string) int {
	for i, m := range demoStaff {
		if m.email == local+staffDomain {
			return i
		}
	}
	panic("demo: no staff member " + local)
}

// staffIn returns the indexes in demoStaff of the members of a team.
func staffIn(team string) []int {
	var out []int
	for i, m := range demoStaff {
		if slices.Contains(m.teams, team) {
			out = append(out, i)
		}
	}
	return out
}

// checkFresh refuses a database that holds demo data already, or any customers: the
// demo writes customers and interactions under source keys that a real import could
// use, and would change them.
func (f *filler) checkFresh(ctx context.Context) error {
	users, err := f.store.FindUsers(ctx, f.system)
	if err != nil {
		return fmt.Errorf("list users: %w", err)
	}
	for _, u := range users {
		for _, m := range demoStaff {
			if strings.EqualFold(u.Email, m.email) {
				return alreadyThere("the user " + m.email)
			}
		}
	}
	teams, err := f.store.FindTeams(ctx, f.system)
	if err != nil {
		return fmt.Errorf("list teams: %w", err)
	}
	for _, t := range teams {
		for _, d := range demoTeams {
			if strings.EqualFold(t.Name, d.Name) {
				return alreadyThere("the team " + d.Name)
			}
		}
	}
	walls, err := f.store.FindWalls(ctx, f.system)
	if err != nil {
		return fmt.Errorf("list walls: %w", err)
	}
	for _, w := range walls {
		if w.Name == wallName {
			return alreadyThere("the wall " + wallName)
		}
	}
	n, err := f.store.CountCustomers(ctx, f.system, rapport.CustomerFilter{})
	if err != nil {
		return fmt.Errorf("count customers: %w", err)
	} else if n > 0 {
		return rapport.Errorf(rapport.ECONFLICT, "this database holds %s customers already: the demo fills an empty database only, so that it cannot change real data", thousands.Int(n))
	}
	return nil
}

func alreadyThere(what string) error {
	return rapport.Errorf(rapport.ECONFLICT, "the demo data is already in this database (%s exists): use a new database file to load it again", what)
}

// newPassword returns 16 random characters in four groups, such as "k7qm-x3vp-9drt-wh2e":
// 80 bits, easy to read aloud.
func newPassword() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	var s strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(passwordChars[int(c)%len(passwordChars)]) // 256 is a multiple of 32: no bias
	}
	return s.String()
}

// createStaff makes the teams and the users, who all get the password of the summary.
func (f *filler) createStaff(ctx context.Context) error {
	for _, t := range demoTeams {
		team := t
		team.Members = nil
		if err := f.store.CreateTeam(ctx, f.system, &team); err != nil {
			return fmt.Errorf("create team %s: %w", t.Name, err)
		}
		f.teams = append(f.teams, &team)
		f.sum.Teams = append(f.sum.Teams, team.Name)
	}
	for _, m := range demoStaff {
		u := &rapport.User{Email: m.email, Name: m.name, Role: m.role}
		for _, name := range m.teams {
			u.Teams = append(u.Teams, rapport.TeamRef{ID: f.team(name).ID, Name: name})
		}
		if err := f.store.CreateUser(ctx, f.system, u, f.sum.Password); err != nil {
			return fmt.Errorf("create user %s: %w", m.email, err)
		}
		f.users = append(f.users, u)
		f.sum.Users = append(f.sum.Users, u.Email)
	}
	f.log("staff: %d teams, %d users", len(f.teams), len(f.users))
	return nil
}

// team returns the created team with the name.
func (f *filler) team(name string) *rapport.Team {
	for _, t := range f.teams {
		if t.Name == name {
			return t
		}
	}
	panic("demo: no team " + name)
}
