package mapping

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A Layout is how a file writes dates, in a syntax people read: YYYY or YY for the
// year, MM or M for the month (one or two digits either way), MMM for its short English
// name (Jan), DD or D for the day, hh, mm and ss for a 24-hour time, and the separators
// - / . : , space and T between them. "DD/MM/YYYY", "YYYY-MM-DD hh:mm".
type Layout struct {
	text, goLayout string
	hasTime        bool
	shortYear      bool // YY
}

// layoutTokens translate the readable tokens, longest first, to Go's reference time.
// One- and two-digit forms are both accepted when reading, so DD and D are the same.
var layoutTokens = []struct{ token, goLayout string }{
	{"YYYY", "2006"}, {"YY", "06"}, {"MMM", "Jan"}, {"MM", "1"}, {"M", "1"}, {"DD", "2"}, {"D", "2"},
	{"hh", "15"}, {"mm", "04"}, {"ss", "05"},
}

// ParseLayout reads a layout such as "DD/MM/YYYY".
func ParseLayout(text string) (Layout, error) {
	l := Layout{text: text}
	var b strings.Builder
	seen := map[byte]bool{}
	for s := text; s != ""; {
		matched := false
		for _, t := range layoutTokens {
			if strings.HasPrefix(s, t.token) {
				if seen[t.token[0]] {
					return Layout{}, fmt.Errorf("date layout %q names %s twice", text, t.token)
				}
				seen[t.token[0]] = true
				b.WriteString(t.goLayout)
				s = s[len(t.token):]
				matched = true
				l.hasTime = l.hasTime || t.token[0] == 'h'
				break
			}
		}
		if matched {
			continue
		}
		if !strings.ContainsRune("-/.:, T", rune(s[0])) {
			return Layout{}, fmt.Errorf("date layout %q: %q is neither a part (YYYY, YY, MM, M, MMM, DD, D, hh, mm, ss) nor a separator (- / . : , space T)", text, s[:1])
		}
		b.WriteByte(s[0])
		s = s[1:]
	}
	if !seen['Y'] || !seen['M'] || !seen['D'] {
		return Layout{}, fmt.Errorf("date layout %q needs a year, a month and a day, as in DD/MM/YYYY", text)
	}
	l.goLayout = b.String()
	l.shortYear = strings.Contains(l.goLayout, "06") && !strings.Contains(l.goLayout, "2006")
	return l, nil
}

func (l Layout) String() string { return l.text }

// Parse reads a date or time written in the layout, in loc when it has a time.
func (l Layout) Parse(s string, loc *time.Location) (time.Time, error) {
	return time.ParseInLocation(l.goLayout, s, loc)
}

// parseTime reads a value in the first of the layouts that fits, or as RFC 3339 or
// YYYY-MM-DD, which are always understood. A two-digit year is read as Go reads it
// (69–99 in the 1900s, the others in the 2000s), but for a date that is past by
// nature, a date of birth, it is the century that puts it in the past: 12/05/55 is
// 1955, not 2055.
func parseTime(s string, layouts []Layout, loc *time.Location, past bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range layouts {
		if t, err := l.Parse(s, loc); err == nil {
			if past && l.shortYear && t.After(time.Now()) {
				t = t.AddDate(-100, 0, 0)
			}
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	names := make([]string, len(layouts))
	for i, l := range layouts {
		names[i] = l.text
	}
	if !slices.Contains(names, "YYYY-MM-DD") {
		names = append(names, "YYYY-MM-DD")
	}
	names = append(names, "RFC 3339")
	return time.Time{}, fmt.Errorf("%q is not a date in any of the layouts %s", s, strings.Join(names, ", "))
}

// candidateLayouts are the layouts Propose tries on a column's values.
var candidateLayouts = []string{
	"YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY", "DD.MM.YYYY", "DD-MM-YYYY", "MM-DD-YYYY", "YYYY/MM/DD",
	"DD/MM/YY", "MM/DD/YY", "DD MMM YYYY",
	"YYYY-MM-DD hh:mm:ss", "YYYY-MM-DD hh:mm", "YYYY-MM-DDThh:mm:ss", "DD/MM/YYYY hh:mm:ss", "DD/MM/YYYY hh:mm",
	"MM/DD/YYYY hh:mm:ss", "MM/DD/YYYY hh:mm", "DD.MM.YYYY hh:mm",
}

// detectLayout returns the layouts that read every value, the first chosen; a note
// says when the day and the month could be either way round.
func detectLayout(values []string) (layout string, note string, ok bool) {
	var fits []string
	for _, text := range candidateLayouts {
		l, _ := ParseLayout(text)
		all := len(values) > 0
		for _, v := range values {
			if _, err := l.Parse(strings.TrimSpace(v), time.UTC); err != nil {
				all = false
				break
			}
		}
		if all {
			fits = append(fits, text)
		}
	}
	if len(fits) == 0 {
		for _, v := range values { // RFC 3339 is always understood
			if _, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(v)); err != nil {
				return "", "", false
			}
		}
		return "", "RFC 3339 times", len(values) > 0
	}
	layout = fits[0]
	swapped := strings.NewReplacer("DD", "MM", "MM", "DD").Replace(layout)
	for _, f := range fits[1:] {
		if f == swapped {
			return layout, "ambiguous: no value has a day above 12, so " + layout + " and " + swapped + " both fit; check", true
		}
	}
	if swapped != layout && slices.Contains(candidateLayouts, swapped) {
		return layout, "a day above 12 in the values settles " + layout, true
	}
	return layout, "", true
}
