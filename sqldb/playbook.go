package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/rapportckm/rapport"
)

var _ rapport.PlaybookService = (*DB)(nil)

const tipColumns = `t.id, t.request_type, t.product, t.channel, t.title, t.body, t.author_id, COALESCE(u.name, ''), t.created_at, t.updated_at`

func (tx *Tx) findTips(where string, args ...any) ([]*rapport.Tip, error) {
	return queryAll(tx, `SELECT `+tipColumns+` FROM tips t LEFT JOIN users u ON u.id = t.author_id WHERE `+where+
		` ORDER BY LOWER(t.request_type), LOWER(t.product), t.channel, t.title`, args, scanTip)
}

// scanTip reads a row of tipColumns.
func scanTip(rows Scanner) (*rapport.Tip, error) {
	t := &rapport.Tip{}
	err := rows.Scan(&t.ID, &t.RequestType, &t.Product, &t.Channel, &t.Title, &t.Body, &t.AuthorID, &t.AuthorName, &t.CreatedAt, &t.UpdatedAt)
	return t, err
}

func (tx *Tx) findTip(id rapport.ID) (*rapport.Tip, error) {
	tips, err := tx.findTips(`t.id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(tips) == 0 {
		return nil, rapport.NotFound("tip")
	}
	return tips[0], nil
}

func (db *DB) FindTips(ctx context.Context, s rapport.Scope) (tips []*rapport.Tip, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		tips, err = tx.findTips(`TRUE`)
		return err
	})
	return tips, err
}

func (db *DB) FindTipByID(ctx context.Context, s rapport.Scope, id rapport.ID) (t *rapport.Tip, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		t, err = tx.findTip(id)
		return err
	})
	return t, err
}

func (db *DB) CreateTip(ctx context.Context, s rapport.Scope, t *rapport.Tip) error {
	if err := rapport.Require(s.CanWritePlaybook(), "write tips"); err != nil {
		return err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		t.ID, t.AuthorID = rapport.NewID(), s.UserID
		if _, err := tx.exec(`INSERT INTO tips (id, request_type, product, channel, title, body, author_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, t.ID, t.RequestType, t.Product, t.Channel, t.Title, t.Body, t.AuthorID, tx.now); err != nil {
			return err
		}
		saved, err := tx.findTip(t.ID)
		if err != nil {
			return err
		}
		*t = *saved
		return tx.audit("create", "tip", t.ID, rapport.ID{}, false, t.Title)
	})
}

