package markdown_test

import (
	"html/template"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/rapportckm/rapport/markdown"
)

func TestRenderFormats(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"heading with id", "# Reset your password", []string{`<h1 id="reset-your-password">Reset your password</h1>`}},
		{"emphasis", "a *b* **c** ~~d~~", []string{"<em>b</em>", "<strong>c</strong>", "<del>d</del>"}},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<th>a</th>", "<td>2</td>"}},
		{"autolink", "see https://example.com/help now", []string{`<a href="https://example.com/help" rel="nofollow">https://example.com/help</a>`}},
		{"relative link", "[the form](/kb/articles/x/files/y.pdf)", []string{`<a href="/kb/articles/x/files/y.pdf" rel="nofollow">the form</a>`}},
		{"image", "![chart](https://example.com/a.png)", []string{`<img src="https://example.com/a.png" alt="chart"`}},
		{"code", "```\nx := 1 < 2\n```", []string{"<pre><code>x := 1 &lt; 2\n</code></pre>"}},
		{"task list", "- [x] done\n- [ ] open", []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(markdown.Render(c.src))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("Render(%q) = %q, want it to contain %q", c.src, got, w)
				}
			}
		})
	}
}

// A stored-script attempt renders inert: no element, attribute or URL that runs script
// survives, whichever way it is written.
func TestRenderInert(t *testing.T) {
	cases := []struct{ name, src string }{
		{"script block", "<script>alert(1)</script>"},
		{"script inline", "hello <script>alert(1)</script> world"},
		{"javascript link", "[click](javascript:alert(1))"},
		{"javascript link upper", "[click](JaVaScRiPt:alert(1))"},
		{"javascript link entity", "[click](jav&#x61;script:alert(1))"},
		{"javascript autolink", "<javascript:alert(1)>"},
		{"data link", "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"},
		{"vbscript link", "[click](vbscript:msgbox(1))"},
		{"onerror image", `<img src=x onerror="alert(1)">`},
		{"onerror in markdown image title", `![x](/a.png "x\" onerror=\"alert(1)")`},
		{"javascript image", "![x](javascript:alert(1))"},
		{"raw html with handler", `<div onmouseover="alert(1)">hover</div>`},
		{"iframe", `<iframe src="https://evil.example"></iframe>`},
		{"svg", `<svg onload=alert(1)><circle r=1></svg>`},
		{"style", `<style>body{display:none}</style>`},
		{"form", `<form action="https://evil.example"><input name=p></form>`},
		{"object", `<object data="x.swf"></object>`},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example">`},
		{"html in table", "| a |\n|---|\n| <script>alert(1)</script> |"},
		{"html in link text", "[<img src=x onerror=alert(1)>](https://example.com)"},
		{"malformed utf-8", "caf\xe9 <script>alert(1)</script>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(markdown.Render(c.src))
			if problem := unsafeHTML(got); problem != "" {
				t.Errorf("Render(%q) = %q: %s", c.src, got, problem)
			}
		})
	}
}

// unsafeHTML reads rendered HTML as a browser would and says what in it could run
// script or leave the page: an element outside the safe set, an event attribute, a
// style, or a URL of any scheme but http, https and mailto.
func unsafeHTML(s string) string {
	safe := map[string]bool{}
	for _, e := range strings.Fields(`p br hr h1 h2 h3 h4 h5 h6 em strong del code pre blockquote ul ol li a img
		table thead tbody tr th td input`) {
		safe[e] = true
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !safe[tok.Data] {
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "style" || k == "srcdoc" || k == "formaction" {
					return "attribute " + k
				}
				if k == "href" || k == "src" {
					u, err := url.Parse(strings.TrimSpace(a.Val))
					if err != nil {
						return "unreadable URL " + a.Val
					}
					if sch := strings.ToLower(u.Scheme); sch != "" && sch != "http" && sch != "https" && sch != "mailto" {
						return "URL scheme " + sch
					}
				}
			}
		}
	}
}

func TestRenderBounded(t *testing.T) {
	src := strings.Repeat("a", markdown.MaxSource+100)
	got := string(markdown.Render(src))
	if n := strings.Count(got, "a"); n != markdown.MaxSource {
		t.Errorf("rendered %d letters, want %d", n, markdown.MaxSource)
	}
}

// The checker itself must catch what it looks for, or TestRenderInert proves nothing.
func TestUnsafeHTMLCatches(t *testing.T) {
	for _, s := range []string{`<script>x</script>`, `<a href="javascript:x">a</a>`, `<a href=" JAVASCRIPT:x">a</a>`,
		`<img src=x onerror=y>`, `<p style="x">a</p>`, `<iframe></iframe>`, `<a href="data:text/html,x">a</a>`} {
		if unsafeHTML(s) == "" {
			t.Errorf("unsafeHTML(%q) found nothing", s)
		}
	}
	if p := unsafeHTML(`<p><a href="/x" rel="nofollow">a</a> <img src="https://e.example/a.png" alt="b"></p>`); p != "" {
		t.Errorf("unsafeHTML of safe HTML = %q, want nothing", p)
	}
}

