package rapport

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Closing the loop: when feedback is resolved the customer is told what was done, by
// e-mail from a template in their language, with a link to confirm it and rate it; an
// answer of "not resolved" reopens the feedback. Feedback also arrives by e-mail.

// MailFeedbackInformed is the purpose of the e-mail that tells a customer what was
// done about their feedback; its Ref is the feedback's id.
const MailFeedbackInformed = "feedback_informed"

// FeedbackLinkValidity is how long the link in that e-mail can be answered.
const FeedbackLinkValidity = 60 * 24 * time.Hour

// MaxFeedbackComment is the longest comment a customer leaves with their answer.
const MaxFeedbackComment = 2000

// FeedbackAnswered is the event of the customer's answer in the history of feedback
// and on the timeline; confirmed when they said it is resolved. An answer of "not
// resolved" is the event reopened.
const (
	FeedbackAnswered  FeedbackEvent = "answered"
	FeedbackConfirmed FeedbackEvent = "confirmed"
)

// FeedbackPlaceholders are the only words a template can fill in: the customer's name,
// the feedback's words shortened (only feedback the customer gave themselves), the
// resolution, the customer's link to answer, and the firm's name.
var FeedbackPlaceholders = []string{"{customer}", "{feedback}", "{resolution}", "{link}", "{firm}"}

