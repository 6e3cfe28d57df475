// Package markdown renders the Markdown that people write in Rapport (knowledge base
// articles, and anything else written in Markdown) to HTML that is safe to put in a page.
//
// Rendering is goldmark with GitHub's extensions (tables, strikethrough, task lists,
// autolinks); raw HTML in the source is dropped, and the result is sanitised again by
// bluemonday's policy for user-generated content, so that a stored script, an event
// attribute or a javascript: link never reaches a reader's browser, whatever the
// renderer lets through.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// MaxSource is the longest source rendered; longer text is cut (articles are bounded
// well below it by validation, so this only guards other callers).
const MaxSource = 1 << 20

var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// Without html.WithUnsafe, raw HTML blocks and inline tags are omitted.
	)
	// lines is md, but a line break within a paragraph is kept (see RenderLines).
	lines = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
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
