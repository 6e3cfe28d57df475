package rapport

import (
	"context"
	"math"
	"strconv"
	"strings"
	"time"
)

// SurveyKind is what a survey's main question measures.
type SurveyKind string

const (
	SurveyNPS    SurveyKind = "nps"    // 0–10: how likely to recommend us
	SurveyCSAT   SurveyKind = "csat"   // 1–5: how satisfied
	SurveyCES    SurveyKind = "ces"    // 1–7: it was easy to handle my issue (1 strongly agree … 7 strongly disagree)
	SurveyCustom SurveyKind = "custom" // a scale of the survey's own
)

var SurveyKinds = []SurveyKind{SurveyNPS, SurveyCSAT, SurveyCES, SurveyCustom}

func (k SurveyKind) Valid() bool { return oneOf(k, SurveyKinds) }

// Scale is the lowest and highest score of the main question of a kind.
func (k SurveyKind) Scale() (lo, hi int) {
	switch k {
	case SurveyNPS:
		return 0, 10
	case SurveyCSAT:
		return 1, 5
	case SurveyCES:
		return 1, 7
	}
	return 1, 5
}

// DefaultQuestion is the usual English wording of a kind's main question.
func (k SurveyKind) DefaultQuestion() string {
	switch k {
	case SurveyNPS:
		return "How likely are you to recommend us to a friend or colleague?"
	case SurveyCSAT:
		return "How satisfied are you with us?"
	case SurveyCES:
		return "The company made it easy for me to handle my issue."
	}
	return ""
}

// LowerIsBetter reports whether the kind's best answer is its lowest: CES, whose 1
// strongly agrees that it was easy.
func (k SurveyKind) LowerIsBetter() bool { return k == SurveyCES }

// Category names a score as the kind's reports count it: NPS promoter (9–10), passive
// (7–8) or detractor (0–6); CSAT satisfied (4–5), neutral (3), dissatisfied (1–2); CES
// easy (1–3), neutral (4), hard (5–7); custom has none.
func (k SurveyKind) Category(score int) string {
	switch k {
	case SurveyNPS:
		switch {
		case score >= 9:
			return "promoter"
		case score >= 7:
			return "passive"
		}
		return "detractor"
	case SurveyCSAT:
		switch {
		case score >= 4:
			return "satisfied"
		case score == 3:
			return "neutral"
		}
		return "dissatisfied"
	case SurveyCES:
		switch {
		case score <= 3:
			return "easy"
		case score == 4:
			return "neutral"
		}
		return "hard"
	}
	return ""
}

// Sentiment is what a score says without words, from -1 to 1: 0 for the kind's neutral
// answers, below 0 for its bad ones and above for its good ones, the further from
// neutral the stronger. Scored from a sentence that only reports the score, the
// question's own words ("recommend", "easy") would make a detractor sound pleased.
func (k SurveyKind) Sentiment(score int) float64 {
	s := float64(score)
	switch k {
	case SurveyNPS: // detractors 0–6, passives 7–8, promoters 9–10
		switch {
		case score <= 6:
			return (s - 7) / 7
		case score <= 8:
			return 0
		}
		return (s - 8) / 2
	case SurveyCES: // 1 (it was easy: strongly agree) … 7 (strongly disagree)
		return (4 - s) / 3
	}
	lo, hi := k.Scale()
	return (2*s - float64(lo+hi)) / float64(hi-lo)
}

// NeedsFollowUp reports whether a score is low enough that a complaint is logged for
// it: an NPS detractor, a dissatisfied CSAT or a hard CES.
func (k SurveyKind) NeedsFollowUp(score int) bool {
	c := k.Category(score)
	return c == "detractor" || c == "dissatisfied" || c == "hard"
}

// SurveyText is the wording a survey shows, in one language.
type SurveyText struct {
	Question string `json:"question"`
	Intro    string `json:"intro,omitempty"`   // a line above the question, and in the e-mail
	Subject  string `json:"subject,omitempty"` // of the invitation e-mail
}