func (db *DB) UpdateTip(ctx context.Context, s rapport.Scope, t *rapport.Tip) error {
	if err := rapport.Require(s.CanWritePlaybook(), "change tips"); err != nil {
		return err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.findTip(t.ID); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE tips SET request_type = $1, product = $2, channel = $3, title = $4, body = $5, updated_at = $6 WHERE id = $7`,
			t.RequestType, t.Product, t.Channel, t.Title, t.Body, tx.now, t.ID); err != nil {
			return err
		}
		saved, err := tx.findTip(t.ID)
		if err != nil {
			return err
		}
		*t = *saved
		return tx.audit("update", "tip", t.ID, rapport.ID{}, false, t.Title)
	})
}

func (db *DB) DeleteTip(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWritePlaybook(), "delete tips"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		t, err := tx.findTip(id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM tips WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "tip", id, rapport.ID{}, false, t.Title)
	})
}

// MatchTips returns the tips for any of the keys: a tip matches a key when each of its
// own keys is empty or equal to the key's, in any case. The tips with the most keys
// come first, the most specific advice.
func (db *DB) MatchTips(ctx context.Context, s rapport.Scope, keys []rapport.TipKey) (tips []*rapport.Tip, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		return tx.reads(func(b *batch) { b.matchTips(keys, &tips) })
	})
	return tips, err
}

// matchTips reads into out the tips for any of the keys, as MatchTips.
func (b *batch) matchTips(keys []rapport.TipKey, out *[]*rapport.Tip) {
	if len(keys) == 0 {
		return
	}
	q := &Query{}
	ors := make([]string, len(keys))
	for i, k := range keys {
		ors[i] = `((t.request_type = '' OR LOWER(t.request_type) = ` + q.Arg(strings.ToLower(k.RequestType)) + `)
			AND (t.product = '' OR LOWER(t.product) = ` + q.Arg(strings.ToLower(k.Product)) + `)
			AND (t.channel = '' OR t.channel = ` + q.Arg(string(k.Channel)) + `))`
	}
	appendRows(b, out, `SELECT `+tipColumns+` FROM tips t LEFT JOIN users u ON u.id = t.author_id WHERE `+strings.Join(ors, " OR ")+
		` ORDER BY (CASE WHEN t.request_type = '' THEN 0 ELSE 1 END) + (CASE WHEN t.product = '' THEN 0 ELSE 1 END) +
		(CASE WHEN t.channel = '' THEN 0 ELSE 1 END) DESC, t.title LIMIT 20`, q.Args(), scanTip)
}

const questionColumns = `id, name, rule, question, active, author_id, created_at, updated_at`

func (tx *Tx) findQuestionRules(where string, args ...any) ([]*rapport.QuestionRule, error) {
	return queryAll(tx, `SELECT `+questionColumns+` FROM question_rules WHERE `+where+` ORDER BY name`, args,
		func(rows Scanner) (*rapport.QuestionRule, error) {
			q := &rapport.QuestionRule{}
			err := rows.Scan(&q.ID, &q.Name, &q.Rule, &q.Question, &q.Active, &q.AuthorID, &q.CreatedAt, &q.UpdatedAt)
			return q, err
		})
}

func (tx *Tx) findQuestionRule(id rapport.ID) (*rapport.QuestionRule, error) {
	rules, err := tx.findQuestionRules(`id = $1`, id)
	if err != nil {
		return nil, err
	}
	if len(rules) == 0 {
		return nil, rapport.NotFound("question rule")
	}
	return rules[0], nil
}

func (db *DB) FindQuestionRules(ctx context.Context, s rapport.Scope) (rules []*rapport.QuestionRule, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		rules, err = tx.findQuestionRules(`TRUE`)
		return err
	})
	return rules, err
}

func (db *DB) FindQuestionRuleByID(ctx context.Context, s rapport.Scope, id rapport.ID) (q *rapport.QuestionRule, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		q, err = tx.findQuestionRule(id)
		return err
	})
	return q, err
}

func (db *DB) CreateQuestionRule(ctx context.Context, s rapport.Scope, q *rapport.QuestionRule) error {
	if err := rapport.Require(s.CanWritePlaybook(), "write question rules"); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		if _, err := tx.compileRule(&Query{}, q.Rule); err != nil {
			return err
		}
		q.ID, q.AuthorID = rapport.NewID(), s.UserID
		if _, err := tx.exec(`INSERT INTO question_rules (`+questionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
			q.ID, q.Name, q.Rule, q.Question, q.Active, q.AuthorID, tx.now); err != nil {
			return tx.nameTaken(err, "question rule", q.Name)
		}
		q.CreatedAt, q.UpdatedAt = tx.now, tx.now
		return tx.audit("create", "question_rule", q.ID, rapport.ID{}, false, q.Name+": "+q.Rule)
	})
}

func (db *DB) UpdateQuestionRule(ctx context.Context, s rapport.Scope, q *rapport.QuestionRule) error {
	if err := rapport.Require(s.CanWritePlaybook(), "change question rules"); err != nil {
		return err
	}
	if err := q.Validate(); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		old, err := tx.findQuestionRule(q.ID)
		if err != nil {
			return err
		}
		if _, err := tx.compileRule(&Query{}, q.Rule); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE question_rules SET name = $1, rule = $2, question = $3, active = $4, updated_at = $5 WHERE id = $6`,
			q.Name, q.Rule, q.Question, q.Active, tx.now, q.ID); err != nil {
			return tx.nameTaken(err, "question rule", q.Name)
		}
		q.AuthorID, q.CreatedAt, q.UpdatedAt = old.AuthorID, old.CreatedAt, tx.now
		return tx.audit("update", "question_rule", q.ID, rapport.ID{}, false, q.Name+": "+q.Rule)
	})
}

