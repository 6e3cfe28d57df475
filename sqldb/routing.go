package sqldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"

	"github.com/rapportckm/rapport"
)

var _ rapport.RoutingService = (*DB)(nil)

const routingRuleColumns = `r.id, r.position, r.name, r.kinds, r.product, r.area, r.words, r.min_value, r.min_severity,
	r.team_id, t.name, r.owner_id, COALESCE(u.name, ''), r.service_hours, r.title, r.created_at, r.updated_at`

const routingRuleFrom = `routing_rules r JOIN teams t ON t.id = r.team_id LEFT JOIN users u ON u.id = r.owner_id`

func scanRule(rows Scanner) (*rapport.RoutingRule, error) {
	r := &rapport.RoutingRule{}
	var kinds, words string
	var minValue sql.NullFloat64
	err := rows.Scan(&r.ID, &r.Position, &r.Name, &kinds, &r.Product, &r.Area, &words, &minValue, &r.MinSeverity,
		&r.TeamID, &r.TeamName, &r.OwnerID, &r.OwnerName, &r.ServiceLevel, &r.Title, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(kinds), &r.Kinds); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(words), &r.Words); err != nil {
		return nil, err
	}
	if minValue.Valid {
		r.MinValue = &minValue.Float64
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// routingRules reads every rule in order. Rules are configuration, not customer data:
// every member of staff may read them.
func (tx *Tx) routingRules() ([]*rapport.RoutingRule, error) {
	return queryAll(tx, `SELECT `+routingRuleColumns+` FROM `+routingRuleFrom+` ORDER BY r.position, r.created_at`, nil, scanRule)
}

func (tx *Tx) findRoutingRule(id rapport.ID) (*rapport.RoutingRule, error) {
	rules, err := queryAll(tx, `SELECT `+routingRuleColumns+` FROM `+routingRuleFrom+` WHERE r.id = $1`, []any{id}, scanRule)
	if err != nil {
		return nil, err
	} else if len(rules) == 0 {
		return nil, rapport.NotFound("routing rule")
	}
	return rules[0], nil
}

func requireStaff(s rapport.Scope, what string) error {
	if s.Kind == rapport.ActorCustomer {
		return rapport.NotFound(what)
	}
	return nil
}

// FindRoutingRules lists the rules in order.
func (db *DB) FindRoutingRules(ctx context.Context, s rapport.Scope) ([]*rapport.RoutingRule, error) {
	if err := requireStaff(s, "routing rule"); err != nil {
		return nil, err
	}
	var rules []*rapport.RoutingRule
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		rules, err = tx.routingRules()
		return err
	})
	if rules == nil {
		rules = []*rapport.RoutingRule{}
	}
	return rules, err
}

// FindRoutingRule returns one rule.
func (db *DB) FindRoutingRule(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.RoutingRule, error) {
	if err := requireStaff(s, "routing rule"); err != nil {
		return nil, err
	}
	var r *rapport.RoutingRule
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		r, err = tx.findRoutingRule(id)
		return err
	})
	return r, err
}

// checkTeamOwner checks that the team exists and the owner, if any, is an active
// member of it, and returns their names.
func (tx *Tx) checkTeamOwner(teamID, ownerID rapport.ID) (team, owner string, err error) {
	err = tx.queryRow(`SELECT name FROM teams WHERE id = $1`, teamID).Scan(&team)
	if err == sql.ErrNoRows {
		return "", "", rapport.FieldError("team_id", "no team has the id %s: choose the team from the list", teamID)
	} else if err != nil {
		return "", "", err
	}
	if ownerID.IsZero() {
		return team, "", nil
	}
	err = tx.queryRow(`SELECT u.name FROM users u JOIN team_members tm ON tm.user_id = u.id AND tm.team_id = $1
		WHERE u.id = $2 AND u.active = TRUE`, teamID, ownerID).Scan(&owner)
	if err == sql.ErrNoRows {
		return "", "", rapport.FieldError("owner_id", "the owner must be an active member of %s: choose one of its members, or no owner", team)
	}
	return team, owner, err
}

