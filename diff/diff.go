// Package diff compares texts line by line: the longest common subsequence of their
// lines, shown as the lines kept, removed and added.
package diff

import "strings"

// Op says what happened to a line.
type Op int

const (
	Equal  Op = iota // in both
	Delete           // only in the old text
	Insert           // only in the new text
)

// Line is one line of a comparison. Old and New are its 1-based line numbers in the
// old and new text, 0 where it is not there.
type Line struct {
	Op       Op
	Text     string
	Old, New int
}

// MaxCells bounds the work of one comparison: when the lines that differ between the
// two texts (after their common beginning and end) are more than this many pairs, the
// middle is shown as removed and added whole rather than compared.
const MaxCells = 4 << 20

// Text compares two texts split into lines; "\r\n" counts as "\n".
func Text(a, b string) []Line {
	return Lines(split(a), split(b))
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Lines compares two lists of lines.
func Lines(a, b []string) []Line {
	// The common beginning and end need no table.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	out := make([]Line, 0, len(a)+len(b)-pre-suf)
	for i := range pre {
		out = append(out, Line{Op: Equal, Text: a[i], Old: i + 1, New: i + 1})
	}
	out = append(out, middle(a[pre:len(a)-suf], b[pre:len(b)-suf], pre)...)
	for k := suf; k > 0; k-- {
		i, j := len(a)-k, len(b)-k
		out = append(out, Line{Op: Equal, Text: a[i], Old: i + 1, New: j + 1})
	}
	return out
}

// middle compares the lines between the common beginning and end; off is the number
// of lines before them.
func middle(a, b []string, off int) []Line {
	n, m := len(a), len(b)
	var out []Line
	if n*m > MaxCells || n == 0 || m == 0 {
		for i, t := range a {
			out = append(out, Line{Op: Delete, Text: t, Old: off + i + 1})
		}
		for j, t := range b {
			out = append(out, Line{Op: Insert, Text: t, New: off + j + 1})
		}
		return out
	}
	// lcs[i*(m+1)+j] is the length of the longest common subsequence of a[i:] and b[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			out = append(out, Line{Op: Equal, Text: a[i], Old: off + i + 1, New: off + j + 1})
			i, j = i+1, j+1
		case j < m && (i == n || lcs[i*w+j+1] >= lcs[(i+1)*w+j]):
			// Removals come before additions where either would do; see below.
			if i < n && lcs[i*w+j+1] == lcs[(i+1)*w+j] {
				out = append(out, Line{Op: Delete, Text: a[i], Old: off + i + 1})
				i++
				continue
			}
			out = append(out, Line{Op: Insert, Text: b[j], New: off + j + 1})
			j++
		default:
			out = append(out, Line{Op: Delete, Text: a[i], Old: off + i + 1})
			i++
		}
	}
	return out
}

// Changed reports whether a comparison found any difference.
func Changed(lines []Line) bool {
	for _, l := range lines {
		if l.Op != Equal {
			return true
		}
	}
	return false
}
