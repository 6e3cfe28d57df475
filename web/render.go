package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/thousands"
)

//go:embed templates/*.html static
var files embed.FS

// pages holds the parsed templates, one set per page, and the content hashes of the
// static files for cache-busting URLs.
type pages struct {
	byName map[string]*template.Template
	hashes map[string]string
}

// view is what every page template gets.
type view struct {
	Title string
	User  *rapport.User
	Flash string
	Nav   string // the current section: customers, matches, imports, admin, account
	Data  any
	// CanImport shows the way to the import pages to those who may import.
	CanImport bool
	// Lang is the language of the page, a BCP 47 tag; "" is English.
	Lang string
}

func mustParsePages() *pages {
	p := &pages{byName: map[string]*template.Template{}, hashes: map[string]string{}}
	statics, err := fs.Sub(files, "static")
	if err != nil {
		panic(err)
	}
	fs.WalkDir(statics, ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := fs.ReadFile(statics, name)
			sum := sha256.Sum256(b)
			p.hashes[name] = hex.EncodeToString(sum[:6])
		}
		return err
	})
	base := template.Must(template.New("").Funcs(p.funcs()).ParseFS(files, "templates/layout.html", "templates/partials.html"))
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		page := path.Base(name)
		if page == "layout.html" || page == "partials.html" {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(files, name))
		p.byName[strings.TrimSuffix(page, ".html")] = t
	}
	return p
}

// render writes the named page with the layout. It renders into a buffer first, so a
// template error becomes a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, c *call, title string, data any) error {
	return s.renderIn(w, r, status, name, "", c, title, data)
}

// renderIn is render for a page in language lang (a BCP 47 tag), such as a customer's
// survey in their language.
func (s *Server) renderIn(w http.ResponseWriter, r *http.Request, status int, name, lang string, c *call, title string, data any) error {
	t, ok := s.pages.byName[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	v := view{Title: title, Data: data, Nav: navOf(r.URL.Path), Flash: s.takeFlash(w, r), Lang: lang}
	if c != nil {
		v.User, v.CanImport = c.user, c.user != nil && c.scope.CanWriteCustomers()
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// renderBuffers keeps the buffers pages are rendered into: a profile page is about
// 100 KB, and growing a new buffer to that size for every page was a third of the
// memory the page allocated.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 { // a rare huge page's buffer is left to the collector
		return
	}
	buf.Reset()
	renderBuffers.Put(buf)
}

func navOf(p string) string {
	switch {
	case strings.HasPrefix(p, "/admin"):
		return "admin"
	case strings.HasPrefix(p, "/account"):
		return "account"
	case strings.HasPrefix(p, "/matches"):
		return "matches"
	case strings.HasPrefix(p, "/almost"), strings.HasPrefix(p, "/quality"):
		return "almost"
	case strings.HasPrefix(p, "/imports"):
		return "imports"
	case strings.HasPrefix(p, "/playbook"):
		return "playbook"
	case strings.HasPrefix(p, "/segments"):
		return "segments"
	case strings.HasPrefix(p, "/surveys"):
		return "surveys"
	case strings.HasPrefix(p, "/feedback"), strings.HasPrefix(p, "/themes"):
		return "feedback"
	case strings.HasPrefix(p, "/actions"):
		return "actions"
	case strings.HasPrefix(p, "/kb"):
		return "knowledge"
	}
	return "customers"
}

// renderError shows a friendly error page; if even that fails, plain text.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	data := struct {
		Status  int
		Heading string
		Message string
	}{Status: status, Message: sentence(rapport.ErrorMessage(err))}
	switch status {
	case http.StatusNotFound:
		data.Heading = "Not found"
	case http.StatusForbidden:
		data.Heading = "Not allowed"
	case http.StatusBadRequest:
		data.Heading = "Something in the request is wrong"
	case http.StatusConflict:
		data.Heading = "That clashes with what is stored"
	case http.StatusTooManyRequests:
		data.Heading = "Too many attempts"
	case http.StatusRequestEntityTooLarge:
		data.Heading = "Too large"
	default:
		data.Heading = "Something went wrong on our side"
	}
	c := &call{}
	if u, uerr := s.sessionUser(r); uerr == nil {
		c.user = u
	}
	if rerr := s.render(w, r, status, "error", c, data.Heading, data); rerr != nil {
		s.Logger.Error("render error page", "error", rerr)
		http.Error(w, data.Message, status)
	}
}

