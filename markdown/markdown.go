// Package markdown renders the Markdown of knowledge base articles (and anything else
// Rapport shows as Markdown) to HTML that is safe to put in a page: goldmark renders
// CommonMark with GitHub's tables, strike-through, task lists and autolinks, and
// bluemonday's policy for user-generated content removes scripts, event handlers,
// styles and unsafe links from the result.
package markdown

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

var (
	once     sync.Once
	md       goldmark.Markdown
	sanitize *bluemonday.Policy
)

func setup() {
	md = goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
	sanitize = bluemonday.UGCPolicy()
	// Links that leave the site open without telling it where the reader came from.
	sanitize.RequireNoFollowOnLinks(true)
	sanitize.AddTargetBlankToFullyQualifiedLinks(false)
	sanitize.AllowAttrs("id").Matching(bluemonday.Paragraph).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
}

// Render turns Markdown into sanitised HTML. Raw HTML in the source is dropped by the
// renderer and anything unsafe that remains is removed by the sanitiser, so the result
// may be written into a page as it is.
func Render(src string) template.HTML {
	once.Do(setup)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark fails only when writing fails, which a buffer does not; show the
		// source as text rather than nothing.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(sanitize.SanitizeBytes(buf.Bytes()))
}
