package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKBCommands: a BEIR corpus is imported (twice: the second time adds nothing),
// searched into a TREC run that names the corpus's ids, and scored; the baseline run
// is made and scored too.
func TestKBCommands(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	corpus := write("corpus.jsonl", `{"_id": "MED-1", "title": "Resetting a password", "text": "Open the settings and choose a new password."}
{"_id": "doc_2", "title": "Deleting an account", "text": "Accounts are deleted after thirty days."}
{"_id": "3", "title": "", "text": "Invoices are sent by e-mail every month."}
`)
	queries := write("queries.jsonl", `{"_id": "q1", "text": "how do I reset my passwords"}
{"_id": "q2", "text": "delete acount"}
{"_id": "q3", "text": "the"}
`)
	qrels := write("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\tMED-1\t1\nq2\tdoc_2\t1\nq3\t3\t1\n")

	code, out, errOut := rapportCmd(t, dir, "", "kb", "import", corpus, "--format", "beir")
	if code != 0 || !strings.Contains(out, "Imported 3 of 3 articles in ") {
		t.Fatalf("kb import: %d %q %q", code, out, errOut)
	}
	if code, out, _ = rapportCmd(t, dir, "", "kb", "import", corpus, "--format", "beir"); code != 0 || !strings.Contains(out, "Imported 0 of 3 articles (the others were there already)") {
		t.Errorf("kb import again: %d %q", code, out)
	}
	if code, _, _ = rapportCmd(t, dir, "", "kb", "import", corpus, "--format", "csv"); code != exitUsage {
		t.Errorf("kb import --format csv exits %d, want %d", code, exitUsage)
	}
	code, run, errOut := rapportCmd(t, dir, "", "search", "--queries", queries, "--limit", "10", "--format", "trec")
	lines := strings.Split(strings.TrimSpace(run), "\n")
	if code != 0 || len(lines) != 2 {
		t.Fatalf("search: %d %q %q", code, run, errOut)
	}
	for i, want := range []string{"q1 Q0 MED-1 1 ", "q2 Q0 doc_2 1 "} {
		if f := strings.Fields(lines[i]); !strings.HasPrefix(lines[i], want) || len(f) != 6 || f[5] != "rapport" {
			t.Errorf("run line %d = %q, want %q… rapport", i+1, lines[i], want)
		}
	}
	runFile := write("rapport.run", run)
	code, out, _ = rapportCmd(t, dir, "", "kb", "eval", "--qrels", qrels, runFile)
	if code != 0 || !strings.Contains(out, "queries 3\nndcg_cut_10 0.6667\nrecall_100 0.6667") {
		t.Errorf("kb eval: %d %q", code, out)
	}
	// A file that is not what it should be is named with its line.
	notRun := write("ok.csv", "a,b\n")
	if code, _, errOut := rapportCmd(t, dir, "", "kb", "eval", "--qrels", qrels, notRun); code != exitError || !strings.Contains(errOut, notRun+": line 1: want 6 fields") {
		t.Errorf("kb eval of a CSV file: %d %q", code, errOut)
	}
	if code, _, errOut := rapportCmd(t, dir, "", "kb", "eval", "--qrels", notRun, runFile); code != exitError || !strings.Contains(errOut, "--qrels "+notRun+": line 1: want 3 or 4 fields") {
		t.Errorf("kb eval with qrels of a CSV file: %d %q", code, errOut)
	}
	code, base, errOut := rapportCmd(t, dir, "", "kb", "baseline", "--corpus", corpus, "--queries", queries)
	// Without stemming, stop words or typos: q1 and q2 find nothing, q3 finds "the".
	if code != 0 || !strings.HasPrefix(base, "q3 Q0 MED-1 1 ") || strings.Contains(base, "q1 Q0") || strings.Contains(base, "q2 Q0") {
		t.Errorf("kb baseline: %d %q %q", code, base, errOut)
	}
}
