package web

import (
	"html/template"
	"io/fs"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
)

// TestPagerLinks: the next page keeps the list's filters with the new cursor, and the
// cursors of the pages before it; the previous page is the last of those, and the way
// back to the first drops the paging and keeps the filters.
func TestPagerLinks(t *testing.T) {
	first := pagerLinks("/customers", url.Values{"kind": {"person"}}, "c2")
	if first != (pageLinks{NextURL: "/customers?cursor=c2&kind=person"}) {
		t.Errorf("first page: got %+v", first)
	}
	second := pagerLinks("/customers", url.Values{"kind": {"person"}, "cursor": {"c2"}}, "c3")
	if second != (pageLinks{NextURL: "/customers?back=c2&cursor=c3&kind=person", PrevURL: "/customers?kind=person", FirstURL: "/customers?kind=person"}) {
		t.Errorf("the second page: got %+v", second)
	}
	third := pagerLinks("/customers", url.Values{"kind": {"person"}, "cursor": {"c3"}, "back": {"c2"}}, "c4")
	if third != (pageLinks{NextURL: "/customers?back=c2&back=c3&cursor=c4&kind=person", PrevURL: "/customers?cursor=c2&kind=person", FirstURL: "/customers?kind=person"}) {
		t.Errorf("the third page: got %+v", third)
	}
	if last := pagerLinks("/feedback", url.Values{"cursor": {"c4"}, "back": {"c2", "c3"}}, ""); last != (pageLinks{PrevURL: "/feedback?back=c2&cursor=c3", FirstURL: "/feedback"}) {
		t.Errorf("the last page: got %+v", last)
	}
	// The trail is bounded: a page far down carries the latest cursors only.
	deep := url.Values{"cursor": {"c"}}
	for i := range maxBack + 10 {
		deep.Add("back", strconv.Itoa(i))
	}
	next, err := url.Parse(pagerLinks("/audit", deep, "d").NextURL)
	if err != nil || len(next.Query()["back"]) != maxBack || next.Query()["back"][maxBack-1] != "c" {
		t.Errorf("a deep page's next link carries %d cursors back, want the latest %d", len(next.Query()["back"]), maxBack)
	}
	// A filter changed starts the list again.
	if got := withParam(url.Values{"cursor": {"c3"}, "back": {"c2"}, "kind": {"person"}}, "tag", "vip"); got != "?kind=person&tag=vip" {
		t.Errorf("a filter link: got %q, want the paging dropped", got)
	}
}

func TestHuman(t *testing.T) {
	for v, want := range map[any]string{"in_person": "In person", "email": "E-mail", "sms": "SMS", "nps": "NPS", "web_event": "Web event", "": "",
		rapport.Channel("in_person"): "In person", rapport.InteractionType("web_event"): "Web event", "loyalty_tier": "Loyalty tier"} {
		if got := human(v); got != want {
			t.Errorf("human(%#v) = %q, want %q", v, got, want)
		}
	}
}

func TestTimeTag(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	want := `<time datetime="2026-01-02T02:04:05Z" title="Fri 2 Jan 2026, 02:04 UTC">` + ago(at) + `</time>`
	if got := string(timeTag(at)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := string(timeTag(time.Time{})); !strings.Contains(got, `title="">never</time>`) {
		t.Errorf("a time never set: got %s", got)
	}
}

func TestPercent(t *testing.T) {
	for p, want := range map[float64]string{0: "0.0 %", 0.0004: "< 0.1 %", 0.25: "25.0 %", 0.9994: "99.9 %", 0.99997: "> 99.9 %", 1: "100.0 %"} {
		if got := percent(p); got != want {
			t.Errorf("percent(%v) = %q, want %q", p, got, want)
		}
	}
}

func TestDate(t *testing.T) {
	now := time.Now().UTC()
	thisYear := time.Date(now.Year(), time.March, 7, 8, 2, 0, 0, time.UTC)
	lastYear := time.Date(now.Year()-1, time.June, 7, 8, 2, 0, 0, time.UTC)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{thisYear, "7 Mar"},
		{lastYear, "7 Jun " + strconv.Itoa(now.Year()-1)},
		{lastYear.AddDate(2, 0, 0), "7 Jun " + strconv.Itoa(now.Year()+1)},
	} {
		if got := date(c.t); got != c.want {
			t.Errorf("date(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	if got, want := ago(lastYear), "7 Jun "+strconv.Itoa(now.Year()-1); got != want {
		t.Errorf("ago(%v) = %q, want %q: a day of another year says the year", lastYear, got, want)
	}
}

func TestAgo(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, "never"},
		{now.Add(-90 * time.Second), "1 minute ago"},
		{now.Add(-5 * time.Hour), "5 hours ago"},
		{now.Add(-30 * time.Hour), "yesterday"},
		{now.Add(-10 * 24 * time.Hour), "10 days ago"},
		{now.Add(90 * time.Second), "in 1 minute"},
		{now.Add(23*time.Hour + 30*time.Minute), "in 23 hours"},
		{now.Add(3*24*time.Hour + time.Hour), "in 3 days"},
		{now.Add(400 * 24 * time.Hour), date(now.Add(400 * 24 * time.Hour))},
	} {
		if got := ago(c.t); got != c.want {
			t.Errorf("ago(now%+v) = %q, want %q", c.t.Sub(now).Round(time.Second), got, c.want)
		}
	}
}

