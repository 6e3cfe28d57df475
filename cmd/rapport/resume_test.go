package main

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestMain lets a test run the command as a real child process: with
// RAPPORT_TEST_MAIN set, the test binary is rapport.
func TestMain(m *testing.M) {
	if os.Getenv("RAPPORT_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestImportResumesAfterKill kills real imports with SIGKILL at several points, runs
// the same command again until one finishes, and wants exactly the database and the
// rejects of an import that was never interrupted: on SQLite and PostgreSQL, for a CSV
// file (resumed by seeking) and a gzipped JSON array (resumed by reading on).
func TestImportResumesAfterKill(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes; not in -short")
	}
	dir := t.TempDir()
	people, orders, size := resumeFiles(t, dir)
	databases := []struct {
		name string
		open func(t *testing.T) (arg, driver, dsn string)
	}{
		{"sqlite", func(t *testing.T) (string, string, string) {
			path := filepath.Join(t.TempDir(), "rapport.db")
			return "sqlite:" + path, "sqlite", path
		}},
		{"postgres", func(t *testing.T) (string, string, string) {
			url := sqldbtest.PostgresURL(t)
			return url, "pgx", url
		}},
	}
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			refArg, refDriver, refDSN := d.open(t)
			arg, driver, dsn := d.open(t)
			for _, f := range []struct {
				what, file, mapping string
				size                int64
			}{
				{"customers", people, filepath.Join(dir, "people.yaml"), size[0]},
				{"interactions", orders, filepath.Join(dir, "orders.yaml"), size[1]},
			} {
				args := []string{"import", f.what, f.file, "--source", "shop", "--map", f.mapping, "--batch", "400"}
				want, wantRejects := importChild(t, dir, "ref", append(args, "--db", refArg))
				raw := openRaw(t, driver, dsn)
				for i, share := range []float64{0.15, 0.4, 0.75} {
					cmd := startChild(t, append(args, "--db", arg))
					killAt(t, cmd, raw, int64(share*float64(f.size)))
					var done bool
					if err := raw.QueryRow(`SELECT done FROM imports WHERE kind = $1`, f.what).Scan(&done); err != nil || done {
						t.Fatalf("kill %d: import done %v (%v), want it interrupted", i+1, done, err)
					}
				}
				got, gotRejects := importChild(t, dir, "resumed", append(args, "--db", arg))
				if got != want || gotRejects != wantRejects {
					t.Errorf("%s: resumed import says %q, want %q as without interruption; rejects equal: %v", f.what, got, want, gotRejects == wantRejects)
				}
			}
			if a, b := dump(t, openRaw(t, refDriver, refDSN)), dump(t, openRaw(t, driver, dsn)); !slices.Equal(a, b) {
				for i := range min(len(a), len(b)) {
					if a[i] != b[i] {
						t.Fatalf("the databases differ (%d and %d rows): first at %q, want %q", len(b), len(a), b[i], a[i])
					}
				}
				t.Fatalf("the databases differ: %d rows, want %d", len(b), len(a))
			}
		})
	}
}

// resumeFiles writes 12,000 people as CSV (a few with bad e-mail addresses, some
// sharing one) and 20,000 orders as a gzipped JSON array, with their mappings.
func resumeFiles(t *testing.T, dir string) (people, orders string, size [2]int64) {
	var csvText, jsonText strings.Builder
	csvText.WriteString("id,first,last,email,phone,born\n")
	for i := range 12000 {
		email := fmt.Sprintf("p%d@example.com", i)
		switch {
		case i%997 == 0:
			email = "not an address"
		case i%50 == 49:
			email = fmt.Sprintf("p%d@example.com", i-1) // the same person as the row before
		}
		fmt.Fprintf(&csvText, "P%d,ANNA %d,SILVA,%s,0%d,%02d/%02d/19%02d\n", i, i, email, 7700900000+i, i%28+1, i%12+1, i%100)
	}
	jsonText.WriteString("[\n")
	for i := range 20000 {
		if i > 0 {
			jsonText.WriteString(",\n")
		}
		fmt.Fprintf(&jsonText, `  {"order": "O%d", "customer": "P%d", "at": "2024-%02d-%02d 10:00", "total": "%d.50", "lines": [1, 2]}`, i, i%12000, i%12+1, i%28+1, i)
	}
	jsonText.WriteString("\n]\n")
	people = write(t, dir, "people.csv", csvText.String())
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(jsonText.String()))
	w.Close()
	orders = write(t, dir, "orders.json.gz", gz.String())
	write(t, dir, "people.yaml", "record: customers\ndates: [DD/MM/YYYY]\nphone_region: GB\n"+
		"fields: {source_id: id, given_name: first, family_name: last, emails: email, phones: phone, date_of_birth: born}\n")
	write(t, dir, "orders.yaml", "record: interactions\ndates: [YYYY-MM-DD hh:mm]\n"+
		"fields: {source_id: order, customer_source_id: customer, occurred_at: at, amount: total, summary: order}\n"+
		"defaults: {type: order, channel: web, currency: GBP}\nattributes: [lines]\n")
	return people, orders, [2]int64{int64(csvText.Len()), int64(jsonText.Len())}
}

func startChild(t *testing.T, args []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "RAPPORT_TEST_MAIN=1")
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &bytes.Buffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// importChild runs an import to its end and returns its summary, without the time
// taken, and the rejects it wrote.
func importChild(t *testing.T, dir, name string, args []string) (summary, rejects string) {
	t.Helper()
	file := filepath.Join(dir, name+"-rejects.csv")
	cmd := startChild(t, append(args, "--rejects", file))
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v: %s", args, err, cmd.Stderr)
	}
	out := cmd.Stdout.(*bytes.Buffer).String()
	summary = regexp.MustCompile(`read \d+, created \d+, updated \d+, linked \d+, unchanged \d+, rejected \d+`).FindString(out)
	data, err := os.ReadFile(file)
	if err != nil || summary == "" {
		t.Fatalf("%q: %v", out, err)
	}
	return summary, string(data)
}

// killAt kills the child with SIGKILL once its import has written past offset.
func killAt(t *testing.T, cmd *exec.Cmd, raw *sql.DB, offset int64) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var at int64
		raw.QueryRow(`SELECT offset_bytes FROM imports WHERE NOT done`).Scan(&at)
		if at >= offset {
			break
		}
		if cmd.ProcessState != nil || time.Now().After(deadline) {
			t.Fatalf("the import ended or stalled before byte %d: %s", offset, cmd.Stderr)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

func openRaw(t *testing.T, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dump lists what an import leaves in a database, without ids and times, sorted.
func dump(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var out []string
	for _, q := range []string{
		`SELECT kind, name, given_name, family_name, version, attributes FROM customers`,
		`SELECT c.name, cc.kind, cc.position, cc.value, cc.normalized FROM customer_contacts cc JOIN customers c ON c.id = cc.customer_id`,
		`SELECT r.source_key, c.name, r.fields FROM source_records r JOIN customers c ON c.id = r.customer_id`,
		`SELECT i.source_key, c.name, i.type, i.occurred_at, i.amount, i.currency, i.summary, i.attributes FROM interactions i JOIN customers c ON c.id = i.customer_id`,
		`SELECT kind, read_rows, created, updated, linked, unchanged, rejected, offset_bytes, line, done FROM imports`,
		`SELECT i.kind, r.line, r.field, r.message, r.text FROM import_rejects r JOIN imports i ON i.id = r.import_id`,
	} {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]sql.NullString, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				b.WriteString(v.String + "|")
			}
			out = append(out, b.String())
		}
		rows.Close()
	}
	slices.Sort(out)
	return out
}