// FollowUp is an optional further question: free text, a choice of one of a list, or
// a scale from 1 to Max.
type FollowUp struct {
	Text    string   `json:"text"`
	Kind    string   `json:"kind"` // text, choice or scale
	Choices []string `json:"choices,omitempty"`
	Max     int      `json:"max,omitempty"` // of a scale, 2–10
}

var followUpKinds = []string{"text", "choice", "scale"}

// SurveyEvent is an event that can trigger a survey.
type SurveyEvent string

const (
	EventFeedbackResolved SurveyEvent = "feedback_resolved" // the customer's feedback was resolved
	EventFeedbackInformed SurveyEvent = "feedback_informed" // the customer was told what was done
	EventPurchase         SurveyEvent = "purchase"          // an interaction of type order
	EventSupport          SurveyEvent = "support"           // an interaction of type ticket or call
)

var SurveyEvents = []SurveyEvent{EventFeedbackResolved, EventFeedbackInformed, EventPurchase, EventSupport}

func (e SurveyEvent) Valid() bool { return oneOf(e, SurveyEvents) }

// SurveyTrigger invites the customer an event is about, Delay after it.
type SurveyTrigger struct {
	Event SurveyEvent `json:"event"`
	Delay Duration    `json:"delay_hours"`
}

// Duration is a whole number of hours, as it is written in JSON.
type Duration int

func (d Duration) Std() time.Duration { return time.Duration(d) * time.Hour }