// TestNoInlineStyles: the content security policy (style-src 'self') refuses style
// attributes and <style> elements, so a template that has one shows a page drawn
// wrong; each template is checked here instead.
func TestNoInlineStyles(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\sstyle\s*=|<style`)
	for _, templates := range []fs.FS{files, helpFiles} {
		err := fs.WalkDir(templates, "templates", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(templates, path)
			if err != nil {
				return err
			}
			if loc := inline.FindIndex(b); loc != nil {
				t.Errorf("%s: an inline style at byte %d: %q; use a class in app.css", path, loc[0], b[loc[0]:min(loc[1]+30, len(b))])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestLanguageAndCountryNames: codes read as names; what is not a code stays as it was.
func TestLanguageAndCountryNames(t *testing.T) {
	for code, want := range map[string]string{"fr": "French", "pt-BR": "Brazilian Portuguese", "de": "German", "": "", "not a tag": "not a tag"} {
		if got := languageName(code); got != want {
			t.Errorf("languageName(%q) = %q, want %q", code, got, want)
		}
	}
	for code, want := range map[string]string{"DE": "Germany", "FR": "France", "XX": "XX", "": "", "001": "001"} {
		if got := countryName(code); got != want {
			t.Errorf("countryName(%q) = %q, want %q", code, got, want)
		}
	}
}

// TestReadableTimes: stored times in audit details read as dates; the rest is kept.
func TestReadableTimes(t *testing.T) {
	for in, want := range map[string]string{
		"due 2026-09-04T15:47:00Z":                  "due 4 Sep 2026 15:47 UTC",
		"from 2026-09-04T17:47:00.123+02:00 to now": "from 4 Sep 2026 15:47 UTC to now",
		"order 2026-09-04 and 12:00":                "order 2026-09-04 and 12:00",
		"2026-13-04T15:47:00Z":                      "2026-13-04T15:47:00Z",
	} {
		if got := readableTimes(in); got != want {
			t.Errorf("readableTimes(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOptionElements: the options written in Go escape what html/template would, so
// that a team or theme named by a user cannot end the attribute or the element.
func TestOptionElements(t *testing.T) {
	got := optionElements([]option{
		{Value: "a", Label: "A"},
		{Value: `x" onmouseover="alert(1)`, Label: "</option><script>alert(2)</script> & co", Selected: true},
	})
	want := `<option value="a">A</option>` +
		`<option value="x&#34; onmouseover=&#34;alert(1)" selected>&lt;/option&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; co</option>`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestInvalid: a field's attributes name its message only when it has one, after its
// hints, and escape an id that would end the attribute.
func TestInvalid(t *testing.T) {
	for _, c := range []struct {
		id    string
		msg   any
		hints []string
		want  template.HTMLAttr
	}{
		{"name", "", nil, ""},
		{"name", nil, nil, ""},   // a missing key of the form's errors
		{"name", false, nil, ""}, // the false of an and
		{"name", "Give a name", nil, ` aria-invalid="true" aria-describedby="name-error"`},
		{"email", "", []string{"email-hint"}, ` aria-describedby="email-hint"`},
		{"email", "Not an address", []string{"email-hint"}, ` aria-invalid="true" aria-describedby="email-hint email-error"`},
		{`x" onfocus="alert(1)`, "No", nil, ` aria-invalid="true" aria-describedby="x&#34; onfocus=&#34;alert(1)-error"`},
	} {
		if got := invalid(c.id, c.msg, c.hints...); got != c.want {
			t.Errorf("invalid(%q, %#v, %q) = %s, want %s", c.id, c.msg, c.hints, got, c.want)
		}
	}
}

// TestWriteInteraction: an interaction's entry written in Go is the markup the template
// wrote before, escaping included, for text that tries to break out of it.
func TestWriteInteraction(t *testing.T) {
	before := template.Must(template.New("entry").Parse(`<span class="icon{{if .Amount}} money{{end}}" aria-hidden="true">{{.Icon}}</span>` +
		`<div><div class="summary">{{.Summary}}</div>` +
		`<div class="meta">{{range .Meta}}<span>{{.}}</span>{{end}}{{with .ByName}}<span>by <a href="/customers/{{$.By}}">{{.}}</a></span>{{end}}<time datetime="{{.ISO}}" title="{{.When}}">{{.Time}}</time></div>` +
		`{{with .Body}}<details><summary>Details</summary><div class="body">{{.}}</div></details>{{end}}</div>` +
		`<div class="amount">{{.Amount}}</div>`))
	hostile := "</div><script>alert('x')</script> \" & \x00 ü 1+1"
	person := rapport.NewID()
	for _, c := range []struct{ icon, body, channel, source, amount, by string }{{"or", "", "Web", "shop", "1,234.50 EUR", ""},
		{"<x", "Line one\nline <b>two</b>", "", "", "", "Pieter de Vries"}, {"ca", hostile, hostile, hostile, hostile, hostile}} {
		e := entryView{ISO: `2026-01-02T03:04:05Z"><x`, When: "Fri 2 Jan 2026, 03:04 UTC", Time: "03:04", by: person, byName: c.by,
			icon: c.icon, summary: hostile, body: c.body, kind: "Order", channel: c.channel, source: c.source, amount: c.amount}
		meta := []string{"Order"}
		if c.channel != "" {
			meta = append(meta, c.channel)
		}
		if c.source != "" {
			meta = append(meta, "from "+c.source)
		}
		var want, got strings.Builder
		err := before.Execute(&want, map[string]any{"Icon": c.icon, "Summary": hostile, "Meta": meta, "ISO": e.ISO, "When": e.When, "Time": e.Time, "Body": c.body, "Amount": c.amount, "By": person, "ByName": c.by})
		if err != nil {
			t.Fatal(err)
		}
		// html/template also writes + as &#43;, which reads the same.
		if e.writeInteraction(&got); got.String() != strings.ReplaceAll(want.String(), "&#43;", "+") {
			t.Errorf("%+v:\ngot  %s\nwant %s", c, got.String(), want.String())
		}
	}
}

