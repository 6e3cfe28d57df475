package demo

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/thousands"
)

// demoSurveys are sent to the survey panel on these days before the end of the data,
// each a little better received than the last: NPS every quarter, CES twice between;
// both ask at most once in 30 days, so that one does not keep the other from asking.
var demoSurveys = []struct {
	survey rapport.Survey
	days   []int
	answer float64 // the share of invitations answered
}{
	{rapport.Survey{Name: "Relationship NPS", Kind: rapport.SurveyNPS, SurveyText: rapport.SurveyText{Intro: "Two minutes of your time help us a lot.",
		Subject: "How are we doing?"}, AskEveryDays: 30,
		FollowUps: []rapport.FollowUp{{Text: "What is the one thing we should do better?", Kind: "text"}}}, []int{360, 270, 180, 90}, 0.35},
	{rapport.Survey{Name: "Service effort", Kind: rapport.SurveyCES, AskEveryDays: 30}, []int{315, 135}, 0.25},
}

// demoComments are what customers write, by the category of their score.
var demoComments = map[string][]string{
	"promoter":  {"Always helpful, and the desks are built to last.", "Quick delivery and a friendly fitter.", "We recommend you to every office we know."},
	"passive":   {"Good products, but the delivery dates keep moving.", "Fine overall; the invoices could be clearer."},
	"detractor": {"Nobody called back about the scratched desk.", "Waited weeks for a spare part.", "The phone line is always busy."},
	"easy":      {"Sorted in one call.", "The portal made it simple."},
	"hard":      {"I had to explain the problem three times.", "Too many forms for a small repair."},
}

var demoSurveyLink = regexp.MustCompile(`/portal/survey/([A-Za-z0-9_-]+)`)

// writeSurveys sends two surveys to a panel over the last year and has about a third of
// the people asked answer within a week, on the database's clock turned back to the
// day; the invitations are marked sent as the mail job would. It needs Options.SetNow.
// A third survey waits for its trigger, after support contacts.
func (f *filler) writeSurveys(ctx context.Context) error {
	if f.opts.SetNow == nil {
		return nil
	}
	defer f.opts.SetNow(time.Now)
	r := f.rand(streamSurveys)
	// The people the firm knew on the day of a send: the panel is refreshed before each.
	panel := &rapport.Segment{Name: "Survey panel", Rule: "kind = person AND created <= today"}
	if err := f.store.CreateSegment(ctx, f.system, panel); err != nil {
		return fmt.Errorf("survey panel: %w", err)
	}
	// Create the surveys, then send them in the order of their days: the clock only
	// moves forward, as the limits on asking again expect.
	type send struct {
		v      *rapport.Survey
		day, k int
		n      int
		answer float64
	}
	var sends []send
	for _, d := range demoSurveys {
		v := d.survey
		f.opts.SetNow(func() time.Time { return f.end.AddDate(0, 0, -d.days[0]-1) })
		if err := f.store.CreateSurvey(ctx, f.system, &v); err != nil {
			return fmt.Errorf("survey %s: %w", v.Name, err)
		}
		for k, day := range d.days {
			sends = append(sends, send{v: &v, day: day, k: k, n: len(d.days), answer: d.answer})
		}
	}
	slices.SortFunc(sends, func(a, b send) int { return b.day - a.day })
	for _, sd := range sends {
		v := sd.v
		sent := f.end.AddDate(0, 0, -sd.day).Add(9 * time.Hour)
		f.opts.SetNow(func() time.Time { return sent })
		if _, err := f.store.RefreshSegment(ctx, f.system, panel.ID); err != nil {
			return fmt.Errorf("survey panel: %w", err)
		}
		if _, err := f.store.SendSurvey(ctx, f.system, v.ID, panel.ID, f.opts.Mail.BaseURL); err != nil {
			return fmt.Errorf("survey %s: %w", v.Name, err)
		}
		var tokens []string
		for {
			ms, err := f.store.ClaimMail(ctx, 500, time.Hour)
			if err != nil {
				return err
			}
			if len(ms) == 0 {
				break
			}
			for _, m := range ms {
				if err := f.store.MailSent(ctx, m.ID, fmt.Sprintf("<demo-%s@demo.example>", m.ID)); err != nil {
					return err
				}
				if sub := demoSurveyLink.FindStringSubmatch(m.Text); sub != nil && chance(r, sd.answer) {
					tokens = append(tokens, sub[1])
				}
			}
		}
		// Later sends are better received: the chance of a good score grows. The
		// answers come in over the week after the send.
		better := float64(sd.k) / float64(sd.n)
		for j, token := range tokens {
			at := sent.Add(time.Duration(1+j*7*24*60/len(tokens)) * time.Minute)
			f.opts.SetNow(func() time.Time { return at })
			a := rapport.SurveyAnswer{Score: demoScore(r, v.Kind, better)}
			if cat := v.Kind.Category(a.Score); chance(r, 0.4) && len(demoComments[cat]) > 0 {
				a.Comment = pick(r, demoComments[cat])
			}
			res, err := f.store.AnswerSurvey(ctx, rapport.PortalScope("demo"), token, a)
			if err != nil {
				return fmt.Errorf("answer to %s: %w", v.Name, err)
			}
			f.sum.SurveyAnswers++
			if !res.FeedbackID.IsZero() {
				f.sum.SurveyComplaints++
			}
		}
		f.log("surveys: %s sent %s, %s answers so far", v.Name, sent.Format(time.DateOnly), thousands.Int(f.sum.SurveyAnswers))
	}
	f.opts.SetNow(time.Now)
	support := &rapport.Survey{Name: "After a support contact", Kind: rapport.SurveyCSAT, AskEveryDays: 60, Active: true,
		Triggers: []rapport.SurveyTrigger{{Event: "support", Delay: 24}}}
	if err := f.store.CreateSurvey(ctx, f.system, support); err != nil {
		return fmt.Errorf("survey %s: %w", support.Name, err)
	}
	return nil
}

// demoScore draws a score of the kind; better, from 0 to 1, moves it up.
func demoScore(r interface{ Float64() float64 }, k rapport.SurveyKind, better float64) int {
	x := r.Float64()
	switch k {
	case rapport.SurveyNPS: // detractors 30 % → 18 %, promoters 35 % → 50 %
		det, pro := 0.30-0.12*better, 0.35+0.15*better
		switch {
		case x < det:
			return int(x / det * 7) // 0–6, mostly high
		case x < 1-pro:
			return 7 + int((x-det)/(1-pro-det)*2)
		}
		return 9 + int((x-(1-pro))/pro*2)
	case rapport.SurveyCES: // 1 (easy) … 7 (hard), easier later
		v := 1 + int(x*x*6.99*(1-0.3*better))
		return v
	}
	return 1 + int(x*5)
}
