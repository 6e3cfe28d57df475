package sqldb

import (
	"context"
	"strings"

	"github.com/rapportckm/rapport"
)

var _ rapport.ExpertService = (*DB)(nil)

// findExperts reads the experts the scope may see that meet where: staff see every
// profile, others only listed ones, and never an e-mail address. Each expert's
// article count is of the articles the scope may read.
func (tx *Tx) findExperts(q *Query, where string) ([]rapport.Expert, error) {
	return tx.findExpertsCounting(q, where, true)
}

// findExpertsCounting is findExperts, with the article counts only when count is set
// (they cost a query per expert).
func (tx *Tx) findExpertsCounting(q *Query, where string, count bool) ([]rapport.Expert, error) {
	s := tx.scope
	cond := `p.listed`
	if s.IsStaff() {
		cond = `TRUE`
	}
	email := `''`
	if s.IsStaff() {
		email = `u.email`
	}
	articles := `0`
	if count {
		articles = `(SELECT COUNT(*) FROM kb_articles a WHERE a.owner_id = u.id AND ` + visibleArticle(q, s, "a") + `)`
	}
	list, err := queryAll(tx, `SELECT u.id, u.name, `+email+`, p.headline, p.bio, p.listed, p.updated_at, `+articles+`
		FROM expert_profiles p JOIN users u ON u.id = p.user_id
		WHERE u.active AND `+cond+` AND `+where+` ORDER BY u.name, u.id`, q.Args(), func(rows Scanner) (rapport.Expert, error) {
		var e rapport.Expert
		err := rows.Scan(&e.UserID, &e.Name, &e.Email, &e.Headline, &e.Bio, &e.Listed, &e.UpdatedAt, &e.Articles)
		e.Areas = []string{}
		return e, err
	})
	if err != nil || len(list) == 0 {
		return list, err
	}
	ids := make([]any, len(list))
	at := map[rapport.ID]int{}
	for i, e := range list {
		ids[i], at[e.UserID] = e.UserID, i
	}
	q2 := &Query{}
	type area struct {
		user rapport.ID
		area string
	}
	areas, err := queryAll(tx, `SELECT user_id, area FROM expert_areas WHERE user_id IN `+q2.In(ids...)+` ORDER BY area`, q2.Args(),
		func(rows Scanner) (area, error) {
			var a area
			err := rows.Scan(&a.user, &a.area)
			return a, err
		})
	for _, a := range areas {
		e := &list[at[a.user]]
		e.Areas = append(e.Areas, a.area)
	}
	return list, err
}

func (db *DB) ListExperts(ctx context.Context, s rapport.Scope, area string) ([]rapport.Expert, error) {
	out := []rapport.Expert{}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		where := `TRUE`
		if area = strings.ToLower(strings.Join(strings.Fields(area), " ")); area != "" {
			where = `EXISTS (SELECT 1 FROM expert_areas e WHERE e.user_id = u.id AND e.area = ` + q.Arg(area) + `)`
		}
		list, err := tx.findExperts(q, where)
		if list != nil {
			out = list
		}
		return err
	})
	return out, err
}

func (db *DB) FindExpert(ctx context.Context, s rapport.Scope, userID rapport.ID) (*rapport.Expert, error) {
	var e *rapport.Expert
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		list, err := tx.findExperts(q, `u.id = `+q.Arg(userID))
		if err != nil {
			return err
		} else if len(list) == 0 {
			return rapport.NotFound("expert")
		}
		e = &list[0]
		return nil
	})
	return e, err
}

// SaveExpert writes a staff user's profile and areas: one's own, or anyone's for admins.
func (db *DB) SaveExpert(ctx context.Context, s rapport.Scope, userID rapport.ID, in rapport.ExpertInput) (*rapport.Expert, error) {
	if err := rapport.Require(s.IsAdmin() || (s.Kind == rapport.ActorStaff && s.UserID == userID), "change another person's expert profile"); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	err := db.update(ctx, s, func(tx *Tx) error {
		var name string
		if err := tx.queryRow(`SELECT name FROM users WHERE id = $1`, userID).Scan(&name); err != nil {
			return notFound(err, "user")
		}
		if _, err := tx.exec(`INSERT INTO expert_profiles (user_id, headline, bio, listed, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (user_id) DO UPDATE SET headline = excluded.headline, bio = excluded.bio, listed = excluded.listed,
				updated_at = excluded.updated_at`, userID, in.Headline, in.Bio, in.Listed, tx.now); err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM expert_areas WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, a := range in.Areas {
			if _, err := tx.exec(`INSERT INTO expert_areas (user_id, area) VALUES ($1, $2)`, userID, a); err != nil {
				return err
			}
		}
		return tx.audit("save", "expert", userID, rapport.ID{}, false, name)
	})
	if err != nil {
		return nil, err
	}
	return db.FindExpert(ctx, s, userID)
}
