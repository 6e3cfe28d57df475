package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/markdown"
)

var _ rapport.ExpertQuestionService = (*DB)(nil)

const expertQuestionColumns = `q.id, q.expert_id, eu.name, q.customer_id, c.name, q.area, q.question, q.answer,
	q.answered_by, COALESCE(au.name, ''), q.answered_at, q.article_id, COALESCE(a.title, ''), q.created_at`

const expertQuestionTables = `expert_questions q JOIN users eu ON eu.id = q.expert_id JOIN customers c ON c.id = q.customer_id
	LEFT JOIN users au ON au.id = q.answered_by LEFT JOIN kb_articles a ON a.id = q.article_id`

func scanQuestion(rows Scanner) (rapport.ExpertQuestion, error) {
	var q rapport.ExpertQuestion
	var answered sql.NullTime
	err := rows.Scan(&q.ID, &q.ExpertID, &q.ExpertName, &q.CustomerID, &q.CustomerName, &q.Area, &q.Question, &q.Answer,
		&q.AnsweredBy, &q.AnsweredByName, &answered, &q.ArticleID, &q.ArticleTitle, &q.CreatedAt)
	q.AnsweredAt = utcPtr(answered)
	q.Status = rapport.QuestionOpen
	if q.AnsweredAt != nil {
		q.Status = rapport.QuestionAnswered
	}
	q.CreatedAt = q.CreatedAt.UTC()
	return q, err
}

// questionsVisible is the condition that staff may see the question q: it is addressed
// to them, or they are an admin or knowledge manager; and its customer is not behind a
// wall they are outside of.
func questionsVisible(qy *Query, s rapport.Scope) string {
	if !s.IsStaff() {
		return `FALSE`
	}
	cond := visibleCustomer(qy, s, "q.customer_id")
	if !s.CanPublish() {
		cond = `q.expert_id = ` + qy.Arg(s.UserID) + ` AND ` + cond
	}
	return cond
}

// findQuestion reads a question the scope may see: staff by questionsVisible, a
// customer only their own.
func (tx *Tx) findQuestion(id rapport.ID) (*rapport.ExpertQuestion, error) {
	qy := &Query{}
	cond := questionsVisible(qy, tx.scope)
	if tx.scope.Kind == rapport.ActorCustomer {
		cond = `q.customer_id = ` + qy.Arg(tx.scope.CustomerID)
		if tx.scope.CustomerID.IsZero() {
			cond = `FALSE`
		}
	}
	list, err := queryAll(tx, `SELECT `+expertQuestionColumns+` FROM `+expertQuestionTables+` WHERE q.id = `+qy.Arg(id)+` AND `+cond, qy.Args(), scanQuestion)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, rapport.NotFound("question")
	}
	return &list[0], nil
}

