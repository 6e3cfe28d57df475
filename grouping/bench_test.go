package grouping_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/grouping"
	"github.com/rapportckm/rapport/sqldb"
	"github.com/rapportckm/rapport/sqldb/sqlite"
	"github.com/rapportckm/rapport/theme"
)

var ctx = context.Background()

// words are made-up words of three syllables; topic t draws half its words from its own
// 15, the rest from all words, as theme's own benchmark does.
func texts(n, topics int, seed uint64) ([]string, []int) {
	r := rand.New(rand.NewPCG(seed, 9))
	syl := []string{"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "qu", "do", "fe", "gi", "hu"}
	vocab := make([]string, 20000)
	for i := range vocab {
		vocab[i] = syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))] + syl[r.IntN(len(syl))] + strconv.Itoa(i%97)
	}
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(vocab)-1))
	own := make([][]string, topics)
	for t := range own {
		for range 15 {
			own[t] = append(own[t], vocab[r.IntN(len(vocab))])
		}
	}
	out, truth := make([]string, n), make([]int, n)
	for i := range out {
		t := r.IntN(topics)
		var w []string
		for range 6 + r.IntN(9) {
			if r.IntN(2) == 0 {
				w = append(w, own[t][r.IntN(15)])
			} else {
				w = append(w, vocab[zipf.Uint64()])
			}
		}
		out[i], truth[i] = strings.Join(w, " "), t
	}
	return out, truth
}

// open makes a migrated SQLite database and a raw connection to fill it fast.
func open(b *testing.B) (*sqldb.DB, *sql.DB) {
	path := filepath.Join(b.TempDir(), "rapport.db")
	db, err := sqlite.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return db, raw
}

// fill inserts feedback with the texts; themes, when given, names each item's theme
// (stored as a grouping would have left it).
func fill(b *testing.B, raw *sql.DB, texts []string, themes []rapport.ID) {
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.Prepare(`INSERT INTO feedback (id, kind, text, severity, sentiment, status, heard_at, created_at, updated_at, theme_id, theme_seq)
		VALUES (?, 'complaint', ?, 'low', 0, 'new', ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	for i, text := range texts {
		var th, seq any
		if themes != nil {
			th, seq = themes[i], 1
		}
		if _, err := stmt.Exec(rapport.NewID(), text, now, now, now, th, seq); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := tx.Exec(`UPDATE theme_state SET seq = 1, threshold = 0.2`); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func size(def int) int {
	if v, err := strconv.Atoi(os.Getenv("RAPPORT_BENCH_ITEMS")); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkAssign1M is the server's path for one new item, with 1,000,000 items in
// themes in the database (2,000 stored themes, one per synthetic topic): the
// transaction that locks the state, catches up, reads the new item, weighs and scores
// it against the model and writes its theme. The model is built first (timed apart).
func BenchmarkAssign1M(b *testing.B) {
	n := size(1_000_000)
	db, raw := open(b)
	all, truth := texts(n+10000, 2000, 1)
	ids := make([]rapport.ID, 2000)
	tx, _ := raw.Begin()
	now := time.Now().UTC()
	for i := range ids {
		ids[i] = rapport.NewID()
		if _, err := tx.Exec(`INSERT INTO themes (id, label, status, created_at, updated_at) VALUES (?, '', 'open', ?, ?)`, ids[i], now, now); err != nil {
			b.Fatal(err)
		}
	}
	must(b, tx.Commit())
	themes := make([]rapport.ID, n)
	for i := range themes {
		themes[i] = ids[truth[i]]
	}
	start := time.Now()
	fill(b, raw, all[:n], themes)
	b.Logf("%d items stored in %s", n, time.Since(start).Round(time.Second))
	a := &grouping.Assigner{Store: db, Scope: rapport.JobScope("bench")}
	start = time.Now()
	must(b, a.Warm(ctx))
	b.Logf("model built from %d items in %s", n, time.Since(start).Round(time.Millisecond))
	next := n
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		fill(b, raw, all[next:next+1], nil)
		next++
		b.StartTimer()
		sum, err := a.AssignAll(ctx)
		must(b, err)
		if sum.Rebuilt || sum.Assigned+sum.NoTheme != 1 {
			b.Fatalf("got %s; want one item assigned without a rebuild", sum)
		}
	}
}

// BenchmarkRegroup100k is the full re-grouping of 100,000 items: reading them, grouping
// them with the threshold chosen, mapping the groups to stored themes and writing.
func BenchmarkRegroup100k(b *testing.B) {
	n := size(100_000)
	db, raw := open(b)
	all, _ := texts(n, 2000, 2)
	fill(b, raw, all, nil)
	for b.Loop() {
		result, err := grouping.Regroup(ctx, db, rapport.JobScope("bench"), theme.Options{Seed: 1})
		must(b, err)
		b.Log(result)
	}
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

var _ = fmt.Sprint
