// Package markdown renders the Markdown that people write in Rapport (knowledge base
// articles, and anything else written in Markdown) to HTML that is safe to put in a page.
//
// Rendering is goldmark with GitHub's extensions (tables, strikethrough, task lists,
// autolinks); raw HTML in the source is dropped (a script's or style's text with its
// tags), and the result is sanitised again by bluemonday's policy for user-generated
// content, so that a stored script, an event attribute or a javascript: link never
// reaches a reader's browser, whatever the renderer lets through.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxSource is the longest source rendered; longer text is cut (articles are bounded
// well below it by validation, so this only guards other callers).
const MaxSource = 1 << 20

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), dropScriptText),
		// Without html.WithUnsafe, raw HTML blocks and inline tags are omitted.
	)
	// lines is md, but a line break within a paragraph is kept (see RenderLines).
	lines = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID(), dropScriptText),
		goldmark.WithRendererOptions(gmhtml.WithHardWraps()),
	)
	// strict keeps the text of HTML and nothing else (see PlainText).
	strict = bluemonday.StrictPolicy()
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		// Task list check boxes are shown, never used.
		p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
		p.AllowAttrs("checked", "disabled").OnElements("input")
		return p
	}()
)

// dropScriptText takes out what is written between <script> and </script>, or <style>
// and </style>, within a paragraph: goldmark omits the tags, as it omits all raw HTML,
// but would show the script between them as text. (A script on lines of its own is an
// HTML block, omitted whole.)
var dropScriptText = parser.WithASTTransformers(util.Prioritized(scriptText{}, 100))

type scriptText struct{}

// scriptTag matches the start of an opening or closing script or style tag.
var scriptTag = regexp.MustCompile(`(?i)^<(/?)(script|style)[\s/>]`)

func (scriptText) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		// Children are dropped from where an element opens to where it closes, or to
		// the end of the paragraph, as a browser would read the rest as script.
		open := ""
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			if raw, ok := c.(*ast.RawHTML); ok {
				var tag []byte
				for i := range raw.Segments.Len() {
					seg := raw.Segments.At(i)
					tag = append(tag, seg.Value(src)...)
				}
				if m := scriptTag.FindSubmatch(tag); m != nil {
					name := strings.ToLower(string(m[2]))
					if len(m[1]) == 0 && open == "" {
						open = name
					} else if len(m[1]) > 0 && name == open {
						open = ""
					}
					c = next
					continue
				}
			}
			if open != "" {
				n.RemoveChild(n, c)
			}
			c = next
		}
		return ast.WalkContinue, nil
	})
}

// Render turns Markdown into sanitised HTML.
func Render(src string) template.HTML { return render(md, src) }

// RenderLines is Render for short texts written a point a line, such as an article's
// key points: a line break within a paragraph stays a line break, where Render runs
// the lines together as Markdown does.
func RenderLines(src string) template.HTML { return render(lines, src) }

func render(md goldmark.Markdown, src string) template.HTML {
	if len(src) > MaxSource {
		src = src[:MaxSource]
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only when writing fails, which a buffer does not; show the
		// text rather than nothing.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes()))
}

// PlainText is the text of Markdown without its markup, on one line, for where no
// HTML goes: a meta description, a summary in a list. "Use *Forgot password*" is
// "Use Forgot password"; a link is its words.
func PlainText(src string) string {
	text := html.UnescapeString(strict.Sanitize(string(Render(src))))
	return strings.Join(strings.Fields(text), " ")
}

// Literal escapes plain text so that Markdown shows it as it was written, line for
// line: a customer's words quoted in an article are not read as markup. Every
// character that marks up within a line is escaped, and so is what would start a block
// at the start of a line (a list, a rule, a heading's underline, an ordered list's
// number); lines lose their indent, which would make code, and end in a hard break.
func Literal(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		var b strings.Builder
		for j, r := range l {
			switch {
			case strings.ContainsRune("\\`*_[]<>#|~&", r), j == 0 && strings.ContainsRune("-+=", r):
				b.WriteByte('\\')
			case (r == '.' || r == ')') && j > 0 && j == digitsAt(l):
				b.WriteByte('\\') // "1." or "1)" would number a list
			}
			b.WriteRune(r)
		}
		lines[i] = b.String()
	}
	for i := range len(lines) - 1 {
		if lines[i] != "" && lines[i+1] != "" {
			lines[i] += `\`
		}
	}
	return strings.Join(lines, "\n")
}

// digitsAt is how many ASCII digits s starts with.
func digitsAt(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// Lead is the first sentences of the first paragraph of src that is prose, passing
// over headings, lists, tables, quotes and code: Markdown on one line of at most about
// max characters, such as an article's key points from an answer. It is "" when src
// has no such paragraph.
func Lead(src string, max int) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() != ast.KindParagraph {
			continue
		}
		var b strings.Builder
		lines := n.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			b.Write(seg.Value(source))
			b.WriteByte(' ')
		}
		return firstSentences(strings.Join(strings.Fields(b.String()), " "), max)
	}
	return ""
}

// sentenceEnd is the end of a sentence: a full stop, question or exclamation mark (and
// any closing quote or bracket) before a space.
var sentenceEnd = regexp.MustCompile(`[.!?]["'”’)\]]* `)

// firstSentences is the sentences that text begins with, as many as fit in max
// characters, and at least the first, cut at a word if it is longer.
func firstSentences(text string, max int) string {
	if utf8.RuneCountInString(text) <= max {
		return text
	}
	end := 0
	for _, m := range sentenceEnd.FindAllStringIndex(text+" ", -1) {
		if utf8.RuneCountInString(text[:m[1]-1]) > max {
			break
		}
		end = m[1] - 1
	}
	if end > 0 {
		return text[:end]
	}
	return Shorten(text, max)
}

// Shorten is text on one line of at most max characters: cut at a word where it can,
// with an ellipsis, for summaries, subjects and descriptions.
func Shorten(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	r := []rune(text)
	if len(r) <= max {
		return text
	}
	cut := string(r[:max-1])
	if i := strings.LastIndex(cut, " "); i > max/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