// TestEntryChannelOnce: an entry names its channel only when it is not its type.
func TestEntryChannelOnce(t *testing.T) {
	for _, c := range []struct {
		typ     rapport.InteractionType
		channel rapport.Channel
		want    string
	}{{"email", "email", `<span>E-mail</span><time`}, {"call", "phone", `<span>Call</span><span>Phone</span><time`}} {
		e := newEntryView(rapport.TimelineEntry{At: time.Now(), Interaction: &rapport.Interaction{Type: c.typ, Channel: c.channel, Summary: "Hello"}}, rapport.Scope{}, nil)
		var b strings.Builder
		if e.writeInteraction(&b); !strings.Contains(b.String(), c.want) {
			t.Errorf("%s by %s: got %s, want %s in it", c.typ, c.channel, b.String(), c.want)
		}
	}
}

// TestTimelineHTML: the timeline written in Go is what the template's loop over days and
// entries wrote before, but for the whitespace between tags, for notes, files and text
// that tries to break out of it.
func TestTimelineHTML(t *testing.T) {
	s := &Server{pages: mustParsePages()}
	before, err := s.pages.byName["customer"].Clone()
	if err != nil {
		t.Fatal(err)
	}
	template.Must(before.New("before").Parse(`{{range .}}<h3 class="timeline-day">{{.Day}}</h3>
		<ol class="entries">{{range .Entries}}{{if .Entry.Note}}{{template "note-entry" .Entry}}
		{{else}}<li class="entry">{{.HTML}}{{with .Entry.Attachments}}{{template "attachments" .}}{{end}}</li>{{end}}{{end}}</ol>{{end}}`))

	hostile := "</li></ol><script>alert('x')</script> \" & ü 1+1"
	customer := rapport.NewID()
	at := func(day, hm string) entryView {
		return entryView{Day: day, ISO: "2026-01-02T" + hm + `:00Z"><x`, When: hostile, Time: hm}
	}
	order := at("Friday 2 January 2026", "10:00")
	order.icon, order.summary, order.body, order.kind, order.channel, order.amount = "or", hostile, hostile, "Order", "Web", "12.50 EUR"
	withFiles := at("Friday 2 January 2026", "09:00")
	withFiles.icon, withFiles.summary, withFiles.kind, withFiles.channel = "le", "Scan", "Letter", "Post"
	withFiles.Attachments = []attachmentView{
		{ID: rapport.NewID(), URL: "/attachments/1", Name: hostile, Size: "2 KB", Kind: "PNG", IsImage: true, CanRemove: true},
		{ID: rapport.NewID(), URL: "/attachments/2", Name: "form.pdf", Size: "1 MB", Kind: "PDF", IsPDF: true},
		{ID: rapport.NewID(), URL: "/attachments/3", Name: "data.csv", Size: "3 B", Kind: "CSV"}}
	free := at("Thursday 1 January 2026", "18:00")
	free.Note = &rapport.Note{ID: rapport.NewID(), Body: hostile, AuthorName: hostile, Pinned: true}
	free.Body, free.NoteFor, free.CanChange = hostile, "for team "+hostile, true
	visit := at("Thursday 1 January 2026", "08:00")
	visit.Note = &rapport.Note{ID: rapport.NewID(), Template: "visit", AuthorName: "Ana", Sections: []rapport.NoteSection{
		{Key: "said", Text: hostile + "\nsecond line"}, {Key: "next", Text: "Call back"}}}
	visit.NoteFor = "for all staff"
	other := at("Monday 1 December 2025 <b>", "12:00")
	other.icon, other.summary, other.kind, other.channel, other.source = "ca", "Call", "Call", "Phone", hostile

	entries := []entryView{order, withFiles, free, visit, other}
	type shown struct {
		Entry noteEntry
		HTML  template.HTML // an interaction as writeInteraction writes it
	}
	type day struct {
		Day     string
		Entries []shown
	}
	var days []day
	for _, e := range entries {
		if len(days) == 0 || days[len(days)-1].Day != e.Day {
			days = append(days, day{Day: e.Day})
		}
		var html strings.Builder
		if e.Note == nil {
			e.writeInteraction(&html)
		}
		days[len(days)-1].Entries = append(days[len(days)-1].Entries, shown{noteEntry{e, customer}, template.HTML(html.String())})
	}
	var want strings.Builder
	if err := before.ExecuteTemplate(&want, "before", days); err != nil {
		t.Fatal(err)
	}
	got, err := s.timelineHTML(entries, customer)
	if err != nil {
		t.Fatal(err)
	}
	between, space := regexp.MustCompile(`>\s+<`), regexp.MustCompile(`\s+`)
	norm := func(s string) string {
		return space.ReplaceAllString(between.ReplaceAllString(strings.TrimSpace(s), "><"), " ")
	}
	if norm(string(got)) != norm(want.String()) {
		t.Errorf("got\n%s\nwant\n%s", norm(string(got)), norm(want.String()))
	}
	if strings.Contains(string(got), "<script>") {
		t.Error("a script got through")
	}
	for _, part := range []string{"→ feedback", "Unpin", "form.pdf", `<h3 class="timeline-day">Monday 1 December 2025 &lt;b&gt;</h3>`, "second line"} {
		if !strings.Contains(string(got), part) {
			t.Errorf("the timeline lacks %q", part)
		}
	}
	if empty, err := s.timelineHTML(nil, customer); err != nil || empty != "" {
		t.Errorf("an empty timeline: %q, %v", empty, err)
	}
}
