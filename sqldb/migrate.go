package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// Migrate applies the dialect's migrations that have not run yet, in name order, each in
// its own transaction, and records them in schema_migrations. Applied files are never
// edited: a change to the schema is a new file.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	names, err := MigrationNames(db.dialect.Migrations())
	if err != nil {
		return nil, err
	}
	var applied []string
	for _, name := range names {
		ok, err := db.migrate(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", name, err)
		}
		if ok {
			applied = append(applied, name)
		}
	}
	// Mails on timelines from before their keys were cut (see withoutKeys) lose them.
	if ok, err := db.once(ctx, "0045_cut_mailed_keys.go", cutMailedKeys); err != nil {
		return applied, fmt.Errorf("cut the keys of mailed links: %w", err)
	} else if ok {
		applied = append(applied, "0045_cut_mailed_keys.go")
	}
	// Articles written before the search index, or indexed by another version of the
	// text analysis, are indexed now.
	if _, err := db.reindexArticles(ctx); err != nil {
		return applied, fmt.Errorf("index the knowledge base: %w", err)
	}
	return applied, nil
}

func (db *DB) migrate(ctx context.Context, name string) (bool, error) {
	return db.once(ctx, name, func(ctx context.Context, tx *sql.Tx) error {
		body, err := fs.ReadFile(db.dialect.Migrations(), name)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, string(body))
		return err
	})
}

// once runs a migration, fn, in a transaction unless the database has it already,
// records it, and reports whether it ran.
func (db *DB) once(ctx context.Context, name string, fn func(context.Context, *sql.Tx) error) (bool, error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if err := db.dialect.LockMigrations(ctx, tx); err != nil {
		return false, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, name).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	if err := fn(ctx, tx); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, name, time.Now().UTC()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// cutMailedKeys cuts the keys out of the links of the mails on timelines, as MailSent
// now writes them.
func cutMailedKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, body FROM interactions WHERE type = 'email' AND actor_kind = 'system' AND actor_id = 'rapport'`)
	if err != nil {
		return err
	}
	cut := map[rapport.ID]string{}
	for rows.Next() {
		var id rapport.ID
		var body string
		if err := rows.Scan(&id, &body); err != nil {
			rows.Close()
			return err
		}
		if b := withoutKeys(body); b != body {
			cut[id] = b
		}
	}
	rows.Close() // before the updates: the transaction has one connection
	if err := rows.Err(); err != nil {
		return err
	}
	for id, body := range cut {
		if _, err := tx.ExecContext(ctx, `UPDATE interactions SET body = $1 WHERE id = $2`, body, id); err != nil {
			return err
		}
	}
	return nil
}

// MigrationNames lists the .sql files of a migrations directory in the order they apply.
func MigrationNames(fsys fs.FS) ([]string, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}