func (db *DB) AskExpert(ctx context.Context, s rapport.Scope, in rapport.Question, m rapport.PortalMail) (*rapport.ExpertQuestion, error) {
	if s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero() {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "sign in to the help centre to ask an expert")
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *rapport.ExpertQuestion
	err := db.update(ctx, s, func(tx *Tx) error {
		// Only a listed, active expert can be asked: the customer's scope finds no other.
		qy := &Query{}
		experts, err := tx.findExperts(qy, `u.id = `+qy.Arg(in.ExpertID))
		if err != nil {
			return err
		}
		if len(experts) == 0 {
			return rapport.NotFound("expert")
		}
		expert := experts[0]
		if in.Area != "" && !contains(expert.Areas, in.Area) {
			return rapport.FieldError("area", "choose one of %s's areas, or none", expert.Name)
		}
		// The customer's row is locked first (on PostgreSQL; SQLite has one writer), so
		// that questions sent at once are counted one after the other.
		if _, err := tx.exec(`UPDATE customers SET id = id WHERE id = $1`, s.CustomerID); err != nil {
			return err
		}
		var open, today int
		if err := tx.queryRow(`SELECT COALESCE(SUM(CASE WHEN answered_at IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN created_at > $2 THEN 1 ELSE 0 END), 0) FROM expert_questions WHERE customer_id = $1`,
			s.CustomerID, tx.now.Add(-24*time.Hour)).Scan(&open, &today); err != nil {
			return err
		}
		if open >= rapport.MaxOpenQuestions {
			return rapport.Errorf(rapport.ERATELIMIT, "you have %d questions waiting for an answer; you can ask more once they are answered", open)
		}
		if today >= rapport.MaxQuestionsPerDay {
			return rapport.Errorf(rapport.ERATELIMIT, "you asked %d questions today; please wait a day before asking more", today)
		}
		id := rapport.NewID()
		var account any
		if !in.AccountID.IsZero() {
			account = in.AccountID
		}
		if _, err := tx.exec(`INSERT INTO expert_questions (id, expert_id, customer_id, recorded_customer_id, account_id, area, question, created_at)
			VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`, id, expert.UserID, s.CustomerID, account, in.Area, in.Text, tx.now); err != nil {
			return err
		}
		attrs := map[string]any{"event": "expert_question", "question_id": id.String(), "expert_id": expert.UserID.String(), "expert": expert.Name}
		if in.Area != "" {
			attrs["area"] = in.Area
		}
		if err := tx.writeEntry(entry{customer: s.CustomerID, typ: "question", channel: "portal", actorID: s.CustomerID.String(),
			summary: "Asked " + expert.Name + ": " + markdown.Shorten(in.Text, 120), body: in.Text, attrs: attrs}); err != nil {
			return err
		}
		if err := tx.audit("ask", "question", id, s.CustomerID, false, "to "+expert.Name); err != nil {
			return err
		}
		if out, err = tx.findQuestionAs(id, rapport.SystemScope("")); err != nil {
			return err
		}
		return tx.mailExpert(out, m)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// findQuestionAs reads a question in another scope than the transaction's.
func (tx *Tx) findQuestionAs(id rapport.ID, s rapport.Scope) (*rapport.ExpertQuestion, error) {
	keep := tx.scope
	tx.scope = s
	defer func() { tx.scope = keep }()
	return tx.findQuestion(id)
}

// mailExpert mails a new question to the expert it is addressed to, with a link to its
// staff page. An expert who may not see the customer (a wall they are outside of) is
// not mailed: the question would tell them of the customer. It goes instead to those
// who may both see the customer and answer for any expert: the managers inside every
// wall that covers the customer, or, when there are none, the admins.
func (tx *Tx) mailExpert(q *rapport.ExpertQuestion, m rapport.PortalMail) error {
	var email string
	var role rapport.Role
	if err := tx.queryRow(`SELECT email, role FROM users WHERE id = $1 AND active`, q.ExpertID).Scan(&email, &role); err != nil {
		return notFound(err, "expert")
	}
	area := ""
	if q.Area != "" {
		area = " about " + q.Area
	}
	subject := "Question from " + markdown.Shorten(q.CustomerName, 60) + ": " + markdown.Shorten(q.Question, 80)
	link := m.Link("/kb/questions/" + q.ID.String())
	expert := rapport.Scope{Kind: rapport.ActorStaff, UserID: q.ExpertID, Role: role}
	qy := &Query{}
	var n int
	if err := tx.queryRow(`SELECT COUNT(*) FROM customers c WHERE c.id = `+qy.Arg(q.CustomerID)+` AND `+visibleCustomer(qy, expert, "c.id"), qy.Args()...).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		text := fmt.Sprintf("%s asked you a question%s in the help centre:\n\n%s\n\nRead it and answer it here:\n%s\n\nYour answer is mailed to them and shown in their account.\n",
			q.CustomerName, area, quoteMail(q.Question), link)
		return tx.queueMail(&rapport.Mail{Purpose: "expert_question", Ref: q.ID.String(), ToAddress: email, ToName: q.ExpertName, Subject: subject, Text: text})
	}
	qy = &Query{}
	instead, err := queryAll(tx, `SELECT u.id, u.name, u.email FROM users u WHERE u.active AND u.role = 'manager' AND `+
		customerVisibleTo("u.id", qy.Arg(q.CustomerID))+` ORDER BY u.email`, qy.Args(), scanUserRef)
	if err != nil {
		return err
	}
	if len(instead) == 0 {
		if instead, err = queryAll(tx, `SELECT id, name, email FROM users WHERE active AND role = 'admin' ORDER BY email`, nil, scanUserRef); err != nil {
			return err
		}
	}
	for _, u := range instead {
		text := fmt.Sprintf("%s asked %s a question%s in the help centre. %s is outside a wall that covers the customer, so the question comes to you:\n\n%s\n\nRead it and answer it here:\n%s\n\nYour answer is mailed to the customer and shown in their account.\n",
			q.CustomerName, q.ExpertName, area, q.ExpertName, quoteMail(q.Question), link)
		if err := tx.queueMail(&rapport.Mail{Purpose: "expert_question", Ref: q.ID.String(), ToAddress: u.Email, ToName: u.Name, Subject: subject, Text: text}); err != nil {
			return err
		}
	}
	return nil
}

// quoteMail quotes a text in a plain-text message.
func quoteMail(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + l
	}
	return strings.Join(lines, "\n")
}

func (db *DB) MyQuestions(ctx context.Context, s rapport.Scope) ([]rapport.ExpertQuestion, error) {
	out := []rapport.ExpertQuestion{}
	if s.Kind != rapport.ActorCustomer || s.CustomerID.IsZero() {
		return nil, rapport.Errorf(rapport.EUNAUTHORIZED, "sign in to the help centre to see your questions")
	}
	err := db.view(ctx, s, func(tx *Tx) error {
		list, err := queryAll(tx, `SELECT `+expertQuestionColumns+` FROM `+expertQuestionTables+` WHERE q.customer_id = $1
			ORDER BY q.created_at DESC, q.id DESC LIMIT 200`, []any{s.CustomerID}, scanQuestion)
		if list != nil {
			out = list
		}
		return err
	})
	return out, err
}

func (db *DB) FindQuestions(ctx context.Context, s rapport.Scope, f rapport.QuestionFilter) ([]rapport.ExpertQuestion, string, error) {
	if !s.IsStaff() {
		return nil, "", rapport.Errorf(rapport.EFORBIDDEN, "only staff read questions to experts")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, "", rapport.FieldError("status", "status must be open or answered")
	}
	n := limit(f.Limit, 50, 200)
	qy := &Query{}
	mine := `CASE WHEN q.expert_id = ` + qy.Arg(s.UserID) + ` THEN 1 ELSE 0 END`
	conds := []string{questionsVisible(qy, s)}
	switch f.Status {
	case rapport.QuestionOpen:
		conds = append(conds, `q.answered_at IS NULL`)
	case rapport.QuestionAnswered:
		conds = append(conds, `q.answered_at IS NOT NULL`)
	}
	if !f.ExpertID.IsZero() {
		conds = append(conds, `q.expert_id = `+qy.Arg(f.ExpertID))
	}
	if !f.CustomerID.IsZero() {
		conds = append(conds, `q.customer_id = `+qy.Arg(f.CustomerID))
	}
	if f.Cursor != "" {
		parts, err := decodeCursor(f.Cursor, 3)
		if err != nil {
			return nil, "", err
		}
		at, err1 := time.Parse(time.RFC3339Nano, parts[1])
		id, err2 := rapport.ParseID(parts[2])
		if (parts[0] != "0" && parts[0] != "1") || err1 != nil || err2 != nil {
			return nil, "", badCursor()
		}
		m := 0
		if parts[0] == "1" {
			m = 1
		}
		conds = append(conds, fmt.Sprintf(`(%s < %d OR (%s = %d AND (q.created_at, q.id) < (%s, %s)))`,
			mine, m, mine, m, qy.Arg(at), qy.Arg(id)))
	}
	var list []rapport.ExpertQuestion
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		list, err = queryAll(tx, `SELECT `+expertQuestionColumns+` FROM `+expertQuestionTables+` WHERE `+strings.Join(conds, " AND ")+
			` ORDER BY `+mine+` DESC, q.created_at DESC, q.id DESC LIMIT `+fmt.Sprint(n+1), qy.Args(), scanQuestion)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if list == nil {
		list = []rapport.ExpertQuestion{}
	}
	next := ""
	if len(list) > n {
		list = list[:n]
		last := list[n-1]
		m := "0"
		if last.ExpertID == s.UserID {
			m = "1"
		}
		next = encodeCursor(m, last.CreatedAt.UTC().Format(time.RFC3339Nano), last.ID.String())
	}
	return list, next, nil
}

func (db *DB) FindQuestion(ctx context.Context, s rapport.Scope, id rapport.ID) (*rapport.ExpertQuestion, error) {
	if !s.IsStaff() {
		return nil, rapport.NotFound("question")
	}
	var out *rapport.ExpertQuestion
	err := db.view(ctx, s, func(tx *Tx) (err error) {
		out, err = tx.findQuestion(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := db.auditRead(ctx, s, "question", id, out.CustomerID, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// mayAnswer reports whether staff may answer a question they see, or turn it into an
// article: the expert asked, and knowledge managers.
func mayAnswer(s rapport.Scope, q *rapport.ExpertQuestion) error {
	return rapport.Require(s.CanPublish() || (s.Kind == rapport.ActorStaff && s.UserID == q.ExpertID), "answer a question asked of another expert")
}

func (db *DB) AnswerQuestion(ctx context.Context, s rapport.Scope, id rapport.ID, answer string, m rapport.PortalMail) (*rapport.ExpertQuestion, error) {
	if !s.IsStaff() {
		return nil, rapport.NotFound("question")
	}
	answer = strings.TrimSpace(answer)
	if err := rapport.CheckAnswer(answer); err != nil {
		return nil, err
	}
	var out *rapport.ExpertQuestion
	err := db.update(ctx, s, func(tx *Tx) error {
		q, err := tx.findQuestion(id)
		if err != nil {
			return err
		}
		if err := mayAnswer(s, q); err != nil {
			return err
		}
		again := q.Answered()
		if _, err := tx.exec(`UPDATE expert_questions SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4`,
			answer, s.UserID, tx.now, id); err != nil {
			return err
		}
		var recorded, account rapport.ID
		var email, name string
		if err := tx.queryRow(`SELECT q.recorded_customer_id, q.account_id, COALESCE(pa.email, ''), COALESCE(pa.name, '')
			FROM expert_questions q LEFT JOIN portal_accounts pa ON pa.id = q.account_id WHERE q.id = $1`, id).Scan(&recorded, &account, &email, &name); err != nil {
			return err
		}
		if out, err = tx.findQuestion(id); err != nil {
			return err
		}
		verb := "answered"
		if again {
			verb = "changed the answer to"
		}
		if err := tx.writeEntry(entry{customer: q.CustomerID, recorded: recorded, typ: "question", channel: "portal",
			summary: out.AnsweredByName + " " + verb + " “" + markdown.Shorten(q.Question, 80) + "”", body: answer,
			attrs: map[string]any{"event": "expert_answer", "question_id": id.String(), "expert_id": q.ExpertID.String()}}); err != nil {
			return err
		}
		walled := false
		if s.SeesThroughWalls() && s.Kind == rapport.ActorStaff {
			if walled, err = tx.walled(q.CustomerID); err != nil {
				return err
			}
		}
		if err := tx.audit("answer", "question", id, q.CustomerID, walled, verb); err != nil {
			return err
		}
		if email == "" {
			return nil // the account is gone; the answer waits on the timeline
		}
		sign := m.Firm
		if sign == "" {
			sign = "The help centre"
		}
		text := fmt.Sprintf("Hello %s,\n\nYou asked %s in our help centre:\n\n%s\n\nThe answer:\n\n%s\n\nYou find your questions and their answers in your account:\n%s\n\n%s\n",
			name, q.ExpertName, quoteMail(q.Question), answer, m.Link("/help/account#questions"), sign)
		subject := "Your question to " + q.ExpertName + " is answered"
		if again {
			subject = "The answer to your question to " + q.ExpertName + " has changed"
		}
		return tx.queueMail(&rapport.Mail{CustomerID: recorded, Purpose: "expert_answer", Ref: id.String(), ToAddress: email, ToName: name,
			Subject: subject, Text: text})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (db *DB) QuestionToArticle(ctx context.Context, s rapport.Scope, id rapport.ID, in rapport.QuestionArticle) (*rapport.Article, error) {
	if !s.IsStaff() {
		return nil, rapport.NotFound("question")
	}
	if err := rapport.Require(s.CanWriteArticles(), "write knowledge base articles"); err != nil {
		return nil, err
	}
	if in.Audience == "" {
		in.Audience = rapport.AudiencePublic
	}
	if in.Audience != rapport.AudiencePublic && in.Audience != rapport.AudienceStaff {
		return nil, rapport.FieldError("audience", "an article from a question is for the public or for staff")
	}
	var out *rapport.Article
	err := db.update(ctx, s, func(tx *Tx) error {
		q, err := tx.findQuestion(id)
		if err != nil {
			return err
		}
		if err := mayAnswer(s, q); err != nil {
			return err
		}
		if !q.Answered() {
			return rapport.Errorf(rapport.ECONFLICT, "answer the question before turning it into an article")
		}
		if !q.ArticleID.IsZero() {
			return rapport.Errorf(rapport.ECONFLICT, "the question is an article already: %s", q.ArticleTitle)
		}
		// The answer is the expert's Markdown, its first sentences the key points; the
		// question is the customer's plain text, quoted to read as they wrote it.
		a := rapport.ArticleInput{Title: questionTitle(q.Question), KeyPoints: markdown.Lead(q.Answer, 300),
			Body:     "## The question\n\n" + quoteMail(markdown.Literal(q.Question)) + "\n\n## The answer\n\n" + q.Answer + "\n",
			Audience: in.Audience, OwnerID: q.ExpertID, Note: "From a customer's question to " + q.ExpertName}
		if q.Area != "" {
			a.Tags = []string{q.Area}
		}
		a.Normalize()
		if err := a.Validate(); err != nil {
			return err
		}
		if out, err = tx.writeArticle(rapport.ID{}, a); err != nil {
			return err
		}
		res, err := tx.exec(`UPDATE expert_questions SET article_id = $1 WHERE id = $2 AND article_id IS NULL`, out.ID, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return rapport.Errorf(rapport.ECONFLICT, "the question was turned into an article meanwhile")
		}
		return tx.audit("article", "question", id, q.CustomerID, false, out.Title)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// questionTitle makes an article's title from a question: its first line, cut at a
// word to fit a title.
func questionTitle(question string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(question), "\n")
	return markdown.Shorten(line, 120)
}

func (db *DB) ExpertsFor(ctx context.Context, s rapport.Scope, labels []string, limit int) ([]rapport.Expert, error) {
	out := []rapport.Expert{}
	var areas []any
	for _, l := range labels {
		if l = strings.ToLower(strings.Join(strings.Fields(l), " ")); l != "" && len(areas) < 50 {
			areas = append(areas, l)
		}
	}
	if len(areas) == 0 {
		return out, nil
	}
	err := db.view(ctx, s, func(tx *Tx) error {
		q := &Query{}
		list, err := tx.findExpertsCounting(q, `EXISTS (SELECT 1 FROM expert_areas e WHERE e.user_id = u.id AND e.area IN `+q.In(areas...)+`)`, false)
		if len(list) > limit {
			list = list[:max(limit, 0)]
		}
		if list != nil {
			out = list
		}
		return err
	})
	return out, err
}