// A script or style written within a paragraph goes with its text, as one on lines of
// its own does; other tags go and leave their text.
func TestRenderDropsScriptText(t *testing.T) {
	for _, src := range []string{
		"hello <script>alert(9)</script> world",
		"hello <SCRIPT type=\"text/javascript\">alert(9)</SCRIPT> world",
		"hello <style>p{x:alert(9)}</style> world",
		"hello *<script>alert(9)</script>* world",
		"hello <script>\nalert(9)\n</script> world",
		"hello <script>alert(9) *and* more\n\nworld",
		"<script>alert(9)</script>\n\nhello world",
		"| a |\n|---|\n| hello <script>alert(9)</script> world |",
	} {
		for _, render := range []func(string) template.HTML{markdown.Render, markdown.RenderLines} {
			got := string(render(src))
			if strings.Contains(got, "alert(9)") || !strings.Contains(got, "hello") || !strings.Contains(got, "world") {
				t.Errorf("%q renders as %q, want hello and world without the script", src, got)
			}
		}
	}
	if got := markdown.PlainText("a <b>bold</b> <scripted>word</scripted> c"); got != "a bold word c" {
		t.Errorf("other tags' text: %q", got)
	}
}

// Key points keep their lines, and are Markdown: the same renderer and sanitiser.
func TestRenderLines(t *testing.T) {
	got := string(markdown.RenderLines("Use *Forgot password* on the sign-in page.\nThe link works for an hour.<script>alert(1)</script>"))
	for _, want := range []string{"<em>Forgot password</em>", "page.<br>", "an hour."} {
		if !strings.Contains(got, want) {
			t.Errorf("RenderLines = %q, want it to contain %q", got, want)
		}
	}
	if strings.Contains(got, "*") || strings.Contains(got, "<script") {
		t.Errorf("RenderLines = %q", got)
	}
}

// Plain text has no markup, and nothing that could become markup again.
func TestPlainText(t *testing.T) {
	for src, want := range map[string]string{
		"Use *Forgot password* on the sign-in page; the link works for an hour.": "Use Forgot password on the sign-in page; the link works for an hour.",
		"Every order has a tracking link.\nDeliveries arrive in 3 days.":         "Every order has a tracking link. Deliveries arrive in 3 days.",
		"- **One** `two`\n- [three](https://example.com) & <b>four</b>":          "One two three & four",
		"Tom's <script>alert(1)</script> \"desk\"":                               "Tom's \"desk\"", // the script goes, as in Render
		"": "",
	} {
		if got := markdown.PlainText(src); got != want {
			t.Errorf("PlainText(%q) = %q, want %q", src, got, want)
		}
	}
}

// Plain text made Literal renders as the text itself, line for line: nothing in it is
// read as markup.
func TestLiteral(t *testing.T) {
	for _, src := range []string{
		"# Not a heading",
		"- not a list\n+ nor this\n1. nor this\n2) nor this\n* nor this",
		"**not bold** _nor this_ `nor code` ~~nor struck~~",
		"[not a link](/x) ![nor an image](/a.png) <b>not bold</b> &amp; stays",
		"| a | b |\n|---|---|\n| 1 | 2 |",
		"Title\n=====\nand\n---",
		"    not code\n\n> not a quote",
		`back\slash\`,
	} {
		got := string(markdown.Render(markdown.Literal(src)))
		var text strings.Builder
		z := html.NewTokenizer(strings.NewReader(got))
		for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
			switch tok := z.Token(); tok.Type {
			case html.TextToken:
				text.WriteString(tok.Data)
			case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
				if tok.Data != "p" && tok.Data != "br" {
					t.Errorf("Literal(%q) renders as %q, with the element %s", src, got, tok.Data)
				}
			}
		}
		var want []string
		for l := range strings.SplitSeq(src, "\n") {
			if l = strings.TrimSpace(l); l != "" { // a blank line parts paragraphs
				want = append(want, l)
			}
		}
		if got := strings.TrimSpace(text.String()); got != strings.Join(want, "\n") {
			t.Errorf("Literal(%q) reads %q", src, got)
		}
	}
}

// Lead is the first sentences of the first paragraph of prose, on one line.
func TestLead(t *testing.T) {
	long := strings.Repeat("word ", 80)
	for _, c := range []struct{ src, want string }{
		{"Open **Settings → Team** and invite them.", "Open **Settings → Team** and invite them."},
		{"| h | w |\n|---|---|\n| S | 40 |\n\nThe table shows the sizes. Pick one.\n\nMore later.", "The table shows the sizes. Pick one."},
		{"## Steps\n\n1. Open it\n2. Click\n\n```\ncode.\n```\n\n> A quote.\n\nThat is all.", "That is all."},
		{"The first sentence. " + long + "ends.", "The first sentence."},
		{"Is it “done?” Yes. " + long, "Is it “done?” Yes."},
		{long, strings.TrimSpace(strings.Repeat("word ", 59)) + "…"},
		{"A line\nand the next one.", "A line and the next one."},
		{"- only\n- a list", ""},
	} {
		if got := markdown.Lead(c.src, 300); got != c.want {
			t.Errorf("Lead(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}
