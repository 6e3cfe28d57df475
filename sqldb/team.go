package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

func scanTeam(rows Scanner) (*rapport.Team, error) {
	t := &rapport.Team{Members: []rapport.UserRef{}}
	err := rows.Scan(&t.ID, &t.Name, &t.Function, &t.Description, &t.CreatedAt)
	return t, err
}

func (tx *Tx) findTeams(where string, args ...any) ([]*rapport.Team, error) {
	teams, err := queryAll(tx, `SELECT id, name, function, description, created_at FROM teams `+where+` ORDER BY name`, args, scanTeam)
	if err != nil || len(teams) == 0 {
		return teams, err
	}
	byID := make(map[rapport.ID]*rapport.Team, len(teams))
	for _, t := range teams {
		byID[t.ID] = t
	}
	err = tx.each(`SELECT tm.team_id, u.id, u.name, u.email FROM team_members tm JOIN users u ON u.id = tm.user_id ORDER BY u.name`, nil, func(r Scanner) error {
		var teamID rapport.ID
		var u rapport.UserRef
		if err := r.Scan(&teamID, &u.ID, &u.Name, &u.Email); err != nil {
			return err
		}
		if t := byID[teamID]; t != nil {
			t.Members = append(t.Members, u)
		}
		return nil
	})
	return teams, err
}

// FindTeams lists every team with its members; any staff member may.
func (db *DB) FindTeams(ctx context.Context, s rapport.Scope) ([]*rapport.Team, error) {
	if s.Kind == rapport.ActorCustomer {
		return nil, rapport.Errorf(rapport.EFORBIDDEN, "customers may not list teams")
	}
	var teams []*rapport.Team
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		teams, err = tx.findTeams("")
		return err
	})
	return teams, err
}

// FindTeamByID returns one team.
func (db *DB) FindTeamByID(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.Team, error) {
	if s.Kind == rapport.ActorCustomer {
		return nil, rapport.NotFound("team")
	}
	var team *rapport.Team
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		team, err = tx.findTeam(id)
		return err
	})
	return team, err
}

func (tx *Tx) findTeam(id rapport.ID) (*rapport.Team, error) {
	teams, err := tx.findTeams(`WHERE id = $1`, id)
	if err != nil {
		return nil, err
	} else if len(teams) == 0 {
		return nil, rapport.NotFound("team")
	}
	return teams[0], nil
}

// CreateTeam adds a team with the members listed in t.Members.
func (db *DB) CreateTeam(ctx context.Context, s rapport.Scope, t *rapport.Team) error {
	if err := rapport.Require(s.IsAdmin(), "manage teams"); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		t.ID, t.CreatedAt = rapport.NewID(), tx.now
		if err := tx.checkTeamName(t); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO teams (id, name, function, description, created_at) VALUES ($1, $2, $3, $4, $5)`,
			t.ID, t.Name, t.Function, t.Description, t.CreatedAt); err != nil {
			return tx.taken(err, "name", "a team called %s exists already", t.Name)
		}
		members := make([]rapport.ID, len(t.Members))
		for i, m := range t.Members {
			members[i] = m.ID
		}
		if err := tx.setTeamMembers(t.ID, members); err != nil {
			return err
		}
		saved, err := tx.findTeam(t.ID)
		if err != nil {
			return err
		}
		*t = *saved
		return tx.audit("create", "team", t.ID, rapport.ID{}, false, t.Name)
	})
}

func (tx *Tx) setTeamMembers(teamID rapport.ID, userIDs []rapport.ID) error {
	if _, err := tx.exec(`DELETE FROM team_members WHERE team_id = $1`, teamID); err != nil {
		return err
	}
	for _, id := range userIDs {
		if _, err := tx.exec(`INSERT INTO team_members (team_id, user_id) SELECT $1, id FROM users WHERE id = $2 ON CONFLICT DO NOTHING`, teamID, id); err != nil {
			return err
		}
	}
	return tx.checkAllExist("users", "member_ids", userIDs)
}

// UpdateTeam changes a team and, when given, replaces its members.
func (db *DB) UpdateTeam(ctx context.Context, s rapport.Scope, id rapport.ID, u rapport.TeamUpdate) (*rapport.Team, error) {
	if err := rapport.Require(s.IsAdmin(), "manage teams"); err != nil {
		return nil, err
	}
	var t *rapport.Team
	err := db.update(ctx, s, func(tx *Tx) (err error) {
		if t, err = tx.findTeam(id); err != nil {
			return err
		}
		u.Apply(t)
		if err := t.Validate(); err != nil {
			return err
		}
		if err := tx.checkTeamName(t); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE teams SET name = $1, function = $2, description = $3 WHERE id = $4`, t.Name, t.Function, t.Description, id); err != nil {
			return tx.taken(err, "name", "a team called %s exists already", t.Name)
		}
		if u.MemberIDs != nil {
			if err := tx.setTeamMembers(id, *u.MemberIDs); err != nil {
				return err
			}
		}
		if t, err = tx.findTeam(id); err != nil {
			return err
		}
		return tx.audit("update", "team", id, rapport.ID{}, false, t.Name)
	})
	return t, err
}