// saveRule validates the rule against the database and writes its columns.
func (tx *Tx) saveRule(r *rapport.RoutingRule, insert bool) error {
	var err error
	if r.TeamName, r.OwnerName, err = tx.checkTeamOwner(r.TeamID, r.OwnerID); err != nil {
		return err
	}
	kinds, _ := json.Marshal(r.Kinds)
	words, _ := json.Marshal(r.Words)
	if insert {
		_, err = tx.exec(`INSERT INTO routing_rules (id, position, name, kinds, product, area, words, min_value, min_severity,
			team_id, owner_id, service_hours, title, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			r.ID, r.Position, r.Name, string(kinds), r.Product, r.Area, string(words), r.MinValue, string(r.MinSeverity),
			r.TeamID, r.OwnerID, int(r.ServiceLevel), r.Title, r.CreatedAt, r.UpdatedAt)
		return err
	}
	_, err = tx.exec(`UPDATE routing_rules SET name = $1, kinds = $2, product = $3, area = $4, words = $5, min_value = $6,
		min_severity = $7, team_id = $8, owner_id = $9, service_hours = $10, title = $11, updated_at = $12 WHERE id = $13`,
		r.Name, string(kinds), r.Product, r.Area, string(words), r.MinValue, string(r.MinSeverity), r.TeamID, r.OwnerID,
		int(r.ServiceLevel), r.Title, r.UpdatedAt, r.ID)
	return err
}

// placeRule puts the rule at position to (1 first; out of range: last) and numbers
// every rule again from 1, so that positions stay a plain sequence.
func (tx *Tx) placeRule(id rapport.ID, to int) error {
	rules, err := tx.routingRules()
	if err != nil {
		return err
	}
	var ids []rapport.ID
	for _, r := range rules {
		if r.ID != id {
			ids = append(ids, r.ID)
		}
	}
	if to < 1 || to > len(ids)+1 {
		to = len(ids) + 1
	}
	ids = append(ids[:to-1], append([]rapport.ID{id}, ids[to-1:]...)...)
	for i, rid := range ids {
		if _, err := tx.exec(`UPDATE routing_rules SET position = $1 WHERE id = $2 AND position <> $1`, i+1, rid); err != nil {
			return err
		}
	}
	return nil
}

// CreateRoutingRule adds a rule at its position.
func (db *DB) CreateRoutingRule(ctx context.Context, s rapport.Scope, r *rapport.RoutingRule) error {
	if err := rapport.Require(s.CanManageRouting(), "change the routing rules"); err != nil {
		return err
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(`SELECT COUNT(*) FROM routing_rules`).Scan(&n); err != nil {
			return err
		}
		if n >= rapport.MaxRoutingRules {
			return rapport.Errorf(rapport.ECONFLICT, "there are %d routing rules already, the most there may be: join or delete some", n)
		}
		to := r.Position
		r.ID, r.Position, r.CreatedAt, r.UpdatedAt = rapport.NewID(), n+1, tx.now, tx.now
		if err := tx.saveRule(r, true); err != nil {
			return err
		}
		if to != 0 {
			if err := tx.placeRule(r.ID, to); err != nil {
				return err
			}
		}
		saved, err := tx.findRoutingRule(r.ID)
		if err != nil {
			return err
		}
		*r = *saved
		return tx.audit("create", "routing_rule", r.ID, rapport.ID{}, false, r.Name+" → "+r.TeamName)
	})
}

// UpdateRoutingRule replaces a rule and moves it when r.Position is set.
func (db *DB) UpdateRoutingRule(ctx context.Context, s rapport.Scope, id rapport.ID, r *rapport.RoutingRule) error {
	if err := rapport.Require(s.CanManageRouting(), "change the routing rules"); err != nil {
		return err
	}
	r.Normalize()
	if err := r.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		old, err := tx.findRoutingRule(id)
		if err != nil {
			return err
		}
		to := r.Position
		r.ID, r.Position, r.CreatedAt, r.UpdatedAt = id, old.Position, old.CreatedAt, tx.now
		if err := tx.saveRule(r, false); err != nil {
			return err
		}
		if to != 0 && to != old.Position {
			if err := tx.placeRule(id, to); err != nil {
				return err
			}
		}
		saved, err := tx.findRoutingRule(id)
		if err != nil {
			return err
		}
		*r = *saved
		detail := r.Name + " → " + r.TeamName
		if r.Position != old.Position {
			detail += " (moved from " + strconv.Itoa(old.Position) + " to " + strconv.Itoa(r.Position) + ")"
		}
		return tx.audit("update", "routing_rule", id, rapport.ID{}, false, detail)
	})
}

// DeleteRoutingRule removes a rule; the action items it made keep its name.
func (db *DB) DeleteRoutingRule(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanManageRouting(), "change the routing rules"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		r, err := tx.findRoutingRule(id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM routing_rules WHERE id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE routing_rules SET position = position - 1 WHERE position > $1`, r.Position); err != nil {
			return err
		}
		return tx.audit("delete", "routing_rule", id, rapport.ID{}, false, r.Name)
	})
}

func (tx *Tx) routingSettings() (*rapport.RoutingSettings, error) {
	rs := &rapport.RoutingSettings{}
	err := tx.queryRow(`SELECT rs.fallback_team_id, COALESCE(t.name, ''), rs.fallback_service_hours
		FROM routing_settings rs LEFT JOIN teams t ON t.id = rs.fallback_team_id WHERE rs.id = 1`).
		Scan(&rs.FallbackTeamID, &rs.FallbackTeamName, &rs.FallbackServiceLevel)
	return rs, err
}

// FindRoutingSettings returns the fallback team and its service level.
func (db *DB) FindRoutingSettings(ctx context.Context, s rapport.Scope) (*rapport.RoutingSettings, error) {
	if err := requireStaff(s, "routing settings"); err != nil {
		return nil, err
	}
	var rs *rapport.RoutingSettings
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		rs, err = tx.routingSettings()
		return err
	})
	return rs, err
}

