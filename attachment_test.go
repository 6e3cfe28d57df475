package rapport_test

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/rapportckm/rapport"
)

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("é", 300) + ".pdf"
	tests := []struct{ in, want string }{
		{"letter.pdf", "letter.pdf"},
		{"../../x.html", "x.html"},
		{`C:\Users\ana\Scans\form 1.png`, "form 1.png"},
		{"/etc/passwd", "passwd"},
		{"..", "attachment"},
		{"", "attachment"},
		{"...hidden", "hidden"},
		{"invoice\u202egpj.exe", "invoicegpj.exe"},
		{"tab\there\nnew\x00line.txt", "tab here newline.txt"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{"dir/", "dir"},
	}
	for _, tt := range tests {
		if got := rapport.CleanFileName(tt.in); got != tt.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := rapport.CleanFileName(long)
	if n := len([]rune(got)); n != 200 || !strings.HasSuffix(got, ".pdf") {
		t.Errorf("a 304-character name became %d characters ending %q, want 200 ending .pdf", n, got[len(got)-8:])
	}
}

func TestSniffContentType(t *testing.T) {
	var pngFile bytes.Buffer
	png.Encode(&pngFile, image.NewGray(image.Rect(0, 0, 4, 4)))
	tests := []struct {
		name, content, want string
		inline              bool
	}{
		{"png", pngFile.String(), "image/png", true},
		{"pdf", "%PDF-1.4\n1 0 obj\n", "application/pdf", true},
		{"text", "Dear Ms Silva,\nthank you.", "text/plain", true},
		{"html", "<!DOCTYPE html><script>alert(1)</script>", "text/html", false},
		{"html claiming png", "<html><body onload=alert(1)>", "text/html", false},
		{"svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "text/xml", false},
		{"zip", "PK\x03\x04rest", "application/zip", false},
		{"binary", "\x00\x01\x02\x03", "application/octet-stream", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rapport.SniffContentType([]byte(tt.content))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			a := rapport.Attachment{ContentType: got}
			if a.Inline() != tt.inline {
				t.Errorf("Inline() = %v, want %v", a.Inline(), tt.inline)
			}
		})
	}
	// A file that only begins like a PNG is not taken for one.
	fake := "\x89PNG\r\n\x1a\nnot really"
	if got := rapport.CheckImage(rapport.SniffContentType([]byte(fake)), strings.NewReader(fake)); got != "application/octet-stream" {
		t.Errorf("CheckImage of a broken PNG: %q, want application/octet-stream", got)
	}
	if got := rapport.CheckImage("image/png", bytes.NewReader(pngFile.Bytes())); got != "image/png" {
		t.Errorf("CheckImage of a PNG: %q", got)
	}
}