// FeedbackTemplate is the e-mail a customer gets when told what was done about their
// feedback, in one language. Templates are plain text with named placeholders only.
type FeedbackTemplate struct {
	Language  string    `json:"language"` // BCP 47 in lower case, such as "de" or "pt-br"
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	BuiltIn   bool      `json:"built_in"` // as shipped, not changed here
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// BuiltInFeedbackTemplates are the templates Rapport ships, by language.
var BuiltInFeedbackTemplates = map[string]FeedbackTemplate{
	"en": {Language: "en", Subject: "What we did about your feedback",
		Body: "Dear {customer},\n\nYou told us: “{feedback}”\n\nThank you. This is what we did:\n{resolution}\n\n" +
			"Is it resolved for you? Please tell us, and rate how we handled it, here:\n{link}\n\n" +
			"You can also simply reply to this e-mail.\n\nKind regards,\n{firm}"},
	"de": {Language: "de", Subject: "Was wir mit Ihrer Rückmeldung gemacht haben",
		Body: "Guten Tag {customer},\n\nSie haben uns geschrieben: „{feedback}“\n\nVielen Dank. Das haben wir getan:\n{resolution}\n\n" +
			"Ist die Sache für Sie erledigt? Bitte sagen Sie es uns und bewerten Sie unsere Antwort hier:\n{link}\n\n" +
			"Sie können auch einfach auf diese E-Mail antworten.\n\nFreundliche Grüße\n{firm}"},
	"fr": {Language: "fr", Subject: "Ce que nous avons fait suite à votre retour",
		Body: "Bonjour {customer},\n\nVous nous avez dit : « {feedback} »\n\nMerci. Voici ce que nous avons fait :\n{resolution}\n\n" +
			"Le problème est-il résolu pour vous ? Dites-le-nous et notez notre réponse ici :\n{link}\n\n" +
			"Vous pouvez aussi simplement répondre à cet e-mail.\n\nCordialement,\n{firm}"},
	"nl": {Language: "nl", Subject: "Wat we met uw feedback hebben gedaan",
		Body: "Beste {customer},\n\nU liet ons weten: “{feedback}”\n\nDank u wel. Dit hebben we gedaan:\n{resolution}\n\n" +
			"Is het voor u opgelost? Laat het ons weten en beoordeel onze aanpak hier:\n{link}\n\n" +
			"U kunt ook gewoon op deze e-mail antwoorden.\n\nMet vriendelijke groet,\n{firm}"},
}

var placeholderPattern = regexp.MustCompile(`\{[a-z_]+\}`)

// Normalize trims the template and puts its language in lower case.
func (t *FeedbackTemplate) Normalize() {
	t.Language = strings.ToLower(strings.TrimSpace(t.Language))
	t.Subject = strings.Join(strings.Fields(t.Subject), " ")
	t.Body = strings.TrimSpace(strings.ReplaceAll(t.Body, "\r\n", "\n"))
}

// Validate reports every problem with the template: its language, lengths, the
// placeholders it uses, and the link it must carry.
func (t *FeedbackTemplate) Validate() error {
	p := Problems{}
	if t.Language == "" || !isLanguageTag(t.Language) {
		p.Add("language", "language %q is not a language tag such as en, de or pt-BR", t.Language)
	}
	if t.Subject == "" {
		p.Add("subject", "subject is required")
	}
	checkText(p, "subject", t.Subject, 200)
	if t.Body == "" {
		p.Add("body", "body is required")
	}
	checkText(p, "body", t.Body, 5000)
	for _, f := range []struct{ name, text string }{{"subject", t.Subject}, {"body", t.Body}} {
		for _, ph := range placeholderPattern.FindAllString(f.text, -1) {
			if !oneOf(ph, FeedbackPlaceholders) {
				p.Add(f.name, "%s is not a placeholder; use %s", ph, strings.Join(FeedbackPlaceholders, ", "))
				break
			}
		}
	}
	if !strings.Contains(t.Body, "{link}") && p["body"] == "" {
		p.Add("body", "the body must contain {link}, where the customer answers")
	}
	return p.Err()
}

// FeedbackMailValues are what a template's placeholders become. Feedback is empty when
// the feedback is not in the customer's own words (Feedback.FromCustomer): staff's
// words are never quoted to them.
type FeedbackMailValues struct {
	Customer, Feedback, Resolution, Link, Firm string
}

// Fill puts the values in place of the placeholders of a message's text; with no link
// yet, {link} stays as it is, to be filled when the message is sent. With no words of
// the customer's to quote, the lines that would quote them are left out.
func (v FeedbackMailValues) Fill(text string) string {
	if v.Feedback == "" && strings.Contains(text, "{feedback}") {
		lines := strings.Split(text, "\n")
		var kept []string
		dropBlank := false
		for i, l := range lines {
			if dropBlank && strings.TrimSpace(l) == "" {
				dropBlank = false
				continue
			}
			dropBlank = false
			if strings.Contains(l, "{feedback}") {
				// A paragraph of its own goes with the blank line after it.
				dropBlank = i == 0 || strings.TrimSpace(lines[i-1]) == ""
				continue
			}
			kept = append(kept, l)
		}
		text = strings.Join(kept, "\n")
	}
	return v.replacer().Replace(text)
}

// FillSubject fills the placeholders of a subject line; with no words of the
// customer's to quote, {feedback} becomes nothing.
func (v FeedbackMailValues) FillSubject(subject string) string {
	return strings.Join(strings.Fields(v.replacer().Replace(subject)), " ")
}

func (v FeedbackMailValues) replacer() *strings.Replacer {
	pairs := []string{"{customer}", v.Customer, "{feedback}", v.Feedback, "{resolution}", v.Resolution, "{firm}", v.Firm}
	if v.Link != "" {
		pairs = append(pairs, "{link}", v.Link)
	}
	return strings.NewReplacer(pairs...)
}

// PickFeedbackTemplate chooses the template for a customer's language from the stored
// templates and the built-in ones: the language itself, then its base language (de for
// de-CH), then English. Stored templates win over built-in ones of the same language.
func PickFeedbackTemplate(language string, stored []FeedbackTemplate) FeedbackTemplate {
	all := MergeFeedbackTemplates(stored)
	byLang := map[string]FeedbackTemplate{}
	for _, t := range all {
		byLang[t.Language] = t
	}
	lang := strings.ToLower(strings.TrimSpace(language))
	base, _, _ := strings.Cut(lang, "-")
	for _, l := range []string{lang, base, "en"} {
		if t, ok := byLang[l]; ok {
			return t
		}
	}
	return BuiltInFeedbackTemplates["en"]
}

// MergeFeedbackTemplates lists the built-in templates with the stored ones in their
// place or beside them, by language.
func MergeFeedbackTemplates(stored []FeedbackTemplate) []FeedbackTemplate {
	byLang := map[string]FeedbackTemplate{}
	for l, t := range BuiltInFeedbackTemplates {
		t.BuiltIn = true
		byLang[l] = t
	}
	for _, t := range stored {
		t.BuiltIn = false
		byLang[t.Language] = t
	}
	out := make([]FeedbackTemplate, 0, len(byLang))
	for _, t := range byLang {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Language < out[j].Language })
	return out
}

// FeedbackDraft is the e-mail that would tell the customer what was done, filled in
// from the template of their language, for staff to read and change before sending.
// {link} stays in the text until it is sent.
type FeedbackDraft struct {
	Feedback  *Feedback
	ToAddress string // empty when the customer has no e-mail address
	ToName    string
	Language  string // of the template used
	Subject   string
	Text      string
}

