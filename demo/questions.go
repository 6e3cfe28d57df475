package demo

import (
	"context"

	"github.com/rapportckm/rapport"
)

// writeQuestions has a few customers ask the listed experts questions in the help
// centre, one of them answered, so that /kb/questions and the timelines show them.
func (f *filler) writeQuestions(ctx context.Context) error {
	chloe := rapport.StaffScope(f.users[staffIndex("chloe.martin")], "cli", "demo")
	jonas := rapport.StaffScope(f.users[staffIndex("jonas.lindqvist")], "cli", "demo")
	asks := []struct {
		expert rapport.Scope
		area   string
		text   string
		answer string
	}{
		{jonas, "sit-stand desks", "My sit-stand desk stops halfway up and beeps twice. Is it broken?\nIt is about a year old.",
			"Two beeps mean the desk lost its end positions. Hold **down** for ten seconds until it beeps again; it then moves normally."},
		{chloe, "delivery", "Can you deliver to our new office on a Saturday?", ""},
		{jonas, "ergonomic seating", "Which chair suits someone who is 1.95 m tall?", ""},
	}
	n := 0
	for _, c := range f.pop.customers {
		if n == len(asks) {
			break
		}
		if c.kind != rapport.KindPerson || c.walled || c.id.IsZero() {
			continue
		}
		a := asks[n]
		n++
		q, err := f.store.AskExpert(ctx, rapport.CustomerScope(c.id, "demo"), rapport.Question{ExpertID: a.expert.UserID, Area: a.area, Text: a.text}, f.opts.Mail)
		if err != nil {
			return err
		}
		if a.answer != "" {
			if _, err := f.store.AnswerQuestion(ctx, a.expert, q.ID, a.answer, f.opts.Mail); err != nil {
				return err
			}
		}
	}
	f.sum.Questions = n
	f.log("questions to experts: %d", n)
	return nil
}
