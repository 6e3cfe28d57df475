package rapport

import (
	"fmt"
	"strings"
)

// NoteTemplate is the shape of a structured note: what staff write up after a visit,
// a meeting or an interview, in the same sections every time, so that what the
// customer is trying to achieve, what they said and what staff saw them doing are
// kept apart and can be found again. Lines of some sections can become feedback.
type NoteTemplate struct {
	Name     string
	Title    string
	Sections []NoteSectionDef
}

// NoteSectionDef is one section of a template. Feedback marks the sections whose lines
// are the customer's own words or doings, which staff may log as feedback one by one.
type NoteSectionDef struct {
	Key, Title, Hint string
	Feedback         bool
}

var (
	sectionAim      = NoteSectionDef{"aim", "What the customer is trying to achieve", "Their goal, in their terms: what would success look like for them?", true}
	sectionSaid     = NoteSectionDef{"said", "What they said", "One point per line, in their words where you can.", true}
	sectionObserved = NoteSectionDef{"observed", "What we saw them doing", "How they actually work, workarounds, what got in their way. One point per line.", true}
	sectionIdeas    = NoteSectionDef{"ideas", "Ideas and needs they mentioned", "One per line.", true}
	sectionAgreed   = NoteSectionDef{"agreed", "What we agreed", "", false}
	sectionNext     = NoteSectionDef{"next", "Next steps", "Who does what, by when.", false}
)

// NoteTemplates are the structured notes staff can write.
var NoteTemplates = []NoteTemplate{
	{"visit", "Visit report", []NoteSectionDef{sectionAim, sectionSaid, sectionObserved, sectionNext}},
	{"meeting", "Meeting notes", []NoteSectionDef{sectionAim, sectionSaid, sectionAgreed, sectionNext}},
	{"interview", "Customer interview", []NoteSectionDef{sectionAim, sectionSaid, sectionObserved, sectionIdeas}},
}

// FindNoteTemplate returns the template of the name, or nil.
func FindNoteTemplate(name string) *NoteTemplate {
	for i := range NoteTemplates {
		if NoteTemplates[i].Name == name {
			return &NoteTemplates[i]
		}
	}
	return nil
}

// NoteSection is what was written in one section of a structured note.
type NoteSection struct {
	Key  string `json:"key"`
	Text string `json:"text"`
}

// MaxNoteSection is the longest section, in characters.
const MaxNoteSection = 5000

// NotePart is a section of a structured note as it is shown: its title, its lines and
// whether they may become feedback.
type NotePart struct {
	Title    string
	Lines    []string
	Feedback bool
}

// Parts returns the sections of a structured note that have text, in the template's
// order; nil for a free note.
func (n *Note) Parts() []NotePart {
	t := FindNoteTemplate(n.Template)
	if t == nil {
		return nil
	}
	var out []NotePart
	for _, def := range t.Sections {
		for _, s := range n.Sections {
			if s.Key != def.Key || strings.TrimSpace(s.Text) == "" {
				continue
			}
			part := NotePart{Title: def.Title, Feedback: def.Feedback}
			for _, l := range strings.Split(s.Text, "\n") {
				if l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-*•")); l != "" {
					part.Lines = append(part.Lines, l)
				}
			}
			out = append(out, part)
		}
	}
	return out
}

// Title says what kind of note n is: "Note", or its template's title.
func (n *Note) Title() string {
	if t := FindNoteTemplate(n.Template); t != nil {
		return t.Title
	}
	return "Note"
}

// checkSections validates a structured note's sections and writes its body from them:
// each section's title, then its text, so that search and every list that shows a
// note's body read it whole.
func (n *Note) checkSections(p Problems) {
	if n.Template == "" {
		if len(n.Sections) > 0 {
			p.Add("sections", "sections are for structured notes: choose a template (%s)", templateNames())
		}
		return
	}
	t := FindNoteTemplate(n.Template)
	if t == nil {
		p.Add("template", "template %q is unknown; use one of %s", n.Template, templateNames())
		return
	}
	text, seen := map[string]string{}, map[string]bool{}
	for _, s := range n.Sections {
		field := "sections." + s.Key
		known := false
		for _, def := range t.Sections {
			known = known || def.Key == s.Key
		}
		switch {
		case !known:
			p.Add("sections", "a %s has no section %q", strings.ToLower(t.Title), s.Key)
		case seen[s.Key]:
			p.Add(field, "section %q is given twice", s.Key)
		}
		seen[s.Key] = true
		checkText(p, field, s.Text, MaxNoteSection)
		text[s.Key] = strings.TrimSpace(strings.ReplaceAll(s.Text, "\r\n", "\n"))
	}
	var body []string
	n.Sections = n.Sections[:0]
	for _, def := range t.Sections {
		if text[def.Key] != "" {
			n.Sections = append(n.Sections, NoteSection{Key: def.Key, Text: text[def.Key]})
			body = append(body, def.Title+"\n"+text[def.Key])
		}
	}
	n.Body = strings.Join(body, "\n\n")
}

func templateNames() string {
	var names []string
	for _, t := range NoteTemplates {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

// String names the template for messages.
func (t *NoteTemplate) String() string { return fmt.Sprintf("%s (%s)", t.Title, t.Name) }
