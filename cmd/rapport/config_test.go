package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestBadVariables: a RAPPORT_* variable that does not read is a usage error naming
// it, as the same value given to the flag is, unless the flag overrides it.
func TestBadVariables(t *testing.T) {
	dir := t.TempDir()
	// Stopped before it starts: serve, given what it takes, stops at once.
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	runWith := func(vars map[string]string, args ...string) (int, string) {
		var out, errOut bytes.Buffer
		env := &environment{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(name string) string {
			if name == "RAPPORT_DATA_DIR" {
				return dir
			}
			return vars[name]
		}}
		return run(stopped, env, args), errOut.String()
	}
	for _, tt := range []struct {
		variable, value string
		args            []string
	}{
		{"RAPPORT_TRUST_PROXY", "yes", []string{"serve", "--addr", "127.0.0.1:0"}},
		{"RAPPORT_MERGE_THRESHOLD", "abc", []string{"resolve"}},
		{"RAPPORT_REVIEW_THRESHOLD", "0,5", []string{"resolve"}},
		{"RAPPORT_MERGE_THRESHOLD", "abc", []string{"serve", "--addr", "127.0.0.1:0"}},
	} {
		code, errOut := runWith(map[string]string{tt.variable: tt.value}, tt.args...)
		if want := tt.variable + ` "` + tt.value + `" is not`; code != exitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s=%s %v: exit %d, %q; want a usage error with %q", tt.variable, tt.value, tt.args, code, errOut, want)
		}
	}
	// The flag wins over the variable, and a good variable is taken.
	if code, errOut := runWith(map[string]string{"RAPPORT_MERGE_THRESHOLD": "abc"}, "serve", "--merge-threshold", "0.95"); code != exitOK {
		t.Errorf("a bad variable overridden by its flag: exit %d, %q", code, errOut)
	}
	if code, errOut := runWith(map[string]string{"RAPPORT_REVIEW_THRESHOLD": "0.999"}, "resolve", "--merge-threshold", "0.99"); code != exitUsage || !strings.Contains(errOut, "review (0.999)") {
		t.Errorf("RAPPORT_REVIEW_THRESHOLD=0.999: exit %d, %q; want it taken, and above the merge threshold", code, errOut)
	}
}