// SetRoutingSettings sets the fallback team (the zero id: none) and its service level.
func (db *DB) SetRoutingSettings(ctx context.Context, s rapport.Scope, rs *rapport.RoutingSettings) error {
	if err := rapport.Require(s.CanManageRouting(), "change the routing rules"); err != nil {
		return err
	}
	if rs.FallbackServiceLevel == 0 {
		rs.FallbackServiceLevel = rapport.DefaultFallbackServiceLevel
	}
	if rs.FallbackServiceLevel < 1 || rs.FallbackServiceLevel > rapport.MaxServiceLevel {
		return rapport.FieldError("fallback_service_level", "the service level must be between 1 hour and 365 days")
	}
	return db.update(ctx, s, func(tx *Tx) error {
		rs.FallbackTeamName = ""
		if !rs.FallbackTeamID.IsZero() {
			err := tx.queryRow(`SELECT name FROM teams WHERE id = $1`, rs.FallbackTeamID).Scan(&rs.FallbackTeamName)
			if err == sql.ErrNoRows {
				return rapport.FieldError("fallback_team_id", "no team has the id %s: choose the team from the list", rs.FallbackTeamID)
			} else if err != nil {
				return err
			}
		}
		if _, err := tx.exec(`UPDATE routing_settings SET fallback_team_id = $1, fallback_service_hours = $2 WHERE id = 1`,
			rs.FallbackTeamID, int(rs.FallbackServiceLevel)); err != nil {
			return err
		}
		detail := "no fallback team"
		if rs.FallbackTeamName != "" {
			detail = "fallback team " + rs.FallbackTeamName + ", " + rs.FallbackServiceLevel.String()
		}
		return tx.audit("update", "routing_settings", rapport.ID{}, rapport.ID{}, false, detail)
	})
}

// valuedFeedback is feedback with its customer's lifetime value, as rules see it.
type valuedFeedback struct {
	*rapport.Feedback
	value *float64
}

// PreviewRouting applies the rules to the latest feedback the scope may see.
func (db *DB) PreviewRouting(ctx context.Context, s rapport.Scope, rules []*rapport.RoutingRule, sample int) (*rapport.RoutingPreview, error) {
	if err := requireStaff(s, "routing rule"); err != nil {
		return nil, err
	}
	p := &rapport.RoutingPreview{Rules: make([]rapport.RulePreview, len(rules))}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		recent, err := queryAll(tx, `SELECT `+feedbackColumns+`, cv.lifetime_value FROM `+feedbackFrom+`
			LEFT JOIN customer_values cv ON cv.customer_id = fb.customer_id
			WHERE `+visibleFeedback(q, tx.scope)+` ORDER BY fb.created_at DESC, fb.id DESC LIMIT `+strconv.Itoa(rapport.PreviewSize),
			q.Args(), scanValuedFeedback)
		if err != nil {
			return err
		}
		p.Considered = len(recent)
		for i, r := range rules {
			p.Rules[i].RuleID = r.ID
			p.Rules[i].Sample = []*rapport.Feedback{}
		}
		for _, f := range recent {
			matched := false
			for i, r := range rules {
				if r.Matches(f.Feedback, f.value) {
					matched = true
					p.Rules[i].Matches++
					if len(p.Rules[i].Sample) < sample {
						p.Rules[i].Sample = append(p.Rules[i].Sample, f.Feedback)
					}
				}
			}
			if !matched {
				p.Unmatched++
			}
		}
		return nil
	})
	return p, err
}

func scanValuedFeedback(rows Scanner) (valuedFeedback, error) {
	var value sql.NullFloat64
	f, err := scanFeedbackWith(rows, &value)
	v := valuedFeedback{Feedback: f}
	if value.Valid {
		v.value = &value.Float64
	}
	return v, err
}

// FindUnrouted lists open feedback the scope may see with no action item, oldest
// first, and how much there is.
func (db *DB) FindUnrouted(ctx context.Context, s rapport.Scope, n int) ([]*rapport.Feedback, int, error) {
	if err := requireStaff(s, "feedback"); err != nil {
		return nil, 0, err
	}
	var out []*rapport.Feedback
	var count int
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		q := &Query{}
		where := ` WHERE fb.status IN ('new', 'triaged', 'in_progress') AND NOT EXISTS (SELECT 1 FROM action_items a WHERE a.feedback_id = fb.id)
			AND ` + visibleFeedback(q, tx.scope)
		if err := tx.queryRow(`SELECT COUNT(*) FROM feedback fb`+where, q.Args()...).Scan(&count); err != nil {
			return err
		}
		out, err = queryAll(tx, `SELECT `+feedbackColumns+` FROM `+feedbackFrom+where+` ORDER BY fb.created_at, fb.id LIMIT `+
			strconv.Itoa(limit(n, 20, 200)), q.Args(), scanFeedback)
		return err
	})
	return out, count, err
}
