package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// writeNotes has the demo users write what they know about customers: many notes on
// the largest accounts, a few on larger organisations and a sample of the rest. Notes
// about customers behind the wall are written by Corporate Finance. When the demo may
// turn the store's clock, each note is written on a day of the last two years since
// the firm has had the customer, in office hours, so that profiles show notes of
// different ages; otherwise all are written now. A customer's notes say different
// things, as far as the demo's stock of them goes.
func (f *filler) writeNotes(ctx context.Context) error {
	r := f.rand(streamNotes)
	began := time.Now()
	workers := make([][]int, len(f.pop.customers)) // who works at each organisation
	for _, l := range f.pop.links {
		if l.kind == rapport.LinkWorksAt {
			workers[l.to] = append(workers[l.to], l.from)
		}
	}
	type written struct {
		n      *rapport.Note
		c      *entry
		author int
		at     time.Time
	}
	var notes []written
	for _, c := range f.pop.customers {
		said := map[string]bool{}
		for range notesFor(r, c) {
			author := f.noteAuthor(r, c)
			n := &rapport.Note{CustomerID: c.id, Visibility: rapport.VisibilityStaff, Pinned: chance(r, 0.1)}
			if c.walled {
				n.Body = falconNote(r, c, f.end, said)
			} else {
				n.Body = f.noteBody(r, c, workers[c.index], said)
			}
			f.setVisibility(r, n, author, c)
			from := c.knownFrom(f.end.AddDate(-2, 0, 0))
			at := officeHours(r, between(r, from, f.end.AddDate(0, 0, -1)), c.country)
			if at.Before(from) || at.After(f.end) { // a customer of the last few days
				at = from
			}
			notes = append(notes, written{n, c, author, at})
		}
	}
	slices.SortStableFunc(notes, func(a, b written) int { return a.at.Compare(b.at) }) // the clock only moves forward
	defer f.setClock(time.Time{})
	for _, w := range notes {
		f.setClock(w.at)
		scope := rapport.StaffScope(f.users[w.author], "cli", "demo")
		if err := f.store.CreateNote(ctx, scope, w.n); err != nil {
			return fmt.Errorf("note by %s on %s: %w", demoStaff[w.author].email, w.c.name, err)
		}
		f.sum.Notes++
		if f.sum.Notes%500 == 0 {
			f.log("notes: %s%s", thousands.Int(f.sum.Notes), rate(f.sum.Notes, began))
		}
	}
	f.log("notes: %s", thousands.Int(f.sum.Notes))
	return nil
}

// notesFor is how many notes a customer gets.
func notesFor(r *rand.Rand, c *entry) int {
	switch {
	case c.big:
		return 6 + r.IntN(6)
	case c.walled && c.kind == rapport.KindOrganisation:
		return 2 + r.IntN(3)
	case c.walled:
		return r.IntN(2)
	case c.profile == organisation && c.size > 6:
		return 1 + r.IntN(4)
	case chance(r, 0.08):
		return 1 + r.IntN(2)
	}
	return 0
}

// noteAuthor picks who writes a note: Corporate Finance behind the wall, mostly the
// account manager where there is one, else anyone who deals with customers.
func (f *filler) noteAuthor(r *rand.Rand, c *entry) int {
	if c.walled {
		return pick(r, staffIn(teamFinance))
	}
	if c.owner >= 0 && chance(r, 0.6) {
		return c.owner
	}
	return noteWriters.pick(r)
}

// noteWriters are the staff who write notes about customers they do not own, by how
// often: service agents hear the most.
var noteWriters = newTable(
	choice(staffIndex("chloe.martin"), 2.0), choice(staffIndex("jonas.lindqvist"), 3.0), choice(staffIndex("aisha.khan"), 3.0),
	choice(staffIndex("giulia.rossi"), 1.0), choice(staffIndex("piotr.nowak"), 1.0), choice(staffIndex("yuki.tanaka"), 1.0),
	choice(staffIndex("sofia.almeida"), 0.5), choice(staffIndex("liam.oconnor"), 0.5), choice(staffIndex("ravi.patel"), 1.0),
)

// setVisibility shares a note with everyone who may see the customer, with the
// author's team, or with nobody else.
func (f *filler) setVisibility(r *rand.Rand, n *rapport.Note, author int, c *entry) {
	teams := demoStaff[author].teams
	switch x := r.Float64(); {
	case len(teams) > 0 && (x < 0.3 || c.walled && x < 0.75):
		n.Visibility, n.TeamID = rapport.VisibilityTeam, f.team(teams[0]).ID
	case x > 0.8 || c.walled:
		n.Visibility = rapport.VisibilityPrivate
	}
}