// DeleteTeam removes a team. Notes shared with it stay readable by their authors
// only, and walls it was on lose it (their customers stay hidden from everyone else).
func (db *DB) DeleteTeam(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.IsAdmin(), "manage teams"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		t, err := tx.findTeam(id)
		if err != nil {
			return err
		}
		if err := tx.checkTeamUnused(t); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM teams WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "team", id, rapport.ID{}, false, t.Name)
	})
}

// checkTeamUnused refuses to delete a team that feedback is routed to or that owes action
// items: the database would delete the rules and the items with it, and with them the
// record of who was asked to fix what.
func (tx *Tx) checkTeamUnused(t *rapport.Team) error {
	var rules, fallback, items, open int
	err := tx.queryRow(`SELECT
		(SELECT COUNT(*) FROM routing_rules WHERE team_id = $1),
		(SELECT COUNT(*) FROM routing_settings WHERE fallback_team_id = $1),
		(SELECT COUNT(*) FROM action_items WHERE team_id = $1),
		(SELECT COUNT(*) FROM action_items WHERE team_id = $1 AND status = 'open')`, t.ID).Scan(&rules, &fallback, &items, &open)
	if err != nil {
		return err
	}
	var uses, fixes []string
	if rules > 0 {
		verb := "send"
		if rules == 1 {
			verb = "sends"
		}
		uses = append(uses, thousands.Count(rules, "routing rule")+" "+verb+" feedback to it")
		fixes = append(fixes, "point the rules at another team")
	}
	if fallback > 0 {
		uses = append(uses, "feedback no rule matches goes to it")
		fixes = append(fixes, "choose another team for the feedback no rule matches")
	}
	if items > 0 {
		uses = append(uses, fmt.Sprintf("it owes %s (%d open)", thousands.Count(items, "action item"), open))
		fixes = append(fixes, "keep the team for the record of its action items: rename it or take its members off instead")
	}
	if len(uses) == 0 {
		return nil
	}
	return &rapport.Error{Code: rapport.ECONFLICT, Message: fmt.Sprintf("team %s cannot be deleted: %s. Deleting it would delete them: %s.",
		t.Name, strings.Join(uses, "; "), strings.Join(fixes, "; "))}
}

// checkTeamName refuses a name that another team has in any case: "sales" beside
// "Sales" would be two teams that people, and walls, tell apart by a capital.
func (tx *Tx) checkTeamName(t *rapport.Team) error {
	var other string
	err := tx.queryRow(`SELECT name FROM teams WHERE LOWER(name) = LOWER($1) AND id <> $2`, t.Name, t.ID).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	} else if err != nil {
		return err
	}
	return rapport.ConflictError("name", "a team called %s exists already", other)
}