// Survey is a question, or a few, put to customers by e-mail link.
type Survey struct {
	ID   ID         `json:"id"`
	Name string     `json:"name"`
	Kind SurveyKind `json:"kind"`
	SurveyText
	// Translations holds the wording in other languages, by BCP 47 tag ("de", "pt-BR");
	// a customer whose language has none gets the English default.
	Translations map[string]SurveyText `json:"translations,omitempty"`
	FollowUps    []FollowUp            `json:"follow_ups,omitempty"`
	// AskEveryDays is the least number of days between two invitations of one
	// customer, to this survey or any other; the global minimum applies too.
	AskEveryDays int             `json:"ask_every_days"`
	Triggers     []SurveyTrigger `json:"triggers,omitempty"`
	// Active surveys are sent by their triggers; any survey can be sent to a segment.
	Active    bool      `json:"active"`
	CreatedBy ID        `json:"created_by,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SurveyValidity is how long an invitation's link can be used.
const SurveyValidity = 30 * 24 * time.Hour

// Text returns the survey's wording in a language, or the English default.
func (v *Survey) Text(lang string) SurveyText {
	t := v.SurveyText
	if _, tr, ok := v.translation(lang); ok {
		if tr.Question != "" {
			t.Question = tr.Question
		}
		if tr.Intro != "" {
			t.Intro = tr.Intro
		}
		if tr.Subject != "" {
			t.Subject = tr.Subject
		}
	}
	if t.Subject == "" {
		t.Subject = "A quick question from us"
	}
	return t
}

// TextLanguage is the language of the question Text(lang) gives: the tag of the
// translation used, or "en" for the survey's own wording.
func (v *Survey) TextLanguage(lang string) string {
	if tag, tr, ok := v.translation(lang); ok && tr.Question != "" {
		return tag
	}
	return "en"
}

// translation finds the wording for a language: its own (de-AT), else its base
// language's (de).
func (v *Survey) translation(lang string) (string, SurveyText, bool) {
	for _, l := range []string{lang, strings.SplitN(lang, "-", 2)[0]} {
		if tr, ok := v.Translations[l]; ok && l != "" {
			return l, tr, true
		}
	}
	return "", SurveyText{}, false
}

// Normalize fills defaults: the kind's usual question, a 90-day gap.
func (v *Survey) Normalize() {
	v.Name = strings.Join(strings.Fields(v.Name), " ")
	v.Question = strings.TrimSpace(v.Question)
	v.Intro = strings.TrimSpace(v.Intro)
	v.Subject = strings.TrimSpace(v.Subject)
	if v.Question == "" {
		v.Question = v.Kind.DefaultQuestion()
	}
	if v.AskEveryDays == 0 {
		v.AskEveryDays = 90
	}
}

// Validate reports every problem with the survey.
func (v *Survey) Validate() error {
	p := Problems{}
	if v.Name == "" {
		p.Add("name", "a survey needs a name")
	}
	checkText(p, "name", v.Name, 100)
	if !v.Kind.Valid() {
		p.Add("kind", "kind must be one of %s", list(SurveyKinds))
	}
	if v.Question == "" {
		p.Add("question", "a custom survey needs its question")
	}
	checkText(p, "question", v.Question, 300)
	checkText(p, "intro", v.Intro, 1000)
	checkText(p, "subject", v.Subject, 200)
	if len(v.Translations) > 40 {
		p.Add("translations", "at most 40 languages")
	}
	for lang, t := range v.Translations {
		if !isLanguageTag(lang) {
			p.Add("translations", "%q is not a language tag such as de or pt-BR", lang)
		}
		checkText(p, "translations", t.Question, 300)
		checkText(p, "translations", t.Intro, 1000)
		checkText(p, "translations", t.Subject, 200)
	}
	if len(v.FollowUps) > 10 {
		p.Add("follow_ups", "at most 10 follow-up questions")
	}
	for i := range v.FollowUps {
		f := &v.FollowUps[i]
		f.Text = strings.TrimSpace(f.Text)
		if f.Text == "" {
			p.Add("follow_ups", "follow-up question %d has no text", i+1)
		}
		checkText(p, "follow_ups", f.Text, 300)
		if !oneOf(f.Kind, followUpKinds) {
			p.Add("follow_ups", "follow-up question %d: kind must be text, choice or scale", i+1)
		}
		if f.Kind == "choice" && (len(f.Choices) < 2 || len(f.Choices) > 20) {
			p.Add("follow_ups", "follow-up question %d: a choice needs 2 to 20 choices", i+1)
		}
		for _, c := range f.Choices {
			checkText(p, "follow_ups", c, 100)
		}
		if f.Kind == "scale" && (f.Max < 2 || f.Max > 10) {
			p.Add("follow_ups", "follow-up question %d: a scale goes from 1 to a max of 2 to 10", i+1)
		}
	}
	if v.AskEveryDays < 1 || v.AskEveryDays > 3650 {
		p.Add("ask_every_days", "the days between two asks of one customer must be a whole number from 1 to 3650")
	}
	if len(v.Triggers) > 10 {
		p.Add("triggers", "at most 10 triggers")
	}
	for _, t := range v.Triggers {
		if !t.Event.Valid() {
			p.Add("triggers", "event must be one of %s", list(SurveyEvents))
		}
		if t.Delay < 0 || t.Delay > 24*90 {
			p.Add("triggers", "the delay must be between 0 and 2160 hours (90 days)")
		}
	}
	return p.Err()
}

// CanManageSurveys reports whether the actor may create, change and send surveys:
// managers and admins.
func (s Scope) CanManageSurveys() bool {
	return s.Kind == ActorSystem || (s.Kind == ActorStaff && (s.Role == RoleAdmin || s.Role == RoleManager))
}

// SurveyInvitation is one customer asked one survey, by a link valid SurveyValidity.
type SurveyInvitation struct {
	ID           ID        `json:"id"`
	SurveyID     ID        `json:"survey_id"`
	CustomerID   ID        `json:"customer_id"`
	CustomerName string    `json:"customer_name,omitempty"`
	Cause        string    `json:"cause"`               // "segment" or the triggering event
	CauseRef     string    `json:"cause_ref,omitempty"` // the segment, interaction or feedback id
	TeamID       ID        `json:"team_id,omitzero"`
	Product      string    `json:"product,omitempty"`
	Language     string    `json:"language,omitempty"`
	MailID       ID        `json:"mail_id,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	ExpiresAt    time.Time `json:"expires_at"`
	Answered     bool      `json:"answered"`
}