var (
	personNotes = []string{
		"Prefers calls after 4pm.",
		"Prefers e-mail to phone calls; answers within a day.",
		"Prefers %[2]s for calls and letters, although fluent in English.",
		"Daughter starts university in September; may be slower to reply then.",
		"Keen cyclist: ask about the last race, it breaks the ice.",
		"Moving to %[1]s in the spring: check the delivery address before large orders.",
		"Allergic to nuts: no food hampers at Christmas.",
		"Was unhappy about a late delivery in %[3]s; a voucher settled it.",
		"Knows our products better than some of our staff: a good candidate for the beta programme.",
		"Called three times about the same invoice: wants one contact person, not the queue.",
		"Speaks at trade fairs; could be a reference customer.",
		"Retired last year; spends the winters abroad, so post may go unanswered until April.",
		"Does not want marketing calls, but likes the printed catalogue.",
		"Always pays on the day of the invoice; send invoices by e-mail only.",
	}
	organisationNotes = []string{
		"Planning to open two stores in %[1]s next year.",
		"Budget for next year is approved in %[3]s: send the proposal before then.",
		"Evaluating a competitor; the renewal is at risk. Offer a review meeting before the summer.",
		"%[4]s is the real decision maker, not the CEO.",
		"Pays invoices late but always pays: do not escalate before 60 days.",
		"Wants consolidated monthly invoicing for all subsidiaries.",
		"Expanding into %[5]s; asked whether we deliver there.",
		"New CFO since %[3]s: the relationship needs rebuilding.",
		"Prefers a single account manager; never hand over without an introduction meeting.",
		"Orders through our API: changes to the order format need three months' notice.",
		"Peak season is November and December: no system changes then.",
		"Strong interest in our sustainability report; send it as soon as it is published.",
		"Head office moves to %[1]s in the autumn; update the delivery addresses then.",
		"Procurement runs a tender every three years; the next one is due in %[3]s.",
	}
	falconNotes = []string{
		"Project Falcon: management accounts for %[1]d received; EBITDA margin about %[2]d%%.",
		"Project Falcon: the founders are open to a share deal but want an earn-out of at most two years.",
		"Project Falcon: the data room opens in %[3]s. Keep all contact through Corporate Finance.",
		"Project Falcon: exclusivity ends in %[3]s; the board decides the week before.",
		"Project Falcon: their largest customer contract has a change-of-control clause; legal is checking it.",
	}
	falconPeopleNotes = []string{
		"Project Falcon: key person for the integration; keep on after the deal.",
		"Project Falcon: not aware of the talks. Do not mention them.",
		"Project Falcon: runs the warehouse in %[1]s; the integration plan depends on it.",
	}
)

// noteBody writes a piece of tacit knowledge about the customer, one that said does
// not hold yet; workers are the people who work at an organisation.
func (f *filler) noteBody(r *rand.Rand, c *entry, workers []int, said map[string]bool) string {
	city, month := pick(r, c.country.cities).name, time.Month(1+r.IntN(12)).String()
	language := languageName(c.country.language)
	if c.kind == rapport.KindOrganisation {
		decider := "The head of procurement"
		if len(workers) > 0 {
			decider = f.pop.customers[pick(r, workers)].name
		}
		abroad := pick(r, countries)
		for abroad == c.country {
			abroad = pick(r, countries)
		}
		return format(pickNew(r, organisationNotes, said), city, language, month, decider, countryName(abroad.code))
	}
	notes := personNotes
	if language == "English" {
		notes = personNotesInEnglish
	}
	return format(pickNew(r, notes, said), city, language, month)
}

// personNotesInEnglish are the personNotes for English speakers: without those that
// say which language the customer prefers (%[2]s).
var personNotesInEnglish = slices.DeleteFunc(slices.Clone(personNotes), func(body string) bool {
	return strings.Contains(body, "%[2]s")
})

// pickNew picks one of values that said does not hold, and adds it; once said holds
// them all, any.
func pickNew(r *rand.Rand, values []string, said map[string]bool) string {
	var fresh []string
	for _, v := range values {
		if !said[v] {
			fresh = append(fresh, v)
		}
	}
	if len(fresh) == 0 {
		fresh = values
	}
	v := pick(r, fresh)
	said[v] = true
	return v
}

// format is fmt.Sprintf for templates that may use only some of the arguments, or none.
func format(template string, args ...any) string {
	if !strings.Contains(template, "%") {
		return template
	}
	return fmt.Sprintf(template, args...)
}

func falconNote(r *rand.Rand, c *entry, end time.Time, said map[string]bool) string {
	month := time.Month(1 + r.IntN(12)).String()
	if c.kind == rapport.KindOrganisation {
		return format(pickNew(r, falconNotes, said), end.Year()-1, 8+r.IntN(12), month)
	}
	return format(pickNew(r, falconPeopleNotes, said), c.city.name)
}

func countryName(code string) string {
	switch code {
	case "GB":
		return "the United Kingdom"
	case "IE":
		return "Ireland"
	case "US":
		return "the United States"
	case "DE":
		return "Germany"
	case "AT":
		return "Austria"
	case "FR":
		return "France"
	case "ES":
		return "Spain"
	case "PT":
		return "Portugal"
	case "IT":
		return "Italy"
	case "NL":
		return "the Netherlands"
	case "SE":
		return "Sweden"
	case "DK":
		return "Denmark"
	case "PL":
		return "Poland"
	case "BR":
		return "Brazil"
	case "JP":
		return "Japan"
	}
	return code
}

func languageName(tag string) string {
	switch tag {
	case "de":
		return "German"
	case "fr":
		return "French"
	case "es":
		return "Spanish"
	case "pt-PT", "pt-BR":
		return "Portuguese"
	case "it":
		return "Italian"
	case "nl":
		return "Dutch"
	case "sv":
		return "Swedish"
	case "da":
		return "Danish"
	case "pl":
		return "Polish"
	case "ja":
		return "Japanese"
	}
	return "English"
}
