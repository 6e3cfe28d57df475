package rapport

import "time"

// ContactDays are the days a customer prefers to be contacted on.
type ContactDays string

var ContactDayChoices = []ContactDays{"weekdays", "weekends", "any"}

// DayPart is the part of the day a customer prefers to be contacted in.
type DayPart string

var DayParts = []DayPart{"morning", "afternoon", "evening", "any"}

// ContactTime is when a customer prefers to be contacted: on which days and in which
// part of the day. The zero value means nothing is recorded.
type ContactTime struct {
	Days ContactDays `json:"days,omitempty"`
	Part DayPart     `json:"part,omitempty"`
}

func (t ContactTime) IsZero() bool { return t.Days == "" && t.Part == "" }

// Normalize completes a half-given time: days without a part of the day means any
// part, and the other way round; "any" for both is kept, as a recorded answer.
func (t *ContactTime) Normalize() {
	if t.IsZero() {
		return
	}
	if t.Days == "" {
		t.Days = "any"
	}
	if t.Part == "" {
		t.Part = "any"
	}
}

func (t ContactTime) check(p Problems, field string) {
	if t.Days != "" && !oneOf(t.Days, ContactDayChoices) {
		p.Add(field+".days", "preferred days %q are unknown; use one of %s", t.Days, list(ContactDayChoices))
	}
	if t.Part != "" && !oneOf(t.Part, DayParts) {
		p.Add(field+".part", "preferred part of the day %q is unknown; use one of %s", t.Part, list(DayParts))
	}
}

// String says the time in words: "weekday mornings", "weekends, any time", "any day,
// evenings", "any time".
func (t ContactTime) String() string {
	if t.IsZero() {
		return ""
	}
	part := map[DayPart]string{"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"}[t.Part]
	switch {
	case t.Days == "weekdays" && part != "":
		return "weekday " + part
	case t.Days == "weekends" && part != "":
		return "weekend " + part
	case t.Days == "weekdays", t.Days == "weekends":
		return string(t.Days) + ", any time"
	case part != "":
		return "any day, " + part
	}
	return "any time"
}

// partOf is the part of the day of an hour, "" at night (22:00 to 6:00).
func partOf(hour int) DayPart {
	switch {
	case hour >= 6 && hour < 12:
		return "morning"
	case hour >= 12 && hour < 18:
		return "afternoon"
	case hour >= 18 && hour < 22:
		return "evening"
	}
	return ""
}

// ContactHabit is when a customer's own contacts (those they made themselves) usually
// happen, in UTC: a suggestion where no preferred time is recorded.
type ContactHabit struct {
	Time     ContactTime `json:"time"`
	Matching int         `json:"matching"` // contacts within Time
	Of       int         `json:"of"`       // contacts looked at
}

// HabitMinimum is how many contacts a habit needs before it is suggested.
const HabitMinimum = 8

// HabitOf finds the habit in the times of a customer's contacts: the days when at least
// 80 % fall on weekdays or 60 % on weekends, the part of the day when at least 60 %
// fall in it. It returns nil for fewer than HabitMinimum contacts or no clear habit.
func HabitOf(times []time.Time) *ContactHabit {
	n := len(times)
	if n < HabitMinimum {
		return nil
	}
	weekend, parts := 0, map[DayPart]int{}
	for _, t := range times {
		t = t.UTC()
		if d := t.Weekday(); d == time.Saturday || d == time.Sunday {
			weekend++
		}
		parts[partOf(t.Hour())]++
	}
	h := &ContactHabit{Time: ContactTime{Days: "any", Part: "any"}, Of: n}
	switch {
	case 5*(n-weekend) >= 4*n:
		h.Time.Days = "weekdays"
	case 5*weekend >= 3*n:
		h.Time.Days = "weekends"
	}
	for _, p := range DayParts[:3] {
		if 5*parts[p] >= 3*n {
			h.Time.Part = p
		}
	}
	if h.Time.Days == "any" && h.Time.Part == "any" {
		return nil
	}
	for _, t := range times {
		t = t.UTC()
		weekendDay := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
		if (h.Time.Days == "any" || (h.Time.Days == "weekends") == weekendDay) && (h.Time.Part == "any" || partOf(t.Hour()) == h.Time.Part) {
			h.Matching++
		}
	}
	return h
}