// customerHeading is the heading of an error page a customer reads (the help centre,
// a link from an e-mail); notFound is what it says for a page or link not found.
func customerHeading(status int, notFound string) string {
	switch status {
	case http.StatusNotFound:
		return notFound
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusBadRequest:
		return "Something in the form is wrong"
	case http.StatusConflict:
		return "Please try again"
	case http.StatusRequestEntityTooLarge:
		return "Too long"
	case http.StatusTooManyRequests:
		return "Too many attempts"
	}
	return "Something went wrong on our side"
}

// customerFail answers a customer's link with an error page of their own.
func (s *Server) customerFail(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	if s.logFailure(r, status, err) {
		return
	}
	heading := customerHeading(status, "This link does not work")
	data := struct{ Heading, Message string }{heading, sentence(rapport.ErrorMessage(err))}
	if rerr := s.render(w, r, status, "portal_error", nil, heading, data); rerr != nil {
		s.Logger.Error("render error page", "error", rerr)
		http.Error(w, data.Message, status)
	}
}

// staticHandler serves the embedded CSS and JavaScript; a URL with the right content
// hash may be cached for a year.
func (s *Server) staticHandler() http.Handler {
	statics, _ := fs.Sub(files, "static")
	fileServer := http.StripPrefix("/static/", http.FileServerFS(statics))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if v := r.URL.Query().Get("v"); v != "" && v == s.pages.hashes[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		fileServer.ServeHTTP(w, r)
	})
}

func (p *pages) funcs() template.FuncMap {
	return template.FuncMap{
		"asset":   func(name string) string { return "/static/" + name + "?v=" + p.hashes[name] },
		"ago":     ago,
		"timeTag": timeTag,
		"date":    date,
		"when":    when,
		"iso":     iso,
		"day":     day,
		"money": func(a *rapport.Amount, currency string) string {
			if a == nil {
				return ""
			}
			return thousands.Group(a.String()) + " " + currency
		},
		"human":         human,
		"otherChannel":  otherChannel,
		"languageName":  languageName,
		"readableTimes": readableTimes,
		"countryName":   countryName,
		"lower":         strings.ToLower,
		"days":          func(hours float64) float64 { return hours / 24 },
		"noteTemplates": func() []rapport.NoteTemplate { return rapport.NoteTemplates },
		"join":          strings.Join,
		"initial":       initial,
		"number":        thousands.Int,
		"count":         thousands.Count,
		"decimal":       func(v float64, places int) string { return thousands.Group(strconv.FormatFloat(v, 'f', places, 64)) },
		"bytes":         tabular.ByteSize,
		"percent":       percent,
		"param":         withParam,
		"has":           has,
		"lines":         func(s string) []string { return strings.Split(s, "\n") },
		"attrs":         attrList,
		"upper":         func(v any) string { return strings.ToUpper(fmt.Sprint(v)) },
		"hasEvent": func(v *rapport.Survey, e rapport.SurveyEvent) bool {
			for _, t := range v.Triggers {
				if t.Event == e {
					return true
				}
			}
			return false
		},
		"inc": func(n int) int { return n + 1 },
		// is tests a *bool, which if would take as true whenever it is set: {{if is .Confirmed false}}.
		"is":      func(b *bool, want bool) bool { return b != nil && *b == want },
		"options": optionElements,
		"score1":  trimFloat,
		"field":   fieldFor,
		"invalid": invalid,
	}
}

// A form shown again with a message about a field ties the two by ids the server
// writes, so that a screen reader reads the message with the field, without JavaScript
// too: {{template "error-for" field ID MESSAGE}} writes the message with the id
// ID-error, and {{invalid ID MESSAGE}} in the field's tag marks the field invalid and
// described by it. ID is the field's id, or one id shared by the fields of a message,
// such as the radios of a group. Both go inside {{with MESSAGE}}, unless the field has
// hints to name anyway: a form nearly always shows no message, and a template calls a
// function through reflection (the profile page's forms' forty calls were a tenth of
// its rendering).

// fieldMessage is what "error-for" writes: a message and its element's id.
type fieldMessage struct{ ID, Text string }

// fieldFor is the message msg about the field id, for "error-for".
func fieldFor(id string, msg any) fieldMessage { return fieldMessage{errorID(id), message(msg)} }

// errorID is the id of the message about the field id.
func errorID(id string) string { return id + "-error" }

// invalid writes the attributes of a field with a message: aria-invalid, and the
// message's id in aria-describedby, after the ids of the hints that describe the field
// anyway (they share the one attribute); without a message, only the hints.
func invalid(id string, msg any, hints ...string) template.HTMLAttr {
	var b strings.Builder
	if message(msg) != "" {
		b.WriteString(` aria-invalid="true"`)
		hints = append(hints, errorID(id))
	}
	if len(hints) > 0 {
		b.WriteString(` aria-describedby="`)
		b.WriteString(template.HTMLEscapeString(strings.Join(hints, " ")))
		b.WriteByte('"')
	}
	return template.HTMLAttr(b.String())
}