// SurveyResponse is a customer's answer to an invitation.
type SurveyResponse struct {
	InvitationID  ID                `json:"invitation_id"`
	SurveyID      ID                `json:"survey_id"`
	CustomerID    ID                `json:"customer_id"`
	CustomerName  string            `json:"customer_name,omitempty"`
	Score         int               `json:"score"`
	Category      string            `json:"category,omitempty"`
	Comment       string            `json:"comment,omitempty"`
	Answers       map[string]string `json:"answers,omitempty"` // follow-up number (from 1) → answer
	FeedbackID    ID                `json:"feedback_id,omitzero"`
	InteractionID ID                `json:"interaction_id,omitzero"`
	AnsweredAt    time.Time         `json:"answered_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// SurveyAnswer is what a customer sends from the survey's page.
type SurveyAnswer struct {
	Score   int
	Comment string
	Answers map[string]string
}

// Validate checks an answer against the survey.
func (a *SurveyAnswer) Validate(v *Survey) error {
	p := Problems{}
	lo, hi := v.Kind.Scale()
	if a.Score < lo || a.Score > hi {
		p.Add("score", "choose a score from %d to %d", lo, hi)
	}
	a.Comment = strings.TrimSpace(a.Comment)
	checkText(p, "comment", a.Comment, 5000)
	for k, ans := range a.Answers {
		// Answers are to the follow-ups by number, from 1; others are not asked.
		i, err := strconv.Atoi(k)
		if err != nil || strconv.Itoa(i) != k || i < 1 || i > len(v.FollowUps) {
			delete(a.Answers, k)
			continue
		}
		field := "answers." + k
		checkTextNamed(p, field, "Your answer", ans, 2000) // not "1", the last part of its field
		switch f := v.FollowUps[i-1]; {
		case ans == "":
		case f.Kind == "choice" && !oneOf(ans, f.Choices):
			p.Add(field, "choose one of the answers offered")
		case f.Kind == "scale":
			if n, err := strconv.Atoi(ans); err != nil || n < 1 || n > f.Max {
				p.Add(field, "answer with a whole number from 1 to %d", f.Max)
			} else {
				a.Answers[k] = strconv.Itoa(n) // 03 and +3 are 3
			}
		}
	}
	return p.Err()
}

// SurveyInvitationView is what the customer's page shows: the survey in their
// language and their earlier answer, if any.
type SurveyInvitationView struct {
	Invitation *SurveyInvitation
	Survey     *Survey
	Text       SurveyText
	Response   *SurveyResponse
	Expired    bool
}

// SendPlan says who a send to a segment asks, and why the others are not asked.
type SendPlan struct {
	Members       int `json:"members"` // visible members of the segment
	Asked         int `json:"asked"`   // invited (or to be invited)
	NoEmail       int `json:"no_email"`
	NoConsent     int `json:"no_consent"`
	AskedRecently int `json:"asked_recently"`
}

// SurveySettings are the rules all surveys follow.
type SurveySettings struct {
	// MinDaysBetween is the least number of days between two invitations of one
	// customer, whatever the surveys' own settings.
	MinDaysBetween int `json:"min_days_between"`
}

// TriggerSummary says what a run of the survey triggers did.
type TriggerSummary struct {
	Events, Invited, Skipped int
}

// JobSurveys is the kind of job that invites the customers of new events to the
// surveys they trigger; it queues itself again every SurveyTriggerInterval.
const (
	JobSurveys            = "surveys"
	SurveyTriggerInterval = 5 * time.Minute
)

// ResultsFilter chooses the periods and the breakdown of a survey's results.
type ResultsFilter struct {
	Period    string // "week" or "month" (default)
	By        string // "", "segment", "team" or "product"
	SegmentID ID     // with By "segment"
	Since     time.Time
}

// Score is a survey's measure over some responses with its 95% confidence interval:
// NPS in points from -100 to 100, CSAT in percent satisfied, CES and custom the mean.
type Score struct {
	N     int     `json:"n"`
	Value float64 `json:"value"`
	Low   float64 `json:"low"`
	High  float64 `json:"high"`
	// The share of each category in percent (NPS promoters, passives, detractors …).
	Categories map[string]int `json:"categories,omitempty"`
}

// PeriodScore is the score of the responses of one week or month.
type PeriodScore struct {
	Period  string `json:"period"` // 2026-03 or 2026-W11 (ISO week)
	Start   string `json:"start"`  // its first day
	Invited int    `json:"invited"`
	Score
}

// GroupScore is the score of the responses of one group of a breakdown.
type GroupScore struct {
	Group string `json:"group"`
	Score
}

// SurveyResults are a survey's scores over the responses of customers the reader may see.
type SurveyResults struct {
	Survey       *Survey       `json:"survey"`
	Overall      Score         `json:"overall"`
	Invited      int           `json:"invited"`
	ResponseRate float64       `json:"response_rate"` // responses / invited, in percent
	Periods      []PeriodScore `json:"periods"`
	By           string        `json:"by,omitempty"`
	Groups       []GroupScore  `json:"groups,omitempty"`
}

// ScoreOf computes the kind's measure over scores.
func ScoreOf(k SurveyKind, scores []int) Score {
	s := Score{N: len(scores), Categories: map[string]int{}}
	if len(scores) == 0 {
		return s
	}
	counts := map[string]int{}
	for _, x := range scores {
		if c := k.Category(x); c != "" {
			counts[c]++
		}
	}
	n := float64(len(scores))
	switch k {
	case SurveyNPS:
		s.Value, s.Low, s.High = NPSInterval(counts["promoter"], counts["detractor"], len(scores))
	case SurveyCSAT:
		p, lo, hi := WilsonInterval(counts["satisfied"], len(scores))
		s.Value, s.Low, s.High = 100*p, 100*lo, 100*hi
	default:
		s.Value, s.Low, s.High = MeanInterval(scores)
	}
	for c, m := range counts {
		s.Categories[c] = int(math.Round(100 * float64(m) / n))
	}
	return s
}

// z95 is the standard normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// NPSInterval is the net promoter score of n responses, promoters and detractors of
// them, in points (−100 to 100), with its 95% interval from the multinomial variance
// of the difference of two shares: (p+ + p− − (p+ − p−)²)/n.
func NPSInterval(promoters, detractors, n int) (nps, low, high float64) {
	if n == 0 {
		return 0, 0, 0
	}
	pp, pd := float64(promoters)/float64(n), float64(detractors)/float64(n)
	d := pp - pd
	se := math.Sqrt((pp + pd - d*d) / float64(n))
	return 100 * d, 100 * math.Max(-1, d-z95*se), 100 * math.Min(1, d+z95*se)
}

// WilsonInterval is the share k/n with its 95% Wilson score interval.
func WilsonInterval(k, n int) (p, low, high float64) {
	if n == 0 {
		return 0, 0, 0
	}
	nf := float64(n)
	p = float64(k) / nf
	z2 := z95 * z95
	center := (p + z2/(2*nf)) / (1 + z2/nf)
	half := z95 / (1 + z2/nf) * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	return p, math.Max(0, center-half), math.Min(1, center+half)
}

// MeanInterval is the mean of the scores with its 95% interval, mean ± t·s/√n, t of
// Student's distribution with n−1 degrees of freedom. One score has no interval.
func MeanInterval(scores []int) (mean, low, high float64) {
	n := len(scores)
	if n == 0 {
		return 0, 0, 0
	}
	for _, x := range scores {
		mean += float64(x)
	}
	mean /= float64(n)
	if n == 1 {
		return mean, mean, mean
	}
	var ss float64
	for _, x := range scores {
		ss += (float64(x) - mean) * (float64(x) - mean)
	}
	half := T975(n-1) * math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	return mean, mean - half, mean + half
}

// t975 holds Student's t quantile at 0.975 for 1 to 30 degrees of freedom.
var t975 = [...]float64{12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
	2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042}

// T975 is Student's t quantile at 0.975 with df degrees of freedom: from the table up
// to 30, beyond by the expansion z + (z³+z)/(4df) + (5z⁵+16z³+3z)/(96df²), which is
// within 0.001 of the exact value there.
func T975(df int) float64 {
	if df < 1 {
		return math.NaN()
	}
	if df <= len(t975) {
		return t975[df-1]
	}
	z, d := z95, float64(df)
	return z + (z*z*z+z)/(4*d) + (5*math.Pow(z, 5)+16*z*z*z+3*z)/(96*d*d)
}

// SurveyService keeps surveys, sends them and collects their answers. Lists, counts
// and scores cover only customers the reader may see.
type SurveyService interface {
	FindSurveys(ctx context.Context, s Scope) ([]*Survey, error)
	FindSurveyByID(ctx context.Context, s Scope, id ID) (*Survey, error)
	CreateSurvey(ctx context.Context, s Scope, v *Survey) error
	// ReplaceSurvey saves new settings for a survey; its answers stay.
	ReplaceSurvey(ctx context.Context, s Scope, id ID, v *Survey) error
	DeleteSurvey(ctx context.Context, s Scope, id ID) error
	FindSurveySettings(ctx context.Context, s Scope) (*SurveySettings, error)
	UpdateSurveySettings(ctx context.Context, s Scope, set SurveySettings) error

	// PlanSurveySend counts whom sending the survey to a segment would ask now.
	PlanSurveySend(ctx context.Context, s Scope, surveyID, segmentID ID) (*SendPlan, error)
	// SendSurvey invites the segment's visible members who have an e-mail address,
	// have granted the "surveys" consent and were not asked within the limits, and
	// queues their e-mail with a link under baseURL.
	SendSurvey(ctx context.Context, s Scope, surveyID, segmentID ID, baseURL string) (*SendPlan, error)
	// RunSurveyTriggers invites the customers of the events since the last run, each
	// trigger's delay after them, within the limits.
	RunSurveyTriggers(ctx context.Context, s Scope, baseURL string) (TriggerSummary, error)

	// FindInvitations and FindResponses list a page of limit, newest first, after the
	// cursor, and the cursor of the next page.
	FindInvitations(ctx context.Context, s Scope, surveyID ID, limit int, cursor string) ([]*SurveyInvitation, string, error)
	FindResponses(ctx context.Context, s Scope, surveyID ID, limit int, cursor string) ([]*SurveyResponse, string, error)
	SurveyResults(ctx context.Context, s Scope, surveyID ID, f ResultsFilter) (*SurveyResults, error)

	// OpenInvitation finds the invitation of a link's token, for the customer's page.
	OpenInvitation(ctx context.Context, s Scope, token string) (*SurveyInvitationView, error)
	// AnswerSurvey records or changes the answer to an invitation while its link is
	// valid. The first low answer logs a complaint for follow-up.
	AnswerSurvey(ctx context.Context, s Scope, token string, a SurveyAnswer) (*SurveyResponse, error)
}

// PortalScope is the scope of a customer answering through a link of their own, on
// the host addr: it reaches only what the link's token names.
func PortalScope(addr string) Scope {
	return Scope{Kind: ActorCustomer, Via: "portal", Addr: addr}
}
