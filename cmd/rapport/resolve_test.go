package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/linkage/synth"
	"github.com/rapportckm/rapport/sqldb/sqlite"
)

// peopleNDJSON writes synthetic people (30 % duplicates) as customer records.
func peopleNDJSON(t *testing.T, n int) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.Generate(&buf, synth.Options{Records: n, Duplicates: 0.3, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range rows[1:] { // id,person_id,given_name,family_name,date_of_birth,email,phone,street,city,postcode
		c := map[string]any{"source_id": r[0], "kind": "person", "given_name": r[2], "family_name": r[3],
			"attributes": map[string]string{"date_of_birth": r[4]}}
		if r[2] == "" && r[3] == "" {
			c["name"] = "(no name)"
		}
		if r[5] != "" {
			c["emails"] = []map[string]string{{"value": r[5]}}
		}
		if r[6] != "" {
			c["phones"] = []map[string]string{{"value": r[6]}}
		}
		if r[7]+r[8]+r[9] != "" {
			c["addresses"] = []map[string]string{{"street": r[7], "city": r[8], "postcode": r[9]}}
		}
		line, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(line))
	}
	return lines
}

// TestServeResolvesArrivals imports customers, starts serve, which resolves them all
// (there is no model yet), then imports more while it runs: serve resolves those
// against the others within seconds, merging duplicates of the first.
func TestServeResolvesArrivals(t *testing.T) {
	dir := t.TempDir()
	people := peopleNDJSON(t, 400)
	first := write(t, dir, "first.ndjson", strings.Join(people[:320], "\n")+"\n")
	later := write(t, dir, "later.ndjson", strings.Join(people[320:], "\n")+"\n")
	if code, out, errOut := rapportCmd(t, dir, "", "import", "customers", first, "--source", "shop"); code != exitOK {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}

	_, stderr, stop := startServe(dir)
	defer stop()
	db, err := sqlite.Open(filepath.Join(dir, "rapport.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// waitFor waits for a finished run of arrivals whose result matches.
	waitFor := func(result *regexp.Regexp) []string {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			jobs, err := db.FindJobs(context.Background(), rapport.SystemScope("test"), rapport.JobResolveNew, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				if m := result.FindStringSubmatch(j.Result); j.State == rapport.JobDone && m != nil {
					return m
				}
			}
		}
		t.Fatalf("no run of arrivals matched %s: %s", result, stderr.String())
		return nil
	}
	waitFor(regexp.MustCompile(`^all \d+ records? of \d+ customers?: \d+ pairs? compared, [1-9]\d* merged`))

	if code, out, errOut := rapportCmd(t, dir, "", "import", "customers", later, "--source", "shop"); code != exitOK {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	m := waitFor(regexp.MustCompile(`^(\d+) customers? new or changed against (\d+) records?: \d+ pairs? compared, (\d+) merged`))
	arrived, _ := strconv.Atoi(m[1])
	merged, _ := strconv.Atoi(m[3])
	if arrived == 0 || arrived > 80 || merged == 0 {
		t.Errorf("the later 80 records: %s, want some of them merged", m[0])
	}
}