// message is a message given to a template function: a form's errors hold strings, and
// "" stands for none, as do a missing key (nil) and the false of an and.
func message(v any) string {
	s, _ := v.(string)
	return s
}

// optionElements writes the option elements of a select, escaped as html/template
// would: one template call instead of five actions an option, of which a profile page
// has a hundred.
func optionElements(opts []option) template.HTML {
	var b strings.Builder
	size := 0
	for _, o := range opts {
		size += len(`<option value="" selected></option>`) + len(o.Value) + len(o.Label)
	}
	b.Grow(size) // escaping rarely adds more
	for _, o := range opts {
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteByte('"')
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString("</option>")
	}
	return template.HTML(b.String())
}

// timeTag writes a time element: how long ago t was, with the exact time on hover. A
// function rather than a template: the template's three actions, each with its escaper,
// were a tenth of a profile page's template calls.
func timeTag(t time.Time) template.HTML {
	return template.HTML(`<time datetime="` + template.HTMLEscapeString(iso(t)) + `" title="` +
		template.HTMLEscapeString(when(t)) + `">` + template.HTMLEscapeString(ago(t)) + `</time>`)
}

// ago says how long ago t was, or how soon it will be, in words; pages show the exact
// time on hover.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < 0 && d > -time.Minute:
		return "in a moment"
	case d < 0:
		if s := span(-d); s != "" {
			return "in " + s
		}
	case d < time.Minute:
		return "just now"
	case d >= 24*time.Hour && d < 48*time.Hour:
		return "yesterday"
	default:
		if s := span(d); s != "" {
			return s + " ago"
		}
	}
	return date(t)
}

// span is d in whole minutes, hours or days ("1 minute", "5 hours"), or "" from 30
// days, which are better said as a date.
func span(d time.Duration) string {
	switch {
	case d < time.Hour:
		return thousands.Count(int(d.Minutes()), "minute")
	case d < 24*time.Hour:
		return thousands.Count(int(d.Hours()), "hour")
	case d < 30*24*time.Hour:
		return thousands.Count(int(d.Hours()/24), "day")
	}
	return ""
}

// when is a time in full, for a time element's title.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
}

// iso is a time as a time element's datetime.
func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// day is the day of a time in full: the timeline's heading of each day.
func day(t time.Time) string { return t.UTC().Format("Monday 2 January 2006") }

// date gives the day of t, with the year only when it is not this one.
func date(t time.Time) string {
	if t.UTC().Year() == time.Now().UTC().Year() {
		return t.UTC().Format("2 Jan")
	}
	return t.UTC().Format("2 Jan 2006")
}

// percent writes a share or a probability to one decimal; one that is not quite 1 (or
// 0) never rounds to 100.0 % (or 0.0 %): a pair of household members at 0.99997 is
// still not certain to be one person.
func percent(p float64) string {
	switch s := strconv.FormatFloat(100*p, 'f', 1, 64); {
	case s == "100.0" && p < 1:
		return "> 99.9 %"
	case s == "0.0" && p > 0:
		return "< 0.1 %"
	default:
		return s + " %"
	}
}

// human writes a value of an enumeration (a channel, a type, a kind) as a label:
// in_person is "In person"; the few that are not one capital away are spelled out.
func human(v any) string {
	s, ok := v.(string)
	if !ok { // a named string type (a channel, a kind), read without fmt's reflection
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.String && !rv.Type().Implements(stringerType) {
			s = rv.String()
		} else {
			s = fmt.Sprint(v)
		}
	}
	if label, ok := labels[s]; ok {
		return label
	}
	return humanize(s)
}

// humanize turns an identifier such as "community_member" into "Community member".
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var stringerType = reflect.TypeFor[fmt.Stringer]()

// labels holds the words for values that humanize would get wrong, and, worked out
// once, those of the kinds a profile page names a hundred times: its timeline's types
// and channels, its items, feedback, links and consents.
var labels = map[string]string{"email": "E-mail", "sms": "SMS", "nps": "NPS", "csat": "CSAT", "ces": "CES"}

func init() {
	labelAll(rapport.InteractionTypes)
	labelAll(rapport.Channels)
	labelAll(rapport.ItemKinds)
	labelAll(rapport.ItemStatuses)
	labelAll(rapport.FeedbackKinds)
	labelAll(rapport.FeedbackStatuses)
	labelAll(rapport.Severities)
	labelAll(rapport.LinkKinds)
	labelAll(rapport.Purposes)
	labelAll(rapport.Relationships)
}

