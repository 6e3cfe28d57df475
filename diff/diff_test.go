package diff_test

import (
	"strings"
	"testing"

	"github.com/rapportckm/rapport/diff"
)

// render writes a comparison as " x", "-x", "+x" lines.
func render(lines []diff.Line) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString([]string{" ", "-", "+"}[l.Op] + l.Text + "\n")
	}
	return b.String()
}

func TestText(t *testing.T) {
	cases := []struct{ name, a, b, want string }{
		{"same", "a\nb", "a\nb", " a\n b\n"},
		{"both empty", "", "", ""},
		{"from nothing", "", "a\nb", "+a\n+b\n"},
		{"to nothing", "a\nb", "", "-a\n-b\n"},
		{"line added in the middle", "a\nc", "a\nb\nc", " a\n+b\n c\n"},
		{"line removed", "a\nb\nc", "a\nc", " a\n-b\n c\n"},
		{"line changed", "a\nb\nc", "a\nB\nc", " a\n-b\n+B\n c\n"},
		{"crlf is lf", "a\r\nb\r\n", "a\nb", " a\n b\n"},
		{"moved line", "a\nb\nc\nd", "b\nc\na\nd", "-a\n b\n c\n+a\n d\n"},
		{"two changes apart", "1\n2\n3\n4\n5", "1\nx\n3\n4\ny", " 1\n-2\n+x\n 3\n 4\n-5\n+y\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := render(diff.Text(c.a, c.b)); got != c.want {
				t.Errorf("Text(%q, %q) =\n%s\nwant\n%s", c.a, c.b, got, c.want)
			}
		})
	}
}

// Every comparison, read one way, gives back the old text and, read the other, the
// new one; and it keeps as many lines as the longest common subsequence has.
func TestLinesRebuild(t *testing.T) {
	texts := []string{"", "a", "a\nb\nc", "b\na\nc", "a\na\nb\nb", "x\na\ny\nb\nz", "c\nb\na", "a\nb\nc\na\nb\nc"}
	for _, a := range texts {
		for _, b := range texts {
			lines := diff.Text(a, b)
			var old, neu []string
			kept := 0
			for _, l := range lines {
				if l.Op != diff.Insert {
					old = append(old, l.Text)
				}
				if l.Op != diff.Delete {
					neu = append(neu, l.Text)
				}
				if l.Op == diff.Equal {
					kept++
				}
			}
			if strings.Join(old, "\n") != a || strings.Join(neu, "\n") != b {
				t.Errorf("Text(%q, %q) rebuilds %q and %q", a, b, old, neu)
			}
			if want := lcs(strings.Split(a, "\n"), strings.Split(b, "\n")); a != "" && b != "" && kept != want {
				t.Errorf("Text(%q, %q) keeps %d lines, want %d", a, b, kept, want)
			}
		}
	}
}

// lcs is the length of the longest common subsequence, by brute recursion.
func lcs(a, b []string) int {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	if a[0] == b[0] {
		return 1 + lcs(a[1:], b[1:])
	}
	return max(lcs(a[1:], b), lcs(a, b[1:]))
}

func TestLineNumbers(t *testing.T) {
	lines := diff.Text("a\nb\nc", "a\nx\nc")
	want := []diff.Line{{diff.Equal, "a", 1, 1}, {diff.Delete, "b", 2, 0}, {diff.Insert, "x", 0, 2}, {diff.Equal, "c", 3, 3}}
	if len(lines) != len(want) {
		t.Fatalf("got %v, want %v", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, lines[i], want[i])
		}
	}
	if diff.Changed(diff.Text("a", "a")) || !diff.Changed(lines) {
		t.Error("Changed is wrong")
	}
}

// Past MaxCells the middle is replaced whole, and the common ends are still kept.
func TestLargeFallsBack(t *testing.T) {
	n := 3000
	a, b := make([]string, n), make([]string, n)
	for i := range n {
		a[i], b[i] = "old "+strings.Repeat("x", i%7), "new "+strings.Repeat("y", i%5)
	}
	a = append([]string{"head"}, append(a, "tail")...)
	b = append([]string{"head"}, append(b, "tail")...)
	lines := diff.Lines(a, b)
	if len(lines) != 2*n+2 || lines[0].Op != diff.Equal || lines[len(lines)-1].Op != diff.Equal || lines[1].Op != diff.Delete || lines[n+1].Op != diff.Insert {
		t.Errorf("a large comparison has %d lines, first %+v last %+v", len(lines), lines[0], lines[len(lines)-1])
	}
}
