package web

import "testing"

// TestLocalPath: only addresses on this site are redirected to, whatever a browser
// would make of the others (it drops tabs and line breaks and reads \ as /).
func TestLocalPath(t *testing.T) {
	for _, p := range []string{"/", "/customers?q=ana", "/customers/0190/edit#notes", "/help/articles/x?y=%2F%2Fz", "/kunden/müller"} {
		if !localPath(p) {
			t.Errorf("localPath(%q) = false, want true", p)
		}
	}
	for _, p := range []string{"", "customers", "https://evil.example/", "//evil.example", "/\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r\n//evil.example", "/x\x00", "/x\x7f", "\\\\evil.example", " /customers"} {
		if localPath(p) {
			t.Errorf("localPath(%q) = true, want false", p)
		}
	}
	if got := safeNext("/\t/evil.example/x"); got != "/" {
		t.Errorf("safeNext kept %q, want /", got)
	}
	if got := safeBack("/\t/evil.example/x"); got != "" {
		t.Errorf("safeBack kept %q, want nothing", got)
	}
}