func labelAll[T ~string](values []T) {
	for _, v := range values {
		if _, ok := labels[string(v)]; !ok {
			labels[string(v)] = humanize(string(v))
		}
	}
}

func initial(name string) string {
	for _, r := range name {
		return strings.ToUpper(string(r))
	}
	return "?"
}

// pageLinks are the links of the pager partial: to a list's next page and, past its
// first, to the page before and the first. Page types embed it.
type pageLinks struct{ NextURL, PrevURL, FirstURL string }

// Labelled is the links with the words the pager shows for them: a list's pages, or a
// timeline's newer and older entries.
func (l pageLinks) Labelled(prev, first, next string) pagerView {
	return pagerView{l, prev, first, next}
}

type pagerView struct {
	pageLinks
	Prev, First, Next string
}

// maxBack bounds the trail of earlier pages' cursors that paging links carry; from
// further on, the way back ends at the first page.
const maxBack = 50

// pagerLinks returns the pager's links for the list at path shown with query q, whose
// next page starts at cursor next ("" on the last page). The lists page by cursor, which
// only leads forward, so each link to a next page carries the cursors of the pages
// before it ("back"), and the link to the previous page takes the last of them.
func pagerLinks(path string, q url.Values, next string) pageLinks {
	var l pageLinks
	cursor, back := q.Get("cursor"), q["back"]
	if next != "" {
		trail := back
		if cursor != "" {
			trail = append(slices.Clone(back), cursor)
		}
		l.NextURL = path + pageQuery(q, next, trail[max(0, len(trail)-maxBack):])
	}
	if cursor != "" {
		l.FirstURL = path + pageQuery(q, "", nil)
		l.PrevURL = l.FirstURL
		if n := len(back); n > 0 {
			l.PrevURL = path + pageQuery(q, back[n-1], back[:n-1])
		}
	}
	return l
}

// pageQuery returns the query string of q at another page: cursor and back replaced.
func pageQuery(q url.Values, cursor string, back []string) string {
	out := filterValues(q)
	if cursor != "" {
		out.Set("cursor", cursor)
	}
	if len(back) > 0 {
		out["back"] = back
	}
	return encodeQuery(out)
}

// withParam returns the query string of u with key set to value (or removed when
// value is empty) and the paging dropped, for filter and paging links.
func withParam(q url.Values, key, value string) string {
	out := filterValues(q)
	if value == "" {
		out.Del(key)
	} else {
		out.Set(key, value)
	}
	return encodeQuery(out)
}

// filterValues copies q without its paging: a list's filters.
func filterValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "cursor" && k != "back" {
			out[k] = v
		}
	}
	return out
}

func encodeQuery(v url.Values) string {
	if enc := v.Encode(); enc != "" {
		return "?" + enc
	}
	return ""
}

// attr is one custom attribute for display.
// attr is an attribute for people: a JSON string's text, any other value as JSON on one
// line; Text says which.
type attr struct {
	Key, Value string
	Text       bool
}

// attrList is a JSON object's members, by key.
func attrList(raw []byte) []attr {
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil
	}
	out := make([]attr, 0, len(m))
	for k, v := range m {
		text, ok := jsonString(v)
		if !ok {
			text = compactJSON(v)
		}
		out = append(out, attr{k, text, ok})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// has reports whether a slice of strings (or string-like values) holds v.
func has(list any, v string) bool {
	rv := reflect.ValueOf(list)
	if rv.Kind() != reflect.Slice {
		return false
	}
	for i := range rv.Len() {
		if fmt.Sprint(rv.Index(i).Interface()) == v {
			return true
		}
	}
	return false
}

// languageName is the English name of a language tag ("pt-BR": "Brazilian Portuguese"),
// or the tag itself when it names no language.
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.English.Tags().Name(t); name != "" {
		return name
	}
	return tag
}

// countryName is the English name of an ISO 3166 country code ("DE": "Germany"), or
// the code itself when it names no country.
func countryName(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() {
		return code
	}
	if name := display.English.Regions().Name(r); name != "" {
		return name
	}
	return code
}

// rfc3339 finds the times that audit details hold as they were stored.
var rfc3339 = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)

// readableTimes writes the RFC 3339 times in text as people read them:
// "due 2026-09-04T15:47:00Z" reads "due 4 Sep 2026 15:47 UTC".
func readableTimes(text string) string {
	return rfc3339.ReplaceAllStringFunc(text, func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.UTC().Format("2 Jan 2006 15:04 UTC")
	})
}
