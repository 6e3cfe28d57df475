package markdown_test

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport/markdown"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // in the output
		not       []string // never in the output
	}{
		{"Heading and emphasis", "# Reset your password\n\nOpen **Settings**.", []string{`<h1 id="reset-your-password">Reset your password</h1>`, "<strong>Settings</strong>"}, nil},
		{"Table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
		{"Script tag", "Hello <script>alert(1)</script>", []string{"Hello"}, []string{"<script", "alert(1)</script"}},
		{"Event handler", `<img src="x" onerror="alert(1)">`, nil, []string{"onerror"}},
		{"JavaScript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"Link", "[docs](https://example.com/a)", []string{`href="https://example.com/a"`, `rel="nofollow"`}, nil},
		{"Iframe", `<iframe src="https://evil.example"></iframe>`, nil, []string{"<iframe"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(markdown.Render(c.src))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("got %q, which contains %q", got, n)
				}
			}
		})
	}
}