// FeedbackInform is staff's order to tell the customer by e-mail: the message (from
// the draft, perhaps changed), the resolution when the feedback is not resolved yet,
// and the address of Rapport for the link.
type FeedbackInform struct {
	Subject    string `json:"subject"`
	Text       string `json:"text"`
	Resolution string `json:"resolution,omitempty"`
	BaseURL    string `json:"-"`
	Firm       string `json:"-"`
}

// FeedbackAnswer is the customer's answer through their link.
type FeedbackAnswer struct {
	Resolved *bool  // required: yes or no
	Rating   int    // 1 to 5, or 0 for none
	Comment  string // optional
}

// Normalize trims the comment.
func (a *FeedbackAnswer) Normalize() { a.Comment = strings.TrimSpace(a.Comment) }

// Validate reports every problem with the answer.
func (a *FeedbackAnswer) Validate() error {
	p := Problems{}
	if a.Resolved == nil {
		p.Add("resolved", "say whether it is resolved for you: yes or no")
	}
	if a.Rating < 0 || a.Rating > 5 {
		p.Add("rating", "the rating is from 1 (poor) to 5 (very good)")
	}
	checkText(p, "comment", a.Comment, MaxFeedbackComment)
	return p.Err()
}

// FeedbackLink is what a customer sees through their link: what they said, what was
// done, and their answer if they gave one.
type FeedbackLink struct {
	FeedbackID   ID
	CustomerName string
	Kind         FeedbackKind
	Text         string // empty unless the customer gave it themselves (Feedback.FromCustomer)
	Resolution   string
	HeardAt      time.Time
	ExpiresAt    time.Time
	AnsweredAt   *time.Time
	Resolved     *bool
	Rating       int
	Comment      string
}

// IncomingFeedback is an e-mail that arrived at the feedback address, made readable.
type IncomingFeedback struct {
	FromAddress string
	FromName    string
	Subject     string
	Text        string // without quoted lines of earlier messages
	MessageID   string // or a hash of the message when it has none
	InReplyTo   string
	Kind        FeedbackKind // from the address it was sent to; observation if it says nothing
	// SenderVerified says the From address is the sender's own: the envelope's sender
	// is it, or the relay that received the message found DMARC passed for its domain.
	// Only then is the message taken as its customer's.
	SenderVerified bool
	// Attachments are the attached files, already in the blob store; those the store
	// records get an ID, the others' contents are the caller's to delete.
	Attachments []*Attachment
	NotKept     []string // the names of attached files that were not kept (too large, no store)
}

// IntakeResult says what became of an incoming e-mail.
type IntakeResult struct {
	FeedbackID ID
	CustomerID ID
	Created    bool // new feedback was logged
	Reply      bool // it answered what was done about existing feedback
	Duplicate  bool // it had been taken before
}

// FeedbackLoopService closes the loop with customers.
type FeedbackLoopService interface {
	// FindFeedbackTemplates lists the templates, built-in and stored, by language.
	FindFeedbackTemplates(ctx context.Context, s Scope) ([]FeedbackTemplate, error)
	// SaveFeedbackTemplate stores a template for its language; managers and admins.
	SaveFeedbackTemplate(ctx context.Context, s Scope, t *FeedbackTemplate) error
	// DeleteFeedbackTemplate removes a stored template: a built-in one takes its place.
	DeleteFeedbackTemplate(ctx context.Context, s Scope, language string) error
	// DraftFeedbackMail fills in the template for visible feedback's customer.
	DraftFeedbackMail(ctx context.Context, s Scope, id ID, firm string) (*FeedbackDraft, error)
	// InformFeedbackByEmail queues the e-mail with a new link and moves the feedback
	// to informed via email, in one transaction.
	InformFeedbackByEmail(ctx context.Context, s Scope, id ID, in FeedbackInform) (*Feedback, *Mail, error)
	// FindFeedbackLink returns what a link shows; unknown and expired links are not found.
	FindFeedbackLink(ctx context.Context, token string) (*FeedbackLink, error)
	// AnswerFeedbackLink records the customer's answer, once per link; "not resolved"
	// reopens the feedback.
	AnswerFeedbackLink(ctx context.Context, token, addr string, a FeedbackAnswer) (*FeedbackLink, error)
	// ReceiveFeedbackMail logs an e-mail as feedback, or as the answer to what was done
	// when it replies to that message; a message taken before is not taken again.
	ReceiveFeedbackMail(ctx context.Context, s Scope, m *IncomingFeedback) (IntakeResult, error)
}
