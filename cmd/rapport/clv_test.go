package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCLVFit(t *testing.T) {
	sample := "../../../shared/data/cdnow/CDNOW_sample.txt"
	if _, err := os.Stat(sample); err != nil {
		t.Skipf("the CDNOW sample is not here: %v", err)
	}
	dir := t.TempDir()
	scores := filepath.Join(dir, "scores.csv")
	code, stdout, stderr := rapportCmd(t, dir, "", "clv", "fit", "--transactions", sample, "--customer-column", "2", "--date-column", "3",
		"--amount-column", "5", "--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30", "--unit", "week", "--scores", scores, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res clvResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	bg := res.BGNBD.Model
	if res.Customers != 2357 || bg.R < 0.2425 || bg.R > 0.2435 || res.GammaGamma == nil || res.Holdout.Actual != 1882 ||
		len(res.Holdout.Customers) != 2357 || res.Holdout.Predicted <= 0 {
		t.Errorf("got %d customers, BG/NBD %+v, hold-out %v of %d", res.Customers, bg, res.Holdout.Predicted, res.Holdout.Actual)
	}
	sum := 0
	for _, c := range res.Holdout.Customers {
		sum += c.Actual
	}
	if sum != res.Holdout.Actual {
		t.Errorf("the customers' hold-out purchases add up to %d, the total says %d", sum, res.Holdout.Actual)
	}
	written, err := os.ReadFile(scores)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(written), "\n"); lines != 2358 || !strings.HasPrefix(string(written), "customer,p_alive,expected_purchases,expected_spend,clv\n") {
		t.Errorf("the scores file has %d lines: %.200s", lines, written)
	}

	// Bad input: a usage error names the flag; a bad row names its line and column.
	if code, _, stderr := rapportCmd(t, dir, "", "clv", "fit", "--transactions", sample); code != 2 || !strings.Contains(stderr, "--calibration-end") {
		t.Errorf("got exit %d, %q; want a usage error", code, stderr)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("customer,date,amount\nC1,2024-01-05,10\nC1,2024-13-40,12\n"), 0o644)
	code, _, stderr = rapportCmd(t, dir, "", "clv", "fit", "--transactions", bad, "--customer-column", "customer", "--date-column", "date", "--calibration-end", "2024-06-30")
	if code != 1 || !strings.Contains(stderr, "line 3, column date") {
		t.Errorf("got exit %d, %q; want the bad date named by line and column", code, stderr)
	}
	code, _, stderr = rapportCmd(t, dir, "", "clv", "fit", "--transactions", bad, "--customer-column", "client", "--date-column", "date", "--calibration-end", "2024-06-30")
	if code != 1 || !strings.Contains(stderr, `line 1: the header has no column "client"; its columns are customer, date, amount`) {
		t.Errorf("got exit %d, %q; want the missing column named at the header, with the columns there are", code, stderr)
	}
}

// TestCLVFitSaysWhatItCannotUse: a hold-out period past the last transaction is
// refused, naming the data's end; so is a negative amount (a refund), naming its line;
// customers whose repeat purchases add up to 0, left out of the spend model's fit, are
// counted.
func TestCLVFitSaysWhatItCannotUse(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("customer,date,amount\n")
	for c := range 60 {
		for p := range 2 + c%5 {
			amount := 10 + (c*7+p*13)%40
			if c == 0 {
				amount = 0
			}
			fmt.Fprintf(&b, "C%d,2024-%02d-%02d,%d\n", c, 1+p*2, 1+c%28, amount)
		}
	}
	file := filepath.Join(dir, "tx.csv")
	os.WriteFile(file, []byte(b.String()), 0o644)
	fit := func(args ...string) (int, string, string) {
		return rapportCmd(t, dir, "", append([]string{"clv", "fit", "--transactions", file, "--customer-column", "customer", "--date-column", "date",
			"--amount-column", "amount", "--calibration-end", "2024-06-30"}, args...)...)
	}
	code, _, stderr := fit("--holdout-end", "2030-06-30")
	if code != exitUsage || !strings.Contains(stderr, "--holdout-end 2030-06-30 is after the last transaction in "+file+", on 2024-11-27") {
		t.Errorf("a hold-out past the data: exit %d, %q", code, stderr)
	}
	code, stdout, stderr := fit("--json")
	var res clvResult
	if err := json.Unmarshal([]byte(stdout), &res); code != exitOK || err != nil || res.NoSpend != 1 || res.GammaGamma == nil {
		t.Errorf("a customer who spent 0: exit %d, %s %s; want 1 left out of the spend model", code, stdout, stderr)
	}
	if code, stdout, _ := fit(); !strings.Contains(stdout, "1 customer whose repeat purchases add up to 0 is left out of its fit") {
		t.Errorf("exit %d, %q; want the customer left out said", code, stdout)
	}
	os.WriteFile(file, []byte("customer,date,amount\nC1,2024-01-05,10\nC1,2024-02-05,-10\n"), 0o644)
	if code, _, stderr := fit(); code != exitError || !strings.Contains(stderr, "line 3, column amount: the amount -10 is negative") {
		t.Errorf("a refund: exit %d, %q", code, stderr)
	}
}

// TestCLVFitDateFormat: a date that does not read in the --date-format given is named
// with its line and column, and the format as the user wrote it, not Go's layout.
func TestCLVFitDateFormat(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "tx.csv")
	os.WriteFile(file, []byte("customer,date\nC1,05/01/2024\nC1,2024-02-05\n"), 0o644)
	code, _, stderr := rapportCmd(t, dir, "", "clv", "fit", "--transactions", file, "--customer-column", "customer", "--date-column", "date",
		"--calibration-end", "2024-06-30", "--date-format", "DD/MM/YYYY")
	if code != exitError || !strings.Contains(stderr, `line 3, column date: "2024-02-05" is not a date written DD/MM/YYYY (--date-format)`) {
		t.Errorf("got exit %d, %q; want the date and the format as given", code, stderr)
	}
}