func (db *DB) DeleteQuestionRule(ctx context.Context, s rapport.Scope, id rapport.ID) error {
	if err := rapport.Require(s.CanWritePlaybook(), "delete question rules"); err != nil {
		return err
	}
	return db.update(ctx, s, func(tx *Tx) error {
		q, err := tx.findQuestionRule(id)
		if err != nil {
			return err
		}
		if _, err := tx.exec(`DELETE FROM question_rules WHERE id = $1`, id); err != nil {
			return err
		}
		return tx.audit("delete", "question_rule", id, rapport.ID{}, false, q.Name)
	})
}

// SuggestQuestions tests every active rule on the customer in one query.
func (db *DB) SuggestQuestions(ctx context.Context, s rapport.Scope, customerID rapport.ID) (out []rapport.SuggestedQuestion, err error) {
	err = db.view(ctx, s, func(tx *Tx) error {
		return tx.reads(func(b *batch) { b.suggestQuestions(customerID, &out) })
	})
	return out, err
}

// questionQuery is the active question rules compiled into the columns of one query on
// ruleFrom, each true when the customer meets its rule. Compiling them was a fiftieth
// of a profile page's CPU, so it is done once with the setup that holds it; a rule's
// relative times ("since 14d ago") then count from when the setup was read, at most
// setupKeptFor ago.
type questionQuery struct {
	columns string
	args    []any                   // the columns' arguments, $1 onwards
	rules   []*rapport.QuestionRule // the rule of each column
}

// compileQuestions compiles the active question rules. A rule that no longer compiles
// (it names a staff member who left, say) is left out.
func (tx *Tx) compileQuestions() (questionQuery, error) {
	rules, err := tx.findQuestionRules(`active = TRUE`)
	if err != nil {
		return questionQuery{}, err
	}
	q := &Query{}
	var qq questionQuery
	var conds []string
	for _, r := range rules {
		cond, err := tx.compileRule(q, r.Rule)
		if rapport.ErrorCode(err) == rapport.EINVALID {
			continue
		} else if err != nil {
			return questionQuery{}, err
		}
		conds, qq.rules = append(conds, cond), append(qq.rules, r)
	}
	qq.columns, qq.args = strings.Join(conds, ", "), q.Args()
	return qq, nil
}

// suggestQuestions tests every active rule on a visible customer in one query, the
// questions of those met read into out.
func (b *batch) suggestQuestions(customerID rapport.ID, out *[]rapport.SuggestedQuestion) {
	st, err := b.tx.setup()
	if err != nil {
		b.fail(err)
		return
	}
	qq := st.questions
	if len(qq.rules) == 0 {
		return
	}
	q := &Query{args: slices.Clone(qq.args)} // the setup's are shared
	met := make([]bool, len(qq.rules))
	dest := make([]any, len(met))
	for i := range met {
		dest[i] = &met[i]
	}
	var found bool
	b.queryRow(`SELECT `+qq.columns+` FROM `+ruleFrom+` WHERE c.id = `+q.Arg(customerID)+
		` AND `+visibleCustomer(q, b.tx.scope, "c.id"), q.Args(), &found, dest...)
	b.then(func() error {
		if !found {
			return rapport.NotFound("customer")
		}
		for i, r := range qq.rules {
			if met[i] {
				*out = append(*out, rapport.SuggestedQuestion{RuleID: r.ID, RuleName: r.Name, Question: r.Question})
			}
		}
		return nil
	})
}

// TestQuestionRule says whether a visible customer meets the rule now.
func (db *DB) TestQuestionRule(ctx context.Context, s rapport.Scope, rule string, customerID rapport.ID) (bool, error) {
	var met bool
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		cond, err := tx.compileRule(q, rule)
		if err != nil {
			return err
		}
		err = tx.queryRow(`SELECT `+cond+` FROM `+ruleFrom+` WHERE c.id = `+q.Arg(customerID)+
			` AND `+visibleCustomer(q, tx.scope, "c.id"), q.Args()...).Scan(&met)
		if errors.Is(err, sql.ErrNoRows) {
			return rapport.NotFound("customer")
		}
		return err
	})
	return met, err
}
